"""One card of a vdir: what netjournal models of it, and how its text is edited.

The modelled properties are FN, N, ORG, TITLE, EMAIL, TEL, URL and, when asked, NOTE; a card
is read by the vCard importer (:func:`netjournal.importers.vcard.parse_vcard_text`) and new
property lines are rendered by the vCard exporter (:func:`netjournal.exchange.vcard.to_vcard`),
so that a synced card means what an imported or exported one does.

A card is changed by editing its text: the content lines of the modelled properties that
changed are replaced, removed or added, and every other line (photos, addresses, birthdays,
``X-`` properties, groups, their folding and line breaks) is kept as it was, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ImportFormatError, InvalidInput
from ..fields import contact_values, person_values
from ..i18n import _, ngettext
from ..text import contact_key
from ..validate import SHORT_MAX
from ..validate import name as valid_name

#: The person columns a card carries (``notes`` only when asked).
SCALARS = ("display_name", "given_name", "family_name", "organization", "title")
KINDS = ("email", "phone", "url")
_PROPERTY = {"email": "EMAIL", "phone": "TEL", "url": "URL"}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_NAME = re.compile(r"^(?:[\w-]+\.)?([\w-]+)[;:]")
_VERSION = re.compile(r"^VERSION:\s*(\S+)", re.IGNORECASE)


@dataclass
class Fields:
    """What one side (the journal or a card) says of a contact, in comparable form.

    ``scalars``: the person columns, white space folded, ``None`` when empty; ``contacts``:
    per kind, normalised key (:func:`netjournal.text.contact_key`: phones in E.164) -> value
    as written and its label."""

    scalars: dict[str, str | None]
    contacts: dict[str, dict[str, tuple[str, str | None]]] = field(default_factory=dict)

    def agreed(self) -> dict[str, Any]:
        """The comparable form: scalars, and the sorted keys of each kind."""
        out: dict[str, Any] = dict(self.scalars)
        for kind in KINDS:
            out[kind] = sorted(self.contacts.get(kind, {}))
        return out


def clean(value: str | None, *, lines: bool = False) -> str | None:
    """A value as compared: stripped, spaces folded (a note keeps its lines); ``None`` if
    empty."""
    if value is None:
        return None
    value = value.strip() if lines else " ".join(value.split())
    return value or None


def fields_of(
    scalars: Mapping[str, str | None],
    contacts: Iterable[tuple[str, str, str | None]],
    *,
    notes: bool,
) -> Fields:
    """:class:`Fields` from person columns and (kind, value, label) contact points."""
    names = (*SCALARS, "notes") if notes else SCALARS
    values = {n: clean(scalars.get(n), lines=n == "notes") for n in names}
    found: dict[str, dict[str, tuple[str, str | None]]] = {k: {} for k in KINDS}
    for kind, value, label in contacts:
        key = contact_key(kind, value)
        if key:
            found[kind].setdefault(key, (value, label))
    return Fields(values, found)


def ignored(kind: str, value: str) -> bool:
    """A card's contact value the journal leaves out, as the vCard import does: empty, too
    long, or an "e-mail" without ``@`` (phones write names there). Its line stays as it is."""
    value = value.strip()
    return not value or len(value) > SHORT_MAX or (kind == "email" and "@" not in value)


def digest(data: bytes | str) -> str:
    """SHA-256 in hex: a card file's ETag, or a fingerprint of JSON."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def fingerprint(scalars: Mapping[str, Any], contacts: Iterable[tuple[str, str]]) -> str:
    """A person's fingerprint on the journal side: their columns and the stored keys of
    their contact points (no phone is parsed: it must stay cheap for every person)."""
    return digest(json.dumps([dict(scalars), sorted(contacts)], sort_keys=True, default=str))


# -- reading a card ------------------------------------------------------------------------


@dataclass
class Card:
    """A card file as read: its text, how it was encoded, its UID and its :class:`Fields`."""

    href: str
    text: str
    encoding: str  # "utf-8" or "cp1252": written back the same way when it can be
    bom: bytes
    uid: str | None
    fields: Fields
    #: its contact points as :func:`netjournal.fields.contact_values` validated them, each
    #: key once: what a person made of the card gets
    points: list[dict[str, Any]] = field(default_factory=list)


def decode(data: bytes, href: str) -> tuple[str, str, bytes]:
    """(text, encoding, BOM) of a card file's bytes: UTF-8, else what the importer reads."""
    from ..importers.textio import decode_bytes

    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        return data[len(bom) :].decode("utf-8"), "utf-8", bom
    except UnicodeDecodeError:
        return decode_bytes(data, name=href), "cp1252", b""


