"""Editing and deleting through the command line: event, encounter and people edit/delete,
people merge and forget, and ``log --dry-run``/``--again``; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import fails, ok, run

from netjournal import Journal

EVENING = """\
event: Lyon Tech Meetup
date: 2026-11-20

person: Hélène Dubois
asked: Who makes your boxes? => A Lyon firm

person: Paul Martin
lead: supplier: Cheaper labels
follow-up: 2026-12-01: Send our volumes
"""


@pytest.fixture
def db(journal_url: str) -> list[str]:
    return ["--db", journal_url]


@pytest.fixture
def met(db: list[str]) -> list[str]:
    """Event #1, Hélène Dubois (#1) and encounter #1 with a question, a lead, a follow-up."""
    ok(*db, "event", "add", "Lyon Tech Meetup", "--date", "2026-11-20", "--kind", "meetup")
    ok(
        *db,
        "log",
        "Hélène Dubois",
        "--event",
        "lyon tech",
        "--org",
        "Emballix",
        "--asked",
        "Who makes your boxes? => A Lyon firm",
        "--lead",
        "supplier:Cheaper boxes",
        "--follow-up",
        "2026-11-27:Send our volumes",
        "--tag",
        "packaging",
    )
    return db


def snapshot(db: list[str]) -> str:
    """The whole journal as the JSON export gives it: equal before and after = nothing written."""
    return ok(*db, "export", "json")


def counts(db: list[str]) -> dict[str, int]:
    with Journal.open(db[1]) as journal:
        return journal.counts()


# -- event edit / delete ----------------------------------------------------------------


def test_event_edit_says_what_changed_and_json_gives_the_record(met: list[str]) -> None:
    out = ok(*met, "event", "edit", "lyon", "--cost", "15", "--tag", "lyon")
    assert out == "Edited Lyon Tech Meetup (#1): cost, currency, tags.\n"  # EUR: the default
    shown = json.loads(ok(*met, "event", "show", "1", "--json"))["event"]
    assert (shown["cost"], shown["currency"], shown["tags"]) == ("15.00", "EUR", ["lyon"])

    data = json.loads(ok(*met, "event", "edit", "1", "--name", "Lyon Tech #12", "--json"))
    assert (data["id"], data["name"], data["cost"]) == (1, "Lyon Tech #12", "15.00")
    cleared = json.loads(ok(*met, "event", "edit", "1", "--cost", "", "--untag", "lyon", "--json"))
    assert (cleared["cost"], cleared["tags"]) == (None, [])


def test_event_edit_with_nothing_to_change_writes_nothing(met: list[str]) -> None:
    before = snapshot(met)
    out = ok(*met, "event", "edit", "lyon")
    assert out == "Nothing to change: no option given for Lyon Tech Meetup (#1).\n"
    assert json.loads(ok(*met, "event", "edit", "lyon", "--json"))["name"] == "Lyon Tech Meetup"
    assert snapshot(met) == before


def test_event_edit_refuses_an_unknown_event_or_a_bad_date(met: list[str]) -> None:
    before = snapshot(met)
    assert "No event with id 99" in fails(*met, "event", "edit", "99", "--cost", "3")
    assert "Invalid start date 'soon'" in fails(*met, "event", "edit", "1", "--date", "soon")
    assert "No event with id 99" in fails(*met, "event", "delete", "99")
    assert snapshot(met) == before


def test_event_delete_keeps_its_encounters(met: list[str]) -> None:
    out = ok(*met, "event", "delete", "lyon")
    assert out.startswith("Deleted Lyon Tech Meetup (#1) of 2026-11-20.")
    assert "encounters stay, no longer attached to an event" in out
    assert counts(met)["events"] == 0 and counts(met)["encounters"] == 1
    assert json.loads(ok(*met, "encounter", "show", "1", "--json"))["event"] is None

    ok(*met, "event", "add", "Paris Meetup", "--date", "2026-12-01")
    deleted = json.loads(ok(*met, "event", "delete", "paris", "--json"))
    assert (deleted["name"], deleted["start_date"]) == ("Paris Meetup", "2026-12-01")
    assert counts(met)["events"] == 0


