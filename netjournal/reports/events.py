"""``events``: what each event (and each series of events) brought, against what it cost.

Value is what the outcomes of leads born at the event's encounters were worth. Spend is the
event's cost plus its hours times the profile's hourly rate; ROI = (value - spend) / spend.
ROI is computed only when spend is known and everything (cost, rate, value) is in one
currency; otherwise it is left empty rather than mixing currencies. ``since``/``until`` keep
events that start in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select

from ..models import Encounter, Event, Lead, Outcome
from .base import Built, Context, Money, Section, col, money_by_key, rank_value, ratio


@dataclass(frozen=True)
class EventRow:
    event_id: int = col("Id")
    event: str = col("Event")
    date: dt.date = col("Date")
    series: str | None = col("Series")
    people: int = col("People met")
    leads: int = col("Leads")
    won: int = col("Won")
    value: Money = col("Value")
    hours: Decimal | None = col("Hours")
    cost: Money = col("Cost")
    value_per_hour: Money = col("Value/hour")
    value_per_cost: Money = col("Value/cost unit")
    roi: Decimal | None = col("ROI", percent=True)
    produced_nothing: bool = col("Nothing")


@dataclass(frozen=True)
class SeriesRow:
    series: str = col("Series")
    editions: int = col("Editions")
    people: int = col("People met")
    leads: int = col("Leads")
    won: int = col("Won")
    value: Money = col("Value")
    hours: Decimal | None = col("Hours")
    cost: Money = col("Cost")
    value_per_hour: Money = col("Value/hour")
    value_per_cost: Money = col("Value/cost unit")
    roi: Decimal | None = col("ROI", percent=True)
    produced_nothing: bool = col("Nothing")


@dataclass(frozen=True)
class _Figures:
    people: int
    leads: int
    won: int
    value: Money


def _figures(ctx: Context, key: Any) -> dict[Any, _Figures]:
    """People met, leads, leads won and value per ``key`` (event id or series key)."""
    period = ctx.in_period(Event.start_date)
    met = (
        select(key, func.count(func.distinct(Encounter.person_id)))
        .select_from(Encounter)
        .join(Event, Event.id == Encounter.event_id)
        .where(key.is_not(None), *period)
        .group_by(key)
    )
    won = func.sum(case((Lead.status == "won", 1), else_=0))
    leads = (
        select(key, func.count(Lead.id), won)
        .select_from(Lead)
        .join(Encounter, Encounter.id == Lead.encounter_id)
        .join(Event, Event.id == Encounter.event_id)
        .where(key.is_not(None), *period)
        .group_by(key)
    )
    values = (
        select(key, Outcome.currency, func.sum(Outcome.value))
        .select_from(Outcome)
        .join(Lead, Lead.id == Outcome.lead_id)
        .join(Encounter, Encounter.id == Lead.encounter_id)
        .join(Event, Event.id == Encounter.event_id)
        .where(key.is_not(None), Outcome.value.is_not(None), *period)
        .group_by(key, Outcome.currency)
    )
    session = ctx.db
    people: dict[Any, int] = {k: int(n) for k, n in session.execute(met)}
    counts = {k: (int(n), int(w or 0)) for k, n, w in session.execute(leads)}
    money = money_by_key(session.execute(values))
    return {
        k: _Figures(people.get(k, 0), *counts.get(k, (0, 0)), money.get(k, {}))
        for k in set(people) | set(counts) | set(money)
    }


def economics(
    ctx: Context, value: Money, hours: Decimal | None, cost: Money
) -> tuple[Money, Money, Decimal | None]:
    """Value per hour, value per unit of cost (same currency only) and ROI."""
    per_hour = {c: ratio(v, hours) for c, v in value.items()} if hours else {}
    per_cost = {c: ratio(value.get(c, Decimal(0)), amount) for c, amount in cost.items() if amount}
    spend = dict(cost)
    rate = ctx.hourly_rate
    if hours and rate:
        spend[ctx.currency] = spend.get(ctx.currency, Decimal(0)) + hours * rate
    spend = {c: v for c, v in spend.items() if v}
    roi = None
    if len(spend) == 1:
        ((code, total),) = spend.items()
        if set(value) <= {code}:
            roi = ratio(value.get(code, Decimal(0)) - total, total, "0.0001")
    return per_hour, per_cost, roi


def build(ctx: Context) -> Built:
    session = ctx.db
    period = ctx.in_period(Event.start_date)
    by_event = _figures(ctx, Event.id)
    by_series = _figures(ctx, Event.series_key)
    nothing = _Figures(0, 0, 0, {})

    event_rows = []
    listing = select(
        Event.id,
        Event.name,
        Event.start_date,
        Event.series,
        Event.hours,
        Event.cost,
        Event.currency,
    ).where(*period)
    for eid, name, start, series, hours, cost, code in session.execute(listing):
        fig = by_event.get(eid, nothing)
        cost_money = {code or ctx.currency: cost} if cost else {}
        per_hour, per_cost, roi = economics(ctx, fig.value, hours, cost_money)
        event_rows.append(
            EventRow(
                eid,
                name,
                start,
                series,
                fig.people,
                fig.leads,
                fig.won,
                fig.value,
                hours,
                cost_money,
                per_hour,
                per_cost,
                roi,
                fig.leads == 0 and not fig.value,
            )
        )

    spent = (
        select(
            Event.series_key,
            func.min(Event.series),
            func.count(Event.id),
            func.sum(Event.hours),
        )
        .where(Event.series_key.is_not(None), *period)
        .group_by(Event.series_key)
    )
    costs = money_by_key(
        session.execute(
            select(Event.series_key, Event.currency, func.sum(Event.cost))
            .where(Event.series_key.is_not(None), Event.cost.is_not(None), *period)
            .group_by(Event.series_key, Event.currency)
        )
    )
    series_rows = []
    for key, label, editions, hours in session.execute(spent):
        fig = by_series.get(key, nothing)
        cost_money = {c: v for c, v in costs.get(key, {}).items() if v}
        per_hour, per_cost, roi = economics(ctx, fig.value, hours, cost_money)
        series_rows.append(
            SeriesRow(
                str(label or key),
                int(editions),
                fig.people,
                fig.leads,
                fig.won,
                fig.value,
                hours,
                cost_money,
                per_hour,
                per_cost,
                roi,
                fig.leads == 0 and not fig.value,
            )
        )

    def best(row: EventRow | SeriesRow) -> tuple[Any, ...]:
        return (rank_value(row.value, ctx.currency), row.won, row.leads, row.people)

    event_rows.sort(key=lambda r: (r.date, r.event_id), reverse=True)
    event_rows.sort(key=best, reverse=True)
    series_rows.sort(key=lambda r: r.series)
    series_rows.sort(key=best, reverse=True)
    idle = sum(1 for r in event_rows if r.produced_nothing)
    notes = []
    if event_rows:
        notes.append(f"{idle} of {len(event_rows)} events produced no lead.")
    if any(r.roi is None and (r.cost or (r.hours and ctx.hourly_rate)) for r in event_rows):
        notes.append("ROI is left empty where cost, time and value are in different currencies.")
    if ctx.hourly_rate is None:
        notes.append("No hourly rate in your profile: ROI counts the cost only.")
    return Built(
        title="Events: what each one brought",
        sections=[
            Section(
                "events",
                "Per event",
                EventRow,
                tuple(event_rows),
                f"No event{ctx.params.period()}: add events to see what they brought.",
            ),
            Section(
                "series",
                "Per series",
                SeriesRow,
                tuple(series_rows),
                f"No event of a series{ctx.params.period()}.",
            ),
        ],
        notes=notes,
    )
