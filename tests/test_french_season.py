"""A season in French from end to end, on both backends: the French demo season (typed with
French keys, kinds and dates) read back through the reports in French, with French figures'
formats, and the same machine formats (JSON) whichever language the interface speaks."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from clirun import ok

NBSP, NNBSP = "\u00a0", "\u202f"


def _without_moment(text: str) -> Any:
    data = json.loads(text)
    data.pop("generated_at", None)
    return data


def test_reports_of_a_french_season_in_french(journal_url: str, tmp_path: Path) -> None:
    fr = ["--lang", "fr", "--db", journal_url]
    ok(*fr, "demo")
    events = ok(*fr, "report", "events")
    # amounts grouped with a narrow no-break space, the euro after a no-break space
    assert f"450,00{NBSP}€" in events and "€450.00" not in events
    assert re.search(rf"[0-9],[0-9]{NNBSP}%", events)  # 12,5 %: percentages the French way
    payoff = ok(*fr, "report", "payoff")
    assert f"5{NNBSP}550,50{NBSP}€" in payoff
    followups = ok(*fr, "followup", "list")
    assert re.search(
        r"[0-9]{1,2} (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)", followups
    )
    assert not re.search(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}", followups)
    # the same report, as data, is the same in both languages: machine formats
    en = ["--lang", "en", "--db", journal_url]
    for report in ("payoff", "events", "fields", "questions"):
        french = _without_moment(ok(*fr, "report", report, "--format", "json"))
        english = _without_moment(ok(*en, "report", report, "--format", "json"))
        assert french == english, report
    # stored codes, whatever language wrote them
    kinds = {lead["kind"] for lead in json.loads(ok(*fr, "lead", "list", "--json"))}
    assert kinds <= {
        "supplier",
        "customer",
        "partner",
        "recruiting",
        "fundraising",
        "marketing",
        "advice",
        "introduction",
        "other",
    }
    assert "fournisseur" in ok(*fr, "lead", "list")  # and shown in French


def test_the_html_report_says_it_is_french(journal_url: str, tmp_path: Path) -> None:
    fr = ["--lang", "fr", "--db", journal_url]
    ok(*fr, "demo")
    target = tmp_path / "saison.html"
    ok(*fr, "report", "events", "--format", "html", "--output", str(target))

    class Page(HTMLParser):
        lang: str | None = None
        text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "html":
                self.lang = dict(attrs).get("lang")

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    page = Page()
    page.feed(target.read_text(encoding="utf-8"))
    assert page.lang == "fr"
    assert f"450,00{NBSP}€" in "".join(page.text)
