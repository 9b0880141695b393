"""What each collection's ``list`` and ``records`` select: the filters, order and limit, once.

``journal.leads.list(status="open")`` hands back ORM objects and
``journal.leads.records(status="open")`` the same records as JSON-ready dicts read with Core
(:mod:`netjournal.records`), which a listing command uses so as not to import and configure
the ORM (docs/performance.md). Both select with the :class:`Listing` built here, as Core
conditions on :mod:`netjournal.tables` (the ORM classes are mapped onto those tables, so
``select(Lead)`` takes them as they are): a filter means the same on both paths.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, FromClause, Select, exists, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Join

from . import resolve
from . import tables as t
from .i18n import _
from .text import fold
from .validate import choice, optional_date
from .vocab import canonical

S = TypeVar("S", bound=Select[Any])


@dataclass(frozen=True)
class Listing:
    """The conditions, order, limit and offset of a listing. ``source`` is what a select
    must read from (``select_from``) when the listing needs more than the collection's own
    table (leads: joined to their encounters)."""

    where: tuple[ColumnElement[bool], ...]
    order: tuple[Any, ...]
    limit: int | None = None
    offset: int = 0
    source: FromClause | None = None

    def apply(self, stmt: S) -> S:
        """``stmt`` (a select of the listed rows or objects) filtered, ordered and limited."""
        stmt = stmt.where(*self.where).order_by(*self.order).limit(self.limit)
        return stmt.offset(self.offset) if self.offset else stmt


def _ref(value: Any) -> Any:
    """A record given as an ORM object names itself by its id."""
    return value.id if hasattr(value, "__table__") else value


def _tagged(link: Any, owner: Any, tag: str) -> ColumnElement[bool]:
    """``owner`` (an id column) carries the tag ``tag`` (compared folded)."""
    owner_column = next(c for c in link.c if c.name != "tag_id")
    return exists().where(
        owner_column == owner,
        link.c.tag_id == t.tags.c.id,
        t.tags.c.key == fold(tag),
    )


#: How people can be listed: by name, or strongest tie first (netjournal.ties).
PEOPLE_SORTS = ("name", "strength")


def people(
    *,
    tag: str | None = None,
    organization: str | None = None,
    field: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    sort: str = "name",
    today: dt.date | str | None = None,
) -> Listing:
    """People in name order (or ``sort="strength"``: strongest tie as of ``today`` first,
    then by name), optionally with a tag, of an organization or of a field."""
    p = t.people
    where: list[ColumnElement[bool]] = []
    if tag:
        where.append(_tagged(t.person_tags, p.c.id, tag))
    if organization:
        where.append(resolve.organization_matches(p.c.organization, organization))
    if field:
        where.append(p.c.field_key == fold(field))
    if choice(sort, PEOPLE_SORTS, _("sort")) == "strength":
        from .ties import as_of, strength_table

        ties = strength_table(as_of(today))
        source = p.join(ties, ties.c.person_id == p.c.id)
        order = (ties.c.score.desc(), p.c.name_key, p.c.id)
        return Listing(tuple(where), order, limit, offset, source=source)
    return Listing(tuple(where), (p.c.name_key, p.c.id), limit, offset)


def events(
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    series: str | None = None,
    tag: str | None = None,
    limit: int | None = None,
) -> Listing:
    """Events newest first, optionally within dates, of one series or with a tag."""
    e = t.events
    where: list[ColumnElement[bool]] = []
    start = optional_date(since, _("since date"))
    end = optional_date(until, _("until date"))
    if start:
        where.append(e.c.start_date >= start)
    if end:
        where.append(e.c.start_date <= end)
    if series:
        where.append(e.c.series_key == fold(series))
    if tag:
        where.append(_tagged(t.event_tags, e.c.id, tag))
    return Listing(tuple(where), (e.c.start_date.desc(), e.c.id.desc()), limit)


def encounters(
    connection: Connection,
    *,
    person: Any = None,
    event: Any = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    limit: int | None = None,
) -> Listing:
    """Encounters newest first, optionally of one person, at one event, within dates."""
    e = t.encounters
    where: list[ColumnElement[bool]] = []
    start = optional_date(since, _("since date"))
    end = optional_date(until, _("until date"))
    if start:
        where.append(e.c.date >= start)
    if end:
        where.append(e.c.date <= end)
    if person is not None:
        where.append(e.c.person_id == resolve.person_id(connection, _ref(person)))
    if event is not None:
        where.append(e.c.event_id == resolve.event_id(connection, _ref(event)))
    return Listing(tuple(where), (e.c.date.desc(), e.c.id.desc()), limit)


def leads(
    connection: Connection,
    *,
    status: str | None = None,
    kind: str | None = None,
    person: Any = None,
    event: Any = None,
    tag: str | None = None,
    limit: int | None = None,
) -> Listing:
    """Leads, newest encounter first (then newest lead), filtered by status, kind, tag, or
    the person or event of their encounter. Reads ``leads`` joined to ``encounters``."""
    lead, e = t.leads, t.encounters
    own: list[ColumnElement[bool]] = []  # conditions on the lead itself
    if status:
        own.append(lead.c.status == canonical(status, "lead status"))
    if kind:
        own.append(lead.c.kind == canonical(kind, "lead kind"))
    if tag:
        own.append(_tagged(t.lead_tags, lead.c.id, tag))
    where = list(own)
    if person is not None:
        where.append(e.c.person_id == resolve.person_id(connection, _ref(person)))
    if event is not None:
        where.append(e.c.event_id == resolve.event_id(connection, _ref(event)))
    walk = limit is not None and _walk_by_date(connection, own, limit)
    join_type = _DateWalk if walk else Join
    source = join_type(e, lead, lead.c.encounter_id == e.c.id)
    return Listing(tuple(where), (e.c.date.desc(), lead.c.id.desc()), limit, source=source)


def followups(
    connection: Connection,
    *,
    due_by: dt.date | str | None = None,
    include_done: bool = False,
    person: Any = None,
) -> Listing:
    """Follow-ups by due date; open ones unless ``include_done``; ``due_by`` keeps those due
    on or before that day."""
    f = t.followups
    where: list[ColumnElement[bool]] = []
    if not include_done:
        where.append(f.c.done_on.is_(None))
    last = optional_date(due_by, _("due date"), prefer="future")
    if last is not None:
        where.append(f.c.due <= last)
    if person is not None:
        where.append(f.c.person_id == resolve.person_id(connection, _ref(person)))
    return Listing(tuple(where), (f.c.due, f.c.id))


def outcomes(
    connection: Connection,
    *,
    lead: Any = None,
    person: Any = None,
    kind: str | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    limit: int | None = None,
) -> Listing:
    """Outcomes newest first, optionally of one lead (by id), of the leads of one person,
    of one kind, within dates."""
    o, lead_table, e = t.outcomes, t.leads, t.encounters
    where: list[ColumnElement[bool]] = []
    if lead is not None:
        where.append(o.c.lead_id == resolve.record_id(lead, "lead"))
    if kind:
        where.append(o.c.kind == canonical(kind, "outcome kind"))
    start = optional_date(since, _("since date"))
    end = optional_date(until, _("until date"))
    if start:
        where.append(o.c.date >= start)
    if end:
        where.append(o.c.date <= end)
    if person is not None:
        who = resolve.person_id(connection, _ref(person))
        theirs = (
            select(lead_table.c.id)
            .join(e, e.c.id == lead_table.c.encounter_id)
            .where(e.c.person_id == who)
        )
        where.append(o.c.lead_id.in_(theirs))
    return Listing(tuple(where), (o.c.date.desc(), o.c.id.desc()), limit)


# -- the plan of a lead listing on SQLite ---------------------------------------------------


class _DateWalk(Join):
    """``encounters JOIN leads``, which SQLite must read encounters first (``CROSS JOIN``):
    newest first through the date index, looking each one's leads up, until the limit is
    reached. Left to itself, SQLite (without statistics) reads every lead, looks up its
    encounter and sorts them all. Other databases get a plain join."""

    inherit_cache = True


@compiles(_DateWalk, "sqlite")
def _cross_join(join: _DateWalk, compiler: Any, **kw: Any) -> str:
    plain: str = compiler.visit_join(join, **kw)  # "encounters JOIN leads ON ..."
    return plain.replace(" JOIN ", " CROSS JOIN ", 1)


def _walk_by_date(connection: Connection, own: list[ColumnElement[bool]], limit: int) -> bool:
    """Whether to list leads by walking encounters newest first (SQLite only; PostgreSQL
    plans by its statistics): when nothing filters leads themselves, or when many pass.

    Walking reads about ``limit * encounters / matches`` encounters, reading the matching
    leads and sorting them reads ``matches``: the two are equal at the square root of
    ``limit * encounters`` (as for search filters, :func:`netjournal.filters._few`)."""
    if connection.dialect.name != "sqlite":
        return False
    if not own:
        return True
    size = connection.scalar(select(func.max(t.encounters.c.id))) or 0
    few = max(100, math.isqrt(limit * size))
    matching = select(t.leads.c.id).where(*own).limit(few).subquery()
    count = connection.scalar(select(func.count()).select_from(matching)) or 0
    return count >= few
