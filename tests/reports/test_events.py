"""The events report: per event and per series, value against time and cost."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Scenario

D = Decimal


def test_per_event_figures(scenario: Scenario) -> None:
    report = scenario.journal.report("events")
    rows = {r.event: r for r in report.rows}
    # Ranked by EUR value: E2 100.01, E3 30.00, E1 (USD only), E4 nothing.
    assert [r.event for r in report.rows] == [
        "Lyon Tech #2",
        "Packaging Expo",
        "Lyon Tech #1",
        "Quiet Dinner",
    ]
    e1, e2, e3, e4 = (
        rows[n] for n in ("Lyon Tech #1", "Lyon Tech #2", "Packaging Expo", "Quiet Dinner")
    )
    assert (e1.people, e1.leads, e1.won, e1.value) == (2, 1, 1, {"USD": D("250.00")})
    assert e1.value_per_hour == {"USD": D("83.33")}  # 250 / 3
    assert e1.value_per_cost == {}  # value in USD, cost in EUR: no ratio
    assert e1.roi is None  # spend in EUR, value in USD: not mixed

    # E2: spend = 2 h x 40 = 80 EUR; ROI = (100.01 - 80) / 80 = 0.250125 -> 0.2501.
    assert (e2.people, e2.leads, e2.won, e2.value) == (1, 1, 1, {"EUR": D("100.01")})
    assert e2.cost == {}
    assert e2.value_per_hour == {"EUR": D("50.00")}  # 50.005 rounds half-even
    assert e2.roi == D("0.2501")
    assert not e2.produced_nothing

    # E3: 3 leads (L3 won, L4 dropped, L7 open); cost in USD and time in EUR: no ROI.
    assert (e3.people, e3.leads, e3.won, e3.value) == (2, 3, 1, {"EUR": D("30.00")})
    assert e3.cost == {"USD": D("200.00")}
    assert e3.value_per_hour == {"EUR": D("3.75")}
    assert e3.value_per_cost == {}  # value in EUR, cost in USD
    assert e3.roi is None

    # E4: spend 50 + 2 x 40 = 130 EUR, nothing back: ROI -1.
    assert (e4.people, e4.leads, e4.won, e4.value) == (1, 0, 0, {})
    assert e4.roi == D("-1.0000")
    assert e4.produced_nothing
    assert "1 of 4 events produced no lead." in report.notes


def test_per_series_figures(scenario: Scenario) -> None:
    (series,) = scenario.journal.report("events").section("series").rows
    assert series.series == "Lyon Tech"
    assert (series.editions, series.people, series.leads, series.won) == (2, 2, 2, 2)
    assert series.value == {"EUR": D("100.01"), "USD": D("250.00")}
    assert series.hours == D("5.00")
    assert series.cost == {"EUR": D("30.00")}
    assert series.value_per_hour == {"EUR": D("20.00"), "USD": D("50.00")}
    assert series.value_per_cost == {}  # value in EUR and USD, cost in EUR: no ratio
    assert series.roi is None


def test_period_is_by_event_start(scenario: Scenario) -> None:
    report = scenario.journal.report("events", since="2026-03-01")
    assert [r.event for r in report.rows] == ["Packaging Expo", "Quiet Dinner"]
    assert report.section("series").rows == ()
    assert report.section("series").empty.startswith("No event of a series since 2026-03-01")


def test_without_hourly_rate_roi_counts_cost_only(journal: object) -> None:
    from netjournal import Journal

    assert isinstance(journal, Journal)
    journal.events.add("Fair", "2026-05-01", hours=4, cost=100)
    encounter = journal.log("Ana", event="Fair", leads=[("customer", "Order")])
    journal.outcomes.add(encounter.leads[0].id, "Paid", value=150, date="2026-05-02")
    report = journal.report("events")
    (row,) = report.rows
    assert row.roi == D("0.5000")  # (150 - 100) / 100
    assert any("hourly rate" in n for n in report.notes)
