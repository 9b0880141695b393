"""question_scores: what each question surfaced, kept by triggers for the catch-up list

The catch-up list suggests, for each person, a question worth asking: the best of those that
surfaced leads, ranked as the questions report ranks them (leads born in meetings where the
question was asked, each lead once per question; then the leads won; then the value of their
outcomes in the journal's currency). Counted from the records, that joins every lead to its
encounter and questions at each call: some 40 ms at 10,000 leads, growing with them. These
tables hold the counts:

- ``question_scores``: per question key (the folded question), the leads that followed it,
  the leads won, and ``first_id``, the first question with that key that surfaced a lead (its
  text is the one shown);
- ``question_worth``: per question key and currency, the value of those leads' outcomes (in
  hundredths, as outcomes keep it).

Triggers on questions, leads, outcomes and encounters add and take away contributions as
rows come and go: what a write removes is taken away before the row goes (a BEFORE trigger)
or, for a question, when no other question of its encounter has the same key; a deleted
encounter takes its whole contribution away before its questions and leads are deleted with
it, whose own triggers then find no meeting and count nothing. ``first_id`` is found again
only when the question it names no longer surfaces a lead. A key no lead follows any more
loses its rows: forgetting a person leaves none of their questions here.

PostgreSQL gains a hash index on ``questions.asked_key`` (SQLite has a btree since 0004), for
finding a key's first question again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCORES, WORTH = "question_scores", "question_worth"
MEETING = "EXISTS (SELECT 1 FROM encounters WHERE id = {} AND kind = 'meeting')"
#: A question surfaces a lead: its encounter is a meeting that has one.
SURFACED = (
    "EXISTS (SELECT 1 FROM encounters e WHERE e.id = q.encounter_id AND e.kind = 'meeting' "
    "AND EXISTS (SELECT 1 FROM leads l WHERE l.encounter_id = e.id))"
)


Least = Callable[[str, str], str]


def _least_sqlite(kept: str, new: str) -> str:
    # SQLite's min() of several values is NULL when one is
    return f"min(COALESCE({kept}, {new}), {new})"


def _least_postgres(kept: str, new: str) -> str:
    return f"LEAST({kept}, {new})"


def _in_encounter(encounter: str) -> str:
    return f"IN (SELECT asked_key FROM questions WHERE encounter_id = {encounter})"


def _add(least: Least, encounter: str, *, key: str = "", lead: str = "", when: str) -> list[str]:
    """Add what the leads of ``encounter`` (or the one ``lead``) contribute to its question
    keys (or the one ``key``), when ``when`` holds."""
    keyed = f" AND asked_key = {key}" if key else ""
    leads = f"id = {lead}" if lead else f"encounter_id = {encounter}"
    return [
        f"INSERT INTO {SCORES} (key, leads, won, first_id) "
        "SELECT k.asked_key, n.leads, n.won, k.first_id FROM "
        f"(SELECT asked_key, min(id) AS first_id FROM questions WHERE encounter_id = {encounter}"
        f"{keyed} GROUP BY asked_key) k, "
        "(SELECT count(*) AS leads, COALESCE(sum(CASE WHEN status = 'won' THEN 1 ELSE 0 END), 0) "
        f"AS won FROM leads WHERE {leads}) n "
        f"WHERE n.leads > 0 AND {when} "
        f"ON CONFLICT (key) DO UPDATE SET leads = {SCORES}.leads + excluded.leads, "
        f"won = {SCORES}.won + excluded.won, "
        f"first_id = {least(f'{SCORES}.first_id', 'excluded.first_id')}",
        f"INSERT INTO {WORTH} (key, currency, value) "
        "SELECT k.asked_key, w.currency, w.value FROM "
        f"(SELECT DISTINCT asked_key FROM questions WHERE encounter_id = {encounter}{keyed}) k, "
        "(SELECT o.currency AS currency, sum(o.value) AS value FROM outcomes o "
        f"JOIN leads l ON l.id = o.lead_id WHERE l.{leads} AND o.value IS NOT NULL "
        "AND o.currency IS NOT NULL GROUP BY o.currency) w "
        f"WHERE {when} "
        f"ON CONFLICT (key, currency) DO UPDATE SET value = {WORTH}.value + excluded.value",
    ]


def _add_key(least: Least, encounter: str, key: str, first: str, *, when: str) -> list[str]:
    """Add what the leads of ``encounter`` contribute to the question key ``key`` (an
    expression), the question ``first`` being its first: for a question not stored yet."""
    return [
        f"INSERT INTO {SCORES} (key, leads, won, first_id) SELECT {key}, n.leads, n.won, {first} "
        "FROM (SELECT count(*) AS leads, COALESCE(sum(CASE WHEN status = 'won' THEN 1 ELSE 0 "
        f"END), 0) AS won FROM leads WHERE encounter_id = {encounter}) n "
        f"WHERE n.leads > 0 AND {when} "
        f"ON CONFLICT (key) DO UPDATE SET leads = {SCORES}.leads + excluded.leads, "
        f"won = {SCORES}.won + excluded.won, "
        f"first_id = {least(f'{SCORES}.first_id', 'excluded.first_id')}",
        f"INSERT INTO {WORTH} (key, currency, value) SELECT {key}, w.currency, w.value FROM "
        "(SELECT o.currency AS currency, sum(o.value) AS value FROM outcomes o "
        f"JOIN leads l ON l.id = o.lead_id WHERE l.encounter_id = {encounter} "
        "AND o.value IS NOT NULL AND o.currency IS NOT NULL GROUP BY o.currency) w "
        f"WHERE {when} "
        f"ON CONFLICT (key, currency) DO UPDATE SET value = {WORTH}.value + excluded.value",
    ]


def _take(encounter: str, keys: str, *, lead: str = "", when: str) -> list[str]:
    """Take away what the leads of ``encounter`` (or the one ``lead``) contributed to the
    question keys ``keys`` (a predicate on ``key``), when ``when`` holds; then drop the keys
    no lead follows any more."""
    leads = f"id = {lead}" if lead else f"encounter_id = {encounter}"
    return [
        f"UPDATE {SCORES} SET leads = leads - (SELECT count(*) FROM leads WHERE {leads}), "
        f"won = won - (SELECT count(*) FROM leads WHERE {leads} AND status = 'won') "
        f"WHERE key {keys} AND {when}",
        f"UPDATE {WORTH} SET value = value - COALESCE((SELECT sum(o.value) FROM outcomes o "
        f"JOIN leads l ON l.id = o.lead_id WHERE l.{leads} AND o.currency = {WORTH}.currency), 0) "
        f"WHERE key {keys} AND {when}",
        *_drop(keys),
    ]


def _drop(keys: str) -> list[str]:
    return [
        f"DELETE FROM {SCORES} WHERE key {keys} AND leads <= 0",
        f"DELETE FROM {WORTH} WHERE key {keys} AND NOT EXISTS "
        f"(SELECT 1 FROM {SCORES} s WHERE s.key = {WORTH}.key)",
    ]


def _refirst(keys: str) -> str:
    """Find the first question again for the keys ``keys`` whose ``first_id`` no longer
    surfaces a lead."""
    return (
        f"UPDATE {SCORES} SET first_id = (SELECT min(q.id) FROM questions q "
        f"WHERE q.asked_key = {SCORES}.key AND {SURFACED}) "
        f"WHERE key {keys} AND NOT EXISTS (SELECT 1 FROM questions q "
        f"WHERE q.id = {SCORES}.first_id AND q.asked_key = {SCORES}.key AND {SURFACED})"
    )


def _worth(row: str, sign: str) -> str:
    """Add (``+``) or take away (``-``) the value of the outcome ``row`` (NEW or OLD) for
    the keys of its lead's meeting."""
    keys = (
        "SELECT DISTINCT q.asked_key FROM questions q JOIN leads l ON l.encounter_id = "
        "q.encounter_id JOIN encounters e ON e.id = l.encounter_id AND e.kind = 'meeting' "
        f"WHERE l.id = {row}.lead_id"
    )
    known = f"{row}.value IS NOT NULL AND {row}.currency IS NOT NULL"
    if sign == "-":
        return (
            f"UPDATE {WORTH} SET value = value - {row}.value WHERE currency = {row}.currency "
            f"AND key IN ({keys}) AND {known}"
        )
    return (
        f"INSERT INTO {WORTH} (key, currency, value) SELECT k.asked_key, {row}.currency, "
        f"{row}.value FROM ({keys}) k WHERE {known} "
        f"ON CONFLICT (key, currency) DO UPDATE SET value = {WORTH}.value + excluded.value"
    )


