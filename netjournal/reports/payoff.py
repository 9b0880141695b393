"""``payoff``: the encounters that paid off, best first.

An outcome belongs to the lead it was recorded on, and the lead to the encounter it was born
in. When the person had been met before that encounter, ``attribution`` says which of their
encounters gets the credit:

- ``first`` (default): their first encounter on or before the lead's encounter;
- ``last``: the lead's own encounter (the most recent one up to the lead);
- ``linear``: every encounter with them up to and including the lead's, in equal shares. The
  split is exact in cents: each share is the value divided by the number of encounters,
  truncated, and the remaining cents go one each to the earliest encounters (ordered by date,
  then id), so the shares always add up to the value (per lead and currency).

Encounters are ordered by (date, id). ``since``/``until`` keep credited encounters dated in
the period. Rows are ranked by value in the journal's currency, then by number of outcomes,
then by date; a row lists its leads' summaries in alphabetical order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.orm import aliased

from ..i18n import N_, _, ngettext
from ..models import Encounter, Event, Lead, Outcome, Person
from .base import (
    Built,
    Context,
    Money,
    Section,
    Text,
    cents,
    col,
    equal_share,
    gain,
    value_currencies,
)


@dataclass(frozen=True)
class PayoffRow:
    encounter_id: int = col(N_("Encounter"))
    person: str = col(N_("Person"))
    event: str | None = col(N_("Event"))
    date: dt.date = col(N_("Date"))
    leads: tuple[str, ...] = col(N_("Leads"))
    outcomes: int = col(N_("Outcomes"))
    value: Money = col(N_("Value"))
    days_to_first_outcome: int = col(N_("Days to first outcome"))


def credits(ctx: Context, paid: Any, *partition: Any) -> Any:
    """Which encounter(s) each row of ``paid`` credits, with its columns carried along.

    ``paid`` has ``lead_id``, ``lead_encounter``, ``person_id`` and ``lead_date``; the result
    adds ``encounter_id`` and the share ``k`` of ``n`` (both 1 outside linear attribution).
    ``partition`` is what a row of ``paid`` is unique by (the lead, and the currency).
    """
    carried = list(paid.c)
    if ctx.params.attribution == "last":
        return select(
            *carried,
            paid.c.lead_encounter.label("encounter_id"),
            literal(1).label("k"),
            literal(1).label("n"),
        ).subquery("credit")
    earlier = aliased(Encounter)
    # A connection (not a meeting) gets no credit unless asked, but the lead's own encounter
    # always can.
    meetings = ctx.meetings(earlier)
    up_to_lead = and_(
        earlier.person_id == paid.c.person_id,
        or_(*meetings, earlier.id == paid.c.lead_encounter) if meetings else literal(True),
        or_(
            earlier.date < paid.c.lead_date,
            and_(earlier.date == paid.c.lead_date, earlier.id <= paid.c.lead_encounter),
        ),
    )
    if ctx.params.attribution == "first":
        first = (
            select(earlier.id)
            .where(up_to_lead)
            .order_by(earlier.date, earlier.id)
            .limit(1)
            .scalar_subquery()
        )
        return select(
            *carried, first.label("encounter_id"), literal(1).label("k"), literal(1).label("n")
        ).subquery("credit")
    order = (earlier.date, earlier.id)
    return (
        select(
            *carried,
            earlier.id.label("encounter_id"),
            func.row_number().over(partition_by=partition, order_by=order).label("k"),
            func.count().over(partition_by=partition).label("n"),
        )
        .join(earlier, up_to_lead)
        .subquery("credit")
    )


def _paid(*figures: Any) -> Any:
    """Leads with outcomes: ``figures`` aggregated over their outcomes (grouped by lead and
    currency when ``currency`` is among them), with the lead's encounter and person.

    Driven from the outcomes (few) rather than the leads (many): the aggregate comes first,
    then each row finds its lead and encounter by primary key."""
    keys = [Outcome.lead_id, *[f for f in figures if f.name == "currency"]]
    others = [f for f in figures if f.name != "currency"]
    agg = (
        select(*keys, *others)
        .join(Lead, Lead.id == Outcome.lead_id)
        .group_by(*keys)
        .subquery("per_lead")
    )
    return (
        select(
            agg.c.lead_id,
            Lead.encounter_id.label("lead_encounter"),
            Encounter.person_id.label("person_id"),
            Encounter.date.label("lead_date"),
            *[c for c in agg.c if c.name != "lead_id"],
        )
        .select_from(agg)
        .join(Lead, Lead.id == agg.c.lead_id)
        .join(Encounter, Encounter.id == Lead.encounter_id)
        .subquery("paid")
    )


SEPARATOR = "\x1f"  # between lead summaries in one aggregated string


def build(ctx: Context) -> Built:
    session = ctx.db
    currencies = value_currencies(ctx)
    # One row per lead and outcome currency (NULL for outcomes without a value): how many
    # outcomes, the first one's date and the value in raw cents (BIGINT: PostgreSQL's SUM
    # gives NUMERIC). Each row is credited to one or (linear) several encounters.
    paid = _paid(
        Outcome.currency.label("currency"),
        func.count(Outcome.id).label("outcomes"),
        func.min(Outcome.date).label("first_outcome"),
        cast(func.sum(cents(Outcome.value)), BigInteger).label("v"),
        func.sum(case((gain(), 1), else_=0)).label("gains"),
    )
    credit = credits(ctx, paid, paid.c.lead_id, paid.c.currency)
    share = equal_share(credit.c.v, credit.c.n, credit.c.k)
    # Raw cents all the way out: turned into Decimals once per non-empty cell below.
    amounts = [
        type_coerce(func.sum(case((credit.c.currency == code, share))), BigInteger)
        for code in currencies
    ]
    # Aggregate per credited encounter first (narrow rows, grouped by id alone), then look
    # up who, where and when once per result row.
    credited = aliased(Encounter, name="credited")
    inner = (
        select(
            credit.c.encounter_id.label("eid"),
            func.sum(credit.c.outcomes).label("outcomes"),
            func.min(credit.c.first_outcome).label("first_outcome"),
            func.aggregate_strings(Lead.summary, SEPARATOR).label("leads"),
            *[a.label(f"v{i}") for i, a in enumerate(amounts)],
        )
        .select_from(credit)
        .join(Lead, Lead.id == credit.c.lead_id)
        .group_by(credit.c.encounter_id)
        # Paid off: at least one gain; losses still count against the value.
        .having(func.sum(credit.c.gains) > 0)
    )
    if ctx.params.since or ctx.params.until:
        inner = inner.join(credited, credited.id == credit.c.encounter_id).where(
            *ctx.in_period(credited.date)
        )
    per_encounter = inner.subquery("per_encounter")
    value_columns = [per_encounter.c[f"v{i}"] for i in range(len(amounts))]
    journal_value = (
        func.coalesce(value_columns[currencies.index(ctx.currency)], 0)
        if ctx.currency in currencies
        else literal(0)
    )
    shown = aliased(Encounter, name="shown")
    stmt = (
        select(
            shown.id,
            Person.display_name,
            Event.name,
            shown.date,
            per_encounter.c.outcomes,
            ctx.days_between(per_encounter.c.first_outcome, shown.date),
            per_encounter.c.leads,
            *value_columns,
        )
        .select_from(per_encounter)
        .join(shown, shown.id == per_encounter.c.eid)
        .join(Person, Person.id == shown.person_id)
        .outerjoin(Event, Event.id == shown.event_id)
        .order_by(journal_value.desc(), per_encounter.c.outcomes.desc(), shown.date, shown.id)
        .limit(ctx.params.limit)
    )
    rows = []
    # .all() fetches in one call; a report can have a row per encounter of the journal.
    for eid, person, event, day, count, days, summaries, *values in session.execute(stmt).all():
        cells = zip(currencies, values, strict=True)
        money = {c: Decimal(a).scaleb(-2) for c, a in cells if a is not None}
        rows.append(
            PayoffRow(
                eid,
                person,
                event,
                day,
                tuple(sorted(set(summaries.split(SEPARATOR)))),
                int(count),
                money,
                int(days),
            )
        )
    attribution = ctx.params.attribution
    extra: list[Section] = []
    extra_notes: list[str] = []
    if ctx.params.credit_introducers:
        from .introducers import NOTE, introducers_section

        extra.append(introducers_section(ctx))
        extra_notes.append(NOTE)
    return Built(
        title=Text(
            lambda: _("Encounters that paid off (attribution: {attribution})").format(
                attribution=_(_NAMES[attribution])
            )
        ),
        sections=[
            Section(
                "payoff",
                Text(lambda: _("Encounters that paid off")),
                PayoffRow,
                tuple(rows),
                ctx.nothing(
                    rows,
                    lambda: _("No encounter paid off"),
                    select(func.count(Outcome.id)),
                    lambda n: ngettext(
                        "outcome credits an encounter", "outcomes credit encounters", n
                    ),
                    lambda: _("no outcome is recorded yet"),
                ),
            ),
            *extra,
        ],
        notes=[
            Text(
                lambda: _("Attribution: {attribution} ({explanation}).").format(
                    attribution=_(_NAMES[attribution]), explanation=_(_EXPLAIN[attribution])
                )
            ),
            *_losses(ctx),
            *extra_notes,
        ],
        parameters={"credit_introducers": ctx.params.credit_introducers},
    )


def _losses(ctx: Context) -> list[str]:
    """A note on the losses (outcomes with a negative value): they pay nothing off, and they
    are subtracted from the value of the encounters they credit."""
    stmt = (
        select(Outcome.currency, func.count(Outcome.id), func.sum(Outcome.value))
        .where(Outcome.value < 0)
        .group_by(Outcome.currency)
        .order_by(Outcome.currency)
    )
    found = ctx.db.execute(stmt).all()
    if not found:
        return []
    count = sum(int(n) for _c, n, _v in found)
    total = ", ".join(f"{Decimal(v or 0).quantize(Decimal('0.01'))} {c}" for c, _n, v in found)
    return [
        Text(
            lambda: ngettext(
                "Losses: {count} outcome with a negative value ({total}); a loss pays "
                "nothing off and is subtracted from the value of the encounter it credits.",
                "Losses: {count} outcomes with a negative value ({total}); a loss pays "
                "nothing off and is subtracted from the value of the encounter it credits.",
                count,
            ).format(count=count, total=total)
        )
    ]


#: How each attribution is named in sentences (the option's value in English).
_NAMES = {"first": N_("first"), "last": N_("last"), "linear": N_("linear")}

_EXPLAIN = {
    "first": N_("an outcome credits the first encounter with that person, up to the lead"),
    "last": N_("an outcome credits the encounter its lead was born in"),
    "linear": N_(
        "an outcome is split equally over every encounter with that person up to the lead"
    ),
}
