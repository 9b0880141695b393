"""``payoff``: the encounters that paid off, best first.

An outcome belongs to the lead it was recorded on, and the lead to the encounter it was born
in. When the person had been met before that encounter, ``attribution`` says which of their
encounters gets the credit:

- ``first`` (default): their first encounter on or before the lead's encounter;
- ``last``: the lead's own encounter (the most recent one up to the lead);
- ``linear``: every encounter with them up to and including the lead's, in equal shares. The
  split is exact in cents: each share is the value divided by the number of encounters,
  truncated, and the remaining cents go one each to the earliest encounters (ordered by date,
  then id), so the shares always add up to the value.

Encounters are ordered by (date, id). ``since``/``until`` keep credited encounters dated in
the period. Rows are ranked by value in the journal's currency, then by number of outcomes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.orm import aliased

from ..models import Encounter, Event, Fixed, Lead, Outcome, Person
from .base import Built, Context, Money, Section, cents, col, money_by_key, rank_value


@dataclass(frozen=True)
class PayoffRow:
    encounter_id: int = col("Encounter")
    person: str = col("Person")
    event: str | None = col("Event")
    date: dt.date = col("Date")
    leads: tuple[str, ...] = col("Leads")
    outcomes: int = col("Outcomes")
    value: Money = col("Value")
    days_to_first_outcome: int = col("Days to first outcome")


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
    up_to_lead = and_(
        earlier.person_id == paid.c.person_id,
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


def _paid(*figures: Any, where: Any = None) -> Any:
    """Leads with outcomes: ``figures`` aggregated over their outcomes (grouped by lead and
    currency when ``currency`` is among them), with the lead's encounter and person.

    Driven from the outcomes (few) rather than the leads (many): the aggregate comes first,
    then each row finds its lead and encounter by primary key."""
    keys = [Outcome.lead_id, *[f for f in figures if f.name == "currency"]]
    per_lead = select(*keys, *[f for f in figures if f.name != "currency"]).group_by(*keys)
    if where is not None:
        per_lead = per_lead.where(where)
    agg = per_lead.subquery("per_lead")
    return select(
        agg.c.lead_id,
        Lead.encounter_id.label("lead_encounter"),
        Encounter.person_id.label("person_id"),
        Encounter.date.label("lead_date"),
        *[c for c in agg.c if c.name != "lead_id"],
    ).select_from(agg).join(Lead, Lead.id == agg.c.lead_id).join(
        Encounter, Encounter.id == Lead.encounter_id
    ).subquery("paid")


def build(ctx: Context) -> Built:
    credited = aliased(Encounter, name="credited")
    period = ctx.in_period(credited.date)

    per_lead = _paid(
        func.min(Outcome.date).label("first_outcome"), func.count(Outcome.id).label("outcomes")
    )
    lead_credit = credits(ctx, per_lead, per_lead.c.lead_id)
    main = (
        select(
            credited.id,
            Person.display_name,
            Event.name,
            credited.date,
            func.sum(lead_credit.c.outcomes),
            ctx.days_between(func.min(lead_credit.c.first_outcome), credited.date),
        )
        .select_from(lead_credit)
        .join(credited, credited.id == lead_credit.c.encounter_id)
        .join(Person, Person.id == credited.person_id)
        .outerjoin(Event, Event.id == credited.event_id)
        .where(*period)
        .group_by(credited.id, Person.display_name, Event.name, credited.date)
    )

    # Value per lead and currency in raw cents (BIGINT: PostgreSQL's SUM gives NUMERIC),
    # split into each credited encounter's share, read back through Fixed as a Decimal.
    per_currency = _paid(
        Outcome.currency.label("currency"),
        cast(func.sum(cents(Outcome.value)), BigInteger).label("v"),
        where=Outcome.value.is_not(None),
    )
    value_credit = credits(ctx, per_currency, per_currency.c.lead_id, per_currency.c.currency)
    v, n, k = value_credit.c.v, value_credit.c.n, value_credit.c.k
    base = v // n
    remainder = v - base * n
    step = case((remainder < 0, -1), else_=1)
    share = base + case((k <= func.abs(remainder), step), else_=0)
    values = (
        select(credited.id, value_credit.c.currency, type_coerce(func.sum(share), Fixed(2)))
        .select_from(value_credit)
        .join(credited, credited.id == value_credit.c.encounter_id)
        .where(*period)
        .group_by(credited.id, value_credit.c.currency)
    )
    summaries = (
        select(credited.id, Lead.summary)
        .select_from(lead_credit)
        .join(Lead, Lead.id == lead_credit.c.lead_id)
        .join(credited, credited.id == lead_credit.c.encounter_id)
        .where(*period)
        .order_by(credited.id, Lead.id)
    )

    session = ctx.session
    money = money_by_key(session.execute(values))
    leads: dict[int, list[str]] = {}
    for encounter_id, summary in session.execute(summaries):
        leads.setdefault(encounter_id, []).append(summary)
    rows = [
        PayoffRow(
            encounter_id=eid,
            person=person,
            event=event,
            date=day,
            leads=tuple(leads.get(eid, ())),
            outcomes=int(count),
            value=money.get(eid, {}),
            days_to_first_outcome=int(days),
        )
        for eid, person, event, day, count, days in session.execute(main)
    ]
    rows.sort(key=lambda r: (r.date, r.encounter_id))
    rows.sort(key=lambda r: (rank_value(r.value, ctx.currency), r.outcomes), reverse=True)
    if ctx.params.limit:
        rows = rows[: ctx.params.limit]
    attribution = ctx.params.attribution
    return Built(
        title=f"Encounters that paid off (attribution: {attribution})",
        sections=[
            Section(
                "payoff",
                "Encounters that paid off",
                PayoffRow,
                tuple(rows),
                f"No encounter paid off{ctx.params.period()}: no outcome is recorded yet.",
            )
        ],
        notes=[f"Attribution: {attribution} ({_EXPLAIN[attribution]})."],
    )


_EXPLAIN = {
    "first": "an outcome credits the first encounter with that person, up to the lead",
    "last": "an outcome credits the encounter its lead was born in",
    "linear": "an outcome is split equally over every encounter with that person up to the lead",
}