def encode(card_text: str, encoding: str, bom: bytes) -> bytes:
    """The card's bytes: in its own encoding when every character fits, else UTF-8."""
    try:
        return bom + card_text.encode(encoding)
    except UnicodeEncodeError:
        return card_text.encode("utf-8")


def read_card(data: bytes, href: str, *, notes: bool) -> Card:
    """Read one card file; raises :class:`InvalidInput` (naming the file) when it is not one
    valid vCard or holds a value the journal refuses."""
    from ..importers.vcard import parse_vcard_text

    text, encoding, bom = decode(data, href)
    if "\x00" in text:
        raise ImportFormatError(href, None, _("a NUL character, which cannot be stored"))
    parsed = parse_vcard_text(text, href)
    if len(parsed.people) != 1:
        count = len(parsed.people)
        reason = ngettext("holds {count} cards, not one", "holds {count} cards, not one", count)
        raise ImportFormatError(href, None, reason.format(count=count))
    record = parsed.people[0]
    scalars = {
        "display_name": record.display_name,
        "given_name": record.given_name,
        "family_name": record.family_name,
        "organization": record.organization,
        "title": record.title,
        "notes": record.notes,
    }
    try:
        valid_name(record.display_name)  # too long, say: this card is refused, not the whole sync
        person_values({k: v for k, v in scalars.items() if k != "display_name" and v})
        contacts = [
            contact_values(c.kind, c.value, c.label)
            for c in record.contacts
            if c.kind in KINDS and not ignored(c.kind, c.value)
        ]
    except InvalidInput as exc:
        raise ImportFormatError(href, None, str(exc)) from exc
    names = (*SCALARS, "notes") if notes else SCALARS
    fields = Fields({n: clean(scalars.get(n), lines=n == "notes") for n in names})
    points = []
    for kind in KINDS:
        found = fields.contacts.setdefault(kind, {})
        for point in contacts:
            if point["kind"] == kind and point["value_key"] not in found:
                found[point["value_key"]] = (point["value"], point["label"])
                points.append(point)
    return Card(href, text, encoding, bom, record.external_id, fields, points)


# -- writing a card ------------------------------------------------------------------------


def _transient(fields: Fields, *, uid: str | None = None) -> Any:
    """A stand-in for a :class:`~netjournal.models.Person` holding ``fields``, with what the
    vCard exporter reads of one (plain attributes: no ORM instance to build per card)."""
    from types import SimpleNamespace

    contacts = [
        SimpleNamespace(kind=kind, value=value, label=label)
        for kind in KINDS
        for value, label in fields.contacts.get(kind, {}).values()
    ]
    scalars = {name: fields.scalars.get(name) for name in (*SCALARS, "notes")}
    return SimpleNamespace(
        id=0,
        created_at=dt.datetime(2000, 1, 1),
        external_id=uid,
        location=None,
        contacts=contacts,
        tags=[],
        **scalars,
    )


def new_card(fields: Fields, uid: str, version: str) -> str:
    """The text of a new card of ``fields`` (vCard ``version``, CRLF line breaks)."""
    from ..exchange.vcard import to_vcard

    text: str = to_vcard(_transient(fields, uid=uid), version).serialize()
    return text


def _logical_lines(text: str) -> list[str]:
    """The card's content lines with their folding and line breaks (joined, they are the
    text again): a line that does not start a property continues the one before (folding,
    2.1 quoted-printable and base64 blocks)."""
    out: list[str] = []
    for match in _LINE.finditer(text):
        physical = match.group(0)
        if not physical:
            continue
        starts = _NAME.match(physical) or physical.upper().startswith(("BEGIN:", "END:"))
        if out and not starts:
            out[-1] += physical
        else:
            out.append(physical)
    return out


def _name(line: str) -> str:
    match = _NAME.match(line)
    return match.group(1).upper() if match else ""


def _unfold(line: str) -> str:
    return re.sub(r"(?:\r\n|\n|\r)[ \t]", "", line).rstrip("\r\n")


def version_of(text: str) -> str:
    """The card's vCard version (what new lines are rendered in: 4.0, else 3.0)."""
    for line in _logical_lines(text):
        match = _VERSION.match(line.strip())
        if match:
            return "4.0" if match.group(1).startswith("4") else "3.0"
    return "3.0"


