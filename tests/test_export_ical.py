"""``export ical``: follow-ups and upcoming events read back with icalendar and
recurring-ical-events, stable UIDs, the filters, and the command line (issue 15 item 5)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from clirun import fails, ok

from netjournal import Journal
from netjournal.errors import InvalidInput

TODAY = dt.date.today()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def export(journal: Journal, **options: Any) -> str:
    fp = io.StringIO()
    journal.export_ical(fp, **options)
    return fp.getvalue()


def components(text: str, name: str) -> dict[str, Any]:
    """The components ``name`` of the calendar ``text``, by SUMMARY."""
    calendar = icalendar.Calendar.from_ical(text)
    return {str(c["SUMMARY"]): c for c in calendar.walk(name)}


def seed(journal: Journal) -> dict[str, int]:
    """Hélène (tagged client) met at a conference in two days (event tagged lyon), with a
    follow-up in five days and an overdue one; Paul met on his own, with a follow-up in ten
    days (encounter tagged hot) and one done; a past event; a timed event next week."""
    journal.people.add("Hélène Dubois", organization="Emballix", tags=["client"])
    journal.events.add("Salon Emballage", day(2), kind="conference", location="Lyon", tags=["lyon"])
    journal.events.add("Old Dinner", day(-10), kind="dinner")
    journal.events.add(
        "Breakfast talk",
        day(7),
        starts_at=dt.datetime.combine(day(7), dt.time(8, 30), dt.UTC),
        hours=2,
    )
    met = journal.log(
        "Hélène Dubois",
        event="Salon Emballage",
        date=day(2),
        notes="Wants cheaper boxes",
        followups=[(day(5), "Send her our volumes")],
    )
    late = journal.followups.add("Hélène Dubois", day(-3), "Call back")
    paul = journal.log(
        "Paul Martin", date=day(0), tags=["hot"], followups=[(day(10), "Introduce to Zoé")]
    )
    done = journal.followups.add("Paul Martin", day(1), "Already done")
    journal.followups.done(done.id)
    return {"met": met.id, "late": late.id, "paul": paul.id}


def test_followups_are_all_day_events_with_a_morning_alarm(journal: Journal) -> None:
    seed(journal)
    text = export(journal)
    events = components(text, "VEVENT")
    assert set(events) == {
        "Follow up: Send her our volumes (Hélène Dubois)",
        "Follow up: Call back (Hélène Dubois)",
        "Follow up: Introduce to Zoé (Paul Martin)",
        "Salon Emballage",
        "Breakfast talk",
    }  # the done follow-up and the past dinner are left out; the overdue one stays
    volumes = events["Follow up: Send her our volumes (Hélène Dubois)"]
    assert volumes.decoded("DTSTART") == day(5) and volumes.decoded("DTEND") == day(6)
    assert "Met on" in str(volumes["DESCRIPTION"]) and "Salon Emballage (Lyon)" in str(
        volumes["DESCRIPTION"]
    )
    assert "Wants cheaper boxes" in str(volumes["DESCRIPTION"])
    [alarm] = volumes.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].params["RELATED"] == "START"
    assert alarm.decoded("TRIGGER") == dt.timedelta(hours=9)
    assert "TRIGGER;RELATED=START:PT9H" in text
    assert events["Follow up: Call back (Hélène Dubois)"].decoded("DTSTART") == day(-3)

    salon = events["Salon Emballage"]
    assert salon.decoded("DTSTART") == day(2) and salon.decoded("DTEND") == day(3)
    assert str(salon["LOCATION"]) == "Lyon"
    talk = events["Breakfast talk"]
    start = dt.datetime.combine(day(7), dt.time(8, 30), dt.UTC)
    assert talk.decoded("DTSTART") == start
    assert talk.decoded("DTEND") == start + dt.timedelta(hours=2)
    assert not talk.walk("VALARM")

    # recurring-ical-events places each item on its day
    calendar = icalendar.Calendar.from_ical(text)
    on_day_five = recurring_ical_events.of(calendar).at(day(5))
    assert [str(e["SUMMARY"]) for e in on_day_five] == [
        "Follow up: Send her our volumes (Hélène Dubois)"
    ]
    coming = recurring_ical_events.of(calendar).between(day(0), day(30))
    assert len(coming) == 4  # all but the overdue follow-up
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == 5


def test_uids_are_stable_and_an_edit_keeps_the_uid(journal: Journal) -> None:
    ids = seed(journal)
    first = export(journal)
    assert export(journal) == first  # nothing changed: the same file, byte for byte
    before = components(first, "VEVENT")
    name = "Follow up: Call back (Hélène Dubois)"
    journal.followups.update(ids["late"], due=day(4))
    after = components(export(journal), "VEVENT")
    assert str(after[name]["UID"]) == str(before[name]["UID"])
    assert after[name].decoded("DTSTART") == day(4)
    assert after[name].decoded("LAST-MODIFIED") >= before[name].decoded("LAST-MODIFIED")
    assert {str(c["UID"]) for c in after.values()} == {str(c["UID"]) for c in before.values()}


def test_a_new_record_under_a_reused_id_gets_a_new_uid(journal: Journal) -> None:
    journal.people.add("Zoé N'Diaye")
    old = journal.followups.add("Zoé N'Diaye", day(3), "Send the deck")
    old_uid = str(
        components(export(journal), "VEVENT")[f"Follow up: {old.action} (Zoé N'Diaye)"]["UID"]
    )
    assert old_uid.startswith(f"followup-{old.id}-") and old_uid.endswith("@netjournal")
    journal.followups.delete(old.id)
    new = journal.followups.add("Zoé N'Diaye", day(3), "Send the deck")
    if journal.backend == "sqlite":
        assert new.id == old.id  # SQLite gives the freed id again: the id alone would clash
    new_uid = str(
        components(export(journal), "VEVENT")[f"Follow up: {new.action} (Zoé N'Diaye)"]["UID"]
    )
    assert new_uid != old_uid


def test_todo_makes_followups_vtodos_with_due(journal: Journal) -> None:
    seed(journal)
    text = export(journal, todo=True)
    todos = components(text, "VTODO")
    assert len(todos) == 3
    volumes = todos["Follow up: Send her our volumes (Hélène Dubois)"]
    assert volumes.decoded("DUE") == day(5) and "DTSTART" not in volumes
    assert str(volumes["STATUS"]) == "NEEDS-ACTION"
    [alarm] = volumes.walk("VALARM")
    assert alarm["TRIGGER"].params["RELATED"] == "END"
    assert set(components(text, "VEVENT")) == {"Salon Emballage", "Breakfast talk"}
    calendar = icalendar.Calendar.from_ical(text)
    due = recurring_ical_events.of(calendar, components=["VTODO"]).between(day(4), day(6))
    assert [str(t["SUMMARY"]) for t in due] == ["Follow up: Send her our volumes (Hélène Dubois)"]


def test_since_until_and_tags_filter_in_the_query(journal: Journal) -> None:
    seed(journal)
    window = components(export(journal, since=day(3), until=day(8)), "VEVENT")
    assert set(window) == {"Follow up: Send her our volumes (Hélène Dubois)", "Breakfast talk"}
    past = components(export(journal, since=day(-12), until=day(-1)), "VEVENT")
    assert set(past) == {"Follow up: Call back (Hélène Dubois)", "Old Dinner"}
    # a person's tag keeps their follow-ups; an event's tag keeps the event
    assert set(components(export(journal, tags="client"), "VEVENT")) == {
        "Follow up: Send her our volumes (Hélène Dubois)",
        "Follow up: Call back (Hélène Dubois)",
    }
    assert set(components(export(journal, tags=["lyon"]), "VEVENT")) == {"Salon Emballage"}
    # an encounter's tag keeps the follow-ups promised there
    assert set(components(export(journal, tags=["#Hot"]), "VEVENT")) == {
        "Follow up: Introduce to Zoé (Paul Martin)"
    }
    assert components(export(journal, tags=["client", "hot"]), "VEVENT") == {}


def test_bad_filters_are_refused(journal: Journal) -> None:
    seed(journal)
    with pytest.raises(InvalidInput, match="No tag 'nope'"):
        export(journal, tags=["nope"])
    with pytest.raises(InvalidInput, match="ends"):
        export(journal, since=day(5), until=day(1))
    with pytest.raises(InvalidInput, match="since date"):
        export(journal, since="not a date at all")


def test_cli_writes_a_file_refuses_to_replace_it_and_writes_stdout(
    journal_url: str, tmp_path: Path
) -> None:
    with Journal.open(journal_url) as journal:
        seed(journal)
    target = tmp_path / "netjournal.ics"
    ok("--db", journal_url, "export", "ical", "-o", str(target))
    written = target.read_text(encoding="utf-8")
    assert len(components(written, "VEVENT")) == 5
    error = fails("--db", journal_url, "export", "ical", "-o", str(target))
    assert "already exists" in error and "--overwrite" in error
    assert target.read_text(encoding="utf-8") == written
    ok("--db", journal_url, "export", "ical", "-o", str(target), "--overwrite", "--todo")
    assert len(components(target.read_text(encoding="utf-8"), "VTODO")) == 3

    out = ok("--db", journal_url, "export", "ical", "--tag", "lyon", "--since", day(0).isoformat())
    assert set(components(out, "VEVENT")) == {"Salon Emballage"}
    assert "\r\n" in out
    assert "No tag 'nope'" in fails("--db", journal_url, "export", "ical", "--tag", "nope")
    assert "ical only" in fails("--db", journal_url, "export", "json", "--todo", code=2)


def test_an_event_under_way_is_kept_and_spans_its_days(journal: Journal) -> None:
    journal.events.add("Trade fair", day(-1), end_date=day(1), kind="trade show")
    journal.events.add("Last week's fair", day(-8), end_date=day(-1), kind="trade show")
    events = components(export(journal), "VEVENT")
    assert set(events) == {"Trade fair"}
    assert events["Trade fair"].decoded("DTSTART") == day(-1)
    assert events["Trade fair"].decoded("DTEND") == day(2)  # DTEND is exclusive
    calendar = icalendar.Calendar.from_ical(export(journal))
    assert len(recurring_ical_events.of(calendar).at(day(1))) == 1
    assert recurring_ical_events.of(calendar).at(day(2)) == []
