"""Editing and deleting leads, outcomes and follow-ups from the command line, on both backends.

Each command's plain output, its ``--json``, an edit that changes nothing, unknown and
non-numeric ids, the duplicate-outcome refusal and ``--again``.
"""

from __future__ import annotations

import json

import pytest
from clirun import fails, ok

from netjournal import Journal


@pytest.fixture
def db(journal_url: str) -> list[str]:
    """A journal with one encounter carrying a lead and a follow-up (both id 1)."""
    args = ["--db", journal_url]
    ok(*args, "event", "add", "Lyon Tech Meetup", "--date", "2026-11-20", "--kind", "meetup")
    ok(
        *args,
        "log",
        "Hélène Dubois",
        "--event",
        "lyon tech",
        "--lead",
        "supplier:Cheaper boxes",
        "--follow-up",
        "2026-11-27:Send our volumes",
    )
    return args


def _lead(db: list[str]) -> dict:
    (found,) = json.loads(ok(*db, "lead", "list", "--json"))
    return found


def _followups(db: list[str]) -> list[dict]:
    return json.loads(ok(*db, "followup", "list", "--all", "--json"))


def _changes(url: str) -> int:
    """How many change sets the journal's history holds: an edit that writes adds one."""
    with Journal.open(url) as journal:
        return len(journal.history(limit=None))


# -- leads ----------------------------------------------------------------------------------


def test_lead_edit_says_what_changed_and_stores_it(db: list[str]) -> None:
    out = ok(
        *db,
        "lead",
        "edit",
        "1",
        "--status",
        "exploring",
        "--on",
        "2026-11-22",
        "--summary",
        "Boxes for both sites",
        "--tag",
        "packaging",
    )
    assert out.strip() == "Edited lead #1: summary, status, tags."
    lead = _lead(db)
    assert lead["status"] == "exploring" and lead["status_changed_on"] == "2026-11-22"
    assert lead["summary"] == "Boxes for both sites" and lead["tags"] == ["packaging"]
    assert ok(*db, "lead", "edit", "#1", "--untag", "packaging").strip() == (
        "Edited lead #1: tags."
    )
    assert _lead(db)["tags"] == []


def test_lead_edit_json_is_the_stored_record(db: list[str]) -> None:
    shown = json.loads(ok(*db, "lead", "edit", "1", "--kind", "partner", "--json"))
    assert shown["id"] == 1 and shown["kind"] == "partner"
    assert shown == _lead(db)


def test_lead_update_stays_a_hidden_alias_of_edit(db: list[str]) -> None:
    assert "Edited lead #1: details." in ok(*db, "lead", "update", "1", "--details", "Two sites")
    assert _lead(db)["details"] == "Two sites"
    assert "update" not in ok(*db, "lead", "--help").split("Commands:")[1]


def test_lead_edit_with_nothing_to_change_writes_nothing(db: list[str], journal_url: str) -> None:
    before, changes = _lead(db), _changes(journal_url)
    assert ok(*db, "lead", "edit", "1").startswith("Nothing to change: no option given")
    same = ok(*db, "lead", "edit", "1", "--status", "open", "--summary", "Cheaper boxes")
    assert same.strip() == "Nothing to change: lead #1 already has these values."
    assert _lead(db) == before and _changes(journal_url) == changes
    ok(*db, "lead", "edit", "1", "--status", "won")
    assert _changes(journal_url) == changes + 1  # (the count does see a real edit)


def test_lead_delete_removes_its_outcomes_and_says_so(db: list[str]) -> None:
    ok(*db, "outcome", "add", "1", "--value", "100", "--note", "Saved", "--date", "2026-11-25")
    gone = json.loads(ok(*db, "lead", "delete", "1", "--json"))
    assert gone["id"] == 1 and gone["outcomes"][0]["value"] == "100.00"
    assert json.loads(ok(*db, "lead", "list", "--json")) == []
    assert json.loads(ok(*db, "outcome", "list", "--json")) == []
    assert "No lead with id 1" in fails(*db, "lead", "delete", "1")


def test_lead_delete_plain_names_the_outcomes(db: list[str]) -> None:
    ok(*db, "outcome", "add", "1", "--note", "Met their boss", "--date", "2026-11-25")
    out = ok(*db, "lead", "delete", "1")
    assert out.strip() == "Deleted lead #1 (supplier: Cheaper boxes) and its 1 outcome."


@pytest.mark.parametrize("command", [["edit", "--status", "won"], ["delete"]])
def test_lead_bad_ids_fail_with_one_line_and_write_nothing(
    db: list[str], journal_url: str, command: list[str]
) -> None:
    before, changes = _lead(db), _changes(journal_url)
    name, *options = command
    assert "No lead with id 99" in fails(*db, "lead", name, "99", *options)
    assert "not 'boxes'" in fails(*db, "lead", name, "boxes", *options)
    assert _lead(db) == before and _changes(journal_url) == changes


