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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from .. import tables as t
from ..errors import InvalidInput, NetjournalError
from ..i18n import _
from .cards import KINDS, Card, Fields, check, digest, edit_card, new_card
from .plan import Entry, PersonState, Planner, Progress, load_people, uid_holder
from .report import Item, Refused, SyncReport

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

VERSIONS = ("3.0", "4.0")
PREFERENCES = ("journal", "vdir")


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that it rolls back."""


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


class VdirSync(Planner):
    """One run of the sync: its plan (:class:`Planner`), then applying it."""

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
        fresh = load_people(connection, ids) if ids else {}
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
        person: PersonState,
        href: str,
        uid: str | None,
        entry: Entry,
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

    def _create_people(self, session: Session) -> list[tuple[int, tuple[Card, Entry, str]]]:
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

    def _write(
        self, href: str, text: str, encoding: tuple[str, bytes], *, new: bool
    ) -> tuple[Entry, str]:
        """Write a card (atomically, 0600); its entry and the ETag of the bytes written (not
        read back: a change another program makes next is the next sync's to find)."""
        from ..files import private_file
        from .cards import encode

        path = self.folder / href
        data = encode(text, *encoding)
        with private_file(path, overwrite=not new) as temp:
            temp.write_bytes(data)
        info = path.stat()
        return Entry(href, info.st_mtime_ns, info.st_size), digest(data)

    def _write_cards(
        self, connection: Connection, fresh: dict[int, PersonState], rows: list[dict[str, Any]]
    ) -> None:
        vc = t.vdir_cards
        for item in self.plan.updates:
            person = fresh.get(item.person.id, item.person)
            entry, etag = item.entry, item.etag
            if item.vdir:
                text = edit_card(item.card, item.merged)
                try:
                    check(text, item.card, notes=self.notes)
                    entry, etag = self._write(
                        item.card.href, text, (item.card.encoding, item.card.bom), new=False
                    )
                except NetjournalError as exc:
                    self._failed(item.card.href, exc)
                    continue
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
            uid = person_uid(uid_holder(person))
            href = _new_href(uid, taken)
            fields = person.fields(self.notes)
            text = new_card(fields, uid, self.version)
            name = person.columns["display_name"]
            try:
                entry, etag = self._write(href, text, ("utf-8", b""), new=True)
            except NetjournalError as exc:
                self.report.failed.append(Refused(href, f"{name}: {exc}"))
                continue
            added.append(Item(name, href))
            rows.append(self._row(person, href, uid, entry, etag, fields))
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


def check_options(version: str, prefer: str | None) -> None:
    if version not in VERSIONS:
        message = _("Unknown vCard version '{version}': choose 3.0 or 4.0.")
        raise InvalidInput(message.format(version=version))
    if prefer is not None and prefer not in PREFERENCES:
        message = _("--prefer takes 'journal' or 'vdir', not '{prefer}'.")
        raise InvalidInput(message.format(prefer=prefer))


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
        message = _("{folder} is not a folder: give the vdir (a folder of .vcf files).")
        raise InvalidInput(message.format(folder=folder))
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
