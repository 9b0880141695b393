"""The JSON export format (version 1), shared by the writer and the reader.

The format follows the tables: each section lists the rows of one table with their ids, so
references (an encounter's person, a follow-up's encounter) survive the trip. Small child
collections are nested in their parent (a person's contacts and tags, an encounter's questions,
a lead's outcomes). Folded ``*_key`` columns are not written: they are derived data, recomputed
on import. Values: dates and timestamps in ISO 8601 (timestamps are naive UTC), amounts as
strings with two decimals, booleans as JSON booleans. See docs/export-format.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, String, Table, Text
from sqlalchemy.sql.type_api import TypeEngine

from ..i18n import _
from ..models import (
    ContactPoint,
    Encounter,
    Event,
    Fixed,
    FollowUp,
    Lead,
    Outcome,
    Person,
    Profile,
    ProfileField,
    Question,
    Tag,
    encounter_tags,
    event_tags,
    lead_tags,
    person_tags,
)
from ..text import contact_key, fold, grouped, question_key
from ..validate import money

FORMAT = "netjournal"
FORMAT_VERSION = 1


def _folded(source: str) -> Callable[[dict[str, Any]], str | None]:
    return lambda row: fold(row[source]) if row.get(source) is not None else None


#: Derived columns of each table: recomputed from the row on import, never exported.
DERIVED: dict[str, dict[str, Callable[[dict[str, Any]], Any]]] = {
    "tags": {"key": _folded("name")},
    "profile_fields": {"key": _folded("name")},
    "people": {"name_key": _folded("display_name"), "field_key": _folded("field")},
    "events": {"name_key": _folded("name"), "series_key": _folded("series")},
    "contact_points": {"value_key": lambda row: contact_key(row["kind"], row["value"])},
    "questions": {"asked_key": lambda row: question_key(row["asked"])},
}


@dataclass(frozen=True)
class Child:
    """A collection nested in each parent record (``parent_column`` is implied)."""

    name: str
    table: Table
    parent_column: str
    order_by: tuple[str, ...] = ("id",)


@dataclass(frozen=True)
class Section:
    """A top-level list of the export: one table, its nested children and its tags."""

    name: str
    table: Table
    children: tuple[Child, ...] = ()
    tag_link: Table | None = None  # association table ``<owner>_tags``, if records are tagged


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


#: The sections in the order they are written and must be read: referenced rows come first.
SECTIONS: tuple[Section, ...] = (
    Section("tags", _table(Tag)),
    Section(
        "people",
        _table(Person),
        (Child("contacts", _table(ContactPoint), "person_id"),),
        person_tags,
    ),
    Section("events", _table(Event), tag_link=event_tags),
    Section(
        "encounters",
        _table(Encounter),
        (Child("questions", _table(Question), "encounter_id"),),
        encounter_tags,
    ),
    Section(
        "leads",
        _table(Lead),
        (Child("outcomes", _table(Outcome), "lead_id"),),
        lead_tags,
    ),
    Section("followups", _table(FollowUp)),
)
PROFILE = _table(Profile)
PROFILE_FIELDS = _table(ProfileField)


def exported_columns(table: Table, *, skip: str | None = None) -> list[Column[Any]]:
    """The columns written for ``table``: all but the derived ones (and the implied parent)."""
    derived = DERIVED.get(table.name, {})
    return [c for c in table.columns if c.name not in derived and c.name != skip]


def to_json(value: Any) -> Any:
    """A column value as JSON: ISO dates, amounts as strings."""
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(column: Column[Any], value: Any) -> Any:
    """The Python value for ``column`` from its JSON form; ``ValueError`` says what is wrong."""
    if value is None:
        if not column.nullable:
            raise ValueError(_("'{column}' is required").format(column=column.name))
        return None
    kind: TypeEngine[Any] = column.type
    if isinstance(kind, Fixed):
        if not isinstance(value, str | int) or isinstance(value, bool):
            message = _("'{column}' must be an amount written as a string")
            raise ValueError(message.format(column=column.name))
        what = _("'{column}'").format(column=column.name)
        return money(value, what, allow_negative=True)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(_("'{column}' must be true or false").format(column=column.name))
        return value
    if isinstance(kind, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(_("'{column}' must be an integer").format(column=column.name))
        bits = 63 if isinstance(kind, BigInteger) else 31  # INTEGER is 32 bits on PostgreSQL
        if not -(2**bits) <= value < 2**bits:
            message = _("'{column}' is out of range (at most {limit})")
            raise ValueError(message.format(column=column.name, limit=grouped(2**bits - 1)))
        return value
    if not isinstance(value, str):
        raise ValueError(_("'{column}' must be a string").format(column=column.name))
    if isinstance(kind, DateTime):
        try:
            stamp = dt.datetime.fromisoformat(value)
        except ValueError:
            message = _("'{column}' is not an ISO timestamp: {value!r}")
            raise ValueError(message.format(column=column.name, value=value)) from None
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
        return stamp
    if isinstance(kind, Date):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            message = _("'{column}' is not an ISO date: {value!r}")
            raise ValueError(message.format(column=column.name, value=value)) from None
    if isinstance(kind, String | Text):
        if "\x00" in value:
            message = _("'{column}' contains a NUL character")
            raise ValueError(message.format(column=column.name))
        length = getattr(kind, "length", None)
        if length is not None and len(value) > length:
            message = _("'{column}' is longer than {length} characters")
            raise ValueError(message.format(column=column.name, length=length))
        return value
    message = _("'{column}' has an unsupported type")
    raise ValueError(message.format(column=column.name))  # pragma: no cover