# -- encounter show / edit / delete -----------------------------------------------------


def test_encounter_show(met: list[str]) -> None:
    out = ok(*met, "encounter", "show", "1")
    assert out.splitlines()[0] == "Encounter #1: Hélène Dubois (#1)"
    for line in (
        "  Date: 2026-11-20",
        "  Event: Lyon Tech Meetup (#1, 2026-11-20)",
        "  Tags: packaging",
        "  asked: Who makes your boxes? => A Lyon firm",
        "  lead #1 (supplier, open): Cheaper boxes",
        "    #1 by 2026-11-27: Send our volumes",
    ):
        assert line in out.splitlines(), line
    data = json.loads(ok(*met, "encounter", "show", "#1", "--json"))
    assert (data["id"], data["person"]["name"], data["leads"][0]["summary"]) == (
        1,
        "Hélène Dubois",
        "Cheaper boxes",
    )
    assert "No encounter with id 9" in fails(*met, "encounter", "show", "9")


def test_encounter_edit_replaces_the_questions_and_says_what_changed(met: list[str]) -> None:
    ok(*met, "log", "Marc Petit")
    out = ok(
        *met,
        "encounter",
        "edit",
        "1",
        "--asked",
        "Budget? => 20k",
        "--asked",
        "When?",
        "--stakes",
        "Moving plants",
        "--pitched",
        "--intro-by",
        "marc",
        "--tag",
        "warm",
    )
    assert out == (
        "Edited encounter #1 (Hélène Dubois): introduced by, stakes, pitched, questions, tags.\n"
    )
    data = json.loads(ok(*met, "encounter", "show", "1", "--json"))
    assert data["questions"] == [
        {"asked": "Budget?", "learned": "20k"},
        {"asked": "When?", "learned": None},
    ]
    assert (data["stakes"], data["pitched"], data["introduced_by"]["name"]) == (
        "Moving plants",
        True,
        "Marc Petit",
    )
    assert data["tags"] == ["packaging", "warm"]

    edited = json.loads(
        ok(
            *met,
            "encounter",
            "edit",
            "1",
            "--intro-by",
            "",
            "--not-pitched",
            "--event",
            "",
            "--date",
            "2026-11-21",
            "--untag",
            "warm",
            "--json",
        )
    )
    assert (edited["introduced_by"], edited["pitched"], edited["event"]) == (None, False, None)
    assert (edited["date"], edited["tags"]) == ("2026-11-21", ["packaging"])


def test_encounter_edit_nothing_to_change_and_errors(met: list[str]) -> None:
    before = snapshot(met)
    out = ok(*met, "encounter", "edit", "1")
    assert out == (
        "Nothing to change: no option given for "
        "encounter #1 (Hélène Dubois at Lyon Tech Meetup, 2026-11-20).\n"
    )
    assert json.loads(ok(*met, "encounter", "edit", "1", "--json"))["id"] == 1
    assert "No encounter with id 5" in fails(*met, "encounter", "edit", "5", "--notes", "x")
    assert "Invalid date" in fails(*met, "encounter", "edit", "1", "--date", "someday")
    assert "No event" in fails(*met, "encounter", "edit", "1", "--event", "Nowhere Summit")
    assert snapshot(met) == before


def test_encounter_delete_says_what_went_with_it(met: list[str]) -> None:
    ok(*met, "outcome", "add", "1", "--value", "100", "--note", "Saved")
    out = ok(*met, "encounter", "delete", "1")
    assert out.startswith(
        "Deleted encounter #1 (Hélène Dubois at Lyon Tech Meetup, 2026-11-20) with "
        "1 question, 1 lead, 1 outcome, 1 follow-up."
    )
    after = counts(met)
    assert (after["encounters"], after["questions"], after["leads"]) == (0, 0, 0)
    assert (after["outcomes"], after["followups"], after["people"]) == (0, 0, 1)
    assert "No encounter with id 1" in fails(*met, "encounter", "delete", "1")

    logged = json.loads(ok(*met, "log", "Paul Martin", "--note", "labels", "--json"))[0]
    deleted = json.loads(ok(*met, "encounter", "delete", str(logged["id"]), "--json"))
    assert (deleted["id"], deleted["person"]["name"], deleted["notes"]) == (
        logged["id"],
        "Paul Martin",
        "labels",
    )
    assert counts(met)["encounters"] == 0


