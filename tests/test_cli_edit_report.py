"""What every edit and delete command says: the library's own summary of what the one call
changed, or "Nothing to change" when it wrote nothing (and no change set either); plus
``outcome list --person/--kind`` and who ``log --dry-run`` would add. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import ok

from netjournal import Journal


@pytest.fixture
def db(journal_url: str) -> list[str]:
    """Event #1, Hélène (#1) met there (encounter #1) with lead #1, outcome #1, follow-up #1."""
    db = ["--db", journal_url]
    ok(*db, "event", "add", "Lyon Tech Meetup", "--date", "2026-11-20", "--cost", "12")
    ok(
        *db,
        "log",
        "Hélène Dubois",
        "--event",
        "lyon",
        "--org",
        "Emballix",
        "--stakes",
        "Boxes",
        "--lead",
        "supplier:Cheaper boxes",
        "--follow-up",
        "2026-11-27:Send our volumes",
    )
    ok(*db, "outcome", "add", "1", "--value", "100", "--note", "Saved", "--date", "2026-11-25")
    return db


def changes(journal_url: str) -> int:
    with Journal.open(journal_url) as journal:
        return len(journal.history(limit=None))


#: (command, options equal to what is stored, how the command names the record)
SAME = [
    (
        ["event", "edit", "lyon"],
        ["--cost", "12", "--name", "Lyon Tech Meetup"],
        "Lyon Tech Meetup (#1)",
    ),
    (["people", "edit", "helene"], ["--org", "Emballix", "--untag", "nope"], "Hélène Dubois (#1)"),
    (
        ["encounter", "edit", "1"],
        ["--stakes", "Boxes", "--date", "2026-11-20", "--not-pitched"],
        "encounter #1 (Hélène Dubois at Lyon Tech Meetup, 2026-11-20)",
    ),
    (["lead", "edit", "1"], ["--status", "won", "--summary", "Cheaper boxes"], "lead #1"),
    (["outcome", "edit", "1"], ["--value", "100.00", "--note", "Saved"], "outcome #1"),
    (
        ["followup", "edit", "1"],
        ["--due", "2026-11-27", "--action", "Send our volumes"],
        "follow-up #1",
    ),
]


@pytest.mark.parametrize(("command", "same", "label"), SAME, ids=[s[0][0] for s in SAME])
def test_an_edit_to_the_same_values_says_nothing_to_change_and_records_nothing(
    db: list[str], journal_url: str, command: list[str], same: list[str], label: str
) -> None:
    before = changes(journal_url)
    assert ok(*db, *command, *same) == f"Nothing to change: {label} already has these values.\n"
    assert ok(*db, *command) == f"Nothing to change: no option given for {label}.\n"
    assert json.loads(ok(*db, *command, *same, "--json"))["id"] == 1  # still the record
    assert changes(journal_url) == before


#: (command with options, some of them equal to what is stored, the line it prints)
EDITS = [
    (
        ["event", "edit", "lyon", "--cost", "12", "--hours", "3", "--tag", "lyon"],
        "Edited Lyon Tech Meetup (#1): hours, tags.",
    ),
    (
        ["people", "edit", "helene", "--org", "Emballix", "--title", "CEO", "--email", "h@e.fr"],
        "Edited Hélène Dubois (#1): title, contacts.",
    ),
    (
        ["encounter", "edit", "1", "--stakes", "Boxes", "--wishes", "Less plastic", "--pitched"],
        "Edited encounter #1 (Hélène Dubois): wishes, pitched.",
    ),
    (
        ["lead", "edit", "1", "--status", "won", "--points-to", "Her supplier"],
        "Edited lead #1: points to.",
    ),
    (
        ["outcome", "edit", "1", "--value", "100", "--kind", "savings"],
        "Edited outcome #1 of lead #1: kind.",
    ),
    (
        ["followup", "edit", "1", "--due", "2026-11-27", "--action", "Call her"],
        "Edited follow-up #1: action.",
    ),
]


@pytest.mark.parametrize(("command", "line"), EDITS, ids=[e[0][0] for e in EDITS])
def test_an_edit_names_exactly_the_fields_it_changed(
    db: list[str], journal_url: str, command: list[str], line: str
) -> None:
    before = changes(journal_url)
    assert ok(*db, *command) == line + "\n"
    assert changes(journal_url) == before + 1
    with Journal.open(journal_url) as journal:
        assert journal.history(limit=1)[0].summary + "." == line


def test_every_delete_prints_the_library_summary(db: list[str]) -> None:
    ok(*db, "outcome", "add", "1", "--note", "Hired", "--kind", "hire", "--date", "2026-11-26")
    assert ok(*db, "followup", "delete", "1") == "Deleted follow-up #1: Send our volumes.\n"
    assert ok(*db, "outcome", "delete", "1") == "Deleted outcome #1 of lead #1.\n"
    assert ok(*db, "lead", "delete", "1") == (
        "Deleted lead #1 (supplier: Cheaper boxes) and its 1 outcome.\n"
    )
    assert ok(*db, "encounter", "delete", "1") == (
        "Deleted encounter #1 (Hélène Dubois at Lyon Tech Meetup, 2026-11-20) with "
        "0 questions, 0 leads, 0 outcomes, 0 follow-ups. 'netjournal undo' takes it back.\n"
    )
    assert ok(*db, "event", "delete", "1") == (
        "Deleted Lyon Tech Meetup (#1) of 2026-11-20. Its encounters stay, no longer attached "
        "to an event. 'netjournal undo' takes it back.\n"
    )


def test_outcome_list_by_person_and_kind(db: list[str]) -> None:
    ok(*db, "log", "Paul Martin", "--date", "2026-11-21", "--lead", "customer:First order")
    ok(*db, "outcome", "add", "2", "--value", "300", "--note", "Order", "--kind", "revenue")
    ok(*db, "outcome", "add", "1", "--note", "Hired", "--kind", "hire", "--date", "2026-11-26")

    def ids(*options: str) -> list[int]:
        return [o["id"] for o in json.loads(ok(*db, "outcome", "list", *options, "--json"))]

    assert ids("--person", "helene") == [3, 1]
    assert ids("--person", "paul") == [2]
    assert ids("--kind", "hire") == [3]
    assert ids("--kind", "revenue", "--person", "Paul Martin") == [2]
    assert ids("--kind", "hire", "--person", "paul") == []


def test_log_dry_run_says_who_would_be_new(db: list[str], tmp_path: Path) -> None:
    evening = tmp_path / "evening.txt"
    evening.write_text(
        "event: Lyon Tech Meetup\ndate: 2026-11-21\n\n"
        "person: Zoé Roux\n\nperson: Hélène Dubois\n\nperson: zoe roux\nagain: yes\n",
        encoding="utf-8",
    )
    out = ok(*db, "log", "--batch", str(evening), "--dry-run")
    assert [line.split(" at ")[0] for line in out.splitlines()[:3]] == [
        "Would log: Zoé Roux (new)",
        "Would log: Hélène Dubois (#1)",
        "Would log: Zoé Roux (new)",
    ]
    assert out.splitlines()[3] == "New people: Zoé Roux."
