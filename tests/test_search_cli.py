"""``netjournal search`` on both backends: table, JSON, filters and errors."""

from __future__ import annotations

import json

import pytest
from netjournal.cli.main import main

from netjournal import Journal


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def url(journal_url: str) -> str:
    with Journal.open(journal_url) as journal:
        journal.events.add("Lyon Tech Meetup", "2026-03-12")
        journal.log(
            "Hélène Dubois",
            event="Lyon Tech Meetup",
            field="packaging",
            notes="Elle cherche un réseau de fournisseurs",
            leads=[("supplier", "Cheaper boxes")],
        )
        journal.log("Marc Petit", date="2026-04-01", notes="Needs a CTO hire")
    return journal_url


def test_a_plain_table_in_a_pipe(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, _ = run(capsys, "--db", url, "search", "reseau")
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.split() == ["Kind", "Id", "Date", "Person", "Event", "Match"]
    assert row.startswith("encounter")
    assert "2026-03-12" in row and "Hélène Dubois" in row and "Lyon Tech Meetup" in row
    # the matched word is highlighted on a terminal only: no **marks** in a pipe
    assert "réseau" in row and "**" not in out and "\x1b" not in out


def test_json_lists_the_hits(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, _ = run(capsys, "--db", url, "search", "pack", "--json")
    assert code == 0
    hits = json.loads(out)
    assert [(h["kind"], h["person"]) for h in hits][0] == ("person", "Hélène Dubois")
    assert {"id", "date", "event", "snippet", "spans", "score"} <= set(hits[0])


def test_options_filter_and_no_query_lists_newest_first(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    _, out, _ = run(capsys, "--db", url, "search", "--kind", "encounter", "--json")
    assert [h["person"] for h in json.loads(out)] == ["Marc Petit", "Hélène Dubois"]
    _, out, _ = run(
        capsys, "--db", url, "search", "--lead-kind", "supplier", "--status", "open", "--json"
    )
    assert [h["kind"] for h in json.loads(out)] == ["lead"]
    _, out, _ = run(
        capsys,
        "--db",
        url,
        "search",
        "needs OR reseau",
        "--since",
        "2026-03-15",
        "--until",
        "2026-12-31",
        "--json",
    )
    assert {h["person"] for h in json.loads(out)} == {"Marc Petit"}
    _, out, _ = run(
        capsys,
        "--db",
        url,
        "search",
        "reseau",
        "--event",
        "Lyon",
        "--person",
        "Hélène",
        "--limit",
        "1",
        "--json",
    )
    assert len(json.loads(out)) == 1


def test_odd_queries_and_no_match(capsys: pytest.CaptureFixture[str], url: str) -> None:
    for typed in ('"unbalanced', "(", "col:value", "-", "zzzzqqq"):
        code, out, err = run(capsys, "--db", url, "search", "--", typed)
        assert code == 0 and err == "", typed
    assert out.strip() == "No matches."


def test_errors_are_one_line(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, _, err = run(capsys, "--db", url, "search", "x", "--person", "Nobody Here")
    assert code == 1 and err.count("\n") == 1 and "Nobody Here" in err
    code, _, err = run(capsys, "--db", url, "search", "x", "--lead-kind", "bogus")
    assert code == 1 and err.count("\n") == 1 and "Unknown lead kind 'bogus'" in err
    code, _, _ = run(capsys, "--db", url, "search", "x", "--limit", "0")
    assert code == 2


def test_on_a_terminal_the_table_is_drawn_by_rich(
    capsys: pytest.CaptureFixture[str], url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run(capsys, "--db", url, "search", "reseau")
    assert code == 0
    assert "réseau" in out and "**" not in out and "Hélène Dubois" in out


def test_csv_lists_the_hits(capsys: pytest.CaptureFixture[str], url: str) -> None:
    import csv
    import io

    code, out, _ = run(capsys, "--db", url, "search", "reseau", "--csv")
    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["kind"], row["person"], row["date"]) == ("encounter", "Hélène Dubois", "2026-03-12")
    assert "**réseau**" in row["snippet"]
