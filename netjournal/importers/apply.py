"""Applying parsed records to the journal: deduplicate, merge, write atomically.

A record is the same person as one already known (in the journal or earlier in the file) when
it shares an external id (vCard UID, profile URL), an e-mail address or URL, or the same folded
name at the same organization. New information fills what the journal lacks; nothing is
overwritten unless ``overwrite`` is set. Re-importing a file therefore changes nothing.

The whole file is one transaction. A dry run performs the same work and rolls it back, so what
it reports is exactly what a real run would do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .. import tags as tagging
from ..errors import ImportFormatError, NetjournalError
from ..events import set_fields as set_event_fields
from ..fields import PERSON_FIELDS
from ..i18n import N_, _
from ..models import ContactPoint, Encounter, Event, Person, Tag, person_tags
from ..people import add_contact, build_person, set_fields
from ..tables import utcnow
from ..text import contact_key, fold
from ..validate import NAME_MAX, SHORT_MAX, email
from ..validate import tags as clean_tags
from .records import EventRecord, PersonRecord, SkippedRecord

Progress = Callable[[int, int], None]
_CHUNK = 500  # keys per IN (...) lookup


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    file: str
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)
    encounters_created: int = 0

    @property
    def total(self) -> int:
        return len(self.created) + len(self.merged) + len(self.unchanged)


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _person_fields(record: PersonRecord) -> dict[str, str]:
    values = {k: getattr(record, k) for k in PERSON_FIELDS if k not in ("source", "external_id")}
    return {k: v for k, v in values.items() if isinstance(v, str) and v.strip()}


#: The person columns as a refusal names them ("the organization is longer than...").
_FIELD_NAMES = {
    "given_name": N_("the given name"),
    "family_name": N_("the family name"),
    "organization": N_("the organization"),
    "title": N_("the title"),
    "field": N_("the field"),
    "location": N_("the location"),
    "notes": N_("the notes"),
}


def check_person(record: PersonRecord) -> None:
    """Refuse a record the journal could not store, before anything is written."""
    if not record.display_name or not record.display_name.strip():
        raise NetjournalError(_("no name"))
    too_long = _("{what} is longer than {limit} characters")
    if len(record.display_name.strip()) > NAME_MAX:
        raise NetjournalError(too_long.format(what=_("the name"), limit=NAME_MAX))
    for key, value in _person_fields(record).items():
        limit = PERSON_FIELDS[key]
        if limit is not None and len(value.strip()) > limit:
            what = _(_FIELD_NAMES.get(key, key.replace("_", " ")))
            raise NetjournalError(too_long.format(what=what, limit=limit))
    if record.external_id and len(record.external_id) > SHORT_MAX:
        raise NetjournalError(_("the external id is too long"))
    for text in (record.display_name, *_person_fields(record).values()):
        if "\x00" in text:
            raise NetjournalError(_("a field contains a NUL character"))
    clean_tags(record.tags)  # a category too long to be a tag is this record's fault
    for contact in record.contacts:
        # A value without "@" is no address at all (phones write names there): it is left
        # out, as before; one that looks like an address must be one ("a@b.c\nBcc: x@y").
        if contact.kind == "email" and "@" in contact.value:
            email(contact.value.strip())


class _PeopleIndex:
    """Who is already known, by every key that identifies a person; filled chunk by chunk."""

    def __init__(self) -> None:
        self.by_external: dict[str, Person] = {}
        self.by_contact: dict[tuple[str, str], Person] = {}
        self.by_name_org: dict[tuple[str, str], Person] = {}
        self.connections: set[tuple[int, str, dt.date]] = set()
        self.tags: dict[str, Tag] = {}
        self.pending: dict[tuple[int, str, dt.date], tuple[Person, str, dt.date]] = {}

    def load(self, session: Session, records: Sequence[PersonRecord]) -> None:
        externals = {r.external_id for r in records if r.external_id}
        contacts = {
            (c.kind, contact_key(c.kind, c.value))
            for r in records
            for c in r.contacts
            if c.kind in ("email", "url") and c.value.strip()
        }
        names = {fold(r.display_name) for r in records if r.display_name}
        matched: set[int] = set()
        for chunk in _chunks(externals):
            matched.update(session.scalars(select(Person.id).where(Person.external_id.in_(chunk))))
        for kind in ("email", "url"):
            keys = {k for kd, k in contacts if kd == kind}
            for chunk in _chunks(keys):
                matched.update(
                    session.scalars(
                        select(ContactPoint.person_id).where(
                            ContactPoint.kind == kind, ContactPoint.value_key.in_(chunk)
                        )
                    )
                )
        for chunk in _chunks(names):
            matched.update(session.scalars(select(Person.id).where(Person.name_key.in_(chunk))))
        found: list[Person] = []
        ordered = sorted(matched)
        for start in range(0, len(ordered), _CHUNK):  # each person loaded once
            chunk_ids = ordered[start : start + _CHUNK]
            found.extend(session.scalars(select(Person).where(Person.id.in_(chunk_ids))))
        for person in found:
            self.add(person)
        ids = sorted(p.id for p in found)
        for start in range(0, len(ids), _CHUNK):
            rows = session.execute(
                select(Encounter.person_id, Encounter.source, Encounter.date).where(
                    Encounter.person_id.in_(ids[start : start + _CHUNK]),
                    Encounter.source.is_not(None),
                )
            )
            self.connections.update((pid, src or "", day) for pid, src, day in rows)

    def get_tags(self, session: Session, names: Sequence[str]) -> list[Tag]:
        """Tags by name, created once per import rather than once per record."""
        missing = [n for n in names if fold(n) not in self.tags]
        if missing:
            self.tags.update((t.key, t) for t in tagging.get_or_create(session, missing))
        return [self.tags[k] for k in dict.fromkeys(fold(n) for n in names) if k in self.tags]

    def add(self, person: Person) -> None:
        if person.external_id:
            self.by_external.setdefault(person.external_id, person)
        for contact in person.contacts:
            if contact.kind in ("email", "url"):
                self.by_contact.setdefault((contact.kind, contact.value_key), person)
        self.by_name_org.setdefault((person.name_key, fold(person.organization or "")), person)

    def match(self, record: PersonRecord) -> Person | None:
        if record.external_id and record.external_id in self.by_external:
            return self.by_external[record.external_id]
        for contact in record.contacts:
            if contact.kind in ("email", "url"):
                hit = self.by_contact.get((contact.kind, contact_key(contact.kind, contact.value)))
                if hit is not None:
                    return hit
        key = (fold(record.display_name), fold(record.organization or ""))
        return self.by_name_org.get(key)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _contacts(person: Person, record: PersonRecord) -> bool:
    changed = False
    for contact in record.contacts:
        value = contact.value.strip()
        if not value or (contact.kind == "email" and "@" not in value):
            continue
        if len(value) > SHORT_MAX:
            continue
        changed |= add_contact(person, contact.kind, value, (contact.label or None))
    return changed


def _merge(
    session: Session, index: _PeopleIndex, person: Person, record: PersonRecord, *, overwrite: bool
) -> bool:
    """Fold ``record`` into ``person``; ``True`` if anything changed."""
    fields = _person_fields(record)
    notes = fields.pop("notes", None)
    before = {k: getattr(person, k) for k in PERSON_FIELDS}
    set_fields(person, fields, overwrite=overwrite)
    if notes and (not person.notes or notes not in person.notes):
        person.notes = notes if (overwrite or not person.notes) else f"{person.notes}\n\n{notes}"
    if record.external_id and not person.external_id:
        person.external_id = record.external_id
        person.source = person.source or record.source
    changed = before != {k: getattr(person, k) for k in PERSON_FIELDS}
    changed |= _contacts(person, record)
    have = {t.key for t in person.tags}
    new_tags = [t for t in index.get_tags(session, record.tags) if t.key not in have]
    person.tags.extend(new_tags)
    return changed or bool(new_tags)


def _connected(session: Session, index: _PeopleIndex, person: Person, record: PersonRecord) -> bool:
    """LinkedIn's "Connected On" is a first encounter, recorded once."""
    day = record.connected_on
    if day is None:
        return False
    if person.id is None:  # created by this import: written in bulk at the end
        key = (id(person), record.source, day)
        if key in index.pending:
            return False
        index.pending[key] = (person, record.source, day)
        return True
    if (person.id, record.source, day) in index.connections:
        return False
    index.connections.add((person.id, record.source, day))
    note = f"Connected on {day:%d %b %Y}"
    session.add(
        Encounter(person=person, date=day, source=record.source, notes=note, kind="connection")
    )
    return True


