"""journal.encounters.bulk: the fast path for large imports, on both backends."""

from __future__ import annotations

import pytest

from netjournal import Journal
from netjournal.errors import InvalidInput
from netjournal.specs import EncounterSpec


def test_bulk_log_writes_everything_searchable_and_in_order(journal: Journal) -> None:
    journal.events.add("Lyon Tech Meetup", "2026-03-12")
    specs = [
        EncounterSpec(
            person=f"Person {i % 7}",
            new_person=i < 7,
            event="Lyon Tech" if i % 2 else None,
            date="2026-03-12" if i % 2 else "2026-01-01",
            notes=f"note number{i} about réseau",
            questions=[("Who supplies you?", f"Answer{i}")],
            leads=[("supplier", f"Lead{i}")] if i % 3 == 0 else [],
            tags=["warm"] if i % 5 == 0 else [],
            email=f"p{i % 7}@example.org" if i < 7 else None,
            again=i >= 7,  # the same seven people, met again on the same days
        )
        for i in range(23)
    ]
    assert journal.encounters.bulk(specs, chunk=5) == 23
    counts = journal.counts()
    assert (counts["people"], counts["encounters"], counts["questions"]) == (7, 23, 23)
    assert counts["leads"] == 8
    ids = [e.id for e in sorted(journal.encounters.list(), key=lambda e: e.id)]
    notes = [journal.encounters.get(i).notes for i in ids]
    assert notes == [f"note number{i} about réseau" for i in range(23)]
    assert len(journal.search("reseau", kinds="encounter", limit=100)) == 23
    assert [h.kind for h in journal.search("Answer17")] == ["question"]
    assert len(journal.search(tags="warm", kinds="encounter")) == 5
    assert journal.people.get("Person 3").emails == ["p3@example.org"]
    # The ordinary path still numbers rows after the bulk ones (sequences kept in step).
    later = journal.log("Person 3", notes="after the bulk")
    assert later.id == 24
    assert journal.people.add("Someone New").id == 8


def test_a_bad_spec_rolls_back_its_chunk_only(journal: Journal) -> None:
    specs = [EncounterSpec(person=f"P{i}", new_person=True, notes="ok") for i in range(4)]
    specs.append(EncounterSpec(person="Bad", new_person=True, leads=[("nonsense", "x")]))
    with pytest.raises(InvalidInput, match="line 5"):
        journal.encounters.bulk(specs, chunk=3)
    assert journal.counts()["encounters"] == 3
    assert len(journal.search("ok", limit=100)) == 3
    with pytest.raises(InvalidInput):
        journal.encounters.bulk([], chunk=0)
