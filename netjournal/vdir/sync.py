"""Two-way sync between the journal's people and a vdir: plan what changed, then apply it.

Each run, under the vdir's lock and in one transaction of the journal (one change set of the
history, so that ``netjournal undo`` reverts what a sync wrote to people):

1. The state of the last sync is read (``vdir_cards``) with every person's columns and contact
   points (Core, no ORM): a person whose fingerprint differs from the stored one changed in
   the journal.
2. The vdir is listed: a card whose mtime and size are those stored is not read; one whose
   content hash (its ETag) is the stored one did not change either.
3. A contact changed on one side gets the other side's change; changed on both, the fields
   are merged one by one against what both agreed on last time (the stored ``base``): a field
   changed on one side only takes that change, contact points are merged as sets (an
   addition on either side is kept, a removal on either side is applied). A field changed
   differently on both sides is a conflict: nothing of that contact is changed on either side
   (both versions stay) until ``prefer`` says which side wins.
4. A card deleted from the vdir unlinks its person (``prune``: deletes them); a person deleted
   or forgotten in the journal has their card deleted; new cards become people (matched first
   to a person by UID, then by a unique e-mail), new people get a new card.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from .. import tables as t
from ..errors import ImportFormatError, InvalidInput, NetjournalError
from .cards import (
    KINDS,
    SCALARS,
    Card,
    Fields,
    check,
    digest,
    edit_card,
    fields_of,
    fingerprint,
    new_card,
    read_card,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

VERSIONS = ("3.0", "4.0")
PREFERENCES = ("journal", "vdir")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Item:
    """One contact a sync changed: the person's name and the card's file name."""

    name: str
    href: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "file": self.href}


@dataclass(frozen=True)
class Conflict:
    """A contact changed differently on both sides: per field, (journal, vdir) values."""

    name: str
    href: str
    fields: dict[str, tuple[Any, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.href,
            "fields": {k: {"journal": j, "vdir": v} for k, (j, v) in self.fields.items()},
        }


@dataclass(frozen=True)
class Refused:
    """A card that was not synced (malformed, or not writable), and why."""

    href: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.href, "reason": self.reason}


@dataclass
class SyncReport:
    """What a sync changed (or, ``dry_run``, would change) on each side."""

    vdir: str
    dry_run: bool = False
    journal_added: list[Item] = field(default_factory=list)
    journal_updated: list[Item] = field(default_factory=list)
    journal_unlinked: list[Item] = field(default_factory=list)
    journal_deleted: list[Item] = field(default_factory=list)
    vdir_added: list[Item] = field(default_factory=list)
    vdir_updated: list[Item] = field(default_factory=list)
    vdir_deleted: list[Item] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    failed: list[Refused] = field(default_factory=list)

    SECTIONS = (
        "journal_added",
        "journal_updated",
        "journal_unlinked",
        "journal_deleted",
        "vdir_added",
        "vdir_updated",
        "vdir_deleted",
        "conflicts",
        "refused",
        "failed",
    )

    @property
    def clean(self) -> bool:
        """Whether every contact is in step (no conflict, refusal or failure)."""
        return not (self.conflicts or self.refused or self.failed)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"vdir": self.vdir, "dry_run": self.dry_run}
        for name in self.SECTIONS:
            out[name] = [item.to_dict() for item in getattr(self, name)]
        return out


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that it rolls back."""


@dataclass
class _Person:
    id: int
    columns: dict[str, Any]
    contacts: list[tuple[str, str, str, str | None]]  # kind, value, value_key, label

    def fingerprint(self, notes: bool) -> str:
        names = (*SCALARS, "notes") if notes else SCALARS
        keys = [(kind, key) for kind, _v, key, _l in self.contacts]
        return fingerprint({n: self.columns[n] for n in names}, keys)

    def fields(self, notes: bool) -> Fields:
        return fields_of(
            self.columns, [(k, v, lb) for k, v, _key, lb in self.contacts], notes=notes
        )


@dataclass
class _Entry:
    href: str
    mtime_ns: int
    size: int


