"""Reports after a season of real use: one test per fix (limit, empty messages, event economics,
provisional ROI, follow-up order), each on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Scenario

TODAY = "2026-03-28"


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
