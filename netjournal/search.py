"""Full-text search over the journal: people, events, encounters, questions, leads, outcomes.

Every searchable row has one document in ``search_docs`` (kept current by triggers, see
migrations 0002 and 0005; ids follow the order documents were written), indexed by SQLite
FTS5 or a PostgreSQL ``tsvector``. The user's text is parsed by :mod:`netjournal.query` into
quoted lexemes, so any string is a valid query. The newest :data:`RANKED` matches are found
in the index and only they are ranked: on SQLite by bm25 in a small in-memory FTS5 table
they are copied to, on PostgreSQL by ``ts_rank``. Filters that keep few documents are read
first, others are checked as the matches stream by. Snippets are cut and marked here, the
same way on both backends.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Float, Integer, String, bindparam, text

from . import query as q
from .db import RANK_TABLE
from .errors import InvalidInput
from .filters import KINDS as KINDS  # the kinds of hit, part of this module's API
from .filters import Filters, build_filters, where
from .i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Connection

MAX_LIMIT = 1000
RANKED = 200  # matches ranked per query: the newest ones (see _ranked_sqlite)
PREFIX_INDEX = 12  # the longest prefix with an index of its own in SQLite (migration 0005)
BM25 = "bm25(search_rank, 10.0, 4.0, 1.0)"  # a name or title weighs more than notes
_RANK_CLEAR = "INSERT INTO temp.search_rank(search_rank) VALUES ('delete-all')"
SNIPPET_WIDTH = 160


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, whose and where it is, and why it matched.

    ``text`` is a short excerpt; ``spans`` are the ``(start, end)`` offsets of the matched
    words in it. ``score`` is the relevance relative to the query's best hit (1.0), or 0
    when only filters were given. ``date`` is when it happened: a person's is the last
    time you met them (``None`` if never), an event's its start. ``missing`` lists the
    query's words (or ``a OR b`` alternatives) the hit lacks, when no hit had them all
    (see :attr:`SearchResult.widened`).
    """

    kind: str
    id: int
    person_id: int | None
    person: str | None
    event_id: int | None
    event: str | None
    encounter_id: int | None
    date: dt.date | None
    text: str
    spans: tuple[tuple[int, int], ...]
    score: float
    missing: tuple[str, ...] = ()

    def marked(self, before: str = "**", after: str = "**") -> str:
        """The excerpt with each matched word wrapped in ``before`` and ``after``."""
        pieces, last = [], 0
        for start, end in self.spans:
            pieces += [self.text[last:start], before, self.text[start:end], after]
            last = end
        pieces.append(self.text[last:])
        return "".join(pieces)

    @property
    def snippet(self) -> str:
        """The excerpt with matched words marked ``**like this**``."""
        return self.marked()

    def to_dict(self) -> dict[str, Any]:
        """The hit as JSON-ready values (what ``netjournal search --json`` prints)."""
        return {
            "kind": self.kind,
            "id": self.id,
            "person_id": self.person_id,
            "person": self.person,
            "event_id": self.event_id,
            "event": self.event,
            "encounter_id": self.encounter_id,
            "date": self.date.isoformat() if self.date else None,
            "snippet": self.snippet,
            "text": self.text,
            "spans": [list(span) for span in self.spans],
            "score": round(self.score, 6),
            "missing": list(self.missing),
        }


class SearchResult(list[Hit]):
    """The hits of a search, best first: a list, which also tells whether the search was
    ``widened``: no item had every word of the query, so these are the items with most of
    them (each hit's :attr:`Hit.missing` names the words it lacks)."""

    widened: bool = False

    def __init__(self, hits: Iterable[Hit] = (), *, widened: bool = False) -> None:
        super().__init__(hits)
        self.widened = widened


# -- SQL ------------------------------------------------------------------------------------

_COLUMNS = (
    "d.kind, d.ref_id, d.person_id, p.display_name AS person, d.event_id, e.name AS event, "
    "d.encounter_id, d.date, d.head, d.body, d.context"
)
_JOINS = "LEFT JOIN people p ON p.id = d.person_id LEFT JOIN events e ON e.id = d.event_id"
_TYPES = {
    "kind": String,
    "ref_id": Integer,
    "person_id": Integer,
    "person": String,
    "event_id": Integer,
    "event": String,
    "encounter_id": Integer,
    "date": Date,
    "head": String,
    "body": String,
    "context": String,
    "score": Float,
}