def triggers(dialect: str) -> list[tuple[str, str, str, list[str]]]:
    """Every trigger: (name, timing and event, table, statements)."""
    least = _least_sqlite if dialect == "sqlite" else _least_postgres
    new_e, old_e = "NEW.encounter_id", "OLD.encounter_id"
    # A question: counted when it is the first of its key in a meeting; taken away when it
    # was the last.
    alone = (
        "NOT EXISTS (SELECT 1 FROM questions WHERE encounter_id = {e} AND asked_key = {k} "
        "AND id <> {i})"
    )
    question_in = _add(
        least,
        new_e,
        key="NEW.asked_key",
        when=f"{MEETING.format(new_e)} AND " + alone.format(e=new_e, k="NEW.asked_key", i="NEW.id"),
    ) + [
        f"UPDATE {SCORES} SET first_id = {least('first_id', 'NEW.id')} WHERE key = NEW.asked_key "
        f"AND {MEETING.format(new_e)} AND EXISTS (SELECT 1 FROM leads WHERE encounter_id = {new_e})"
    ]
    question_out = _take(
        old_e,
        "= OLD.asked_key",
        when=f"{MEETING.format(old_e)} AND " + alone.format(e=old_e, k="OLD.asked_key", i="OLD.id"),
    )
    lead_in = _add(least, new_e, lead="NEW.id", when=MEETING.format(new_e))
    lead_out = _take(old_e, _in_encounter(old_e), lead="OLD.id", when=MEETING.format(old_e))
    encounter_in = _add(least, "NEW.id", when="NEW.kind = 'meeting'")
    encounter_out = _take("OLD.id", _in_encounter("OLD.id"), when="OLD.kind = 'meeting'")
    if dialect == "sqlite":
        # SQLite runs a row's AFTER triggers as soon as the row is written: the next row of
        # the same statement is not there yet.
        questions = [
            ("question_insert", "AFTER INSERT", "questions", question_in),
            (
                "question_delete",
                "AFTER DELETE",
                "questions",
                [*question_out, _refirst("= OLD.asked_key")],
            ),
            (
                "question_unset",
                "BEFORE UPDATE OF asked_key, encounter_id",
                "questions",
                question_out,
            ),
            (
                "question_set",
                "AFTER UPDATE OF asked_key, encounter_id",
                "questions",
                [*question_in, _refirst("= OLD.asked_key")],
            ),
        ]
    else:
        # PostgreSQL runs AFTER row triggers once the whole statement is done: two questions
        # of one key inserted together would each find the other. Its BEFORE row triggers
        # see the rows of the statement processed before theirs, as SQLite's AFTER do.
        question_add = _add_key(
            least,
            new_e,
            "NEW.asked_key",
            "NEW.id",
            when=f"{MEETING.format(new_e)} AND "
            + alone.format(e=new_e, k="NEW.asked_key", i="NEW.id"),
        ) + [question_in[-1]]
        questions = [
            ("question_insert", "BEFORE INSERT", "questions", question_add),
            ("question_remove", "BEFORE DELETE", "questions", question_out),
            ("question_delete", "AFTER DELETE", "questions", [_refirst("= OLD.asked_key")]),
            (
                "question_unset",
                "BEFORE UPDATE OF asked_key, encounter_id",
                "questions",
                [*question_out, *question_add],
            ),
            (
                "question_set",
                "AFTER UPDATE OF asked_key, encounter_id",
                "questions",
                [_refirst("= OLD.asked_key")],
            ),
        ]
    return [
        *questions,
        ("lead_insert", "AFTER INSERT", "leads", lead_in),
        ("lead_remove", "BEFORE DELETE", "leads", lead_out),
        ("lead_delete", "AFTER DELETE", "leads", [_refirst(_in_encounter(old_e))]),
        ("lead_unset", "BEFORE UPDATE OF status, encounter_id", "leads", lead_out),
        (
            "lead_set",
            "AFTER UPDATE OF status, encounter_id",
            "leads",
            [*lead_in, _refirst(_in_encounter(old_e))],
        ),
        ("outcome_insert", "AFTER INSERT", "outcomes", [_worth("NEW", "+")]),
        ("outcome_delete", "AFTER DELETE", "outcomes", [_worth("OLD", "-")]),
        (
            "outcome_unset",
            "BEFORE UPDATE OF value, currency, lead_id",
            "outcomes",
            [_worth("OLD", "-")],
        ),
        (
            "outcome_set",
            "AFTER UPDATE OF value, currency, lead_id",
            "outcomes",
            [_worth("NEW", "+")],
        ),
        ("encounter_remove", "BEFORE DELETE", "encounters", encounter_out),
        ("encounter_unset", "BEFORE UPDATE OF kind", "encounters", encounter_out),
        (
            "encounter_set",
            "AFTER UPDATE OF kind",
            "encounters",
            [*encounter_in, _refirst(_in_encounter("NEW.id"))],
        ),
    ]


