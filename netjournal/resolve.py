"""Finding people and events from what a user types: an id, a name, or the start of a name.

Matching is case- and accent-insensitive (``"helene"`` finds ``"Hélène Dubois"``): an exact
name wins, else a unique prefix of the name or of any word in it. Several matches raise
:class:`~netjournal.errors.AmbiguousName` listing the candidates with what tells them apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .errors import AmbiguousName, InvalidInput, NotFound
from .models import Encounter, Event, Person
from .text import fold, like_escape

CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class Candidate:
    """One of several records a name could mean."""

    id: int
    name: str
    detail: str | None  # organization for a person, date for an event
    last_seen: dt.date | None

    def __str__(self) -> str:
        parts = [p for p in (self.detail, self.last_seen and f"last met {self.last_seen}") if p]
        extra = f" ({', '.join(parts)})" if parts else ""
        return f"#{self.id} {self.name}{extra}"


def as_id(ref: object) -> int | None:
    """``12``, ``"12"`` and ``"#12"`` are ids; anything else is a name."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return ref
    if isinstance(ref, str):
        stripped = ref.strip().removeprefix("#")
        if stripped.isdigit() and len(stripped) < 19:
            return int(stripped)
    return None


def _name_filters(column: Any, key: str) -> Any:
    pattern = like_escape(key)
    return or_(
        column.like(f"{pattern}%", escape="\\"),
        column.like(f"% {pattern}%", escape="\\"),
    )


def _lookup(session: Session, model: Any, ref: object, what: str) -> Any:
    """The row ``ref`` names by id, or the rows whose folded name matches it: the exact name
    if any (so "Marc Dupont" is never ambiguous with "Marc Dupont-Moretti"), else prefixes."""
    if isinstance(ref, model):
        ref = ref.id
    row_id = as_id(ref)
    if row_id is not None:
        found = session.get(model, row_id)
        if found is None:
            raise NotFound(f"No {what} with id {row_id}.")
        return found
    if not isinstance(ref, str) or not ref.strip():
        raise InvalidInput(f"A{'n' if what[0] in 'aeiou' else ''} {what}'s name or id is required.")
    key = fold(ref)
    exact = list(session.scalars(select(model).where(model.name_key == key).limit(50)))
    return exact or list(
        session.scalars(
            select(model).where(_name_filters(model.name_key, key)).limit(CANDIDATES_SHOWN + 1)
        )
    )


def person(session: Session, ref: object, *, create_if_missing: bool = False) -> Person | None:
    """The person ``ref`` designates, or ``None`` when missing and ``create_if_missing``."""
    matches = _lookup(session, Person, ref, "person")
    if isinstance(matches, Person):
        return matches
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise _ambiguous_people(session, str(ref), matches)
    if create_if_missing:
        return None
    raise NotFound(f"No person matches '{str(ref).strip()}'.")


def _ambiguous_people(session: Session, ref: str, people: list[Person]) -> AmbiguousName:
    ids = [p.id for p in people[:CANDIDATES_SHOWN]]
    rows = session.execute(
        select(Encounter.person_id, func.max(Encounter.date))
        .where(Encounter.person_id.in_(ids))
        .group_by(Encounter.person_id)
    )
    last: dict[int, dt.date] = {pid: day for pid, day in rows}
    candidates = [
        Candidate(p.id, p.display_name, p.organization, last.get(p.id))
        for p in people[:CANDIDATES_SHOWN]
    ]
    more = "" if len(people) <= CANDIDATES_SHOWN else ", ..."
    listed = "; ".join(str(c) for c in candidates)
    return AmbiguousName(
        f"'{ref.strip()}' matches several people: {listed}{more}. Use the id or a longer name.",
        candidates,
    )


def event(session: Session, ref: object) -> Event:
    """The event ``ref`` designates: an id, an exact name, or a unique prefix.

    Editions of a recurring event often share a name; they are listed newest first."""
    matches = _lookup(session, Event, ref, "event")
    if isinstance(matches, Event):
        return matches
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"No event matches '{str(ref).strip()}'.")
    matches.sort(key=lambda e: e.start_date, reverse=True)
    candidates = [
        Candidate(e.id, e.name, e.start_date.isoformat(), None) for e in matches[:CANDIDATES_SHOWN]
    ]
    listed = "; ".join(str(c) for c in candidates)
    raise AmbiguousName(
        f"'{str(ref).strip()}' matches several events: {listed}. Use the id or a longer name.",
        candidates,
    )
