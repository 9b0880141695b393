"""the search index spells the capital sharp s (ẞ) "ss", as it spells ß

Search spells ``ß`` as ``ss`` on both sides (the index and the words typed), so "strasse"
finds "Straße". The capital ``ẞ`` (U+1E9E) slipped through: a typed word lowered it to ``ß``
and stopped there, and SQLite's index, whose triggers spell the ligatures before FTS5 lowers
the text, kept ``ß``. So on SQLite "STRAẞE" was found by "STRAẞE" but not by "strasse", and on
PostgreSQL (whose ``unaccent`` already reads ``ẞ`` as ``SS``) by "strasse" but not by
"STRAẞE". Now ``netjournal.query.LIGATURES`` and the SQLite triggers spell it ``ss`` too.

SQLite: the three triggers feeding FTS5 are written again, and the documents holding a ``ẞ``
get their FTS5 entries replaced (a contentless index deletes an entry only with the very words
it was given). PostgreSQL: nothing changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _load(name: str) -> ModuleType:
    path = Path(__file__).with_name(name)
    spec = importlib.util.spec_from_file_location(f"netjournal_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: 0009's triggers (bounded parts), spelled with 0002's ligatures and then with ẞ as well.
bounded = _load("0009_bounded_search_index.py")
BEFORE = dict(bounded.base.LIGATURES)
AFTER = {**BEFORE, "ẞ": "ss"}


def _spelled(ligatures: dict[str, str]) -> None:
    """0009's triggers and part readers, with ``ligatures``."""
    bounded.base.LIGATURES = ligatures


def _holding_sharp_s() -> str:
    return " OR ".join(f"instr({part}, 'ẞ') > 0" for part in bounded.PARTS)


def _respell(before: dict[str, str], after: dict[str, str]) -> None:
    where = _holding_sharp_s()
    try:
        _spelled(before)
        old = bounded._fts_values("", True)
        op.execute(
            "INSERT INTO search_fts(search_fts, rowid, head, body, context) "
            f"SELECT 'delete', id, {old} FROM search_docs WHERE {where}"
        )
        _spelled(after)
        bounded._sqlite_triggers(True)
        new = bounded._fts_values("", True)
        op.execute(
            f"INSERT INTO search_fts(rowid, head, body, context) "
            f"SELECT id, {new} FROM search_docs WHERE {where}"
        )
    finally:
        _spelled(BEFORE)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _respell(BEFORE, AFTER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _respell(AFTER, BEFORE)
