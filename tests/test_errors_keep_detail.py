"""Errors keep what they carry wherever they are raised from (issue: season of real use, 21)."""

from __future__ import annotations

import pytest

from netjournal import Journal
from netjournal.errors import AmbiguousName, InvalidInput
from netjournal.specs import EncounterSpec


def test_a_bulk_load_keeps_an_ambiguous_name_s_candidates(journal: Journal) -> None:
    journal.people.add("Marc Petit")
    journal.people.add("Marc Roux")
    with pytest.raises(AmbiguousName, match="line 2") as caught:
        journal.encounters.bulk(
            [EncounterSpec(person="Ada Lovelace"), EncounterSpec(person="Marc")], chunk=10
        )
    assert sorted(c.name for c in caught.value.candidates) == ["Marc Petit", "Marc Roux"]
    assert journal.counts()["encounters"] == 0  # the chunk is rolled back


def test_a_lead_given_by_text_is_invalid_input_not_not_found() -> None:
    from netjournal.cli.commands.lead import _lead_id

    with pytest.raises(InvalidInput, match="given by its id"):
        _lead_id("cartons")
    assert _lead_id("#12") == 12
