"""``netjournal history`` and ``netjournal undo`` through the real entry point, on both backends."""

from __future__ import annotations

import json

import pytest
from clirun import fails, ok, run

LOGGED = "Logged Hélène Dubois (encounter #1)"
EDITED = "Edited Hélène Dubois (#1): title"


@pytest.fixture
def db(journal_url: str) -> list[str]:
    return ["--db", journal_url]


@pytest.fixture
def edited(db: list[str]) -> list[str]:
    """A journal with two changes: Hélène logged, then her title set to CEO."""
    ok(*db, "log", "Hélène Dubois", "--org", "Emballix")
    ok(*db, "people", "edit", "helene", "--title", "CEO")
    return db


def _history(db: list[str]) -> list[dict]:
    return json.loads(ok(*db, "history", "--json"))


def _title(db: list[str]) -> str | None:
    title: str | None = json.loads(ok(*db, "people", "show", "helene", "--json"))["person"]["title"]
    return title


def test_history_lists_the_changes_newest_first(edited: list[str]) -> None:
    edit, log = _history(edited)
    assert edit["id"] > log["id"]
    assert (log["kind"], log["summary"]) == ("encounter.log", LOGGED)
    assert (edit["kind"], edit["summary"]) == ("person.update", EDITED)
    assert edit["rows"] >= 1 and log["rows"] >= 2  # a person and an encounter at least
    assert edit["undoes"] is None and edit["undone_by"] is None
    plain = ok(*edited, "history")
    assert EDITED in plain and LOGGED in plain and plain.index(EDITED) < plain.index(LOGGED)
    assert [c["id"] for c in json.loads(ok(*edited, "history", "--limit", "1", "--json"))] == [
        edit["id"]
    ]


def test_undo_reverts_the_last_change_and_undo_again_redoes_it(edited: list[str]) -> None:
    edit, _ = _history(edited)
    out = ok(*edited, "undo")
    assert out.startswith(f"Undid #{edit['id']}: {EDITED}")
    assert _title(edited) is None
    undo, edit_now, _ = _history(edited)
    assert undo["undoes"] == edit["id"] and undo["summary"] == f"Undid #{edit['id']}: {EDITED}"
    assert edit_now["undone_by"] == undo["id"]
    assert f"this is change #{undo['id']}" in out

    redo = json.loads(ok(*edited, "undo", "--json"))
    assert redo["undoes"] == undo["id"] and redo["summary"].startswith(f"Undid #{undo['id']}:")
    assert _title(edited) == "CEO"
    assert _history(edited)[0]["id"] == redo["id"]


def test_undo_of_a_change_a_later_one_touched_is_refused(edited: list[str]) -> None:
    edit, _ = _history(edited)
    ok(*edited, "people", "edit", "helene", "--title", "COO")
    before = _history(edited)
    error = fails(*edited, "undo", str(edit["id"]))
    assert f"#{before[0]['id']}" in error and "Undo that one first" in error
    assert _title(edited) == "COO" and _history(edited) == before


def test_undo_of_an_unknown_change_fails_cleanly(edited: list[str]) -> None:
    before = _history(edited)
    assert "No change #999" in fails(*edited, "undo", "999")
    assert _title(edited) == "CEO" and _history(edited) == before
    assert run(*edited, "undo", "last").code == 2  # not a number: a usage error
    assert _history(edited) == before


def test_an_empty_journal_has_no_history_and_nothing_to_undo(db: list[str]) -> None:
    ok(*db, "init")
    assert "No change recorded yet" in ok(*db, "history")
    assert _history(db) == []
    assert "Nothing to undo" in fails(*db, "undo")
    assert _history(db) == []
