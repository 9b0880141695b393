"""stored name, field, series and tag keys folded again: apostrophes and hyphens are spaces

Folding (``netjournal.text.fold``) now reads apostrophes and hyphens as spaces, so that
"jean francois" finds "Jean-François" and "ndiaye" finds "Zoé N'Diaye". Keys written before
kept the old spelling; this rewrites each of them from its source column, and tags or profile
fields that now fold alike become one (``netjournal.refold``). Data only: the schema does not
change, and the history records nothing (no change set is open during a migration).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from netjournal.refold import refold

    refold(op.get_bind())


def downgrade() -> None:
    # Keys folded the new way still find every record by its old spelling's words; merged
    # tags stay merged (their names are kept on the tag that remains).
    pass
