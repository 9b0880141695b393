"""Planning a vdir sync: what changed on each side since the last sync, and what to do.

Read :mod:`netjournal.vdir.sync` for the rules; this module reads both sides (the journal with
two Core queries, the folder with one listing and only the cards that changed), merges each
contact and fills a :class:`Plan`, writing nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from .. import tables as t
from ..errors import ImportFormatError, NetjournalError
from ..i18n import _
from .cards import KINDS, SCALARS, Card, Fields, digest, fields_of, fingerprint, read_card
from .report import Conflict, Item, Refused, SyncReport

Progress = Callable[[int, int], None]


@dataclass
class PersonState:
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
class Entry:
    href: str
    mtime_ns: int
    size: int


@dataclass
class Update:
    """A linked (or newly matched) contact to bring in step."""

    person: PersonState
    card: Card
    merged: Fields
    entry: Entry
    etag: str
    row_id: int | None  # None: a new link
    journal: bool  # the journal side changes
    vdir: bool  # the card changes


@dataclass
class Plan:
    creations: list[tuple[Card, Entry, str]] = field(default_factory=list)  # card, entry, etag
    updates: list[Update] = field(default_factory=list)
    new_cards: list[PersonState] = field(default_factory=list)
    deletions: list[tuple[int, str]] = field(default_factory=list)  # row id, href
    unlinks: list[tuple[int, PersonState]] = field(default_factory=list)
    prunes: list[tuple[int, PersonState]] = field(default_factory=list)
    touches: list[tuple[int, Entry]] = field(default_factory=list)  # same card, new stat
    drops: list[int] = field(default_factory=list)  # rows of nothing


def load_people(connection: Connection, ids: list[int] | None = None) -> dict[int, PersonState]:
    p, cp = t.people, t.contact_points
    columns = [p.c[n] for n in (*SCALARS, "notes", "external_id", "created_at")]
    stmt = select(p.c.id, *columns)
    contacts = select(cp.c.person_id, cp.c.kind, cp.c.value, cp.c.value_key, cp.c.label)
    if ids is not None:
        stmt = stmt.where(p.c.id.in_(ids))
        contacts = contacts.where(cp.c.person_id.in_(ids))
    people = {
        row.id: PersonState(row.id, dict(row._mapping), []) for row in connection.execute(stmt)
    }
    for person_id, kind, value, key, label in connection.execute(contacts.order_by(cp.c.id)):
        if person_id in people and kind in KINDS:
            people[person_id].contacts.append((kind, value, key, label))
    return people


def scan(folder: Path, report: SyncReport) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    with os.scandir(folder) as found:
        for entry in found:
            name = entry.name
            if name.startswith(".") or not name.lower().endswith(".vcf"):
                continue
            try:
                name.encode("utf-8")
            except UnicodeEncodeError:  # a name in another encoding: it cannot be stored
                shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                report.refused.append(Refused(shown, _("a file name that is not UTF-8")))
                continue
            if entry.is_symlink():
                report.refused.append(Refused(name, _("a symbolic link, not a card file")))
                continue
            if not entry.is_file():
                continue
            info = entry.stat()
            entries[name] = Entry(name, info.st_mtime_ns, info.st_size)
    return entries


def merge(
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


def uid_holder(person: PersonState) -> Any:
    """What :func:`netjournal.exchange.vcard.person_uid` reads of a person."""
    from types import SimpleNamespace

    return SimpleNamespace(
        id=person.id,
        created_at=person.columns["created_at"],
        external_id=person.columns["external_id"],
    )


class Planner:
    """One run of the sync, up to its plan (:class:`VdirSync` applies it)."""

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
        self.plan = Plan()

    # -- planning ------------------------------------------------------------------------

    def _read(self, entry: Entry) -> tuple[Card, str] | None:
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

    def _edited_since(self, row: Any, entry: Entry | None) -> bool:
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
        people = load_people(connection)
        entries = scan(self.folder, self.report)
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
                    report.vdir_deleted.append(Item(_("(deleted from the journal)"), row.href))
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
        person: PersonState,
        card: Card,
        entry: Entry,
        etag: str,
        base: dict[str, Any] | None,
        row_id: int | None,
    ) -> bool:
        """Plan the merge of a person and their card; ``False`` when it is a conflict
        (reported, and nothing planned)."""
        mine = person.fields(self.notes)
        merged, conflicts = merge(base, mine, card.fields, self.prefer)
        name = person.columns["display_name"]
        if conflicts:
            self.report.conflicts.append(Conflict(name, card.href, conflicts))
            return False
        agreed = merged.agreed()
        journal, vdir = agreed != mine.agreed(), agreed != card.fields.agreed()
        self.plan.updates.append(Update(person, card, merged, entry, etag, row_id, journal, vdir))
        if journal:
            self.report.journal_updated.append(Item(name, card.href))
        if vdir:
            self.report.vdir_updated.append(Item(name, card.href))
        return True

    def _new_cards(
        self,
        entries: list[Entry],
        people: dict[int, PersonState],
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
            by_uid[person_uid(uid_holder(person))] = pid
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

    def summary(self) -> str:
        r = self.report
        parts = [
            f"{len(r.journal_added)} added",
            f"{len(r.journal_updated)} updated",
            f"{len(r.journal_unlinked)} unlinked",
            f"{len(r.journal_deleted)} deleted",
        ]
        return f"Synced with the vdir {self.folder.name}: " + ", ".join(parts)
