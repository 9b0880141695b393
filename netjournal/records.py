"""JSON-ready records read with SQLAlchemy Core: what a quick command shows, without the ORM.

:func:`person_record` returns exactly what ``to_dict(journal.people.show(ref))`` does (see
:mod:`netjournal.serialize`), and :func:`encounter_records` what ``to_dict(encounter)`` does,
but with a handful of Core queries: importing and configuring the ORM would cost a command
like ``netjournal people show`` more than everything else it does. A test keeps both
readings equal on both backends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.sql.elements import ColumnElement

from . import tables as t
from .errors import NotFound
from .serialize import (
    ENCOUNTER_COLUMNS,
    FOLLOWUP_COLUMNS,
    LEAD_COLUMNS,
    OUTCOME_COLUMNS,
    PERSON_COLUMNS,
    scalar,
)


def _row(row: Any, names: Iterable[str]) -> dict[str, Any]:
    mapping = row._mapping
    return {name: scalar(mapping[name]) for name in names}


def _tags(connection: Connection, link: Table, owner: str, owners: Any) -> dict[int, list[str]]:
    """Tag names per owner id (ordered by folded name, as the ORM loads them)."""
    column = link.c[owner]
    rows = connection.execute(
        select(column, t.tags.c.name)
        .join(t.tags, t.tags.c.id == link.c.tag_id)
        .where(column.in_(owners))
        .order_by(column, t.tags.c.key)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for owner_id, name in rows:
        found[owner_id].append(name)
    return found


def people_records(connection: Connection, where: ColumnElement[bool]) -> list[dict[str, Any]]:
    """The people matching ``where`` (on :data:`netjournal.tables.people`), by id."""
    people = t.people
    rows = list(connection.execute(select(people).where(where).order_by(people.c.id)))
    if not rows:
        return []
    ids = [row.id for row in rows]
    contacts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in connection.execute(
        select(t.contact_points)
        .where(t.contact_points.c.person_id.in_(ids))
        .order_by(t.contact_points.c.id)
    ):
        contacts[c.person_id].append({"kind": c.kind, "value": c.value, "label": c.label})
    tags = _tags(connection, t.person_tags, "person_id", ids)
    records = []
    for row in rows:
        record = _row(row, PERSON_COLUMNS)
        record["name"] = row.display_name
        record["contacts"] = contacts.get(row.id, [])
        record["tags"] = tags.get(row.id, [])
        records.append(record)
    return records


def encounter_records(
    connection: Connection, where: ColumnElement[bool], *, newest_first: bool = True
) -> list[dict[str, Any]]:
    """The encounters matching ``where`` (on :data:`netjournal.tables.encounters`) with their
    person, event, introducer, questions, leads (with outcomes), follow-ups and tags."""
    e, p, ev = t.encounters, t.people, t.events
    intro = p.alias("introducer")
    order = (e.c.date.desc(), e.c.id.desc()) if newest_first else (e.c.id,)
    rows = list(
        connection.execute(
            select(
                e,
                p.c.display_name.label("person_name"),
                ev.c.name.label("event_name"),
                ev.c.start_date.label("event_date"),
                intro.c.display_name.label("introducer_name"),
            )
            .join(p, p.c.id == e.c.person_id)
            .outerjoin(ev, ev.c.id == e.c.event_id)
            .outerjoin(intro, intro.c.id == e.c.introduced_by_id)
            .where(where)
            .order_by(*order)
        )
    )
    if not rows:
        return []
    ids = select(e.c.id).where(where).scalar_subquery()
    questions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for q in connection.execute(
        select(t.questions.c.encounter_id, t.questions.c.asked, t.questions.c.learned)
        .where(t.questions.c.encounter_id.in_(ids))
        .order_by(t.questions.c.encounter_id, t.questions.c.position, t.questions.c.id)
    ):
        questions[q.encounter_id].append({"asked": q.asked, "learned": q.learned})
    leads: dict[int, list[dict[str, Any]]] = defaultdict(list)
    lead_rows = list(
        connection.execute(
            select(t.leads).where(t.leads.c.encounter_id.in_(ids)).order_by(t.leads.c.id)
        )
    )
    if lead_rows:
        lead_ids = [lead.id for lead in lead_rows]
        outcomes: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for o in connection.execute(
            select(t.outcomes)
            .where(t.outcomes.c.lead_id.in_(lead_ids))
            .order_by(t.outcomes.c.date, t.outcomes.c.id)
        ):
            outcomes[o.lead_id].append(_row(o, OUTCOME_COLUMNS))
        lead_tags = _tags(connection, t.lead_tags, "lead_id", lead_ids)
        for lead in lead_rows:
            record = _row(lead, LEAD_COLUMNS)
            record["outcomes"] = outcomes.get(lead.id, [])
            record["tags"] = lead_tags.get(lead.id, [])
            leads[lead.encounter_id].append(record)
    followups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for f in connection.execute(
        select(t.followups).where(t.followups.c.encounter_id.in_(ids)).order_by(t.followups.c.id)
    ):
        followups[f.encounter_id].append(_row(f, FOLLOWUP_COLUMNS))
    tags = _tags(connection, t.encounter_tags, "encounter_id", ids)
    records = []
    for row in rows:
        record = _row(row, ENCOUNTER_COLUMNS)
        record["person"] = {"id": row.person_id, "name": row.person_name}
        record["event"] = (
            None
            if row.event_id is None
            else {"id": row.event_id, "name": row.event_name, "date": scalar(row.event_date)}
        )
        record["introduced_by"] = (
            None
            if row.introduced_by_id is None
            else {"id": row.introduced_by_id, "name": row.introducer_name}
        )
        record["questions"] = questions.get(row.id, [])
        record["leads"] = leads.get(row.id, [])
        record["followups"] = followups.get(row.id, [])
        record["tags"] = tags.get(row.id, [])
        records.append(record)
    return records


def person_record(connection: Connection, person_id: int) -> dict[str, Any]:
    """Everything about one person, shaped as ``to_dict(PersonDetail)``: the person, their
    encounters (newest first), their follow-ups (by due date) and whom they introduced."""
    found = people_records(connection, t.people.c.id == person_id)
    if not found:
        raise NotFound(f"No person with id {person_id}.")
    (person,) = found
    ref = {"id": person["id"], "name": person["name"]}
    followups = []
    for f in connection.execute(
        select(t.followups)
        .where(t.followups.c.person_id == person_id)
        .order_by(t.followups.c.due, t.followups.c.id)
    ):
        record = _row(f, FOLLOWUP_COLUMNS)
        record["person"] = ref
        followups.append(record)
    introduced = select(t.encounters.c.person_id).where(
        t.encounters.c.introduced_by_id == person_id
    )
    return {
        "person": person,
        "encounters": encounter_records(connection, t.encounters.c.person_id == person_id),
        "followups": followups,
        "introduced": people_records(connection, t.people.c.id.in_(introduced)),
    }
