"""Renderers: JSON is stable, CSV spreads currencies, HTML stands alone, files are private."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from netjournal import Journal
from netjournal.errors import InvalidInput
from netjournal.reports import REPORTS
from netjournal.reports.render import render, save

if TYPE_CHECKING:
    from .conftest import Scenario


def test_json_document(scenario: Scenario) -> None:
    report = scenario.journal.report("payoff", attribution="linear", since="2026-01-01")
    doc = json.loads(render(report, "json"))
    assert doc["format_version"] == 1
    assert doc["report"] == "payoff"
    assert doc["parameters"] == {
        "since": "2026-01-01",
        "until": None,
        "attribution": "linear",
        "include_connections": False,
        "credit_introducers": False,
    }
    assert doc["generated_at"].endswith("Z")
    assert doc["empty"] is None
    assert doc["rows"][0]["value"] == {"EUR": "53.35"}
    assert doc["rows"][0]["leads"] == ["Cheaper boxes", "Second order"]
    assert doc["rows"][0]["date"] == "2026-01-15"
    assert doc["sections"][0]["name"] == "payoff"
    assert doc["sections"][0]["rows"] == doc["rows"]
    assert "days_to_first_outcome" in doc["sections"][0]["columns"]


def test_csv_money_columns_per_currency(scenario: Scenario) -> None:
    text = render(scenario.journal.report("events"), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"value_EUR", "value_USD", "cost_EUR", "cost_USD", "roi"} <= set(rows[0])
    first = rows[0]
    assert (first["event"], first["value_EUR"], first["roi"]) == (
        "Lyon Tech #2",
        "100.01",
        "0.2501",
    )
    series = list(
        csv.DictReader(
            io.StringIO(render(scenario.journal.report("events"), "csv", section="series"))
        )
    )
    assert series[0]["series"] == "Lyon Tech"
    with pytest.raises(InvalidInput, match="no section"):
        render(scenario.journal.report("events"), "csv", section="nope")


def test_markdown_and_table(scenario: Scenario) -> None:
    report = scenario.journal.report("fields")
    md = render(report, "markdown")
    assert md.startswith("# Inside vs outside your fields")
    assert "| outside | 4 | 2 | 50.0% | 2 | 50.0% | €110.01 |" in md
    table = render(report, "table", width=140)
    assert "outside" in table and "€110.01" in table


def test_html_is_self_contained_with_charts(scenario: Scenario) -> None:
    for name, charts in (("events", 2), ("fields", 1), ("leads", 1), ("payoff", 0)):
        page = render(scenario.journal.report(name), "html")
        assert page.startswith("<!DOCTYPE html>")
        assert page.count("data:image/png;base64,") == charts
        assert "http://" not in page and "https://" not in page
        assert "<table>" in page


def test_save_creates_private_file(tmp_path: Path, scenario: Scenario) -> None:
    target = tmp_path / "payoff.json"
    target.write_text("old")
    target.chmod(0o644)
    save(render(scenario.journal.report("payoff"), "json"), target, overwrite=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["report"] == "payoff"


@pytest.mark.parametrize("name", [n for n in REPORTS if n != "prep"])
def test_empty_journal_gives_empty_reports(journal: Journal, name: str) -> None:
    report = journal.report(name)
    assert report.rows == ()
    assert report.empty and report.empty.endswith(".")
    for fmt in ("table", "markdown", "csv", "html"):
        assert render(report, fmt)
    assert json.loads(render(report, "json"))["empty"] == report.empty


def test_empty_period_and_bad_parameters(scenario: Scenario) -> None:
    j = scenario.journal
    report = j.report("payoff", since="2030-01-01")
    assert report.rows == () and "since 2030-01-01" in (report.empty or "")
    with pytest.raises(InvalidInput, match="Unknown report"):
        j.report("nope")
    with pytest.raises(InvalidInput, match="Unknown report parameter"):
        j.report("leads", colour="red")
    with pytest.raises(InvalidInput, match="before it starts"):
        j.report("leads", since="2026-02-01", until="2026-01-01")
    with pytest.raises(InvalidInput, match="Unknown format"):
        render(j.report("leads"), "pdf")
