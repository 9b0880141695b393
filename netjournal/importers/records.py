"""Neutral records that every importer produces, before anything touches the journal.

Parsers turn a file into these; :mod:`netjournal.importers.apply` (dedupe, merge, atomic write)
turns them into people and events. Keeping the two apart lets each parser be tested on real
files without a database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ContactPointRecord:
    kind: str  # "email", "phone" or "url"
    value: str
    label: str | None = None


@dataclass
class PersonRecord:
    display_name: str
    source: str  # "vcard", "linkedin", "google"
    line: int  # line of the file where the record starts (1-based)
    given_name: str | None = None
    family_name: str | None = None
    organization: str | None = None
    title: str | None = None
    # ``field`` is a record attribute, which is why dataclasses.field is spelled out here.
    field: str | None = None
    location: str | None = None
    notes: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    contacts: list[ContactPointRecord] = dataclasses.field(default_factory=list)
    external_id: str | None = None  # vCard UID, LinkedIn profile URL...
    connected_on: dt.date | None = None  # LinkedIn "Connected On"


@dataclass
class EventRecord:
    name: str
    start_date: dt.date
    line: int
    end_date: dt.date | None = None
    starts_at: dt.datetime | None = None  # aware datetime when the source has a time
    ends_at: dt.datetime | None = None
    timezone: str | None = None  # IANA name when known
    location: str | None = None
    organizer: str | None = None
    notes: str | None = None
    external_id: str | None = None  # UID, with the occurrence date for recurring events
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclass(frozen=True)
class SkippedRecord:
    line: int | None
    reason: str


@dataclass
class ParseResult:
    """What a parser found: the valid records and, when asked to skip, what it skipped."""

    people: list[PersonRecord] = dataclasses.field(default_factory=list)
    events: list[EventRecord] = dataclasses.field(default_factory=list)
    skipped: list[SkippedRecord] = dataclasses.field(default_factory=list)
