"""vCard files (2.1, 3.0, 4.0; phones, Gmail, Outlook, Apple, Thunderbird) into PersonRecords.

:mod:`vobject` parses each card, but real exports break it in known ways, so every card is
cleaned first, line by line, keeping track of where it began:

* vCard 2.1 quoted-printable values continue on the next line after a trailing ``=`` with no
  leading space; they are joined and decoded here (with their CHARSET), then written back
  as escaped 3.0 text;
* PHOTO, LOGO, SOUND and KEY blocks are dropped (we never import them), including 2.1 base64
  blocks whose lines are not indented;
* blank lines inside a card and the PROFILE line that makes vobject refuse a card are dropped.

vobject splits each cleaned line into name, group, parameters and value; the values are
unescaped here rather than by vobject's vCard behaviours, because those keep only what comes
before the first unescaped comma (Gmail writes ``FN:Doe, John`` without escaping it).
"""

from __future__ import annotations

import quopri
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netjournal.errors import ImportFormatError
from netjournal.i18n import _
from netjournal.importers.records import (
    ContactPointRecord,
    ParseResult,
    PersonRecord,
    SkippedRecord,
)
from netjournal.importers.textio import read_text, split_lines

_BEGIN = re.compile(r"^(?:[\w-]+\.)?BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^(?:[\w-]+\.)?END\s*:\s*VCARD\s*$", re.IGNORECASE)
_PROPERTY = re.compile(r"^(?:([\w-]+)\.)?([\w-]+)([;:])")
_DROPPED = {"PHOTO", "LOGO", "SOUND", "KEY", "PROFILE"}
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]+$")
_QP_LINE = re.compile(r"^([^:;]+)((?:;[^:]*)?):(.*)$", re.DOTALL)
_QP_PARAM = re.compile(r";(?:ENCODING=)?QUOTED-PRINTABLE(?=;|$)", re.IGNORECASE)
_CHARSET_PARAM = re.compile(r";CHARSET=([^;:]*)", re.IGNORECASE)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
# TYPE values that say nothing a user would call a label.
_NOISE_TYPES = {"internet", "pref", "voice", "x400"}


@dataclass
class _Card:
    line: int  # where BEGIN:VCARD is
    lines: list[str]  # cleaned logical lines, END:VCARD included
    closed: bool


def parse_vcard(path: str | Path, *, skip_invalid: bool = False) -> ParseResult:
    """Read every card of a ``.vcf`` file.

    A card that cannot be read (never closed, refused by vobject, without any name,
    organization or e-mail) raises :class:`ImportFormatError` at its ``BEGIN:VCARD`` line, or
    with ``skip_invalid`` becomes a :class:`SkippedRecord`. A file without a single card is
    always an error.
    """
    return parse_vcard_text(read_text(path), Path(path).name, skip_invalid=skip_invalid)


def parse_vcard_text(text: str, name: str, *, skip_invalid: bool = False) -> ParseResult:
    """:func:`parse_vcard` of text already read (``name`` is the file's, for messages)."""
    lines = split_lines(text)
    cards = _split_cards(lines)
    if not cards:
        raise ImportFormatError(name, None, _("no vCard found (no BEGIN:VCARD line)"))
    result = ParseResult()
    for card in cards:
        try:
            result.people.append(_read_card(card))
        except _BadCard as exc:
            if not skip_invalid:
                raise ImportFormatError(name, card.line, exc.reason) from exc
            result.skipped.append(SkippedRecord(card.line, exc.reason))
    return result


def contact_in_line(line: str, kind: str) -> str:
    """The contact point (``email``, ``phone`` or ``url``) of one unfolded EMAIL, TEL or URL
    content line, read as :func:`parse_vcard` reads it (``""`` when it cannot be read)."""
    from vobject.base import textLineToContentLine

    try:
        prop = textLineToContentLine(_decode_qp(line))
    except Exception:  # vobject raises ParseError, VObjectError, ValueError...
        return ""
    return _contact_value(_unescape(prop.value).strip(), kind)


