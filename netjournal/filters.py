"""Search filters (kinds, person, event, dates, tags, lead kind and status) as SQL.

Each filter becomes a condition on the ``search_docs`` alias ``d``. A tag or lead filter
is written one of two ways, chosen by counting its rows first (capped, so the count stays
cheap): starting from its rows when they are few, or checking each document while the
search walks its index newest first when they are many. Either way costs about the same
at the crossing point, :func:`_few`; both are tested to find the same documents.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from . import resolve
from .i18n import _
from .text import fold as key_fold
from .validate import optional_date
from .validate import tags as clean_tags
from .vocab import canonical

if TYPE_CHECKING:
    from sqlalchemy import Connection

KINDS = ("person", "event", "encounter", "question", "lead", "outcome")
# A document carries a tag when its own record does, or the encounter it was logged in
# (a question, a lead, an outcome), or (an outcome) its lead; a person or an event only
# by its own tags. (tag table, its column, the search_docs column it matches, the kinds
# it tags.)
_TAG_SOURCES = (
    ("person_tags", "person_id", "ref_id", ("person",)),
    ("event_tags", "event_id", "ref_id", ("event",)),
    (
        "encounter_tags",
        "encounter_id",
        "encounter_id",
        ("encounter", "question", "lead", "outcome"),
    ),
    ("lead_tags", "lead_id", "lead_id", ("lead", "outcome")),
)
_LEAD_KINDS = ("lead", "outcome")  # the documents a lead filter can keep


@dataclass(frozen=True)
class Filters:
    """Validated filters, as SQL conditions on the ``search_docs`` alias ``d``.

    ``selective`` says that some filter keeps few documents (a person, an event, a rare tag
    or lead): a search then starts from those documents instead of the words' matches.
    ``kinds`` are the only kinds of document the filters can keep (``None``: any)."""

    conditions: tuple[str, ...]
    params: dict[str, Any]
    selective: bool = False
    kinds: tuple[str, ...] | None = None


def _kinds(kinds: Iterable[str] | str | None) -> list[str]:
    if kinds is None:
        return []
    if isinstance(kinds, str):
        kinds = [kinds]
    from .vocab import canonical

    # English or French, singular or plural, accents optional (personnes, événement, leads)
    chosen = [canonical(raw, "record kind") for raw in kinds]
    return list(dict.fromkeys(chosen))


def build_filters(
    connection: Connection,
    *,
    kinds: Iterable[str] | str | None = None,
    event: Any = None,
    person: Any = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    tags: Iterable[str] | str | None = None,
    lead_kind: str | None = None,
    lead_status: str | None = None,
    limit: int = 20,
) -> Filters:
    conditions: list[str] = []
    params: dict[str, Any] = {}
    chosen = _kinds(kinds)
    if chosen:
        names = [f":kind{i}" for i in range(len(chosen))]
        conditions.append(f"d.kind IN ({', '.join(names)})")
        params.update({f"kind{i}": k for i, k in enumerate(chosen)})
    if event is not None and event != "":
        params["event_id"] = resolve.event_id(connection, event)
        conditions.append("d.event_id = :event_id")
    if person is not None and person != "":
        params["person_id"] = resolve.person_id(connection, person)
        conditions.append("d.person_id = :person_id")
    start = optional_date(since, _("since date"))
    end = optional_date(until, _("until date"))
    if start is not None:
        params["since"] = start
        conditions.append("d.date >= :since")
    if end is not None:
        params["until"] = end
        conditions.append("d.date <= :until")
    selective = "event_id" in params or "person_id" in params
    allowed = set(chosen or KINDS)
    few = _few(connection, limit) if tags or lead_kind or lead_status else 0
    for i, tag in enumerate(clean_tags(tags)):
        params[f"tag{i}"] = key_fold(tag)
        condition, kinds_tagged, rare = _tagged(connection, f"tag{i}", params, few)
        conditions.append(condition)
        allowed &= kinds_tagged
        selective = selective or rare
    if lead_kind or lead_status:
        condition, rare = _leads(connection, lead_kind, lead_status, params, few)
        conditions.append(condition)
        allowed &= set(_LEAD_KINDS)
        selective = selective or rare
    if not allowed:
        conditions.append("1 = 0")
    narrowed = tuple(k for k in KINDS if k in allowed) if allowed != set(KINDS) else None
    return Filters(tuple(conditions), params, selective, narrowed)


def _leads(
    connection: Connection,
    lead_kind: str | None,
    lead_status: str | None,
    params: dict[str, Any],
    few: int,
) -> tuple[str, bool]:
    """The condition for a lead kind and/or status, and whether few leads pass it."""
    wanted = []
    if lead_kind:
        params["lead_kind"] = canonical(lead_kind, "lead kind")
        wanted.append("l.kind = :lead_kind")
    if lead_status:
        params["lead_status"] = canonical(lead_status, "lead status")
        wanted.append("l.status = :lead_status")
    test = " AND ".join(wanted)
    counted = f"SELECT count(*) FROM (SELECT 1 FROM leads l WHERE {test} LIMIT :few) AS f"
    if _count(connection, counted, params, few) < few:  # few leads: start from them
        return f"d.lead_id IN (SELECT l.id FROM leads l WHERE {test})", True
    # many: walk the lead documents newest first, checking each one's lead
    plus = _no_index(connection)
    return f"EXISTS (SELECT 1 FROM leads l WHERE l.id = {plus}d.lead_id AND {test})", False


def _tagged(
    connection: Connection, name: str, params: dict[str, Any], few: int
) -> tuple[str, set[str], bool]:
    """The condition for one tag, the kinds of document it can keep, and whether few rows
    carry it. Tag tables that do not hold it are left out of the condition."""
    tag = f"(SELECT t.id FROM tags t WHERE t.key = :{name})"
    counts = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM {table} WHERE tag_id = {tag} LIMIT :few) AS f)"
        for table, *_ in _TAG_SOURCES
    )
    found = connection.execute(text(f"SELECT {counts}"), {**params, "few": few}).one()
    sources = [source for source, count in zip(_TAG_SOURCES, found, strict=True) if count]
    rare = sum(found) < few
    kinds = {kind for *_, tagged in sources for kind in tagged}
    branches = []
    plus = _no_index(connection)
    for table, column, doc_column, tagged in sources:
        listed = ", ".join(f"'{kind}'" for kind in tagged)
        rows = f"SELECT {column} FROM {table} WHERE tag_id = {tag}"
        if rare:  # start from the tagged rows (through the document's own index)
            branches.append(f"(d.kind IN ({listed}) AND d.{doc_column} IN ({rows}))")
        else:  # walk the documents newest first ("+": no other index), look each one up
            branches.append(
                f"({plus}d.kind IN ({listed}) AND EXISTS (SELECT 1 FROM {table} x "
                f"WHERE x.{column} = {plus}d.{doc_column} AND x.tag_id = {tag}))"
            )
    return ("(" + " OR ".join(branches) + ")" if branches else "1 = 0"), kinds, rare


def _no_index(connection: Connection) -> str:
    """SQLite's unary "+", which keeps its planner from using an index for a column (so it
    walks the index the query is ordered by); PostgreSQL plans by its statistics."""
    return "+" if connection.dialect.name == "sqlite" else ""


def _few(connection: Connection, limit: int) -> int:
    """How many rows a filter may match and still be read from its own rows.

    Listing ``limit`` documents newest first by walking the date index reads about
    ``limit * documents / matches`` of them; reading the filter's rows and sorting them
    reads ``matches``. The two are equal at the square root of ``limit * documents``."""
    documents = connection.execute(text("SELECT max(id) FROM search_docs")).scalar() or 0
    return max(100, math.isqrt(limit * documents))


def _count(connection: Connection, sql: str, params: dict[str, Any], few: int) -> int:
    return int(connection.execute(text(sql), {**params, "few": few}).scalar() or 0)


def where(filters: Filters, extra: Sequence[str] = ()) -> str:
    conditions = [*filters.conditions, *extra]
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""
