"""Finding people and events from what a user types: an id, a name, or the start of a name.

Matching is case- and accent-insensitive (``"helene"`` finds ``"Hélène Dubois"``), and
apostrophes and hyphens count as spaces (:func:`netjournal.text.fold`: ``"jean francois"`` finds
``"Jean-François Lefèvre"``); a word typed without its elided letter's apostrophe finds it too
(``"ndiaye"``, ``"obrien"`` find ``"Zoé N'Diaye"``, ``"Marc O'Brien"``). An exact name wins,
else a unique prefix of the name or of any word in it. Several matches raise
:class:`~netjournal.errors.AmbiguousName` listing the candidates with what tells them apart.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, String, Table, func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from . import tables
from .db import FOLD_FUNCTION
from .errors import AmbiguousName, InvalidInput, NotFound
from .i18n import N_, _
from .text import ELIDED, JOINERS, fold, like_escape

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .models import Event, Person

CANDIDATES_SHOWN = 10

#: The first key of PostgreSQL advisory locks taken on a person's name ("NJPE").
PERSON_LOCK_SPACE = 0x4E4A5045 - 2**31
#: The largest id a database key holds (a signed 64-bit integer): anything above names nothing.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Candidate:
    """One of several records a name could mean."""

    id: int
    name: str
    detail: str | None  # organization for a person, date for an event
    last_seen: dt.date | None

    def __str__(self) -> str:
        met = self.last_seen and _("last met {date}").format(date=self.last_seen)
        parts = [p for p in (self.detail, met) if p]
        extra = f" ({', '.join(parts)})" if parts else ""
        return f"#{self.id} {self.name}{extra}"


#: The refusals that name a kind of record, one whole sentence per kind (``what``).
_NOT_AN_ID = {
    "person": N_("'{ref}' is not a person id."),
    "event": N_("'{ref}' is not an event id."),
    "encounter": N_("'{ref}' is not an encounter id."),
    "lead": N_("'{ref}' is not a lead id."),
    "outcome": N_("'{ref}' is not an outcome id."),
    "follow-up": N_("'{ref}' is not a follow-up id."),
}
_NO_SUCH_ID = {
    "person": N_("No person with id {id}."),
    "event": N_("No event with id {id}."),
    "encounter": N_("No encounter with id {id}."),
    "lead": N_("No lead with id {id}."),
    "outcome": N_("No outcome with id {id}."),
    "follow-up": N_("No follow-up with id {id}."),
}
_NAME_REQUIRED = {
    "person": N_("A person's name or id is required."),
    "event": N_("An event's name or id is required."),
}


def _not_an_id(ref: object, what: str) -> str:
    if what in _NOT_AN_ID:
        return _(_NOT_AN_ID[what]).format(ref=ref)
    return f"'{ref}' is not a{'n' if what[0] in 'aeiou' else ''} {what} id."


def _no_such_id(row_id: int, what: str) -> str:
    if what in _NO_SUCH_ID:
        return _(_NO_SUCH_ID[what]).format(id=row_id)
    return f"No {what} with id {row_id}."


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


def record_id(ref: object, what: str) -> int:
    """The id ``ref`` gives (``12``, ``"12"``, ``"#12"``, or a record): what a lead, outcome,
    encounter or follow-up is named by. Text that is not a number raises
    :class:`InvalidInput`; a number no record can have raises :class:`NotFound`."""
    table = getattr(ref, "__table__", None)
    if table is not None:
        ref = getattr(ref, "id", None)
    value: int | None = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        value = ref
    elif isinstance(ref, str):
        digits = ref.strip().removeprefix("#")
        if digits.isascii() and digits.isdigit():
            value = int(digits)
    if value is None:
        raise InvalidInput(_not_an_id(ref, what))
    if not 1 <= value <= MAX_ID:
        raise NotFound(_no_such_id(value, what))
    return value


def record(session: Session, model: Any, ref: object, what: str, **options: Any) -> Any:
    """The ``model`` object with the id ``ref`` gives (see :func:`record_id`)."""
    row_id = record_id(ref, what)
    found = session.get(model, row_id, **options)
    if found is None:
        raise NotFound(_no_such_id(row_id, what))
    return found


def name_keys(key: str) -> list[str]:
    """The folded name ``key`` and, for each word that may have lost an elision's apostrophe,
    ``key`` with that word split after its first letter: ``"zoe ndiaye"`` is also ``"zoe n
    diaye"``, which is how "Zoé N'Diaye" folds."""
    words = key.split(" ")
    variants = [key]
    for i, word in enumerate(words):
        if len(word) >= 3 and word[0] in ELIDED and word[1].isalpha():
            variants.append(" ".join([*words[:i], f"{word[0]} {word[1:]}", *words[i + 1 :]]))
    return variants


