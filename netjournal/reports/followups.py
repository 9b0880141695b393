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

from ..i18n import N_, _, ngettext
from ..models import Encounter, Event, FollowUp, Person
from .base import Built, Context, Section, Text, col

#: How the states are shown (the codes stay in JSON and CSV).
STATES = {"overdue": N_("overdue"), "due today": N_("due today"), "due soon": N_("due soon")}


@dataclass(frozen=True)
class FollowUpRow:
    person: str = col(N_("Person"))
    due: dt.date = col(N_("Due"))
    state: str = col(N_("State"), words=STATES)
    days_late: int = col(N_("Days late"))
    action: str = col(N_("Action"))
    encounter_id: int | None = col(N_("Encounter"))
    met_on: dt.date | None = col(N_("Met on"))
    event: str | None = col(N_("Event"))
    followup_id: int = col(N_("Id"))


@dataclass(frozen=True)
class PersonRow:
    person: str = col(N_("Person"))
    overdue: int = col(N_("Overdue"))
    due_soon: int = col(N_("Due soon"))
    oldest_due: dt.date = col(N_("Oldest due"))


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
        title=Text(lambda: _("Follow-ups overdue or due by {day}").format(day=horizon)),
        sections=[
            Section(
                "followups",
                Text(lambda: _("Follow-ups")),
                FollowUpRow,
                tuple(rows),
                empty,
            ),
            Section("people", Text(lambda: _("Per person")), PersonRow, tuple(people), empty),
        ],
        parameters={"soon": ctx.params.soon, "today": today},
    )


def _nothing(ctx: Context, horizon: dt.date, where: list[ColumnElement[bool]]) -> str:
    """Why nothing is due: follow-ups from encounters outside the period, and follow-ups due
    after the horizon (those of the period), or none open at all."""
    outside = 0
    if ctx.params.dated:
        outside = ctx.db.scalar(select(func.count(FollowUp.id)).where(*where)) or 0
    later, first = ctx.db.execute(
        select(func.count(FollowUp.id), func.min(FollowUp.due))
        .outerjoin(Encounter, Encounter.id == FollowUp.encounter_id)
        .where(FollowUp.done_on.is_(None), FollowUp.due > horizon, *ctx.in_period(Encounter.date))
    ).one()

    def sentence() -> str:
        if ctx.params.dated:
            text = _("Nothing overdue or due by {day} from encounters{period}").format(
                day=horizon, period=ctx.params.period()
            )
        else:
            text = _("Nothing overdue or due by {day}").format(day=horizon)
        parts = []
        if outside:
            parts.append(
                ngettext(
                    "{count} follow-up comes from encounters outside these dates",
                    "{count} follow-ups come from encounters outside these dates",
                    outside,
                ).format(count=outside)
            )
        if later and parts:
            parts.append(
                ngettext(
                    "{count} is due later, the first on {day}",
                    "{count} are due later, the first on {day}",
                    later,
                ).format(count=later, day=first)
            )
        elif later:
            parts.append(
                ngettext(
                    "{count} follow-up is due later, the first on {day}",
                    "{count} follow-ups are due later, the first on {day}",
                    later,
                ).format(count=later, day=first)
            )
        if len(parts) == 2:
            return _("{text} ({reason}; {other}).").format(
                text=text, reason=parts[0], other=parts[1]
            )
        if parts:
            return _("{text} ({reason}).").format(text=text, reason=parts[0])
        return _("{text}: no follow-up is open.").format(text=text)

    return Text(sentence)