def test_lead_edit_bad_status_or_date_fails_and_writes_nothing(db: list[str]) -> None:
    before = _lead(db)
    assert "lead status" in fails(*db, "lead", "edit", "1", "--status", "maybe")
    assert "date" in fails(*db, "lead", "edit", "1", "--status", "won", "--on", "someday")
    assert _lead(db) == before


# -- outcomes -------------------------------------------------------------------------------


def _add_outcome(db: list[str], *extra: str) -> str:
    return ok(
        *db,
        "outcome",
        "add",
        "1",
        "--value",
        "1800.50",
        "--currency",
        "EUR",
        "--note",
        "Switched supplier",
        "--date",
        "2026-11-25",
        "--kind",
        "savings",
        *extra,
    )


def test_outcome_twin_is_refused_naming_the_first_then_accepted_with_again(db: list[str]) -> None:
    assert "Recorded outcome #1 of lead #1 worth 1800.50 EUR" in _add_outcome(db)
    error = fails(
        *db, "outcome", "add", "1", "--value", "1800.50", "--note", "Again", "--date", "2026-11-25"
    )
    assert "outcome #1" in error and "record it again explicitly" in error
    assert "again=True" not in error and "--again" not in error
    assert len(json.loads(ok(*db, "outcome", "list", "--json"))) == 1
    assert "Recorded outcome #2" in _add_outcome(db, "--again")
    assert [o["id"] for o in json.loads(ok(*db, "outcome", "list", "--json"))] == [2, 1]


def test_outcome_list_filters_and_formats(db: list[str]) -> None:
    _add_outcome(db)
    ok(*db, "outcome", "add", "1", "--note", "A hire", "--date", "2026-12-10", "--kind", "hire")
    rows = json.loads(ok(*db, "outcome", "list", "--json"))
    assert [(o["date"], o["kind"]) for o in rows] == [
        ("2026-12-10", "hire"),
        ("2026-11-25", "savings"),
    ]
    assert [
        o["kind"] for o in json.loads(ok(*db, "outcome", "list", "--since", "2026-12-01", "--json"))
    ] == ["hire"]
    assert [
        o["kind"] for o in json.loads(ok(*db, "outcome", "list", "--until", "2026-12-01", "--json"))
    ] == ["savings"]
    assert len(json.loads(ok(*db, "outcome", "list", "--limit", "1", "--json"))) == 1
    assert json.loads(ok(*db, "outcome", "list", "--lead", "1", "--json")) == rows
    assert json.loads(ok(*db, "outcome", "list", "--lead", "2", "--json")) == []
    csv_lines = ok(*db, "outcome", "list", "--csv").splitlines()
    assert csv_lines[0] == "id,date,lead_id,kind,value,currency,description"
    assert csv_lines[2] == "1,2026-11-25,1,savings,1800.50,EUR,Switched supplier"
    assert "Switched supplier" in ok(*db, "outcome", "list")
    assert "No outcomes match." in ok(*db, "outcome", "list", "--lead", "2")
    assert "date" in fails(*db, "outcome", "list", "--since", "someday")


def test_outcome_edit_says_what_changed_and_json(db: list[str]) -> None:
    _add_outcome(db)
    out = ok(*db, "outcome", "edit", "1", "--value", "1900", "--note", "Both sites")
    assert out.strip() == "Edited outcome #1 of lead #1: description, value."
    shown = json.loads(ok(*db, "outcome", "edit", "1", "--kind", "revenue", "--json"))
    assert shown["kind"] == "revenue" and shown["value"] == "1900.00"
    assert shown["description"] == "Both sites"
    assert json.loads(ok(*db, "outcome", "list", "--json")) == [shown]


def test_outcome_edit_with_nothing_to_change_writes_nothing(
    db: list[str], journal_url: str
) -> None:
    _add_outcome(db)
    before, changes = ok(*db, "outcome", "list", "--json"), _changes(journal_url)
    assert ok(*db, "outcome", "edit", "1").startswith("Nothing to change: no option given")
    same = ok(*db, "outcome", "edit", "1", "--value", "1800.50", "--kind", "savings")
    assert same.strip() == "Nothing to change: outcome #1 already has these values."
    assert ok(*db, "outcome", "list", "--json") == before and _changes(journal_url) == changes


def test_outcome_delete_plain_and_json(db: list[str]) -> None:
    _add_outcome(db)
    _add_outcome(db, "--again")
    assert ok(*db, "outcome", "delete", "2").strip() == "Deleted outcome #2 of lead #1."
    gone = json.loads(ok(*db, "outcome", "delete", "1", "--json"))
    assert gone["id"] == 1 and gone["value"] == "1800.50" and gone["lead_id"] == 1
    assert json.loads(ok(*db, "outcome", "list", "--json")) == []
    assert _lead(db)["status"] == "won"  # the lead keeps the status the outcome gave it