@dataclass
class _Update:
    """A linked (or newly matched) contact to bring in step."""

    person: _Person
    card: Card
    merged: Fields
    entry: _Entry
    etag: str
    row_id: int | None  # None: a new link
    journal: bool  # the journal side changes
    vdir: bool  # the card changes


@dataclass
class _Plan:
    creations: list[tuple[Card, _Entry, str]] = field(default_factory=list)  # card, entry, etag
    updates: list[_Update] = field(default_factory=list)
    new_cards: list[_Person] = field(default_factory=list)
    deletions: list[tuple[int, str]] = field(default_factory=list)  # row id, href
    unlinks: list[tuple[int, _Person]] = field(default_factory=list)
    prunes: list[tuple[int, _Person]] = field(default_factory=list)
    touches: list[tuple[int, _Entry]] = field(default_factory=list)  # same card, new stat
    drops: list[int] = field(default_factory=list)  # rows of nothing


def _load_people(connection: Connection, ids: list[int] | None = None) -> dict[int, _Person]:
    p, cp = t.people, t.contact_points
    columns = [p.c[n] for n in (*SCALARS, "notes", "external_id", "created_at")]
    stmt = select(p.c.id, *columns)
    contacts = select(cp.c.person_id, cp.c.kind, cp.c.value, cp.c.value_key, cp.c.label)
    if ids is not None:
        stmt = stmt.where(p.c.id.in_(ids))
        contacts = contacts.where(cp.c.person_id.in_(ids))
    people = {row.id: _Person(row.id, dict(row._mapping), []) for row in connection.execute(stmt)}
    for person_id, kind, value, key, label in connection.execute(contacts.order_by(cp.c.id)):
        if person_id in people and kind in KINDS:
            people[person_id].contacts.append((kind, value, key, label))
    return people


def _scan(folder: Path, report: SyncReport) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    with os.scandir(folder) as found:
        for entry in found:
            name = entry.name
            if name.startswith(".") or not name.lower().endswith(".vcf"):
                continue
            if entry.is_symlink():
                report.refused.append(Refused(name, "a symbolic link, not a card file"))
                continue
            if not entry.is_file():
                continue
            info = entry.stat()
            entries[name] = _Entry(name, info.st_mtime_ns, info.st_size)
    return entries


def _merge(
    base: dict[str, Any] | None, journal: Fields, card: Fields, prefer: str | None
) -> tuple[Fields, dict[str, tuple[Any, Any]]]:
    """The three-way merge of one contact (see the module docstring)."""
    scalars: dict[str, str | None] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    for name, mine in journal.scalars.items():
        theirs = card.scalars.get(name)
        known = base is not None and name in base
        old = base.get(name) if base is not None else None
        if mine == theirs:
            value = mine
        elif known and mine == old:
            value = theirs
        elif known and theirs == old:
            value = mine
        elif not known and (mine is None or theirs is None):
            value = mine if mine is not None else theirs
        elif prefer is not None:
            value = mine if prefer == "journal" else theirs
        else:
            conflicts[name] = (mine, theirs)
            value = mine
        scalars[name] = value
    contacts: dict[str, dict[str, tuple[str, str | None]]] = {}
    for kind in KINDS:
        mine_c, theirs_c = journal.contacts.get(kind, {}), card.contacts.get(kind, {})
        before = set(base.get(kind, [])) if base is not None else set()
        merged: dict[str, tuple[str, str | None]] = {}
        for key, point in [*mine_c.items(), *theirs_c.items()]:
            removed = key in before and (key not in mine_c or key not in theirs_c)
            if not removed and key not in merged:
                merged[key] = point
        contacts[kind] = merged
    return Fields(scalars, contacts), conflicts


def _new_href(uid: str, taken: set[str]) -> str:
    """A file name for a new card: the UID's UUID when it has one, else a random one."""
    stem = uid.removeprefix("urn:uuid:")
    if not re.fullmatch(r"[0-9a-fA-F-]{36}", stem):
        stem = str(uuid.uuid4())
    href = f"{stem}.vcf"
    while href in taken:
        href = f"{uuid.uuid4()}.vcf"
    taken.add(href)
    return href


