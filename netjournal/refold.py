"""A data fix: stored keys brought up to date with :func:`netjournal.text.fold`.

Folding learnt to read apostrophes and hyphens as spaces ("Jean-François" is "jean
francois", "N'Diaye" is "n diaye"). Keys written before keep the old spelling, so that
"jean francois" misses "Jean-François" and a tag "follow-up" typed again would not find
its stored key. :func:`refold` rewrites every folded key from its source column, for a
migration to call (``refold(op.get_bind())``) once. Tags or profile fields that now fold
alike ("follow-up" and "follow up") become one: the records of the others are moved to
the one kept (the oldest, or the one already holding the key). It writes outside any
change set, so the history records nothing (as any migration).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, literal, select, update

from . import tables as t
from .text import fold

#: (table, source column, key column) of every key that is ``fold`` of one column.
KEYS: tuple[tuple[Table, str, str], ...] = (
    (t.people, "display_name", "name_key"),
    (t.people, "field", "field_key"),
    (t.events, "name", "name_key"),
    (t.events, "series", "series_key"),
)
_TAG_LINKS = (t.person_tags, t.event_tags, t.encounter_tags, t.lead_tags)


def refold(connection: Connection) -> dict[str, int]:
    """Rewrite every stale folded key on ``connection`` (in the caller's transaction);
    returns how many rows changed, by ``"table.column"``."""
    changed: dict[str, int] = {}
    for table, source, key in KEYS:
        rows = connection.execute(select(table.c.id, table.c[source], table.c[key]))
        stale = [
            {"row_id": row_id, "new_key": fold(value) if value is not None else None}
            for row_id, value, stored in rows
            if (fold(value) if value is not None else None) != stored
        ]
        if stale:
            connection.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values({key: bindparam("new_key")}),
                stale,
            )
        changed[f"{table.name}.{key}"] = len(stale)
    changed["tags.key"] = _refold_unique(connection, t.tags, _merge_tag)
    changed["profile_fields.key"] = _refold_unique(connection, t.profile_fields, None)
    changed["change_rows.old"] = _refold_history(connection)
    return changed


def _refold_history(connection: Connection) -> int:
    """The history's copies of rows (what an undo puts back) get the same keys, so that a
    person restored by undoing an older change set is found by the new spelling too."""
    keys: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for table, source, key in KEYS:
        keys[table.name].append((source, key))
    keys["tags"].append(("name", "key"))
    keys["profile_fields"].append(("name", "key"))
    r = t.change_rows
    stale = []
    for row_id, table_name, old in connection.execute(
        select(r.c.id, r.c.table_name, r.c.old).where(
            r.c.table_name.in_(list(keys)), r.c.old.is_not(None)
        )
    ):
        image = json.loads(old)
        before = dict(image)
        for source, key in keys[table_name]:
            if key in image:
                value = image.get(source)
                image[key] = fold(value) if value is not None else None
        if image != before:
            text = json.dumps(image, ensure_ascii=False, separators=(",", ":"))
            stale.append({"row_id": row_id, "image": text})
    if stale:
        connection.execute(
            update(r).where(r.c.id == bindparam("row_id")).values(old=bindparam("image")), stale
        )
    return len(stale)


def _refold_unique(connection: Connection, table: Table, merge: Any) -> int:
    """Refold a unique ``key`` from ``name``; rows that now share a key become the one kept
    (``merge(connection, kept, other)`` moves what points to ``other``), the others go."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row_id, name, key in connection.execute(
        select(table.c.id, table.c.name, table.c.key).order_by(table.c.id)
    ):
        groups[fold(name)].append((row_id, key))
    changed = 0
    renamed = []
    for new_key, rows in groups.items():
        kept = next((row_id for row_id, key in rows if key == new_key), rows[0][0])
        for row_id, _key in rows:
            if row_id != kept:
                if merge is not None:
                    merge(connection, kept, row_id)
                connection.execute(delete(table).where(table.c.id == row_id))
                changed += 1
        if dict(rows)[kept] != new_key:
            renamed.append((kept, new_key))
    for row_id, new_key in renamed:  # after the deletions: no key is held twice
        connection.execute(update(table).where(table.c.id == row_id).values(key=new_key))
    return changed + len(renamed)


def _merge_tag(connection: Connection, kept: int, other: int) -> None:
    """Whatever carries tag ``other`` carries ``kept`` instead (once)."""
    for link in _TAG_LINKS:
        owner = next(c for c in link.c if c.name != "tag_id")
        already = select(owner).where(link.c.tag_id == kept)
        moved = select(owner, literal(kept)).where(link.c.tag_id == other, owner.not_in(already))
        connection.execute(insert(link).from_select([owner.name, "tag_id"], moved))
        connection.execute(delete(link).where(link.c.tag_id == other))
