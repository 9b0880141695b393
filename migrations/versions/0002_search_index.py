"""search index

One search document per searchable row (person, event, encounter, question, lead, outcome) in
``search_docs``, kept in step with its source by triggers, so every write is searchable at
once and a deletion takes its document with it. A document's id is ``row id * 8 + kind``.
An encounter's document also carries its context (the person's name, organization and field,
the event's name), so "packaging Lyon" finds the encounter with the packaging person at the
Lyon meetup.

- SQLite: a contentless FTS5 table ``search_fts`` (unicode61, remove_diacritics 2, prefix
  indexes; ranked by bm25 weighting head > body > context) fed by triggers on
  ``search_docs``.
- PostgreSQL: a generated ``tsvector`` column (unaccent, 'simple' config, weights A/B/C) with
  a GIN index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NL = "'\n'"
# Letters both indexes must spell the same way (netjournal.query.LIGATURES).
LIGATURES = {
    "œ": "oe",
    "Œ": "oe",
    "æ": "ae",
    "Æ": "ae",
    "ß": "ss",
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
}
KIND_CODES = {"person": 1, "event": 2, "encounter": 3, "question": 4, "lead": 5, "outcome": 6}
SOURCES = {
    "person": "people",
    "event": "events",
    "encounter": "encounters",
    "question": "questions",
    "lead": "leads",
    "outcome": "outcomes",
}
ALL_COLUMNS = (
    "id, kind, ref_id, person_id, event_id, encounter_id, lead_id, date, head, body, context"
)
DOC_COLUMNS = (
    "person_id",
    "event_id",
    "encounter_id",
    "lead_id",
    "date",
    "head",
    "body",
    "context",
)
NULL_ID = "CAST(NULL AS INTEGER)"
NULL_TEXT = "CAST(NULL AS TEXT)"


def _join(*columns: str) -> str:
    """Non-empty columns one per line (concat_ws is missing from older SQLite)."""
    return " || ".join(f"coalesce({c} || {NL}, '')" for c in columns)


def _views(dialect: str) -> dict[str, str]:
    created = "date(p.created_at)" if dialect == "sqlite" else "CAST(p.created_at AS DATE)"

    def doc_id(alias: str, kind: str) -> str:
        return f"CAST({alias}.id AS BIGINT) * 8 + {KIND_CODES[kind]}"

    return {
        "person": f"""
            SELECT {doc_id("p", "person")} AS id, 'person' AS kind, p.id AS ref_id,
                   p.id AS person_id, {NULL_ID} AS event_id, {NULL_ID} AS encounter_id,
                   {NULL_ID} AS lead_id, {created} AS date, p.display_name AS head,
                   {_join("p.organization", "p.title", "p.field", "p.location", "p.notes")}
                       AS body,
                   {NULL_TEXT} AS context
            FROM people p""",
        "event": f"""
            SELECT {doc_id("e", "event")} AS id, 'event' AS kind, e.id AS ref_id,
                   {NULL_ID} AS person_id, e.id AS event_id, {NULL_ID} AS encounter_id,
                   {NULL_ID} AS lead_id, e.start_date AS date, e.name AS head,
                   {_join("e.location", "e.organizer", "e.series", "e.notes")} AS body,
                   {NULL_TEXT} AS context
            FROM events e""",
        "encounter": f"""
            SELECT {doc_id("n", "encounter")} AS id, 'encounter' AS kind, n.id AS ref_id,
                   n.person_id AS person_id, n.event_id AS event_id, n.id AS encounter_id,
                   {NULL_ID} AS lead_id, n.date AS date, {NULL_TEXT} AS head,
                   {_join("n.notes", "n.stakes", "n.wishes")} AS body,
                   {_join("p.display_name", "p.organization", "p.field", "ev.name")} AS context
            FROM encounters n
            JOIN people p ON p.id = n.person_id
            LEFT JOIN events ev ON ev.id = n.event_id""",
        "question": f"""
            SELECT {doc_id("q", "question")} AS id, 'question' AS kind, q.id AS ref_id,
                   n.person_id AS person_id, n.event_id AS event_id, n.id AS encounter_id,
                   {NULL_ID} AS lead_id, n.date AS date, q.asked AS head, q.learned AS body,
                   {NULL_TEXT} AS context
            FROM questions q JOIN encounters n ON n.id = q.encounter_id""",
        "lead": f"""
            SELECT {doc_id("l", "lead")} AS id, 'lead' AS kind, l.id AS ref_id,
                   n.person_id AS person_id, n.event_id AS event_id, n.id AS encounter_id,
                   l.id AS lead_id, n.date AS date, l.summary AS head,
                   {_join("l.details", "l.points_to")} AS body, {NULL_TEXT} AS context
            FROM leads l JOIN encounters n ON n.id = l.encounter_id""",
        "outcome": f"""
            SELECT {doc_id("o", "outcome")} AS id, 'outcome' AS kind, o.id AS ref_id,
                   n.person_id AS person_id, n.event_id AS event_id, n.id AS encounter_id,
                   l.id AS lead_id, o.date AS date, o.description AS head,
                   {NULL_TEXT} AS body, {NULL_TEXT} AS context
            FROM outcomes o
            JOIN leads l ON l.id = o.lead_id
            JOIN encounters n ON n.id = l.encounter_id""",
    }


def _refresh(kind: str, *, columns: Sequence[str] = DOC_COLUMNS) -> str:
    listed = ", ".join(columns)
    return (
        f"UPDATE search_docs SET ({listed}) = "
        f"(SELECT {listed} FROM search_src_{kind} WHERE ref_id = NEW.id) "
        f"WHERE id = CAST(NEW.id AS BIGINT) * 8 + {KIND_CODES[kind]}"
    )


def _changed(dialect: str, columns: Sequence[str]) -> str:
    op_ = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"OLD.{c} {op_} NEW.{c}" for c in columns)


def _context_refresh(where: str) -> str:
    return (
        "UPDATE search_docs SET context = (SELECT s.context FROM search_src_encounter s "
        f"WHERE s.ref_id = search_docs.ref_id) WHERE kind = 'encounter' AND {where}"
    )


def _triggers(dialect: str) -> list[tuple[str, str, str, str | None, list[str]]]:
    """(name, timing/event, table, condition, statements) for every source-table trigger."""
    found: list[tuple[str, str, str, str | None, list[str]]] = []
    for kind, table in SOURCES.items():
        insert = (
            f"INSERT INTO search_docs ({ALL_COLUMNS}) "
            f"SELECT {ALL_COLUMNS} FROM search_src_{kind} WHERE ref_id = NEW.id"
        )
        found.append((f"search_{table}_ai", "AFTER INSERT", table, None, [insert]))
        found.append((f"search_{table}_au", "AFTER UPDATE", table, None, [_refresh(kind)]))
    code = KIND_CODES
    deletes = {
        "people": "DELETE FROM search_docs WHERE person_id = OLD.id",
        "events": f"DELETE FROM search_docs WHERE id = CAST(OLD.id AS BIGINT) * 8 + {code['event']}",
        "encounters": "DELETE FROM search_docs WHERE encounter_id = OLD.id",
        "questions": f"DELETE FROM search_docs WHERE id = CAST(OLD.id AS BIGINT) * 8 + {code['question']}",
        "leads": "DELETE FROM search_docs WHERE lead_id = OLD.id",
        "outcomes": f"DELETE FROM search_docs WHERE id = CAST(OLD.id AS BIGINT) * 8 + {code['outcome']}",
    }
    for table, statement in deletes.items():
        statements = [statement]
        if table == "events":
            statements += [
                _context_refresh("event_id = OLD.id"),
                "UPDATE search_docs SET event_id = NULL WHERE event_id = OLD.id",
            ]
        found.append((f"search_{table}_ad", "AFTER DELETE", table, None, statements))
    # What an encounter's document borrows from its person and event, and what its
    # questions, leads and outcomes borrow from it.
    person_cols = ("display_name", "organization", "field")
    found.append(
        (
            "search_people_context",
            "AFTER UPDATE",
            "people",
            _changed(dialect, person_cols),
            [_context_refresh("person_id = NEW.id")],
        )
    )
    found.append(
        (
            "search_events_context",
            "AFTER UPDATE",
            "events",
            _changed(dialect, ("name",)),
            [_context_refresh("event_id = NEW.id")],
        )
    )
    found.append(
        (
            "search_encounters_children",
            "AFTER UPDATE",
            "encounters",
            _changed(dialect, ("person_id", "event_id", "date")),
            [
                "UPDATE search_docs SET person_id = NEW.person_id, event_id = NEW.event_id, "
                "date = CASE WHEN kind = 'outcome' THEN date ELSE NEW.date END "
                "WHERE encounter_id = NEW.id AND kind <> 'encounter'"
            ],
        )
    )
    return found


def _fold_sql(expr: str) -> str:
    for letter, spelled in LIGATURES.items():
        expr = f"replace({expr}, '{letter}', '{spelled}')"
    return expr


def _create_docs_table(dialect: str) -> None:
    extra = ""
    if dialect == "postgresql":
        extra = """,
            tsv tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('simple'::regconfig, search_text(head)), 'A')
                || setweight(to_tsvector('simple'::regconfig, search_text(body)), 'B')
                || setweight(to_tsvector('simple'::regconfig, search_text(context)), 'C')
            ) STORED"""
    # On SQLite only "INTEGER PRIMARY KEY" makes the id the rowid (no second index).
    id_type = "INTEGER" if dialect == "sqlite" else "BIGINT"
    op.execute(
        f"""CREATE TABLE search_docs (
            id {id_type} NOT NULL PRIMARY KEY,
            kind VARCHAR(10) NOT NULL,
            ref_id INTEGER NOT NULL,
            person_id INTEGER,
            event_id INTEGER,
            encounter_id INTEGER,
            lead_id INTEGER,
            date DATE,
            head TEXT,
            body TEXT,
            context TEXT{extra}
        )"""
    )
    for name, columns in (
        ("date", "date, id"),
        ("kind", "kind, date, id"),
        ("person_id", "person_id, date"),
        ("event_id", "event_id, date"),
        ("encounter_id", "encounter_id"),
        ("lead_id", "lead_id"),
    ):
        op.execute(f"CREATE INDEX ix_search_docs_{name} ON search_docs ({columns})")
    if dialect == "postgresql":
        op.execute("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)")


def _upgrade_sqlite() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(head, body, context, content='', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    new = ", ".join(_fold_sql(f"new.{c}") for c in ("head", "body", "context"))
    old = ", ".join(_fold_sql(f"old.{c}") for c in ("head", "body", "context"))
    add = f"INSERT INTO search_fts(rowid, head, body, context) VALUES (new.id, {new});"
    remove = (
        "INSERT INTO search_fts(search_fts, rowid, head, body, context) "
        f"VALUES ('delete', old.id, {old});"
    )
    changed = _changed("sqlite", ("head", "body", "context"))
    op.execute(f"CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN {add} END")
    op.execute(f"CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN {remove} END")
    op.execute(
        "CREATE TRIGGER search_docs_au AFTER UPDATE OF head, body, context ON search_docs "
        f"WHEN {changed} BEGIN {remove} {add} END"
    )
    for name, event, table, condition, statements in _triggers("sqlite"):
        when = f" WHEN {condition}" if condition else ""
        body = " ".join(f"{s};" for s in statements)
        op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} BEGIN {body} END")


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # unaccent() is STABLE (it reads a dictionary chosen by search_path); naming the
    # dictionary makes it safe to declare IMMUTABLE, which a generated column requires.
    op.execute(
        r"""CREATE FUNCTION search_text(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(
                public.unaccent('public.unaccent'::regdictionary, coalesce(value, '')),
                '[[:punct:]]', ' ', 'g')
        $$"""
    )
    _create_docs_table("postgresql")
    for kind, view in _views("postgresql").items():
        op.execute(f"CREATE VIEW search_src_{kind} AS {view}")
    for name, event, table, condition, statements in _triggers("postgresql"):
        body = " ".join(f"{s};" for s in statements)
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        when = f" WHEN ({condition})" if condition else ""
        op.execute(
            f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {name}()"
        )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _create_docs_table("sqlite")
        for kind, view in _views("sqlite").items():
            op.execute(f"CREATE VIEW search_src_{kind} AS {view}")
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()
    for kind in SOURCES:  # backfill what the journal already holds
        op.execute(
            f"INSERT INTO search_docs ({ALL_COLUMNS}) SELECT {ALL_COLUMNS} FROM search_src_{kind}"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, _event, table, _condition, _statements in _triggers(dialect):
        op.execute(
            f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else f" ON {table}")
        )
        if dialect == "postgresql":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    for kind in SOURCES:
        op.execute(f"DROP VIEW IF EXISTS search_src_{kind}")
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DROP TABLE IF EXISTS search_docs")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS search_text(text)")
