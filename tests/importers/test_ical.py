"""iCalendar parser on small files of our own: recurrences, all-day events, broken events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from netjournal.errors import ImportFormatError
from netjournal.importers import parse_file
from netjournal.importers.ical import MAX_OCCURRENCES, parse_ical

DATA = Path(__file__).resolve().parent / "data"
PARIS = ZoneInfo("Europe/Paris")


def test_weekly_series_imports_past_occurrences_only() -> None:
    result = parse_ical(DATA / "weekly.ics", today=dt.date(2024, 9, 24))
    breakfasts = [e for e in result.events if e.name.startswith("Founders")]
    assert [e.start_date for e in breakfasts] == [
        dt.date(2024, 9, 2),  # 9 Sep is an EXDATE
        dt.date(2024, 9, 17),  # the 16 Sep occurrence moved to the 17th
        dt.date(2024, 9, 23),
    ]
    first, moved, _ = breakfasts
    assert first.starts_at == dt.datetime(2024, 9, 2, 8, 30, tzinfo=PARIS)
    assert first.ends_at == dt.datetime(2024, 9, 2, 9, 30, tzinfo=PARIS)
    assert first.timezone == "Europe/Paris"
    assert first.external_id == "weekly-1@example.org/2024-09-02T06:30:00Z"
    assert (first.location, first.organizer) == ("Café Oberkampf", "Léa Martin")
    assert first.tags == ["breakfast", "founders"]
    assert first.notes == "Bring cards, and a question."
    assert first.line == 4
    assert moved.name == "Founders breakfast (moved)"
    assert moved.external_id == "weekly-1@example.org/2024-09-16T06:30:00Z"
    assert moved.line == 16


def test_all_day_event_has_an_inclusive_end_and_no_time() -> None:
    result = parse_ical(DATA / "weekly.ics", today=dt.date(2024, 9, 24))
    (conf,) = [e for e in result.events if e.name == "DevConf"]
    assert (conf.start_date, conf.end_date) == (dt.date(2024, 9, 25), dt.date(2024, 9, 27))
    assert conf.starts_at is None and conf.timezone is None
    assert conf.external_id == "conf-2024@example.org"  # a future single event is kept


def test_cancelled_events_are_left_out() -> None:
    result = parse_ical(DATA / "weekly.ics", today=dt.date(2024, 9, 24))
    assert "Cancelled meetup" not in {e.name for e in result.events}


def test_an_endless_series_is_capped_to_the_most_recent_occurrences() -> None:
    result = parse_ical(DATA / "weekly.ics", today=dt.date(2024, 9, 24))
    standups = [e for e in result.events if e.name == "Stand-up"]
    assert len(standups) == MAX_OCCURRENCES
    assert standups[-1].start_date == dt.date(2024, 9, 24)
    assert standups[-1].ends_at - standups[-1].starts_at == dt.timedelta(minutes=15)
    assert any("most recent" in s.reason for s in result.skipped)


def test_a_broken_event_is_reported_at_its_bad_line() -> None:
    with pytest.raises(ImportFormatError) as info:
        parse_ical(DATA / "broken.ics")
    assert (info.value.file, info.value.line) == ("broken.ics", 11)


def test_skip_invalid_keeps_the_good_events() -> None:
    result = parse_ical(DATA / "broken.ics", skip_invalid=True)
    assert [e.name for e in result.events] == ["Good event"]
    assert [s.line for s in result.skipped] == [8, 13]
    assert "no DTSTART" in result.skipped[1].reason


def test_untitled_floating_and_windows_zones(tmp_path: Path) -> None:
    path = tmp_path / "misc.ics"
    path.write_bytes(
        b"\xef\xbb\xbfBEGIN:VCALENDAR\r\nX-WR-TIMEZONE:Europe/Paris\r\nBEGIN:VEVENT\r\n"
        b"DTSTART:20240102T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = parse_ical(path).events
    assert event.name == "(untitled event)"
    assert event.starts_at == dt.datetime(2024, 1, 2, 9, tzinfo=PARIS)  # floating: X-WR-TIMEZONE
    assert parse_ical(path, floating_tz="Asia/Tokyo").events[0].timezone == "Asia/Tokyo"


def test_parse_file_dispatches_and_rejects_unknown_formats() -> None:
    result = parse_file("ical", DATA / "broken.ics", skip_invalid=True)
    assert len(result.events) == 1
    with pytest.raises(Exception, match="unknown import format"):
        parse_file("outlook", DATA / "broken.ics")


def test_a_garbage_line_in_an_alarm_costs_only_the_alarm_when_skipping(tmp_path: Path) -> None:
    path = tmp_path / "alarm.ics"
    path.write_text(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Pitch night\nDTSTART:20240301T180000Z\n"
        "BEGIN:VALARM\nACTION:DISPLAY\nX-BAD/SLASH:1\nEND:VALARM\nEND:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError) as info:
        parse_ical(path)
    assert info.value.line == 7
    result = parse_ical(path, skip_invalid=True)
    assert [e.name for e in result.events] == ["Pitch night"]
    assert [s.line for s in result.skipped] == [5]  # the VALARM left out begins there
