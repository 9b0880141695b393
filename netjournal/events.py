"""``journal.events``: the events you went to, what they cost in time and money."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select

from . import listings, records, resolve
from . import tables as t
from . import tags as tagging
from .errors import InvalidInput
from .i18n import N_, _
from .store import changed_attributes, edited
from .text import fold
from .validate import (
    NAME_MAX,
    SHORT_MAX,
    amount,
    amount_currency,
    blank,
    currency,
    money,
    name,
    optional_date,
    text,
)
from .vocab import EVENT_KINDS, canonical

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .batch import EventHeader
    from .models import Encounter, Event
    from .store import Store

# The ORM (models, sessions) is imported where it is used: ``records`` and the other quick
# paths of the command line must not pay for importing it (docs/performance.md).

_TEXT_FIELDS: dict[str, int | None] = {
    "location": NAME_MAX,
    "organizer": NAME_MAX,
    "series": NAME_MAX,
    "notes": None,
    "external_id": SHORT_MAX,
    "timezone": 64,
}


#: What a blank value of a field every event has would mean: a refusal.
_REQUIRED = {
    "name": N_("An event needs a name."),
    "start_date": N_("An event needs a start date."),
    "date": N_("An event needs a start date."),
    "kind": N_("An event needs a kind (one of: {kinds})."),
}
#: The free-text fields as a refusal names them ("Location is longer than...").
_TEXT_NAMES = {
    "location": N_("Location"),
    "organizer": N_("Organizer"),
    "series": N_("Series"),
    "notes": N_("Notes"),
    "external_id": N_("External_id"),
    "timezone": N_("Timezone"),
}


def _utc_naive(value: object, what: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        raise InvalidInput(_("{what} must be a datetime.").format(what=what))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def set_fields(event: Event, values: dict[str, Any], default_currency: str) -> None:
    """Validate and assign event columns (only those present in ``values``); a cost written
    with its currency (``"40 €"``) sets the currency, which must agree with ``currency``."""
    mark = None
    for key, raw in values.items():
        if key == "name":
            event.name = name(raw, _("The event name"))
            event.name_key = fold(event.name)
        elif key in ("start_date", "date"):
            start = optional_date(raw, _("start date"))
            if start is None:
                raise InvalidInput(_("An event needs a start date."))
            event.start_date = start
        elif key == "end_date":
            event.end_date = optional_date(raw, _("end date"))
        elif key == "kind":
            event.kind = canonical(raw or "other", "event kind")
        elif key == "hours":
            event.hours = money(raw, _("Hours spent"))
        elif key == "cost":
            event.cost, mark = amount(raw, _("The cost"))
        elif key == "currency":
            event.currency = currency(raw)
        elif key in ("starts_at", "ends_at"):
            setattr(event, key, _utc_naive(raw, key))
        elif key in _TEXT_FIELDS:
            what = _(_TEXT_NAMES.get(key, key.capitalize()))
            setattr(event, key, text(raw, what, max_len=_TEXT_FIELDS[key]))
            if key == "series":
                event.series_key = fold(event.series) if event.series else None
        else:
            raise InvalidInput(_("Unknown event field '{key}'.").format(key=key))
    if mark is not None:
        event.currency = amount_currency(mark, values.get("currency"), _("The cost"))
    if event.cost is not None and event.currency is None:
        event.currency = default_currency
    if event.end_date is not None and event.end_date < event.start_date:
        message = _("The event ends ({end}) before it starts ({start}).")
        raise InvalidInput(message.format(end=event.end_date, start=event.start_date))


@dataclass
class EventDetail:
    """An event with the encounters held there (newest first), for ``event show``."""

    event: Event
    encounters: list[Encounter]


def edition_for(session: Session, header: EventHeader, default_currency: str) -> Event:
    """The event a batch header names, created from the header when it is new.

    With a date, only editions held on that day count (a monthly meetup keeps its name), and
    none means a new edition; without one, the name must designate a known event."""
    from .models import Event

    if header.date is None:
        return resolve.event(session, header.name)
    key = fold(header.name)
    on_day = (Event.start_date <= header.date) & (
        func.coalesce(Event.end_date, Event.start_date) >= header.date
    )
    found = list(
        session.scalars(
            select(Event)
            .where(on_day, or_(Event.name_key == key, resolve._name_filters(Event.name_key, key)))
            .order_by(Event.id)
        )
    )
    exact = [e for e in found if e.name_key == key]
    if len(exact or found) == 1:
        return (exact or found)[0]
    if found:
        names = "; ".join(f"#{e.id} {e.name}" for e in found)
        message = _("'{name}' matches several events that day: {events}.")
        raise InvalidInput(message.format(name=header.name, events=names))
    event = Event(kind="other")
    values = {
        k: getattr(header, k)
        for k in ("location", "kind", "organizer", "series", "hours", "cost", "currency")
        if getattr(header, k) is not None
    }
    set_fields(
        event,
        {"name": header.name, "start_date": header.date, "end_date": header.end_date, **values},
        default_currency,
    )
    session.add(event)
    session.flush()
    return event


class Events:
    """The events in a journal. Reach it as ``journal.events``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        name: str,
        start_date: dt.date | str | None = None,
        *,
        tags: Iterable[str] = (),
        **fields: Any,
    ) -> Event:
        """Add an event. ``start_date`` defaults to today; ``fields``: end_date, location,
        kind (meetup, conference, trade show, dinner, online, other), organizer, series,
        hours, cost, currency, notes, external_id, starts_at, ends_at, timezone."""
        from .models import Event

        with self._store.write("event.add") as session:
            event = Event(kind="other")
            values = {"name": name, "start_date": start_date or dt.date.today(), **fields}
            set_fields(event, values, self._store.currency(session))
            event.tags = tagging.get_or_create(session, tags)
            session.add(event)
            session.flush()
            self._store.describe(session, f"Added {event.name} on {event.start_date} (#{event.id})")
            return event

    def get(self, ref: int | str | Event) -> Event:
        """The event with this id or name (accent-insensitive, unique prefix accepted)."""
        with self._store.read() as session:
            return resolve.event(session, ref)

    def find(self, query: str, *, limit: int = 20) -> list[Event]:
        """Events whose name starts with, or has a word starting with, ``query`` (newest
        first): what shell completion offers."""
        from .models import Event

        key = fold(query)
        with self._store.read() as session:
            return list(
                session.scalars(
                    select(Event)
                    .where(resolve._name_filters(Event.name_key, key))
                    .order_by(Event.start_date.desc(), Event.id.desc())
                    .limit(limit)
                )
            )

    def show(self, ref: int | str | Event) -> EventDetail:
        """An event with everyone you met there (newest encounter first)."""
        from .models import Encounter

        with self._store.read() as session:
            event = resolve.event(session, ref)
            encounters = list(
                session.scalars(
                    select(Encounter)
                    .where(Encounter.event_id == event.id)
                    .order_by(Encounter.date.desc(), Encounter.id.desc())
                )
            )
            return EventDetail(event, encounters)

    def list(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        series: str | None = None,
        tag: str | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Events, newest first, optionally within dates, of one series or with a tag."""
        from .models import Event

        listing = listings.events(since=since, until=until, series=series, tag=tag, limit=limit)
        with self._store.read() as session:
            return list(session.scalars(listing.apply(select(Event))))

    def records(
        self,
        *,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        series: str | None = None,
        tag: str | None = None,
        limit: int | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """What :meth:`list` returns, as JSON-ready dicts (``to_dict`` of each event), read
        without the ORM: what ``netjournal event list`` prints."""
        listing = listings.events(since=since, until=until, series=series, tag=tag, limit=limit)
        with self._store.connect() as connection:
            return records.event_records(connection, listing)

    def count(self) -> int:
        with self._store.connect() as connection:
            return connection.scalar(select(func.count()).select_from(t.events)) or 0

    def update(
        self,
        ref: int | str | Event,
        *,
        add_tags: Iterable[str] = (),
        remove_tags: Iterable[str] = (),
        **fields: Any,
    ) -> Event:
        """Change an event's fields (``""`` or blank text clears an optional one) and tags;
        a blank ``name``, ``start_date`` or ``kind`` raises
        :class:`~netjournal.errors.InvalidInput` (an event always has them).

        Returns the event as stored. Nothing is written when nothing differs;
        :attr:`Journal.last_change <netjournal.journal.Journal.last_change>` then is ``None``,
        else its summary names what changed (``Edited Lyon Tech Meetup (#3): cost, tags``).
        """
        with self._store.edit("event.update") as session:
            event = resolve.event(session, ref)
            cleared = {k for k, v in fields.items() if blank(v)}
            for key in cleared:
                if key in _REQUIRED:
                    raise InvalidInput(_(_REQUIRED[key]).format(kinds=", ".join(EVENT_KINDS)))
                setattr(event, key, None)
                if key == "series":
                    event.series_key = None
            set_fields(
                event,
                {k: v for k, v in fields.items() if k not in cleared},
                self._store.currency(session),
            )
            changed = changed_attributes(event)
            if tagging.retag(session, event, add_tags, remove_tags):
                changed.append("tags")
            if changed:
                self._store.describe(session, edited(f"{event.name} (#{event.id})", changed))
            session.flush()
            return event

    def delete(self, ref: int | str | Event) -> Event:
        """Remove an event; its encounters stay, no longer attached to an event. Returns the
        event as it was."""
        from .models import Event

        with self._store.write("event.delete") as session:
            event = resolve.event(session, ref)
            session.execute(delete(Event).where(Event.id == event.id))
            session.expunge(event)
            summary = f"Deleted {event.name} (#{event.id}) of {event.start_date}"
            self._store.describe(session, summary)
            return event
