"""Likely duplicates on both backends: what is found, how it is scored, what is left out."""

from __future__ import annotations

import pytest

from netjournal import Journal
from netjournal.duplicates import name_similarity
from netjournal.errors import InvalidInput


def pairs(journal: Journal, **options: int) -> dict[frozenset[str], tuple[int, list[str]]]:
    return {
        frozenset((p.first.display_name, p.second.display_name)): (p.score, p.reasons)
        for p in journal.people.duplicates(**options)
    }


def test_likely_duplicates_are_scored_and_explained(journal: Journal) -> None:
    journal.people.add("John Smith", organization="Acme", emails=["jsmith@acme.test"])
    journal.people.add("Jon Smith", organization="ACME")
    journal.people.add("Smith, John", emails=["JSmith@gmail.test"])
    journal.people.add("Jane Smith")
    journal.people.add("Marc Dupont", phones=["+33 6 12 34 56 78"])
    journal.people.add("M. Dupont", phones=["+33612345678"])
    journal.people.add("Marc Durand")
    journal.people.add("Hélène Dubois")
    journal.people.add("HELENE DUBOIS")
    journal.people.add("Alice Martin", emails=["info@one.test"])
    journal.people.add("Bob Lefèvre", emails=["info@two.test"])

    found = pairs(journal)
    score, reasons = found[frozenset(("John Smith", "Jon Smith"))]
    assert score == 100 and reasons == ["similar names (90)", "same organization (Acme)"]
    score, reasons = found[frozenset(("John Smith", "Smith, John"))]
    assert reasons == ["same name", "same e-mail user name (jsmith@...)"]
    score, reasons = found[frozenset(("Marc Dupont", "M. Dupont"))]
    assert "same phone (+33 6 12 34 56 78)" in reasons and score == 100
    assert found[frozenset(("Hélène Dubois", "HELENE DUBOIS"))] == (100, ["same name"])
    assert found[frozenset(("Jon Smith", "Smith, John"))][0] == 90
    # Different first names, a different family name, a shared role mailbox: not listed.
    assert frozenset(("John Smith", "Jane Smith")) not in found
    assert frozenset(("Marc Dupont", "Marc Durand")) not in found
    assert frozenset(("Alice Martin", "Bob Lefèvre")) not in found

    ordered = journal.people.duplicates(min_score=0, limit=500)
    scores = [p.score for p in ordered]
    assert scores == sorted(scores, reverse=True)
    everything = pairs(journal, min_score=0, limit=500)
    assert everything[frozenset(("John Smith", "Jane Smith"))][0] < 80
    assert all(p.first.id < p.second.id for p in ordered)
    assert len(journal.people.duplicates(min_score=0, limit=2)) == 2


def test_a_shared_address_pairs_people_whatever_their_names(journal: Journal) -> None:
    journal.people.add("Completely Different", emails=["same@example.test"])
    journal.people.add("Nothing Alike", emails=["SAME@example.test"])
    (pair,) = journal.people.duplicates(min_score=0)
    assert "same e-mail (same@example.test)" in pair.reasons
    assert pair.score < 80  # an address alone is not enough: a shared inbox is common
    assert journal.people.duplicates() == []


def test_no_duplicates_in_a_journal_of_distinct_people(journal: Journal) -> None:
    for name in ("Ann Lee", "Bruno Costa", "Chloé Petit", "Dmitri Ivanov"):
        journal.people.add(name, organization="Same Org")
    assert journal.people.duplicates() == []


def test_bad_options_are_refused(journal: Journal) -> None:
    with pytest.raises(InvalidInput, match="0 to 100"):
        journal.people.duplicates(min_score=101)
    with pytest.raises(InvalidInput, match="positive"):
        journal.people.duplicates(limit=0)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("john smith", "smith john", 100, 100),
        ("jon smith", "john smith", 85, 95),
        ("j smith", "john smith", 75, 90),
        ("jane smith", "john smith", 0, 70),
        ("marc dupont", "marc durand", 0, 70),
    ],
)
def test_name_similarity(a: str, b: str, low: int, high: int) -> None:
    assert low <= name_similarity(a, b) <= high
