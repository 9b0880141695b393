"""iCalendar (``.ics``) files into EventRecords.

:mod:`icalendar` parses, :mod:`recurring_ical_events` expands recurrences. Around them this
module adds what an import needs and they do not give: the line each event starts on, a
line for errors (icalendar reports neither), a structural check (icalendar silently returns
nothing for a calendar that is never closed), and, with ``skip_invalid``, the removal of a
broken component (an event, or a VTIMEZONE whose offsets are impossible) so that the rest
of the file still imports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netjournal.errors import ImportFormatError
from netjournal.i18n import _, ngettext
from netjournal.importers.records import EventRecord, ParseResult, SkippedRecord
from netjournal.importers.textio import read_text, split_lines

MAX_OCCURRENCES = 500  # most recent past occurrences kept per recurring event
UNTITLED = "(untitled event)"
#: Components nest a few levels deep (VCALENDAR, VEVENT, VALARM); deeper is refused before
#: icalendar, which walks components recursively, runs out of stack.
MAX_NESTING = 20

_BEGIN_END = re.compile(r"^(BEGIN|END)\s*:\s*([A-Za-z0-9-]+)\s*$", re.IGNORECASE)
# "DTEND: 20240812T223000Z" (Force.com): a space icalendar refuses before a date value.
_SPACED_DATE = re.compile(
    r'^((?:DTSTART|DTEND|DUE|RECURRENCE-ID|EXDATE|RDATE)(?:;(?:"[^"]*"|[^:;"])*)*):[ \t]+',
    re.IGNORECASE,
)
_VCARD = re.compile(r"^(?:[\w-]+\.)?BEGIN\s*:\s*VCARD$", re.IGNORECASE)
_CALENDAR_COMPONENTS = {"VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VTIMEZONE", "VFREEBUSY"}


@dataclass
class _Component:
    name: str
    begin: int  # physical line of BEGIN
    end: int | None = None  # physical line of END
    parent: _Component | None = None
    children: list[_Component] = field(default_factory=list)


def parse_ical(
    path: str | Path,
    *,
    skip_invalid: bool = False,
    today: dt.date | None = None,
    floating_tz: str | None = None,
) -> ParseResult:
    """Read the events of an ``.ics`` file (one or several VCALENDARs, or bare VEVENTs).

    A recurring event yields its occurrences that started on or before ``today`` (default:
    the current date), at most :data:`MAX_OCCURRENCES` of them (the most recent), each with
    ``external_id`` ``UID/<recurrence date in ISO>``. Cancelled events and occurrences are
    left out. Floating times (no time zone) are read in ``floating_tz``, else in the
    calendar's X-WR-TIMEZONE; without either they keep their date but no ``starts_at``.

    A broken file raises :class:`ImportFormatError` with the line when one can be found;
    with ``skip_invalid`` the broken event (or time zone) is listed in ``skipped`` instead.
    """
    name = Path(path).name
    today = today or dt.date.today()
    lines = [_fix_line(line) for line in split_lines(read_text(path))]
    result = ParseResult()
    roots = _structure(name, lines, skip_invalid, result.skipped)
    calendars = _parse(name, lines, roots, skip_invalid, result.skipped)
    event_lines = [c.begin for c in _walk(roots) if c.name == "VEVENT"]
    events = [e for cal in calendars for e in cal.walk("VEVENT")]
    if len(events) != len(event_lines):  # pragma: no cover - a nesting icalendar reads differently
        event_lines = [event_lines[0] if event_lines else 1] * len(events)
    lines_by_id = dict(zip(map(id, events), event_lines, strict=True))
    converter = _Converter(name, lines, skip_invalid, today, floating_tz, result)
    for calendar in calendars:
        converter.calendar(calendar, lines_by_id)
    return result


def _fix_line(line: str) -> str:
    return _SPACED_DATE.sub(r"\1:", line.rstrip("\r"))


def _logical(lines: list[str]) -> list[tuple[int, str]]:
    """Unfold continuation lines; each logical line keeps the number of its first line."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue  # blank lines even occur inside folded properties
        if line[0] in " \t" and out:
            out[-1] = (out[-1][0], out[-1][1] + line[1:])
        else:
            out.append((number, line))
    return out


def _walk(components: list[_Component]) -> list[_Component]:
    found: list[_Component] = []
    for c in components:
        found.append(c)
        found.extend(_walk(c.children))
    return found


