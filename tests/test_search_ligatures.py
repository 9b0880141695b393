"""Letters that accents do not cover (œ, æ, ß, ẞ, ø, ł, đ, upper or lower case) are found
however they are typed, the same on SQLite and PostgreSQL; migration 0015 re-indexes what an
older journal spelled otherwise (the capital ẞ)."""

from __future__ import annotations

import pytest

from netjournal import Journal
from netjournal.query import LIGATURES, fold


@pytest.mark.parametrize("letter", sorted(LIGATURES))
def test_a_ligature_is_found_by_itself_either_case_and_spelled_out(
    journal: Journal, letter: str
) -> None:
    word = f"zorv{letter}ique"
    encounter = journal.log("Ligature Person", notes=f"Une note {word} ici")
    spelled = f"zorv{LIGATURES[letter]}ique"
    for typed in {word, word.upper(), word.lower(), spelled, spelled.upper()}:
        hits = [h.id for h in journal.search(typed, kinds="encounter")]
        assert hits == [encounter.id], (typed, fold(typed))


def test_0015_reindexes_what_0014_spelled_otherwise(journal_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine, text

    from netjournal import db, schema

    with Journal.open(journal_url):
        pass
    engine = create_engine(db.resolve(journal_url).url)
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0014")
        conn.execute(
            text(
                "INSERT INTO people (display_name, name_key, notes, created_at, updated_at) "
                "VALUES ('Anna Groß', 'anna gross', 'GROẞE STRAẞE 5', '2026-01-01', "
                "'2026-01-01')"
            )
        )
    with engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), "head")
    engine.dispose()
    with Journal.open(journal_url) as journal:
        person = journal.people.get("Anna Groß")
        for typed in ("strasse", "STRAẞE", "straße", "grosse", "gross"):
            assert [h.id for h in journal.search(typed, kinds="person")] == [person.id], typed
        journal.people.delete(person.id)
        assert journal.search("strasse") == []
        if journal.store.backend == "sqlite":  # the index itself holds nothing of it any more
            with journal.store.connect() as conn:
                for word in ("strasse", "straße"):
                    stale = conn.exec_driver_sql(
                        f"SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"{word}\"'"
                    ).scalar()
                    assert stale == 0, word
