"""Tie strength: how strong each relationship is, from what the journal holds, with its reasons.

After Granovetter ("The Strength of Weak Ties", 1973): a tie is the combination of the time
spent together, its emotional intensity, mutual confiding and reciprocal services. Each
dimension is read from the journal as one or more *components*; each component has a raw
value (a count, hours, an amount), normalised to 0..1 by ``raw / (raw + half)`` (it reaches
half its weight at ``half`` and never exceeds it), and a weight. The score is
``100 * sum(weight * normalised)``, between 0 and 100. docs/reports.md ("Tie strength") gives
the table and an example computed by hand.

Everything is counted as of ``today`` (records dated after it are left out); recency decays
with a half-life of :data:`HALF_LIFE_DAYS`: an encounter ``age`` days old weighs
``0.5 ** (age / 180)``. The aggregates run in SQL (one grouped subquery per source table,
joined to the people), so a listing can sort by strength without reading rows into Python.
SQLite may lack ``power()`` (it needs the math functions compiled in), so SQLite connections
get :func:`recency_weight` registered as ``netjournal_half_life`` (see :mod:`netjournal.db`);
PostgreSQL computes ``power(0.5, age / 180)``, the same C ``pow``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Float,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Subquery

from . import tables as t

#: Days after which an encounter (and the hours spent) counts half as much.
HALF_LIFE_DAYS = 180
#: The SQLite function computing :func:`recency_weight` (registered on every connection).
HALF_LIFE_FUNCTION = "netjournal_half_life"


def recency_weight(age_days: float | None, half_life_days: float = HALF_LIFE_DAYS) -> float | None:
    """``0.5 ** (age_days / half_life_days)``: 1 today, 0.5 after one half-life."""
    if age_days is None or half_life_days is None:
        return None
    return float(0.5 ** (float(age_days) / float(half_life_days)))


@dataclass(frozen=True)
class Component:
    """One ingredient of the score: its name, the dimension it reads, what its raw value
    counts, its weight and the raw value at which it gives half its weight."""

    name: str
    dimension: str
    counts: str
    weight: float
    half: float


#: The components, in the order they are shown. Weights sum to 1.
COMPONENTS: tuple[Component, ...] = (
    Component(
        "encounters",
        "time together",
        "meetings up to today, each weighing 0.5 ** (days ago / 180); connections left out",
        0.25,
        2.0,
    ),
    Component(
        "hours",
        "time together",
        "the hours of the events where you met them, split among the people met at each "
        "event, each weighing as its encounter",
        0.15,
        2.0,
    ),
    Component(
        "questions",
        "emotional intensity",
        "questions asked in your encounters: 1 for each answered, 0.5 for each left unanswered",
        0.15,
        3.0,
    ),
    Component(
        "confiding",
        "mutual confiding",
        "stakes and wishes they told you: 1 for each encounter's stakes, 1 for its wishes",
        0.15,
        2.0,
    ),
    Component(
        "introductions",
        "reciprocal services",
        "people they introduced to you, plus people who introduced them to you",
        0.10,
        1.0,
    ),
    Component(
        "outcomes",
        "reciprocal services",
        "gains on leads born in your encounters with them (a positive value, or none on a "
        "won lead)",
        0.10,
        1.0,
    ),
    Component(
        "value",
        "reciprocal services",
        "the positive value of those gains in your profile's currency",
        0.10,
        1000.0,
    ),
)
_BY_NAME = {c.name: c for c in COMPONENTS}
#: Raw values are rounded to this many places, so that both backends give the same score.
PLACES = 4


@dataclass(frozen=True)
class Part:
    """One component of a person's score: the raw value, its normalised value (0..1) and the
    points it gives (``100 * weight * normalised``)."""

    name: str
    dimension: str
    raw: float
    normalised: float
    weight: float
    points: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dimension": self.dimension,
            "raw": self.raw,
            "normalised": self.normalised,
            "weight": self.weight,
            "points": self.points,
        }


@dataclass(frozen=True)
class TieStrength:
    """A person's tie strength (0-100) as of ``today``, with the parts it is made of and
    the facts behind them (``meetings``: meetings counted, ``last_met``: the last one)."""

    person_id: int
    today: dt.date
    score: float
    parts: tuple[Part, ...]
    meetings: int
    last_met: dt.date | None

    def part(self, name: str) -> Part:
        return next(p for p in self.parts if p.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "today": self.today.isoformat(),
            "half_life_days": HALF_LIFE_DAYS,
            "meetings": self.meetings,
            "last_met": None if self.last_met is None else self.last_met.isoformat(),
            "components": [p.to_dict() for p in self.parts],
        }


def as_of(today: dt.date | str | None) -> dt.date:
    """The day ties are computed for: ``today`` as any date netjournal reads, else today."""
    from .i18n import _
    from .validate import optional_date

    return optional_date(today, _("today's date")) or dt.date.today()


def normalised(name: str, raw: float) -> float:
    """``raw / (raw + half)`` of component ``name`` (0 for nothing)."""
    half = _BY_NAME[name].half
    return raw / (raw + half) if raw > 0 else 0.0


def score_of(raws: dict[str, float]) -> float:
    """The score, rounded to one decimal, of raw component values (missing ones are 0)."""
    return round(
        100 * sum(c.weight * normalised(c.name, raws.get(c.name, 0.0)) for c in COMPONENTS), 1
    )


def build(
    person_id: int, today: dt.date, raws: dict[str, float], meetings: int, last_met: Any
) -> TieStrength:
    """A :class:`TieStrength` from the raw values of its components."""
    parts = []
    for c in COMPONENTS:
        raw = raws.get(c.name, 0.0)
        share = normalised(c.name, raw)
        parts.append(
            Part(
                c.name,
                c.dimension,
                raw,
                round(share, PLACES),
                c.weight,
                round(100 * c.weight * share, 2),
            )
        )
    return TieStrength(person_id, today, score_of(raws), tuple(parts), meetings, _date(last_met))


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# -- SQL ------------------------------------------------------------------------------------


class _DaysBetween(FunctionElement[float]):
    """Whole days from the second date to the first (``today - date``)."""

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(_DaysBetween)
def _days_between(element: _DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(({later} - {earlier}) AS DOUBLE PRECISION)"


@compiles(_DaysBetween, "sqlite")
def _days_between_sqlite(element: _DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


class _HalfLife(FunctionElement[float]):
    """:func:`recency_weight` of an age in days."""

    type = Float()
    inherit_cache = True
    name = "half_life"


@compiles(_HalfLife)
def _half_life(element: _HalfLife, compiler: Any, **kw: Any) -> str:
    (age,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"power(0.5, CAST({age} AS DOUBLE PRECISION) / {HALF_LIFE_DAYS})"


@compiles(_HalfLife, "sqlite")
def _half_life_sqlite(element: _HalfLife, compiler: Any, **kw: Any) -> str:
    (age,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"{HALF_LIFE_FUNCTION}({age}, {HALF_LIFE_DAYS})"


def _filled(column: ColumnElement[Any]) -> ColumnElement[bool]:
    return and_(column.is_not(None), column != "")


def _hundredths(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """A :class:`~netjournal.tables.Fixed` column as a float of units (stored: hundredths)."""
    return cast(type_coerce(column, Integer), Float) / 100.0


def strength_table(
    today: dt.date | None, person_ids: Sequence[int] | BindParameter[Any] | None = None
) -> Subquery:
    """One row per person (``person_id``) with the raw value of each component (columns
    named as in :data:`COMPONENTS`), ``meetings`` and ``last_met``, as of ``today``; only
    ``person_ids`` when given, else everyone with their ``score`` too (0-100, unrounded: what
    a listing sorts by). ``today`` may be left to the ``tie_today`` parameter, and
    ``person_ids`` be an expanding parameter, for a statement built once (:func:`_strengths`)."""
    p, e, ev, q, lead, o = t.people, t.encounters, t.events, t.questions, t.leads, t.outcomes
    day = bindparam("tie_today", today, type_=Date)
    seen = e.c.date <= day
    meeting = e.c.kind != "connection"
    ids = person_ids if isinstance(person_ids, BindParameter) else list(person_ids or ())

    def mine(column: Any) -> list[ColumnElement[bool]]:
        return [] if person_ids is None else [column.in_(ids)]

    # People met at each event with hours (meetings up to today): its hours are split among
    # them. Only events with hours, and only those of the people asked about, are counted.
    met_at, theirs, timed = e.alias("met_at"), e.alias("theirs"), ev.alias("timed")
    timed_events = select(timed.c.id).where(timed.c.hours.is_not(None))
    if person_ids is not None:
        timed_events = timed_events.join(theirs, theirs.c.event_id == timed.c.id).where(
            *mine(theirs.c.person_id)
        )
    per_event = (
        select(met_at.c.event_id, func.count(func.distinct(met_at.c.person_id)).label("met"))
        .where(
            met_at.c.event_id.in_(timed_events.correlate(None)),
            met_at.c.date <= day,
            met_at.c.kind != "connection",
        )
        .group_by(met_at.c.event_id)
        .subquery("per_event")
    )
    weight = _HalfLife(_DaysBetween(day, e.c.date))
    shared_hours = _hundredths(ev.c.hours) / per_event.c.met * weight
    encounters = (
        select(
            e.c.person_id,
            func.sum(case((meeting, weight), else_=0.0)).label("encounters"),
            func.sum(case((and_(meeting, ev.c.hours.is_not(None)), shared_hours), else_=0.0)).label(
                "hours"
            ),
            func.sum(
                case((_filled(e.c.stakes), 1), else_=0) + case((_filled(e.c.wishes), 1), else_=0)
            ).label("confiding"),
            func.count(func.distinct(e.c.introduced_by_id)).label("introducers"),
            func.count(case((meeting, 1))).label("meetings"),
            func.max(case((meeting, e.c.date))).label("last_met"),
        )
        .select_from(
            e.outerjoin(ev, ev.c.id == e.c.event_id).outerjoin(
                per_event, per_event.c.event_id == e.c.event_id
            )
        )
        .where(seen, *mine(e.c.person_id))
        .group_by(e.c.person_id)
        .subquery("tie_encounters")
    )
    questions = (
        select(
            e.c.person_id,
            func.sum(case((_filled(q.c.learned), 1.0), else_=0.5)).label("questions"),
        )
        .select_from(q.join(e, e.c.id == q.c.encounter_id))
        .where(seen, *mine(e.c.person_id))
        .group_by(e.c.person_id)
        .subquery("tie_questions")
    )
    introduced = (
        select(
            e.c.introduced_by_id.label("person_id"),
            func.count(func.distinct(e.c.person_id)).label("introduced"),
        )
        .where(seen, e.c.introduced_by_id.is_not(None), *mine(e.c.introduced_by_id))
        .group_by(e.c.introduced_by_id)
        .subquery("tie_introduced")
    )
    currency = func.coalesce(select(t.profile.c.currency).scalar_subquery(), "EUR")
    value = type_coerce(o.c.value, Integer)
    gain = or_(value > 0, and_(o.c.value.is_(None), lead.c.status == "won"))
    gains = (
        select(
            e.c.person_id,
            func.count(case((gain, 1))).label("outcomes"),
            func.sum(
                case((and_(value > 0, o.c.currency == currency), _hundredths(o.c.value)), else_=0.0)
            ).label("value"),
        )
        .select_from(o.join(lead, lead.c.id == o.c.lead_id).join(e, e.c.id == lead.c.encounter_id))
        .where(seen, o.c.date <= day, *mine(e.c.person_id))
        .group_by(e.c.person_id)
        .subquery("tie_gains")
    )

    def zero(column: Any) -> ColumnElement[float]:
        return type_coerce(func.coalesce(column, 0), Float)

    raws: dict[str, ColumnElement[float]] = {
        "encounters": zero(encounters.c.encounters),
        "hours": zero(encounters.c.hours),
        "questions": zero(questions.c.questions),
        "confiding": zero(encounters.c.confiding),
        "introductions": zero(introduced.c.introduced) + zero(encounters.c.introducers),
        "outcomes": zero(gains.c.outcomes),
        "value": zero(gains.c.value),
    }
    source = (
        p.outerjoin(encounters, encounters.c.person_id == p.c.id)
        .outerjoin(questions, questions.c.person_id == p.c.id)
        .outerjoin(introduced, introduced.c.person_id == p.c.id)
        .outerjoin(gains, gains.c.person_id == p.c.id)
    )
    columns: list[ColumnElement[Any]] = [
        p.c.id.label("person_id"),
        *(column.label(name) for name, column in raws.items()),
        type_coerce(func.coalesce(encounters.c.meetings, 0), Integer).label("meetings"),
        encounters.c.last_met,
    ]
    if person_ids is None:  # to sort everyone; for a few people, build() computes the score
        score: ColumnElement[Any] = literal(0.0)
        for c in COMPONENTS:
            raw = raws[c.name] * 1.0
            score = score + c.weight * raw / (raw + c.half)
        columns.append((100 * score).label("score"))
    stmt: Select[Any] = select(*columns).select_from(source)
    if person_ids is not None:
        stmt = stmt.where(p.c.id.in_(ids))
    return stmt.subquery("ties")


@functools.cache
def _strengths() -> Select[Any]:
    """The strengths of the people ``tie_people`` as of ``tie_today``, built once: building
    the statement costs more Python than running it for a page of people (``people list``)."""
    return select(strength_table(None, bindparam("tie_people", expanding=True)))


def tie_strengths(
    connection: Connection, person_ids: Sequence[int], today: dt.date
) -> dict[int, TieStrength]:
    """The :class:`TieStrength` of each of ``person_ids`` (one query)."""
    if not person_ids:
        return {}
    found = {}
    parameters = {"tie_today": today, "tie_people": list(person_ids)}
    for row in connection.execute(_strengths(), parameters):
        mapping = row._mapping
        raws = {c.name: round(float(mapping[c.name] or 0), PLACES) for c in COMPONENTS}
        found[row.person_id] = build(row.person_id, today, raws, row.meetings, row.last_met)
    return found