class VdirSync:
    """One run of the sync; see :func:`netjournal.journal.Journal.sync_vdir`."""

    def __init__(
        self,
        folder: Path,
        *,
        version: str,
        prefer: str | None,
        prune: bool,
        notes: bool,
        progress: Progress | None,
    ) -> None:
        self.folder = folder
        self.key = str(folder)
        self.version = version
        self.prefer = prefer
        self.prune = prune
        self.notes = notes
        self.progress = progress
        self.report = SyncReport(self.key)
        self.plan = _Plan()

    # -- planning ------------------------------------------------------------------------

    def _read(self, entry: _Entry) -> tuple[Card, str] | None:
        """The card and its ETag, or ``None`` (reported) when it is refused."""
        try:
            data = (self.folder / entry.href).read_bytes()
        except OSError as exc:
            self.report.refused.append(Refused(entry.href, exc.strerror or str(exc)))
            return None
        try:
            return read_card(data, entry.href, notes=self.notes), digest(data)
        except NetjournalError as exc:
            reason = exc.reason if isinstance(exc, ImportFormatError) else str(exc)
            self.report.refused.append(Refused(entry.href, reason))
            return None

    def _edited_since(self, row: Any, entry: _Entry | None) -> bool:
        """Whether the card of a person deleted from the journal changed in the vdir since
        the last sync (a forgotten person's row keeps no hash: their card always goes)."""
        if entry is None or row.etag is None:
            return False
        if (entry.mtime_ns, entry.size) == (row.mtime_ns, row.size):
            return False
        try:
            return digest((self.folder / entry.href).read_bytes()) != row.etag
        except OSError:
            return False

    def make_plan(self, connection: Connection) -> None:
        vc = t.vdir_cards
        rows = list(connection.execute(select(vc).where(vc.c.vdir == self.key)))
        people = _load_people(connection)
        entries = _scan(self.folder, self.report)
        total, done = len(rows) + len(entries), 0
        plan, report = self.plan, self.report
        linked: set[int] = set()
        unlinked: dict[int, int] = {}  # person id -> row id
        hrefs: set[str] = set()
        for row in rows:
            done += 1
            if self.progress is not None and done % 100 == 0:
                self.progress(done, total)
            person = people.get(row.person_id) if row.person_id is not None else None
            if row.href is not None:
                hrefs.add(row.href)
            if person is None:
                if row.href is not None and self._edited_since(row, entries.get(row.href)):
                    plan.drops.append(row.id)  # edited since: a new card, nothing lost
                    hrefs.discard(row.href)
                elif row.href is not None:
                    plan.deletions.append((row.id, row.href))
                    report.vdir_deleted.append(Item("(deleted from the journal)", row.href))
                else:
                    plan.drops.append(row.id)
                continue
            if row.href is None:  # unlinked: its card was deleted from the vdir
                unlinked[person.id] = row.id
                continue
            linked.add(person.id)
            entry = entries.get(row.href)
            name = person.columns["display_name"]
            if entry is None:
                if self.prune:
                    plan.prunes.append((row.id, person))
                    report.journal_deleted.append(Item(name, row.href))
                else:
                    plan.unlinks.append((row.id, person))
                    report.journal_unlinked.append(Item(name, row.href))
                continue
            journal_changed = person.fingerprint(self.notes) != row.fingerprint
            same_stat = entry.mtime_ns == row.mtime_ns and entry.size == row.size
            if same_stat and not journal_changed:
                continue
            read = self._read(entry)
            if read is None:
                continue
            card, etag = read
            if etag == row.etag and not journal_changed:
                plan.touches.append((row.id, entry))
                continue
            base = json.loads(row.base) if row.base else None
            self._bring_in_step(person, card, entry, etag, base, row.id)
        new = [e for href, e in sorted(entries.items()) if href not in hrefs]
        self._new_cards(new, people, linked, unlinked, done, total)

    def _bring_in_step(
        self,
        person: _Person,
        card: Card,
        entry: _Entry,
        etag: str,
        base: dict[str, Any] | None,
        row_id: int | None,
    ) -> bool:
        """Plan the merge of a person and their card; ``False`` when it is a conflict
        (reported, and nothing planned)."""
        mine = person.fields(self.notes)
        merged, conflicts = _merge(base, mine, card.fields, self.prefer)
        name = person.columns["display_name"]
        if conflicts:
            self.report.conflicts.append(Conflict(name, card.href, conflicts))
            return False
        agreed = merged.agreed()
        journal, vdir = agreed != mine.agreed(), agreed != card.fields.agreed()
        self.plan.updates.append(_Update(person, card, merged, entry, etag, row_id, journal, vdir))
        if journal:
            self.report.journal_updated.append(Item(name, card.href))
        if vdir:
            self.report.vdir_updated.append(Item(name, card.href))
        return True

    def _new_cards(
        self,
        entries: list[_Entry],
        people: dict[int, _Person],
        linked: set[int],
        unlinked: dict[int, int],
        done: int,
        total: int,
    ) -> None:
        """Link new cards to people not linked yet (by UID, then by a unique e-mail; a person
        unlinked by a deleted card only by UID: the card is back), or make people of them;
        people still not linked get a card."""
        from ..exchange.vcard import person_uid

        free = {pid: p for pid, p in people.items() if pid not in linked}
        by_uid: dict[str, int] = {}
        by_email: dict[str, list[int]] = {}
        for pid, person in free.items():
            by_uid[person_uid(_uid_holder(person))] = pid
            if pid in unlinked:
                continue
            for kind, _value, key, _label in person.contacts:
                if kind == "email":
                    by_email.setdefault(key, []).append(pid)
        for entry in entries:
            done += 1
            if self.progress is not None and done % 100 == 0:
                self.progress(done, total)
            read = self._read(entry)
            if read is None:
                continue
            card, etag = read
            match = by_uid.get(card.uid) if card.uid else None
            if match is None:
                for key in card.fields.contacts.get("email", {}):
                    found = [pid for pid in by_email.get(key, []) if pid in free]
                    if len(found) == 1:
                        match = found[0]
                        break
            if match is not None and match in free:
                planned = self._bring_in_step(free.pop(match), card, entry, etag, None, None)
                if planned and match in unlinked:  # relinked: its "unlinked" row goes
                    self.plan.drops.append(unlinked[match])
            else:
                self.plan.creations.append((card, entry, etag))
                self.report.journal_added.append(
                    Item(card.fields.scalars["display_name"] or entry.href, entry.href)
                )
        for pid, person in free.items():
            if pid in unlinked:
                continue  # its card was deleted from the vdir: no new one
            self.plan.new_cards.append(person)
            self.report.vdir_added.append(Item(person.columns["display_name"]))
        if self.progress is not None:
            self.progress(total, total)

    # -- applying ------------------------------------------------------------------------

    def apply(self, session: Session) -> None:
        """Write the plan: people first (in the session's transaction), then the cards,
        then the state rows; a card that cannot be written is reported and keeps its old
        row, so the next run tries again."""
        connection = session.connection()
        created = self._create_people(session)
        changed = self._update_people(session)
        self._prune(session)
        session.flush()
        ids = [pid for pid, _card in created] + changed
        fresh = _load_people(connection, ids) if ids else {}
        rows: list[dict[str, Any]] = []
        for pid, (card, entry, etag) in created:
            rows.append(self._row(fresh[pid], card.href, card.uid, entry, etag, card.fields))
        self._write_cards(connection, fresh, rows)
        self._new_people_cards(rows)
        self._forget_rows(connection)
        if rows:
            connection.execute(insert(t.vdir_cards), rows)

    def _row(
        self,
        person: _Person,
        href: str,
        uid: str | None,
        entry: _Entry,
        etag: str,
        agreed: Fields,
    ) -> dict[str, Any]:
        return {
            "vdir": self.key,
            "href": href,
            "person_id": person.id,
            "uid": uid,
            "etag": etag,
            "mtime_ns": entry.mtime_ns,
            "size": entry.size,
            "fingerprint": person.fingerprint(self.notes),
            "base": json.dumps(agreed.agreed(), sort_keys=True, ensure_ascii=False),
        }

    def _create_people(self, session: Session) -> list[tuple[int, tuple[Card, _Entry, str]]]:
        """New cards as people: validated as ``people.add`` validates them (in memory), then
        written with two bulk INSERTs, as the importers write theirs."""
        from ..models import ContactPoint, Person
        from ..people import build_person
        from ..validate import SHORT_MAX

        if not self.plan.creations:
            return []
        built = []
        for card, entry, _etag in self.plan.creations:
            values = {k: v for k, v in card.fields.scalars.items() if k != "display_name" and v}
            uid = card.uid if card.uid and len(card.uid) <= SHORT_MAX else None
            name = card.fields.scalars["display_name"] or entry.href
            built.append(build_person(name, source="vdir", external_id=uid, **values))
        now = t.utcnow()
        columns = [c.key for c in t.people.columns if c.key != "id"]
        rows = [
            {**{c: getattr(p, c) for c in columns}, "created_at": now, "updated_at": now}
            for p in built
        ]
        ids = list(
            session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), rows)
        )
        contacts = [
            {"person_id": pid, **point}
            for pid, (card, _entry, _etag) in zip(ids, self.plan.creations, strict=True)
            for point in card.points
        ]
        if contacts:
            session.execute(insert(ContactPoint), contacts)
        return list(zip(ids, self.plan.creations, strict=True))

    def _update_people(self, session: Session) -> list[int]:
        from ..fields import add_contacts, contact_values, remove_contacts
        from ..models import Person
        from ..people import rename, set_fields

        todo = {u.person.id: u for u in self.plan.updates if u.journal}
        if not todo:
            return []
        connection = session.connection()
        people = session.scalars(select(Person).where(Person.id.in_(todo)))
        for person in people:
            update_ = todo[person.id]
            mine, merged = update_.person.fields(self.notes), update_.merged
            for name, value in merged.scalars.items():
                if mine.scalars.get(name) == value:
                    continue
                if name == "display_name" and value:
                    rename(person, value)
                elif value is None:
                    setattr(person, name, None)
                else:
                    set_fields(person, {name: value})
            session.flush()
            removed, added = [], []
            for kind in KINDS:
                have, want = mine.contacts.get(kind, {}), merged.contacts.get(kind, {})
                removed += [
                    contact_values(kind, v, check=False)
                    for k, (v, _l) in have.items()
                    if k not in want
                ]
                added += [
                    contact_values(kind, v, lb) for k, (v, lb) in want.items() if k not in have
                ]
            if removed:
                remove_contacts(connection, person.id, removed)
            add_contacts(connection, person.id, added)
        return list(todo)

    def _prune(self, session: Session) -> None:
        from ..models import Person
        from ..people import delete_person

        for _row_id, found in self.plan.prunes:
            person = session.get(Person, found.id)
            if person is not None:
                delete_person(session, person)

    def _write(self, href: str, text: str, encoding: tuple[str, bytes], *, new: bool) -> _Entry:
        from ..files import private_file
        from .cards import encode

        path = self.folder / href
        data = encode(text, *encoding)
        with private_file(path, overwrite=not new) as temp:
            temp.write_bytes(data)
        info = path.stat()
        return _Entry(href, info.st_mtime_ns, info.st_size)

    def _write_cards(
        self, connection: Connection, fresh: dict[int, _Person], rows: list[dict[str, Any]]
    ) -> None:
        vc = t.vdir_cards
        for item in self.plan.updates:
            person = fresh.get(item.person.id, item.person)
            entry, etag = item.entry, item.etag
            if item.vdir:
                text = edit_card(item.card, item.merged)
                try:
                    check(text, item.card, notes=self.notes)
                    entry = self._write(
                        item.card.href, text, (item.card.encoding, item.card.bom), new=False
                    )
                except NetjournalError as exc:
                    self._failed(item.card.href, exc)
                    continue
                etag = digest((self.folder / item.card.href).read_bytes())
            values = self._row(person, item.card.href, item.card.uid, entry, etag, item.merged)
            if item.row_id is None:
                rows.append(values)
            else:
                connection.execute(update(vc).where(vc.c.id == item.row_id).values(values))
        for row_id, entry in self.plan.touches:
            connection.execute(
                update(vc).where(vc.c.id == row_id).values(mtime_ns=entry.mtime_ns, size=entry.size)
            )

    def _failed(self, href: str, exc: NetjournalError) -> None:
        self.report.failed.append(Refused(href, str(exc)))
        for section in ("vdir_updated", "vdir_added"):
            items = getattr(self.report, section)
            setattr(self.report, section, [i for i in items if i.href != href])

    def _new_people_cards(self, rows: list[dict[str, Any]]) -> None:
        from ..exchange.vcard import person_uid

        taken = set(os.listdir(self.folder))
        added: list[Item] = []
        for person in self.plan.new_cards:
            uid = person_uid(_uid_holder(person))
            href = _new_href(uid, taken)
            fields = person.fields(self.notes)
            text = new_card(fields, uid, self.version)
            name = person.columns["display_name"]
            try:
                entry = self._write(href, text, ("utf-8", b""), new=True)
            except NetjournalError as exc:
                self.report.failed.append(Refused(href, f"{name}: {exc}"))
                continue
            added.append(Item(name, href))
            rows.append(self._row(person, href, uid, entry, digest(text), fields))
        self.report.vdir_added = added

    def _forget_rows(self, connection: Connection) -> None:
        vc = t.vdir_cards
        gone: list[int] = list(self.plan.drops)
        for row_id, href in self.plan.deletions:
            try:
                (self.folder / href).unlink(missing_ok=True)
            except OSError as exc:
                self.report.failed.append(Refused(href, exc.strerror or str(exc)))
                continue
            gone.append(row_id)
        gone += [row_id for row_id, _p in self.plan.prunes]
        if gone:
            connection.execute(delete(vc).where(vc.c.id.in_(gone)))
        unlinked = [row_id for row_id, _p in self.plan.unlinks]
        if unlinked:
            connection.execute(
                update(vc)
                .where(vc.c.id.in_(unlinked))
                .values(href=None, uid=None, etag=None, mtime_ns=None, size=None, base=None)
            )

    def summary(self) -> str:
        r = self.report
        parts = [
            f"{len(r.journal_added)} added",
            f"{len(r.journal_updated)} updated",
            f"{len(r.journal_unlinked)} unlinked",
            f"{len(r.journal_deleted)} deleted",
        ]
        return f"Synced with the vdir {self.folder.name}: " + ", ".join(parts)


