"""Recurring events: the most recent past occurrences are the ones kept, and a hostile
calendar is imported or refused in bounded time and memory (issue 19, items 6, 7 and 12)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from netjournal.errors import ImportFormatError
from netjournal.importers.ical import MAX_OCCURRENCES, parse_ical

TODAY = dt.date(2026, 11, 30)


def _calendar(path: Path, rule: str, start: str = "19700101T090000Z", extra: str = "") -> Path:
    path.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\nBEGIN:VEVENT\nUID:series@example.org\n"
        f"SUMMARY:Series\nDTSTART{start}\nRRULE:{rule}\n{extra}END:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    return path


def test_a_daily_series_since_1970_keeps_the_last_occurrences_up_to_today(tmp_path: Path) -> None:
    ics = _calendar(tmp_path / "daily.ics", "FREQ=DAILY", ":19700101T090000Z")
    result = parse_ical(ics, today=TODAY)
    dates = [e.start_date for e in result.events]
    assert len(dates) == MAX_OCCURRENCES
    assert dates[-1] == TODAY
    assert dates[0] == TODAY - dt.timedelta(days=MAX_OCCURRENCES - 1)
    assert dates == sorted(set(dates))
    assert result.events[-1].starts_at == dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    assert result.events[-1].external_id == "series@example.org/2026-11-30T09:00:00Z"
    assert any("most recent" in s.reason for s in result.skipped)


def test_an_hourly_series_since_2020_keeps_today_s_hours(tmp_path: Path) -> None:
    paris = ZoneInfo("Europe/Paris")
    ics = _calendar(tmp_path / "hourly.ics", "FREQ=HOURLY", ";TZID=Europe/Paris:20200101T000000")
    starts = [e.starts_at for e in parse_ical(ics, today=TODAY).events]
    assert len(starts) == MAX_OCCURRENCES
    assert starts[-1] == dt.datetime(2026, 11, 30, 23, tzinfo=paris)
    assert all(b - a == dt.timedelta(hours=1) for a, b in zip(starts, starts[1:], strict=False))


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ("FREQ=MONTHLY", ":19700131T090000Z"),  # only the months with a 31st
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,TH", ";TZID=Europe/Paris:19900102T183000"),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU", ":19850312T080000Z"),
        ("FREQ=YEARLY", ";VALUE=DATE:19040229"),  # a birthday on 29 February
        ("FREQ=DAILY;INTERVAL=3;BYHOUR=8,20", ":19950501T080000Z"),
        ("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9", ":20260101T091400Z"),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", ";TZID=Europe/Paris:17500330T020000"),
    ],
)
def test_the_kept_occurrences_are_the_last_ones_of_the_whole_series(
    tmp_path: Path, rule: str, start: str
) -> None:
    """The series is moved forward before it is expanded: the pattern must not change."""
    ics = _calendar(tmp_path / "series.ics", rule, start)
    got = [e.starts_at or e.start_date for e in parse_ical(ics, today=TODAY).events]
    params, _, value = start[1:].rpartition(":") if start[0] == ";" else ("", "", start[1:])
    tz = ZoneInfo(params.split("=")[1]) if params.startswith("TZID") else None
    if len(value) == 8:
        first = dt.datetime.strptime(value, "%Y%m%d")
    else:
        first = dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
        first = first.replace(tzinfo=dt.UTC if value.endswith("Z") else tz)
    end = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(), first.tzinfo)
    # DTSTART is the first occurrence even when it does not match the rule (RFC 5545)
    expected = sorted({first, *rrulestr(rule, dtstart=first).between(first, end, inc=True)})
    expected = [e for e in expected if e < end][-MAX_OCCURRENCES:]
    if len(value) == 8:
        expected = [e.date() for e in expected]
    assert got == expected


def test_exdates_and_moved_occurrences_stay_in_a_moved_series(tmp_path: Path) -> None:
    ics = tmp_path / "weekly.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:w@example.org\nSUMMARY:Breakfast\n"
        "DTSTART:19800107T080000Z\nRRULE:FREQ=WEEKLY\nEXDATE:20261123T080000Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:w@example.org\nRECURRENCE-ID:20261116T080000Z\nSUMMARY:Moved\n"
        "DTSTART:20261117T090000Z\nEND:VEVENT\nEND:VCALENDAR\n",
        encoding="utf-8",
    )
    events = parse_ical(ics, today=TODAY).events
    assert [(e.name, e.start_date) for e in events[-3:]] == [
        ("Breakfast", dt.date(2026, 11, 9)),
        ("Moved", dt.date(2026, 11, 17)),
        ("Breakfast", dt.date(2026, 11, 30)),
    ]
    assert len(events) == MAX_OCCURRENCES - 1  # the EXDATE falls in the kept window


_MANY_BY = (
    "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYDAY=MO,TU,WE,TH,FR,SA,SU;"
    f"BYHOUR={','.join(map(str, range(24)))};BYMINUTE={','.join(map(str, range(60)))};"
    f"BYSECOND={','.join(map(str, range(60)))}"
)
_HOSTILE = {
    "secondly": ("FREQ=SECONDLY", ":20200101T000000Z"),
    "minutely": ("FREQ=MINUTELY", ":20200101T000000Z"),
    "many-by-rules": (_MANY_BY, ":20200101T000000Z"),
    "many-by-minutely": (
        f"FREQ=MINUTELY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSECOND={','.join(map(str, range(60)))}",
        ":20200101T000000Z",
    ),
    "daily-from-year-1": ("FREQ=DAILY", ";VALUE=DATE:00010101"),
    "secondly-count": ("FREQ=SECONDLY;COUNT=1000000000", ":20200101T000000Z"),
    # no 30 February: dateutil would look for a first one until year 9999
    "never-daily": ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", ":20200101T000000Z"),
    "never-secondly": ("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", ":20200101T000000Z"),
}
_CHILD = """
import json, resource, sys, time
from netjournal.errors import ImportFormatError
from netjournal.importers.ical import parse_ical
began = time.monotonic()
try:
    result = parse_ical(sys.argv[1])
    outcome = {"events": len(result.events), "last": str(result.events[-1].start_date)}
