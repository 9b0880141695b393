"""Reports after a season of real use: one test per fix (limit, empty messages, event economics,
provisional ROI, follow-up order), each on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING

from clirun import ok

from netjournal import Journal
from netjournal.reports.render import render

if TYPE_CHECKING:
    from .conftest import Scenario

D = Decimal
TODAY = "2026-03-28"
LATER = "2026-12-01"


def _url(journal: Journal) -> str:
    return journal.location.url.render_as_string(hide_password=False)


def test_limit_applies_to_events_and_leads(scenario: Scenario) -> None:
    j = scenario.journal
    # Best first: Lyon Tech #2 (100.01 EUR), Packaging Expo (30.00 EUR), then two more.
    events = j.report("events", limit=2)
    assert [r.event for r in events.rows] == ["Lyon Tech #2", "Packaging Expo"]
    assert "1 of 4 events produced no lead." in events.notes  # notes still count them all
    assert len(events.section("series").rows) == 1
    # Kinds by number of leads: customer 3 (L2, L5, L6), supplier 2 (L1, L3), then advice and
    # partner 1 each; the all-kinds row still counts the 7 leads.
    leads = j.report("leads", limit=2)
    assert [(r.kind, r.leads) for r in leads.rows] == [
        ("customer", 3),
        ("supplier", 2),
        ("all kinds", 7),
    ]
    assert any("2 of the 4 kinds" in n for n in leads.notes)
    assert len(j.report("fields", limit=1).rows) == 1
    # The CLI passes --limit through.
    db = ("--db", _url(j))
    doc = json.loads(ok(*db, "report", "events", "--limit", "1", "--format", "json"))
    assert [r["event"] for r in doc["rows"]] == ["Lyon Tech #2"]
    doc = json.loads(ok(*db, "report", "leads", "--limit", "1", "--format", "json"))
    assert [r["kind"] for r in doc["rows"]] == ["customer", "all kinds"]


def test_empty_messages_say_what_the_period_left_out(scenario: Scenario) -> None:
    j = scenario.journal
    expected = {
        "payoff": "No encounter paid off since 2026-12-01 "
        "(5 outcomes credit encounters outside these dates).",
        "events": "No event since 2026-12-01 (4 events start outside these dates).",
        "fields": "No encounter since 2026-12-01 (7 encounters are outside these dates).",
        "questions": "No question was recorded since 2026-12-01 "
        "(6 questions were asked in encounters outside these dates).",
        "leads": "No lead was recorded since 2026-12-01 "
        "(7 leads were born in encounters outside these dates).",
        "pitches": "Nobody pitched you since 2026-12-01 "
        "(2 encounters marked as pitched are outside these dates).",
    }
    for name, sentence in expected.items():
        report = j.report(name, since=LATER)
        assert report.rows == ()
        assert report.empty == sentence, name
        assert json.loads(render(report, "json"))["empty"] == sentence
    series = j.report("events", since=LATER).section("series")
    assert series.empty == (
        "No event of a series since 2026-12-01 (2 editions start outside these dates)."
    )
    # F1 (03-01), F2 (03-28) and F3 (04-02) are due by 04-04 (F4, 04-20, is neither: it is
    # due later, but from an encounter outside the period too).
    followups = j.report("followups", since=LATER, today=TODAY)
    assert followups.empty == (
        "Nothing overdue or due by 2026-04-04 from encounters since 2026-12-01 "
        "(3 follow-ups come from encounters outside these dates)."
    )
    assert followups.section("people").empty == followups.empty
    prep = j.report("prep", event="Lyon Tech #2", since=LATER)
    scope = "Lyon Tech #2 (2026-02-15) and the 2 editions of the series Lyon Tech"
    assert prep.empty == (
        f"You met nobody at {scope} since 2026-12-01 (3 encounters there are outside these dates)."
    )
    assert prep.section("questions").empty == (
        f"No question was recorded at {scope} since 2026-12-01 "
        "(4 questions asked there are outside these dates)."
    )
    # F1 (enc2, 02-15) is due by 03-09 but outside the period; F3 (enc7, 03-25) is due later.
    quiet = j.report("followups", today="2026-03-02", since="2026-03-25")
    assert quiet.empty == (
        "Nothing overdue or due by 2026-03-09 from encounters since 2026-03-25 "
        "(1 follow-up comes from encounters outside these dates; "
        "1 is due later, the first on 2026-04-02)."
    )


def test_empty_messages_without_anything_outside(journal: Journal) -> None:
    # Nothing left out by the period: the sentence says why there is nothing.
    assert journal.report("payoff", since=LATER).empty == (
        "No encounter paid off since 2026-12-01: no outcome is recorded yet."
    )
    assert journal.report("pitches").empty == (
        "Nobody pitched you: no encounter is marked as pitched."
    )
    ana = journal.log("Ana", date="2026-01-02", followups=[("2026-05-01", "Call")])
    assert journal.report("followups", today="2026-01-03").empty == (
        "Nothing overdue or due by 2026-01-10 (1 follow-up is due later, the first on 2026-05-01)."
    )
    journal.followups.done(ana.followups[0].id, on="2026-01-04")
    assert journal.report("followups", today="2026-06-01").empty == (
        "Nothing overdue or due by 2026-06-08: no follow-up is open."
    )


def test_event_economics_currencies_zero_cost_and_future_editions(scenario: Scenario) -> None:
    j = scenario.journal
    j.events.add("Free Meetup", "2026-03-22", hours=1, cost=0)
    j.events.add("Lyon Tech #3", "2026-06-15", series="Lyon Tech", hours=10, cost=500)
    report = j.report("events", today=TODAY)
    rows = {r.event: r for r in report.rows}
    # E1: value in USD, cost in EUR; E3: value in EUR, cost in USD: no ratio across currencies.
    assert rows["Lyon Tech #1"].value_per_cost == {}
    assert rows["Packaging Expo"].value_per_cost == {}
    # A cost of 0 is a cost: shown as 0.00, not left blank.
    assert rows["Free Meetup"].cost == {"EUR": D("0.00")}
    table = render(report, "markdown")
    meetup = next(line for line in table.splitlines() if line.startswith("| ") and "Free" in line)
    assert "| €0.00 |" in meetup
    # The series counts only editions held by today: 5 hours and 30 EUR, not 15 hours and 530.
    (series,) = report.section("series").rows
    assert (series.editions, series.hours, series.cost) == (2, D("5.00"), {"EUR": D("30.00")})
    assert series.value_per_hour == {"EUR": D("20.00"), "USD": D("50.00")}  # over 5 hours
    # Value in EUR and USD against a cost in EUR: no value per cost unit, as no ROI.
    assert series.value_per_cost == {} and series.roi is None
    # The future edition itself: its planned cost, no verdict yet.
    future = rows["Lyon Tech #3"]
    assert future.cost == {"EUR": D("500.00")}
    assert (future.roi, future.value_per_hour, future.produced_nothing) == (None, {}, False)
    assert any("after 2026-03-28" in n for n in report.notes)


def test_roi_is_provisional_while_leads_are_open(journal: Journal) -> None:
    journal.set_profile(hourly_rate="40", currency="EUR")
    journal.events.add("Trade Fair", "2026-03-20", series="Fairs", hours=2, cost=50)
    journal.events.add("Old Fair", "2025-03-20", series="Fairs", hours=2, cost=50)
    journal.events.add("Dead End", "2026-03-10", hours=2, cost=50)
    journal.log(
        "Ana",
        event="Trade Fair",
        leads=[("supplier", "Ink"), ("supplier", "Paper"), ("customer", "Pilot")],
    )
    gone = journal.log("Ben", event="Dead End", leads=[("customer", "Nope")])
    journal.leads.update(gone.leads[0].id, status="dropped", on="2026-03-12")
    explored = journal.log("Cleo", event="Old Fair", leads=[("partner", "Stand")])
    journal.leads.update(explored.leads[0].id, status="exploring", on="2025-04-01")
    report = journal.report("events", today=TODAY)
    rows = {r.event: r for r in report.rows}
    fair, dead = rows["Trade Fair"], rows["Dead End"]
    # Spend 50 + 2 x 40 = 130 EUR each, nothing back yet: -100%.
    assert fair.roi == dead.roi == D("-1.0000")
    assert fair.provisional is True
    assert (fair.open_leads.count, fair.open_leads.kinds) == (3, ("customer", "supplier"))
    assert dead.provisional is False and dead.open_leads.count == 0
    (series,) = report.section("series").rows
    assert series.provisional is True
    assert series.open_leads.count == 4  # Ana's three, and Cleo's lead from the older edition
    assert series.open_leads.kinds == ("customer", "partner", "supplier")

    doc = json.loads(render(report, "json"))
    by_name = {r["event"]: r for r in doc["rows"]}
    assert by_name["Trade Fair"]["provisional"] is True
    assert by_name["Trade Fair"]["open_leads"] == {"count": 3, "kinds": ["customer", "supplier"]}
    assert by_name["Dead End"]["provisional"] is False
    assert doc["sections"][1]["rows"][0]["provisional"] is True

    for fmt in ("markdown", "table", "html"):
        text = render(report, fmt, width=400)  # wide enough for a table to wrap no cell
        assert "-100.0% (provisional: 3 open leads: customer, supplier)" in text, fmt
        assert "open or exploring" in text, fmt  # the note explaining the mark
    markdown = render(report, "markdown")
    dead_line = next(line for line in markdown.splitlines() if "| Dead End |" in line)
    assert "| -100.0% |" in dead_line and "provisional" not in dead_line


def test_followups_most_overdue_first(scenario: Scenario) -> None:
    j = scenario.journal
    j.log("Aaron Abbot", date="2026-01-10", followups=[("2026-03-27", "Send deck")])
    j.log("Zoe Zed", date="2026-01-10", followups=[("2026-02-15", "Pay invoice")])
    report = j.report("followups", today=TODAY)
    got = [(r.person, r.due, r.days_late) for r in report.rows]
    assert got == [
        ("Zoe Zed", dt.date(2026, 2, 15), 41),
        ("Alice Martin", dt.date(2026, 3, 1), 27),
        ("Aaron Abbot", dt.date(2026, 3, 27), 1),
        ("Carol Diaz", dt.date(2026, 3, 28), 0),
        ("Alice Martin", dt.date(2026, 4, 2), 0),
    ]
    assert [r.person for r in j.report("followups", today=TODAY, limit=1).rows] == ["Zoe Zed"]
