"""A realistic demo journal, built through the public API from the files in ``examples/demo``.

``season.toml`` holds the profile, an event where nobody was logged, and what the leads turned
into; each ``NN-*.txt`` file is one evening in the after-event format (see
:mod:`netjournal.batch`), logged in file-name order. The files install with the package as
``netjournal.demo_data``, so ``pip install . && netjournal demo`` works from anywhere.

Under a French interface the season is French (``examples/demo/fr``): French people, events,
questions and notes, typed with the batch format's French keys and dates, with the same
figures as the English season, so that both tell the same story.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import distinct, func, select

from .errors import InvalidInput
from .i18n import _
from .models import Encounter, Event, FollowUp, Lead, Outcome, Person

if TYPE_CHECKING:
    from .journal import Journal, ProfileInfo
    from .reports.base import Report


@dataclass(frozen=True)
class EventLine:
    id: int
    name: str
    date: dt.date
    kind: str
    people: int
    leads: int
    hours: Decimal | None
    cost: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class PaidOffLead:
    id: int
    kind: str
    summary: str
    person: str
    event: str | None
    value: Decimal | None
    currency: str | None
    outcomes: int


@dataclass(frozen=True)
class DemoSummary:
    """What the demo journal holds, for ``netjournal demo`` to print."""

    location: str
    profile: ProfileInfo
    counts: dict[str, int]
    events: list[EventLine]
    paid_off: list[PaidOffLead]
    due: list[FollowUp]
    fields: Report | None = None  # inside vs outside your fields: the advice, measured


def demo_data(language: str = "en") -> Traversable:
    """The folder of demo files shipped with the package, for ``language`` (``"en"`` or
    ``"fr"``)."""
    folder = resources.files("netjournal.demo_data")
    return folder / "fr" if language == "fr" else folder


def build_demo(
    journal: Journal, data: Path | Traversable | None = None, *, language: str | None = None
) -> DemoSummary:
    """Fill an empty ``journal`` with the demo season and summarise it: the season of
    ``language`` (by default the interface's), or the one in the folder ``data``.

    Refuses a journal that already holds people or events, so it never mixes with real data."""
    counts = journal.counts()
    if counts["people"] or counts["events"]:
        raise InvalidInput(
            _(
                "{journal} already holds {people} people and {events} events: the demo only "
                "fills an empty journal (give --db a new file)."
            ).format(
                journal=journal.location.display, people=counts["people"], events=counts["events"]
            )
        )
    if data is None:
        from .i18n import language as current

        data = demo_data(language or current())
    folder = data
    season = tomllib.loads((folder / "season.toml").read_text(encoding="utf-8"))
    profile = season.get("profile", {})
    journal.set_profile(
        name=profile.get("name"),
        fields=profile.get("fields"),
        hourly_rate=profile.get("hourly_rate"),
        currency=profile.get("currency"),
    )
    for event in season.get("events", []):
        values = dict(event)
        journal.events.add(values.pop("name"), values.pop("date"), **values)
    evenings = sorted(
        (f for f in folder.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name
    )
    leads: dict[str, int] = {}
    followups: dict[str, int] = {}
    for evening in evenings:
        for encounter in journal.encounters.batch(
            evening.read_text(encoding="utf-8"), source_name=evening.name
        ):
            leads.update((lead.summary, lead.id) for lead in encounter.leads)
            followups.update((f.action, f.id) for f in encounter.followups)
    for item in season.get("outcomes", []):
        journal.outcomes.add(
            _find(leads, item["lead"], "lead"),
            item["description"],
            value=item.get("value"),
            currency=item.get("currency"),
            date=item.get("date"),
            kind=item.get("kind", "other"),
        )
    for item in season.get("lead_updates", []):
        journal.leads.update(
            _find(leads, item["lead"], "lead"), status=item.get("status"), on=item.get("date")
        )
    for item in season.get("followups_done", []):
        journal.followups.done(_find(followups, item["action"], "follow-up"), on=item.get("date"))
    return summarize(journal)


def _find(known: dict[str, int], key: str, what: str) -> int:
    if key not in known:
        # the packaged demo files are wrong: a message for developers, left in English
        raise InvalidInput(f"season.toml names a {what} no evening logged: '{key}'.")
    return known[key]


def summarize(journal: Journal) -> DemoSummary:
    """Counts, events with the people met and leads born there, leads that paid off (their
    outcomes summed in SQL, per currency), and follow-ups due today or overdue."""
    people = func.count(distinct(Encounter.person_id))
    events_stmt = (
        select(Event, people, func.count(distinct(Lead.id)))
        .outerjoin(Encounter, Encounter.event_id == Event.id)
        .outerjoin(Lead, Lead.encounter_id == Encounter.id)
        .group_by(Event.id)
        .order_by(Event.start_date, Event.id)
    )
    paid_stmt = (
        select(
            Lead.id,
            Lead.kind,
            Lead.summary,
            Person.display_name,
            Event.name,
            func.sum(Outcome.value),
            Outcome.currency,
            func.count(Outcome.id),
        )
        .join(Outcome, Outcome.lead_id == Lead.id)
        .join(Encounter, Lead.encounter_id == Encounter.id)
        .join(Person, Encounter.person_id == Person.id)
        .outerjoin(Event, Encounter.event_id == Event.id)
        .group_by(
            Lead.id, Lead.kind, Lead.summary, Person.display_name, Event.name, Outcome.currency
        )
        .order_by(func.coalesce(func.sum(Outcome.value), 0).desc(), Lead.id)
    )
    with journal.store.read() as session:
        events = [
            EventLine(e.id, e.name, e.start_date, e.kind, n, k, e.hours, e.cost, e.currency)
            for e, n, k in session.execute(events_stmt)
        ]
        paid: list[Any] = [PaidOffLead(*row) for row in session.execute(paid_stmt)]
    return DemoSummary(
        location=journal.location.display,
        profile=journal.profile(),
        counts=journal.counts(),
        events=events,
        paid_off=paid,
        due=journal.followups.due(),
        fields=journal.report("fields"),
    )
