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
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from . import tables as t

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
    return cid


def describe(connection: Connection, summary: str) -> None:
    """Set the one-line summary of the change set open on ``connection`` (if any)."""
    cid = connection.info.get(OPEN)
    if cid is not None:
        connection.execute(update(t.changes).where(t.changes.c.id == cid).values(summary=summary))


def finish(connection: Connection) -> int | None:
    """Close the change set open on ``connection`` before its transaction commits; a change
    set that recorded no row is dropped (an edit that changed nothing leaves no history).
    Returns the change set's id, or ``None`` when it was dropped or none was open."""
    cid = connection.info.pop(OPEN, None)
    if cid is None:
        return None
    connection.execute(delete(t.change_open).where(t.change_open.c.id == cid))
    touched = connection.scalar(
        select(t.change_rows.c.id).where(t.change_rows.c.change_id == cid).limit(1)
    )
    if touched is None:
        connection.execute(delete(t.changes).where(t.changes.c.id == cid))
        return None
    return int(cid)


def abandon(connection: Connection) -> None:
    """Forget the change set of a transaction that is being rolled back."""
    connection.info.pop(OPEN, None)
