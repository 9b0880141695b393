"""vdir sync: where each person stands with a folder of vCards since the last sync

``netjournal sync vdir DIR`` keeps the journal's people and a vdir (one ``.vcf`` per contact,
as vdirsyncer and khard keep them) in step. To find what changed on either side without
comparing everything, each synced card has a row: the vdir, the card's file name and UID, the
file's hash, mtime and size, the fields both sides agreed on at the last sync (JSON) and a
fingerprint of the journal side (``netjournal.vdir``).

A new table only: no column is added to a history-tracked table, so no trigger changes; the
table itself is not recorded by the history (it describes files, which an undo cannot put
back). A person deleted sets ``person_id`` to NULL (the card goes at the next sync).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


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


def downgrade() -> None:
    op.drop_index("ix_vdir_cards_vdir_href", table_name="vdir_cards")
    op.drop_index("ix_vdir_cards_person_id", table_name="vdir_cards")
    op.drop_table("vdir_cards")
