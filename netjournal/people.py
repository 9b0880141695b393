"""``journal.people``: the people you met, their contact points, merging and forgetting."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from . import resolve
from . import tags as tagging
from .errors import InvalidInput
from .fields import PERSON_FIELDS, contact_values, person_values
from .models import ContactPoint, Encounter, FollowUp, Lead, Person, Tag, person_tags
from .text import fold
from .validate import blank, name

if TYPE_CHECKING:
    from .duplicates import DuplicatePair
    from .journal import Journal


@dataclass
class PersonDetail:
    """Everything the journal knows about one person, for ``people show``."""

    person: Person
    encounters: list[Encounter]
    followups: list[FollowUp]
    introduced: list[Person] = field(default_factory=list)


def set_fields(person: Person, values: dict[str, Any], *, overwrite: bool = True) -> None:
    """Validate and assign person columns; with ``overwrite=False`` only fill empty ones."""
    clean = person_values(values)
    for key, value in clean.items():
        if key == "field_key" or (not overwrite and getattr(person, key)):
            continue
        setattr(person, key, value)
        if key == "field":
            person.field_key = clean["field_key"]


def rename(person: Person, display_name: str) -> None:
    person.display_name = name(display_name)
    person.name_key = fold(person.display_name)


def add_contact(person: Person, kind: str, value: str, label: str | None = None) -> bool:
    """Attach a contact point unless the person already has it; ``True`` if added."""
    values = contact_values(kind, value, label)
    if any(
        c.kind == values["kind"] and c.value_key == values["value_key"] for c in person.contacts
    ):
        return False
    person.contacts.append(ContactPoint(**values))
    return True


def build_person(display_name: str, **values: Any) -> Person:
    """A validated, not yet saved :class:`Person`."""
    person = Person(contacts=[])  # loaded even when empty: usable after the session closes
    rename(person, display_name)
    set_fields(person, values)
    return person


def new_person(session: Session, display_name: str, **values: Any) -> Person:
    person = build_person(display_name, **values)
    session.add(person)
    return person


class People:
    """The people in a journal. Reach it as ``journal.people``."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal

    def add(
        self,
        display_name: str,
        *,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        urls: Iterable[str] = (),
        tags: Iterable[str] = (),
        **fields: Any,
    ) -> Person:
        """Add a person. ``fields`` are any of :data:`PERSON_FIELDS` (organization, title...)."""
        with self._journal._write() as session:
            person = new_person(session, display_name, **fields)
            for kind, values in (("email", emails), ("phone", phones), ("url", urls)):
                for value in values:
                    add_contact(person, kind, value)
            person.tags = tagging.get_or_create(session, tags)
            session.flush()
            return person

    def get(self, ref: int | str | Person) -> Person:
        """The person with this id or name (accent-insensitive, unique prefix accepted)."""
        with self._journal._read() as session:
            found = resolve.person(session, ref)
            assert found is not None
            return found

    def find(self, query: str, *, limit: int = 20) -> list[Person]:
        """People whose name starts with, or has a word starting with, ``query``."""
        key = fold(query)
        with self._journal._read() as session:
            return list(
                session.scalars(
                    select(Person)
                    .where(resolve._name_filters(Person.name_key, key))
                    .order_by(Person.name_key)
                    .limit(limit)
                )
            )

    def list(
        self,
        *,
        tag: str | None = None,
        organization: str | None = None,
        field: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Person]:
        """People in name order, optionally filtered by tag, organization or field."""
        stmt = select(Person).order_by(Person.name_key, Person.id).offset(offset).limit(limit)
        if tag:
            stmt = stmt.join(person_tags).join(Tag).where(Tag.key == fold(tag))
        if organization:
            stmt = stmt.where(func.lower(Person.organization) == organization.strip().lower())
        if field:
            stmt = stmt.where(Person.field_key == fold(field))
        with self._journal._read() as session:
            return list(session.scalars(stmt))

    def count(self) -> int:
        with self._journal._read() as session:
            return session.scalar(select(func.count()).select_from(Person)) or 0

    def show(self, ref: int | str | Person) -> PersonDetail:
        """A person with their encounters (newest first), follow-ups and introductions."""
        with self._journal._read() as session:
            person = resolve.person(session, ref)
            assert person is not None
            encounters = list(
                session.scalars(
                    select(Encounter)
                    .where(Encounter.person_id == person.id)
                    .order_by(Encounter.date.desc(), Encounter.id.desc())
                )
            )
            followups = list(
                session.scalars(
                    select(FollowUp)
                    .where(FollowUp.person_id == person.id)
                    .order_by(FollowUp.due, FollowUp.id)
                )
            )
            introduced = list(
                session.scalars(
                    select(Person)
                    .join(Encounter, Encounter.person_id == Person.id)
                    .where(Encounter.introduced_by_id == person.id)
                    .distinct()
                    .order_by(Person.id)
                )
            )
            return PersonDetail(person, encounters, followups, introduced)

    def update(
        self,
        ref: int | str | Person,
        *,
        display_name: str | None = None,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        urls: Iterable[str] = (),
        **fields: Any,
    ) -> Person:
        """Change a person's fields; tags and contact points are added (or tags removed).

        A field given as ``""`` (or only white space) is cleared; ``None`` leaves it as it is.
        """
        with self._journal._write() as session:
            person = resolve.person(session, ref)
            assert person is not None
            if display_name is not None:
                rename(person, display_name)
            for key, value in fields.items():
                if key not in PERSON_FIELDS:
                    raise InvalidInput(f"Unknown person field '{key}'.")
                if blank(value):
                    setattr(person, key, None)
                    if key == "field":
                        person.field_key = None
            set_fields(person, {k: v for k, v in fields.items() if not blank(v)})
            for kind, values in (("email", emails), ("phone", phones), ("url", urls)):
                for value in values:
                    add_contact(person, kind, value)
            tagging.merge_into(person.tags, tagging.get_or_create(session, add_tags))
            drop = {fold(t) for t in remove_tags}
            person.tags = [t for t in person.tags if t.key not in drop]
            session.flush()
            return person

    def merge(self, keep: int | str | Person, other: int | str | Person) -> Person:
        """Fold ``other`` into ``keep``: encounters, introductions, follow-ups, contact points,
        tags and empty fields move over; ``other`` is then removed. Nothing is lost."""
        with self._journal._write() as session:
            kept = resolve.person(session, keep)
            gone = resolve.person(session, other)
            assert kept is not None and gone is not None
            if kept.id == gone.id:
                raise InvalidInput("Cannot merge a person with themselves.")
            merge_people(session, kept, gone)
            return kept

    def forget(self, ref: int | str | Person) -> str:
        """Remove a person and every trace of them: encounters, questions, leads, outcomes,
        follow-ups, contact points, search entries. Returns the name that was forgotten."""
        with self._journal._write() as session:
            person = resolve.person(session, ref)
            assert person is not None
            forgotten = person.display_name
            encounters = list(
                session.scalars(select(Encounter.id).where(Encounter.person_id == person.id))
            )
            leads = session.scalars(select(Lead.id).where(Lead.encounter_id.in_(encounters)))
            tag_ids = tagging.tag_ids_of(
                session, people=[person.id], encounters=encounters, leads=list(leads)
            )
            session.execute(delete(Person).where(Person.id == person.id))
            session.expunge(person)
            tagging.drop_unused(session, tag_ids)
        self._journal._scrub()
        return forgotten

    def contacts(self, ref: int | str | Person) -> Sequence[ContactPoint]:
        return self.get(ref).contacts

    def duplicates(self, min_score: int = 80, limit: int = 100) -> builtins.list[DuplicatePair]:
        """Pairs of people that are probably the same, best first, with a score (0-100) and
        the reasons (similar names, same organization, shared e-mail or phone...).

        Candidates for ``merge``: nothing is changed. See :mod:`netjournal.duplicates`.
        """
        from .duplicates import find_duplicates

        with self._journal._read() as session:
            return find_duplicates(session, min_score=min_score, limit=limit)


def merge_people(session: Session, kept: Person, gone: Person) -> None:
    """Re-point everything of ``gone`` to ``kept`` in SQL, then delete ``gone``."""
    for column in (Encounter.person_id, Encounter.introduced_by_id):
        session.execute(
            update(Encounter)
            .where(column == gone.id)
            .values({column.key: kept.id})
            .execution_options(synchronize_session=False)
        )
    session.execute(
        update(FollowUp)
        .where(FollowUp.person_id == gone.id)
        .values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    for contact in gone.contacts:
        add_contact(kept, contact.kind, contact.value, contact.label)
    tagging.merge_into(kept.tags, gone.tags)
    values = {k: getattr(gone, k) for k in PERSON_FIELDS if k != "notes"}
    set_fields(kept, {k: v for k, v in values.items() if v}, overwrite=False)
    if gone.notes and gone.notes != kept.notes:
        kept.notes = f"{kept.notes}\n\n{gone.notes}" if kept.notes else gone.notes
    session.flush()
    session.execute(delete(Person).where(Person.id == gone.id))
    session.expunge(gone)
    session.flush()
    session.expire(kept, ["encounters", "followups"])
