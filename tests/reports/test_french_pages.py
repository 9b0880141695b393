"""Report pages in French: titles, headers, notes, empty sentences and codes are shown in the
user's language, while the API, JSON and CSV keep the English whatever the language."""

from __future__ import annotations

import json

from netjournal.i18n import using
from netjournal.reports.render import render

from .conftest import Scenario


def test_markdown_in_french_and_machine_formats_unchanged(scenario: Scenario) -> None:
    with using("en"):
        english = scenario.journal.report("fields")
        english_json = render(english, "json")
        english_csv = render(english, "csv")
    with using("fr"):
        report = scenario.journal.report("fields")
        md = render(report, "markdown")
        csv = render(report, "csv")
        document = json.loads(render(report, "json"))
    assert md.startswith("# Dans et hors de vos domaines\n")
    assert "Généré le " in md
    assert "| Domaine | Rencontres | Avec une piste |" in md
    assert "| hors de vos domaines | 4 | 2 |" in md
    # Built in French, the report still holds English: the API and the machine formats.
    assert report.title == "Inside vs outside your fields"
    assert document["title"] == "Inside vs outside your fields"
    assert [row["group"] for row in document["rows"]] == ["inside", "outside", "unknown"]
    assert document["sections"][0]["columns"] == json.loads(english_json)["sections"][0]["columns"]
    assert csv == english_csv


def test_empty_sentence_and_period_in_french(scenario: Scenario) -> None:
    with using("fr"):
        report = scenario.journal.report("payoff", since="2027-01-01", today="2026-03-28")
        table = render(report, "table")
    assert report.empty is not None
    assert report.empty.startswith("No encounter paid off since 2027-01-01 (")
    assert "Aucune rencontre n’a rapporté depuis le 2027-01-01 (" in table
    assert "créditent des rencontres hors de ces dates)." in table
    assert "Attribution\u00a0: première rencontre" in table


def test_html_page_says_its_language(scenario: Scenario) -> None:
    report = scenario.journal.report("leads")
    with using("fr"):
        french = render(report, "html")
    with using("en"):
        english = render(report, "html")
    assert '<html lang="fr">' in french and "<h1>Entonnoir des pistes</h1>" in french
    assert "<th>Type</th>" in french and "<td>tous types</td>" in french
    assert '<html lang="en">' in english and "<h1>Lead funnel</h1>" in english