except ImportFormatError as exc:
    outcome = {"refused": str(exc)}
outcome["seconds"] = time.monotonic() - began
try:  # this program's own peak (ru_maxrss keeps the parent's across fork and exec)
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    outcome["max_rss_kb"] = int(peak.split()[1])
except (OSError, StopIteration):
    outcome["max_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(outcome))
"""


@pytest.mark.slow  # a process each, to measure its memory
@pytest.mark.parametrize("name", list(_HOSTILE))
def test_a_hostile_recurrence_is_imported_or_refused_quickly(tmp_path: Path, name: str) -> None:
    rule, start = _HOSTILE[name]
    ics = _calendar(tmp_path / f"{name}.ics", rule, start)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ics)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=True,
    )
    outcome = json.loads(done.stdout)
    assert outcome["seconds"] < 5, outcome
    assert outcome["max_rss_kb"] < 200 * 1024, outcome
    if "refused" in outcome:
        assert "the recurrence" in outcome["refused"] and ":4: " in outcome["refused"], outcome
    elif name.startswith("never"):
        assert (outcome["events"], outcome["last"]) == (1, "2020-01-01"), outcome  # DTSTART
    else:
        assert outcome["events"] == MAX_OCCURRENCES, outcome
        assert outcome["last"] == str(dt.date.today()), outcome


def test_components_nested_a_thousand_deep_are_refused_with_their_line(tmp_path: Path) -> None:
    ics = tmp_path / "nested.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\n" + "BEGIN:X\n" * 1000 + "END:X\n" * 1000 + "END:VCALENDAR\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError, match=r"nested\.ics:21: components nested more than"):
        parse_ical(ics)


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", "20200101", [dt.date(2020, 1, 1)]),
        ("FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31", "20200101", [dt.date(2020, 1, 1)]),
        (
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29",
            "20200101",
            [dt.date(2020, 1, 1), dt.date(2020, 2, 29), dt.date(2024, 2, 29)],
        ),
        # 2021, 2025, 2029...: never a leap year
        ("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", "20210101", [dt.date(2021, 1, 1)]),
    ],
)
def test_a_rule_that_never_occurs_leaves_its_dtstart(
    tmp_path: Path, rule: str, start: str, expected: list[dt.date]
) -> None:
    ics = _calendar(tmp_path / "never.ics", rule, f":{start}T000000Z")
    assert [e.start_date for e in parse_ical(ics, today=TODAY).events] == expected


def test_a_floating_series_with_utc_exdates_is_moved_forward(tmp_path: Path) -> None:
    """recurring_ical_events reads the floating start in the EXDATEs' zone (UTC here)."""
    ics = _calendar(
        tmp_path / "floating.ics",
        "FREQ=DAILY",
        ":19960401T010000",
        "EXDATE:19960402T010000Z,20261129T010000Z\n",
    )
    dates = [e.start_date for e in parse_ical(ics, today=TODAY).events]
    assert dates[-2:] == [dt.date(2026, 11, 28), dt.date(2026, 11, 30)]
    assert len(dates) == MAX_OCCURRENCES - 1 and dates[0] == dt.date(2025, 7, 19)
