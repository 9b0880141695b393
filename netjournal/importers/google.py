"""Google Contacts CSV (legacy "Google CSV" and the current export) into PersonRecords.

Both layouts are read by column name: the legacy one says ``Given Name``, ``E-mail 1 - Type``,
``Organization 1 - Name`` and ``Group Membership``; the current one ``First Name``,
``E-mail 1 - Label``, ``Organization Name`` and ``Labels``. A cell may hold several values
joined by `` ::: ``; notes may span several lines.
"""

from __future__ import annotations

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

_MULTI = " ::: "
_SYSTEM_GROUPS = {"mycontacts", "starred"}
_POINT = re.compile(r"^(E-mail|Phone|Website) (\d+) - (Value|Type|Label)$", re.IGNORECASE)
_KINDS = {"e-mail": "email", "phone": "phone", "website": "url"}
# Our field -> header names, legacy first.
_FIELDS = {
    "display": ("Name",),
    "given": ("Given Name", "First Name"),
    "middle": ("Additional Name", "Middle Name"),
    "family": ("Family Name", "Last Name"),
    "nickname": ("Nickname",),
    "organization": ("Organization 1 - Name", "Organization Name"),
    "title": ("Organization 1 - Title", "Organization Title"),
    "notes": ("Notes",),
    "groups": ("Group Membership", "Labels"),
    "city": ("Address 1 - City",),
}
_SIGNATURE = {"Group Membership", "Labels", "E-mail 1 - Value", "Phone 1 - Value", "File As"}


def parse_google(path: str | Path, *, skip_invalid: bool = False) -> ParseResult:
    """Read a Google Contacts export.

    Each record becomes a person (``source="google"``) whose ``line`` is the physical line the
    record starts on. Group memberships / labels become tags, without Google's system groups
    (``* myContacts``, ``* starred``). A record with neither a name, an organization, an
    e-mail nor a phone number raises :class:`ImportFormatError`, or with ``skip_invalid`` is
    recorded as skipped.
    """
    name = Path(path).name
    rows = read_csv_file(path)
    header_line, header = rows[0]
    header = [h.strip().lstrip("\ufeff") for h in header]
    has_name = {"Name", "Given Name", "First Name"} & set(header)
    if not has_name or not _SIGNATURE & set(header):
        raise ImportFormatError(
            name, header_line, _("not a Google Contacts export (its header is not recognised)")
        )
    result = ParseResult()
    for line, fields in rows[1:]:
        if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
            reason = ngettext(
                "the record has {count} fields where the header has {header}",
                "the record has {count} fields where the header has {header}",
                len(fields),
            ).format(count=len(fields), header=len(header))
        else:
            record = dict(zip(header, fields, strict=False))
            person = _person(record, line)
            if person is not None:
                result.people.append(person)
                continue
            reason = _("the record has no name, organization, e-mail or phone number")
        if not skip_invalid:
            raise ImportFormatError(name, line, reason)
        result.skipped.append(SkippedRecord(line, reason))
    return result


def _get(record: dict[str, str], field: str) -> str:
    for column in _FIELDS[field]:
        value = record.get(column, "").strip()
        if value:
            return value
    return ""


def _name(value: str) -> str:
    return " ".join(value.split())


def _person(record: dict[str, str], line: int) -> PersonRecord | None:
    given = _name(_get(record, "given"))
    family = _name(_get(record, "family"))
    organization = _get(record, "organization")
    contacts = _contacts(record)
    built = " ".join(p for p in (given, _name(_get(record, "middle")), family) if p)
    display = (
        _name(_get(record, "display"))
        or built
        or _name(_get(record, "nickname"))
        or organization
        or next((c.value for c in contacts), "")
    )
    if not display:
        return None
    tags: list[str] = []
    for group in _get(record, "groups").split(_MULTI):
        group = group.strip().removeprefix("* ").strip()
        if group and group.lower() not in _SYSTEM_GROUPS and group not in tags:
            tags.append(group)
    return PersonRecord(
        display_name=display,
        source="google",
        line=line,
        given_name=given or None,
        family_name=family or None,
        organization=organization or None,
        title=_get(record, "title") or None,
        location=_get(record, "city") or None,
        notes=_get(record, "notes") or None,
        tags=tags,
        contacts=contacts,
    )


def _contacts(record: dict[str, str]) -> list[ContactPointRecord]:
    """E-mails, then phones, then websites, each in column order, one per ` ::: ` value."""
    slots: dict[tuple[str, int], dict[str, str]] = {}
    for column, value in record.items():
        match = _POINT.match(column or "")
        if match:
            kind = _KINDS[match.group(1).lower()]
            part = "value" if match.group(3).lower() == "value" else "label"
            slots.setdefault((kind, int(match.group(2))), {})[part] = value or ""
    contacts: list[ContactPointRecord] = []
    for kind in ("email", "phone", "url"):
        for (slot_kind, _index), slot in sorted(slots.items()):
            if slot_kind != kind:
                continue
            label = slot.get("label", "").strip().removeprefix("* ").strip().lower()
            for value in slot.get("value", "").split(_MULTI):
                value = value.strip()
                if value:
                    contacts.append(ContactPointRecord(kind, value, _label(label)))
    return contacts


def _label(label: str) -> str | None:
    # Google's legacy type for every e-mail says nothing about it.
    return None if label in ("", "internet") else label
