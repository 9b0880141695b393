"""History: every write is one *change set*, and any change set can be undone.

How it is recorded: triggers (migration 0006) on every table of records copy, for each row
inserted, updated or deleted, its key and (for updates and deletions) the row as it was, into
``change_rows``, under the change set named by the single row of ``change_open``. That row
exists only inside the writer's own transaction: :func:`begin` inserts it after ``BEGIN`` and
:func:`finish` deletes it before ``COMMIT``, so no committed state ever holds one, and on
PostgreSQL concurrent writers each see only their own (READ COMMITTED hides the others'
uncommitted row). A write made outside netjournal (no open change set) is not recorded.

Recording in the database rather than in Python means every path is covered the same way,
the quick Core writers and the ORM alike, and cascades (a deleted encounter's questions, a
deleted event's encounters set to no event) are recorded as what they are.

Undoing applies the inverse of a change set's net effect on each row it touched, in one
transaction that is itself a change set (so it can be undone). It refuses, naming the later
change set, when a later change touched the same rows or depends on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Table,
    cast,
    delete,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError

from . import tables as t
from .errors import InvalidInput, NotFound, UndoConflict
from .i18n import N_, _

#: Key of ``Connection.info`` holding the change set open on that connection.
OPEN = "netjournal_change"


def begin(connection: Connection, kind: str, summary: str = "") -> int:
    """Open a change set on ``connection``'s transaction (or join the one already open, so
    that a call made inside another is part of it); returns its id."""
    current = connection.info.get(OPEN)
    if current is not None:
        return int(current)
    change_id = connection.execute(
        insert(t.changes).values(at=t.utcnow(), kind=kind, summary=summary)
    ).inserted_primary_key
    assert change_id is not None
    cid = int(change_id[0])
    connection.execute(insert(t.change_open).values(id=cid))
    connection.info[OPEN] = cid
    prune(connection)
    return cid


def describe(connection: Connection, summary: str) -> None:
    """Set the one-line summary of the change set open on ``connection`` (if any)."""
    cid = connection.info.get(OPEN)
    if cid is not None:
        connection.execute(update(t.changes).where(t.changes.c.id == cid).values(summary=summary))


def finish(connection: Connection) -> Change | None:
    """Close the change set open on ``connection`` before its transaction commits; a change
    set that recorded no row is dropped (an edit that changed nothing leaves no history).
    Returns the change set as written (read back in the same transaction), or ``None`` when it
    was dropped or none was open."""
    cid = connection.info.pop(OPEN, None)
    if cid is None:
        return None
    connection.execute(delete(t.change_open).where(t.change_open.c.id == cid))
    written = change(connection, int(cid))  # its row count says whether it recorded anything
    if not written.rows:
        connection.execute(delete(t.changes).where(t.changes.c.id == cid))
        return None
    return written


def abandon(connection: Connection) -> None:
    """Forget the change set of a transaction that is being rolled back."""
    connection.info.pop(OPEN, None)


# -- reading the history ----------------------------------------------------------------------

#: The tables the history records (migration 0006), parents before children: the order in
#: which rows are put back, and the reverse of the order in which they are removed.
TRACKED: tuple[str, ...] = (
    "tags",
    "people",
    "events",
    "profile",
    "profile_fields",
    "contact_points",
    "person_tags",
    "event_tags",
    "encounters",
    "encounter_tags",
    "questions",
    "leads",
    "lead_tags",
    "outcomes",
    "followups",
    "vdir_cards",  # a person's link to a card of a synced vdir (migration 0012)
)

#: How long change sets are kept when the profile does not say.
DEFAULT_DAYS = 180


@dataclass(frozen=True)
class Change:
    """One change set of the history: what one call of the API wrote."""

    id: int
    at: dt.datetime  # UTC
    kind: str
    summary: str
    rows: int  # how many rows it touched
    undoes: int | None = None  # for an undo: the change set it reverted
    undone_by: int | None = None  # the undo that reverted this one, if any


def days(value: object) -> int:
    """A validated number of days to keep the history for (1 to 36,500)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        message = _("The history's length must be a number of days, not {value!r}.")
        raise InvalidInput(message.format(value=value))
    text_value = str(value).strip()
    if not text_value.isdigit() or not 1 <= int(text_value) <= 36_500:
        message = _(
            "The history's length must be a whole number of days from 1 to 36500, not '{value}'."
        )
        raise InvalidInput(message.format(value=text_value[:40]))
    return int(text_value)


