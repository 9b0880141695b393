"""vdir sync: where each person stands with a folder of vCards since the last sync

``netjournal sync vdir DIR`` keeps the journal's people and a vdir (one ``.vcf`` per contact,
as vdirsyncer and khard keep them) in step. To find what changed on either side without
comparing everything, each synced card has a row: the vdir, the card's file name and UID, the
file's hash, mtime and size, the fields both sides agreed on at the last sync (JSON) and a
fingerprint of the journal side (``netjournal.vdir``).

A new table, recorded by the history like the people it links (0006's triggers): undoing a
sync removes the links it made with the people it added (the cards stay in the folder and are
found again by their UID), and undoing a deletion puts a person's link back with them. A
person deleted sets ``person_id`` to NULL (the card goes at the next sync).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLE = "vdir_cards"


def _load_0006() -> ModuleType:
    path = Path(__file__).with_name("0006_history.py")
    spec = importlib.util.spec_from_file_location("netjournal_migration_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _history_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        history = _load_0006()
        history.TRACKED[TABLE] = ("id",)
        columns = [c["name"] for c in sa.inspect(op.get_bind()).get_columns(TABLE)]
        for statement in history.sqlite_triggers(TABLE, columns):
            op.execute(statement)
    else:
        op.execute(
            f'CREATE TRIGGER history_{TABLE} AFTER INSERT OR UPDATE OR DELETE ON "{TABLE}" '
            "FOR EACH ROW EXECUTE FUNCTION netjournal_history('id')"
        )


def upgrade() -> None:
    op.create_table(
        "vdir_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vdir", sa.String(length=1000), nullable=False),
        sa.Column("href", sa.String(length=500), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("uid", sa.String(length=500), nullable=True),
        sa.Column("etag", sa.String(length=64), nullable=True),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("base", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_vdir_cards_person_id_people",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_vdir_cards"),
    )
    op.create_index("ix_vdir_cards_person_id", "vdir_cards", ["person_id"])
    op.create_index("ix_vdir_cards_vdir_href", "vdir_cards", ["vdir", "href"], unique=True)
    _history_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in _load_0006().OPS:
            op.execute(f"DROP TRIGGER IF EXISTS history_{TABLE}_{event}")
    else:
        op.execute(f'DROP TRIGGER IF EXISTS history_{TABLE} ON "{TABLE}"')
    op.execute(f"DELETE FROM change_rows WHERE table_name = '{TABLE}'")
    op.drop_index("ix_vdir_cards_vdir_href", table_name="vdir_cards")
    op.drop_index("ix_vdir_cards_person_id", table_name="vdir_cards")
    op.drop_table("vdir_cards")
