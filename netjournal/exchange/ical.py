"""Follow-ups and upcoming events as an iCalendar file (RFC 5545), serialised by ``icalendar``.

What a calendar shows from the file:

- Each **open follow-up** is an all-day ``VEVENT`` on its due date (``DTEND`` the next day,
  ``TRANSP:TRANSPARENT`` so it does not block the day) whose ``VALARM`` (``ACTION:DISPLAY``)
  fires at 09:00 on that day (``TRIGGER;RELATED=START:PT9H``, :data:`ALARM`). The summary is
  ``Follow up: <action> (<person>)``; the description names the person's organisation, the
  encounter (date, event, place) and its notes. With ``todo=True`` it is a ``VTODO`` with
  ``DUE`` instead, and the alarm is relative to ``DUE`` (``RELATED=END``). Overdue follow-ups
  are kept at their due date: they are still to do.
- Each **event you logged** that is not over yet (ending today or later; with ``since`` or
  ``until``, overlapping that period) is a ``VEVENT``: timed (UTC) when its start time is
  known, all-day otherwise, with its place, kind, organiser and notes.

Every item has a UID that stays the same from one export to the next
(``followup-<id>-<created>@netjournal``, ``event-<id>-<created>@netjournal``): the record's id
and its creation time to the microsecond, so that an id SQLite reuses after a deletion makes
a new UID, and two journals are unlikely to clash. The journal has no identity of its own to
add. ``DTSTAMP`` and ``LAST-MODIFIED`` are when the record last changed: an event's
``updated_at``; for a follow-up, which has no such column, its last change in the history, else
its creation. Unchanged records therefore export byte for byte the same, and a calendar
subscribed to the file updates the entries it already has.

The rows are selected, filtered and ordered in SQL and written one component at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TextIO

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    and_,
    cast,
    exists,
    func,
    or_,
    select,
)

from .. import tables as t
from .._version import __version__
from ..errors import InvalidInput
from ..i18n import _, language
from ..store import Store
from ..tags import known_ids
from ..validate import optional_date
from ..vocab import label
from . import ExportStats

#: When a follow-up's reminder fires: 9 hours after the start of its (all-day) due date.
ALARM = dt.timedelta(hours=9)
#: How often a subscribed calendar is asked to fetch the file again (a hint; clients may differ).
REFRESH = dt.timedelta(hours=12)
PRODID = f"-//netjournal//netjournal {__version__}//EN"


def write_ical(
    connection: Connection,
    fp: TextIO,
    *,
    todo: bool = False,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    tags: Iterable[str] | str | None = None,
    today: dt.date | None = None,
) -> ExportStats:
    """Write open follow-ups (due within ``since``..``until`` when given) and the events not
    over by ``today`` (or overlapping ``since``..``until``) to ``fp`` as one calendar.

    ``tags`` (all of them) keep the follow-ups whose person or encounter carries each tag and
    the events that carry each one. Raises :class:`InvalidInput` for a bad date, a period that
    ends before it starts, or a tag the journal does not have.
    """
    from icalendar import Calendar, vDuration

    # A calendar looks ahead: "friday" is the next one.
    start = optional_date(since, _("since date"), prefer="future")
    end = optional_date(until, _("until date"), prefer="future")
    if start and end and end < start:
        message = _("The period ends ({end}) before it starts ({start}).")
        raise InvalidInput(message.format(end=end, start=start))
    tag_ids = known_ids(connection, tags)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "netjournal")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode("ascii"))
    head, tail = calendar.to_ical().decode("utf-8").rsplit("END:VCALENDAR", 1)
    fp.write(head)

    counts = {"follow-ups": 0, "catch-ups": 0, "events": 0}
    for row in connection.execute(_followups_query(start, end, tag_ids)):
        fp.write(_followup(row, todo).to_ical().decode("utf-8"))
        counts["follow-ups"] += 1
    today = today or dt.date.today()
    for component in _catchups(connection, today, start, end, tags, todo):
        fp.write(component.to_ical().decode("utf-8"))
        counts["catch-ups"] += 1
    first_day = start or today
    for row in connection.execute(_events_query(first_day, end, tag_ids)):
        fp.write(_event(row).to_ical().decode("utf-8"))
        counts["events"] += 1
    fp.write("END:VCALENDAR" + tail)
    return ExportStats("ical", counts)


# -- queries ---------------------------------------------------------------------------------


def _carries(link: Any, owner_column: str, owner: Any, tag_id: int) -> ColumnElement[bool]:
    return exists().where(link.c[owner_column] == owner, link.c.tag_id == tag_id)


def _followups_query(start: dt.date | None, end: dt.date | None, tag_ids: list[int]) -> Any:
    f, p, e, ev = t.followups, t.people, t.encounters, t.events
    r, c = t.change_rows, t.changes
    # The follow-up's last change in the history (the index on table_name, row_key).
    last_change = (
        select(func.max(c.c.at))
        .select_from(r.join(c, c.c.id == r.c.change_id))
        .where(r.c.table_name == "followups", r.c.row_key == cast(f.c.id, String))
        .scalar_subquery()
    )
    conditions: list[ColumnElement[bool]] = [f.c.done_on.is_(None)]
    if start:
        conditions.append(f.c.due >= start)
    if end:
        conditions.append(f.c.due <= end)
    for tag_id in tag_ids:
        conditions.append(
            or_(
                _carries(t.person_tags, "person_id", f.c.person_id, tag_id),
                _carries(t.encounter_tags, "encounter_id", f.c.encounter_id, tag_id),
            )
        )
    return (
        select(
            f.c.id,
            f.c.due,
            f.c.action,
            f.c.created_at,
            last_change.label("changed_at"),
            p.c.display_name.label("person"),
            p.c.organization,
            e.c.date.label("met_on"),
            e.c.notes.label("encounter_notes"),
            ev.c.name.label("event"),
            ev.c.location.label("event_location"),
        )
        .join(p, p.c.id == f.c.person_id)
        .outerjoin(e, e.c.id == f.c.encounter_id)
        .outerjoin(ev, ev.c.id == e.c.event_id)
        .where(and_(*conditions))
        .order_by(f.c.due, f.c.id)
    )


def _events_query(first_day: dt.date, end: dt.date | None, tag_ids: list[int]) -> Any:
    ev = t.events
    conditions: list[ColumnElement[bool]] = [
        func.coalesce(ev.c.end_date, ev.c.start_date) >= first_day
    ]
    if end:
        conditions.append(ev.c.start_date <= end)
    conditions.extend(_carries(t.event_tags, "event_id", ev.c.id, tag_id) for tag_id in tag_ids)
    return (
        select(
            ev.c.id,
            ev.c.name,
            ev.c.start_date,
            ev.c.end_date,
            ev.c.starts_at,
            ev.c.ends_at,
            ev.c.location,
            ev.c.kind,
            ev.c.organizer,
            ev.c.hours,
            ev.c.notes,
            ev.c.created_at,
            ev.c.updated_at,
        )
        .where(and_(*conditions))
        .order_by(ev.c.start_date, ev.c.id)
    )


# -- components ------------------------------------------------------------------------------


def uid(kind: str, record_id: int, created_at: dt.datetime) -> str:
    """The stable UID of a record: ``<kind>-<id>-<creation time>@netjournal``."""
    return f"{kind}-{record_id}-{created_at:%Y%m%dT%H%M%S%f}@netjournal"


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) timestamp as an aware one, written with a ``Z``."""
    return moment.replace(tzinfo=dt.UTC)


