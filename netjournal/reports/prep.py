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
from ..i18n import N_, _, language, ngettext
from ..models import Encounter, Event, FollowUp, Lead, Person, Question
from ..vocab import label
from .base import Built, Context, Section, Text, col
from .questions import QuestionRow, question_rows


@dataclass(frozen=True)
class PrepCatchUpRow:
    person_id: int = col(N_("Id"))
    person: str = col(N_("Person"))
    late: str = col(N_("Catch up"))
    last_touch: dt.date = col(N_("Last touch"))
    every: int = col(N_("Every (days)"))
    lateness: Decimal = col(N_("Lateness"), table=False)
    next_question: str | None = col(N_("Ask next"))


@dataclass(frozen=True)
class PrepPersonRow:
    person_id: int = col(N_("Id"))
    person: str = col(N_("Person"))
    organization: str | None = col(N_("Organization"))
    times_met: int = col(N_("Times met"))
    last_met: dt.date = col(N_("Last met"))
    open_leads: tuple[str, ...] = col(N_("Open leads"))
    followups: tuple[str, ...] = col(N_("Open follow-ups"))


def build(ctx: Context) -> Built:
    if ctx.params.event is None or ctx.params.event == "":
        raise InvalidInput(_("The prep report needs an event: prep EVENT."))
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
        leads.setdefault(pid, []).append(_open_lead(kind, summary, status))
    todo: dict[int, list[str]] = {}
    for pid, due, action in session.execute(followups_q):
        todo.setdefault(pid, []).append(_todo(due, action))
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
    name, start, series = target.name, target.start_date, target.series

    def scope() -> str:
        if series:
            return ngettext(  # English: "editions" whatever the count
                "{event} ({day}) and the {count} editions of the series {series}",
                "{event} ({day}) and the {count} editions of the series {series}",
                editions,
            ).format(event=name, day=start, count=editions, series=series)
        if editions > 1:
            return _("{event} ({day}) and its other editions ({count} in all)").format(
                event=name, day=start, count=editions
            )
        return _("{event} ({day})").format(event=name, day=start)

    today = ctx.params.today
    return Built(
        title=Text(lambda: _("Preparing for {event}").format(event=name)),
        sections=[
            Section(
                "people",
                Text(lambda: _("People met there before")),
                PrepPersonRow,
                tuple(people),
                ctx.nothing(
                    people,
                    lambda: _("You met nobody at {scope}").format(scope=scope()),
                    select(func.count(Encounter.id)).where(Encounter.event_id.in_(events)),
                    lambda n: ngettext("encounter there is", "encounters there are", n),
                    lambda: _("no encounter is logged there yet"),
                ),
            ),
            Section(
                "overdue",
                Text(lambda: _("Due for a catch-up among them")),
                PrepCatchUpRow,
                tuple(overdue),
                Text(
                    lambda: _(
                        "Nobody met at {scope} is due for a catch-up on {day} (cadences: "
                        "netjournal cadence TAG --every 30d, people edit NAME --every 30d)."
                    ).format(scope=scope(), day=today)
                ),
            ),
            Section(
                "questions",
                Text(lambda: _("Questions that worked best there")),
                QuestionRow,
                tuple(questions),
                ctx.nothing(
                    questions,
                    lambda: _("No question was recorded at {scope}").format(scope=scope()),
                    select(func.count(Question.id))
                    .join(Encounter, Encounter.id == Question.encounter_id)
                    .where(Encounter.event_id.in_(events)),
                    lambda n: ngettext("question asked there is", "questions asked there are", n),
                    lambda: _("no encounter there has a question"),
                ),
            ),
        ],
        notes=[Text(lambda: _("Covers {scope}.").format(scope=scope()))],
        parameters={"event": target.name, "event_id": target.id},
    )


def _open_lead(kind: str, summary: str, status: str) -> Text:
    """``customer: a summary (open)``, kind and status in the user's language."""
    return Text(
        lambda: _("{kind}: {summary} ({status})").format(
            kind=label(kind, "lead kind", language()),
            summary=summary,
            status=label(status, "lead status", language()),
        )
    )


def _todo(due: dt.date, action: str) -> Text:
    """``2026-12-01: send the deck``."""
    return Text(lambda: _("{day}: {action}").format(day=due, action=action))
