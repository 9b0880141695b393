"""history: change sets recorded by triggers, so that any write can be undone

Every table of records gets triggers that copy, for each row inserted, updated or deleted,
its key and (for an update or a deletion) the row as it was, as JSON of the stored values,
into ``change_rows``, under the change set named by the single row of ``change_open``. That
row exists only inside a netjournal writer's own transaction (``netjournal.history``); a write
made without it (another program, ``people forget``) records nothing. An update that changes
no value records nothing either.

The profile gains ``history_days``: how long change sets are kept (none: 180 days).

A later migration that rebuilds one of these tables on SQLite (batch mode drops its
triggers) recreates them with :func:`sqlite_triggers` of this file.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables whose rows the history records, with their key columns.
TRACKED: dict[str, tuple[str, ...]] = {
    "tags": ("id",),
    "people": ("id",),
    "events": ("id",),
    "profile": ("id",),
    "profile_fields": ("id",),
    "contact_points": ("id",),
    "person_tags": ("person_id", "tag_id"),
    "event_tags": ("event_id", "tag_id"),
    "encounters": ("id",),
    "encounter_tags": ("encounter_id", "tag_id"),
    "questions": ("id",),
    "leads": ("id",),
    "lead_tags": ("lead_id", "tag_id"),
    "outcomes": ("id",),
    "followups": ("id",),
}

OPS = {"insert": "I", "update": "U", "delete": "D"}


def _key(row: str, keys: tuple[str, ...]) -> str:
    return " || ',' || ".join(f"CAST({row}.{k} AS TEXT)" for k in keys)


def sqlite_triggers(table: str, columns: list[str]) -> list[str]:
    """The three history triggers of ``table`` on SQLite (its ``columns`` as they are now)."""
    keys = TRACKED[table]
    image = ", ".join(f"'{c}', OLD.\"{c}\"" for c in columns)
    statements = []
    for event, op_code in OPS.items():
        row = "NEW" if event == "insert" else "OLD"
        when = "EXISTS (SELECT 1 FROM change_open)"
        if event == "update":
            changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in columns)
            when = f"{when} AND ({changed})"
        old = "NULL" if event == "insert" else f"json_object({image})"
        statements.append(
            f'CREATE TRIGGER history_{table}_{event} AFTER {event.upper()} ON "{table}" '
            f"WHEN {when} BEGIN "
            f"INSERT INTO change_rows (change_id, table_name, row_key, op, old) "
            f"SELECT id, '{table}', {_key(row, keys)}, '{op_code}', {old} FROM change_open; "
            f"END"
        )
    return statements


POSTGRES_FUNCTION = """
CREATE FUNCTION netjournal_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cid integer;
    image jsonb;
    row_key text;
BEGIN
    SELECT id INTO cid FROM change_open LIMIT 1;
    IF cid IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        image := to_jsonb(NEW);
    ELSE
        image := to_jsonb(OLD);
        IF TG_OP = 'UPDATE' AND image = to_jsonb(NEW) THEN
            RETURN NULL;
        END IF;
    END IF;
    SELECT string_agg(image ->> k.name, ',' ORDER BY k.n) INTO row_key
    FROM unnest(TG_ARGV) WITH ORDINALITY AS k(name, n);
    INSERT INTO change_rows (change_id, table_name, row_key, op, old)
    VALUES (cid, TG_TABLE_NAME, row_key, left(TG_OP, 1),
            CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE image::text END);
    RETURN NULL;
END
$$
"""


def _columns(table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)]


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index(op.f("ix_changes_at"), "changes", ["at"])
    op.create_table(
        "change_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("row_key", sa.String(length=60), nullable=False),
        sa.Column("op", sa.String(length=1), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name=op.f("fk_change_rows_change_id_changes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_rows")),
    )
    op.create_index(op.f("ix_change_rows_change_id"), "change_rows", ["change_id"])
    op.create_index(
        "ix_change_rows_table_name_row_key",
        "change_rows",
        ["table_name", "row_key", "change_id"],
    )
    op.create_table(
        "change_open",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_open")),
    )
    op.add_column("profile", sa.Column("history_days", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        for table in TRACKED:
            for statement in sqlite_triggers(table, _columns(table)):
                op.execute(statement)
    else:
        op.execute(POSTGRES_FUNCTION)
        for table, keys in TRACKED.items():
            arguments = ", ".join(f"'{k}'" for k in keys)
            op.execute(
                f'CREATE TRIGGER history_{table} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION netjournal_history({arguments})"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TRACKED:
            for event in OPS:
                op.execute(f"DROP TRIGGER IF EXISTS history_{table}_{event}")
    else:
        for table in TRACKED:
            op.execute(f'DROP TRIGGER IF EXISTS history_{table} ON "{table}"')
        op.execute("DROP FUNCTION IF EXISTS netjournal_history()")
    with op.batch_alter_table("profile") as batch:
        batch.drop_column("history_days")
    op.drop_table("change_open")
    op.drop_index("ix_change_rows_table_name_row_key", table_name="change_rows")
    op.drop_index(op.f("ix_change_rows_change_id"), table_name="change_rows")
    op.drop_table("change_rows")
    op.drop_index(op.f("ix_changes_at"), table_name="changes")
    op.drop_table("changes")
