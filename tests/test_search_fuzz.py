"""Search never fails on what a person types: thousands of random strings on both backends,
and every word that was written can be found again."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netjournal import Journal
from netjournal.query import tokens
from netjournal.search import KINDS

# Thousands of examples on SQLite, fewer on PostgreSQL (a round trip each) to stay quick.
EXAMPLES = {"sqlite": examples(2000), "postgresql": examples(600)}
SYNTAX = st.sampled_from(
    ['"', "-", "*", "(", ")", ":", "OR", "AND", "NOT", "^", "+", "'", "\\", "|", "&", "!", "<->"]
)
WORDS = st.sampled_from(["réseau", "Hélène", "pack", "CTO", "hire", "été", "cœur", "lyon"])
TYPED = st.one_of(
    st.text(),  # every Unicode category
    st.text(st.characters(codec="utf-8"), max_size=200),
    st.lists(st.one_of(SYNTAX, WORDS, st.text(max_size=5)), max_size=12).map(" ".join),
    st.lists(st.one_of(SYNTAX, WORDS), max_size=20).map("".join),
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One journal per backend for the whole module: these tests only read it."""
    if request.param == "sqlite":
        url = str(Path(tmp_path_factory.mktemp("fuzz")) / "journal.db")
    else:
        from helpers import reset_postgres

        url = request.getfixturevalue("pg_server_url")
        with Journal.open(url):
            pass
        reset_postgres(url)
    with Journal.open(url) as journal:
        journal.events.add("Lyon Tech Meetup", "2026-03-12", tags=["lyon"])
        journal.log(
            "Hélène Dubois",
            event="Lyon Tech Meetup",
            field="packaging",
            notes="Elle cherche un réseau; don't forget the follow-up (col:value).",
            questions=[("Who makes your boxes?", "Un atelier au cœur de Lyon")],
            leads=[("recruiting", "Needs a CTO hire this été")],
        )
        journal.log("Marc", notes="NOT AND OR * - \" ' ( ) ^ : quoted syntax as plain text")
        yield request.param, journal


@pytest.mark.slow  # thousands of Hypothesis queries
def test_random_strings_return_results_or_nothing(shared: tuple[str, Journal]) -> None:
    backend, journal = shared
    filters = itertools.cycle([{}, {"kinds": "encounter"}, {"event": "Lyon"}, {"tags": "lyon"}])

    @settings(
        max_examples=EXAMPLES[backend],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(TYPED)
    def check(typed: str) -> None:
        hits = journal.search(typed, **next(filters))
        assert isinstance(hits, list)
        for hit in hits:
            assert hit.kind in KINDS
            for start, end in hit.spans:
                assert 0 <= start < end <= len(hit.text)

    check()


ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list("éèêëàâçùûôîïÉÈÀÇÔœŒæßøł")
    + list("  -'.,;:!?()\"«»’")
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def writable(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    if request.param == "sqlite":
        url = str(Path(tmp_path_factory.mktemp("words")) / "journal.db")
    else:
        from helpers import reset_postgres

        url = request.getfixturevalue("pg_server_url")
        with Journal.open(url):
            pass
        reset_postgres(url)
    with Journal.open(url) as journal:
        yield journal


def test_every_written_word_can_be_found_again(writable: Journal) -> None:
    """The query folding agrees with the index's tokenizer, word for word."""

    @settings(
        max_examples=examples(80),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(notes=st.text(ALPHABET, min_size=1, max_size=80))
    def check(notes: str) -> None:
        encounter = writable.log("Someone", notes=notes, again=True)
        for word in set(tokens(notes)):
            hits = writable.search(word, kinds="encounter", limit=1000)
            assert encounter.id in [h.id for h in hits], (word, notes)
        if '"' not in notes and tokens(notes):
            phrase = writable.search(f'"{notes}"', kinds="encounter", limit=1000)
            assert encounter.id in [h.id for h in phrase], notes

    check()
