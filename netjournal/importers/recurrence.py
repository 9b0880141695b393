"""The most recent past occurrences of a recurring event, in bounded time and memory.

:mod:`recurring_ical_events` (over :mod:`dateutil.rrule`) expands a series from its DTSTART:
``FREQ=SECONDLY`` since 2020 is 200 million occurrences before the ones we want, and
``DAILY`` since year 1 is 740,000. So the series is first moved forward: DTSTART goes to a
later start of period (a whole number of ``INTERVAL`` periods after it, so the pattern stays
the same), the parts of the rule that dateutil would take from DTSTART (day of the month,
weekday, time of day) are written out, and only a window ending today is expanded. The
window grows while it holds fewer than ``keep`` occurrences and shrinks while it holds too
many; every expansion is stopped after a fixed number of occurrences. A rule that would
repeat more than :data:`MAX_PER_PERIOD` times in one of its periods, or one with a ``COUNT``
too large to walk, is refused with :class:`TooManyOccurrences`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# The ical importer's property readers (this module is only loaded from it).
from netjournal.i18n import N_, _
from netjournal.importers.ical import _first, _local_date
from netjournal.text import grouped

#: The most occurrences one period of a rule may hold (``FREQ=YEARLY`` with every BYHOUR,
#: BYMINUTE and BYSECOND would hold 31 million).
MAX_PER_PERIOD = 50_000
#: The most occurrences walked in one try (a window that holds more is made smaller).
_BUDGET = 20_000
#: The most occurrences of a rule with COUNT walked from its start.
_COUNT_BUDGET = 100_000
#: The widest window, in periods of the rule (DAILY: 270 years).
_MAX_SPAN = 100_000
_ATTEMPTS = 24
_EARLIEST = dt.date(1, 1, 2)
_CYCLE_YEARS = 401  # the Gregorian calendar repeats every 400 years

_UNITS = {
    "SECONDLY": dt.timedelta(seconds=1),
    "MINUTELY": dt.timedelta(minutes=1),
    "HOURLY": dt.timedelta(hours=1),
    "DAILY": dt.timedelta(days=1),
    "WEEKLY": dt.timedelta(weeks=1),
}
_MONTHS = {"MONTHLY": 1, "YEARLY": 12}
_ORDER = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: The refusal of a rule too dense for its period, one whole sentence per frequency.
_TOO_DENSE = {
    "YEARLY": N_(
        "the recurrence can repeat {count} times per yearly period (at most {limit} are expanded)"
    ),
    "MONTHLY": N_(
        "the recurrence can repeat {count} times per monthly period (at most {limit} are expanded)"
    ),
    "WEEKLY": N_(
        "the recurrence can repeat {count} times per weekly period (at most {limit} are expanded)"
    ),
    "DAILY": N_(
        "the recurrence can repeat {count} times per daily period (at most {limit} are expanded)"
    ),
    "HOURLY": N_(
        "the recurrence can repeat {count} times per hourly period (at most {limit} are expanded)"
    ),
    "MINUTELY": N_(
        "the recurrence can repeat {count} times per minutely period (at most {limit} are expanded)"
    ),
    "SECONDLY": N_(
        "the recurrence can repeat {count} times per secondly period (at most {limit} are expanded)"
    ),
}


class TooManyOccurrences(Exception):
    """A recurrence that cannot be expanded within the limits; ``str()`` says why."""


def recent_occurrences(
    master: Any, others: list[Any], today: dt.date, keep: int
) -> tuple[list[Any], bool]:
    """The occurrences of ``master`` (with its ``others``: overrides and VTIMEZONEs) that
    start on or before ``today``, at most the ``keep`` most recent, oldest first; and whether
    older ones were left out (or may have been: a window is never wider than
    :data:`_MAX_SPAN` periods of the rule)."""
    query, series = _query(master, others)
    if series is None:  # an override alone (its master is elsewhere): no rule to walk
        return _past(query.between(_EARLIEST, today + dt.timedelta(days=1)), None, today, keep)
    rules = _rules(master)
    freqs = {(_freq(r), _interval(r)) for r in rules}
    for rule in rules:
        _check_density(rule)
    counted = any("COUNT" in r for r in rules)
    fixed = counted or len(freqs) != 1
    freq, interval = next(iter(freqs)) if len(freqs) == 1 else ("", 1)
    if len(freqs) == 1 and _never(master, others, series, freq, interval):
        # dateutil would look for a first occurrence until year 9999; DTSTART (and the
        # RDATEs) are then the only occurrences, as RFC 5545 has it
        master = master.copy()
        del master["RRULE"]
        query, series = _query(master, others)
        assert series is not None
        components = query.between(_EARLIEST, _end(series, today))
        return _past(components, series, today, keep)

    span = keep
    dense_span: int | None = None
    found: tuple[Any, Any, list[dt.datetime], bool] | None = None
    for _attempt in range(_ATTEMPTS):
        query, series, end, moved = _prepare(master, others, today, freq, interval, span, fixed)
        budget = _COUNT_BUDGET if counted else max(_BUDGET, 4 * keep)
        starts = _count(series, end, keep, budget)
        if starts is None:  # too dense for this window
            if fixed or not moved or span == 1:
                message = _(
                    "the recurrence repeats more than {count} times before today; "
                    "too many to expand"
                )
                raise TooManyOccurrences(message.format(count=grouped(budget)))
            dense_span = span
            span = max(1, span // 8)
            continue
        found = (query, series, starts, moved)
        if len(starts) >= keep or not moved or span >= _MAX_SPAN:
            break
        wider = span * 8
        if dense_span is not None and wider >= dense_span:
            wider = (span + dense_span) // 2
            if wider <= span:
                break
        span = min(wider, _MAX_SPAN)
    if found is None:
        raise TooManyOccurrences(_("the recurrence is too dense to expand"))
    query, series, starts, moved = found
    end = _end(series, today)
    if moved:
        lower = starts[0] if starts else end
    else:
        recurrence = series.recurrence
        lower = min([recurrence.start, *recurrence.rdates], default=recurrence.start)
    components = [c for c in query.between(lower, end) if _start_of(c, series) >= lower]
    occurrences, truncated = _past(components, series, today, keep)
    return occurrences, truncated or moved


def _past(components: list[Any], series: Any, today: dt.date, keep: int) -> tuple[list[Any], bool]:
    """The ``keep`` latest of ``components`` that start on or before ``today``, oldest first;
    and whether there were more."""
    components.sort(key=lambda c: _as_datetime(_first(c, "DTSTART"), series))
    past = [c for c in components if _local_date(_first(c, "DTSTART")) <= today]
    return past[-keep:], len(past) > keep


def _never(master: Any, others: list[Any], series: Any, freq: str, interval: int) -> bool:
    """Whether the rules can never occur (``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30``): tried on
    the last :data:`_CYCLE_YEARS` before year 9999, after which the Gregorian calendar
    repeats, so that dateutil gives up at its year 9999 within a bounded walk."""
    start = series.recurrence.start
    probe_end = start.replace(year=dt.MAXYEAR, month=1, day=1)
    moved = _move(start, probe_end, freq, interval, _span_of(_CYCLE_YEARS, freq, interval))
    if moved == start:
        return False  # the series itself is within the last cycle: walked as it is
    try:
        _query_moved, probe = _query(_moved(master, start, moved, freq), others)
        assert probe is not None
        for rule in probe.recurrence.rrules[1:]:
            if next(iter(rule.replace(cache=False, count=None, until=None)), None) is not None:
                return False
    except (OverflowError, ValueError):  # a zone that cannot reach year 9999: walk as it is
        return False
    return True


def _span_of(years: int, freq: str, interval: int) -> int:
    """How many periods of the rule ``years`` years hold, at least."""
    if freq in _UNITS:
        return int(dt.timedelta(days=366 * years) / (_UNITS[freq] * interval)) + 1
    return years * 12 // (_MONTHS.get(freq, 12) * interval) + 1


def _rules(master: Any) -> list[Any]:
    value = master.get("RRULE")
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _freq(rule: Any) -> str:
    value = rule.get("FREQ")
    value = value[0] if isinstance(value, list) and value else value
    return str(value or "").upper()


def _interval(rule: Any) -> int:
    value = rule.get("INTERVAL")
    value = value[0] if isinstance(value, list) and value else value
    try:
        return max(1, int(value or 1))
    except (TypeError, ValueError):
        return 1


def _size(rule: Any, key: str) -> int:
    value = rule.get(key)
    if value is None:
        return 1
    return max(1, len(value) if isinstance(value, list) else 1)


def _check_density(rule: Any) -> None:
    """Refuse a rule whose every period would hold more than :data:`MAX_PER_PERIOD`
    occurrences: dateutil walks a whole period before yielding its first one."""
    freq = _freq(rule)
    if freq not in _ORDER:
        return  # recurring_ical_events refuses it with its own reason
    rank = _ORDER.index(freq)
    days = {"YEARLY": 366, "MONTHLY": 31, "WEEKLY": 7}.get(freq, 1)
    per_period = days
    for key, finer_than in (("BYHOUR", 4), ("BYMINUTE", 5), ("BYSECOND", 6)):
        if rank < finer_than:
            per_period *= _size(rule, key)
    if per_period > MAX_PER_PERIOD:
        raise TooManyOccurrences(
            _(_TOO_DENSE[freq]).format(count=grouped(per_period), limit=grouped(MAX_PER_PERIOD))
        )


def _prepare(
    master: Any,
    others: list[Any],
    today: dt.date,
    freq: str,
    interval: int,
    span: int,
    fixed: bool,
) -> tuple[Any, Any, dt.datetime, bool]:
    """The query over ``master`` moved to about ``span`` periods before the end of today;
    its series, that end, and whether the series was moved."""
    query, series = _query(master, others)
    assert series is not None  # checked by the caller
    end = _end(series, today)
    if fixed:
        return query, series, end, False
    start = series.recurrence.start
    moved_start = _move(start, end, freq, interval, span)
    if moved_start == start:
        return query, series, end, False
    query, series = _query(_moved(master, start, moved_start, freq), others)
    return query, series, end, True


def _query(master: Any, others: list[Any]) -> tuple[Any, Any | None]:
    import recurring_ical_events
    from icalendar import Calendar

    calendar = Calendar()
    for component in [master, *others]:
        calendar.add_component(component)
    query = recurring_ical_events.of(calendar)
    series = next((s for s in query.series if s.recurrence.has_core), None)
    return query, series


def _end(series: Any, today: dt.date) -> dt.datetime:
    """Midnight after ``today`` in the series' own zone (or floating)."""
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), series.recurrence.tzinfo)


