"""fields, questions and leads reports, against hand-worked figures of the scenario."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from netjournal import Journal

if TYPE_CHECKING:
    from .conftest import Scenario

D = Decimal


def test_fields_inside_outside_unknown(scenario: Scenario) -> None:
    report = scenario.journal.report("fields")
    got = {
        r.group: (r.encounters, r.with_lead, r.lead_share, r.paid_off, r.paid_share, r.value)
        for r in report.rows
    }
    assert [r.group for r in report.rows] == ["inside", "outside", "unknown"]
    # inside: Bob enc3 (L2 paid), Dan enc5 (marked inside; L4, L7 unpaid).
    assert got["inside"] == (2, 2, D("1.0000"), 1, D("0.5000"), {"USD": D("250.00")})
    # outside: Alice enc1, enc2 (L1 paid), enc7 (L6 paid), Eve enc6 (marked outside).
    assert got["outside"] == (4, 2, D("0.5000"), 2, D("0.5000"), {"EUR": D("110.01")})
    # unknown: Carol has no field; enc4 (L3 paid).
    assert got["unknown"] == (1, 1, D("1.0000"), 1, D("1.0000"), {"EUR": D("30.00")})
    assert any(
        "50.0% of encounters outside" in n and "100.0% of those inside" in n for n in report.notes
    )


def test_fields_period_and_no_profile_fields(journal: Journal) -> None:
    journal.log("Ann", field="Law", date="2026-01-01")
    journal.log("Ben", date="2026-02-01", outside_field=True)
    report = journal.report("fields")
    assert {r.group: r.encounters for r in report.rows} == {"unknown": 1, "outside": 1}
    assert any("no fields" in n for n in report.notes)
    journal.set_profile(fields=["law"])
    assert {r.group: r.encounters for r in journal.report("fields").rows} == {
        "inside": 1,
        "outside": 1,
    }
    assert [r.group for r in journal.report("fields", until="2026-01-15").rows] == ["inside"]


def test_questions_grouped_and_ranked(scenario: Scenario) -> None:
    rows = scenario.journal.report("questions").rows
    got = [(r.question, r.times_asked, r.encounters, r.leads, r.won, r.value) for r in rows]
    assert got == [
        # enc3 (L2) and enc5 (L4, L7): 3 leads, L2 won.
        ("What keeps you up at night?", 2, 2, 3, 1, {"USD": D("250.00")}),
        # asked twice at enc1 and once at enc2 (L1, won, 100.01).
        ("Who makes your boxes?", 3, 2, 1, 1, {"EUR": D("100.01")}),
        ("What do you sell?", 1, 1, 1, 1, {"EUR": D("30.00")}),
    ]


def test_questions_period(scenario: Scenario) -> None:
    rows = scenario.journal.report("questions", since="2026-02-01", until="2026-02-28").rows
    assert [(r.question, r.times_asked, r.leads) for r in rows] == [
        ("who makes your boxes !", 1, 1)
    ]


def test_leads_funnel(scenario: Scenario) -> None:
    rows = scenario.journal.report("leads").rows
    got = {
        r.kind: (
            r.leads,
            r.open,
            r.exploring,
            r.won,
            r.dropped,
            r.conversion,
            r.with_outcome,
            r.median_days_to_outcome,
        )
        for r in rows
    }
    assert [r.kind for r in rows] == ["customer", "supplier", "advice", "partner", "all kinds"]
    # customer: L2 (17 days), L5 exploring, L6 (16 days): median 16.5.
    assert got["customer"] == (3, 0, 1, 2, 0, D("0.6667"), 2, D("16.5"))
    # supplier: L1 (14 days), L3 (10 days): median 12.
    assert got["supplier"] == (2, 0, 0, 2, 0, D("1.0000"), 2, D("12.0"))
    assert got["advice"] == (1, 1, 0, 0, 0, D("0.0000"), 0, None)
    assert got["partner"] == (1, 0, 0, 0, 1, D("0.0000"), 0, None)
    # all: 7 leads, 4 won; days 10, 14, 16, 17: median 15.
    assert got["all kinds"] == (7, 1, 1, 4, 1, D("0.5714"), 4, D("15.0"))


def test_leads_median_odd_count_and_period(scenario: Scenario) -> None:
    rows = scenario.journal.report("leads", since="2026-02-01").rows
    got = {r.kind: (r.leads, r.median_days_to_outcome) for r in rows}
    # Born from 02-01 on: L1 (14), L3 (10), L4, L7, L5, L6 (16): all-kinds median of 3 is 14.
    assert got["all kinds"] == (6, D("14.0"))
    assert got["customer"] == (2, D("16.0"))