def _insert_new(session: Session, people: list[Person], index: _PeopleIndex) -> None:
    """Write the people this import created with a few bulk INSERTs instead of one ORM
    object graph per row: a 10,000-row export then takes seconds, not a minute."""
    if not people:
        return
    now = utcnow()
    columns = [c.key for c in Person.__table__.columns if c.key != "id"]
    rows = [
        {**{c: getattr(p, c) for c in columns}, "created_at": now, "updated_at": now}
        for p in people
    ]
    ids = list(
        session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), rows)
    )
    new_ids = {id(p): pid for p, pid in zip(people, ids, strict=True)}
    contacts = [
        {
            "person_id": pid,
            "kind": c.kind,
            "value": c.value,
            "value_key": c.value_key,
            "label": c.label,
        }
        for p, pid in zip(people, ids, strict=True)
        for c in p.contacts
    ]
    if contacts:
        session.execute(insert(ContactPoint), contacts)
    links = [
        {"person_id": pid, "tag_id": t.id}
        for p, pid in zip(people, ids, strict=True)
        for t in p.tags
    ]
    if links:
        session.execute(person_tags.insert(), links)
    encounters = [
        {
            "person_id": new_ids[id(p)],
            "date": day,
            "source": source,
            "pitched": False,
            "notes": f"Connected on {day:%d %b %Y}",
            "kind": "connection",
            "created_at": now,
            "updated_at": now,
        }
        for p, source, day in index.pending.values()
    ]
    if encounters:
        session.execute(insert(Encounter), encounters)


