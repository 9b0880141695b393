"""JSON-ready records read with SQLAlchemy Core: what a quick command shows, without the ORM.

:func:`person_record` returns exactly what ``to_dict(journal.people.show(ref))`` does (see
:mod:`netjournal.serialize`), and each ``*_records`` function what ``to_dict`` does of every
object the collection's ``list`` returns for the same :class:`~netjournal.listings.Listing`,
but with a handful of Core queries: importing and configuring the ORM would cost a command
like ``netjournal people show`` or ``netjournal lead list`` more than everything else it
does. Tests keep both readings equal on both backends (keys in the same order, so that
``--json`` prints the same bytes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, select

from . import tables as t
from .errors import NotFound
from .i18n import _
from .listings import Listing
from .serialize import (
    ENCOUNTER_COLUMNS,
    EVENT_COLUMNS,
    FOLLOWUP_COLUMNS,
    LEAD_COLUMNS,
    OUTCOME_COLUMNS,
    PERSON_COLUMNS,
    scalar,
)

#: Ids per ``IN (...)`` when reading what hangs off listed rows (as the ORM's selectin loads).
CHUNK = 500


def _row(row: Any, names: Iterable[str]) -> dict[str, Any]:
    mapping = row._mapping
    return {name: scalar(mapping[name]) for name in names}


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _tags(connection: Connection, link: Table, owner: str, owners: Any) -> dict[int, list[str]]:
    """Tag names per owner id (ordered by folded name, as the ORM loads them)."""
    column = link.c[owner]
    found: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(owners):
        rows = connection.execute(
            select(column, t.tags.c.name)
            .join(t.tags, t.tags.c.id == link.c.tag_id)
            .where(column.in_(chunk))
            .order_by(column, t.tags.c.key)
        )
        for owner_id, name in rows:
            found[owner_id].append(name)
    return found


def _children(
    connection: Connection, table: Table, owner: str, owners: Sequence[int], *order: Any
) -> Iterator[Any]:
    """The rows of ``table`` whose ``owner`` column is one of ``owners``, in ``order``
    within each owner."""
    column = table.c[owner]
    for chunk in _chunks(owners):
        yield from connection.execute(select(table).where(column.in_(chunk)).order_by(*order))


def people_records(connection: Connection, listing: Listing) -> list[dict[str, Any]]:
    """The people of ``listing`` (on :data:`netjournal.tables.people`): as ``to_dict`` of
    ``journal.people.list(...)``."""
    stmt = select(t.people)
    if listing.source is not None:  # sorted by tie strength: people joined to their ties
        stmt = stmt.select_from(listing.source)
    rows = list(connection.execute(listing.apply(stmt)))
    if not rows:
        return []
    ids = [row.id for row in rows]
    contacts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in _children(connection, t.contact_points, "person_id", ids, t.contact_points.c.id):
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


def encounter_records(connection: Connection, listing: Listing) -> list[dict[str, Any]]:
    """The encounters of ``listing`` (on :data:`netjournal.tables.encounters`) with their
    person, event, introducer, questions, leads (with outcomes), follow-ups and tags."""
    e, p, ev = t.encounters, t.people, t.events
    intro = p.alias("introducer")
    rows = list(
        connection.execute(
            listing.apply(
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
            )
        )
    )
    if not rows:
        return []
    ids = [row.id for row in rows]
    questions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    q = t.questions
    for row in _children(connection, q, "encounter_id", ids, q.c.position, q.c.id):
        questions[row.encounter_id].append({"asked": row.asked, "learned": row.learned})
    leads: dict[int, list[dict[str, Any]]] = defaultdict(list)
    lead_rows = list(_children(connection, t.leads, "encounter_id", ids, t.leads.c.id))
    for record, lead in zip(_lead_records(connection, lead_rows), lead_rows, strict=True):
        leads[lead.encounter_id].append(record)
    followups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    f = t.followups
    for row in _children(connection, f, "encounter_id", ids, f.c.id):
        followups[row.encounter_id].append(_row(row, FOLLOWUP_COLUMNS))
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


def _lead_records(connection: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Lead rows as records with their outcomes and tags (without their encounter)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    outcomes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    o = t.outcomes
    for row in _children(connection, o, "lead_id", ids, o.c.date, o.c.id):
        outcomes[row.lead_id].append(_row(row, OUTCOME_COLUMNS))
    tags = _tags(connection, t.lead_tags, "lead_id", ids)
    records = []
    for row in rows:
        record = _row(row, LEAD_COLUMNS)
        record["outcomes"] = outcomes.get(row.id, [])
        record["tags"] = tags.get(row.id, [])
        records.append(record)
    return records


def lead_records(connection: Connection, listing: Listing) -> list[dict[str, Any]]:
    """The leads of ``listing`` (leads joined to encounters, :func:`netjournal.listings.leads`)
    with their outcomes, tags, and the date, person and event of their encounter."""
    e, p, ev = t.encounters, t.people, t.events
    assert listing.source is not None
    stmt = (
        select(
            t.leads,
            e.c.date.label("encounter_date"),
            e.c.person_id,
            p.c.display_name.label("person_name"),
            e.c.event_id,
            ev.c.name.label("event_name"),
        )
        .select_from(listing.source)
        .join(p, p.c.id == e.c.person_id)
        .outerjoin(ev, ev.c.id == e.c.event_id)
    )
    rows = list(connection.execute(listing.apply(stmt)))
    records = _lead_records(connection, rows)
    for record, row in zip(records, rows, strict=True):
        record["encounter_id"] = row.encounter_id
        record["date"] = scalar(row.encounter_date)
        record["person"] = {"id": row.person_id, "name": row.person_name}
        record["event"] = (
            None if row.event_id is None else {"id": row.event_id, "name": row.event_name}
        )
    return records


def event_records(connection: Connection, listing: Listing) -> list[dict[str, Any]]:
    """The events of ``listing`` (on :data:`netjournal.tables.events`) with their tags."""
    rows = list(connection.execute(listing.apply(select(t.events))))
    tags = _tags(connection, t.event_tags, "event_id", [row.id for row in rows])
    records = []
    for row in rows:
        record = _row(row, EVENT_COLUMNS)
        record["tags"] = tags.get(row.id, [])
        records.append(record)
    return records


def followup_records(connection: Connection, listing: Listing) -> list[dict[str, Any]]:
    """The follow-ups of ``listing`` (on :data:`netjournal.tables.followups`) with whom
    they are for."""
    f, p = t.followups, t.people
    stmt = select(f, p.c.display_name.label("person_name")).join(p, p.c.id == f.c.person_id)
    records = []
    for row in connection.execute(listing.apply(stmt)):
        record = _row(row, FOLLOWUP_COLUMNS)
        record["person"] = {"id": row.person_id, "name": row.person_name}
        records.append(record)
    return records


def outcome_records(connection: Connection, listing: Listing) -> list[dict[str, Any]]:
    """The outcomes of ``listing`` (on :data:`netjournal.tables.outcomes`)."""
    rows = connection.execute(listing.apply(select(t.outcomes)))
    return [_row(row, OUTCOME_COLUMNS) for row in rows]


def person_record(
    connection: Connection, person_id: int, today: dt.date | None = None
) -> dict[str, Any]:
    """Everything about one person, shaped as ``to_dict(PersonDetail)``: the person, their
    encounters (newest first), their follow-ups (by due date), whom they introduced and the
    strength of your tie as of ``today`` (:mod:`netjournal.ties`)."""
    from .ties import as_of, tie_strengths

    p, e, f = t.people, t.encounters, t.followups
    found = people_records(connection, Listing((p.c.id == person_id,), (p.c.id,)))
    if not found:
        raise NotFound(_("No person with id {id}.").format(id=person_id))
    (person,) = found
    ref = {"id": person["id"], "name": person["name"]}
    followups = []
    for row in connection.execute(
        select(f).where(f.c.person_id == person_id).order_by(f.c.due, f.c.id)
    ):
        record = _row(row, FOLLOWUP_COLUMNS)
        record["person"] = ref
        followups.append(record)
    introduced = select(e.c.person_id).where(e.c.introduced_by_id == person_id)
    newest_first = (e.c.date.desc(), e.c.id.desc())
    return {
        "person": person,
        "encounters": encounter_records(
            connection, Listing((e.c.person_id == person_id,), newest_first)
        ),
        "followups": followups,
        "introduced": people_records(connection, Listing((p.c.id.in_(introduced),), (p.c.id,))),
        "tie": tie_strengths(connection, [person_id], as_of(today))[person_id].to_dict(),
    }