def _stamp(
    component: Any, kind: str, record_id: int, created_at: dt.datetime, changed_at: dt.datetime
) -> None:
    component.add("uid", uid(kind, record_id, created_at))
    component.add("dtstamp", _utc(changed_at))
    component.add("created", _utc(created_at))
    component.add("last-modified", _utc(changed_at))


def _reminder(
    kind: str,
    record_id: int,
    created_at: dt.datetime,
    changed_at: dt.datetime,
    day: dt.date,
    summary: str,
    description: str,
    todo: bool,
) -> Any:
    """An all-day event on ``day`` (or a to-do due that day) with its alarm, identified by
    ``kind``, ``record_id`` and ``created_at`` (:func:`uid`)."""
    from icalendar import Alarm, Event, Todo

    component = Todo() if todo else Event()
    _stamp(component, kind, record_id, created_at, changed_at)
    component.add("summary", summary)
    if todo:
        component.add("due", day)
        component.add("status", "NEEDS-ACTION")
    else:
        component.add("dtstart", day)
        component.add("dtend", day + dt.timedelta(days=1))
        component.add("transp", "TRANSPARENT")
    component.add("description", description)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    # A VTODO has no DTSTART here: its alarm counts from DUE (its end), at the same hour.
    alarm.add("trigger", ALARM, parameters={"RELATED": "END" if todo else "START"})
    component.add_component(alarm)
    return component


def _followup(row: Any, todo: bool) -> Any:
    # (a change set is dated when it begins, a hair before the rows it writes)
    changed = max(row.created_at, row.changed_at or row.created_at)
    summary = _("Follow up: {action} ({person})").format(action=row.action, person=row.person)
    description = _followup_description(row)
    return _reminder(
        "followup", row.id, row.created_at, changed, row.due, summary, description, todo
    )