def change(connection: Connection, change_id: int) -> Change:
    """One change set by its number."""
    found = [c for c in changes(connection, limit=1, before=change_id + 1) if c.id == change_id]
    if not found:
        raise NotFound(_("No change #{id} in the history.").format(id=change_id))
    return found[0]


def changes(
    connection: Connection, *, limit: int | None = 20, before: int | None = None
) -> list[Change]:
    """The most recent change sets (numbered below ``before``, if given), newest first."""
    c, r = t.changes, t.change_rows
    undo = t.changes.alias("undo")
    stmt = (
        select(
            c.c.id,
            c.c.at,
            c.c.kind,
            c.c.summary,
            c.c.undoes,
            select(func.count()).where(r.c.change_id == c.c.id).scalar_subquery(),
            select(func.max(undo.c.id)).where(undo.c.undoes == c.c.id).scalar_subquery(),
        )
        .order_by(c.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        stmt = stmt.where(c.c.id < before)
    rows = connection.execute(stmt)
    return [
        Change(id, at, kind, summary, count or 0, undoes, undone_by)
        for id, at, kind, summary, undoes, count, undone_by in rows
    ]


def prune(connection: Connection, days: int | None = None) -> int:
    """Drop the change sets older than ``days`` (the profile's ``history_days``, else
    :data:`DEFAULT_DAYS`); returns how many went. Cheap when none is that old: one query
    (through the index on ``changes.at``) reads the setting and the oldest change set."""
    oldest_at = select(func.min(t.changes.c.at)).scalar_subquery()
    if days is None:
        setting = select(t.profile.c.history_days).where(t.profile.c.id == 1).scalar_subquery()
        days, oldest = connection.execute(select(setting, oldest_at)).one()
        days = DEFAULT_DAYS if days is None else days
    else:
        oldest = connection.scalar(select(oldest_at))
    cutoff = t.utcnow() - dt.timedelta(days=days)
    if oldest is None or oldest >= cutoff:
        return 0
    old = select(t.changes.c.id).where(t.changes.c.at < cutoff)
    connection.execute(delete(t.change_rows).where(t.change_rows.c.change_id.in_(old)))
    return connection.execute(delete(t.changes).where(t.changes.c.at < cutoff)).rowcount


# -- undoing ----------------------------------------------------------------------------------


def undo(connection: Connection, change_id: int | None = None) -> Change:
    """Revert change set ``change_id`` (the most recent one by default) on ``connection``,
    whose transaction must have a change set open (the undo is itself one); returns the
    change set undone.

    Raises :class:`~netjournal.errors.NotFound` for an unknown change set and
    :class:`~netjournal.errors.UndoConflict` when a later change set touched the same rows or
    depends on them (undo that one first); nothing is changed then.
    """
    mine = connection.info.get(OPEN)
    assert mine is not None, "undo() runs inside a transaction with a change set open"
    target = _target(connection, change_id, mine)
    _refuse_later(connection, target)
    connection.execute(
        update(t.changes)
        .where(t.changes.c.id == mine)
        .values(undoes=target.id, summary=f"Undid #{target.id}: {target.summary}"[:2000])
    )
    effects = _net_effects(connection, target.id)
    try:
        _put_back(connection, effects)
    except IntegrityError as exc:
        message = _(
            "Cannot undo change #{id} ({summary}): it refers to records that "
            "are no longer in the journal (forgotten, or deleted outside netjournal)."
        )
        raise UndoConflict(message.format(id=target.id, summary=target.summary)) from exc
    _refuse_collateral(connection, target, mine)
    return target


def _target(connection: Connection, change_id: int | None, mine: int) -> Change:
    c = t.changes
    stmt = select(c.c.id, c.c.at, c.c.kind, c.c.summary, c.c.undoes)
    if change_id is None:
        stmt = stmt.where(c.c.id != mine).order_by(c.c.id.desc()).limit(1)
    else:
        if isinstance(change_id, bool) or not isinstance(change_id, int):
            message = _("A change is given by its number, not '{value}'.")
            raise InvalidInput(message.format(value=change_id))
        if not 0 < change_id < 2**63:
            raise NotFound(_("No change #{id} in the history.").format(id=change_id))
        stmt = stmt.where(c.c.id == change_id, c.c.id != mine)
    row = connection.execute(stmt).first()
    if row is None:
        if change_id is None:
            raise NotFound(_("Nothing to undo: the history is empty."))
        message = _("No change #{id} in the history (see 'netjournal history').")
        raise NotFound(message.format(id=change_id))
    return Change(row.id, row.at, row.kind, row.summary, 0, row.undoes)


def _describe(connection: Connection, change_id: int) -> str:
    summary = connection.scalar(select(t.changes.c.summary).where(t.changes.c.id == change_id))
    return f"#{change_id} ({summary})" if summary else f"#{change_id}"


def _cancelled(connection: Connection, target: Change) -> set[int]:
    """The change sets after ``target`` that cancel out: a change and the undo that reverted
    it (an undo undone in turn re-applies, so it does not cancel)."""
    c = t.changes
    undos = connection.execute(
        select(c.c.id, c.c.undoes)
        .where(c.c.id > target.id, c.c.undoes > target.id)
        .order_by(c.c.id)
    )
    cancelled: set[int] = set()
    for undo_id, undone in undos:
        if undone not in cancelled:
            cancelled.update((undo_id, undone))
    return cancelled


def _refuse_later(connection: Connection, target: Change) -> None:
    r = t.change_rows
    later = r.alias("later")
    touched = connection.execute(
        select(later.c.change_id, later.c.table_name, later.c.row_key)
        .join(r, (r.c.table_name == later.c.table_name) & (r.c.row_key == later.c.row_key))
        .where(r.c.change_id == target.id, later.c.change_id > target.id)
        .order_by(later.c.change_id.desc())
    ).all()
    if not touched:
        return
    cancelled = _cancelled(connection, target)
    found = next((row for row in touched if row[0] not in cancelled), None)
    if found is None:
        return
    undone_by = connection.scalar(select(t.changes.c.undoes).where(t.changes.c.id == found[0]))
    if undone_by == target.id:
        message = _(
            "Change #{id} ({summary}) was already undone by change #{undo}; "
            "undo #{undo} to redo it."
        )
        raise UndoConflict(message.format(id=target.id, summary=target.summary, undo=found[0]))
    message = _(
        "Cannot undo change #{id} ({summary}): the later change "
        "{later} touched the same records ({record}). Undo that one first."
    )
    raise UndoConflict(
        message.format(
            id=target.id,
            summary=target.summary,
            later=_describe(connection, found[0]),
            record=_record(found[1], found[2]),
        )
    )


#: A record of each table as a refusal names it ("person #3").
_RECORD_NAMES = {
    "people": N_("person"),
    "tags": N_("tag"),
    "contact_points": N_("contact point"),
    "events": N_("event"),
    "encounters": N_("encounter"),
    "questions": N_("question"),
    "leads": N_("lead"),
    "outcomes": N_("outcome"),
    "followups": N_("followup"),
    "profile": N_("profile"),
    "profile_fields": N_("profile field"),
    "person_tags": N_("person tag"),
    "event_tags": N_("event tag"),
    "encounter_tags": N_("encounter tag"),
    "lead_tags": N_("lead tag"),
}


def _record(table: str, key: str) -> str:
    if table in _RECORD_NAMES:
        name = _(_RECORD_NAMES[table])
    else:
        name = table.rstrip("s").replace("_", " ")
    return f"{name} #{key}" if "," not in key else f"{name} {key}"


@dataclass
class _Effect:
    table: str
    key: str
    first_op: str
    first_old: str | None
    last_op: str


def _net_effects(connection: Connection, change_id: int) -> list[_Effect]:
    """What the change set did to each row, from the state before it to the state after."""
    r = t.change_rows
    effects: dict[tuple[str, str], _Effect] = {}
    for table, key, op, old in connection.execute(
        select(r.c.table_name, r.c.row_key, r.c.op, r.c.old)
        .where(r.c.change_id == change_id)
        .order_by(r.c.id)
    ):
        found = effects.get((table, key))
        if found is None:
            effects[(table, key)] = _Effect(table, key, op, old, op)
        else:
            found.last_op = op
    return list(effects.values())


def _key_clause(table: Table, key: str) -> dict[str, int]:
    names = [c.name for c in table.primary_key.columns]
    return dict(zip(names, (int(part) for part in key.split(",")), strict=True))


def _put_back(connection: Connection, effects: list[_Effect]) -> None:
    """Rows the change set removed come back, rows it changed get their old values, rows it
    created go; parents are put back before their children and removed after them."""
    order = {name: i for i, name in enumerate(TRACKED)}
    restore = [e for e in effects if e.first_op != "I" and e.last_op == "D"]
    revert = [e for e in effects if e.first_op != "I" and e.last_op != "D"]
    remove = [e for e in effects if e.first_op == "I" and e.last_op != "D"]
    dialect = connection.dialect.name
    for effect in sorted(restore, key=lambda e: order[e.table]):
        table = t.metadata.tables[effect.table]
        connection.execute(text(_insert_sql(table, dialect)), {"old": effect.first_old})
    for effect in sorted(revert, key=lambda e: order[e.table]):
        table = t.metadata.tables[effect.table]
        connection.execute(
            text(_update_sql(table, dialect)),
            {"old": effect.first_old, **_key_clause(table, effect.key)},
        )
    for name in reversed(TRACKED):
        keys = [e.key for e in remove if e.table == name]
        table = t.metadata.tables[name]
        pk = list(table.primary_key.columns)
        for start in range(0, len(keys), 500):
            chunk = [[int(p) for p in k.split(",")] for k in keys[start : start + 500]]
            if len(pk) == 1:
                condition = pk[0].in_([k[0] for k in chunk])
            else:
                condition = tuple_(*pk).in_([tuple(k) for k in chunk])
            connection.execute(delete(table).where(condition))


def _insert_sql(table: Table, dialect: str) -> str:
    names = [c.name for c in table.columns]
    columns = ", ".join(f'"{n}"' for n in names)
    if dialect == "sqlite":
        values = ", ".join(f"json_extract(:old, '$.{n}')" for n in names)
        return f'INSERT INTO "{table.name}" ({columns}) SELECT {values}'
    return (
        f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} '
        f'FROM jsonb_populate_record(NULL::"{table.name}", CAST(:old AS jsonb))'
    )


def _update_sql(table: Table, dialect: str) -> str:
    keys = [c.name for c in table.primary_key.columns]
    names = [c.name for c in table.columns if c.name not in keys]
    where = " AND ".join(f'"{k}" = :{k}' for k in keys)
    if dialect == "sqlite":
        values = ", ".join(f"\"{n}\" = json_extract(:old, '$.{n}')" for n in names)
        return f'UPDATE "{table.name}" SET {values} WHERE {where}'
    columns = ", ".join(f'"{n}"' for n in names)
    return (
        f'UPDATE "{table.name}" SET ({columns}) = (SELECT {columns} FROM '
        f'jsonb_populate_record(NULL::"{table.name}", CAST(:old AS jsonb))) WHERE {where}'
    )


def _refuse_collateral(connection: Connection, target: Change, mine: int) -> None:
    """Undoing must touch exactly the rows the change set touched: anything more (a cascade
    onto a row written later) means a later change depends on it."""
    r = t.change_rows
    theirs = r.alias("theirs")
    extra = connection.execute(
        select(r.c.table_name, r.c.row_key)
        .outerjoin(
            theirs,
            (theirs.c.change_id == target.id)
            & (theirs.c.table_name == r.c.table_name)
            & (theirs.c.row_key == r.c.row_key),
        )
        .where(r.c.change_id == mine, theirs.c.id.is_(None))
        .limit(1)
    ).first()
    if extra is None:
        return
    table, key = extra
    author = connection.scalar(
        select(func.max(r.c.change_id)).where(
            r.c.table_name == table, r.c.row_key == key, r.c.change_id != mine
        )
    )
    if author:
        message = _(
            "Cannot undo change #{id} ({summary}): {record}, "
            "from the later change {later}, depends on it. Undo that one first."
        )
    else:
        message = _(
            "Cannot undo change #{id} ({summary}): {record}, "
            "from the later change written outside netjournal, depends on it. "
            "Undo that one first."
        )
    raise UndoConflict(
        message.format(
            id=target.id,
            summary=target.summary,
            record=_record(table, key),
            later=_describe(connection, author) if author else "",
        )
    )


# -- forgetting ---------------------------------------------------------------------------


def forget_person(connection: Connection, person_id: int) -> int:
    """Erase from the history every change set that touched anything of this person (their
    row, contact points, tags, encounters and all that hangs off them, now or at any time in
    the history), so that forgetting leaves no copy to undo. Call it before deleting the
    person. Returns how many change sets were erased."""
    found: set[int] = set()
    people = _absorbed(connection, person_id)
    people = _keys(connection, "people", people, None, found)
    owned = {"person_id": people}
    _keys(connection, "contact_points", _current(connection, "contact_points", owned), owned, found)
    _links(connection, "person_tags", people, found)
    encounters = _keys(
        connection, "encounters", _current(connection, "encounters", owned), owned, found
    )
    _links(connection, "encounter_tags", encounters, found)
    by_encounter = {"encounter_id": encounters}
    _keys(
        connection,
        "questions",
        _current(connection, "questions", by_encounter),
        by_encounter,
        found,
    )
    leads = _keys(
        connection, "leads", _current(connection, "leads", by_encounter), by_encounter, found
    )
    _links(connection, "lead_tags", leads, found)
    by_lead = {"lead_id": leads}
    _keys(connection, "outcomes", _current(connection, "outcomes", by_lead), by_lead, found)
    _keys(connection, "vdir_cards", _current(connection, "vdir_cards", owned), owned, found)
    either = {"person_id": people, "encounter_id": encounters}
    _keys(connection, "followups", _current(connection, "followups", either), either, found)
    ids = sorted(found)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        connection.execute(delete(t.change_rows).where(t.change_rows.c.change_id.in_(chunk)))
        connection.execute(delete(t.changes).where(t.changes.c.id.in_(chunk)))
    return len(ids)


def _absorbed(connection: Connection, person_id: int) -> set[int]:
    """The person and everyone merged into them (and into those, and so on): their pasts are
    one person's past."""
    r = t.change_rows
    people = {person_id}
    while True:
        merges = (
            select(r.c.change_id)
            .join(t.changes, t.changes.c.id == r.c.change_id)
            .where(
                t.changes.c.kind == "person.merge",
                r.c.table_name == "people",
                r.c.row_key.in_([str(p) for p in people]),
            )
        )
        absorbed = {
            int(key)
            for key in connection.scalars(
                select(r.c.row_key).where(
                    r.c.change_id.in_(merges), r.c.table_name == "people", r.c.op == "D"
                )
            )
        }
        if absorbed <= people:
            return people
        people |= absorbed


def _current(connection: Connection, name: str, owners: dict[str, set[int]]) -> set[int]:
    """Ids of ``name``'s rows now in the journal whose owner column is among ``owners``."""
    table = t.metadata.tables[name]
    ids: set[int] = set()
    for column, values in owners.items():
        listed = sorted(values)
        for start in range(0, len(listed), 500):
            ids.update(
                connection.scalars(
                    select(table.c.id).where(table.c[column].in_(listed[start : start + 500]))
                )
            )
    return ids


def _old_value(connection: Connection, column: str) -> Any:
    from sqlalchemy.dialects.postgresql import JSONB

    old = t.change_rows.c.old
    if connection.dialect.name == "sqlite":
        return func.json_extract(old, f"$.{column}")
    return cast(cast(old, JSONB).op("->>")(column), BigInteger)


def _keys(
    connection: Connection,
    name: str,
    ids: set[int],
    owners: dict[str, set[int]] | None,
    found: set[int],
) -> set[int]:
    """Complete ``ids`` with the rows of ``name`` the history shows owned by ``owners`` (at
    the time), add the change sets that touched any of them to ``found``; returns the ids."""
    r = t.change_rows
    ids = set(ids)
    for column, values in (owners or {}).items():
        listed = sorted(values)
        for start in range(0, len(listed), 500):
            ids.update(
                int(key)
                for key in connection.scalars(
                    select(r.c.row_key).where(
                        r.c.table_name == name,
                        r.c.old.is_not(None),
                        _old_value(connection, column).in_(listed[start : start + 500]),
                    )
                )
            )
    keys = sorted(str(i) for i in ids)
    for start in range(0, len(keys), 500):
        found.update(
            connection.scalars(
                select(r.c.change_id)
                .where(r.c.table_name == name, r.c.row_key.in_(keys[start : start + 500]))
                .distinct()
            )
        )
    return ids


def _links(connection: Connection, name: str, owners: set[int], found: set[int]) -> None:
    """Add the change sets that linked a tag to one of ``owners`` (``name``: a tag table)."""
    r = t.change_rows
    if connection.dialect.name == "sqlite":
        owner = func.substr(r.c.row_key, 1, func.instr(r.c.row_key, ",") - 1)
    else:
        owner = func.split_part(r.c.row_key, ",", 1)
    listed = sorted(str(o) for o in owners)
    for start in range(0, len(listed), 500):
        found.update(
            connection.scalars(
                select(r.c.change_id)
                .where(r.c.table_name == name, owner.in_(listed[start : start + 500]))
                .distinct()
            )
        )
