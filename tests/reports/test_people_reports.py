"""pitches, followups and prep reports, against the scenario."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

from netjournal import Journal
from netjournal.errors import AmbiguousName, InvalidInput, NotFound

TODAY = "2026-03-28"

if TYPE_CHECKING:
    from .conftest import Scenario


def test_pitches(scenario: Scenario) -> None:
    e = scenario.enc
    report = scenario.journal.report("pitches")
    assert [(r.encounter_id, r.person, r.useful_supplier) for r in report.rows] == [
        (e[5], "Dan Wu", False),
        (e[4], "Carol Diaz", True),
    ]
    carol = report.rows[1]
    assert carol.learned == ("What do you sell? -> Label printers",)
    assert (carol.stakes, carol.notes, carol.event) == (
        "Wants a distributor",
        "Pushy but useful",
        "Packaging Expo",
    )
    assert report.notes == ("2 pitches; 1 became a useful supplier.",)


def test_pitch_supplier_useful_by_outcome_without_won(journal: Journal) -> None:
    encounter = journal.log(
        "Seller", pitched=True, date="2026-01-01", leads=[("supplier", "Cheap ink")]
    )
    assert journal.report("pitches").rows[0].useful_supplier is False
    # Without a value, an outcome on a lead that is not won is no gain (it may be a refusal).
    journal.outcomes.add(encounter.leads[0].id, "Tried it", mark_won=False, date="2026-01-05")
    assert journal.report("pitches").rows[0].useful_supplier is False
    journal.outcomes.add(
        encounter.leads[0].id, "Saved on ink", value="40", mark_won=False, date="2026-01-06"
    )
    assert journal.report("pitches").rows[0].useful_supplier is True


def test_followups_overdue_and_soon(scenario: Scenario) -> None:
    e = scenario.enc
    report = scenario.journal.report("followups", today=TODAY)
    got = [
        (r.person, r.due, r.state, r.days_late, r.action, r.encounter_id, r.event)
        for r in report.rows
    ]
    assert got == [
        ("Alice Martin", dt.date(2026, 3, 1), "overdue", 27, "Send volumes", e[2], "Lyon Tech #2"),
        ("Carol Diaz", dt.date(2026, 3, 28), "due today", 0, "Call back", e[4], "Packaging Expo"),
        ("Alice Martin", dt.date(2026, 4, 2), "due soon", 0, "Intro to boss", e[7], None),
    ]
    people = [
        (p.person, p.overdue, p.due_soon, p.oldest_due) for p in report.section("people").rows
    ]
    assert people == [
        ("Alice Martin", 1, 1, dt.date(2026, 3, 1)),
        ("Carol Diaz", 0, 1, dt.date(2026, 3, 28)),
    ]
    wider = scenario.journal.report("followups", today=TODAY, soon=30)
    assert [(r.person, r.action) for r in wider.rows][3] == ("Bob Stone", "Quarterly check")
    assert report.parameters["soon"] == 7


def test_prep_series(scenario: Scenario) -> None:
    report = scenario.journal.report("prep", event="Lyon Tech #2")
    people = [(p.person, p.times_met, p.last_met, p.open_leads, p.followups) for p in report.rows]
    assert people == [
        (
            "Alice Martin",
            2,
            dt.date(2026, 2, 15),
            ("customer: Referral to her boss (exploring)",),
            ("2026-03-01: Send volumes", "2026-04-02: Intro to boss"),
        ),
        ("Bob Stone", 1, dt.date(2026, 1, 15), (), ("2026-04-20: Quarterly check",)),
    ]
    questions = [
        (q.question, q.times_asked, q.leads, q.value) for q in report.section("questions").rows
    ]
    from decimal import Decimal

    assert questions == [
        ("Who makes your boxes?", 3, 1, {"EUR": Decimal("100.01")}),
        ("What keeps you up at night?", 1, 1, {"USD": Decimal("250.00")}),
    ]
    assert report.parameters["event"] == "Lyon Tech #2"


def test_prep_single_event_and_errors(scenario: Scenario) -> None:
    j = scenario.journal
    report = j.report("prep", event="Packaging Expo")
    assert [p.person for p in report.rows] == ["Carol Diaz", "Dan Wu"]
    assert [p.open_leads for p in report.rows][1] == ("advice: Talk to his accountant (open)",)
    empty = j.report("prep", event="Quiet Dinner", since="2026-04-01")
    assert empty.rows == () and empty.empty and "Quiet Dinner" in empty.empty
    with pytest.raises(InvalidInput):
        j.report("prep")
    with pytest.raises(NotFound):
        j.report("prep", event="Nowhere")
    # "Lyon" names the editions of one series: the latest, as none is to come.
    assert j.report("prep", event="Lyon", today="2026-12-01").parameters["event"] == "Lyon Tech #2"
    j.events.add("Lyon Startup Night", "2026-05-01")
    with pytest.raises(AmbiguousName):
        j.report("prep", event="Lyon")
