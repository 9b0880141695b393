"""The API's rules applied to each record of a JSON export before it is restored.

A JSON export holds what the journal stored, so a record must pass the same validators as a
value given to the API (:mod:`netjournal.validate`, :mod:`netjournal.fields`): a name that is
blank, an e-mail the API refuses, a currency not written as three capitals, a negative
hourly rate or cost, a kind or a status outside the vocabulary, an outcome dated before the
encounter its lead came from, an id the file does not hold. (A person introducing themselves
is not refused yet: ``people merge`` of an introducer into the person they introduced still
stores exactly that.) Each check raises
:class:`~netjournal.errors.InvalidInput` with the API's own message; the reader names the
record (``events[3] (id 4): The event name cannot be empty.``).

Single-line text is stripped and blank optional text becomes ``None``, as the API stores
them; the derived ``*_key`` columns are computed afterwards from the cleaned values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import String, Table, Text

from ..errors import InvalidInput
from ..fields import PERSON_FIELDS, contact_values, person_values
from ..i18n import _
from ..text import region_code
from ..validate import choice, currency, money, name, text
from ..vocab import (
    CONTACT_KINDS,
    ENCOUNTER_KINDS,
    EVENT_KINDS,
    LEAD_KINDS,
    LEAD_STATUSES,
    OUTCOME_KINDS,
)


@dataclass
class Seen:
    """What later records are checked against: encounters' dates, leads' encounters."""

    encounter_dates: dict[int, dt.date] = field(default_factory=dict)
    lead_encounters: dict[int, int] = field(default_factory=dict)
    ids: dict[str, set[int]] = field(default_factory=dict)  # per table, the ids read


def check_row(table: Table, row: dict[str, Any], seen: Seen) -> None:
    """Validate ``row`` (a record of ``table`` read from JSON) in place, as the API would."""
    plan = _plan(table)
    _references(plan, row, seen)
    special = _CHECKS.get(table.name)
    handled = special(row, seen) if special is not None else set()
    for column, length, required in plan.texts:
        value = row.get(column)
        if value is not None and column not in handled:
            what = _("'{column}'").format(column=column)
            row[column] = text(value, what, max_len=length, required=required)


@dataclass(frozen=True)
class _Plan:
    """What :func:`check_row` looks at in a table, worked out once."""

    table: str
    has_id: bool
    references: tuple[tuple[str, str], ...]  # (column, referenced table)
    texts: tuple[tuple[str, int | None, bool], ...]  # (column, max length, required)


@cache
def _plan(table: Table) -> _Plan:
    columns = list(table.columns)
    references = tuple(
        (c.name, key.column.table.name)
        for c in columns
        for key in c.foreign_keys
        if key.column.table.name != table.name
    )
    texts = tuple(
        (c.name, getattr(c.type, "length", None), not c.nullable)
        for c in columns
        if isinstance(c.type, String | Text) and not c.foreign_keys and not c.primary_key
    )
    return _Plan(table.name, "id" in table.columns, references, texts)


def _references(plan: _Plan, row: dict[str, Any], seen: Seen) -> None:
    """Each id a record refers to is one the file holds (referenced sections come first);
    a record's own id is used once."""
    for column, target in plan.references:
        value = row.get(column)
        if isinstance(value, int) and value not in seen.ids.get(target, ()):
            message = _("'{column}' refers to {target} id {value}, which the file does not hold.")
            raise InvalidInput(message.format(column=column, target=target, value=value))
    own = row.get("id")
    if plan.has_id and isinstance(own, int):
        ids = seen.ids.setdefault(plan.table, set())
        if own in ids:
            message = _("The id {id} is used twice in {table}.")
            raise InvalidInput(message.format(id=own, table=plan.table))
        ids.add(own)


def _strict(value: Any, options: tuple[str, ...], what: str) -> str:
    """One of ``options``, written as the journal stores it."""
    chosen = choice(value, options, what)
    if chosen != value:
        message = _("The {what} '{value}' must be written '{chosen}'.")
        raise InvalidInput(message.format(what=what, value=value, chosen=chosen))
    return chosen


def _currency(value: Any) -> str | None:
    """A currency as the journal stores it: three capitals (``"eur"`` is refused here)."""
    code = currency(value)
    if code is not None and code != value:
        message = _("Invalid currency '{value}': a JSON export writes it '{code}'.")
        raise InvalidInput(message.format(value=value, code=code))
    return code


