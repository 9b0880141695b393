"""Reading a JSON export back into an empty journal, ids and all, in one transaction.

Every value is checked against its column, then against the API's own rules
(:mod:`.json_checks`), before anything is written; the error names the file and the record,
and nothing is kept. This version refuses a journal that
already holds data: merging two journals needs id remapping and duplicate handling.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from .. import schema
from ..errors import ImportFormatError, InvalidInput
from ..i18n import _
from ..tables import utcnow
from ..text import DEFAULT_PHONE_REGION, PHONE_REGION, fold
from . import ImportStats
from .json_checks import Seen, check_row
from .json_export import count_rows
from .jsonformat import (
    DERIVED,
    FORMAT,
    FORMAT_VERSION,
    PROFILE,
    PROFILE_FIELDS,
    SECTIONS,
    Section,
    exported_columns,
    from_json,
)

BATCH = 1000
#: The largest export read, in characters (512 MB: the export of a journal of 100,000
#: encounters is 67 MB, and the whole document is held in memory while it is imported).
MAX_DOCUMENT_CHARS = 512 * 1024 * 1024
_CHUNK = 1024 * 1024


def read_document(fp: TextIO, source_name: str) -> dict[str, Any]:
    """Parse ``fp`` and check its header; errors carry the decoder's line number."""
    try:
        document = json.loads(_read_limited(fp, source_name))
    except json.JSONDecodeError as exc:
        reason = _("not valid JSON: {reason}").format(reason=exc.msg)
        raise ImportFormatError(source_name, exc.lineno, reason) from None
    except RecursionError:
        reason = _("not valid JSON: nested too deeply")
        raise ImportFormatError(source_name, None, reason) from None
    except ValueError as exc:  # a number of more than 4,300 digits
        if "digits" in str(exc):
            reason = _("not valid JSON: a number has too many digits")
        else:
            reason = _("not valid JSON: {reason}").format(reason=exc)
        raise ImportFormatError(source_name, None, reason) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFormatError(source_name, None, _("not a netjournal JSON export"))
    version = document.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise ImportFormatError(
            source_name,
            None,
            _(
                "export format version {version} is not supported "
                "(this netjournal reads version {supported})"
            ).format(version=_short(version), supported=FORMAT_VERSION),
        )
    revision = document.get("schema_revision")
    if not isinstance(revision, str) or revision not in schema.REVISIONS:
        raise ImportFormatError(
            source_name,
            None,
            _(
                "written by a newer netjournal (schema {revision}); upgrade netjournal to read it"
            ).format(revision=_short(revision)),
        )
    known = {"format", "format_version", "schema_revision", "profile", "profile_fields"}
    known |= {s.name for s in SECTIONS}
    unknown = sorted(set(document) - known)
    if unknown:
        reason = _("unknown section(s): {sections}").format(sections=", ".join(unknown))
        raise ImportFormatError(source_name, None, reason)
    return document