def _structure(
    name: str, lines: list[str], skip_invalid: bool, skipped: list[SkippedRecord]
) -> list[_Component]:
    """Check that BEGIN/END lines nest; with ``skip_invalid``, close what is left open."""
    roots: list[_Component] = []
    stack: list[_Component] = []
    for number, text in _logical(lines):
        match = _BEGIN_END.match(text.strip())
        if match is None:
            if _VCARD.match(text.strip()):
                raise ImportFormatError(name, number, _("this is a vCard file: import it as vcard"))
            continue
        kind, comp = match.group(1).upper(), match.group(2).upper()
        if kind == "BEGIN":
            if comp == "VCARD":
                raise ImportFormatError(name, number, _("this is a vCard file: import it as vcard"))
            if len(stack) >= MAX_NESTING:
                reason = _("components nested more than {depth} deep").format(depth=MAX_NESTING)
                raise ImportFormatError(name, number, reason)
            node = _Component(comp, number, parent=stack[-1] if stack else None)
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
        elif stack and stack[-1].name == comp:
            stack.pop().end = number
        else:
            reason = _("END:{component} does not close an open component").format(component=comp)
            raise ImportFormatError(name, number, reason)
    if not roots or not any(r.name in _CALENDAR_COMPONENTS for r in roots):
        reason = _("not an iCalendar file (no BEGIN:VCALENDAR or VEVENT)")
        raise ImportFormatError(name, None, reason)
    if stack:
        reason = _("{component} begun here is never closed (no END:{component})").format(
            component=stack[0].name
        )
        if not skip_invalid:
            raise ImportFormatError(name, stack[0].begin, reason)
        skipped.append(SkippedRecord(stack[0].begin, reason))
        for node in reversed(stack):
            lines.append(f"END:{node.name}")
            node.end = len(lines)
    return roots


def _parse(
    name: str,
    lines: list[str],
    roots: list[_Component],
    skip_invalid: bool,
    skipped: list[SkippedRecord],
) -> list[Any]:
    """Parse with icalendar; on an error find its line and, if allowed, drop that component."""
    from icalendar import Component

    for _attempt in range(50):
        try:
            return list(Component.from_ical("\n".join(lines) + "\n", multiple=True))
        except Exception as exc:  # icalendar raises ValueError, KeyError, TypeError...
            line = _locate(lines, str(exc))
            reason = _("cannot be read: {error}").format(error=exc)
            broken = _droppable(roots, line) if skip_invalid and line else None
            if broken is None or broken.end is None:
                raise ImportFormatError(name, line, reason) from exc
            note = _("{component} left out, {reason}").format(component=broken.name, reason=reason)
            skipped.append(SkippedRecord(broken.begin, note))
            for i in range(broken.begin - 1, broken.end):
                lines[i] = ""
            broken.name = "REMOVED"
    raise ImportFormatError(name, None, _("too many broken components"))


def _locate(lines: list[str], message: str) -> int | None:
    """Find the line an icalendar error message is about, from the text it quotes."""
    candidates = re.findall(r"'([^']+)'", message)
    tail = message.rstrip(". ").rsplit(" ", 1)[-1]
    candidates.append(tail)
    for candidate in candidates:
        candidate = candidate.strip()
        if len(candidate) < 3:
            continue
        for number, text in _logical(lines):
            if candidate in text:
                return number
    return None


def _droppable(roots: list[_Component], line: int) -> _Component | None:
    """The component to leave out for an error at ``line``: the innermost one, but a whole
    VTIMEZONE rather than one of its STANDARD/DAYLIGHT parts, and never a VCALENDAR."""
    best: _Component | None = None
    for c in _walk(roots):
        if c.name == "REMOVED" or c.end is None or not c.begin <= line <= c.end:
            continue
        best = c
    while best is not None and best.name in ("STANDARD", "DAYLIGHT"):
        best = best.parent
    if best is None or best.name == "VCALENDAR":
        return None
    return best


