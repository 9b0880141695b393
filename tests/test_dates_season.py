"""Dates after a season of real use: relative dates count from the encounter, two-digit years
take the nearest century, impossible dates are refused, and editions of a recurring event are
named by their date; on SQLite and PostgreSQL, through the library and the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from clirun import fails, ok

from netjournal import Journal
from netjournal.errors import AmbiguousName, InvalidInput
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


# -- 6. refusals: a follow-up done twice or in the future, an encounter far from its event ---


def test_impossible_dates_are_refused(journal: Journal, journal_url: str) -> None:
    db = ["--db", journal_url]
    journal.people.add("Hélène Dubois")
    followup = journal.followups.add("Hélène Dubois", "2026-11-27", "Send the deck")
    journal.followups.done(followup.id, on="2026-11-20")
    message = fails(*db, "followup", "done", str(followup.id))
    assert message == (
        f"Error: Follow-up #{followup.id} was already done on 2026-11-20; reopen it first."
    )
    with pytest.raises(InvalidInput, match="already done on 2026-11-20"):
        journal.followups.done(followup.id, on="2026-11-25")
    assert journal.followups.get(followup.id).done_on == dt.date(2026, 11, 20)
    journal.followups.reopen(followup.id)
    assert "future" in fails(*db, "followup", "done", str(followup.id), "--on", "demain")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput, match="future"):
        journal.followups.done(followup.id, on=tomorrow)
    assert journal.followups.get(followup.id).done_on is None
    journal.followups.done(followup.id, on="2026-11-21")  # a past day is fine

    journal.events.add("Apéro Entrepreneurs Lyon", "2026-11-12", end_date="2026-11-13")
    with pytest.raises(InvalidInput) as caught:
        journal.log("Paul Martin", event="apéro", date="01/01/2020")
    assert "2020-01-01" in str(caught.value) and "2026-11-12" in str(caught.value)
    message = fails(*db, "log", "Paul Martin", "-e", "apéro", "-d", "01/01/2020")
    assert "2020-01-01" in message and "2026-11-12" in message
    assert journal.encounters.list() == []
    journal.log("Paul Martin", event="apéro", date="2026-11-20")  # a week after: fine
    journal.log("Marc Petit", event="apéro", date="2020-01-01", any_date=True)
    ok(*db, "log", "Léa Roux", "-e", "apéro", "-d", "01/01/2020", "--any-date")
    assert sorted(e.date for e in journal.encounters.list()) == [
        dt.date(2020, 1, 1),
        dt.date(2020, 1, 1),
        dt.date(2026, 11, 20),
    ]


# -- 7. editions of a recurring event are named by their date -------------------------------


def test_a_name_and_a_date_pick_the_edition(journal: Journal, journal_url: str) -> None:
    db = ["--db", journal_url]
    october = journal.events.add("Apéro Entrepreneurs Lyon", "2026-10-15")
    november = journal.events.add("Apéro Entrepreneurs Lyon", "2026-11-12")
    journal.events.add("Apéro Entrepreneurs Lyon", "2026-12-10")

    message = fails(*db, "log", "Hélène Dubois", "-e", "apéro entrepreneurs lyon")
    assert "2026-10-15" in message and "2026-11-12" in message and "date" in message
    assert "longer name" not in message
    with pytest.raises(AmbiguousName) as caught:
        journal.log("Hélène Dubois", event="apéro entrepreneurs lyon", date="2026-10-20")
    assert "2026-10-20" in str(caught.value)

    out = ok(*db, "log", "Hélène Dubois", "-e", "apéro entrepreneurs lyon", "-d", "15/10/2026")
    assert "2026-10-15" in out
    logged = journal.log("Paul Martin", event="apéro", date="2026-11-12")
    assert logged.event is not None and logged.event.id == november.id
    (helene,) = journal.encounters.list(person="Hélène")
    assert helene.event is not None and helene.event.id == october.id

    # prep: the next edition, or the latest when none is to come; a series works the same.
    prep = journal.report("prep", event="apéro", today="2026-11-01")
    assert prep.parameters["event_id"] == november.id
    assert {row.person for row in prep.rows} == {"Hélène Dubois", "Paul Martin"}
    late = journal.report("prep", event="apéro entrepreneurs lyon", today="2027-03-01")
    assert late.parameters["event"] == "Apéro Entrepreneurs Lyon"
    assert late.parameters["event_id"] not in (october.id, november.id)
    journal.events.add("Apéro Tech — janvier", "2027-01-14", series="Apéros Tech")
    series = journal.events.add("Apéro Tech — février", "2027-02-11", series="Apéros Tech")
    assert (
        journal.report("prep", event="apéros tech", today="2027-02-01").parameters["event_id"]
        == series.id
    )
    out = ok(*db, "prep", "apéro entrepreneurs", "--format", "json")
    assert json.loads(out)["parameters"]["event"] == "Apéro Entrepreneurs Lyon"
