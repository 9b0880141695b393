"""People's columns and contact points: validated values and the two rules that change them,
written once and used by every path (no ORM import here).

- *Fill in*: a person's columns are filled in where empty, never overwritten
  (:func:`missing_fields`; :func:`fill_in` applies it on a connection).
- *Add a contact point*: added unless the person has one of the same kind and normalised
  value (:func:`contacts_to_add`; :func:`add_contacts` applies it on a connection).

The Core functions serve the encounter writer (:mod:`netjournal.writers`), ``people.update``
and ``people.merge``; the importers, which build people in memory before writing them in
bulk, apply the same two rule functions to their ORM objects (:mod:`netjournal.people`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from . import tables as t
from .errors import InvalidInput
from .i18n import N_, _
from .text import contact_key, fold
from .validate import NAME_MAX, SHORT_MAX, choice, email, text
from .vocab import CONTACT_KINDS

#: Person columns a caller may set, with their maximum length (``None``: free text).
PERSON_FIELDS: dict[str, int | None] = {
    "given_name": 200,
    "family_name": 200,
    "organization": NAME_MAX,
    "title": NAME_MAX,
    "field": 200,
    "location": NAME_MAX,
    "notes": None,
    "source": 50,
    "external_id": SHORT_MAX,
}


#: The person columns as a refusal names them ("Organization is longer than...").
_FIELD_NAMES = {
    "given_name": N_("Given name"),
    "family_name": N_("Family name"),
    "organization": N_("Organization"),
    "title": N_("Title"),
    "field": N_("Field"),
    "location": N_("Location"),
    "notes": N_("Notes"),
    "source": N_("Source"),
    "external_id": N_("External id"),
}
#: A contact point's value as a refusal names it, and one the person does not have.
_CONTACT_NAMES = {"email": N_("The email"), "phone": N_("The phone"), "url": N_("The url")}
_NO_SUCH_CONTACT = {
    "email": N_("This person has no email '{value}'."),
    "phone": N_("This person has no phone '{value}'."),
    "url": N_("This person has no url '{value}'."),
}


def person_values(values: dict[str, Any]) -> dict[str, str]:
    """The validated, non-empty person columns of ``values`` (``field_key`` added with
    ``field``); raises :class:`InvalidInput` on an unknown column or a bad value."""
    clean: dict[str, str] = {}
    for key, raw in values.items():
        if key not in PERSON_FIELDS:
            raise InvalidInput(_("Unknown person field '{key}'.").format(key=key))
        what = _(_FIELD_NAMES.get(key, key.replace("_", " ").capitalize()))
        value = text(raw, what, max_len=PERSON_FIELDS[key])
        if value is None:
            continue
        clean[key] = value
        if key == "field":
            clean["field_key"] = fold(value)
    return clean


def contact_values(
    kind: str, value: object, label: object = None, *, check: bool = True
) -> dict[str, Any]:
    """A validated contact point: ``kind``, ``value`` (as typed, stripped), its ``value_key``
    (:func:`netjournal.text.contact_key`) and ``label``. An e-mail must be one by its syntax
    (:func:`netjournal.validate.email`) unless ``check`` is false (to name one to remove); a
    phone is kept as typed even when it cannot be read as a number."""
    kind = choice(kind, CONTACT_KINDS, _("contact kind"))
    clean = text(value, _(_CONTACT_NAMES[kind]), max_len=SHORT_MAX, required=True)
    assert clean is not None
    if kind == "email" and check:
        email(clean)
    return {
        "kind": kind,
        "value": clean,
        "value_key": contact_key(kind, clean),
        "label": text(label, _("The label"), max_len=100),
    }


def missing_fields(current: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The fill-in rule: those of ``given`` (validated by :func:`person_values`) whose column
    is empty in ``current``; ``field_key`` goes with ``field``."""
    missing = {k: v for k, v in given.items() if k != "field_key" and not current.get(k)}
    if "field" in missing:
        missing["field_key"] = given["field_key"]
    return missing


def contacts_to_add(
    have: Iterable[tuple[str, str]], contacts: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The add-contact rule: those of ``contacts`` (with ``kind`` and ``value``) whose kind
    and normalised value are not among ``have`` (kind and value of the person's contact
    points) nor earlier in ``contacts``.

    Both sides are normalised now (:func:`netjournal.text.contact_key`), not read from the
    stored ``value_key``: a key stored by an older rule (a phone's digits before phones were
    read as numbers) still compares by today's rule."""
    seen = {(kind, contact_key(kind, value)) for kind, value in have}
    added = []
    for contact in contacts:  # (keyed already when validated by contact_values)
        value_key = contact.get("value_key") or contact_key(contact["kind"], contact["value"])
        key = (contact["kind"], value_key)
        if key not in seen:
            seen.add(key)
            added.append(contact)
    return added


def fill_in(connection: Connection, person_id: int, fields: Mapping[str, Any]) -> list[str]:
    """Set the person's empty columns among ``fields`` (validated); returns those set."""
    people = t.people
    columns = [people.c[k] for k in fields if k != "field_key"]
    if not columns:
        return []
    current = connection.execute(select(*columns).where(people.c.id == person_id)).one()
    missing = missing_fields(dict(current._mapping), fields)
    if missing:
        connection.execute(update(people).where(people.c.id == person_id).values(missing))
    return [k for k in missing if k != "field_key"]


def _contacts(connection: Connection, person_id: int) -> list[tuple[int, str, str]]:
    """The person's contact points: id, kind and value."""
    cp = t.contact_points
    rows = connection.execute(
        select(cp.c.id, cp.c.kind, cp.c.value).where(cp.c.person_id == person_id)
    )
    return [(cid, kind, value) for cid, kind, value in rows]


def add_contacts(
    connection: Connection, person_id: int, contacts: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Add the contact points (from :func:`contact_values`) the person lacks; returns them."""
    have = [(kind, value) for _, kind, value in _contacts(connection, person_id)]
    added = contacts_to_add(have, contacts)
    if added:
        connection.execute(insert(t.contact_points), [{"person_id": person_id, **c} for c in added])
    return added


def remove_contacts(
    connection: Connection, person_id: int, contacts: Iterable[dict[str, Any]]
) -> None:
    """Remove these contact points (matched by kind and normalised value, so ``06 11 22 33
    44`` removes ``+33 6 11 22 33 44``); one the person does not have raises
    :class:`InvalidInput` naming it, and nothing is removed."""
    have: dict[tuple[str, str], list[int]] = {}
    for cid, kind, value in _contacts(connection, person_id):
        have.setdefault((kind, contact_key(kind, value)), []).append(cid)
    doomed: list[int] = []
    for contact in contacts:
        ids = have.get((contact["kind"], contact_key(contact["kind"], contact["value"])))
        if not ids:
            message = _(
                _NO_SUCH_CONTACT.get(contact["kind"], "This person has no {kind} '{value}'.")
            )
            raise InvalidInput(message.format(kind=contact["kind"], value=contact["value"]))
        doomed.extend(ids)
    if doomed:
        cp = t.contact_points
        connection.execute(delete(cp).where(cp.c.id.in_(doomed)))