class _BadCard(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _split_cards(lines: list[str]) -> list[_Card]:
    """Group the physical lines into cleaned cards, remembering each card's first line."""
    cards: list[_Card] = []
    current: _Card | None = None
    dropping = False  # inside a PHOTO/KEY/... block
    soft_break = False  # the last line is quoted-printable and ends with "="
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if _BEGIN.match(line.strip()):
            if current is not None:  # the previous card never ended
                cards.append(current)
            current = _Card(number, ["BEGIN:VCARD"], closed=False)
            dropping = soft_break = False
            continue
        if current is None:
            continue  # text between cards
        if _END.match(line.strip()):
            current.lines.append("END:VCARD")
            current.closed = True
            cards.append(current)
            current = None
            continue
        if not line.strip():
            soft_break = False  # a blank line ends a 2.1 quoted-printable or base64 value
            continue
        if soft_break:
            current.lines[-1] = current.lines[-1][:-1] + line  # QP: the text goes on as is
        elif line[0] in " \t" or (dropping and _BASE64_LINE.match(line)):
            if not dropping:
                current.lines[-1] += line[1:]  # folded line
        else:
            match = _PROPERTY.match(line)
            dropping = bool(match and match.group(2).upper() in _DROPPED)
            if dropping:
                continue
            current.lines.append(line)
        soft_break = _is_qp(current.lines[-1]) and current.lines[-1].endswith("=")
    if current is not None:
        cards.append(current)
    return cards


def _is_qp(line: str) -> bool:
    head = line.split(":", 1)[0]
    return "QUOTED-PRINTABLE" in head.upper()


def _decode_qp(line: str) -> str:
    """Decode a quoted-printable property into plain escaped text, dropping ENCODING/CHARSET."""
    match = _QP_LINE.match(line)
    if match is None or not _is_qp(line):
        return line
    name, params, value = match.groups()
    charsets = _CHARSET_PARAM.findall(params)
    raw = quopri.decodestring(value.encode("utf-8", "replace"))
    text: str | None = None
    for charset in charsets:  # the declared charset wins, even if a byte is wrong
        try:
            text = raw.decode(charset.strip().strip('"'), "replace")
            break
        except LookupError:
            continue
    if text is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
    text = text.replace("\\", "\\\\").replace("\r\n", "\\n").replace("\n", "\\n")
    text = text.replace("\r", "\\n")
    params = _CHARSET_PARAM.sub("", _QP_PARAM.sub("", params))
    return f"{name}{params}:{text}"


def _read_card(card: _Card) -> PersonRecord:
    from vobject.base import textLineToContentLine  # imported late: keeps the package light

    if not card.closed:
        raise _BadCard(_("the card is never closed (no END:VCARD)"))
    props: dict[str, list[Any]] = {}
    for text in card.lines[1:-1]:
        try:
            prop = textLineToContentLine(_decode_qp(text))
        except Exception as exc:  # vobject raises ParseError, VObjectError, ValueError...
            message = _("a line of the card cannot be read: {line!r}")
            raise _BadCard(message.format(line=text[:60])) from exc
        props.setdefault(prop.name.upper(), []).append(prop)
    return _to_person(props, card.line)


def _to_person(props: dict[str, list[Any]], line: int) -> PersonRecord:
    labels = {  # Apple "itemN.X-ABLabel" values by group
        p.group.lower(): _apple_label(_unescape(p.value))
        for p in props.get("X-ABLABEL", [])
        if p.group
    }

    def first(key: str) -> str | None:
        for prop in props.get(key, []):
            value = _unescape(prop.value).strip()
            if value:
                return value
        return None

    n_parts = _structured(props["N"][0].value) if props.get("N") else []
    given = _part(n_parts, 1)
    family = _part(n_parts, 0)
    org_parts = _structured(props["ORG"][0].value) if props.get("ORG") else []
    organization = next((p for p in org_parts if p), None)

    contacts: list[ContactPointRecord] = []
    for key, kind in (("EMAIL", "email"), ("TEL", "phone"), ("URL", "url")):
        for prop in props.get(key, []):
            value = _contact_value(_unescape(prop.value).strip(), kind)
            if value:
                contacts.append(ContactPointRecord(kind, value, _label(prop, labels)))

    emails = [c.value for c in contacts if c.kind == "email"]
    built = " ".join(p for p in (given, _part(n_parts, 2), family) if p)
    display = first("FN") or built or organization or (emails[0] if emails else None)
    if not display:
        raise _BadCard(_("the card has no name (FN or N), organization or e-mail"))

    notes = [_unescape(p.value).strip() for p in props.get("NOTE", [])]
    tags: list[str] = []
    for prop in props.get("CATEGORIES", []):
        for tag in _split_unescaped(prop.value, ","):
            tag = tag.strip()
            if tag and tag not in tags:
                tags.append(tag)
    location = None
    for prop in props.get("ADR", []):
        location = _part(_structured(prop.value), 3)
        if location:
            break

    return PersonRecord(
        display_name=" ".join(display.split()),
        source="vcard",
        line=line,
        given_name=given,
        family_name=family,
        organization=organization,
        title=first("TITLE"),
        location=location,
        notes="\n".join(n for n in notes if n) or None,
        tags=tags,
        contacts=contacts,
        external_id=first("UID"),
    )


def _unescape(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split_unescaped(value: object, separator: str) -> list[str]:
    """Split on ``separator`` where it is not backslash-escaped, then unescape each part."""
    if not isinstance(value, str):
        return []
    parts = re.split(r"(?<!\\)((?:\\\\)*)" + re.escape(separator), value)
    # re.split keeps the captured even runs of backslashes: glue them back to their part.
    joined: list[str] = []
    for i in range(0, len(parts), 2):
        piece = parts[i] + (parts[i + 1] if i + 1 < len(parts) else "")
        joined.append(_unescape(piece))
    return joined


def _structured(value: object) -> list[str]:
    return [p.strip() for p in _split_unescaped(value, ";")]


def _part(parts: list[str], index: int) -> str | None:
    if index < len(parts) and parts[index]:
        return " ".join(parts[index].split())
    return None


def _contact_value(value: str, kind: str) -> str:
    lowered = value.lower()
    if kind == "phone" and lowered.startswith("tel:"):
        value = value[4:]
    elif kind == "email" and lowered.startswith("mailto:"):
        value = value[7:]
    return value.strip()


def _label(prop: Any, apple_labels: dict[str, str]) -> str | None:
    if prop.group and prop.group.lower() in apple_labels:
        return apple_labels[prop.group.lower()] or None
    types: list[str] = []
    for raw in [*prop.params.get("TYPE", []), *prop.singletonparams]:
        for t in str(raw).split(","):
            t = t.strip().strip('"').lower()
            if t and t not in _NOISE_TYPES and t not in types:
                types.append(t)
    return ",".join(types) or None


def _apple_label(label: str) -> str:
    match = _APPLE_LABEL.match(label.strip())
    return (match.group(1) if match else label).strip().lower()
