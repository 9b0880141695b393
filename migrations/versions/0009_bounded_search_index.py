"""the search index reads the same bounded text on SQLite and PostgreSQL

A PostgreSQL ``tsvector`` holds at most 1 MB and drops words over 2,047 bytes, while SQLite's
FTS5 has no such limits: a 1 MB note saved on SQLite and failed on PostgreSQL ("string is too
long for tsvector"), and a 3,000-letter word was found on one backend and not on the other.
Now both index the first :data:`INDEXED_CHARS` characters of each part of a document (head,
body, context; the text itself is kept whole), and PostgreSQL keeps the first
:data:`WORD_CHARS` letters of a longer word: a search word is cut to
``netjournal.query.MAX_TOKEN`` (100) letters and matched as a prefix, so a long word is found
by its start on both.

Existing documents longer than the bound are re-indexed (PostgreSQL: their ``tsv`` recomputed;
SQLite: their FTS5 entries replaced), everything else is left as it is.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Characters of each part of a search document that are indexed (the text is kept whole).
INDEXED_CHARS = 50_000
#: Letters of a word that PostgreSQL indexes (it cannot index words over 2,047 bytes).
WORD_CHARS = 255

PARTS = ("head", "body", "context")


def _load(name: str) -> ModuleType:
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"netjournal_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


base = _load("0002_search_index.py")


def _postgresql_search_text(bounded: bool) -> str:
    value = f"left(value, {INDEXED_CHARS})" if bounded else "value"
    folded = (
        "regexp_replace(public.unaccent('public.unaccent'::regdictionary, "
        f"coalesce({value}, '')), '[[:punct:]]', ' ', 'g')"
    )
    if bounded:
        folded = (
            f"regexp_replace({folded}, '([[:alnum:]]{{{WORD_CHARS}}})[[:alnum:]]+', '\\1', 'g')"
        )
    return (
        "CREATE OR REPLACE FUNCTION search_text(value text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {folded} $$"
    )


def _oversized(dialect: str) -> str:
    long_part = " OR ".join(f"length({p}) > {INDEXED_CHARS}" for p in PARTS)
    if dialect == "sqlite":
        return long_part
    # (a repetition count goes up to 255 in PostgreSQL's regular expressions)
    long_word = " OR ".join(f"{p} ~ '[[:alnum:]]{{{WORD_CHARS}}}[[:alnum:]]'" for p in PARTS)
    return f"{long_part} OR {long_word}"


def _fts_values(prefix: str, bounded: bool) -> str:
    def part(column: str) -> str:
        value = f"substr({prefix}{column}, 1, {INDEXED_CHARS})" if bounded else prefix + column
        return base._fold_sql(value)

    return ", ".join(part(p) for p in PARTS)


def _sqlite_triggers(bounded: bool) -> None:
    """0005's triggers feeding FTS5 from ``search_docs``, reading bounded text or not."""
    for name in ("search_docs_ai", "search_docs_ad", "search_docs_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    new, old = _fts_values("new.", bounded), _fts_values("old.", bounded)
    add = f"INSERT INTO search_fts(rowid, head, body, context) VALUES (new.id, {new});"
    remove = (
        "INSERT INTO search_fts(search_fts, rowid, head, body, context) "
        f"VALUES ('delete', old.id, {old});"
    )
    changed = base._changed("sqlite", PARTS)
    op.execute(f"CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN {add} END")
    op.execute(f"CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN {remove} END")
    op.execute(
        "CREATE TRIGGER search_docs_au AFTER UPDATE OF head, body, context ON search_docs "
        f"WHEN {changed} BEGIN {remove} {add} END"
    )


def _reindex_sqlite(bounded: bool) -> None:
    """Move the oversized documents' FTS5 entries from one way of reading to the other: a
    contentless index deletes an entry only with the very words it was given."""
    where = _oversized("sqlite")
    before, after = _fts_values("", not bounded), _fts_values("", bounded)
    op.execute(
        "INSERT INTO search_fts(search_fts, rowid, head, body, context) "
        f"SELECT 'delete', id, {before} FROM search_docs WHERE {where}"
    )
    _sqlite_triggers(bounded)
    op.execute(
        "INSERT INTO search_fts(rowid, head, body, context) "
        f"SELECT id, {after} FROM search_docs WHERE {where}"
    )


def _migrate(bounded: bool) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _reindex_sqlite(bounded)
        return
    op.execute(_postgresql_search_text(bounded))
    # A stored generated column is computed again when its row is written.
    op.execute(f"UPDATE search_docs SET head = head WHERE {_oversized('postgresql')}")


def upgrade() -> None:
    _migrate(bounded=True)


def downgrade() -> None:
    _migrate(bounded=False)
