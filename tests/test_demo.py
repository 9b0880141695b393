"""The demo journal is built from examples/demo through the library, on both backends."""

from __future__ import annotations

import json
import tomllib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from netjournal import Journal
from netjournal.batch import parse_batch
from netjournal.demo import build_demo, demo_data
from netjournal.errors import InvalidInput
from netjournal.reports.render import row_dict
from netjournal.serialize import to_dict

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"


def test_the_installed_data_are_the_example_files() -> None:
    for language, folder in (("en", DEMO), ("fr", DEMO / "fr")):
        files = demo_data(language).iterdir()
        shipped = sorted(f.name for f in files if f.name.endswith((".txt", ".toml")))
        assert shipped == sorted(p.name for p in folder.iterdir() if p.suffix in (".txt", ".toml"))
        assert len(shipped) == 7


def test_the_french_demo_tells_the_same_season_in_french(
    journal: Journal, sqlite_template: Path, tmp_path: Path
) -> None:
    """The French season is typed with French keys, kinds and dates; stored under the same
    codes, it gives the English season's figures."""
    french = build_demo(journal, language="fr")
    english_file = tmp_path / "english.db"
    english_file.write_bytes(sqlite_template.read_bytes())
    with Journal.open(english_file) as other:
        english = build_demo(other, language="en")
        english_payoff = _figures(other)
    assert french.counts == english.counts
    assert [p.value for p in french.paid_off] == [p.value for p in english.paid_off]
    assert [p.kind for p in french.paid_off] == [p.kind for p in english.paid_off]
    assert [e.kind for e in french.events] == [e.kind for e in english.events]
    assert [(e.date, e.hours, e.cost) for e in french.events] == [
        (e.date, e.hours, e.cost) for e in english.events
    ]
    assert french.profile.fields == ["cosmétique", "e-commerce"]
    assert "Son cartonnier de Vénissieux, 20\u00a0% moins cher" in {
        p.summary for p in french.paid_off
    }
    assert _figures(journal) == english_payoff
    leads = journal.leads.list()
    assert {lead.status for lead in leads} == {"open", "exploring", "won", "dropped"}
    assert any("’" in (e.notes or "") for e in journal.encounters.list())


def test_the_demo_holds_what_its_files_describe(journal: Journal) -> None:
    summary = build_demo(journal)
    season = tomllib.loads((DEMO / "season.toml").read_text(encoding="utf-8"))
    evenings = [parse_batch(p.read_text(encoding="utf-8")) for p in sorted(DEMO.glob("*.txt"))]
    blocks = [spec for batch in evenings for spec in batch.encounters]
    assert summary.counts["encounters"] == len(blocks)
    assert summary.counts["people"] == len({spec.person for spec in blocks})
    assert summary.counts["events"] == len(evenings) + len(season["events"])
    assert summary.counts["outcomes"] == len(season["outcomes"])
    assert sum(line.people for line in summary.events) == len(blocks)
    assert summary.profile.fields == season["profile"]["fields"]

    expected: dict[str, Decimal] = defaultdict(Decimal)
    for outcome in season["outcomes"]:
        expected[outcome["lead"]] += Decimal(outcome.get("value", "0"))
    assert {p.summary: p.value or Decimal(0) for p in summary.paid_off} == expected
    assert [p.value or 0 for p in summary.paid_off] == sorted(
        (p.value or 0 for p in summary.paid_off), reverse=True
    )
    done = {item["action"] for item in season["followups_done"]}
    assert summary.due and not {f.action for f in summary.due} & done
    assert json.loads(json.dumps(to_dict(summary)))["counts"] == summary.counts


def _figures(journal: Journal) -> list[dict[str, object]]:
    """The payoff report's rows without their words (names, summaries)."""
    words = ("person", "event", "leads")
    rows = [row_dict(row) for row in journal.report("payoff").rows]
    return [{k: v for k, v in row.items() if k not in words} for row in rows]


def test_the_demo_refuses_a_journal_in_use(journal: Journal) -> None:
    journal.people.add("Somebody Real")
    with pytest.raises(InvalidInput, match="only fills an empty journal"):
        build_demo(journal)
    assert journal.counts()["people"] == 1 and journal.events.count() == 0


def test_a_french_interface_builds_and_shows_the_french_season(journal_url: str) -> None:
    """``LANG=fr_FR.UTF-8 netjournal demo``: the French season, its amounts and dates written
    the French way (CLDR through Babel)."""
    from clirun import run

    result = run("demo", "--db", journal_url, env={"NETJOURNAL_LANG": None, "LANG": "fr_FR.UTF-8"})
    assert result.code == 0, result
    assert "Son cartonnier de Vénissieux" in result.out
    assert "5\u202f550,50\u00a0€" in result.out and "€5,550.50" not in result.out
    assert " nov. 2026" in result.out or " oct. 2026" in result.out
