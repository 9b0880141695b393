"""netjournal.query: what a user types becomes quoted lexemes, whatever it is."""

from __future__ import annotations

import re

from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from netjournal.query import Term, fold, parse, to_fts5, to_tsquery, tokens

FTS5_TERM = r'"[^"\s]+( [^"\s]+)*"\*?'
TS_TERM = r"\('[^'\s]+'(:\*)?( <-> '[^'\s]+'(:\*)?)*\)"


def test_words_phrases_exclusions_and_or() -> None:
    query = parse('Réseau "Lyon meetup" cto -recruiter supplier OR vendor')
    assert query.groups == (
        (Term(("reseau",), True),),
        (Term(("lyon", "meetup")),),
        (Term(("cto",), True),),
        (Term(("supplier",), True), Term(("vendor",), True)),
    )
    assert query.excluded == (Term(("recruiter",), True),)
    assert to_fts5(query) == (
        '(("reseau"*) AND ("lyon meetup") AND ("cto"*) AND ("supplier"* OR "vendor"*))'
        ' NOT ("recruiter"*)'
    )
    assert to_tsquery(parse("follow-up")) == "(('follow' <-> 'up':*))"


def test_punctuation_inside_a_word_makes_a_phrase() -> None:
    assert parse("don't").groups == ((Term(("don", "t"), False),),)
    assert parse("col:value").groups == ((Term(("col", "value"), True),),)


def test_short_words_are_exact_and_long_ones_cut() -> None:
    assert parse("a").groups == ((Term(("a",), False),),)
    [[long]] = parse("x" * 500).groups
    assert long.tokens == ("x" * 100,) and long.prefix


def test_operators_alone_mean_nothing() -> None:
    for typed in ("", "AND", "OR", "NOT", "*", "(", '"', "-", "- -", "OR OR"):
        assert parse(typed).is_empty, typed
        assert to_fts5(parse(typed)) is None


def test_folding_matches_the_indexes() -> None:
    assert fold("ÉTÉ Hélène cœur Straße") == "ete helene coeur strasse"
    assert tokens("L'été, c'est «super»!") == ["l", "ete", "c", "est", "super"]


@settings(max_examples=examples(3000), deadline=None)
@given(st.text())
def test_compiled_queries_hold_only_quoted_lexemes(typed: str) -> None:
    query = parse(typed)
    fts5 = to_fts5(query)
    if fts5 is not None:
        skeleton = re.sub(FTS5_TERM, "T", fts5)
        assert re.fullmatch(r"[T()]*( (AND|OR|NOT) [T()]*)*", skeleton), fts5
    ts = to_tsquery(query)
    if ts is not None:
        skeleton = re.sub(TS_TERM, "T", ts)
        assert re.fullmatch(r"[T()&|! ]*", skeleton), ts
    for term in query.positive + query.excluded:
        assert all(token and token == fold(token) for token in term.tokens)
        assert all(re.fullmatch(r"[^\W_]+", token) for token in term.tokens)


WORDS = st.sampled_from(["pack", "packaging", "Été", "ete", "réseau", "cœur", "x1", "_", "ß"])
TEXTS = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=30).map(" ".join)


@settings(max_examples=examples(1000), deadline=None)
@given(TEXTS, st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=4).map(" ".join))
def test_snippets_mark_exactly_the_words_the_query_asked_for(text: str, typed: str) -> None:
    from netjournal.search import _matcher, snippet

    terms = parse(typed).positive
    excerpt, spans = snippet([text], terms, width=10_000)
    wanted = _matcher(terms)
    expected = [m.span() for m in re.finditer(r"[^\W_]+", excerpt) if wanted(fold(m.group()))]
    assert list(spans) == expected


def test_fold_keeps_ascii_and_spells_out_ligatures() -> None:
    assert fold("Plain ASCII, Nothing Else") == "plain ascii, nothing else"
    assert fold("Œuvre Ærø") == "oeuvre aero"
