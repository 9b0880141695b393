"""``journal.people``: the people you met, their contact points, merging, deleting, forgetting."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update

from . import history, listings, records, resolve
from . import tables as t
from . import tags as tagging
from .cadence import person_cadence
from .errors import InvalidInput
from .fields import (
    PERSON_FIELDS,
    add_contacts,
    contact_values,
    contacts_to_add,
    fill_in,
    missing_fields,
    person_values,
    remove_contacts,
)
from .i18n import _
from .store import changed_attributes, edited
from .tables import utcnow
from .text import contact_key, fold
from .validate import blank, name
from .vdir.state import delete_forgotten_cards, forget_links

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session

    from .duplicates import DuplicatePair
    from .models import ContactPoint, Encounter, FollowUp, Person
    from .store import Store
    from .ties import TieStrength

# The ORM (models, sessions) is imported where it is used: ``records`` and the other quick
# paths of the command line must not pay for importing it (docs/performance.md).

_CONTACT_KINDS = ("email", "phone", "url")


@dataclass(frozen=True)
class MergePlan:
    """What ``people.merge(keep, other)`` would do: ``absorbed`` goes into ``kept``, and
    this many of its records move over (contact points and tags: those ``kept`` lacks)."""

    kept: Person
    absorbed: Person
    encounters: int
    introductions: int
    followups: int
    contacts: int
    tags: int


@dataclass(frozen=True)
class Forgotten:
    """What :meth:`People.forget` did: the person's rows are gone; ``erased`` says whether
    their bytes are gone from the journal's files too, and ``pending`` why not yet (with
    what to do: ``netjournal db scrub`` once the cause is gone)."""

    name: str
    erased: bool
    pending: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"forgotten": self.name, "erased": self.erased, "pending": self.pending}


@dataclass
class PersonDetail:
    """Everything the journal knows about one person, for ``people show``, with the
    strength of your tie as of the day asked (:mod:`netjournal.ties`)."""

    person: Person
    encounters: list[Encounter]
    followups: list[FollowUp]
    introduced: list[Person] = field(default_factory=list)
    tie: TieStrength | None = None


def set_fields(person: Person, values: dict[str, Any], *, overwrite: bool = True) -> None:
    """Validate and assign person columns of an ORM object; with ``overwrite=False`` only
    fill empty ones (the fill-in rule, :func:`netjournal.fields.missing_fields`)."""
    clean = person_values(values)
    if not overwrite:
        clean = missing_fields({k: getattr(person, k) for k in PERSON_FIELDS}, clean)
    for key, value in clean.items():
        setattr(person, key, value)


def rename(person: Person, display_name: str) -> None:
    person.display_name = name(display_name)
    person.name_key = fold(person.display_name)


def add_contact(person: Person, kind: str, value: str, label: str | None = None) -> bool:
    """Attach a contact point to an ORM object unless the person already has it (the
    add-contact rule, :func:`netjournal.fields.contacts_to_add`); ``True`` if added."""
    from .models import ContactPoint

    have = [(c.kind, c.value) for c in person.contacts]
    added = contacts_to_add(have, [contact_values(kind, value, label)])
    person.contacts.extend(ContactPoint(**values) for values in added)
    return bool(added)


def build_person(display_name: str, **values: Any) -> Person:
    """A validated, not yet saved :class:`Person`."""
    from .models import Person

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

    def __init__(self, store: Store) -> None:
        self._store = store

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
        with self._store.write("person.add") as session:
            person = new_person(session, display_name, **fields)
            for kind, values in zip(_CONTACT_KINDS, (emails, phones, urls), strict=True):
                for value in _values(values):
                    add_contact(person, kind, value)
            person.tags = tagging.get_or_create(session, tags)
            session.flush()
            self._store.describe(session, f"Added {person.display_name} (#{person.id})")
            return person

    def get(self, ref: int | str | Person) -> Person:
        """The person with this id or name (accent-insensitive, unique prefix accepted)."""
        with self._store.read() as session:
            found = resolve.person(session, ref)
            assert found is not None
            return found

    def find(self, query: str, *, limit: int = 20) -> builtins.list[Person]:
        """People whose name starts with, or has a word starting with, ``query``."""
        from .models import Person

        key = fold(query)
        with self._store.read() as session:
            return builtins.list(
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
        sort: str = "name",
        today: dt.date | str | None = None,
    ) -> builtins.list[Person]:
        """People in name order, optionally filtered by tag, organization or field;
        ``sort="strength"``: strongest tie (as of ``today``) first, then by name."""
        from .models import Person

        listing = listings.people(
            tag=tag,
            organization=organization,
            field=field,
            limit=limit,
            offset=offset,
            sort=sort,
            today=today,
        )
        stmt = select(Person)
        if listing.source is not None:
            stmt = stmt.select_from(listing.source)
        with self._store.read() as session:
            return builtins.list(session.scalars(listing.apply(stmt)))

    def records(
        self,
        *,
        tag: str | None = None,
        organization: str | None = None,
        field: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        sort: str = "name",
        today: dt.date | str | None = None,
        strength: bool = False,
    ) -> builtins.list[dict[str, Any]]:
        """What :meth:`list` returns, as JSON-ready dicts (``to_dict`` of each person), read
        without the ORM: what ``netjournal people list`` prints. With ``strength=True``
        each dict ends with ``"strength"``: the tie's score as of ``today`` (0-100)."""
        from .ties import as_of, tie_strengths

        day = as_of(today)
        listing = listings.people(
            tag=tag,
            organization=organization,
            field=field,
            limit=limit,
            offset=offset,
            sort=sort,
            today=day,
        )
        with self._store.connect() as connection:
            found = records.people_records(connection, listing)
            if strength:
                ties = tie_strengths(connection, [r["id"] for r in found], day)
                for record in found:
                    record["strength"] = ties[record["id"]].score
            return found

    def tie_strength(
        self, ref: int | str | Person, *, today: dt.date | str | None = None
    ) -> TieStrength:
        """How strong your tie with this person is as of ``today`` (0-100), with the
        components it is made of (:mod:`netjournal.ties`, docs/reports.md)."""
        from .ties import as_of, tie_strengths

        day = as_of(today)
        with self._store.connect() as connection:
            found = resolve.person_id(connection, ref.id if hasattr(ref, "id") else ref)
            assert found is not None
            return tie_strengths(connection, [found], day)[found]

    def count(self) -> int:
        with self._store.connect() as connection:
            return connection.scalar(select(func.count()).select_from(t.people)) or 0

    def show(self, ref: int | str | Person, *, today: dt.date | str | None = None) -> PersonDetail:
        """A person with their encounters (newest first), follow-ups, introductions and
        the strength of your tie as of ``today``."""
        from .models import Encounter, FollowUp, Person
        from .ties import as_of, tie_strengths

        day = as_of(today)
        with self._store.read() as session:
            person = resolve.person(session, ref)
            assert person is not None
            encounters = builtins.list(
                session.scalars(
                    select(Encounter)
                    .where(Encounter.person_id == person.id)
                    .order_by(Encounter.date.desc(), Encounter.id.desc())
                )
            )
            followups = builtins.list(
                session.scalars(
                    select(FollowUp)
                    .where(FollowUp.person_id == person.id)
                    .order_by(FollowUp.due, FollowUp.id)
                )
            )
            introduced = builtins.list(
                session.scalars(
                    select(Person)
                    .join(Encounter, Encounter.person_id == Person.id)
                    .where(Encounter.introduced_by_id == person.id)
                    .distinct()
                    .order_by(Person.id)
                )
            )
            tie = tie_strengths(session.connection(), [person.id], day)[person.id]
            return PersonDetail(person, encounters, followups, introduced, tie)

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
        remove_emails: Iterable[str] = (),
        remove_phones: Iterable[str] = (),
        remove_urls: Iterable[str] = (),
        every: int | str | None = None,
        at_most: int | str | None = None,
        **fields: Any,
    ) -> Person:
        """Change a person's fields; add tags and contact points, or remove them.

        ``every`` and ``at_most`` set the person's own cadence, which wins over their tags'
        (:mod:`netjournal.cadence`): days, or ``"30d"``, ``"6w"``, ``"3m"`` (30-day months);
        ``"none"`` or ``""`` clears (clearing ``every`` clears ``at_most`` too).

        A field given as ``""`` (or only white space) is cleared; ``None`` leaves it as it
        is. A contact point to remove is matched as stored (an e-mail ignoring case, a phone
        ignoring spaces...); one the person does not have raises
        :class:`~netjournal.errors.InvalidInput` naming it, and nothing is changed.

        Returns the person as stored. Nothing is written when nothing differs;
        :attr:`Journal.last_change <netjournal.journal.Journal.last_change>` then is ``None``,
        else its summary names what changed (``Edited Hélène Dubois (#1): title, contacts``).
        """
        with self._store.edit("person.update") as session:
            person = resolve.person(session, ref)
            assert person is not None
            if display_name is not None:
                rename(person, display_name)
            for key, value in fields.items():
                if key not in PERSON_FIELDS:
                    raise InvalidInput(_("Unknown person field '{key}'.").format(key=key))
                if blank(value):
                    setattr(person, key, None)
                    if key == "field":
                        person.field_key = None
            set_fields(person, {k: v for k, v in fields.items() if not blank(v)})
            if every is not None or at_most is not None:
                stored = (person.cadence_days, person.cadence_max_days)
                person.cadence_days, person.cadence_max_days = person_cadence(
                    stored, every, at_most
                )
            changed = changed_attributes(person)
            if tagging.retag(session, person, add_tags, remove_tags):
                changed.append("tags")
            session.flush()
            connection = session.connection()
            removed = [
                contact_values(kind, value, check=False)
                for kind, values in zip(
                    _CONTACT_KINDS, (remove_emails, remove_phones, remove_urls), strict=True
                )
                for value in _values(values)
            ]
            added = [
                contact_values(kind, value)
                for kind, values in zip(_CONTACT_KINDS, (emails, phones, urls), strict=True)
                for value in _values(values)
            ]
            if removed:
                remove_contacts(connection, person.id, removed)
            if add_contacts(connection, person.id, added) or removed:
                changed.append("contacts")
                session.expire(person, ["contacts"])
                _contacts = person.contacts  # loaded again: usable after the session closes
            if changed:
                subject = f"{person.display_name} (#{person.id})"
                self._store.describe(session, edited(subject, changed))
            return person

    def merge_plan(self, keep: int | str | Person, other: int | str | Person) -> MergePlan:
        """What :meth:`merge` would move from ``other`` into ``keep``; writes nothing."""
        with self._store.read() as session:
            kept, gone = _pair(session, keep, other)
            return plan_merge(session, kept, gone)

    def merge(self, keep: int | str | Person, other: int | str | Person) -> Person:
        """Fold ``other`` into ``keep``: encounters, introductions, follow-ups, contact points,
        tags and empty fields move over; ``other`` is then removed. Nothing is lost.
        Returns the kept person as it now is."""
        with self._store.write("person.merge") as session:
            kept, gone = _pair(session, keep, other)
            self._store.describe(
                session,
                f"Merged {gone.display_name} (#{gone.id}) into {kept.display_name} (#{kept.id})",
            )
            merge_people(session, kept, gone)
            return kept

    def delete(self, ref: int | str | Person) -> Person:
        """Remove a person with their encounters, questions, leads, outcomes, follow-ups and
        contact points; returns the person as they were. Unlike :meth:`forget`, the history
        keeps what was deleted, so that it can be undone."""
        with self._store.write("person.delete") as session:
            person = resolve.person(session, ref)
            assert person is not None
            delete_person(session, person)
            self._store.describe(session, f"Deleted {person.display_name} (#{person.id})")
            return person

    def forget(self, ref: int | str | Person) -> Forgotten:
        """Remove a person and every trace of them: encounters, questions, leads, outcomes,
        follow-ups, contact points, search entries, and every change set of the history that
        touched any of it (so nothing is left to undo); then erase their bytes from the
        journal's files (:meth:`Store.scrub`). The result says whether that erasure is done
        or what still holds the bytes; a kill before it finishes is finished at the next
        opening of the journal."""
        with self._store.write(None) as session:  # no change set: nothing is kept
            self._store.secure_delete(session.connection())
            person = resolve.person(session, ref)
            assert person is not None
            forgotten = person.display_name
            history.forget_person(session.connection(), person.id)
            cards = forget_links(session.connection(), person.id)
            delete_person(session, person)
            session.flush()
            self._store.mark_scrub(session.connection())
        if cards:  # their cards in synced vdirs go now (or at the next sync of the vdir)
            with self._store.transaction(None) as connection:
                delete_forgotten_cards(connection, cards)
        pending = self._store.scrub(merged=True)
        return Forgotten(forgotten, pending is None, pending)

    def contacts(self, ref: int | str | Person) -> Sequence[ContactPoint]:
        return self.get(ref).contacts

    def duplicates(self, min_score: int = 80, limit: int = 100) -> builtins.list[DuplicatePair]:
        """Pairs of people that are probably the same, best first, with a score (0-100) and
        the reasons (similar names, same organization, shared e-mail or phone...).

        Candidates for ``merge``: nothing is changed. See :mod:`netjournal.duplicates`.
        """
        from .duplicates import find_duplicates

        with self._store.read() as session:
            return find_duplicates(session, min_score=min_score, limit=limit)


