"""people and tags get a cadence: the rhythm at which you wish to see them

"Clients: every 30 days, at most 60". A person's own setting wins over their tags'; any
encounter, and any follow-up done, resets the clock (``netjournal.cadence``). Two nullable
columns on ``people`` and on ``tags`` (days), checked to be positive and the "at most" limit
no shorter than the rhythm; an index finds a person's last follow-up done without a scan.

The columns are added in place (no table rebuild, which on SQLite would drop the search and
history triggers); the history's copies of people and tag rows gain the two fields (null), so
that undoing a change set written before this revision restores a complete row; SQLite's
history triggers on both tables are recreated with the new columns (0006's generator).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("people", "tags")
COLUMNS = ("cadence_days", "cadence_max_days")
CHECK = (
    "(cadence_days IS NULL OR cadence_days > 0) AND (cadence_max_days IS NULL OR "
    "(cadence_max_days > 0 AND (cadence_days IS NULL OR cadence_max_days >= cadence_days)))"
)


def _load_0006() -> ModuleType:
    path = Path(__file__).with_name("0006_history.py")
    spec = importlib.util.spec_from_file_location("netjournal_migration_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _drop_history_triggers(table: str) -> None:
    for event in _load_0006().OPS:
        op.execute(f"DROP TRIGGER IF EXISTS history_{table}_{event}")


def _create_history_triggers(table: str) -> None:
    columns = [c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)]
    for statement in _load_0006().sqlite_triggers(table, columns):
        op.execute(statement)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN cadence_days INTEGER")
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN cadence_max_days INTEGER "
                f"CONSTRAINT ck_{table}_cadence CHECK ({CHECK})"
            )
            op.execute(
                "UPDATE change_rows SET old = json_set(old, '$.cadence_days', json('null'), "
                f"'$.cadence_max_days', json('null')) WHERE table_name = '{table}' "
                "AND old IS NOT NULL"
            )
            _drop_history_triggers(table)
            _create_history_triggers(table)
        else:
            for column in COLUMNS:
                op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_check_constraint(f"ck_{table}_cadence", table, CHECK)
            op.execute(
                "UPDATE change_rows SET old = CAST(CAST(old AS jsonb) || "
                "jsonb_build_object('cadence_days', NULL, 'cadence_max_days', NULL) AS text) "
                f"WHERE table_name = '{table}' AND old IS NOT NULL"
            )
    op.create_index("ix_followups_person_id_done_on", "followups", ["person_id", "done_on"])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index("ix_followups_person_id_done_on", "followups")
    for table in TABLES:
        if sqlite:
            op.execute(
                "UPDATE change_rows SET old = json_remove(old, '$.cadence_days', "
                f"'$.cadence_max_days') WHERE table_name = '{table}' AND old IS NOT NULL"
            )
            _drop_history_triggers(table)
            # the CHECK belongs to cadence_max_days: it goes with that column, first
            op.execute(f"ALTER TABLE {table} DROP COLUMN cadence_max_days")
            op.execute(f"ALTER TABLE {table} DROP COLUMN cadence_days")
            _create_history_triggers(table)
        else:
            op.drop_constraint(f"ck_{table}_cadence", table, type_="check")
            for column in COLUMNS:
                op.drop_column(table, column)
