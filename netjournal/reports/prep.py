"""``prep EVENT``: before going back to an event, or to another edition of it.

``EVENT`` is an event (an id, a name), a name several editions share, or a series; the last
two mean the next edition (under way or to come on ``today``), else the latest one. Lists the
people met at that event or at any other edition (same series, or same name), with their open
leads and open follow-ups, and the questions asked at those events ranked by the leads and
value that followed them. ``since``/``until`` keep encounters dated in the period. The
people met there who are due for a catch-up on ``today`` (their cadence reached, see
:mod:`netjournal.catchup`) are listed apart, most late first: the ones to look for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select

from .. import resolve
from ..catchup import catchup
from ..errors import InvalidInput
from ..models import Encounter, Event, FollowUp, Lead, Person, Question
from .base import Built, Context, Section, col
from .questions import QuestionRow, question_rows


@dataclass(frozen=True)
class PrepCatchUpRow:
    person_id: int = col("Id")
    person: str = col("Person")
    late: str = col("Catch up")
    last_touch: dt.date = col("Last touch")
    every: int = col("Every (days)")
    lateness: Decimal = col("Lateness", table=False)
    next_question: str | None = col("Ask next")


@dataclass(frozen=True)
class PrepPersonRow:
    person_id: int = col("Id")
    person: str = col("Person")
    organization: str | None = col("Organization")
    times_met: int = col("Times met")
    last_met: dt.date = col("Last met")
    open_leads: tuple[str, ...] = col("Open leads")
    followups: tuple[str, ...] = col("Open follow-ups")


def build(ctx: Context) -> Built:
    if ctx.params.event is None or ctx.params.event == "":
        raise InvalidInput("The prep report needs an event: prep EVENT.")
    session = ctx.db
    edition = resolve.edition_id(session, ctx.params.event, today=ctx.params.today)
    target = ctx.session.get(Event, edition)
    assert target is not None
    same = [Event.id == target.id, Event.name_key == target.name_key]
    if target.series_key:
        same.append(Event.series_key == target.series_key)
    events = select(Event.id).where(or_(*same))
    editions = session.scalar(select(func.count()).select_from(events.subquery())) or 0
    there = [Encounter.event_id.in_(events), *ctx.in_period(Encounter.date), *ctx.meetings()]

    people_q = (
        select(
            Person.id,
            Person.display_name,
            Person.organization,
            func.count(Encounter.id),
            func.max(Encounter.date),
        )
        .join(Encounter, Encounter.person_id == Person.id)
        .where(*there)
        .group_by(Person.id, Person.display_name, Person.organization)
        .order_by(func.max(Encounter.date).desc(), Person.display_name)
        .limit(ctx.params.limit)
    )
    met = select(Encounter.person_id).where(*there)
    leads_q = (
        select(Encounter.person_id, Lead.kind, Lead.summary, Lead.status)
        .join(Encounter, Encounter.id == Lead.encounter_id)
        .where(Encounter.person_id.in_(met), Lead.status.in_(("open", "exploring")))
        .order_by(Encounter.person_id, Lead.id)
    )
    followups_q = (
        select(FollowUp.person_id, FollowUp.due, FollowUp.action)
        .where(FollowUp.person_id.in_(met), FollowUp.done_on.is_(None))
        .order_by(FollowUp.person_id, FollowUp.due, FollowUp.id)
    )
    leads: dict[int, list[str]] = {}
    for pid, kind, summary, status in session.execute(leads_q):
        leads.setdefault(pid, []).append(f"{kind}: {summary} ({status})")
    todo: dict[int, list[str]] = {}
    for pid, due, action in session.execute(followups_q):
        todo.setdefault(pid, []).append(f"{due}: {action}")
    people = [
        PrepPersonRow(
            pid, who, org, int(n), last, tuple(leads.get(pid, ())), tuple(todo.get(pid, ()))
        )
        for pid, who, org, n, last in session.execute(people_q)
    ]
    questions = question_rows(ctx, *there)
    overdue = [
        PrepCatchUpRow(
            c.person_id, c.person, c.late, c.last_touch, c.every, c.lateness, c.next_question
        )
        for c in catchup(
            session,
            ctx.params.today,
            people=select(Encounter.person_id).where(*there),
            currency=ctx.currency,
        )
    ]
    scope = f"{target.name} ({target.start_date})"
    if target.series:
        scope += f" and the {editions} editions of the series {target.series}"
    elif editions > 1:
        scope += f" and its other editions ({editions} in all)"
    return Built(
        title=f"Preparing for {target.name}",
        sections=[
            Section(
                "people",
                "People met there before",
                PrepPersonRow,
                tuple(people),
                ctx.nothing(
                    people,
                    f"You met nobody at {scope}",
                    select(func.count(Encounter.id)).where(Encounter.event_id.in_(events)),
                    ("encounter there is", "encounters there are"),
                    "no encounter is logged there yet",
                ),
            ),
            Section(
                "overdue",
                "Due for a catch-up among them",
                PrepCatchUpRow,
                tuple(overdue),
                f"Nobody met at {scope} is due for a catch-up on {ctx.params.today} (cadences: "
                "netjournal cadence TAG --every 30d, people edit NAME --every 30d).",
            ),
            Section(
                "questions",
                "Questions that worked best there",
                QuestionRow,
                tuple(questions),
                ctx.nothing(
                    questions,
                    f"No question was recorded at {scope}",
                    select(func.count(Question.id))
                    .join(Encounter, Encounter.id == Question.encounter_id)
                    .where(Encounter.event_id.in_(events)),
                    ("question asked there is", "questions asked there are"),
                    "no encounter there has a question",
                ),
            ),
        ],
        notes=[f"Covers {scope}."],
        parameters={"event": target.name, "event_id": target.id},
    )