def _move(start: dt.datetime, end: dt.datetime, freq: str, interval: int, span: int) -> Any:
    """The start of the period ``span`` periods before ``end``, a whole number of periods of
    the rule after ``start``; ``start`` itself when it is already that close."""
    if end <= start:
        return start
    if freq in _UNITS:
        step = _UNITS[freq] * interval
        periods = (end - start) // step - span
        return start + step * periods if periods > 0 else start
    months = _MONTHS.get(freq)
    if months is None:
        return start
    step_months = months * interval
    elapsed = (end.year - start.year) * 12 + end.month - start.month
    periods = elapsed // step_months - span
    if periods <= 0:
        return start
    year, month = divmod(start.month - 1 + periods * step_months, 12)
    return start.replace(year=start.year + year, month=month + 1, day=1)


def _moved(master: Any, start: dt.datetime, moved: dt.datetime, freq: str) -> Any:
    """A copy of ``master`` starting at ``moved``, its rules written out so that the pattern
    dateutil derives from DTSTART is kept."""
    from icalendar import vRecur

    copy = master.copy()
    delta = moved - start  # both in the series' zone; DTSTART may be floating or a date
    for name in ("DTSTART", "DTEND"):
        value = master.get(name)
        if value is None:
            continue
        del copy[name]
        copy.add(name, value.dt + delta)
    rules = []
    for rule in _rules(master):
        explicit = vRecur(dict(rule))
        day_parts = ("BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY")
        if not any(part in explicit for part in day_parts):
            if freq == "YEARLY":
                explicit.setdefault("BYMONTH", [start.month])
                explicit["BYMONTHDAY"] = [start.day]
            elif freq == "MONTHLY":
                explicit["BYMONTHDAY"] = [start.day]
            elif freq == "WEEKLY":
                explicit["BYDAY"] = [_WEEKDAYS[start.weekday()]]
        rank = _ORDER.index(freq)
        for key, value, finer_than in (
            ("BYHOUR", start.hour, 4),
            ("BYMINUTE", start.minute, 5),
            ("BYSECOND", start.second, 6),
        ):
            if rank < finer_than and key not in explicit:
                explicit[key] = [value]
        rules.append(explicit)
    del copy["RRULE"]
    for explicit in rules:
        copy.add("RRULE", explicit)
    return copy


def _count(series: Any, end: dt.datetime, keep: int, budget: int) -> list[dt.datetime] | None:
    """The last ``keep`` starts of the series' rules before ``end`` (RDATEs aside), or
    ``None`` when more than ``budget`` come before it."""
    starts: list[dt.datetime] = []
    for rule in series.recurrence.rrules[1:]:  # the first is the RDATE set
        kept: list[dt.datetime] = []
        for walked, start in enumerate(rule.replace(cache=False), start=1):
            if start >= end:
                break
            if walked > budget:
                return None
            kept.append(start)
            if len(kept) > 2 * keep:
                del kept[:keep]
        starts.extend(kept)
    starts.sort()
    return starts[-keep:]


def _start_of(component: Any, series: Any) -> dt.datetime:
    """An occurrence's recurrence date (its start for one not moved), comparable with the
    series' own datetimes."""
    value = _first(component, "RECURRENCE-ID") or _first(component, "DTSTART")
    return _as_datetime(value, series)


def _as_datetime(value: Any, series: Any) -> dt.datetime:
    from recurring_ical_events.util import convert_to_datetime

    tzinfo = series.recurrence.tzinfo if series is not None else None
    converted: dt.datetime = convert_to_datetime(value, tzinfo)
    return converted