def _newest_sql(filters: Filters) -> str:
    """The :data:`RANKED` newest documents that ``:stream`` matches (and the filters pass),
    copied into the ranking table.

    FTS5 walks a term's postings newest first and stops at the limit: the cost is that of
    the rows kept, not of all the term's postings. When the filters keep few documents,
    those are read instead and each is looked up in the index. The copies go in ascending
    id order: FTS5 writes out its pending postings whenever an id is lower than the last."""
    if filters.selective:  # few documents pass the filters: check each against the words
        matched = (
            "EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH :stream "
            "AND search_fts.rowid = d.id)"
        )
        newest = (
            f"SELECT d.id FROM search_docs d {where(filters, [matched])} "
            "ORDER BY d.id DESC LIMIT :ranked"
        )
    else:
        joined = "JOIN search_docs d ON d.id = search_fts.rowid" if filters.conditions else ""
        newest = (
            f"SELECT search_fts.rowid FROM search_fts {joined} "
            f"{where(filters, ['search_fts MATCH :stream'])} "
            "ORDER BY search_fts.rowid DESC LIMIT :ranked"
        )
    folded = ", ".join(_fold_sql(f"c.{column}") for column in ("head", "body", "context"))
    return (
        "INSERT INTO temp.search_rank(rowid, head, body, context) "
        f"SELECT c.id, {folded} FROM search_docs c WHERE c.id IN ({newest}) ORDER BY c.id"
    )


_RANKED_SQLITE = (
    f"SELECT {_COLUMNS}, -{BM25} AS score FROM temp.search_rank r "
    f"JOIN search_docs d ON d.id = r.rowid {_JOINS} "
    "WHERE search_rank MATCH :match ORDER BY score DESC, d.id DESC LIMIT :limit"
)


def _fold_sql(expr: str) -> str:
    """``expr`` with the ligatures spelled out, as the index triggers write it."""
    for letter, spelled in q.LIGATURES.items():
        expr = f"replace({expr}, '{letter}', '{spelled}')"
    return expr


def _ranked_sqlite(
    connection: Connection, parsed: q.Query, filters: Filters, params: dict[str, Any]
) -> Sequence[Any]:
    """Best matches first among the :data:`RANKED` newest ones.

    bm25 over the whole index would count every posting of every word (tens of milliseconds
    for a common word in a million encounters). The newest matches are copied into a small
    in-memory FTS5 table instead and ranked there: the cost stays that of :data:`RANKED`
    documents however large the journal grows. A prefix longer than the index's prefix
    indexes is read through the longest one (a superset) and the ranking table keeps the
    true matches; only when too few of them are among the newest is the exact query read
    from the whole index. Everything happens in the search's transaction, which is rolled
    back: the copies never reach the disk.
    """
    exact = q.to_fts5(parsed)
    stream = q.to_fts5(parsed, longest_prefix=PREFIX_INDEX)
    connection.exec_driver_sql(RANK_TABLE)  # a no-op on the journal's own connections
    insert = text(_newest_sql(filters))
    ranked = text(_RANKED_SQLITE).columns(**_TYPES)
    copied = connection.execute(insert, {**params, "stream": stream}).rowcount
    rows = connection.execute(ranked, {**params, "match": exact}).all()
    if stream != exact and copied >= params["ranked"] and len(rows) < params["limit"]:
        # The newest superset matches hold too few true ones: read the exact query.
        connection.exec_driver_sql(_RANK_CLEAR)
        connection.execute(insert, {**params, "stream": exact})
        rows = connection.execute(ranked, {**params, "match": exact}).all()
    connection.exec_driver_sql(_RANK_CLEAR)
    return rows


def _ranked_postgresql(filters: Filters) -> str:
    """Best matches first among the :data:`RANKED` newest ones (``ts_rank`` costs a few
    microseconds a row: a word in half the journal would cost tens of milliseconds)."""
    matching = "d.tsv @@ to_tsquery('simple', :match)"
    newest = (
        "SELECT d.id FROM search_docs d "
        f"{where(filters, [matching])} "
        "ORDER BY d.id DESC LIMIT :ranked"
    )
    return (
        f"SELECT {_COLUMNS}, ts_rank(d.tsv, tq) AS score FROM ({newest}) c "
        "JOIN search_docs d ON d.id = c.id CROSS JOIN to_tsquery('simple', :match) tq "
        f"{_JOINS} ORDER BY score DESC, d.id DESC LIMIT :limit"
    )