def _uid_holder(person: _Person) -> Any:
    """What :func:`netjournal.exchange.vcard.person_uid` reads of a person."""
    from types import SimpleNamespace

    return SimpleNamespace(
        id=person.id,
        created_at=person.columns["created_at"],
        external_id=person.columns["external_id"],
    )


def check_options(version: str, prefer: str | None) -> None:
    if version not in VERSIONS:
        raise InvalidInput(f"Unknown vCard version '{version}': choose 3.0 or 4.0.")
    if prefer is not None and prefer not in PREFERENCES:
        raise InvalidInput(f"--prefer takes 'journal' or 'vdir', not '{prefer}'.")


def run(
    store: Any,
    path: str | os.PathLike[str],
    *,
    version: str = "3.0",
    prefer: str | None = None,
    prune: bool = False,
    notes: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> SyncReport:
    """One sync of the vdir at ``path`` through ``store`` (see the module docstring)."""
    from .state import locked

    check_options(version, prefer)
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder: give the vdir (a folder of .vcf files).")
    folder = folder.resolve()
    sync = VdirSync(
        folder, version=version, prefer=prefer, prune=prune, notes=notes, progress=progress
    )
    sync.report.dry_run = dry_run
    try:
        with locked(folder), store.write("sync.vdir") as session:
            sync.make_plan(session.connection())
            if dry_run:
                raise _DryRun
            sync.apply(session)
            store.describe(session, sync.summary())
    except _DryRun:
        pass
    return sync.report