def test_outcome_bad_ids_and_dates_fail_and_write_nothing(db: list[str], journal_url: str) -> None:
    _add_outcome(db)
    before, changes = ok(*db, "outcome", "list", "--json"), _changes(journal_url)
    assert "No outcome with id 9" in fails(*db, "outcome", "edit", "9", "--note", "x")
    assert "No outcome with id 9" in fails(*db, "outcome", "delete", "9")
    assert "not an outcome id" in fails(*db, "outcome", "edit", "abc", "--note", "x")
    assert "not an outcome id" in fails(*db, "outcome", "delete", "abc")
    assert "date" in fails(*db, "outcome", "edit", "1", "--date", "someday")
    assert "predates" in fails(*db, "outcome", "edit", "1", "--date", "2020-01-01")
    assert "No lead with id 9" in fails(*db, "outcome", "add", "9", "--note", "x")
    assert ok(*db, "outcome", "list", "--json") == before and _changes(journal_url) == changes


# -- follow-ups -----------------------------------------------------------------------------


def test_followup_add_plain_and_json(db: list[str]) -> None:
    out = ok(*db, "followup", "add", "helene", "2026-12-04", "Call her", "--encounter", "1")
    assert out.strip() == "Added follow-up #2: Call her (Hélène Dubois, due 2026-12-04)."
    shown = json.loads(ok(*db, "followup", "add", "Hélène Dubois", "2026-12-05", "Mail", "--json"))
    assert shown["id"] == 3 and shown["due"] == "2026-12-05" and shown["encounter_id"] is None
    stored = {f["id"]: f for f in _followups(db)}
    assert stored[2]["encounter_id"] == 1 and stored[2]["action"] == "Call her"
    assert stored[3] == shown


def test_followup_add_refusals_write_nothing(db: list[str]) -> None:
    before = _followups(db)
    assert "nobody" in fails(*db, "followup", "add", "nobody", "2026-12-04", "x")
    assert "due date" in fails(*db, "followup", "add", "helene", "someday", "x")
    assert "No encounter with id 9" in fails(
        *db, "followup", "add", "helene", "2026-12-04", "x", "--encounter", "9"
    )
    assert _followups(db) == before


def test_followup_edit_nothing_to_change_and_json(db: list[str], journal_url: str) -> None:
    out = ok(*db, "followup", "edit", "1", "--due", "2026-12-01", "--action", "Send volumes")
    assert out.strip() == "Edited follow-up #1: due, action."
    shown = json.loads(ok(*db, "followup", "edit", "1", "--action", "Send both", "--json"))
    assert shown["action"] == "Send both" and shown["due"] == "2026-12-01"
    assert _followups(db) == [shown]
    changes = _changes(journal_url)
    assert ok(*db, "followup", "edit", "1").startswith("Nothing to change: no option given")
    same = ok(*db, "followup", "edit", "1", "--due", "2026-12-01")
    assert same.strip() == "Nothing to change: follow-up #1 already has these values."
    assert _followups(db) == [shown] and _changes(journal_url) == changes


def test_followup_done_then_reopen(db: list[str]) -> None:
    assert "Done: #1 Send our volumes" in ok(*db, "followup", "done", "1", "--on", "2026-11-26")
    assert _followups(db)[0]["done_on"] == "2026-11-26"
    assert json.loads(ok(*db, "followup", "list", "--json")) == []
    out = ok(*db, "followup", "reopen", "1")
    assert out.strip() == "Reopened: #1 Send our volumes (due 2026-11-27)."
    (open_again,) = json.loads(ok(*db, "followup", "list", "--json"))
    assert open_again["id"] == 1 and open_again["done_on"] is None
    ok(*db, "followup", "done", "1")
    shown = json.loads(ok(*db, "followup", "reopen", "1", "--json"))
    assert shown["done_on"] is None and shown["person"]["name"] == "Hélène Dubois"


def test_followup_delete_plain_and_json(db: list[str]) -> None:
    ok(*db, "followup", "add", "helene", "2026-12-04", "Call her")
    assert ok(*db, "followup", "delete", "2").strip() == "Deleted follow-up #2: Call her."
    gone = json.loads(ok(*db, "followup", "delete", "1", "--json"))
    assert gone["id"] == 1 and gone["action"] == "Send our volumes"
    assert _followups(db) == []


@pytest.mark.parametrize(
    "command",
    [["edit", "--action", "x"], ["delete"], ["done"], ["reopen"]],
)
def test_followup_bad_ids_fail_and_write_nothing(
    db: list[str], journal_url: str, command: list[str]
) -> None:
    before, changes = _followups(db), _changes(journal_url)
    name, *options = command
    assert "No follow-up with id 42" in fails(*db, "followup", name, "42", *options)
    assert "not a follow-up id" in fails(*db, "followup", name, "abc", *options)
    assert _followups(db) == before and _changes(journal_url) == changes


def test_followup_bad_dates_fail_and_write_nothing(db: list[str]) -> None:
    before = _followups(db)
    assert "due date" in fails(*db, "followup", "edit", "1", "--due", "someday")
    assert "date" in fails(*db, "followup", "done", "1", "--on", "someday")
    assert _followups(db) == before