def _read_limited(fp: TextIO, source_name: str) -> str:
    """The text of ``fp``, refused beyond :data:`MAX_DOCUMENT_CHARS`, and as soon as its
    first megabyte shows it cannot be a JSON object (``/dev/zero``)."""
    chunks: list[str] = []
    total = 0
    try:
        while chunk := fp.read(_CHUNK):
            if not chunks and chunk.lstrip()[:1] not in ("{", ""):
                rest = fp.read(1)
                if rest:  # small files keep the JSON decoder's own message
                    reason = _("not a netjournal JSON export")
                    raise ImportFormatError(source_name, None, reason)
                chunks.append(chunk)
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_DOCUMENT_CHARS:
                size = _("{number} MB").format(number=MAX_DOCUMENT_CHARS // (1024 * 1024))
                reason = _("the file is too large: a JSON export is read up to {size}").format(
                    size=size
                )
                raise ImportFormatError(source_name, None, reason)
    except UnicodeDecodeError:
        raise ImportFormatError(source_name, None, _("not UTF-8 text")) from None
    return "".join(chunks)


def _short(value: Any) -> str:
    """A value as a message quotes it: ``repr``, at most 40 characters."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return _("(a number of over 30 digits)")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Reader:
    """Turns the records of one document into rows, naming the record when one is wrong."""

    def __init__(self, source_name: str) -> None:
        self.source = source_name
        self.tag_ids: dict[str, int] = {}
        self.seen = Seen()

    def fail(self, where: str, reason: str) -> ImportFormatError:
        return ImportFormatError(self.source, None, f"{where}: {reason}")

    def row(
        self, table: Table, record: Any, where: str, *, extra: Iterable[str] = (), **fixed: Any
    ) -> dict[str, Any]:
        if not isinstance(record, dict):
            raise self.fail(where, _("expected an object"))
        columns = exported_columns(table, skip=next(iter(fixed), None))
        unknown = set(record) - {c.name for c in columns} - set(extra)
        if unknown:
            reason = _("unknown field(s) {fields}").format(fields=", ".join(sorted(unknown)))
            raise self.fail(where, reason)
        row: dict[str, Any] = dict(fixed)
        try:
            for column in columns:
                if column.name in record:
                    row[column.name] = from_json(column, record[column.name])
                elif column.name in ("created_at", "updated_at"):
                    row[column.name] = utcnow()
                elif column.nullable:
                    row[column.name] = None
                elif isinstance(column.default, ScalarElementColumnDefault):
                    row[column.name] = column.default.arg  # a field newer than the export
                else:
                    raise ValueError(_("'{column}' is required").format(column=column.name))
            check_row(table, row, self.seen)
            for name, derive in DERIVED.get(table.name, {}).items():
                row[name] = derive(row)
        except (ValueError, ArithmeticError, InvalidInput) as exc:
            raise self.fail(where, str(exc)) from None
        return row

    def tags(self, record: dict[str, Any], where: str) -> list[int]:
        names = record.get("tags", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise self.fail(where, _("'tags' must be a list of tag names"))
        try:
            return [self.tag_ids[fold(n)] for n in names]
        except KeyError as exc:
            reason = _("tag {tag!r} is not in the 'tags' section").format(tag=exc.args[0])
            raise self.fail(where, reason) from None


def import_document(
    connection: Connection, document: dict[str, Any], source_name: str, display: str
) -> ImportStats:
    """Insert every record of ``document``; the caller owns the transaction."""
    held = {name: n for name, n in count_rows(connection).items() if n}
    if held:
        summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in held.items())
        message = _(
            "The journal {journal} is not empty ({summary}): a JSON export can only be "
            "imported into an empty journal; use a new one (netjournal --db NEW.db init)."
        )
        raise InvalidInput(message.format(journal=display, summary=summary))
    reader = _Reader(source_name)
    profile = document.get("profile")
    region = DEFAULT_PHONE_REGION
    if profile is not None:
        row = reader.row(PROFILE, profile, "profile", id=1)
        region = row.get("phone_region") or region
        _insert(connection, PROFILE, [row], reader)
    # Phones are keyed in the region of the profile being imported (the journal's own
    # profile, not committed yet, cannot tell it).
    token = PHONE_REGION.set(lambda: region)
    try:
        return _import_records(connection, document, reader)
    finally:
        PHONE_REGION.reset(token)


def _import_records(
    connection: Connection, document: dict[str, Any], reader: _Reader
) -> ImportStats:
    counts: dict[str, int] = {}
    fields = [
        reader.row(PROFILE_FIELDS, r, w) for w, r in _records(document, "profile_fields", reader)
    ]
    _insert(connection, PROFILE_FIELDS, fields, reader)
    for section in SECTIONS:
        counts[section.name] = _import_section(connection, document, section, reader)
    if connection.dialect.name == "postgresql":
        tables = [PROFILE, PROFILE_FIELDS, *_all_tables()]
        for table in tables:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                )
            )
        # Fresh statistics: without them the planner takes the bulk-loaded tables for empty
        # ones and picks nested loops that make the next reports crawl.
        links = [s.tag_link for s in SECTIONS if s.tag_link is not None]
        connection.execute(text(f"ANALYZE {', '.join(t.name for t in [*tables, *links])}"))
    return ImportStats(reader.source, counts)


def _all_tables() -> Iterator[Table]:
    for section in SECTIONS:
        yield section.table
        for child in section.children:
            yield child.table


def _records(document: dict[str, Any], name: str, reader: _Reader) -> Iterator[tuple[str, Any]]:
    records = document.get(name, [])
    if not isinstance(records, list):
        raise reader.fail(name, _("expected a list"))
    for index, record in enumerate(records):
        label = f"{name}[{index}]"
        if isinstance(record, dict) and isinstance(record.get("id"), int):
            label += f" (id {record['id']})"
        yield label, record


def _import_section(
    connection: Connection, document: dict[str, Any], section: Section, reader: _Reader
) -> int:
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    children: dict[str, list[dict[str, Any]]] = {c.name: [] for c in section.children}
    extra = ([] if section.tag_link is None else ["tags"]) + [c.name for c in section.children]
    count = 0

    def flush() -> None:
        _insert(connection, section.table, rows, reader, section.name)
        for child in section.children:
            _insert(connection, child.table, children[child.name], reader, child.name)
            children[child.name].clear()
        if section.tag_link is not None:
            _insert(connection, section.tag_link, links, reader, f"{section.name} tags")
        rows.clear()
        links.clear()

    for where, record in _records(document, section.name, reader):
        row = reader.row(section.table, record, where, extra=extra)
        if "id" not in row:
            raise reader.fail(where, _("'{column}' is required").format(column="id"))
        rows.append(row)
        if section.name == "tags":
            reader.tag_ids[row["key"]] = row["id"]
        if section.tag_link is not None:
            owner = next(c.name for c in section.tag_link.columns if c.name != "tag_id")
            ids = reader.tags(record, where)
            links.extend({owner: row["id"], "tag_id": t} for t in dict.fromkeys(ids))
        for child in section.children:
            items = record.get(child.name, [])
            if not isinstance(items, list):
                reason = _("'{field}' must be a list").format(field=child.name)
                raise reader.fail(where, reason)
            for index, item in enumerate(items):
                children[child.name].append(
                    reader.row(
                        child.table,
                        item,
                        f"{where}.{child.name}[{index}]",
                        **{child.parent_column: row["id"]},
                    )
                )
        count += 1
        if len(rows) >= BATCH:
            flush()
    flush()
    return count


def _insert(
    connection: Connection,
    table: Table,
    rows: Iterable[dict[str, Any]],
    reader: _Reader,
    what: str | None = None,
) -> None:
    batch = list(rows)
    if not batch:
        return
    try:
        connection.execute(insert(table), batch)
    except DBAPIError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        reason = _("refused by the journal: {reason}").format(reason=reason)
        raise reader.fail(what or table.name, reason) from None
