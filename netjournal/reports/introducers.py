"""``introducers``: who opened which doors, and what came through them.

An encounter's ``introduced_by`` names who introduced you to that person. A person's
introducer is the one named on their first encounter (by date, then id) that names someone
other than themselves; a network connection (LinkedIn's "Connected On") introduces nobody
unless ``include_connections`` is set. Introductions form chains: A introduced B, B introduced
C, so C came through B and, one hop further, through A.

Chain credit follows payoff's ``linear`` model, over the introducers instead of the
encounters: the value of every outcome of a lead born in an encounter with C is split equally
among C's introducers up the chain (B and A: half each), exact in cents per person and
currency. Each share is the value divided by the number of introducers, truncated toward zero,
and the remaining cents go one each to the introducers farthest up the chain (the one who
opened the first door first), so the shares add up to the value. 100.01 EUR over B and A is
50.01 for A and 50.00 for B. A loss (a negative value) is shared the same way.

A chain is followed in SQL by a recursive common table expression, at most :data:`MAX_HOPS`
introducers deep, and stops at a person already in it, so a cycle (A introduced B, B
introduced A) is followed once around and never loops. ``since``/``until`` keep the leads whose
encounter is dated in the period; the introductions themselves count whenever they were made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Text,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased

from ..i18n import N_, _
from ..models import Encounter, Lead, Outcome, Person
from .base import Built, Context, Money, Section, cents, col, equal_share, value_currencies
from .base import Text as Sentence

#: How many introducers up a chain are followed (and credited) at most.
MAX_HOPS = 50
SEPARATOR = "\x1f"  # between names in one aggregated string


@dataclass(frozen=True)
class IntroducerRow:
    person_id: int = col(N_("Id"), table=False)
    introducer: str = col(N_("Introducer"))
    introduced: tuple[str, ...] = col(N_("Introduced"))
    people_reached: int = col(N_("People reached"))
    leads: int = col(N_("Leads"))
    outcomes: int = col(N_("Outcomes"))
    value: Money = col(N_("Credited value"))


@dataclass(frozen=True)
class IntroductionRow:
    person_id: int = col(N_("Id"), table=False)
    person: str = col(N_("Person"))
    introducer_id: int = col(N_("Introducer id"), table=False)
    introduced_by: str = col(N_("Introduced by"))
    introduced_on: dt.date = col(N_("Introduced on"))
    introducers: int = col(N_("Introducers up the chain"))
    leads: int = col(N_("Leads"))
    outcomes: int = col(N_("Outcomes"))
    value: Money = col(N_("Value"))


def parents(ctx: Context) -> Any:
    """Each introduced person's introducer: ``person_id``, ``introducer_id``, ``introduced_on``
    (a CTE, one row per person)."""
    e = aliased(Encounter, name="intro_enc")
    ranked = (
        select(
            e.person_id,
            e.introduced_by_id.label("introducer_id"),
            e.date.label("introduced_on"),
            func.row_number().over(partition_by=e.person_id, order_by=(e.date, e.id)).label("r"),
        )
        .where(
            e.introduced_by_id.is_not(None),
            e.introduced_by_id != e.person_id,
            *ctx.meetings(e),
        )
        .subquery("intro_ranked")
    )
    return (
        select(ranked.c.person_id, ranked.c.introducer_id, ranked.c.introduced_on)
        .where(ranked.c.r == 1)
        .cte("parent")
    )


def _key(column: Any) -> Any:
    return cast(cast(column, Integer), Text)


def chains(parent: Any) -> Any:
    """Every (person, introducer up their chain) pair with its ``hop`` (1: the person's own
    introducer), and the share ``k`` of ``n`` (``n`` introducers in the chain, ``k`` counting
    from the one farthest up). Guarded against cycles (a path of the ids seen) and depth."""
    start = select(
        parent.c.person_id,
        parent.c.introducer_id.label("ancestor_id"),
        cast(literal(1), Integer).label("hop"),
        cast(
            literal(",", Text)
            + _key(parent.c.person_id)
            + ","
            + _key(parent.c.introducer_id)
            + ",",
            Text,
        ).label("path"),
    )
    chain = start.cte("chain", recursive=True)
    up = parent.alias("up")
    step = (
        select(
            chain.c.person_id,
            up.c.introducer_id,
            cast(chain.c.hop + 1, Integer),
            cast(chain.c.path + _key(up.c.introducer_id) + ",", Text),
        )
        .join(up, up.c.person_id == chain.c.ancestor_id)
        .where(
            chain.c.hop < MAX_HOPS,
            ~chain.c.path.contains(literal(",", Text) + _key(up.c.introducer_id) + ","),
        )
    )
    chain = chain.union_all(step)
    return select(
        chain.c.person_id,
        chain.c.ancestor_id,
        chain.c.hop,
        func.row_number()
        .over(partition_by=chain.c.person_id, order_by=chain.c.hop.desc())
        .label("k"),
        func.count().over(partition_by=chain.c.person_id).label("n"),
    ).subquery("ranked_chain")


def _per_person(ctx: Context) -> tuple[Any, Any]:
    """Leads per person, and outcomes and value (raw cents) per person and currency, from
    leads born in encounters dated in the period."""
    leads = (
        select(Encounter.person_id, func.count(Lead.id).label("leads"))
        .select_from(Lead)
        .join(Encounter, Encounter.id == Lead.encounter_id)
        .where(*ctx.in_period(Encounter.date))
        .group_by(Encounter.person_id)
        .subquery("leads_pp")
    )
    money = (
        select(
            Encounter.person_id,
            Outcome.currency,
            func.count(Outcome.id).label("outcomes"),
            cast(func.sum(cents(Outcome.value)), BigInteger).label("v"),
        )
        .select_from(Outcome)
        .join(Lead, Lead.id == Outcome.lead_id)
        .join(Encounter, Encounter.id == Lead.encounter_id)
        .where(*ctx.in_period(Encounter.date))
        .group_by(Encounter.person_id, Outcome.currency)
        .subquery("money_pp")
    )
    return leads, money


def _money(codes: list[str], values: list[Any]) -> Money:
    return {c: Decimal(a).scaleb(-2) for c, a in zip(codes, values, strict=True) if a is not None}


def _ranked_by(ctx: Context, codes: list[str], columns: list[Any]) -> Any:
    if ctx.currency in codes:
        return func.coalesce(columns[codes.index(ctx.currency)], 0)
    return literal(0)


def introducer_rows(ctx: Context) -> list[IntroducerRow]:
    """One row per person who introduced someone, ranked by value credited in the journal's
    currency, then by outcomes, people reached and name."""
    codes = value_currencies(ctx)
    parent = parents(ctx)
    ranked = chains(parent)
    leads, money = _per_person(ctx)
    # payoff's linear model: equal shares up the chain, exact in cents
    share = equal_share(money.c.v, ranked.c.n, ranked.c.k)
    credited = (
        select(
            ranked.c.ancestor_id,
            func.sum(money.c.outcomes).label("outcomes"),
            *[
                type_coerce(func.sum(case((money.c.currency == code, share))), BigInteger).label(
                    f"v{i}"
                )
                for i, code in enumerate(codes)
            ],
        )
        .select_from(ranked)
        .join(money, money.c.person_id == ranked.c.person_id)
        .group_by(ranked.c.ancestor_id)
        .subquery("credited")
    )
    reach = (
        select(
            ranked.c.ancestor_id,
            func.count().label("reached"),
            func.coalesce(func.sum(leads.c.leads), 0).label("leads"),
        )
        .select_from(ranked)
        .outerjoin(leads, leads.c.person_id == ranked.c.person_id)
        .group_by(ranked.c.ancestor_id)
        .subquery("reach")
    )
    introduced = aliased(Person, name="introduced")
    direct = (
        select(
            parent.c.introducer_id,
            func.aggregate_strings(introduced.display_name, SEPARATOR).label("names"),
        )
        .join(introduced, introduced.id == parent.c.person_id)
        .group_by(parent.c.introducer_id)
        .subquery("direct")
    )
    values = [credited.c[f"v{i}"] for i in range(len(codes))]
    outcomes = func.coalesce(credited.c.outcomes, 0)
    stmt = (
        select(
            Person.id,
            Person.display_name,
            direct.c.names,
            reach.c.reached,
            reach.c.leads,
            outcomes,
            *values,
        )
        .select_from(direct)
        .join(Person, Person.id == direct.c.introducer_id)
        .join(reach, reach.c.ancestor_id == direct.c.introducer_id)
        .outerjoin(credited, credited.c.ancestor_id == direct.c.introducer_id)
        .order_by(
            _ranked_by(ctx, codes, values).desc(),
            outcomes.desc(),
            reach.c.reached.desc(),
            Person.display_name,
            Person.id,
        )
        .limit(ctx.params.limit)
    )
    return [
        IntroducerRow(
            pid,
            name,
            tuple(sorted(names.split(SEPARATOR))),
            int(reached),
            int(lead_count),
            int(outcome_count),
            _money(codes, list(amounts)),
        )
        for pid, name, names, reached, lead_count, outcome_count, *amounts in ctx.db.execute(
            stmt
        ).all()
    ]


def introduction_rows(ctx: Context) -> list[IntroductionRow]:
    """One row per introduced person: who introduced them, when, how many introducers their
    chain has, and the leads, outcomes and (unshared) value that came from them."""
    codes = value_currencies(ctx)
    parent = parents(ctx)
    ranked = chains(parent)
    leads, money = _per_person(ctx)
    depth = (
        select(ranked.c.person_id, func.max(ranked.c.n).label("n"))
        .group_by(ranked.c.person_id)
        .subquery("depth")
    )
    own = (
        select(
            money.c.person_id,
            func.sum(money.c.outcomes).label("outcomes"),
            *[
                type_coerce(
                    func.sum(case((money.c.currency == code, money.c.v))), BigInteger
                ).label(f"v{i}")
                for i, code in enumerate(codes)
            ],
        )
        .group_by(money.c.person_id)
        .subquery("own")
    )
    person = aliased(Person, name="person")
    introducer = aliased(Person, name="introducer")
    values = [own.c[f"v{i}"] for i in range(len(codes))]
    outcomes = func.coalesce(own.c.outcomes, 0)
    stmt = (
        select(
            person.id,
            person.display_name,
            introducer.id,
            introducer.display_name,
            parent.c.introduced_on,
            depth.c.n,
            func.coalesce(leads.c.leads, 0),
            outcomes,
            *values,
        )
        .select_from(parent)
        .join(person, person.id == parent.c.person_id)
        .join(introducer, introducer.id == parent.c.introducer_id)
        .join(depth, depth.c.person_id == parent.c.person_id)
        .outerjoin(leads, leads.c.person_id == parent.c.person_id)
        .outerjoin(own, own.c.person_id == parent.c.person_id)
        .order_by(
            _ranked_by(ctx, codes, values).desc(),
            outcomes.desc(),
            parent.c.introduced_on,
            person.display_name,
            person.id,
        )
        .limit(ctx.params.limit)
    )
    return [
        IntroductionRow(
            pid,
            name,
            iid,
            iname,
            day,
            int(chain),
            int(lead_count),
            int(outcome_count),
            _money(codes, list(amounts)),
        )
        for pid, name, iid, iname, day, chain, lead_count, outcome_count, *amounts in (
            ctx.db.execute(stmt).all()
        )
    ]


NOTE = Sentence(
    lambda: _(
        "Chain credit: an outcome's value is split equally among the introducers up the chain "
        "of the person it came from (A introduced B, B introduced C: C's outcomes credit B and "
        "A, half each), exact in cents, the remaining cents going to those farthest up the "
        "chain first; a person's introducer is the one named on their first encounter naming "
        "one; a chain stops after {max_hops} introducers and at a person already in it."
    ).format(max_hops=MAX_HOPS)
)

EMPTY = Sentence(
    lambda: _(
        "Nobody introduced anyone: no encounter names who introduced you (log --intro-by NAME)."
    )
)


def introducers_section(ctx: Context) -> Section:
    """The main section, also shown by ``payoff`` with ``credit_introducers``."""
    rows = introducer_rows(ctx)
    return Section(
        "introducers",
        Sentence(lambda: _("Who opened which doors")),
        IntroducerRow,
        tuple(rows),
        EMPTY,
    )


def build(ctx: Context) -> Built:
    main = introducers_section(ctx)
    introductions = introduction_rows(ctx)
    return Built(
        title=Sentence(lambda: _("Who opened which doors (chain credit: equal shares)")),
        sections=[
            main,
            Section(
                "introductions",
                Sentence(lambda: _("Introductions")),
                IntroductionRow,
                tuple(introductions),
                EMPTY,
            ),
        ],
        notes=[NOTE],
        parameters={"chain_credit": "equal", "max_hops": MAX_HOPS},
    )