def upgrade() -> None:
    op.create_table(
        SCORES,
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("leads", sa.Integer(), nullable=False),
        sa.Column("won", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_question_scores"),
    )
    op.create_index("ix_question_scores_leads_won", SCORES, ["leads", "won"])
    op.create_table(
        WORTH,
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", "currency", name="pk_question_worth"),
    )
    dialect = op.get_bind().dialect.name
    if dialect != "sqlite":
        op.execute("CREATE INDEX ix_questions_asked_key_hash ON questions USING hash (asked_key)")
    # What the records hold today, counted as the triggers will keep it.
    per_lead = (
        "SELECT q.asked_key AS key, l.id AS lead_id, l.status AS status, min(q.id) AS first_id "
        "FROM leads l JOIN encounters e ON e.id = l.encounter_id AND e.kind = 'meeting' "
        "JOIN questions q ON q.encounter_id = l.encounter_id GROUP BY q.asked_key, l.id, l.status"
    )
    op.execute(
        f"INSERT INTO {SCORES} (key, leads, won, first_id) SELECT key, count(*), "
        f"sum(CASE WHEN status = 'won' THEN 1 ELSE 0 END), min(first_id) FROM ({per_lead}) p "
        "GROUP BY key"
    )
    op.execute(
        f"INSERT INTO {WORTH} (key, currency, value) SELECT p.key, o.currency, sum(o.value) "
        f"FROM ({per_lead}) p JOIN outcomes o ON o.lead_id = p.lead_id "
        "WHERE o.value IS NOT NULL AND o.currency IS NOT NULL GROUP BY p.key, o.currency"
    )
    for name, event, table, statements in triggers(dialect):
        if dialect == "sqlite":
            body = " ".join(f"{s};" for s in statements)
            op.execute(f"CREATE TRIGGER scores_{name} {event} ON {table} BEGIN {body} END")
            continue
        result = "OLD" if "DELETE" in event else "NEW"
        body = " ".join(f"{s};" for s in statements)
        op.execute(
            f"CREATE FUNCTION netjournal_scores_{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN {result}; END $$"
        )
        op.execute(
            f"CREATE TRIGGER scores_{name} {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION netjournal_scores_{name}()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, _event, table, _statements in triggers(dialect):
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS scores_{name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS scores_{name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS netjournal_scores_{name}()")
    if dialect != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_questions_asked_key_hash")
    op.drop_table(WORTH)
    op.drop_index("ix_question_scores_leads_won", table_name=SCORES)
    op.drop_table(SCORES)
