"""encounters get a kind: a meeting, or a connection made on a network (LinkedIn)

An imported "Connected On" date was stored as an encounter, so it took the credit under
first-touch attribution and counted in the fields report as if the person had been met. It is
now an encounter of kind ``connection``: kept, shown, but left out of the reports unless they
are asked to include connections. Existing ones are recognised by what the LinkedIn import
wrote (source ``linkedin``, notes "Connected on ...").

The column is added in place (no table rebuild, which on SQLite would drop the search and
history triggers); the history's copies of encounter rows gain the same field, so that undoing
a change set written before this revision restores a complete row; SQLite's history triggers on
``encounters`` are recreated with the new column (migration 0006's generator).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "('meeting', 'connection')"
CONNECTION = "source = 'linkedin' AND notes LIKE 'Connected on %'"


def _load_0006() -> ModuleType:
    path = Path(__file__).with_name("0006_history.py")
    spec = importlib.util.spec_from_file_location("netjournal_migration_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _recreate_history_triggers() -> None:
    history = _load_0006()
    for event in history.OPS:
        op.execute(f"DROP TRIGGER IF EXISTS history_encounters_{event}")
    columns = [c["name"] for c in sa.inspect(op.get_bind()).get_columns("encounters")]
    for statement in history.sqlite_triggers("encounters", columns):
        op.execute(statement)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(
            "ALTER TABLE encounters ADD COLUMN kind VARCHAR(20) DEFAULT 'meeting' NOT NULL "
            f"CONSTRAINT ck_encounters_kind CHECK (kind IN {KINDS})"
        )
    else:
        op.add_column(
            "encounters",
            sa.Column("kind", sa.String(length=20), server_default="meeting", nullable=False),
        )
        op.create_check_constraint("ck_encounters_kind", "encounters", f"kind IN {KINDS}")
    op.execute(f"UPDATE encounters SET kind = 'connection' WHERE {CONNECTION}")
    if sqlite:
        kind = (
            "CASE WHEN json_extract(old, '$.source') = 'linkedin' "
            "AND json_extract(old, '$.notes') LIKE 'Connected on %' "
            "THEN 'connection' ELSE 'meeting' END"
        )
        op.execute(
            f"UPDATE change_rows SET old = json_set(old, '$.kind', {kind}) "
            "WHERE table_name = 'encounters' AND old IS NOT NULL"
        )
        _recreate_history_triggers()
    else:
        kind = (
            "CASE WHEN CAST(old AS jsonb) ->> 'source' = 'linkedin' "
            "AND CAST(old AS jsonb) ->> 'notes' LIKE 'Connected on %' "
            "THEN 'connection' ELSE 'meeting' END"
        )
        op.execute(
            f"UPDATE change_rows SET old = CAST(CAST(old AS jsonb) || "
            f"jsonb_build_object('kind', {kind}) AS text) "
            "WHERE table_name = 'encounters' AND old IS NOT NULL"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(
            "UPDATE change_rows SET old = json_remove(old, '$.kind') "
            "WHERE table_name = 'encounters' AND old IS NOT NULL"
        )
        for event in _load_0006().OPS:
            op.execute(f"DROP TRIGGER IF EXISTS history_encounters_{event}")
        op.execute("ALTER TABLE encounters DROP COLUMN kind")
        _recreate_history_triggers()
    else:
        op.execute(
            "UPDATE change_rows SET old = CAST(CAST(old AS jsonb) - 'kind' AS text) "
            "WHERE table_name = 'encounters' AND old IS NOT NULL"
        )
        op.drop_constraint("ck_encounters_kind", "encounters", type_="check")
        op.drop_column("encounters", "kind")