def apply_people(
    session: Session,
    records: Sequence[PersonRecord],
    report: ImportReport,
    *,
    overwrite: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> None:
    index = _PeopleIndex()
    index.load(session, records)
    created: list[Person] = []
    for done, record in enumerate(records, 1):
        try:
            check_person(record)
        except NetjournalError as exc:
            if not skip_invalid:
                raise ImportFormatError(report.file, record.line, str(exc)) from None
            report.skipped.append(SkippedRecord(record.line, str(exc)))
            continue
        person = index.match(record)
        label = record.display_name.strip()
        if person is None:
            person = build_person(
                record.display_name,
                source=record.source,
                external_id=record.external_id,
                **_person_fields(record),
            )
            _contacts(person, record)
            person.tags = index.get_tags(session, record.tags)
            created.append(person)
            report.created.append(label)
        elif _merge(session, index, person, record, overwrite=overwrite):
            report.merged.append(label)
        else:
            report.unchanged.append(label)
        if _connected(session, index, person, record):
            report.encounters_created += 1
        index.add(person)
        if progress is not None:
            progress(done, len(records))
    _insert_new(session, created, index)


def apply_events(
    session: Session,
    records: Sequence[EventRecord],
    report: ImportReport,
    *,
    default_currency: str,
    overwrite: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> None:
    uids = {r.external_id for r in records if r.external_id}
    known: dict[str, Event] = {}
    for chunk in _chunks(uids):
        known.update(
            (e.external_id, e)
            for e in session.scalars(select(Event).where(Event.external_id.in_(chunk)))
            if e.external_id
        )
    by_name_day: dict[tuple[str, dt.date], Event] = {}
    names = {fold(r.name) for r in records}
    for chunk in _chunks(names):
        for event in session.scalars(select(Event).where(Event.name_key.in_(chunk))):
            by_name_day.setdefault((event.name_key, event.start_date), event)
    for done, record in enumerate(records, 1):
        values = {
            "name": record.name,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "starts_at": record.starts_at,
            "ends_at": record.ends_at,
            "timezone": record.timezone,
            "location": record.location,
            "organizer": record.organizer,
            "notes": record.notes,
            "external_id": record.external_id,
        }
        existing = (known.get(record.external_id) if record.external_id else None) or (
            by_name_day.get((fold(record.name), record.start_date))
        )
        try:
            set_event_fields(Event(kind="other"), values, default_currency)  # check first
            if existing is None:
                event = Event(kind="other")
                set_event_fields(event, values, default_currency)
                event.tags = tagging.get_or_create(session, record.tags)
                session.add(event)
                report.created.append(f"{record.name} ({record.start_date})")
                if event.external_id:
                    known[event.external_id] = event
                by_name_day[(event.name_key, event.start_date)] = event
            else:
                wanted = {
                    k: v
                    for k, v in values.items()
                    if v not in (None, "") and (overwrite or getattr(existing, k) in (None, ""))
                }
                changes = {
                    k: v
                    for k, v in wanted.items()
                    if k not in ("starts_at", "ends_at") and getattr(existing, k) != v
                }
                if changes:
                    set_event_fields(existing, changes, default_currency)
                    report.merged.append(f"{record.name} ({record.start_date})")
                else:
                    report.unchanged.append(f"{record.name} ({record.start_date})")
        except NetjournalError as exc:
            if not skip_invalid:
                raise ImportFormatError(report.file, record.line, str(exc)) from None
            report.skipped.append(SkippedRecord(record.line, str(exc)))
        if progress is not None:
            progress(done, len(records))
