"""the profile gets a phone region: where a number written without its country code is read

"06 11 22 33 44" is French, "020 7946 0958" British: phone numbers are compared in E.164
(``netjournal.text.phone_key``), and a national number is read in the profile's region (France
when none is set). One nullable column on ``profile``; the history's copies of the profile row
gain it (null), and SQLite's history triggers on ``profile`` are recreated with it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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
        op.execute(f"DROP TRIGGER IF EXISTS history_profile_{event}")
    columns = [c["name"] for c in sa.inspect(op.get_bind()).get_columns("profile")]
    for statement in history.sqlite_triggers("profile", columns):
        op.execute(statement)


def upgrade() -> None:
    op.add_column("profile", sa.Column("phone_region", sa.String(length=2), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE change_rows SET old = json_set(old, '$.phone_region', json('null')) "
            "WHERE table_name = 'profile' AND old IS NOT NULL"
        )
        _recreate_history_triggers()
    else:
        op.execute(
            "UPDATE change_rows SET old = CAST(CAST(old AS jsonb) || "
            "jsonb_build_object('phone_region', NULL) AS text) "
            "WHERE table_name = 'profile' AND old IS NOT NULL"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE change_rows SET old = json_remove(old, '$.phone_region') "
            "WHERE table_name = 'profile' AND old IS NOT NULL"
        )
        for event in _load_0006().OPS:
            op.execute(f"DROP TRIGGER IF EXISTS history_profile_{event}")
        op.execute("ALTER TABLE profile DROP COLUMN phone_region")
        _recreate_history_triggers()
    else:
        op.execute(
            "UPDATE change_rows SET old = CAST(CAST(old AS jsonb) - 'phone_region' AS text) "
            "WHERE table_name = 'profile' AND old IS NOT NULL"
        )
        op.drop_column("profile", "phone_region")
