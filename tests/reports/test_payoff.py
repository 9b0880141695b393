"""The payoff report under each attribution, checked against hand-worked figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from netjournal import Journal
from netjournal.errors import InvalidInput

if TYPE_CHECKING:
    from .conftest import Scenario

D = Decimal


def _table(report: object) -> list[tuple[int, dict[str, Decimal], int, int, tuple[str, ...]]]:
    return [
        (r.encounter_id, r.value, r.outcomes, r.days_to_first_outcome, r.leads)
        for r in report.rows  # type: ignore[attr-defined]
    ]


def test_first_attribution_credits_the_first_encounter(scenario: Scenario) -> None:
    e = scenario.enc
    report = scenario.journal.report("payoff")
    assert report.parameters["attribution"] == "first"
    assert any("first" in note for note in report.notes)
    # Alice: L1 (100.01) and L6 (10.00) both go to enc1 (2026-01-15); first outcome 03-01: 45 days.
    # Ranked by EUR value: enc1 110.01, enc4 30.00, then Bob's enc3 (USD only).
    assert _table(report) == [
        (e[1], {"EUR": D("110.01")}, 3, 45, ("Cheaper boxes", "Second order")),
        (e[4], {"EUR": D("30.00")}, 1, 10, ("Label printers",)),
        (e[3], {"USD": D("250.00")}, 1, 17, ("Pilot project",)),
    ]
    first = report.rows[0]
    assert (first.person, first.event, first.date) == (
        "Alice Martin",
        "Lyon Tech #1",
        dt.date(2026, 1, 15),
    )


def test_last_attribution_credits_the_leads_own_encounter(scenario: Scenario) -> None:
    e = scenario.enc
    report = scenario.journal.report("payoff", attribution="last")
    assert report.parameters["attribution"] == "last"
    # enc2 02-15 -> 03-01 is 14 days; enc7 03-25 -> 04-10 is 16 days.
    assert _table(report) == [
        (e[2], {"EUR": D("100.01")}, 2, 14, ("Cheaper boxes",)),
        (e[4], {"EUR": D("30.00")}, 1, 10, ("Label printers",)),
        (e[7], {"EUR": D("10.00")}, 1, 16, ("Second order",)),
        (e[3], {"USD": D("250.00")}, 1, 17, ("Pilot project",)),
    ]
    assert report.rows[2].event is None


def test_linear_attribution_splits_exact_cents(scenario: Scenario) -> None:
    e = scenario.enc
    report = scenario.journal.report("payoff", attribution="linear")
    # L1 10001 cents over enc1, enc2: 5001 + 5000. L6 1000 cents over enc1, enc2, enc7:
    # 334 + 333 + 333. enc1 = 50.01 + 3.34, enc2 = 50.00 + 3.33, enc7 = 3.33.
    assert _table(report) == [
        (e[1], {"EUR": D("53.35")}, 3, 45, ("Cheaper boxes", "Second order")),
        (e[2], {"EUR": D("53.33")}, 3, 14, ("Cheaper boxes", "Second order")),
        (e[4], {"EUR": D("30.00")}, 1, 10, ("Label printers",)),
        (e[7], {"EUR": D("3.33")}, 1, 16, ("Second order",)),
        (e[3], {"USD": D("250.00")}, 1, 17, ("Pilot project",)),
    ]
    total = sum(r.value.get("EUR", D(0)) for r in report.rows)
    assert total == D("140.01")  # 100.01 + 10.00 + 30.00: nothing lost in the split


@pytest.mark.parametrize(
    ("value", "meetings", "expected"),
    [
        ("0.05", 3, ["0.02", "0.02", "0.01"]),
        ("-0.05", 2, ["-0.03", "-0.02"]),
        ("100.00", 4, ["25.00"] * 4),
        ("0.01", 3, ["0.01", "0.00", "0.00"]),
    ],
)
def test_linear_split_preserves_totals(
    journal: Journal, value: str, meetings: int, expected: list[str]
) -> None:
    encounters = [journal.log("Zoe", date=f"2026-01-{day:02d}") for day in range(1, meetings + 1)]
    lead = journal.leads.add(encounters[-1].id, "customer", "Deal")
    journal.outcomes.add(lead.id, "Paid", value=value, date="2026-02-01")
    if D(value) < 0:  # a loss alone pays nothing off: split next to a gain in another currency
        journal.outcomes.add(lead.id, "Won back", value="1", currency="USD", date="2026-02-02")
    rows = journal.report("payoff", attribution="linear").rows
    shares = {r.encounter_id: r.value.get("EUR", D(0)) for r in rows}
    assert [shares.get(e.id, D("0.00")) for e in encounters] == [D(x) for x in expected]
    assert sum(shares.values()) == D(value)


def test_period_filters_credited_encounters(scenario: Scenario) -> None:
    e = scenario.enc
    j = scenario.journal
    assert [r.encounter_id for r in j.report("payoff", since="2026-02-01").rows] == [e[4]]
    rows = j.report("payoff", attribution="last", since="2026-02-01", until="2026-03-24").rows
    assert [r.encounter_id for r in rows] == [e[2], e[4]]


def test_limit_and_bad_attribution(scenario: Scenario) -> None:
    assert len(scenario.journal.report("payoff", limit=1).rows) == 1
    with pytest.raises(InvalidInput, match="attribution"):
        scenario.journal.report("payoff", attribution="middle")


def test_value_less_outcome_still_pays_off(journal: Journal) -> None:
    encounter = journal.log("Yann", date="2026-01-01", leads=[("recruiting", "A hire")])
    journal.outcomes.add(
        encounter.leads[0].id, "Hired Yann's friend", kind="hire", date="2026-01-31"
    )
    (row,) = journal.report("payoff").rows
    assert (row.encounter_id, row.value, row.outcomes, row.days_to_first_outcome) == (
        encounter.id,
        {},
        1,
        30,
    )
