"""Writing encounters: one at a time, an evening's batch, or a bulk load of thousands.

Everything :meth:`netjournal.Journal.log` and its batch and bulk siblings write goes through
:func:`log_one`, so an encounter is validated and stored the same way whatever its origin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from . import resolve
from . import tags as tagging
from .errors import InvalidInput
from .leads import build_lead
from .models import Encounter, FollowUp, Person, Question
from .people import add_contact, new_person, set_fields
from .specs import EncounterSpec, as_followup, as_lead, as_question
from .text import fold, question_key
from .validate import optional_date, parse_date, text


def log_one(
    session: Session, spec: EncounterSpec, cache: Cache, *, flush: bool = True
) -> Encounter:
    """Add one encounter (and its person, if new) to ``session``; flushed unless ``flush``
    is false (bulk writes number and flush a whole chunk at once)."""
    event = None
    if spec.event is not None and spec.event != "":
        event = cache.event(session, spec.event)
    when = optional_date(spec.date, "date") or (event.start_date if event else None)
    when = when or dt.date.today()
    person = None if spec.new_person else cache.person(session, spec.person)
    person_fields = {
        k: getattr(spec, k)
        for k in ("organization", "title", "field", "location")
        if getattr(spec, k) is not None
    }
    if person is None:
        if not isinstance(spec.person, str):
            raise InvalidInput("A new person needs a name.")
        person = new_person(session, spec.person, source=spec.source, **person_fields)
        cache.people[fold(spec.person)] = person
    else:
        set_fields(person, person_fields, overwrite=False)
    if spec.email:
        add_contact(person, "email", spec.email)
    if spec.phone:
        add_contact(person, "phone", spec.phone)
    introducer = None
    if spec.introduced_by is not None and spec.introduced_by != "":
        known = None
        if isinstance(spec.introduced_by, str):  # maybe met earlier in this batch
            known = cache.people.get(fold(spec.introduced_by))
        introducer = known or resolve.person(session, spec.introduced_by)
    if introducer is not None and introducer is person:
        raise InvalidInput("Someone cannot introduce you to themselves.")
    encounter_tags = tagging.get_or_create(session, spec.tags)
    encounter = Encounter(
        person=person,
        event=event,
        date=when,
        notes=text(spec.notes, "The notes"),
        stakes=text(spec.stakes, "The stakes"),
        wishes=text(spec.wishes, "The wishes"),
        pitched=bool(spec.pitched),
        introduced_by=introducer,
        outside_field=spec.outside_field,
        source=text(spec.source, "The source", max_len=50),
        tags=encounter_tags,
        # Empty collections start loaded, so the returned encounter stays usable.
        questions=[],
        leads=[],
        followups=[],
    )
    session.add(encounter)
    for position, asked_item in enumerate(spec.questions):
        question = as_question(asked_item)
        asked = text(question.asked, "A question", required=True)
        assert asked is not None
        encounter.questions.append(
            Question(
                position=position,
                asked=asked,
                asked_key=question_key(asked),
                learned=text(question.learned, "What you learned"),
            )
        )
    for lead_item in spec.leads:
        encounter.leads.append(build_lead(session, as_lead(lead_item), when))
    for followup_item in spec.followups:
        followup = as_followup(followup_item)
        action = text(followup.action, "A follow-up", required=True)
        assert action is not None
        encounter.followups.append(
            FollowUp(
                person=person,
                due=parse_date(followup.due, "due date", prefer="future"),
                action=action,
            )
        )
    if flush:
        session.flush()
    return encounter


class Cache:
    """Names already resolved in one batch, so an evening's file costs one lookup per name."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}
        self.events: dict[str, Any] = {}
        self.earlier: dict[str, Person] = {}  # people of earlier transactions (bulk_log)

    def carry_over(self) -> None:
        """Remember this transaction's people for the next one (bulk_log)."""
        self.earlier.update(self.people)
        self.people.clear()
        self.events.clear()

    def person(self, session: Session, ref: Any) -> Person | None:
        if isinstance(ref, str) and resolve.as_id(ref) is None:
            key = fold(ref)
            if key in self.people:
                return self.people[key]
            if key in self.earlier:  # committed and unchanged since: attach without a query
                self.people[key] = session.merge(self.earlier[key], load=False)
                return self.people[key]
            found = resolve.person(session, ref, create_if_missing=True)
            if found is not None:
                self.people[key] = found
            return found
        return resolve.person(session, ref)

    def event(self, session: Session, ref: Any) -> Any:
        key = fold(ref) if isinstance(ref, str) else ref
        if key not in self.events:
            self.events[key] = resolve.event(session, ref)
        return self.events[key]


def number(session: Session, encounters: list[Encounter]) -> None:
    """Give the new rows of a bulk chunk their ids, in logging order, before the flush.

    With the keys known the ORM writes each table with one ``executemany`` instead of one
    ``INSERT ... RETURNING`` per row (SQLite offers no ordered multi-row RETURNING). Ids come
    from the sequences on PostgreSQL; on SQLite the write transaction holds the database
    lock, so the numbers after the current maximum are ours.
    """
    rows: dict[Any, list[Any]] = {}

    def add(obj: Any) -> None:
        if obj.id is None and obj not in seen:
            seen.add(obj)
            rows.setdefault(type(obj), []).append(obj)

    seen: set[Any] = set()
    for encounter in encounters:
        if encounter.person.id is None:
            add(encounter.person)
            for contact in encounter.person.contacts:
                add(contact)
        add(encounter)
        for child in (*encounter.questions, *encounter.leads, *encounter.followups):
            add(child)
    postgres = session.get_bind().dialect.name == "postgresql"
    for model, objects in rows.items():
        table = model.__table__.name
        if postgres:
            ids = list(
                session.scalars(
                    sql_text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"table": table, "n": len(objects)},
                )
            )
        else:
            start = session.scalar(sql_text(f"SELECT coalesce(max(id), 0) FROM {table}")) or 0
            ids = list(range(start + 1, start + 1 + len(objects)))
        for obj, new_id in zip(objects, ids, strict=True):
            obj.id = new_id
