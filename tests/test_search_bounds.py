"""What the search index reads is bounded the same way on SQLite and PostgreSQL (issue 19,
item 11): a 1 MB note saves on both, its text is kept whole, and the same words are found."""

from __future__ import annotations

import random

import pytest

from netjournal import Journal

INDEXED_CHARS = 50_000  # migration 0009


def words(count: int, seed: int) -> str:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return " ".join("".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(count))


def found(journal: Journal, query: str) -> list[int]:
    return [hit.id for hit in journal.search(query, kinds="encounter")]


@pytest.mark.slow  # a megabyte note
def test_a_megabyte_note_saves_and_the_same_words_are_found_on_both(journal: Journal) -> None:
    head = "Quorvantel opened the evening. "
    tail = " Zyphtarrow closed it."
    filler = words(200_000, seed=1)  # about 1.1 MB of distinct short words
    note = head + filler + tail
    encounter = journal.log("Big Note Person", notes=note)
    assert len(note) > 1_000_000
    assert journal.encounters.get(encounter.id).notes == note  # kept whole
    assert found(journal, "quorvantel") == [encounter.id]  # in the indexed start
    assert found(journal, "zyphtarrow") == []  # past the bound: on neither backend
    # an edit far past the bound changes nothing the index reads, and still saves
    journal.encounters.update(encounter.id, notes=note + " Again.")
    assert found(journal, "quorvantel") == [encounter.id]


def test_a_word_too_long_for_a_tsvector_is_found_by_its_start_on_both(journal: Journal) -> None:
    long_word = "Vellichor" + "x" * 3000 + "Tail"
    encounter = journal.log("Long Word Person", notes=f"Remember {long_word} always")
    assert found(journal, "vellichorxxx") == [encounter.id]
    assert found(journal, long_word) == [encounter.id]  # a long search word: its start
    assert found(journal, "remember always") == [encounter.id]


def test_hostile_unique_words_up_to_the_bound_fit_a_tsvector(journal: Journal) -> None:
    # the worst case for PostgreSQL's 1 MB tsvector: every indexed part full of unique words
    part = words(INDEXED_CHARS // 3, seed=2)[:INDEXED_CHARS]
    event = journal.events.add(part[:200].strip() or "Event", "2026-11-01", notes=part)
    encounter = journal.log(
        "Worst Case", event=event.id, notes=part, stakes=part, organization=part[:300]
    )
    assert journal.encounters.get(encounter.id).notes == part


@pytest.mark.slow  # walks the migrations down and up again
def test_0009_reindexes_what_was_indexed_past_the_bound(journal_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine, text

    from netjournal import db, schema

    with Journal.open(journal_url):
        pass
    engine = create_engine(db.resolve(journal_url).url)
    notes = "Quorvantel " + words(12_000, seed=3)[: INDEXED_CHARS + 100] + " Zyphtarrow"
    with engine.begin() as conn:
        command.downgrade(schema.alembic_config(conn), "0008")
        conn.execute(
            text(
                "INSERT INTO people (display_name, name_key, notes, created_at, updated_at) "
                "VALUES ('Old Long', 'old long', :notes, '2026-01-01', '2026-01-01')"
            ),
            {"notes": notes},
        )
    with engine.begin() as conn:
        command.upgrade(schema.alembic_config(conn), "head")
    engine.dispose()
    with Journal.open(journal_url) as journal:
        person = journal.people.get("Old Long")
        assert [h.id for h in journal.search("quorvantel", kinds="person")] == [person.id]
        assert journal.search("zyphtarrow") == []  # indexed by 0008, no longer
        journal.people.delete(person.id)
        assert journal.search("quorvantel") == []
        if journal.store.backend == "sqlite":  # the index itself holds nothing of it any more
            with journal.store.connect() as conn:
                stale = conn.exec_driver_sql(
                    "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'quorvantel'"
                ).scalar()
            assert stale == 0
