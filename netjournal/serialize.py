"""Plain JSON-ready dictionaries of journal records, for ``--json`` output and exports.

Ids stay integers, dates are ISO 8601 strings, amounts are decimal strings (``"12.50"``) so
that no float ever rounds money. :func:`to_dict` reads only columns and the relationships the
library loads eagerly, so it works on the detached objects every journal method returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

#: The columns of each kind of record, in output order: used here for ORM objects and by
#: :mod:`netjournal.records` for Core rows, so both give the same dicts.
# "cadence_days", "cadence_max_days": the person's own cadence (netjournal.cadence), or null
PERSON_COLUMNS = (
    "id",
    "organization",
    "title",
    "field",
    "location",
    "notes",
    "source",
    "cadence_days",
    "cadence_max_days",
)
EVENT_COLUMNS = (
    "id",
    "name",
    "start_date",
    "end_date",
    "kind",
    "location",
    "organizer",
    "series",
    "hours",
    "cost",
    "currency",
    "notes",
)
# "kind": meeting or connection (LinkedIn's Connected On); "pitched": they pitched their
# business to you (a seller), not you to them.
ENCOUNTER_COLUMNS = ("id", "date", "kind", "notes", "stakes", "wishes", "pitched", "outside_field")
LEAD_COLUMNS = ("id", "kind", "summary", "details", "points_to", "status", "status_changed_on")
OUTCOME_COLUMNS = ("id", "lead_id", "date", "kind", "description", "value", "currency")
FOLLOWUP_COLUMNS = ("id", "due", "action", "done_on", "encounter_id")


def scalar(value: Any) -> Any:
    """A JSON-safe version of one value."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_dict(v) if _known(v) else scalar(v) for v in value]
    return value


def _columns(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: scalar(getattr(obj, name)) for name in names}


def _person(p: Any) -> dict[str, Any]:
    data = _columns(p, PERSON_COLUMNS)
    data["name"] = p.display_name
    data["contacts"] = [{"kind": c.kind, "value": c.value, "label": c.label} for c in p.contacts]
    data["tags"] = p.tag_names
    return data


def _ref(p: Any) -> dict[str, Any] | None:
    return None if p is None else {"id": p.id, "name": getattr(p, "display_name", None) or p.name}


def _event(e: Any) -> dict[str, Any]:
    data = _columns(e, EVENT_COLUMNS)
    data["tags"] = e.tag_names
    return data


def _encounter(x: Any) -> dict[str, Any]:
    data = _columns(x, ENCOUNTER_COLUMNS)
    data["person"] = _ref(x.person)
    data["event"] = _ref(x.event)
    if x.event is not None:
        data["event"]["date"] = scalar(x.event.start_date)
    data["introduced_by"] = _ref(x.introduced_by)
    data["questions"] = [{"asked": q.asked, "learned": q.learned} for q in x.questions]
    data["leads"] = [_lead(lead, with_encounter=False) for lead in x.leads]
    data["followups"] = [_followup(f, with_person=False) for f in x.followups]
    data["tags"] = x.tag_names
    return data


def _lead(lead: Any, *, with_encounter: bool = True) -> dict[str, Any]:
    data = _columns(lead, LEAD_COLUMNS)
    data["outcomes"] = [_outcome(o) for o in lead.outcomes]
    data["tags"] = lead.tag_names
    if with_encounter:
        encounter = lead.__dict__.get("encounter")
        if encounter is not None:
            data["encounter_id"] = encounter.id
            data["date"] = scalar(encounter.date)
            data["person"] = _ref(encounter.person)
            data["event"] = _ref(encounter.event)
        else:
            data["encounter_id"] = lead.encounter_id
    return data


def _outcome(o: Any) -> dict[str, Any]:
    return _columns(o, OUTCOME_COLUMNS)


def _followup(f: Any, *, with_person: bool = True) -> dict[str, Any]:
    data = _columns(f, FOLLOWUP_COLUMNS)
    if with_person:
        data["person"] = _ref(f.person)
    return data


def _serializers() -> dict[str, Callable[[Any], dict[str, Any]]]:
    return {
        "Person": _person,
        "Event": _event,
        "Encounter": _encounter,
        "Lead": _lead,
        "Outcome": _outcome,
        "FollowUp": _followup,
        "Report": _report,
        "Hit": _own,  # search hits and the schema status build their own shape
        "SchemaStatus": _own,
        "TieStrength": _own,
    }


def _own(obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = obj.to_dict()
    return data


def _report(report: Any) -> dict[str, Any]:
    from .reports.render import document

    return document(report)


def _known(obj: Any) -> bool:
    is_instance = dataclasses.is_dataclass(obj) and not isinstance(obj, type)
    return type(obj).__name__ in _serializers() or is_instance


def to_dict(obj: Any) -> Any:
    """A JSON-ready dict of a record (person, event, encounter, lead, outcome, follow-up) or
    of a library dataclass holding them (``PersonDetail``, ``EventDetail``, ``ProfileInfo``...).
    """
    serializer = _serializers().get(type(obj).__name__)
    if serializer is not None:
        return serializer(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _any(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    return _any(obj)


def _any(value: Any) -> Any:
    if _known(value):
        return to_dict(value)
    if isinstance(value, dict):
        return {str(k): _any(v) for k, v in value.items()}
    return scalar(value)
