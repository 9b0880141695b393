"""People as vCards (3.0 or 4.0) for address books, serialised by ``vobject``.

Each person becomes one card: FN, N (of the current name: parts an import stored are kept
while they are still in it), ORG, TITLE, ADR (the location, as the locality), EMAIL,
TEL and URL typed from their labels, NOTE, CATEGORIES from the tags, and a UID. The UID is the
person's ``external_id`` when an import gave one (so a card goes back to the address book it
came from), else a ``urn:uuid:`` derived from the person's id and creation time: stable from
one export to the next, and unlikely to collide with a card of another journal.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..i18n import _
from ..models import Person
from ..text import question_key
from . import ExportStats

VERSIONS = ("3.0", "4.0")
#: Namespace of the UIDs derived from person ids (a fixed, random UUID).
UID_NAMESPACE = uuid.UUID("6f1c3f0e-5d0b-4b0e-9a55-2f1a1d9c7e41")
_TYPE_TOKEN = re.compile(r"^[a-z0-9-]+$")
_TEL_URI = re.compile(r"^\+?[0-9][0-9 ().-]*$")
_CHUNK = 500


def person_uid(person: Person) -> str:
    """The card's UID: the external id, else a stable ``urn:uuid:`` of the person."""
    if person.external_id:
        return person.external_id
    created = person.created_at.isoformat() if person.created_at else ""
    return f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'person:{person.id}:{created}')}"


def _types(label: str | None, version: str) -> list[str]:
    """vCard TYPE values from a free-text label ("Work, mobile" -> WORK, MOBILE)."""
    if not label:
        return []
    tokens = [t for t in re.split(r"[\s,;/]+", label.casefold()) if _TYPE_TOKEN.match(t)]
    if version == "3.0":
        return [t.upper() for t in tokens]
    return tokens


def _name_parts(person: Person) -> tuple[str, str]:
    """(family, given) of the person's current name: the stored parts while they are still
    part of it (an import's ``N:Dubois;Helene`` for "Hélène Dubois"), else the last word of
    the name as the family name: after a rename to "Hélène Martin" the card says
    ``N:Martin;Hélène``, not the stale parts."""
    if (person.family_name or person.given_name) and _in_name(person):
        return person.family_name or "", person.given_name or ""
    words = person.display_name.split()
    if len(words) < 2:
        return "", person.display_name
    return words[-1], " ".join(words[:-1])


def _in_name(person: Person) -> bool:
    """Whether every word of the stored given and family names is a word of the display
    name (compared folded, punctuation aside: "Helene" is in "Hélène Dubois")."""
    words = set(question_key(person.display_name).split())
    parts = f"{person.given_name or ''} {person.family_name or ''}"
    return set(question_key(parts).split()) <= words


def to_vcard(person: Person, version: str = "3.0") -> Any:
    """The ``vobject`` card of ``person``."""
    import vobject

    card = vobject.vCard()
    card.add("version").value = version
    if version == "4.0":
        card.add("kind").value = "individual"
    card.add("fn").value = person.display_name
    family, given = _name_parts(person)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if person.organization:
        card.add("org").value = [person.organization]
    if person.title:
        card.add("title").value = person.title
    if person.location:
        card.add("adr").value = vobject.vcard.Address(city=person.location)
    for contact in person.contacts:
        types = _types(contact.label, version)
        prop = card.add({"email": "email", "phone": "tel", "url": "url"}[contact.kind])
        prop.value = contact.value
        if contact.kind == "email" and version == "3.0":
            types = ["INTERNET", *(t for t in types if t != "INTERNET")]
        if contact.kind == "phone" and version == "4.0":
            if _TEL_URI.match(contact.value):
                prop.value = "tel:" + re.sub(r"\s+", "-", contact.value.strip())
                prop.value_param = "uri"
            else:
                prop.value_param = "text"
        if types:
            prop.type_paramlist = types
    if person.notes:
        card.add("note").value = person.notes
    if person.tags:
        card.add("categories").value = [t.name for t in person.tags]
    card.add("uid").value = person_uid(person)
    return card


def write_vcards(session: Session, fp: TextIO, *, version: str = "3.0") -> ExportStats:
    """Write every person, in id order, as one vCard stream."""
    if version not in VERSIONS:
        message = _("Unknown vCard version '{version}': choose 3.0 or 4.0.")
        raise InvalidInput(message.format(version=version))
    count = 0
    people = session.scalars(select(Person).order_by(Person.id).execution_options(yield_per=_CHUNK))
    for person in people:
        fp.write(to_vcard(person, version).serialize())
        count += 1
    return ExportStats(f"vcard {version}", {"people": count})