# -- people edit / merge / forget ----------------------------------------------------------


def test_people_edit_removes_contacts_and_tags(met: list[str]) -> None:
    out = ok(
        *met,
        "people",
        "edit",
        "helene",
        "--email",
        "h2@emballix.example",
        "--phone",
        "+33 6 12 34 56 78",
        "--url",
        "https://emballix.example",
        "--tag",
        "vip",
    )
    assert out == "Edited Hélène Dubois (#1): tags, contacts.\n"
    data = json.loads(
        ok(
            *met,
            "people",
            "edit",
            "helene",
            "--remove-email",
            "H2@emballix.example",
            "--remove-phone",
            "+33612345678",
            "--remove-url",
            "https://emballix.example",
            "--remove-tag",
            "packaging",
            "--untag",
            "vip",
            "--json",
        )
    )
    assert (data["contacts"], data["tags"]) == ([], [])
    before = snapshot(met)
    err = fails(*met, "people", "edit", "helene", "--title", "CEO", "--remove-email", "x@y.fr")
    assert "no email 'x@y.fr'" in err
    assert ok(*met, "people", "edit", "1") == (
        "Nothing to change: no option given for Hélène Dubois (#1).\n"
    )
    assert "No person with id 42" in fails(*met, "people", "edit", "42", "--title", "CEO")
    assert snapshot(met) == before


@pytest.fixture
def twins(met: list[str]) -> list[str]:
    """Yannick Le Goff (#2), a duplicate to merge into Hélène Dubois (#1)."""
    ok(
        *met,
        "log",
        "Yannick Le Goff",
        "--org",
        "Bricolux",
        "--email",
        "yannick@bricolux.example",
        "--follow-up",
        "2026-12-01:Call him",
        "--date",
        "2026-11-22",
    )
    return met


def test_merge_without_a_terminal_needs_yes(twins: list[str]) -> None:
    before = snapshot(twins)
    err = fails(*twins, "people", "merge", "helene", "yannick")
    assert err == "Error: Merging needs a confirmation: run it in a terminal, or add --yes."
    assert snapshot(twins) == before