def _listing_sql(backend: str, filters: Filters, *, exclude: bool) -> str:
    """Newest first, through the date indexes; optionally without what ``:match`` finds.

    When the filters keep only some kinds of document (a tag on encounters, a lead's
    status), each kind is walked through its own ``(kind, date, id)`` index and the newest
    of each are merged: walking every document by date would first pass every person
    added on the day of a large import."""
    extra = []
    if exclude and backend == "sqlite":
        extra.append("d.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :match)")
    elif exclude:
        extra.append("NOT (d.tsv @@ to_tsquery('simple', :match))")
    order = "ORDER BY d.date DESC, d.id DESC LIMIT :limit"
    if not filters.kinds or filters.selective:  # (no kind at all: "1 = 0" lists nothing)
        clause = where(filters, extra)
        return f"SELECT {_COLUMNS}, 0.0 AS score FROM search_docs d {_JOINS} {clause} {order}"
    newest = " UNION ALL ".join(
        "SELECT * FROM (SELECT d.id FROM search_docs d "
        + where(filters, [*extra, f"d.kind = '{kind}'"])
        + f" {order}) AS {kind}_docs"
        for kind in filters.kinds
    )
    return (
        f"SELECT {_COLUMNS}, 0.0 AS score FROM ({newest}) n "
        f"JOIN search_docs d ON d.id = n.id {_JOINS} {order}"
    )


# -- snippets -------------------------------------------------------------------------------


def _matcher(terms: Sequence[q.Term]) -> Callable[[str], bool]:
    """Whether a folded word is one the query asked for."""
    exact = {token for term in terms for token in term.tokens}
    prefixes = tuple(term.tokens[-1] for term in terms if term.prefix)
    return lambda word: word in exact or (bool(prefixes) and word.startswith(prefixes))


@functools.lru_cache(maxsize=64)
def _pattern(terms: tuple[q.Term, ...]) -> re.Pattern[str]:
    """The words ``terms`` match, whole, in folded text: one pass of the regex engine
    instead of a Python test per word (a hit's text has dozens)."""
    exact = sorted({token for term in terms for token in term.tokens}, key=len, reverse=True)
    prefixes = sorted({t.tokens[-1] for t in terms if t.prefix}, key=len, reverse=True)
    words = [re.escape(p) + r"[^\W_]*" for p in prefixes] + [re.escape(t) for t in exact]
    return re.compile(r"(?<![^\W_])(?:" + "|".join(words or ["(?!)"]) + r")(?![^\W_])")


