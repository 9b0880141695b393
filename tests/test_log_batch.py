"""``Journal.log_batch``: an evening's file written atomically, events found or created."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netjournal import Journal
from netjournal.batch import parse_batch
from netjournal.errors import ImportFormatError

ROOT = Path(__file__).resolve().parents[1]

EVENING = """\
event: Lyon Tech Meetup
date: 2026-11-20
where: La Cordée
kind: meetup
hours: 3

person: Hélène Dubois
org: Emballix
asked: Who makes your boxes? => A Lyon firm
lead: supplier: Her box supplier
follow-up: 2026-11-27: Send our volumes
tags: packaging

person: Marc Petit
intro: Hélène
"""


def test_a_file_creates_its_event_and_logs_every_block(journal: Journal) -> None:
    logged = journal.encounters.batch(EVENING, source_name="evening.txt")
    assert [e.person.display_name for e in logged] == ["Hélène Dubois", "Marc Petit"]
    event = journal.events.get("Lyon Tech Meetup")
    assert (event.start_date, event.location, event.kind, str(event.hours)) == (
        dt.date(2026, 11, 20),
        "La Cordée",
        "meetup",
        "3.00",
    )
    assert all(e.event_id == event.id and e.date == event.start_date for e in logged)
    helene, marc = logged
    assert [q.learned for q in helene.questions] == ["A Lyon firm"]
    assert [(lead.kind, lead.summary) for lead in helene.leads] == [
        ("supplier", "Her box supplier")
    ]
    assert [f.due for f in helene.followups] == [dt.date(2026, 11, 27)]
    assert marc.introduced_by_id == helene.person_id
    assert helene.source == "batch"


def test_the_same_evening_twice_is_refused_and_writes_nothing(journal: Journal) -> None:
    journal.encounters.batch(EVENING)
    before = journal.counts()
    with pytest.raises(
        ImportFormatError, match=r"already logged at Lyon Tech Meetup on 2026-11-20"
    ):
        journal.encounters.batch(EVENING)
    assert journal.counts() == before
    assert journal.events.count() == 1
    assert journal.people.count() == 2


def test_a_new_edition_of_a_series_is_a_new_event(journal: Journal) -> None:
    journal.encounters.batch(EVENING)
    journal.encounters.batch(EVENING.replace("2026-11-20", "2026-12-18"))
    dates = sorted(e.start_date for e in journal.events.list())
    assert dates == [dt.date(2026, 11, 20), dt.date(2026, 12, 18)]


def test_a_header_without_date_must_name_a_known_event(journal: Journal) -> None:
    text = "event: Unknown Gala\n\nperson: Anne\n"
    with pytest.raises(ImportFormatError, match=r"^gala\.txt:1: No event matches"):
        journal.encounters.batch(text, source_name="gala.txt")
    journal.events.add("Unknown Gala", "2026-10-01")
    (logged,) = journal.encounters.batch(text)
    assert logged.date == dt.date(2026, 10, 1)


def test_an_error_in_a_late_block_writes_nothing(journal: Journal) -> None:
    text = EVENING + "\nperson: Zoé\nintro: Nobody Known\n"
    with pytest.raises(ImportFormatError) as caught:
        journal.encounters.batch(text, source_name="evening.txt")
    assert str(caught.value).startswith("evening.txt:17: ")
    assert "Nobody Known" in str(caught.value)
    assert journal.counts() == dict.fromkeys(journal.counts(), 0)
    assert journal.events.count() == 0


def test_an_ambiguous_name_in_a_block_names_the_line(journal: Journal) -> None:
    journal.people.add("Marc Petit")
    journal.people.add("Marc Durand")
    with pytest.raises(ImportFormatError, match=r"^x:1: 'Marc' matches several people"):
        journal.encounters.batch("person: Marc\n", source_name="x")
    (logged,) = journal.encounters.batch("new person: Marc\n")
    assert journal.people.count() == 3 and logged.person.display_name == "Marc"


def test_the_documented_example_logs(journal: Journal) -> None:
    text = (ROOT / "examples" / "after-event.txt").read_text(encoding="utf-8")
    logged = journal.encounters.batch(text, source_name="after-event.txt")
    assert len(logged) == len(parse_batch(text).encounters)
    assert journal.events.count() == 1
