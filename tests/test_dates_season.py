"""Dates after a season of real use: relative dates count from the encounter, two-digit years
take the nearest century, impossible dates are refused, and editions of a recurring event are
named by their date; on SQLite and PostgreSQL, through the library and the command line."""

from __future__ import annotations

import datetime as dt

from clirun import ok

from netjournal import Journal
from netjournal.validate import parse_date

THU_15_OCT = dt.date(2026, 10, 15)  # a Thursday


def _dues(journal: Journal) -> list[dt.date]:
    return sorted(f.due for f in journal.followups.list())


# -- 4. relative dates inside an encounter count from its date ------------------------------


def test_followup_dates_count_from_the_encounter(journal: Journal, journal_url: str) -> None:
    assert parse_date("demain", relative_to=THU_15_OCT) == dt.date(2026, 10, 16)
    assert parse_date("in 3 days", prefer="future", relative_to=THU_15_OCT) == dt.date(2026, 10, 18)
    journal.log(
        "Hélène Dubois",
        date="15/10/2026",
        followups=[("friday", "Send the deck"), ("in 3 days", "Call her")],
    )
    assert _dues(journal) == [dt.date(2026, 10, 16), dt.date(2026, 10, 18)]
    # The command line parses the follow-up before it knows the date: it still counts from it.
    ok("--db", journal_url, "log", "Paul Martin", "-d", "15/10/2026", "--follow-up", "demain:Call")
    assert dt.date(2026, 10, 16) in [f.due for f in journal.followups.list(person="Paul")]
    # With no date, the encounter is dated by its event, and so are its follow-ups.
    journal.events.add("Salon Emballage", "2026-09-03")
    journal.log("Marc Petit", event="salon", followups=[("demain", "Samples")])
    assert [f.due for f in journal.followups.list(person="Marc")] == [dt.date(2026, 9, 4)]


# -- 5. two-digit years take the nearest century ------------------------------------------


def test_two_digit_years_take_the_nearest_century(journal: Journal, journal_url: str) -> None:
    late_november = dt.date(2026, 11, 30)
    assert parse_date("12/10/26", prefer="future", relative_to=late_november) == dt.date(
        2026, 10, 12
    )
    assert parse_date("01/06/77", relative_to=late_november) == dt.date(1977, 6, 1)
    assert parse_date("01/06/70", prefer="past", relative_to=late_november) == dt.date(2070, 6, 1)
    assert parse_date("12/10/2126", prefer="future") == dt.date(2126, 10, 12)  # four digits: kept
    ok(
        "--db",
        journal_url,
        "log",
        "Hélène Dubois",
        "-d",
        "2026-11-20",
        "--follow-up",
        "12/10/26:Send the deck",
    )
    journal.log("Paul Martin", date="2026-11-20", followups=[("12/12/26", "Call")])
    assert _dues(journal) == [dt.date(2026, 10, 12), dt.date(2026, 12, 12)]
