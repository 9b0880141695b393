"""person_touch: each person's cadence and last touch, kept by triggers for the catch-up list

``netjournal catchup`` ranks the people due by how late they are against their cadence. Asked
of the records themselves, that is a look-up of the last meeting and of the last follow-up done
for every person, and a grouping of every tag's cadence: some 50 ms at 20,000 people, growing
with them. This table holds the answer for each person a cadence applies to, one row each:

- ``every``, ``at_most``: the cadence that applies (their own, else their tags' most
  demanding, as ``netjournal.cadence`` says), and ``tag_code`` when it comes from a tag (the
  rhythm and limit coded as one number, ``every * 1,000,000 + at_most``, 999,999 for none);
- ``touch_day``: the day of the last touch of all time (the last meeting, the last follow-up
  done, else the day they were added), as a day number (``date.toordinal()``), so that "due"
  is integer arithmetic on both backends.

An index on ``(every, touch_day)`` gives, for each cadence, the most overdue first: the top of
the list is a few index walks whatever the size of the journal. A list asked "as of" a past
day uses the rows whose last touch is not after that day, and recomputes the others
(``netjournal.catchup``).

Triggers on people, their tags, tags, encounters and follow-ups recompute the row of each
person a write concerns (a delete and an insert: a person who lost their last cadence has no
row), and only when it can change: a meeting or a follow-up done of a person who has a row, a
tag with a cadence, a cadence set. An import of people no cadence applies to runs none. A
person deleted takes their row with them (``ON DELETE CASCADE``). The table is derived: the history does not record it (undoing a change rewrites the
records, whose triggers rewrite it), exports leave it out, and it holds no text.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "person_touch"
#: A tag's (rhythm, limit) coded as one number, as netjournal.catchup codes it.
CODE = 1_000_000
#: SQLite's julianday() of the day before 0001-01-01, at noon: julianday(d) - this is the
#: proleptic ordinal of d, as Python's date.toordinal() and PostgreSQL's d - '0001-01-01' + 1.
JULIAN_OFFSET = 1721424.5

#: SQLite's triggers: (table, name, event, when, the person ids to recompute). Only writes that
#: can change a row run one: a person has a row only when a cadence applies to them, which
#: only their own setting, a tag or a tag's cadence changes; an encounter or a follow-up
#: matters only for a person who has a row, and only when it is a meeting, or done.
HAS_ROW = "EXISTS (SELECT 1 FROM person_touch WHERE person_id = {})"
SQLITE_TRIGGERS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("people", "insert", "INSERT", "NEW.cadence_days IS NOT NULL", ("NEW.id",)),
    ("people", "update", "UPDATE OF cadence_days, cadence_max_days, created_at", "", ("NEW.id",)),
    (
        "person_tags",
        "insert",
        "INSERT",
        "EXISTS (SELECT 1 FROM tags WHERE id = NEW.tag_id AND cadence_days IS NOT NULL)",
        ("NEW.person_id",),
    ),
    ("person_tags", "update", "UPDATE", "", ("OLD.person_id", "NEW.person_id")),
    ("person_tags", "delete", "DELETE", HAS_ROW.format("OLD.person_id"), ("OLD.person_id",)),
    (
        "encounters",
        "insert",
        "INSERT",
        f"NEW.kind = 'meeting' AND {HAS_ROW.format('NEW.person_id')}",
        ("NEW.person_id",),
    ),
    (
        "encounters",
        "update",
        "UPDATE OF person_id, date, kind",
        f"{HAS_ROW.format('OLD.person_id')} OR {HAS_ROW.format('NEW.person_id')}",
        ("OLD.person_id", "NEW.person_id"),
    ),
    (
        "encounters",
        "delete",
        "DELETE",
        f"OLD.kind = 'meeting' AND {HAS_ROW.format('OLD.person_id')}",
        ("OLD.person_id",),
    ),
    (
        "followups",
        "insert",
        "INSERT",
        f"NEW.done_on IS NOT NULL AND {HAS_ROW.format('NEW.person_id')}",
        ("NEW.person_id",),
    ),
    (
        "followups",
        "update",
        "UPDATE OF person_id, done_on",
        f"{HAS_ROW.format('OLD.person_id')} OR {HAS_ROW.format('NEW.person_id')}",
        ("OLD.person_id", "NEW.person_id"),
    ),
    (
        "followups",
        "delete",
        "DELETE",
        f"OLD.done_on IS NOT NULL AND {HAS_ROW.format('OLD.person_id')}",
        ("OLD.person_id",),
    ),
)
TAG_COLUMNS = "cadence_days, cadence_max_days"


def _select(dialect: str, people: str) -> str:
    """The rows of the people whose id satisfies ``people`` (an SQL predicate on an id
    column, written after it: ``= NEW.id``, ``IN (...)``)."""
    if dialect == "sqlite":
        # SQLite's max() of several values is NULL when one is: '' stands for none.
        later = (
            "NULLIF(max(COALESCE((SELECT max(e.date) FROM encounters e WHERE e.person_id = p.id "
            "AND e.kind = 'meeting'), ''), COALESCE((SELECT max(f.done_on) FROM followups f "
            "WHERE f.person_id = p.id), '')), '')"
        )
        day = f"CAST(julianday(COALESCE({later}, date(p.created_at))) - {JULIAN_OFFSET} AS INTEGER)"
    else:
        later = (
            "GREATEST((SELECT max(e.date) FROM encounters e WHERE e.person_id = p.id "
            "AND e.kind = 'meeting'), (SELECT max(f.done_on) FROM followups f "
            "WHERE f.person_id = p.id))"
        )
        day = f"(COALESCE({later}, CAST(p.created_at AS date)) - DATE '0001-01-01' + 1)"
    code = f"CAST(tg.cadence_days AS BIGINT) * {CODE} + COALESCE(tg.cadence_max_days, {CODE - 1})"
    return (
        "SELECT id, every, at_most, tag_code, touch_day FROM ("
        "SELECT p.id AS id, "
        f"COALESCE(p.cadence_days, CAST(c.code / {CODE} AS INTEGER)) AS every, "
        "CASE WHEN p.cadence_days IS NOT NULL THEN p.cadence_max_days "
        f"ELSE NULLIF(CAST(c.code % {CODE} AS INTEGER), {CODE - 1}) END AS at_most, "
        "CASE WHEN p.cadence_days IS NOT NULL THEN NULL ELSE c.code END AS tag_code, "
        f"{day} AS touch_day "
        "FROM people p LEFT JOIN ("
        f"SELECT pt.person_id AS person_id, min({code}) AS code FROM person_tags pt "
        "JOIN tags tg ON tg.id = pt.tag_id "
        f"WHERE tg.cadence_days IS NOT NULL AND pt.person_id {people} GROUP BY pt.person_id"
        f") c ON c.person_id = p.id WHERE p.id {people}"
        ") timed WHERE every IS NOT NULL"
    )


def _refresh(dialect: str, people: str, when: str = "") -> str:
    """Recompute the rows of the people ``people`` selects (see :func:`_select`); ``when``, a
    condition that must also hold (SQLite triggers have no IF)."""
    guard = f" AND {when}" if when else ""
    return (
        f"DELETE FROM {TABLE} WHERE person_id {people}{guard}; "
        f"INSERT INTO {TABLE} (person_id, every, at_most, tag_code, touch_day) "
        f"{_select(dialect, people + guard)};"
    )


def sqlite_triggers() -> list[str]:
    """The SQLite triggers (also what a later migration rebuilding one of these tables in
    batch mode, which drops its triggers, creates again)."""
    statements = []
    for table, name, event, when, ids in SQLITE_TRIGGERS:
        body = _refresh("sqlite", f"= {ids[-1]}")
        if len(ids) == 2:  # an update: the old person too, when the row moved
            body += " " + _refresh("sqlite", f"= {ids[0]}", f"{ids[0]} IS NOT {ids[1]}")
        condition = f" WHEN {when}" if when else ""
        statements.append(
            f"CREATE TRIGGER touch_{table}_{name} AFTER {event} ON {table}{condition} "
            f"BEGIN {body} END"
        )
    tagged = "IN (SELECT person_id FROM person_tags WHERE tag_id = NEW.id)"
    statements.append(
        f"CREATE TRIGGER touch_tags_update AFTER UPDATE OF {TAG_COLUMNS} ON tags "
        f"BEGIN {_refresh('sqlite', tagged)} END"
    )
    return statements


def _postgres_function() -> str:
    return (
        "CREATE FUNCTION netjournal_touch(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$ "
        f"BEGIN IF cardinality(ids) > 0 THEN {_refresh('postgresql', '= ANY(ids)')} END IF; "
        "END $$"
    )


#: PostgreSQL's trigger functions, one per table, with the same conditions as SQLite's.
POSTGRES_FUNCTIONS = {
    "people": """
        IF TG_OP = 'UPDATE' OR NEW.cadence_days IS NOT NULL THEN
            PERFORM netjournal_touch(ARRAY[NEW.id]);
        END IF;""",
    "person_tags": """
        IF TG_OP = 'INSERT' THEN
            IF EXISTS (SELECT 1 FROM tags WHERE id = NEW.tag_id AND cadence_days IS NOT NULL)
            THEN
                PERFORM netjournal_touch(ARRAY[NEW.person_id]);
            END IF;
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM netjournal_touch(ARRAY(
                SELECT person_id FROM person_touch WHERE person_id = OLD.person_id));
        ELSE
            PERFORM netjournal_touch(ARRAY[OLD.person_id, NEW.person_id]);
        END IF;""",
    "encounters": """
        PERFORM netjournal_touch(ARRAY(SELECT person_id FROM person_touch WHERE person_id IN (
            CASE WHEN TG_OP = 'UPDATE' OR (TG_OP = 'DELETE' AND OLD.kind = 'meeting')
                THEN OLD.person_id END,
            CASE WHEN TG_OP = 'UPDATE' OR (TG_OP = 'INSERT' AND NEW.kind = 'meeting')
                THEN NEW.person_id END)));""",
    "followups": """
        PERFORM netjournal_touch(ARRAY(SELECT person_id FROM person_touch WHERE person_id IN (
            CASE WHEN TG_OP = 'UPDATE' OR (TG_OP = 'DELETE' AND OLD.done_on IS NOT NULL)
                THEN OLD.person_id END,
            CASE WHEN TG_OP = 'UPDATE' OR (TG_OP = 'INSERT' AND NEW.done_on IS NOT NULL)
                THEN NEW.person_id END)));""",
    "tags": """
        PERFORM netjournal_touch(ARRAY(SELECT person_id FROM person_tags WHERE tag_id = NEW.id));""",
}
#: The PostgreSQL triggers: the writes that run each table's function.
POSTGRES_EVENTS = {
    "people": "INSERT OR UPDATE OF cadence_days, cadence_max_days, created_at",
    "person_tags": "INSERT OR DELETE OR UPDATE",
    "encounters": "INSERT OR DELETE OR UPDATE OF person_id, date, kind",
    "followups": "INSERT OR DELETE OR UPDATE OF person_id, done_on",
    "tags": f"UPDATE OF {TAG_COLUMNS}",
}


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("at_most", sa.Integer(), nullable=True),
        sa.Column("tag_code", sa.BigInteger(), nullable=True),
        sa.Column("touch_day", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name="fk_person_touch_person_id_people",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name="pk_person_touch"),
    )
    op.create_index("ix_person_touch_every_touch_day", TABLE, ["every", "touch_day"])
    op.create_index("ix_person_touch_touch_day", TABLE, ["touch_day"])
    dialect = op.get_bind().dialect.name
    op.execute(
        f"INSERT INTO {TABLE} (person_id, every, at_most, tag_code, touch_day) "
        f"{_select(dialect, 'IS NOT NULL')}"
    )
    if dialect == "sqlite":
        for statement in sqlite_triggers():
            op.execute(statement)
        return
    op.execute(_postgres_function())
    for table, body in POSTGRES_FUNCTIONS.items():
        op.execute(
            f"CREATE FUNCTION netjournal_touch_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER touch_{table} AFTER {POSTGRES_EVENTS[table]} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION netjournal_touch_{table}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, name, *_rest in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS touch_{table}_{name}")
        op.execute("DROP TRIGGER IF EXISTS touch_tags_update")
    else:
        for table in POSTGRES_FUNCTIONS:
            op.execute(f"DROP TRIGGER IF EXISTS touch_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS netjournal_touch_{table}()")
        op.execute("DROP FUNCTION IF EXISTS netjournal_touch(integer[])")
    op.drop_index("ix_person_touch_touch_day", table_name=TABLE)
    op.drop_index("ix_person_touch_every_touch_day", table_name=TABLE)
    op.drop_table(TABLE)
