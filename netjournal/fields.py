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
from .text import contact_key, fold
from .validate import NAME_MAX, SHORT_MAX, choice, text
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


def person_values(values: dict[str, Any]) -> dict[str, str]:
    """The validated, non-empty person columns of ``values`` (``field_key`` added with
    ``field``); raises :class:`InvalidInput` on an unknown column or a bad value."""
    clean: dict[str, str] = {}
    for key, raw in values.items():
        if key not in PERSON_FIELDS:
            raise InvalidInput(f"Unknown person field '{key}'.")
        value = text(raw, key.replace("_", " ").capitalize(), max_len=PERSON_FIELDS[key])
        if value is None:
            continue
        clean[key] = value
        if key == "field":
            clean["field_key"] = fold(value)
    return clean


def contact_values(kind: str, value: object, label: object = None) -> dict[str, Any]:
    """A validated contact point: ``kind``, ``value``, its ``value_key`` and ``label``."""
    kind = choice(kind, CONTACT_KINDS, "contact kind")
    clean = text(value, f"The {kind}", max_len=SHORT_MAX, required=True)
    assert clean is not None
    if kind == "email" and "@" not in clean:
        raise InvalidInput(f"'{clean}' is not an e-mail address.")
    return {
        "kind": kind,
        "value": clean,
        "value_key": contact_key(kind, clean),
        "label": text(label, "The label", max_len=100),
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
    """The add-contact rule: those of ``contacts`` (from :func:`contact_values`) whose kind
    and normalised value are not among ``have`` nor earlier in ``contacts``."""
    seen = set(have)
    added = []
    for contact in contacts:
        key = (contact["kind"], contact["value_key"])
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


def _contact_keys(connection: Connection, person_id: int) -> set[tuple[str, str]]:
    cp = t.contact_points
    rows = connection.execute(select(cp.c.kind, cp.c.value_key).where(cp.c.person_id == person_id))
    return {(kind, key) for kind, key in rows}


def add_contacts(
    connection: Connection, person_id: int, contacts: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Add the contact points (from :func:`contact_values`) the person lacks; returns them."""
    added = contacts_to_add(_contact_keys(connection, person_id), contacts)
    if added:
        connection.execute(insert(t.contact_points), [{"person_id": person_id, **c} for c in added])
    return added


def remove_contacts(
    connection: Connection, person_id: int, contacts: Iterable[dict[str, Any]]
) -> None:
    """Remove these contact points (matched by kind and normalised value); one the person
    does not have raises :class:`InvalidInput` naming it, and nothing is removed."""
    have = _contact_keys(connection, person_id)
    wanted = list(contacts)
    for contact in wanted:
        if (contact["kind"], contact["value_key"]) not in have:
            raise InvalidInput(f"This person has no {contact['kind']} '{contact['value']}'.")
    cp = t.contact_points
    for contact in wanted:
        connection.execute(
            delete(cp).where(
                cp.c.person_id == person_id,
                cp.c.kind == contact["kind"],
                cp.c.value_key == contact["value_key"],
            )
        )
