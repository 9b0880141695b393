"""``import json`` applies the API's validation to every record (issue 19, item 13): what the
API refuses is refused in a restore too, naming the record, on SQLite and PostgreSQL, and
nothing is written."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netjournal import Journal
from netjournal.errors import ImportFormatError


def _export(journal: Journal) -> str:
    out = io.StringIO()
    journal.export_json(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An export with a profile, a person met at an event, an introducer, a lead and its
    outcome."""
    folder = tmp_path_factory.mktemp("source")
    with Journal.open(folder / "source.db") as source:
        source.set_profile(hourly_rate="80", currency="EUR")
        source.events.add("Lyon Tech Meetup", "2026-11-20", kind="meetup", cost="25")
        source.people.add("Paul Martin", emails=["paul@acme.test"])
        encounter = source.log(
            "Hélène Dubois",
            event="Lyon Tech Meetup",
            date="2026-11-20",
            email="helene@emballix.test",
            introduced_by="Paul Martin",
            leads=[("supplier", "Her box supplier")],
        )
        source.outcomes.add(encounter.leads[0].id, "Cheaper boxes", value="120", date="2026-12-01")
        loaded: dict[str, Any] = json.loads(_export(source))
        return loaded


def _person(document: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [p for p in document["people"] if p["display_name"] == name]
    return found


def _helene(d: dict[str, Any]) -> dict[str, Any]:
    return _person(d, "Hélène Dubois")


Edit = Callable[[dict[str, Any]], Any]
CASES: list[tuple[str, Edit, str]] = [
    (
        "empty person name",
        lambda d: _helene(d).update(display_name="  "),
        r"people\[\d\] \(id \d\): The name cannot be empty\.",
    ),
    (
        "empty event name",
        lambda d: d["events"][0].update(name=""),
        r"events\[0\] \(id 1\): The event name cannot be empty\.",
    ),
    (
        "e-mail without @",
        lambda d: _helene(d)["contacts"][0].update(value="helene.emballix.test"),
        r"people\[\d\] \(id \d\)\.contacts\[0\]: .*helene\.emballix\.test",
    ),
    (
        "digits for a currency",
        lambda d: d["events"][0].update(currency="123"),
        r"events\[0\] \(id 1\): Invalid currency '123'",
    ),
    (
        "lower-case currency",
        lambda d: d["leads"][0]["outcomes"][0].update(currency="eur"),
        r"leads\[0\] \(id 1\)\.outcomes\[0\]: "
        r"Invalid currency 'eur': a JSON export writes it 'EUR'",
    ),
    (
        "negative hourly rate",
        lambda d: d["profile"].update(hourly_rate="-80.00"),
        r"profile: The hourly rate cannot be negative",
    ),
    (
        "negative cost",
        lambda d: d["events"][0].update(cost="-1.00"),
        r"events\[0\] \(id 1\): The cost cannot be negative",
    ),
    (
        "outcome before its encounter",
        lambda d: d["leads"][0]["outcomes"][0].update(date="2026-11-19"),
        r"leads\[0\] \(id 1\)\.outcomes\[0\]: The outcome \(2026-11-19\) predates the encounter",
    ),
    (
        "event kind",
        lambda d: d["events"][0].update(kind="party"),
        r"events\[0\] \(id 1\): Unknown event kind 'party'",
    ),
    (
        "event kind not as stored",
        lambda d: d["events"][0].update(kind="Meetup"),
        r"events\[0\] \(id 1\): The event kind 'Meetup' must be written 'meetup'\.",
    ),
    (
        "lead status",
        lambda d: d["leads"][0].update(status="lost"),
        r"leads\[0\] \(id 1\): Unknown lead status 'lost'",
    ),
    (
        "event ending before it starts",
        lambda d: d["events"][0].update(end_date="2026-11-01"),
        r"events\[0\] \(id 1\): The event ends \(2026-11-01\) before it starts \(2026-11-20\)\.",
    ),
    (
        "blank lead summary",
        lambda d: d["leads"][0].update(summary=" "),
        r"leads\[0\] \(id 1\): 'summary' cannot be empty\.",
    ),
    (
        "a missing person",
        lambda d: d["encounters"][0].update(person_id=99),
        r"encounters\[0\] \(id 1\): 'person_id' refers to people id 99, which the file does not",
    ),
    (
        "a person introducing themselves",
        lambda d: d["encounters"][0].update(introduced_by_id=d["encounters"][0]["person_id"]),
        r"encounters\[0\] \(id 1\): Someone cannot introduce you to themselves\.",
    ),
    (
        "an id used twice",
        lambda d: d["people"][1].update(id=d["people"][0]["id"]),
        r"people\[1\] \(id \d\): The id \d is used twice in people\.",
    ),
]


@pytest.mark.parametrize(("edit", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_what_the_api_refuses_a_restore_refuses_naming_the_record(
    journal: Journal, document: dict[str, Any], edit: Edit, message: str
) -> None:
    bad = copy.deepcopy(document)
    edit(bad)
    with pytest.raises(ImportFormatError, match=r"^bad\.json: " + message) as caught:
        journal.import_json(io.StringIO(json.dumps(bad)), source_name="bad.json")
    assert "constraint" not in str(caught.value).casefold()
    assert all(n == 0 for n in journal.counts().values())


def test_a_valid_export_restores_exactly(journal: Journal, document: dict[str, Any]) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2)
    journal.import_json(io.StringIO(text), source_name="good.json")
    assert json.loads(_export(journal)) == document


def test_text_is_stored_as_the_api_stores_it(journal: Journal, document: dict[str, Any]) -> None:
    edited = copy.deepcopy(document)
    _helene(edited).update(title="  Head of operations ", notes="   ")
    journal.import_json(io.StringIO(json.dumps(edited)), source_name="edited.json")
    helene = _helene(json.loads(_export(journal)))
    assert helene["title"] == "Head of operations" and helene["notes"] is None


def test_the_cli_refuses_in_one_line(
    journal_url: str, document: dict[str, Any], tmp_path: Path
) -> None:
    from clirun import run

    bad = copy.deepcopy(document)
    bad["events"][0]["name"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = run("--db", journal_url, "import", "json", str(path))
    assert result.code == 1
    assert result.err == "Error: bad.json: events[0] (id 1): The event name cannot be empty.\n"


def test_an_encounter_is_not_moved_past_the_outcomes_of_its_leads(journal: Journal) -> None:
    """Else the journal would hold what a restore refuses: an outcome before its encounter."""
    from netjournal.errors import InvalidInput

    encounter = journal.log(
        "Ada Lovelace", date="2026-11-20", leads=[("supplier", "Boxes")], any_date=True
    )
    outcome = journal.outcomes.add(encounter.leads[0].id, "Cheaper", date="2026-12-01")
    before = _export(journal)
    with pytest.raises(InvalidInput, match=r"cannot be dated 2026-12-02: outcome #\d+ of lead"):
        journal.encounters.update(encounter.id, date="2026-12-02")
    assert _export(journal) == before
    journal.encounters.update(encounter.id, date="2026-12-01")  # the same day is fine
    assert outcome.date.isoformat() == "2026-12-01"
    restored = json.loads(_export(journal))
    assert restored["encounters"][0]["date"] == "2026-12-01"


def test_merging_an_introducer_into_whom_they_introduced_leaves_no_self_introduction(
    journal: Journal,
) -> None:
    journal.log("Paul Lambert")
    journal.log("Paula Lambert", introduced_by="Paul Lambert")
    journal.people.merge("Paula Lambert", "Paul Lambert")
    encounters = journal.encounters.list(person="Paula Lambert")
    assert [e.introduced_by_id for e in encounters] == [None, None]
    exported = io.StringIO()
    journal.export_json(exported)
    journal.people.forget("Paula Lambert")
    journal.import_json(io.StringIO(exported.getvalue()), source_name="merged.json")