def _values(values: Iterable[str] | str) -> builtins.list[str]:
    """One value or several: ``"a@b.fr"`` is one e-mail, not six letters."""
    return [values] if isinstance(values, str) else builtins.list(values)


def _pair(session: Session, keep: object, other: object) -> tuple[Person, Person]:
    kept = resolve.person(session, keep)
    gone = resolve.person(session, other)
    assert kept is not None and gone is not None
    if kept.id == gone.id:
        raise InvalidInput(_("Cannot merge a person with themselves."))
    return kept, gone


def delete_person(session: Session, person: Person) -> None:
    """Delete ``person`` (the database cascades to what hangs off them) and the tags that
    only they and their encounters and leads carried."""
    from .models import Encounter, Lead, Person

    encounters = builtins.list(
        session.scalars(select(Encounter.id).where(Encounter.person_id == person.id))
    )
    leads = session.scalars(select(Lead.id).where(Lead.encounter_id.in_(encounters)))
    tag_ids = tagging.tag_ids_of(
        session, people=[person.id], encounters=encounters, leads=builtins.list(leads)
    )
    session.execute(delete(Person).where(Person.id == person.id))
    session.expunge(person)
    tagging.drop_unused(session, tag_ids)


def plan_merge(session: Session, kept: Person, gone: Person) -> MergePlan:
    """Count what :func:`merge_people` would move from ``gone`` to ``kept``."""
    e, f = t.encounters, t.followups

    def count(table: Any, where: Any) -> int:
        return session.scalar(select(func.count()).select_from(table).where(where)) or 0

    have = [(c.kind, c.value) for c in kept.contacts]
    theirs = [{"kind": c.kind, "value": c.value} for c in gone.contacts]
    kept_tags = {tag.key for tag in kept.tags}
    return MergePlan(
        kept=kept,
        absorbed=gone,
        encounters=count(e, e.c.person_id == gone.id),
        introductions=count(e, e.c.introduced_by_id == gone.id),
        followups=count(f, f.c.person_id == gone.id),
        contacts=len(contacts_to_add(have, theirs)),
        tags=len([tag for tag in gone.tags if tag.key not in kept_tags]),
    )