class _BadEvent(Exception):
    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class _Converter:
    """Turns the parsed calendars into EventRecords, expanding recurring series."""

    def __init__(
        self,
        name: str,
        lines: list[str],
        skip_invalid: bool,
        today: dt.date,
        floating_tz: str | None,
        result: ParseResult,
    ) -> None:
        self.name = name
        self.lines = lines
        self.skip_invalid = skip_invalid
        self.today = today
        self.floating_tz = floating_tz
        self.result = result
        self.lines_by_id: dict[int, int] = {}
        self.default_tz: dt.tzinfo | None = None
        self.vtimezones: dict[str, Any] = {}

    def calendar(self, calendar: Any, lines_by_id: dict[int, int]) -> None:
        self.lines_by_id = lines_by_id
        self.default_tz = _zone(self.floating_tz) or _zone(_text(calendar.get("X-WR-TIMEZONE")))
        self.vtimezones = {str(tz.get("TZID")): tz for tz in calendar.walk("VTIMEZONE")}
        self._report_errors(calendar)
        events = list(calendar.walk("VEVENT"))
        masters: dict[str, Any] = {}
        for event in events:
            uid = _text(event.get("UID"))
            if uid and _recurs(event) and event.get("RECURRENCE-ID") is None:
                masters.setdefault(uid, event)
        for event in events:
            uid = _text(event.get("UID"))
            line = self.lines_by_id.get(id(event), 1)
            try:
                if event.errors:
                    self._raise_error(event, line)
                if uid in masters and masters[uid] is not event:
                    continue  # an override: expanded with its master
                if _recurs(event):
                    overrides = [e for e in events if e is not event and _text(e.get("UID")) == uid]
                    self._series(calendar, event, overrides if uid else [], line)
                elif not _cancelled(event):
                    rid = event.get("RECURRENCE-ID")
                    self.result.events.append(self._event(event, line, _occurrence_id(uid, rid)))
            except _BadEvent as exc:
                if not self.skip_invalid:
                    raise ImportFormatError(self.name, exc.line or line, exc.reason) from exc
                self.result.skipped.append(SkippedRecord(line, exc.reason))

    def _report_errors(self, calendar: Any) -> None:
        """Errors icalendar tolerated outside events (a VTIMEZONE, a VALARM, the calendar):
        fatal unless skipping, and then they cost only the broken property."""
        for component in calendar.walk():
            if component.name == "VEVENT" or not component.errors:
                continue
            line = self._error_line(component.errors)
            reason = f"{component.name}: {component.errors[0][1]}"
            if not self.skip_invalid:
                raise ImportFormatError(self.name, line, reason)
            self.result.skipped.append(SkippedRecord(line, reason))

    def _raise_error(self, event: Any, line: int) -> None:
        errors = list(event.errors)
        reason = _("the event cannot be read: {error}").format(error=errors[0][1])
        raise _BadEvent(reason, self._error_line(errors))

    def _error_line(self, errors: list[tuple[str | None, str]]) -> int | None:
        return _locate(self.lines, errors[0][1])

    def _series(self, calendar: Any, master: Any, overrides: list[Any], line: int) -> None:
        from netjournal.importers.recurrence import TooManyOccurrences, recent_occurrences

        if master.get("DTSTART") is None:
            raise _BadEvent(_("the event has no DTSTART"))
        lines = {}
        for override in overrides:
            lines[_iso(_first(override, "RECURRENCE-ID"))] = self.lines_by_id.get(id(override))
        uid = _text(master.get("UID"))
        others = [*calendar.walk("VTIMEZONE"), *overrides]
        try:
            occurrences, truncated = recent_occurrences(master, others, self.today, MAX_OCCURRENCES)
        except TooManyOccurrences as exc:
            reason = _("the recurrence cannot be expanded: {reason}").format(reason=exc)
            raise _BadEvent(reason) from exc
        except Exception as exc:  # recurring_ical_events raises its own errors on bad rules
            reason = str(exc) or type(exc).__name__
            reason = _("the recurrence cannot be expanded: {reason}").format(reason=reason)
            raise _BadEvent(reason) from exc
        kept: list[EventRecord] = []
        for occurrence in occurrences:
            if _cancelled(occurrence):
                continue
            rid = occurrence.get("RECURRENCE-ID") or occurrence.get("DTSTART")
            at = lines.get(_iso(_first(occurrence, "RECURRENCE-ID"))) or line
            kept.append(self._event(occurrence, at, _occurrence_id(uid, rid)))
        if truncated:
            note = ngettext(
                "recurring event: only the {count} most recent past occurrences imported",
                "recurring event: only the {count} most recent past occurrences imported",
                len(kept),
            ).format(count=len(kept))
            self.result.skipped.append(SkippedRecord(line, note))
        self.result.events.extend(kept)

    def _event(self, event: Any, line: int, external_id: str | None) -> EventRecord:
        start = _first(event, "DTSTART")
        if start is None:
            raise _BadEvent(_("the event has no DTSTART"))
        end = _first(event, "DTEND")
        duration = _first(event, "DURATION")
        if end is None and isinstance(duration, dt.timedelta):
            end = start + duration
        record = EventRecord(
            name=" ".join(_text(event.get("SUMMARY")).split()) or UNTITLED,
            start_date=_local_date(start),
            line=line,
            location=_text(event.get("LOCATION")) or None,
            organizer=_organizer(event.get("ORGANIZER")),
            notes=_text(event.get("DESCRIPTION")) or None,
            external_id=external_id,
            tags=[t for t in (_text(c) for c in _categories(event)) if t],
        )
        if isinstance(start, dt.datetime):
            self._timed(record, start, end)
        else:
            record.end_date = start
            if end is not None and _local_date(end) > start:
                exclusive = isinstance(end, dt.date) and not isinstance(end, dt.datetime)
                record.end_date = _local_date(end) - dt.timedelta(days=1 if exclusive else 0)
        if record.end_date is not None and record.end_date < record.start_date:
            raise _BadEvent(_("the event ends before it starts"))
        return record

    def _timed(self, record: EventRecord, start: dt.datetime, end: Any) -> None:
        if isinstance(end, dt.date) and not isinstance(end, dt.datetime):
            end = dt.datetime.combine(end, dt.time(), start.tzinfo)
        if end is not None and (start.tzinfo is None) != (end.tzinfo is None):
            # one side floating: read it in the other side's zone
            if start.tzinfo is None:
                start = start.replace(tzinfo=end.tzinfo)
            else:
                end = end.replace(tzinfo=start.tzinfo)
        if start.tzinfo is None and self.default_tz is not None:
            start = start.replace(tzinfo=self.default_tz)
            end = end.replace(tzinfo=self.default_tz) if end is not None else None
        record.start_date = start.date()
        record.end_date = end.date() if end is not None else None
        if start.tzinfo is not None:
            record.starts_at = start
            record.ends_at = end
            record.timezone = _iana_name(start, self.vtimezones)
        if end is not None and end < start:
            raise _BadEvent(_("the event ends before it starts"))