def test_merge_on_a_terminal_asks_and_no_writes_nothing(
    twins: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("netjournal.cli.commands.people.stdin_is_terminal", lambda: True)
    before = snapshot(twins)
    result = run(*twins, "people", "merge", "helene", "yannick", input="n\n")
    assert result.code == 1
    assert "Merge Yannick Le Goff (#2) into Hélène Dubois (#1)? [y/N]" in result.err
    assert result.err.rstrip().endswith("Aborted.")
    assert result.out.splitlines() == [
        "Keep: Hélène Dubois (#1), Emballix, 1 encounter",
        "Absorb: Yannick Le Goff (#2), Bricolux, 1 encounter",
        "Moves: 1 encounter, 1 follow-up, 1 contact point.",
    ]
    assert snapshot(twins) == before

    result = run(*twins, "people", "merge", "helene", "yannick", input="y\n")
    assert result.code == 0, result
    assert "Merged Yannick Le Goff (#2) into Hélène Dubois (#1)" in result.out
    assert counts(twins)["people"] == 1


def test_merge_with_yes_names_the_absorbed_person(twins: list[str]) -> None:
    out = ok(*twins, "people", "merge", "helene", "yannick", "--yes")
    assert out.splitlines()[-1] == (
        "Merged Yannick Le Goff (#2) into Hélène Dubois (#1): 1 encounter, 1 follow-up, "
        "1 contact point moved. 'netjournal undo' takes it back."
    )
    person = json.loads(ok(*twins, "people", "show", "1", "--json"))
    assert len(person["encounters"]) == 2
    assert "yannick@bricolux.example" in [c["value"] for c in person["person"]["contacts"]]
    assert "No person" in fails(*twins, "people", "show", "yannick")


def test_merge_json_gives_the_kept_and_the_absorbed(twins: list[str]) -> None:
    data = json.loads(ok(*twins, "people", "merge", "1", "2", "--yes", "--json"))
    assert (data["kept"]["name"], data["absorbed"]["name"]) == ("Hélène Dubois", "Yannick Le Goff")
    assert "yannick@bricolux.example" in [c["value"] for c in data["kept"]["contacts"]]
    assert counts(twins)["people"] == 1
    assert "Cannot merge a person with themselves" in fails(*twins, "people", "merge", "1", "1")


def test_forget_json_says_who_was_forgotten(twins: list[str]) -> None:
    data = json.loads(ok(*twins, "people", "forget", "yannick", "--yes", "--json"))
    assert data["forgotten"] == "Yannick Le Goff"
    assert set(data) == {"forgotten", "erased", "pending"}
    assert data["erased"] is (data["pending"] is None)
    assert counts(twins)["people"] == 1
    assert "No person" in fails(*twins, "people", "forget", "yannick", "--yes", "--json")


# -- log --dry-run / --again -------------------------------------------------------------


def test_batch_dry_run_writes_nothing_and_says_who_is_new(met: list[str], tmp_path: Path) -> None:
    evening = tmp_path / "evening.txt"
    evening.write_text(EVENING.replace("2026-11-20", "2026-11-21"), encoding="utf-8")
    before = snapshot(met)
    out = ok(*met, "log", "--batch", str(evening), "--dry-run")
    assert out.splitlines() == [
        "Would log: Hélène Dubois (#1) at Lyon Tech Meetup on 2026-11-21 "
        "(1 question, 0 leads, 0 follow-ups).",
        "Would log: Paul Martin (new) at Lyon Tech Meetup on 2026-11-21 "
        "(0 questions, 1 lead, 1 follow-up).",
        "New people: Paul Martin.",
        "Nothing was written (--dry-run): 2 encounters checked.",
    ]
    would = json.loads(ok(*met, "log", "--batch", str(evening), "--dry-run", "--json"))
    assert [e["person"]["name"] for e in would] == ["Hélène Dubois", "Paul Martin"]
    assert snapshot(met) == before  # not even the new edition of the event

    assert len(ok(*met, "log", "--batch", str(evening)).splitlines()) == 2
    assert counts(met)["encounters"] == 3
    err = fails(*met, "log", "--batch", str(evening))
    assert "evening.txt:4: Hélène Dubois was already logged at Lyon Tech Meetup" in err
    assert counts(met)["encounters"] == 3
    assert "already logged" in fails(*met, "log", "--batch", str(evening), "--dry-run")
    ok(*met, "log", "--batch", str(evening), "--dry-run", "--again")
    assert counts(met)["encounters"] == 3
    assert len(ok(*met, "log", "--batch", str(evening), "--again").splitlines()) == 2
    assert counts(met)["encounters"] == 5


def test_log_again_allows_a_second_encounter_that_day(met: list[str]) -> None:
    err = fails(*met, "log", "helene", "--event", "lyon tech")
    assert err == (
        "Error: Hélène Dubois was already logged at Lyon Tech Meetup on 2026-11-20 "
        "(encounter #1); log it again explicitly to keep both."
    )
    assert counts(met)["encounters"] == 1
    out = ok(*met, "log", "helene", "--event", "lyon tech", "--again")
    assert out.startswith("Logged #2: Hélène Dubois (#1) at Lyon Tech Meetup on 2026-11-20")
    assert counts(met)["encounters"] == 2
    assert "--dry-run works with --batch" in run(*met, "log", "helene", "--dry-run").err
