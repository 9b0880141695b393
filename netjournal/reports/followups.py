"""``followups``: promises overdue or due soon, per person, with the encounter behind each.

"Soon" is within ``soon`` days (7 by default) of ``today``. ``since``/``until`` keep
follow-ups created by encounters dated in the period. Most overdue first: by due date, then
person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.sql.elements import ColumnElement

from ..models import Encounter, Event, FollowUp, Person
from .base import Built, Context, Section, col, counted


@dataclass(frozen=True)
class FollowUpRow:
    person: str = col("Person")
    due: dt.date = col("Due")
    state: str = col("State")
    days_late: int = col("Days late")
    action: str = col("Action")
    encounter_id: int | None = col("Encounter")
    met_on: dt.date | None = col("Met on")
    event: str | None = col("Event")
    followup_id: int = col("Id")


@dataclass(frozen=True)
class PersonRow:
    person: str = col("Person")
    overdue: int = col("Overdue")
    due_soon: int = col("Due soon")
    oldest_due: dt.date = col("Oldest due")


def build(ctx: Context) -> Built:
    today = ctx.params.today
    horizon = today + dt.timedelta(days=ctx.params.soon)
    where = [FollowUp.done_on.is_(None), FollowUp.due <= horizon]
    period = ctx.in_period(Encounter.date)
    detail = (
        select(
            Person.display_name,
            FollowUp.due,
            FollowUp.action,
            Encounter.id,
            Encounter.date,
            Event.name,
            FollowUp.id,
        )
        .join(Person, Person.id == FollowUp.person_id)
        .outerjoin(Encounter, Encounter.id == FollowUp.encounter_id)
        .outerjoin(Event, Event.id == Encounter.event_id)
        .where(*where, *period)
        .order_by(FollowUp.due, Person.name_key, Person.id, FollowUp.id)
        .limit(ctx.params.limit)
    )
    late = FollowUp.due < today
    per_person = (
        select(
            Person.display_name,
            func.sum(case((late, 1), else_=0)),
            func.sum(case((late, 0), else_=1)),
            func.min(FollowUp.due),
        )
        .join(Person, Person.id == FollowUp.person_id)
        .outerjoin(Encounter, Encounter.id == FollowUp.encounter_id)
        .where(*where, *period)
        .group_by(Person.id, Person.display_name, Person.name_key)
        .order_by(func.min(FollowUp.due), Person.name_key)
    )
    session = ctx.db
    rows = []
    for who, due, action, eid, met_on, event, fid in session.execute(detail):
        state = "overdue" if due < today else "due today" if due == today else "due soon"
        rows.append(
            FollowUpRow(
                who, due, state, max((today - due).days, 0), action, eid, met_on, event, fid
            )
        )
    people = [
        PersonRow(who, int(overdue), int(soon), oldest)
        for who, overdue, soon, oldest in session.execute(per_person)
    ]
    empty = "" if rows else _nothing(ctx, horizon, where)
    return Built(
        title=f"Follow-ups overdue or due by {horizon}",
        sections=[
            Section(
                "followups",
                "Follow-ups",
                FollowUpRow,
                tuple(rows),
                empty,
            ),
            Section("people", "Per person", PersonRow, tuple(people), empty),
        ],
        parameters={"soon": ctx.params.soon, "today": today},
    )


def _nothing(ctx: Context, horizon: dt.date, where: list[ColumnElement[bool]]) -> str:
    """Why nothing is due: follow-ups from encounters outside the period, and follow-ups due
    after the horizon (those of the period), or none open at all."""
    text = f"Nothing overdue or due by {horizon}"
    if ctx.params.dated:
        text += f" from encounters{ctx.params.period()}"
    parts = []
    if ctx.params.dated:
        outside = ctx.db.scalar(select(func.count(FollowUp.id)).where(*where)) or 0
        if outside:
            verb = "comes" if outside == 1 else "come"
            parts.append(
                f"{counted(outside, 'follow-up')} {verb} from encounters outside these dates"
            )
    later, first = ctx.db.execute(
        select(func.count(FollowUp.id), func.min(FollowUp.due))
        .outerjoin(Encounter, Encounter.id == FollowUp.encounter_id)
        .where(FollowUp.done_on.is_(None), FollowUp.due > horizon, *ctx.in_period(Encounter.date))
    ).one()
    if later:
        who = str(later) if parts else counted(later, "follow-up")
        parts.append(f"{who} {'is' if later == 1 else 'are'} due later, the first on {first}")
    if parts:
        return f"{text} ({'; '.join(parts)})."
    return f"{text}: no follow-up is open."
