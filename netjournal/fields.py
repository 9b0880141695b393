"""Validated values for people and contact points, shared by the ORM helpers of
:mod:`netjournal.people` and the Core writer of :mod:`netjournal.encounters`, so both store
exactly the same thing (no ORM import here)."""

from __future__ import annotations

from typing import Any

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