def merge_people(session: Session, kept: Person, gone: Person) -> None:
    """Re-point everything of ``gone`` to ``kept`` in SQL, then delete ``gone``."""
    from .models import Encounter, FollowUp, Person

    for column in (Encounter.person_id, Encounter.introduced_by_id):
        session.execute(
            update(Encounter)
            .where(column == gone.id)
            .values({column.key: kept.id})
            .execution_options(synchronize_session=False)
        )
    # One of them introduced you to the other: now one person, nobody introduced them.
    session.execute(
        update(Encounter)
        .where(Encounter.person_id == kept.id, Encounter.introduced_by_id == kept.id)
        .values(introduced_by_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(FollowUp)
        .where(FollowUp.person_id == gone.id)
        .values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    tagging.merge_into(kept.tags, gone.tags)
    # The kept row always changes with a merge: its history then ties the absorbed person to
    # it, which is how forgetting the kept person finds the absorbed one's past too.
    kept.updated_at = utcnow()
    if gone.notes and gone.notes != kept.notes:
        kept.notes = f"{kept.notes}\n\n{gone.notes}" if kept.notes else gone.notes
    session.flush()
    connection = session.connection()
    values = {k: getattr(gone, k) for k in PERSON_FIELDS if k != "notes"}
    fill_in(connection, kept.id, person_values({k: v for k, v in values.items() if v}))
    contacts = [
        {
            "kind": c.kind,
            "value": c.value,
            "value_key": contact_key(c.kind, c.value),
            "label": c.label,
        }
        for c in gone.contacts
    ]
    session.execute(delete(Person).where(Person.id == gone.id))
    session.expunge(gone)
    add_contacts(connection, kept.id, contacts)
    session.refresh(kept)  # columns filled in and contacts added with Core