def _rendered(fields: Fields, version: str, newline: str) -> dict[str, list[str]]:
    """The modelled lines of ``fields`` as the exporter writes them, by property name, each
    kind's contact lines in the order of ``fields.contacts``."""
    lines: dict[str, list[str]] = {}
    for line in _logical_lines(new_card(fields, "x", version)):
        name = _name(line)
        text = re.sub(r"\r\n|\n|\r", newline, line)
        lines.setdefault(name, []).append(text)
    return lines


def edit_card(card: Card, wanted: Fields) -> str:
    """The card's text with its modelled properties set to ``wanted``: the lines of what
    changed replaced, removed or added, every other line kept as it was."""
    old = card.fields
    lines = _logical_lines(card.text)
    first = lines[0] if lines else "\r\n"
    newline = "\r\n" if first.endswith("\r\n") else ("\n" if first.endswith("\n") else "\r\n")
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    rendered = _rendered(wanted, version_of(card.text), newline)
    s_old, s_new = old.scalars, wanted.scalars
    names_changed = any(s_old.get(n) != s_new.get(n) for n in SCALARS[:3])
    changed = {
        "FN": s_old.get("display_name") != s_new.get("display_name"),
        "N": names_changed,
        "ORG": s_old.get("organization") != s_new.get("organization"),
        "TITLE": s_old.get("title") != s_new.get("title"),
        "NOTE": "notes" in s_new and s_old.get("notes") != s_new.get("notes"),
    }
    for prop, differs in changed.items():
        if differs:
            lines = _replace(lines, prop, rendered.get(prop, []), every=prop == "NOTE")
    for kind in KINDS:
        if sorted(old.contacts.get(kind, {})) != sorted(wanted.contacts.get(kind, {})):
            lines = _contacts(lines, kind, wanted, rendered.get(_PROPERTY[kind], []))
    return "".join(lines)


def _end(lines: list[str]) -> int:
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip().upper().endswith("END:VCARD"):
            return index
    return len(lines)


def _replace(lines: list[str], prop: str, new: list[str], *, every: bool) -> list[str]:
    """Put ``new`` where the first ``prop`` line is (before END:VCARD if none), dropping that
    line (every ``prop`` line with ``every``: a card's notes are read joined)."""
    at = [i for i, line in enumerate(lines) if _name(line) == prop]
    if not at:
        end = _end(lines)
        return lines[:end] + new + lines[end:]
    doomed = set(at if every else at[:1])
    out: list[str] = []
    for index, line in enumerate(lines):
        if index == at[0]:
            out.extend(new)
        if index not in doomed:
            out.append(line)
    return out


def _contacts(lines: list[str], kind: str, wanted: Fields, rendered: list[str]) -> list[str]:
    """Keep the lines of contact points still wanted (as they are), drop the others, and add
    the new ones after the last line of their kind."""
    from ..importers.vcard import contact_in_line

    prop = _PROPERTY[kind]
    keys = list(wanted.contacts.get(kind, {}))
    seen: set[str] = set()
    out: list[str] = []
    last = -1
    for line in lines:
        if _name(line) == prop:
            value = contact_in_line(_unfold(line), kind)
            key = "" if ignored(kind, value) else contact_key(kind, value)
            if key and key not in keys:
                continue
            seen.add(key)
            out.append(line)
            last = len(out) - 1
        else:
            out.append(line)
    added = [rendered[i] for i, key in enumerate(keys) if key not in seen and i < len(rendered)]
    where = last + 1 if last >= 0 else _end(out)
    return out[:where] + added + out[where:]


def _invalid(card: Card, exc: Exception) -> str:
    message = _("{card}: the card written would not be valid ({reason}).")
    return message.format(card=card.href, reason=exc)


def check(text: str, card: Card, *, notes: bool) -> None:
    """Refuse an edited card text (raises :class:`InvalidInput`) that the vCard importer
    cannot read back as one card, or that vobject cannot read when it could read the card
    before the edit (2.1 cards with quoted-printable values are often beyond vobject)."""
    import vobject

    try:
        read_card(text.encode("utf-8"), card.href, notes=notes)
    except InvalidInput as exc:
        raise InvalidInput(_invalid(card, exc)) from exc
    try:
        vobject.readOne(text)
    except Exception as exc:  # vobject raises ParseError, ValueError...
        try:
            vobject.readOne(card.text)
        except Exception:
            return  # vobject could not read it before either: not this edit's doing
        raise InvalidInput(_invalid(card, exc)) from exc
