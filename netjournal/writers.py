"""The encounter writer: one at a time, an evening's batch, or a bulk load of thousands.

Everything ``journal.encounters`` logs (:meth:`~netjournal.encounters.Encounters.log` and its
batch and bulk siblings) goes through :func:`log_one`, so an encounter is validated and stored
the same way whatever its origin. It is written with SQLAlchemy Core on the caller's
connection (no ORM): ``netjournal log`` then starts and finishes faster than importing the ORM
alone would take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from . import resolve
from . import tables as t
from .errors import (
    AmbiguousName,
    ImportFormatError,
    InvalidInput,
    JournalUnavailable,
    NetjournalError,
)
from .fields import add_contacts, contact_values, fill_in, person_values
from .i18n import _
from .specs import EncounterSpec, LeadSpec, as_followup, as_lead, as_question
from .tags import tag_ids
from .text import fold, question_key
from .validate import name, optional_date, parse_date, text
from .validate import tags as clean_tags
from .vocab import canonical

#: Person columns an encounter may fill in (never overwriting what the journal has).
ENCOUNTER_PERSON_FIELDS = ("organization", "title", "field", "location")

#: How many days before an event starts or after it ends an encounter there may be dated
#: (a coffee the week after); further is refused unless the caller says ``any_date``.
DATE_MARGIN_DAYS = 7


@dataclass
class _Event:
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date | None


#: The collections of an encounter the writer fills, named as the ORM's relationships.
COLLECTIONS = ("tags", "questions", "leads", "followups")


class Cache:
    """Names already resolved in one batch, so an evening's file costs one lookup per name.

    A name means the same person for the whole batch (a bulk load too), including people
    the batch itself created; ``created`` lists those, in the order they were created."""

    def __init__(self) -> None:
        self.people: dict[str, int] = {}
        self.events: dict[Any, _Event] = {}
        self.created: list[int] = []
        #: The :data:`COLLECTIONS` some encounter of the batch has rows in: reading the others
        #: back would find none.
        self.filled: set[str] = set()

    def person(self, connection: Connection, ref: Any) -> int | None:
        if isinstance(ref, str) and resolve.as_id(ref) is None:
            key = fold(ref)
            if key not in self.people:
                found = resolve.person_id(connection, ref, create_if_missing=True)
                if found is None:
                    return None
                self.people[key] = found
            return self.people[key]
        return resolve.person_id(connection, _id_of(ref))

    def event(self, connection: Connection, ref: Any, on: dt.date | None = None) -> _Event:
        """The event ``ref`` names; ``on`` (the encounter's date) picks the edition held
        that day when several editions share the name."""
        key = (fold(ref) if isinstance(ref, str) else _id_of(ref), on)
        if key not in self.events:
            event_id = resolve.event_id(connection, _id_of(ref), on=on)
            e = t.events.c
            row = connection.execute(
                select(e.name, e.start_date, e.end_date).where(e.id == event_id)
            ).one()
            self.events[key] = _Event(event_id, row.name, row.start_date, row.end_date)
        return self.events[key]


def _id_of(ref: Any) -> Any:
    """A mapped object (a Person, an Event) stands for its id."""
    table = getattr(ref, "__table__", None)
    return ref.id if table is not None else ref


def lead_values(spec: LeadSpec, on: dt.date) -> dict[str, Any]:
    """The validated columns of a new lead born on ``on``."""
    summary = text(spec.summary, _("A lead's summary"), required=True)
    return {
        "kind": canonical(spec.kind, "lead kind"),
        "summary": summary,
        "details": text(spec.details, _("A lead's details")),
        "points_to": text(spec.points_to, _("What the lead points to")),
        "status": canonical(spec.status or "open", "lead status"),
        "status_changed_on": on,
    }


def log_one(connection: Connection, spec: EncounterSpec, cache: Cache) -> int:
    """Write one encounter (and its person, if new) on ``connection``; returns its id.

    Everything is validated before anything is written, in the order a reader of the spec
    would check it; the caller's transaction makes a batch all or nothing."""
    event = None
    dated = optional_date(spec.date, _("date"))
    if spec.event is not None and spec.event != "":
        event = cache.event(connection, spec.event, dated)
    when = dated or (event.start_date if event else None) or dt.date.today()
    if event is not None and dated is not None and not spec.any_date:
        refuse_far_date(event, dated)
    person_id = None if spec.new_person else cache.person(connection, spec.person)
    given = {k: getattr(spec, k) for k in ENCOUNTER_PERSON_FIELDS if getattr(spec, k) is not None}
    new_name = None
    if person_id is None:
        if not isinstance(spec.person, str):
            raise InvalidInput(_("A new person needs a name."))
        new_name = name(spec.person)
        given["source"] = spec.source
    fields = person_values(given)
    contacts = [
        contact_values(kind, value)
        for kind, value in (("email", spec.email), ("phone", spec.phone))
        if value
    ]
    introducer = None
    if spec.introduced_by is not None and spec.introduced_by != "":
        ref = spec.introduced_by
        known = cache.people.get(fold(ref)) if isinstance(ref, str) else None
        themselves = new_name is not None and isinstance(ref, str) and fold(ref) == fold(new_name)
        if not themselves:
            introducer = known or resolve.person_id(connection, _id_of(ref))
        if themselves or introducer == person_id:
            raise InvalidInput(_("Someone cannot introduce you to themselves."))
    encounter_tags = clean_tags(spec.tags)
    encounter = {
        "event_id": event.id if event else None,
        "date": when,
        "notes": text(spec.notes, _("The notes")),
        "stakes": text(spec.stakes, _("The stakes")),
        "wishes": text(spec.wishes, _("The wishes")),
        "pitched": bool(spec.pitched),
        "introduced_by_id": introducer,
        "outside_field": spec.outside_field,
        "source": text(spec.source, _("The source"), max_len=50),
    }
    questions = []
    for position, asked_item in enumerate(spec.questions):
        question = as_question(asked_item)
        asked = text(question.asked, _("A question"), required=True)
        assert asked is not None
        questions.append(
            {
                "position": position,
                "asked": asked,
                "asked_key": question_key(asked),
                "learned": text(question.learned, _("What you learned")),
            }
        )
    leads = []
    for lead_item in spec.leads:
        lead = as_lead(lead_item)
        leads.append((lead_values(lead, when), clean_tags(lead.tags)))
    followups = []
    for followup_item in spec.followups:
        followup = as_followup(followup_item)
        action = text(followup.action, _("A follow-up"), required=True)
        # "friday", "demain", "in 3 days": counted from the encounter, not from today.
        due = parse_date(followup.due, _("due date"), prefer="future", relative_to=when)
        followups.append({"due": due, "action": action})

    if person_id is not None and not spec.again:
        refuse_duplicate(connection, person_id, event.id if event else None, when)

    # -- everything is valid: write ---------------------------------------------------
    if person_id is None:
        assert new_name is not None
        person_id = _insert(
            connection, t.people, {"display_name": new_name, "name_key": fold(new_name), **fields}
        )
        cache.people[fold(new_name)] = person_id
        cache.created.append(person_id)
    elif fields:
        fill_in(connection, person_id, fields)
    if contacts:
        add_contacts(connection, person_id, contacts)
    encounter_id = _insert(connection, t.encounters, {"person_id": person_id, **encounter})
    _tag(connection, t.encounter_tags, "encounter_id", encounter_id, encounter_tags)
    written: dict[str, Sequence[Any]] = {
        "tags": encounter_tags,
        "questions": questions,
        "leads": leads,
        "followups": followups,
    }
    cache.filled.update(name for name in COLLECTIONS if written[name])
    if questions:
        connection.execute(
            insert(t.questions), [{"encounter_id": encounter_id, **q} for q in questions]
        )
    for values, lead_tags in leads:
        lead_id = _insert(connection, t.leads, {"encounter_id": encounter_id, **values})
        _tag(connection, t.lead_tags, "lead_id", lead_id, lead_tags)
    if followups:
        connection.execute(
            insert(t.followups),
            [{"person_id": person_id, "encounter_id": encounter_id, **f} for f in followups],
        )
    return encounter_id


def _insert(connection: Connection, table: Any, values: dict[str, Any]) -> int:
    # Parameters, not .values(): the statement stays the same, so it is compiled once.
    key = connection.execute(insert(table), values).inserted_primary_key
    assert key is not None
    return int(key[0])


def _tag(connection: Connection, link: Any, owner: str, owner_id: int, names: Any) -> None:
    ids = tag_ids(connection, names)
    if ids:
        connection.execute(insert(link), [{owner: owner_id, "tag_id": i} for i in ids])


def refuse_far_date(event: _Event, on: dt.date) -> None:
    """Refuse an encounter dated more than :data:`DATE_MARGIN_DAYS` before ``event`` starts
    or after it ends: a typo in the date, most of the time."""
    margin = dt.timedelta(days=DATE_MARGIN_DAYS)
    end = event.end_date or event.start_date
    if event.start_date - margin <= on <= end + margin:
        return
    if end != event.start_date:
        message = _(
            "The encounter is dated {date}, but {event} (#{id}) was held "
            "from {start} to {end}: more than {margin} days apart. Check the date, or log it "
            "explicitly at any date."
        )
    else:
        message = _(
            "The encounter is dated {date}, but {event} (#{id}) was held "
            "on {end}: more than {margin} days apart. Check the date, or log it "
            "explicitly at any date."
        )
    raise InvalidInput(
        message.format(
            date=on.isoformat(),
            event=event.name,
            id=event.id,
            start=event.start_date,
            end=end,
            margin=DATE_MARGIN_DAYS,
        )
    )


def refuse_duplicate(
    connection: Connection, person_id: int, event_id: int | None, on: dt.date
) -> None:
    """Refuse a second encounter with the same person at the same event on the same day
    (with no event: on the same day), naming the first one."""
    e = t.encounters
    same_event = e.c.event_id.is_(None) if event_id is None else e.c.event_id == event_id
    found = connection.execute(
        select(e.c.id, t.people.c.display_name, t.events.c.name)
        .join(t.people, t.people.c.id == e.c.person_id)
        .outerjoin(t.events, t.events.c.id == e.c.event_id)
        .where(e.c.person_id == person_id, e.c.date == on, same_event)
        .order_by(e.c.id)
        .limit(1)
    ).first()
    if found is None:
        return
    if found.name is not None:
        message = _(
            "{person} was already logged at {event} on {date} "
            "(encounter #{id}); log it again explicitly to keep both."
        )
    else:
        message = _(
            "{person} was already logged on {date} "
            "(encounter #{id}); log it again explicitly to keep both."
        )
    raise InvalidInput(
        message.format(
            person=found.display_name, event=found.name, date=on.isoformat(), id=found.id
        )
    )


def log_specs(
    connection: Connection,
    specs: Iterable[EncounterSpec],
    source_name: str | None = None,
    cache: Cache | None = None,
) -> list[int]:
    """Log ``specs`` on ``connection`` (the caller's transaction); returns the new ids.
    Pass a ``cache`` to learn afterwards which people were created (``cache.created``).

    A spec that fails names its ``line`` (when it came from a batch file) in the error."""
    cache = Cache() if cache is None else cache
    logged = []
    for spec in specs:
        try:
            logged.append(log_one(connection, spec, cache))
        except NetjournalError as exc:
            if spec.line is None or isinstance(exc, JournalUnavailable):
                raise
            if source_name is not None:
                raise ImportFormatError(source_name, spec.line, str(exc)) from exc
            if isinstance(exc, AmbiguousName):
                where = _("line {line}").format(line=spec.line)
                raise AmbiguousName(f"{where}: {exc}", exc.candidates) from exc
            if isinstance(exc, ImportFormatError):
                raise
            where = _("line {line}").format(line=spec.line)
            raise type(exc)(f"{where}: {exc}") from exc
    return logged