def _not_negative(value: Decimal | None, what: str) -> Decimal | None:
    return money(value, what) if value is not None else None


def _tags(row: dict[str, Any], seen: Seen) -> set[str]:
    row["name"] = name(row.get("name"), _("The tag name"))
    return {"name"}


def _profile_fields(row: dict[str, Any], seen: Seen) -> set[str]:
    row["name"] = name(row.get("name"), _("The field name"))
    return {"name"}


def _profile(row: dict[str, Any], seen: Seen) -> set[str]:
    row["currency"] = _currency(row.get("currency"))
    if row.get("currency") is None:
        raise InvalidInput(_("The profile needs a currency (a three-letter code such as EUR)."))
    row["hourly_rate"] = _not_negative(row.get("hourly_rate"), _("The hourly rate"))
    region = row.get("phone_region")
    row["phone_region"] = region_code(str(region)) if region is not None else None
    return {"currency", "hourly_rate", "phone_region"}


def _people(row: dict[str, Any], seen: Seen) -> set[str]:
    row["display_name"] = name(row.get("display_name"), _("The name"))
    given = {k: row[k] for k in PERSON_FIELDS if k in row and row[k] is not None}
    clean = person_values(given)
    for key in given:
        row[key] = clean.get(key)
    return {"display_name", *PERSON_FIELDS}


def _contacts(row: dict[str, Any], seen: Seen) -> set[str]:
    kind = _strict(row.get("kind"), CONTACT_KINDS, _("contact kind"))
    clean = contact_values(kind, row.get("value"), row.get("label"))
    row.update(kind=clean["kind"], value=clean["value"], label=clean["label"])
    return {"kind", "value", "label"}


def _events(row: dict[str, Any], seen: Seen) -> set[str]:
    row["name"] = name(row.get("name"), _("The event name"))
    row["kind"] = _strict(row.get("kind"), EVENT_KINDS, _("event kind"))
    row["currency"] = _currency(row.get("currency"))
    row["hours"] = _not_negative(row.get("hours"), _("Hours spent"))
    row["cost"] = _not_negative(row.get("cost"), _("The cost"))
    start, end = row.get("start_date"), row.get("end_date")
    if start is not None and end is not None and end < start:
        message = _("The event ends ({end}) before it starts ({start}).")
        raise InvalidInput(message.format(end=end, start=start))
    return {"name", "kind", "currency"}


def _encounters(row: dict[str, Any], seen: Seen) -> set[str]:
    row["kind"] = _strict(row.get("kind"), ENCOUNTER_KINDS, _("encounter kind"))
    introducer = row.get("introduced_by_id")
    if introducer is not None and introducer == row.get("person_id"):
        raise InvalidInput(_("Someone cannot introduce you to themselves."))
    if isinstance(row.get("id"), int) and isinstance(row.get("date"), dt.date):
        seen.encounter_dates[row["id"]] = row["date"]
    return {"kind"}


def _leads(row: dict[str, Any], seen: Seen) -> set[str]:
    row["kind"] = _strict(row.get("kind"), LEAD_KINDS, _("lead kind"))
    row["status"] = _strict(row.get("status"), LEAD_STATUSES, _("lead status"))
    if isinstance(row.get("id"), int) and isinstance(row.get("encounter_id"), int):
        seen.lead_encounters[row["id"]] = row["encounter_id"]
    return {"kind", "status"}


def _outcomes(row: dict[str, Any], seen: Seen) -> set[str]:
    row["kind"] = _strict(row.get("kind"), OUTCOME_KINDS, _("outcome kind"))
    row["currency"] = _currency(row.get("currency"))
    encounter = seen.lead_encounters.get(row.get("lead_id", -1))
    met = seen.encounter_dates.get(encounter) if encounter is not None else None
    when = row.get("date")
    if met is not None and when is not None and when < met:
        message = _("The outcome ({when}) predates the encounter the lead came from ({met}).")
        raise InvalidInput(message.format(when=when, met=met))
    return {"kind", "currency"}


_CHECKS: dict[str, Callable[[dict[str, Any], Seen], set[str]]] = {
    "tags": _tags,
    "profile_fields": _profile_fields,
    "profile": _profile,
    "people": _people,
    "contact_points": _contacts,
    "events": _events,
    "encounters": _encounters,
    "leads": _leads,
    "outcomes": _outcomes,
}