def _name_filters(column: Any, key: str) -> Any:
    """``column`` (a folded name) starts with ``key``, or has a word that does (each of
    :func:`name_keys`)."""
    conditions = []
    for variant in name_keys(key):
        pattern = like_escape(variant)
        conditions.append(column.like(f"{pattern}%", escape="\\"))
        conditions.append(column.like(f"% {pattern}%", escape="\\"))
    return or_(*conditions)


class folded(FunctionElement[str]):  # noqa: N801 (used as a SQL function)
    """``folded(column)``: the column's text folded as :func:`netjournal.text.fold` does, in
    SQL (SQLite: a function each connection registers; PostgreSQL: ``unaccent``)."""

    type = String()
    inherit_cache = True


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{FOLD_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    unaccented = f"lower(public.unaccent('public.unaccent'::regdictionary, {value}))"
    joiners = JOINERS.replace("'", "''")
    spaced = f"translate({unaccented}, '{joiners}', '{' ' * len(JOINERS)}')"
    return f"btrim(regexp_replace({spaced}, '\\s+', ' ', 'g'))"


def organization_matches(column: Any, organization: str) -> Any:
    """``column`` (an organization) is ``organization`` or has words that start with it,
    compared as names are: "emballix" matches "Emballix SAS", "ardeche" "Cartonnerie
    d'Ardèche"."""
    key = fold(organization)
    pattern = like_escape(key)
    value = folded(column)
    return or_(value.like(f"{pattern}%", escape="\\"), value.like(f"% {pattern}%", escape="\\"))


def _lookup(connection: Connection, table: Table, ref: object, what: str) -> int | list[Any]:
    """The id ``ref`` gives, or the rows (id first) whose folded name matches it: the exact
    name if any (so "Marc Dupont" is never ambiguous with "Marc Dupont-Moretti"), else
    prefixes. Core only, so that a quick command can resolve names without the ORM."""
    row_id = as_id(ref)
    if row_id is not None:
        if not 1 <= row_id <= MAX_ID:
            raise NotFound(_no_such_id(row_id, what))
        if connection.scalar(select(table.c.id).where(table.c.id == row_id)) is None:
            raise NotFound(_no_such_id(row_id, what))
        return row_id
    if not isinstance(ref, str) or not ref.strip():
        if what in _NAME_REQUIRED:
            raise InvalidInput(_(_NAME_REQUIRED[what]))
        raise InvalidInput(f"A{'n' if what[0] in 'aeiou' else ''} {what}'s name or id is required.")
    key = fold(ref)
    candidates = _candidates(table)
    keys = name_keys(key)
    exact = list(connection.execute(candidates.where(table.c.name_key == key).limit(50)))
    if not exact and len(keys) > 1:  # "Zoe NDiaye" is exactly "Zoé N'Diaye"
        exact = list(connection.execute(candidates.where(table.c.name_key.in_(keys)).limit(50)))
    return exact or list(
        connection.execute(
            candidates.where(_name_filters(table.c.name_key, key)).limit(CANDIDATES_SHOWN + 1)
        )
    )


def _candidates(table: Table) -> Any:  # (Select[Any] crashes mypy 2.4 in execute())
    """Candidates with what tells them apart: a person's organization, an event's date."""
    if table.name == "people":
        return select(table.c.id, table.c.display_name, table.c.organization)
    return select(table.c.id, table.c.name, table.c.start_date)


def person_id(
    connection: Connection, ref: object, *, create_if_missing: bool = False
) -> int | None:
    """The id of the person ``ref`` designates (an id, a name or a unique prefix), or
    ``None`` when nobody matches and ``create_if_missing``.

    With ``create_if_missing`` on PostgreSQL, the lookup first takes a transaction lock on
    the folded name, so that two writers creating the same new person one after the other
    see each other's (SQLite writers are serialised already): without it, six processes
    logging "Race Person" at once made three people, and the name ambiguous for good."""
    if create_if_missing and connection.dialect.name == "postgresql" and isinstance(ref, str):
        key = zlib.crc32(fold(ref.strip()).encode("utf-8")) - 2**31  # an int4
        connection.execute(
            sql_text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": PERSON_LOCK_SPACE, "key": key},
        )
    matches = _lookup(connection, tables.people, ref, "person")
    if isinstance(matches, int):
        return matches
    if len(matches) == 1:
        return int(matches[0].id)
    if len(matches) > 1:
        raise _ambiguous_people(connection, str(ref), matches)
    if create_if_missing:
        return None
    raise NotFound(_("No person matches '{ref}'.").format(ref=str(ref).strip()))


def _ambiguous_people(connection: Connection, ref: str, people: list[Any]) -> AmbiguousName:
    shown = people[:CANDIDATES_SHOWN]
    encounters = tables.encounters
    rows = connection.execute(
        select(encounters.c.person_id, func.max(encounters.c.date))
        .where(encounters.c.person_id.in_([p.id for p in shown]))
        .group_by(encounters.c.person_id)
    )
    last: dict[int, dt.date] = {pid: day for pid, day in rows}
    candidates = [Candidate(p.id, p.display_name, p.organization, last.get(p.id)) for p in shown]
    more = "" if len(people) <= CANDIDATES_SHOWN else ", ..."
    listed = "; ".join(str(c) for c in candidates)
    message = _("'{ref}' matches several people: {candidates}. Use the id or a longer name.")
    return AmbiguousName(message.format(ref=ref.strip(), candidates=listed + more), candidates)


def _held_on(on: dt.date) -> Any:
    e = tables.events.c
    return (e.start_date <= on) & (func.coalesce(e.end_date, e.start_date) >= on)


def _named(key: str, exact: bool) -> Any:
    column = tables.events.c.name_key
    return column == key if exact else _name_filters(column, key)


def event_id(connection: Connection, ref: object, *, on: dt.date | None = None) -> int:
    """The id of the event ``ref`` designates: an id, an exact name, or a unique prefix.

    Editions of a recurring event often share a name: ``on`` (a date) then picks the one
    held that day. Still ambiguous, the editions are listed newest first, with their dates."""
    matches = _lookup(connection, tables.events, ref, "event")
    if isinstance(matches, int):
        return matches
    if len(matches) == 1:
        return int(matches[0].id)
    if not matches:
        raise NotFound(_("No event matches '{ref}'.").format(ref=str(ref).strip()))
    key = fold(str(ref))
    exact = fold(matches[0].name) == key  # exact matches come alone (see _lookup)
    held: list[int] | None = None
    if on is not None:
        e = tables.events.c
        held = list(connection.scalars(select(e.id).where(_named(key, exact), _held_on(on))))
        if len(held) == 1:
            return int(held[0])
    raise _ambiguous_events(str(ref), matches, exact, on, held)


#: An ambiguous event name, one whole sentence per case: (the name is exact, how many
#: of its events were held on the day given: None when no day was given).
_AMBIGUOUS_EVENTS = {
    (True, None): N_(
        "'{ref}' names several editions: {candidates}. "
        "Give the date of the edition you mean, or its id."
    ),
    (True, "none"): N_(
        "'{ref}' names several editions, none held on {day}: {candidates}. "
        "Give the date of the edition you mean, or its id."
    ),
    (True, "several"): N_(
        "'{ref}' names several editions, several held on {day}: {candidates}. "
        "Give the date of the edition you mean, or its id."
    ),
    (False, None): N_(
        "'{ref}' matches several events: {candidates}. "
        "Use a longer name, the date of the edition, or the id."
    ),
    (False, "none"): N_(
        "'{ref}' matches several events, none held on {day}: {candidates}. "
        "Use a longer name, the date of the edition, or the id."
    ),
    (False, "several"): N_(
        "'{ref}' matches several events, several held on {day}: {candidates}. "
        "Use a longer name, the date of the edition, or the id."
    ),
}


def _ambiguous_events(
    ref: str,
    matches: list[Any],
    exact: bool,
    on: dt.date | None = None,
    held: list[int] | None = None,
) -> AmbiguousName:
    """``held``: the events of that name held ``on`` the day given, when one was."""
    matches = sorted(matches, key=lambda e: e.start_date, reverse=True)
    candidates = [
        Candidate(e.id, e.name, e.start_date.isoformat(), None) for e in matches[:CANDIDATES_SHOWN]
    ]
    more = "" if len(matches) <= CANDIDATES_SHOWN else ", ..."
    listed = "; ".join(str(c) for c in candidates) + more
    that_day = None if on is None or held is None else ("several" if held else "none")
    message = _(_AMBIGUOUS_EVENTS[exact, that_day]).format(
        ref=ref.strip(), candidates=listed, day=on.isoformat() if on else ""
    )
    return AmbiguousName(message, candidates)


def edition_id(connection: Connection, ref: object, *, today: dt.date) -> int:
    """The event ``ref`` designates when preparing for what comes next: one event (an id, a
    name, a unique prefix), or, for a name several editions share or a series, its next
    edition (held ``today`` or later), else its latest."""
    e = tables.events.c
    matches = _lookup(connection, tables.events, ref, "event")
    if isinstance(matches, int):
        return matches
    if len(matches) == 1:
        return int(matches[0].id)
    key = fold(str(ref))
    if matches:
        exact = fold(matches[0].name) == key
        names = connection.execute(
            select(e.name_key, e.series_key).where(_named(key, exact)).distinct().limit(50)
        ).all()
        if len({n.name_key for n in names}) == 1:
            return _next_or_latest(connection, e.name_key == names[0].name_key, today)
        if len({n.series_key for n in names}) == 1 and names[0].series_key is not None:
            return _next_or_latest(connection, e.series_key == names[0].series_key, today)
        raise _ambiguous_events(str(ref), matches, exact)
    series = list(
        connection.scalars(
            select(func.min(e.series))
            .where(or_(e.series_key == key, _name_filters(e.series_key, key)))
            .group_by(e.series_key)
            .order_by(func.min(e.series))
            .limit(CANDIDATES_SHOWN + 1)
        )
    )
    exact_series = [name for name in series if fold(name) == key]
    series = exact_series or series
    if len(series) == 1:
        return _next_or_latest(connection, e.series_key == fold(series[0]), today)
    if not series:
        raise NotFound(_("No event or series matches '{ref}'.").format(ref=str(ref).strip()))
    more = ", ..." if len(series) > CANDIDATES_SHOWN else ""
    listed = "; ".join(series[:CANDIDATES_SHOWN]) + more
    message = _("'{ref}' matches several series: {candidates}. Use a longer name.")
    raise AmbiguousName(message.format(ref=str(ref).strip(), candidates=listed), series)


def _next_or_latest(connection: Connection, same: Any, today: dt.date) -> int:
    """Of the events ``same`` keeps, the next one (under way or to come), else the latest."""
    e = tables.events.c
    upcoming = connection.scalar(
        select(e.id)
        .where(same, func.coalesce(e.end_date, e.start_date) >= today)
        .order_by(e.start_date, e.id)
        .limit(1)
    )
    if upcoming is not None:
        return int(upcoming)
    latest = connection.scalar(
        select(e.id).where(same).order_by(e.start_date.desc(), e.id.desc()).limit(1)
    )
    assert latest is not None
    return int(latest)


# -- the same, handing back ORM objects ---------------------------------------------------


def _connection(session: Session) -> Connection:
    """The session's connection, with pending objects flushed first (as an ORM query would,
    unless the caller turned autoflush off)."""
    if session.autoflush:
        session.flush()
    return session.connection()


def _by_id(session: Session, model: Any, ref: object, what: str) -> Any:
    """The object an id designates, straight from the session (its identity map first),
    or ``None`` when ``ref`` is not an id."""
    if isinstance(ref, model):
        ref = ref.id
    row_id = as_id(ref)
    if row_id is None:
        return None
    found = session.get(model, row_id) if 1 <= row_id <= MAX_ID else None
    if found is None:
        raise NotFound(_no_such_id(row_id, what))
    return found


def person(session: Session, ref: object, *, create_if_missing: bool = False) -> Person | None:
    """The person ``ref`` designates, or ``None`` when missing and ``create_if_missing``."""
    from .models import Person

    by_id: Person | None = _by_id(session, Person, ref, "person")
    if by_id is not None:
        return by_id
    found = person_id(_connection(session), ref, create_if_missing=create_if_missing)
    return None if found is None else session.get(Person, found)


def event(session: Session, ref: object, *, on: dt.date | None = None) -> Event:
    """The event ``ref`` designates: an id, an exact name, or a unique prefix; ``on`` picks
    the edition held that day among events sharing the name (see :func:`event_id`)."""
    from .models import Event

    by_id: Event | None = _by_id(session, Event, ref, "event")
    if by_id is not None:
        return by_id
    found = session.get(Event, event_id(_connection(session), ref, on=on))
    assert found is not None
    return found