def _followup_description(row: Any) -> str:
    lines = [row.person + (f", {row.organization}" if row.organization else "")]
    if row.met_on is not None:
        if row.event and row.event_location:
            met = _("Met on {date} at {event} ({location}).")
        elif row.event:
            met = _("Met on {date} at {event}.")
        else:
            met = _("Met on {date}.")
        lines.append(
            met.format(date=row.met_on.isoformat(), event=row.event, location=row.event_location)
        )
        if row.encounter_notes:
            lines.append(row.encounter_notes)
    lines.append(_("Done? netjournal followup done {id}").format(id=row.id))
    return "\n".join(lines)


def _catchups(
    connection: Connection,
    today: dt.date,
    start: dt.date | None,
    end: dt.date | None,
    tags: Iterable[str] | str | None,
    todo: bool,
) -> list[Any]:
    """One reminder per person due for a catch-up (:mod:`netjournal.catchup`): on ``today``
    for those due or overdue, on the day they fall due for those who do by ``end``; kept when
    that day is within ``start``..``end`` (``end`` defaults to today: what is due now)."""
    from ..catchup import catchup

    last = end if end is not None else today
    if last < today:
        return []
    ahead = (last - today).days
    found = catchup(connection, today, tags=tags, ahead=ahead, currency=Store.currency(connection))
    kept = [(max(c.due_on, today), c) for c in found]
    kept = [(day, c) for day, c in kept if start is None or day >= start]
    if not kept:
        return []
    p = t.people
    stamps = {
        pid: (created, updated)
        for pid, created, updated in connection.execute(
            select(p.c.id, p.c.created_at, p.c.updated_at).where(
                p.c.id.in_([c.person_id for _, c in kept])
            )
        )
    }
    kept.sort(key=lambda pair: (pair[0], pair[1].person_id))
    return [_catchup(day, c, *stamps[c.person_id], todo) for day, c in kept]


def _catchup(
    day: dt.date, c: Any, created_at: dt.datetime, updated_at: dt.datetime, todo: bool
) -> Any:
    # the UID is the person's: the reminder moves with each touch, the calendar updates it
    touched = dt.datetime.combine(c.last_touch, dt.time())
    changed = max(created_at, updated_at, touched)
    summary = _("Catch up with {person}: {late}").format(person=c.person, late=c.late)
    description = _catchup_description(c)
    return _reminder("catchup", c.person_id, created_at, changed, day, summary, description, todo)


def _catchup_description(c: Any) -> str:
    lines = [c.person + (f", {c.organization}" if c.organization else "")]
    if c.at_most:
        rhythm = _("Every {every} days, at most {limit} ({source}); last touch {date}.")
    else:
        rhythm = _("Every {every} days ({source}); last touch {date}.")
    if c.cadence_from == "person":
        source = _("person")
    else:
        source = _("tag {name}").format(name=c.cadence_from.removeprefix("tag "))
    lines.append(rhythm.format(every=c.every, limit=c.at_most, source=source, date=c.last_touch))
    if c.last_met is not None:
        met = _("Last met on {date} at {event}.") if c.last_event else _("Last met on {date}.")
        lines.append(met.format(date=c.last_met, event=c.last_event))
    if c.talked_about:
        lines.append(_("Talked about: {text}").format(text=c.talked_about))
    if c.open_leads:
        kinds = ", ".join(label(k, "lead kind", language()) for k in c.lead_kinds)
        lines.append(_("Open leads: {count} ({kinds})").format(count=c.open_leads, kinds=kinds))
    lines.extend(_("To do by {todo}").format(todo=todo) for todo in c.open_followups)
    if c.next_question:
        lines.append(_("Ask: {question}").format(question=c.next_question))
    lines.append(_("Who else is due? netjournal catchup"))
    return "\n".join(lines)


def _event(row: Any) -> Any:
    from icalendar import Event

    component = Event()
    _stamp(component, "event", row.id, row.created_at, row.updated_at)
    component.add("summary", row.name)
    if row.starts_at is not None:
        component.add("dtstart", _utc(row.starts_at))
        finish = row.ends_at
        if finish is None and row.hours:
            finish = row.starts_at + dt.timedelta(hours=float(row.hours))
        if finish is not None and finish > row.starts_at:
            component.add("dtend", _utc(finish))
    else:
        component.add("dtstart", row.start_date)
        component.add("dtend", (row.end_date or row.start_date) + dt.timedelta(days=1))
    if row.location:
        component.add("location", row.location)
    details = [_("Kind: {kind}").format(kind=label(row.kind, "event kind", language()))]
    if row.organizer:
        details.append(_("Organizer: {name}").format(name=row.organizer))
    if row.notes:
        details.append(row.notes)
    component.add("description", "\n".join(details))
    return component


__all__ = ["ALARM", "PRODID", "uid", "write_ical"]
