"""LinkedIn ``Connections.csv`` (every layout LinkedIn shipped) into PersonRecords.

Layouts seen in real exports: a ``Notes:`` preamble before the header or none; a URL column
or none, anywhere; no header at all (older exports re-saved by hand); whole lines wrapped in
quotes by a spreadsheet; dates as ``09 Oct 2024``, ``1/8/18, 6:14 PM`` or ``2018-01-08``;
``urn:li:member:...`` junk in the e-mail column.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from netjournal.errors import ImportFormatError
from netjournal.i18n import _, ngettext
from netjournal.importers.records import (
    ContactPointRecord,
    ParseResult,
    PersonRecord,
    SkippedRecord,
)
from netjournal.importers.textio import read_csv_file

# Normalised header text -> our column key.
_HEADERS = {
    "first name": "first",
    "firstname": "first",
    "last name": "last",
    "lastname": "last",
    "url": "url",
    "profile url": "url",
    "email address": "email",
    "e-mail address": "email",
    "email": "email",
    "company": "company",
    "position": "position",
    "connected on": "connected",
}
# Column orders of the exports that come without a header line.
_HEADERLESS = {
    7: ("first", "last", "url", "email", "company", "position", "connected"),
    6: ("first", "last", "email", "company", "position", "connected"),
}
_DATE_FORMATS: tuple[str, ...] = (
    "%d %b %Y",  # 09 Oct 2024 (current exports)
    "%Y-%m-%d",
    "%m/%d/%y, %I:%M %p",  # 1/8/18, 6:14 PM (2018 exports, US style)
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%y",
    "%m/%d/%Y",
    "%d-%b-%y",
    "%d %B %Y",
    "%b %d, %Y",
)
_PROFILE = re.compile(r"^(https?://)?([\w-]+\.)?linkedin\.com/", re.IGNORECASE)
_PREAMBLE_ROWS = 10  # the header is searched for among the first rows only


def parse_linkedin(path: str | Path, *, skip_invalid: bool = False) -> ParseResult:
    """Read a LinkedIn connections export.

    Each row becomes a person (``source="linkedin"``, ``external_id`` = profile URL) whose
    ``line`` is the physical line of the row. A malformed row (wrong number of fields, a date
    that is not a date) raises :class:`ImportFormatError`, or with ``skip_invalid`` is
    recorded as skipped. Rows LinkedIn leaves empty for members who hide their data are
    always skipped, and listed in ``skipped``.
    """
    name = Path(path).name
    rows = read_csv_file(path)
    columns, data = _layout(name, rows)
    result = ParseResult()
    for line, fields in data:
        try:
            person = _person(columns, _unwrap(fields, len(columns)), line)
        except _BadRow as exc:
            if not skip_invalid:
                raise ImportFormatError(name, line, exc.reason) from exc
            result.skipped.append(SkippedRecord(line, exc.reason))
            continue
        if person is None:
            result.skipped.append(
                SkippedRecord(line, _("the row has no name, e-mail or profile URL"))
            )
        else:
            result.people.append(person)
    return result


class _BadRow(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _layout(
    name: str, rows: list[tuple[int, list[str]]]
) -> tuple[tuple[str | None, ...], list[tuple[int, list[str]]]]:
    """Find the header (after any preamble) or recognise a header-less export."""
    for index, (_line, fields) in enumerate(rows[:_PREAMBLE_ROWS]):
        keys = tuple(_HEADERS.get(" ".join(f.lower().split())) for f in fields)
        if "first" in keys and "last" in keys:
            return keys, rows[index + 1 :]
    sample = [_unwrap(fields, 6) for _, fields in rows[:_PREAMBLE_ROWS]]
    widths = {len(f) for f in sample}
    if len(widths) == 1:
        width = widths.pop()
        order = _HEADERLESS.get(width)
        if order is not None and all(_looks_like_connection(order, f) for f in sample):
            return order, rows
    raise ImportFormatError(
        name,
        rows[0][0],
        _(
            "not a LinkedIn connections export (no 'First Name' / 'Last Name' header, and the "
            "rows do not look like connections)"
        ),
    )


def _looks_like_connection(order: tuple[str, ...], fields: list[str]) -> bool:
    values = dict(zip(order, fields, strict=True))
    if values["connected"].strip() and _parse_date(values["connected"]) is None:
        return False
    url = values.get("url", "").strip()
    return not url or bool(_PROFILE.match(url))


def _unwrap(fields: list[str], width: int) -> list[str]:
    """Split a line that a spreadsheet wrapped whole in quotes (it reads as one field)."""
    if len(fields) == 1 and width > 1 and "," in fields[0]:
        inner = next(csv.reader([fields[0]], skipinitialspace=True), fields)
        if len(inner) > 1:
            return inner
    return fields


def _person(columns: tuple[str | None, ...], fields: list[str], line: int) -> PersonRecord | None:
    extra = fields[len(columns) :]
    if len(fields) < len(columns) or any(f.strip() for f in extra):
        raise _BadRow(
            ngettext(
                "the row has {count} fields where the header has {header}",
                "the row has {count} fields where the header has {header}",
                len(fields),
            ).format(count=len(fields), header=len(columns))
        )
    values = {key: fields[i].strip() for i, key in enumerate(columns) if key}
    first = _clean_name(values.get("first", ""))
    last = _clean_name(values.get("last", ""))
    url = values.get("url", "")
    email = values.get("email", "")
    if "@" not in email or email.lower().startswith("urn:"):
        email = ""  # LinkedIn writes urn:li:member:... when the address is hidden
    connected: dt.date | None = None
    if values.get("connected"):
        connected = _parse_date(values["connected"])
        if connected is None:
            message = _("'Connected On' is not a date: {value!r}")
            raise _BadRow(message.format(value=values["connected"]))
    display = " ".join(p for p in (first, last) if p) or email or url
    if not display:
        return None
    contacts = []
    if email:
        contacts.append(ContactPointRecord("email", email))
    if url:
        contacts.append(ContactPointRecord("url", url, "linkedin"))
    return PersonRecord(
        display_name=display,
        source="linkedin",
        line=line,
        given_name=first or None,
        family_name=last or None,
        organization=values.get("company") or None,
        title=values.get("position") or None,
        contacts=contacts,
        external_id=url or None,
        connected_on=connected,
    )


def _clean_name(value: str) -> str:
    return " ".join(value.split())


def _parse_date(value: str) -> dt.date | None:
    value = " ".join(value.split())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    from dateutil import parser  # the odd formats only

    try:
        return parser.parse(value, dayfirst=False).date()
    except (ValueError, OverflowError):
        return None