def snippet(
    parts: Sequence[str | None], terms: Sequence[q.Term], width: int = SNIPPET_WIDTH
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A ``width``-character excerpt of ``parts`` around the first matched word, and where
    the matched words are in it."""
    source = " · ".join(" ".join(p.split()) for p in parts if p and p.strip())
    folded = q.fold(source)
    if len(folded) == len(source) and q.aligned(source):  # same positions
        spans = [match.span() for match in _pattern(tuple(terms)).finditer(folded)]
    else:
        wanted = _matcher(terms)
        spans = [(a, b) for a, b in q.token_spans(source) if wanted(q.fold(source[a:b]))]
    start = 0
    if spans and spans[0][1] > width - 20:
        start = source.rfind(" ", 0, max(0, spans[0][0] - 40)) + 1
    end = len(source)
    if end - start > width:
        cut = source.rfind(" ", start, start + width)
        end = cut if cut > start else start + width
    excerpt = source[start:end]
    offset = 0
    if start > 0:
        excerpt, offset = "…" + excerpt, 1
    if end < len(source):
        excerpt += "…"
    shown = tuple(
        (a - start + offset, b - start + offset) for a, b in spans if a >= start and b <= end
    )
    return excerpt, shown


# -- the search -----------------------------------------------------------------------------


def _limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        message = _("The limit must be a whole number from 1 to {max}.")
        raise InvalidInput(message.format(max=MAX_LIMIT))
    return limit


def search(
    connection: Connection,
    query: str | None = None,
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
) -> SearchResult:
    """Ranked hits for ``query`` within the filters (see :meth:`Journal.search`)."""
    count = _limit(limit)
    filters = build_filters(
        connection,
        kinds=kinds,
        event=event,
        person=person,
        since=since,
        until=until,
        tags=tags,
        lead_kind=lead_kind,
        lead_status=lead_status,
        limit=count,
    )
    parsed = q.parse(query)
    params = {**filters.params, "limit": count, "ranked": max(RANKED, count)}
    rows: Sequence[Any] = []
    widened = False
    if parsed.groups:
        rows = _ranked(connection, parsed, filters, params)
        relaxed = parsed.relaxed()
        if not rows and relaxed is not parsed:
            # Nothing has every word ("the packaging guy from Lyon"): take what has most of
            # them, then the best ranked.
            params["limit"] = min(MAX_LIMIT, max(4 * count, 100))
            rows = _ranked(connection, relaxed, filters, params)
            rows = sorted(rows, key=lambda row: len(_missing(row, parsed)))[:count]
            widened = bool(rows)
    else:  # no searchable words: the filters alone, newest first, maybe minus exclusions
        backend = connection.dialect.name
        excluded = (q.fts5_excluded if backend == "sqlite" else q.tsquery_excluded)(parsed)
        params["match"] = excluded
        sql = _listing_sql(backend, filters, exclude=excluded is not None)
        rows = connection.execute(text(sql).columns(**_TYPES), params).all()
    best = max((row.score for row in rows), default=0.0) or 1.0
    met = _last_met(connection, {row.ref_id for row in rows if row.kind == "person"})
    return SearchResult(
        (_hit(row, parsed, best, met, _missing(row, parsed) if widened else ()) for row in rows),
        widened=widened,
    )


def _last_met(connection: Connection, people: set[int]) -> dict[int, dt.date]:
    """When each of ``people`` was last met (through ``ix_encounters_person_id_date``):
    a person hit is dated by that, not by when the person was added."""
    if not people:
        return {}
    sql = text(
        "SELECT person_id, max(date) AS last FROM encounters "
        "WHERE person_id IN :people GROUP BY person_id"
    ).bindparams(bindparam("people", expanding=True))
    rows = connection.execute(sql.columns(person_id=Integer, last=Date), {"people": list(people)})
    return {row.person_id: row.last for row in rows}


def _ranked(
    connection: Connection, parsed: q.Query, filters: Filters, params: dict[str, Any]
) -> Sequence[Any]:
    if connection.dialect.name == "sqlite":
        return _ranked_sqlite(connection, parsed, filters, params)
    sql = text(_ranked_postgresql(filters)).columns(**_TYPES)
    return connection.execute(sql, {**params, "match": q.to_tsquery(parsed)}).all()


def _missing(row: Any, parsed: q.Query) -> tuple[str, ...]:
    """The query's groups a document does not satisfy (a phrase by all its words), as typed."""
    words: set[str] = set()
    for part in (row.head, row.body, row.context):
        if part:
            words.update(q.tokens(part))

    def found(term: q.Term) -> bool:
        last = len(term.tokens) - 1
        pieces = (q.Term((tok,), term.prefix and i == last) for i, tok in enumerate(term.tokens))
        return all(any(piece.matches(w) for w in words) for piece in pieces)

    return tuple(
        parsed.spelled(group) for group in parsed.groups if not any(found(term) for term in group)
    )


def _hit(
    row: Any, parsed: q.Query, best: float, met: dict[int, dt.date], missing: tuple[str, ...]
) -> Hit:
    excerpt, spans = snippet((row.head, row.body, row.context), parsed.marked)
    return Hit(
        kind=row.kind,
        id=row.ref_id,
        person_id=row.person_id,
        person=row.person,
        event_id=row.event_id,
        event=row.event,
        encounter_id=row.encounter_id,
        date=met.get(row.ref_id) if row.kind == "person" else row.date,
        text=excerpt,
        spans=spans,
        score=round(float(row.score or 0.0) / best, 4),
        missing=missing,
    )
