"""``events``: what each event (and each series of events) brought, against what it cost.

Value is what the outcomes of leads born at the event's encounters were worth. Spend is the
event's cost plus its hours times the profile's hourly rate; ROI = (value - spend) / spend.
ROI is computed only when spend is known and everything (cost, rate, value) is in one
currency; otherwise it is left empty rather than mixing currencies; value per unit of cost
likewise needs value and cost in one currency. ``since``/``until`` keep events that start in
the period.

Only events held by ``today`` are judged: an event after it keeps its planned cost and hours
but has no ratios yet, and a series adds up the hours and cost of its editions held by then.
While leads born at an event are still open or exploring, its ratios are provisional: the row
says so (``provisional``) and which leads are open (``open_leads``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select

from ..i18n import N_, _, ngettext
from ..models import Encounter, Event, Lead, Outcome
from .base import (
    Built,
    Context,
    Money,
    OpenLeads,
    Section,
    Text,
    col,
    money_by_key,
    rank_value,
    ratio,
)

#: Lead statuses that leave an event's figures open to change.
OPEN = ("open", "exploring")


@dataclass(frozen=True)
class EventRow:
    event_id: int = col(N_("Id"))
    event: str = col(N_("Event"))
    date: dt.date = col(N_("Date"))
    series: str | None = col(N_("Series"))
    people: int = col(N_("People met"))
    leads: int = col(N_("Leads"))
    won: int = col(N_("Won"))
    value: Money = col(N_("Value"))
    hours: Decimal | None = col(N_("Hours"))
    cost: Money = col(N_("Cost"))
    value_per_hour: Money = col(N_("Value/hour"), mark="short")
    value_per_cost: Money = col(N_("Value/cost unit"), mark="short")
    roi: Decimal | None = col(N_("ROI"), percent=True, mark="full")
    produced_nothing: bool = col(N_("Nothing"))
    provisional: bool = col(N_("Provisional"), table=False)
    open_leads: OpenLeads = col(N_("Open leads"), table=False)


@dataclass(frozen=True)
class SeriesRow:
    series: str = col(N_("Series"))
    editions: int = col(N_("Editions"))
    people: int = col(N_("People met"))
    leads: int = col(N_("Leads"))
    won: int = col(N_("Won"))
    value: Money = col(N_("Value"))
    hours: Decimal | None = col(N_("Hours"))
    cost: Money = col(N_("Cost"))
    value_per_hour: Money = col(N_("Value/hour"), mark="short")
    value_per_cost: Money = col(N_("Value/cost unit"), mark="short")
    roi: Decimal | None = col(N_("ROI"), percent=True, mark="full")
    produced_nothing: bool = col(N_("Nothing"))
    provisional: bool = col(N_("Provisional"), table=False)
    open_leads: OpenLeads = col(N_("Open leads"), table=False)


@dataclass(frozen=True)
class _Figures:
    people: int
    leads: int
    won: int
    value: Money
    open_leads: OpenLeads


def _figures(ctx: Context, key: Any) -> dict[Any, _Figures]:
    """People met, leads, leads won, value and open leads per ``key`` (event id or series
    key)."""
    period = ctx.in_period(Event.start_date)
    met = (
        select(key, func.count(func.distinct(Encounter.person_id)))
        .select_from(Encounter)
        .join(Event, Event.id == Encounter.event_id)
        .where(key.is_not(None), *period, *ctx.meetings())
        .group_by(key)
    )
    won = func.sum(case((Lead.status == "won", 1), else_=0))
    # Open leads are counted and their kinds listed in the same pass over the leads: a second
    # query grouped by kind made the events report markedly slower at a million encounters.
    is_open = Lead.status.in_(OPEN)
    open_kinds = case((is_open, Lead.kind)).distinct()
    listed = (
        func.group_concat(open_kinds)  # SQLite: DISTINCT takes no separator argument
        if ctx.dialect == "sqlite"
        else func.string_agg(open_kinds, literal(","))
    )
    leads = (
        select(key, func.count(Lead.id), won, func.sum(case((is_open, 1), else_=0)), listed)
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
    counts: dict[Any, tuple[int, int]] = {}
    still_open: dict[Any, OpenLeads] = {}
    for k, n, w, n_open, kinds in session.execute(leads):
        counts[k] = (int(n), int(w or 0))
        if n_open:  # kinds: a closed vocabulary, no commas
            still_open[k] = OpenLeads(int(n_open), tuple(sorted(kinds.split(","))))
    money = money_by_key(session.execute(values))
    none = OpenLeads()
    return {
        k: _Figures(
            people.get(k, 0),
            *counts.get(k, (0, 0)),
            money.get(k, {}),
            still_open.get(k, none),
        )
        for k in set(people) | set(counts) | set(money)
    }


def economics(
    ctx: Context, value: Money, hours: Decimal | None, cost: Money
) -> tuple[Money, Money, Decimal | None]:
    """Value per hour, value per unit of cost and ROI (each empty rather than mixing
    currencies: value per cost unit needs value and a non-zero cost in one currency)."""
    per_hour = {c: ratio(v, hours) for c, v in value.items()} if hours else {}
    per_cost = {}
    if len(cost) == 1:
        ((code, amount),) = cost.items()
        if amount and set(value) <= {code}:
            per_cost[code] = ratio(value.get(code, Decimal(0)), amount)
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
    today = ctx.params.today
    period = ctx.in_period(Event.start_date)
    by_event = _figures(ctx, Event.id)
    by_series = _figures(ctx, Event.series_key)
    nothing = _Figures(0, 0, 0, {}, OpenLeads())

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
        cost_money = {code or ctx.currency: cost} if cost is not None else {}
        held = bool(start <= today)
        per_hour, per_cost, roi = (
            economics(ctx, fig.value, hours, cost_money) if held else ({}, {}, None)
        )
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
                held and fig.leads == 0 and not fig.value,
                fig.open_leads.count > 0,
                fig.open_leads,
            )
        )

    # A series adds up the time and cost of the editions held by today only.
    by_today = Event.start_date <= today
    spent = (
        select(
            Event.series_key,
            func.min(Event.series),
            func.sum(case((by_today, 1), else_=0)),
            func.sum(case((by_today, Event.hours))),
        )
        .where(Event.series_key.is_not(None), *period)
        .group_by(Event.series_key)
    )
    costs = money_by_key(
        session.execute(
            select(Event.series_key, Event.currency, func.sum(Event.cost))
            .where(Event.series_key.is_not(None), Event.cost.is_not(None), by_today, *period)
            .group_by(Event.series_key, Event.currency)
        )
    )
    series_rows = []
    for key, label, editions, hours in session.execute(spent):
        fig = by_series.get(key, nothing)
        cost_money = costs.get(key, {})
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
                bool(editions) and fig.leads == 0 and not fig.value,
                fig.open_leads.count > 0,
                fig.open_leads,
            )
        )

    def best(row: EventRow | SeriesRow) -> tuple[Any, ...]:
        return (rank_value(row.value, ctx.currency), row.won, row.leads, row.people)

    event_rows.sort(key=lambda r: (r.date, r.event_id), reverse=True)
    event_rows.sort(key=best, reverse=True)
    series_rows.sort(key=lambda r: r.series)
    series_rows.sort(key=best, reverse=True)
    return Built(
        title=Text(lambda: _("Events: what each one brought")),
        sections=[
            Section(
                "events",
                Text(lambda: _("Per event")),
                EventRow,
                tuple(event_rows[: ctx.params.limit]),
                ctx.nothing(
                    event_rows,
                    lambda: _("No event"),
                    select(func.count(Event.id)),
                    lambda n: ngettext("event starts", "events start", n),
                    lambda: _("add events to see what they brought"),
                ),
            ),
            Section(
                "series",
                Text(lambda: _("Per series")),
                SeriesRow,
                tuple(series_rows),
                ctx.nothing(
                    series_rows,
                    lambda: _("No event of a series"),
                    select(func.count(Event.id)).where(Event.series_key.is_not(None)),
                    lambda n: ngettext("edition starts", "editions start", n),
                    lambda: _("give events a series to compare their editions"),
                ),
            ),
        ],
        notes=_notes(ctx, event_rows, series_rows),
    )


def _notes(ctx: Context, events: list[EventRow], series: list[SeriesRow]) -> list[str]:
    """What the figures mean, over every event of the period (before ``limit``)."""
    today = ctx.params.today
    held = [r for r in events if r.date <= today]
    notes: list[str] = []
    if held:
        idle = sum(1 for r in held if r.produced_nothing)
        total = len(held)
        notes.append(
            Text(
                lambda: ngettext(  # English: "events" whatever the count; French: by idle
                    "{idle} of {total} events produced no lead.",
                    "{idle} of {total} events produced no lead.",
                    idle,
                ).format(idle=idle, total=total)
            )
        )
    if len(held) < len(events):
        later = len(events) - len(held)
        notes.append(
            Text(
                lambda: ngettext(
                    "{count} event after {today} (today): no ratio or ROI before it is held, "
                    "and a series counts only the editions held by today.",
                    "{count} events after {today} (today): no ratio or ROI before it is held, "
                    "and a series counts only the editions held by today.",
                    later,
                ).format(count=later, today=today)
            )
        )
    if any(r.roi is None and (r.cost or (r.hours and ctx.hourly_rate)) for r in held):
        notes.append(
            Text(
                lambda: _(
                    "ROI is left empty where cost, time and value are in different currencies."
                )
            )
        )
    if ctx.hourly_rate is None:
        notes.append(Text(lambda: _("No hourly rate in your profile: ROI counts the cost only.")))
    if any(r.provisional for r in events) or any(r.provisional for r in series):
        notes.append(
            Text(
                lambda: _(
                    "Provisional: an event or series with leads still open or exploring (listed "
                    "beside its ROI) may yet pay off; -100% is final only when no lead is left "
                    "open."
                )
            )
        )
    return notes
