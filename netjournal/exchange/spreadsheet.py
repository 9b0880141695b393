"""Encounters as CSV for spreadsheets: one row each, built by one streamed SQL query.

Questions, leads and tags are joined inside the query (grouped derived tables, each ordered),
and outcome values are summed per currency in SQL, one column per currency ("outcomes EUR"),
so the file can be totalled in a spreadsheet. Lists inside a cell are one item per line.
Plain output is UTF-8 with CRLF line ends (RFC 4180); ``excel=True`` adds a byte-order mark
(so Excel detects UTF-8) and prefixes with ``'`` any text cell that a spreadsheet would
otherwise run as a formula (``=``, ``+``, ``-``, ``@``: CSV injection). For a French Excel
(``excel=True`` with ``language="fr"``) fields are separated by ``;`` and decimals written
with a comma, as Excel expects under a French locale (it opens a comma-separated file as one
column there); dates stay ISO, which it reads as dates.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy import (
    Connection,
    String,
    Subquery,
    case,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased

from ..models import (
    Encounter,
    Event,
    Fixed,
    Lead,
    Outcome,
    Person,
    Question,
    Tag,
    encounter_tags,
)
from . import ExportStats

LIST_SEPARATOR = "\n"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _joined(value: Any, order_by: list[Any], dialect: str, source: Any, parent: Any) -> Subquery:
    """``(parent, listing)``: ``value`` of the rows of ``source``, in order, joined by
    :data:`LIST_SEPARATOR`, one row per ``parent`` id. A grouped derived table, joined once,
    scales linearly where a correlated subquery per row may not."""
    sep = literal(LIST_SEPARATOR, String)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        items = func.string_agg(value, aggregate_order_by(sep, *order_by))
        return (
            select(parent.label("parent"), items.label("listing"))
            .select_from(source)
            .group_by(parent)
            .subquery()
        )
    # SQLite aggregates the rows of an ordered subquery in that order.
    ordered = (
        select(parent.label("parent"), value.label("item"))
        .select_from(source)
        .order_by(parent, *order_by)
        .subquery()
    )
    return (
        select(ordered.c.parent, func.group_concat(ordered.c.item, sep).label("listing"))
        .group_by(ordered.c.parent)
        .subquery()
    )


def _query(connection: Connection) -> tuple[Any, list[str]]:
    dialect = connection.dialect.name
    introducer = aliased(Person)
    currencies = list(
        connection.execute(
            select(Outcome.currency)
            .where(Outcome.value.is_not(None))
            .distinct()
            .order_by(Outcome.currency)
        ).scalars()
    )
    questions = _joined(
        Question.asked + func.coalesce(literal(" — ") + Question.learned, ""),
        [Question.position, Question.id],
        dialect,
        Question,
        Question.encounter_id,
    )
    leads = _joined(
        Lead.kind + literal(": ") + Lead.summary + literal(" (") + Lead.status + literal(")"),
        [Lead.id],
        dialect,
        Lead,
        Lead.encounter_id,
    )
    tags = _joined(
        Tag.name,
        [Tag.id],
        dialect,
        encounter_tags.join(Tag, encounter_tags.c.tag_id == Tag.id),
        encounter_tags.c.encounter_id,
    )
    totals = (
        select(
            Lead.encounter_id.label("parent"),
            *(
                type_coerce(
                    func.sum(
                        case(
                            (
                                Outcome.currency == code
                                if code is not None
                                else Outcome.currency.is_(None),
                                Outcome.value,
                            )
                        )
                    ),
                    Fixed(2),
                ).label(f"total_{index}")
                for index, code in enumerate(currencies)
            ),
        )
        .select_from(Outcome)
        .join(Lead, Lead.id == Outcome.lead_id)
        .group_by(Lead.encounter_id)
        .subquery()
    )
    stmt = (
        select(
            Encounter.id,
            Encounter.date,
            Person.id,
            Person.display_name,
            Person.organization,
            Person.title,
            Person.field,
            Event.name,
            Encounter.notes,
            Encounter.stakes,
            Encounter.wishes,
            Encounter.pitched,
            introducer.display_name,
            tags.c.listing,
            questions.c.listing,
            leads.c.listing,
            *(totals.c[f"total_{index}"] for index in range(len(currencies))),
        )
        .join(Person, Person.id == Encounter.person_id)
        .outerjoin(Event, Event.id == Encounter.event_id)
        .outerjoin(introducer, introducer.id == Encounter.introduced_by_id)
        .outerjoin(tags, tags.c.parent == Encounter.id)
        .outerjoin(questions, questions.c.parent == Encounter.id)
        .outerjoin(leads, leads.c.parent == Encounter.id)
        .outerjoin(totals, totals.c.parent == Encounter.id)
        .order_by(Encounter.date, Encounter.id)
    )
    header = [
        "encounter id",
        "date",
        "person id",
        "person",
        "organization",
        "title",
        "field",
        "event",
        "notes",
        "stakes",
        "wishes",
        "pitched",
        "introduced by",
        "tags",
        "questions",
        "leads",
        *(f"outcomes {code or '(no currency)'}" for code in currencies),
    ]
    return stmt, header


def _cell(value: Any, excel: bool, comma: bool = False) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal) and comma:
        return str(value).replace(".", ",")
    if isinstance(value, Decimal | int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if excel and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_encounters_csv(
    connection: Connection, fp: TextIO, *, excel: bool = False, language: str = "en"
) -> ExportStats:
    """Write one row per encounter, oldest first, to ``fp`` (open it with ``newline=""``); for
    Excel in ``language`` ``"fr"``, with ``;`` and decimal commas (see the module's docstring)."""
    stmt, header = _query(connection)
    french = excel and language == "fr"
    if excel:
        fp.write("\ufeff")
    writer = csv.writer(fp, delimiter=";" if french else ",")
    writer.writerow(header)
    count = 0
    result = connection.execution_options(yield_per=1000).execute(stmt)
    for row in result:
        writer.writerow([_cell(v, excel, french) for v in row])
        count += 1
    return ExportStats("csv", {"encounters": count})