def _first(component: Any, name: str) -> Any:
    """A property's decoded value; the first one when the property is repeated."""
    prop = component.get(name)
    if isinstance(prop, list):
        prop = prop[0] if prop else None
    return getattr(prop, "dt", None) if prop is not None else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _categories(event: Any) -> list[Any]:
    try:
        return list(event.categories)
    except Exception:  # malformed CATEGORIES: not worth losing the event for
        return []


def _organizer(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    cn = _text(getattr(value, "params", {}).get("CN"))
    if cn:
        return cn
    address = str(value).strip()
    return address[7:] if address.lower().startswith("mailto:") else address or None


def _recurs(event: Any) -> bool:
    return event.get("RRULE") is not None or event.get("RDATE") is not None


def _cancelled(event: Any) -> bool:
    return _text(event.get("STATUS")).upper() == "CANCELLED"


def _local_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _iso(value: Any) -> str | None:
    """A recurrence date as a stable string: aware times in UTC, so that an override written
    in UTC and the occurrence it replaces, written in local time, give the same id."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def _occurrence_id(uid: str, rid: Any) -> str | None:
    if not uid:
        return None
    if rid is None:
        return uid
    when = _iso(getattr(rid, "dt", rid))
    return f"{uid}/{when}" if when else uid


def _zone(name: str | None) -> dt.tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _iana_name(value: dt.datetime, vtimezones: dict[str, Any]) -> str | None:
    """The IANA name of an aware datetime's zone: its key, a Windows name mapped by
    icalendar, the VTIMEZONE's X-LIC-LOCATION, or an ``Area/City`` inside a custom TZID."""
    from icalendar.timezone import tzid_from_dt
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    key = getattr(value.tzinfo, "key", None)
    tzid = key or tzid_from_dt(value) or ""
    if tzid in ("UTC", "Etc/UTC", "GMT") or (not tzid and value.utcoffset() == dt.timedelta(0)):
        return "UTC"
    tzid = tzid.replace("\\,", ",")
    candidates = [tzid, WINDOWS_TO_OLSON.get(tzid)]
    vtimezone = vtimezones.get(tzid)
    if vtimezone is not None:
        candidates.append(_text(vtimezone.get("X-LIC-LOCATION")))
    candidates += re.findall(r"[A-Z][A-Za-z]+/[A-Za-z_+-]+(?:/[A-Za-z_+-]+)?", tzid)
    for candidate in candidates:
        if candidate and _zone(candidate) is not None:
            return candidate
    return None
