"""Writing the whole journal as one JSON document, streamed chunk by chunk.

Rows are read in id order, :data:`CHUNK` parents at a time (keyset pagination), with the
children and tags of each chunk fetched by id range: memory stays flat however large the
journal is. Everything is read in one transaction (REPEATABLE READ on PostgreSQL), so the
export is a consistent snapshot even while other processes write. The output is deterministic:
the same journal always gives the same bytes, so two exports can be compared with ``diff``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, Table, func, select

from .. import schema
from ..models import Tag
from . import ExportStats
from .jsonformat import (
    FORMAT,
    FORMAT_VERSION,
    PROFILE,
    PROFILE_FIELDS,
    SECTIONS,
    Child,
    Section,
    exported_columns,
    to_json,
)

CHUNK = 1000


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _row(columns: list[Any], values: Any) -> dict[str, Any]:
    return {c.name: to_json(v) for c, v in zip(columns, values, strict=True)}


def snapshot(engine: Engine) -> Connection:
    """A connection whose transaction sees one consistent state of the journal."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    return connection


def write_json(engine: Engine, fp: TextIO) -> ExportStats:
    """Write the journal behind ``engine`` to ``fp``; returns how many records of each kind."""
    counts: dict[str, int] = {}
    with snapshot(engine) as connection, connection.begin():
        revision = schema.current_revision(connection)
        fp.write("{\n")
        fp.write(f'"format": {_dump(FORMAT)},\n"format_version": {FORMAT_VERSION},\n')
        fp.write(f'"schema_revision": {_dump(revision)},\n')
        fp.write(f'"profile": {_dump(_profile(connection))},\n')
        fields = exported_columns(PROFILE_FIELDS)
        rows = connection.execute(select(*fields).order_by(PROFILE_FIELDS.c.id))
        fp.write(f'"profile_fields": {_dump([_row(fields, r) for r in rows])},\n')
        for position, section in enumerate(SECTIONS):
            fp.write(f"{_dump(section.name)}: [")
            count = 0
            for record in _records(connection, section):
                fp.write(",\n" if count else "\n")
                fp.write(_dump(record))
                count += 1
            fp.write("\n]" if count else "]")
            fp.write(",\n" if position < len(SECTIONS) - 1 else "\n")
            counts[section.name] = count
        fp.write("}\n")
    return ExportStats("json", counts)


def _profile(connection: Connection) -> dict[str, Any] | None:
    columns = exported_columns(PROFILE)
    row = connection.execute(select(*columns).where(PROFILE.c.id == 1)).first()
    if row is None:
        return None
    record = _row(columns, row)
    record.pop("id")
    return record


def _records(connection: Connection, section: Section) -> Iterator[dict[str, Any]]:
    table = section.table
    columns = exported_columns(table)
    last = None
    while True:
        stmt = select(*columns).order_by(table.c.id).limit(CHUNK)
        if last is not None:
            stmt = stmt.where(table.c.id > last)
        chunk = [_row(columns, r) for r in connection.execute(stmt)]
        if not chunk:
            return
        low, high = chunk[0]["id"], chunk[-1]["id"]
        if section.tag_link is not None:
            tags = _tags(connection, section.tag_link, low, high)
            for record in chunk:
                record["tags"] = tags.get(record["id"], [])
        for child in section.children:
            found = _children(connection, child, low, high)
            for record in chunk:
                record[child.name] = found.get(record["id"], [])
        yield from chunk
        last = high


def _tags(connection: Connection, link: Table, low: int, high: int) -> dict[int, list[str]]:
    owner = next(c for c in link.columns if c.name != "tag_id")
    stmt = (
        select(owner, Tag.name)
        .join(Tag, Tag.id == link.c.tag_id)
        .where(owner.between(low, high))
        .order_by(owner, link.c.tag_id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for owner_id, name in connection.execute(stmt):
        found[owner_id].append(name)
    return found


def _children(
    connection: Connection, child: Child, low: int, high: int
) -> dict[int, list[dict[str, Any]]]:
    table = child.table
    parent = table.c[child.parent_column]
    columns = exported_columns(table, skip=child.parent_column)
    stmt = (
        select(parent, *columns)
        .where(parent.between(low, high))
        .order_by(parent, *(table.c[name] for name in child.order_by))
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for parent_id, *values in connection.execute(stmt):
        found[parent_id].append(_row(columns, values))
    return found


def count_rows(connection: Connection) -> dict[str, int]:
    """Rows per exported table, to tell whether a journal is empty."""
    tables = [PROFILE, PROFILE_FIELDS, *(s.table for s in SECTIONS)]
    return {
        t.name: connection.execute(select(func.count()).select_from(t)).scalar_one() for t in tables
    }
