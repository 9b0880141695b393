"""Full-text search over the journal: people, events, encounters, questions, leads, outcomes.

Every searchable row has one document in ``search_docs`` (kept current by triggers, see
migration 0002), indexed by SQLite FTS5 or a PostgreSQL ``tsvector``. The user's text is
parsed by :mod:`netjournal.query` into quoted lexemes, so any string is a valid query. Ranking
is bm25 (SQLite) or ``ts_rank`` (PostgreSQL); the best matches are picked in the index before
anything is joined. Snippets are cut and marked here, the same way on both backends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, Float, Integer, String, text

from . import query as q
from . import resolve
from .errors import InvalidInput
from .text import fold as key_fold
from .validate import choice, optional_date
from .validate import tags as clean_tags
from .vocab import LEAD_KINDS, LEAD_STATUSES

if TYPE_CHECKING:
    from sqlalchemy import Connection

KINDS = ("person", "event", "encounter", "question", "lead", "outcome")
_PLURALS = {
    "people": "person",
    "events": "event",
    "encounters": "encounter",
    "questions": "question",
    "leads": "lead",
    "outcomes": "outcome",
}
MAX_LIMIT = 1000
RANKED = 500  # matches ranked per query: the newest ones (see _ranked_sql)
BM25 = "bm25(search_fts, 10.0, 4.0, 1.0)"  # a name or title weighs more than notes
SNIPPET_WIDTH = 160
# A document is tagged when its own row is, or (a question, an outcome) its encounter or
# lead is. The "+" keeps SQLite walking the date index (newest first) and checking the tag
# sets, instead of sorting every tagged document.
_TAGGED = """(+d.id IN (
    SELECT person_id * 8 + 1 FROM person_tags WHERE tag_id = {tag}
    UNION ALL SELECT event_id * 8 + 2 FROM event_tags WHERE tag_id = {tag}
    UNION ALL SELECT encounter_id * 8 + 3 FROM encounter_tags WHERE tag_id = {tag}
    UNION ALL SELECT lead_id * 8 + 5 FROM lead_tags WHERE tag_id = {tag})
  OR (d.kind = 'question'
      AND +d.encounter_id IN (SELECT encounter_id FROM encounter_tags WHERE tag_id = {tag}))
  OR (d.kind = 'outcome'
      AND +d.lead_id IN (SELECT lead_id FROM lead_tags WHERE tag_id = {tag})))"""


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, whose and where it is, and why it matched.

    ``text`` is a short excerpt; ``spans`` are the ``(start, end)`` offsets of the matched
    words in it. ``score`` is higher for better matches (0 when only filters were given).
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


@dataclass(frozen=True)
class Filters:
    """Validated filters, as SQL conditions on the ``search_docs`` alias ``d``."""

    conditions: tuple[str, ...]
    params: dict[str, Any]


def _kinds(kinds: Iterable[str] | str | None) -> list[str]:
    if kinds is None:
        return []
    if isinstance(kinds, str):
        kinds = [kinds]
    chosen = []
    for raw in kinds:
        value = raw.strip().casefold() if isinstance(raw, str) else raw
        value = _PLURALS.get(value, value)
        chosen.append(choice(value, KINDS, "kind"))
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
    start = optional_date(since, "since date")
    end = optional_date(until, "until date")
    if start is not None:
        params["since"] = start
        conditions.append("d.date >= :since")
    if end is not None:
        params["until"] = end
        conditions.append("d.date <= :until")
    for i, tag in enumerate(clean_tags(tags)):
        params[f"tag{i}"] = key_fold(tag)
        conditions.append(_TAGGED.format(tag=f"(SELECT t.id FROM tags t WHERE t.key = :tag{i})"))
    lead_conditions = []
    if lead_kind:
        params["lead_kind"] = choice(lead_kind, LEAD_KINDS, "lead kind")
        lead_conditions.append("l.kind = :lead_kind")
    if lead_status:
        params["lead_status"] = choice(lead_status, LEAD_STATUSES, "lead status")
        lead_conditions.append("l.status = :lead_status")
    if lead_conditions:
        conditions.append(
            "d.lead_id IN (SELECT l.id FROM leads l WHERE " + " AND ".join(lead_conditions) + ")"
        )
    return Filters(tuple(conditions), params)


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


def _where(filters: Filters, extra: Sequence[str] = ()) -> str:
    conditions = [*filters.conditions, *extra]
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def _ranked_sql(backend: str, filters: Filters) -> str:
    """Best matches first among the :data:`RANKED` newest matching documents.

    Ranking costs a few microseconds per matching row; a word found in half the journal
    would cost tens of milliseconds at 100,000 encounters. The newest :data:`RANKED`
    matches are found in id order first (cheap), then only they are ranked.
    """
    if backend == "sqlite":
        # One pass: FTS5 walks its matches newest first (no sort) and stops at :ranked;
        # bm25 is computed for those rows only.
        joined = "JOIN search_docs d ON d.id = search_fts.rowid" if filters.conditions else ""
        newest = (
            f"SELECT search_fts.rowid AS id, {BM25} AS score FROM search_fts {joined} "
            f"{_where(filters, ['search_fts MATCH :match'])} "
            "ORDER BY search_fts.rowid DESC LIMIT :ranked"
        )
        return (
            f"SELECT {_COLUMNS}, -m.score AS score FROM ("
            f"SELECT id, score FROM ({newest}) ORDER BY score, id LIMIT :limit) m "
            f"JOIN search_docs d ON d.id = m.id {_JOINS} ORDER BY m.score, d.id"
        )
    matching = "d.tsv @@ to_tsquery('simple', :match)"
    newest = (
        "SELECT d.id FROM search_docs d "
        f"{_where(filters, [matching])} "
        "ORDER BY d.id DESC LIMIT :ranked"
    )
    return (
        f"SELECT {_COLUMNS}, ts_rank(d.tsv, tq) AS score FROM ({newest}) c "
        "JOIN search_docs d ON d.id = c.id CROSS JOIN to_tsquery('simple', :match) tq "
        f"{_JOINS} ORDER BY score DESC, d.id LIMIT :limit"
    )


def _listing_sql(backend: str, filters: Filters, *, exclude: bool) -> str:
    """Newest first, through the date indexes; optionally without what ``:match`` finds."""
    extra = []
    if exclude and backend == "sqlite":
        extra.append("d.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :match)")
    elif exclude:
        extra.append("NOT (d.tsv @@ to_tsquery('simple', :match))")
    return (
        f"SELECT {_COLUMNS}, 0.0 AS score FROM search_docs d {_JOINS} "
        f"{_where(filters, extra)} ORDER BY d.date DESC, d.id DESC LIMIT :limit"
    )


# -- snippets -------------------------------------------------------------------------------


def _matcher(terms: Sequence[q.Term]) -> Callable[[str], bool]:
    """Whether a folded word is one the query asked for."""
    exact = {token for term in terms for token in term.tokens}
    prefixes = tuple(term.tokens[-1] for term in terms if term.prefix)
    return lambda word: word in exact or (bool(prefixes) and word.startswith(prefixes))


def snippet(
    parts: Sequence[str | None], terms: Sequence[q.Term], width: int = SNIPPET_WIDTH
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A ``width``-character excerpt of ``parts`` around the first matched word, and where
    the matched words are in it."""
    source = " · ".join(" ".join(p.split()) for p in parts if p and p.strip())
    wanted = _matcher(terms)
    folded = q.fold(source)
    if len(folded) == len(source):  # one folded character per character: same positions
        spans = [(a, b) for a, b in q.token_spans(folded) if wanted(folded[a:b])]
    else:
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
        raise InvalidInput(f"The limit must be a whole number from 1 to {MAX_LIMIT}.")
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
) -> list[Hit]:
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
    )
    backend = connection.dialect.name
    compile_ = q.to_fts5 if backend == "sqlite" else q.to_tsquery
    excluded = q.fts5_excluded if backend == "sqlite" else q.tsquery_excluded
    parsed = q.parse(query)
    params = {**filters.params, "limit": count, "ranked": max(RANKED, count)}
    rows: Sequence[Any] = []
    if parsed.groups:
        sql = _ranked_sql(backend, filters)
        params["match"] = compile_(parsed)
        rows = connection.execute(text(sql).columns(**_TYPES), params).all()
        relaxed = parsed.relaxed()
        if not rows and relaxed is not parsed:
            # Nothing has every word ("the packaging guy from Lyon"): take what has most of
            # them, then the best ranked.
            params.update(match=compile_(relaxed), limit=min(MAX_LIMIT, max(4 * count, 100)))
            rows = connection.execute(text(sql).columns(**_TYPES), params).all()
            rows = sorted(rows, key=lambda row: -_coverage(row, parsed))[:count]
    elif parsed.excluded:
        params["match"] = excluded(parsed)
        sql = _listing_sql(backend, filters, exclude=True)
        rows = connection.execute(text(sql).columns(**_TYPES), params).all()
    else:  # no searchable words: the filters alone, newest first
        sql = _listing_sql(backend, filters, exclude=False)
        rows = connection.execute(text(sql).columns(**_TYPES), params).all()
    return [_hit(row, parsed.positive) for row in rows]


def _coverage(row: Any, parsed: q.Query) -> int:
    """How many of the query's groups a document satisfies (a phrase by all its words)."""
    words: set[str] = set()
    for part in (row.head, row.body, row.context):
        if part:
            words.update(q.tokens(part))

    def found(term: q.Term) -> bool:
        last = len(term.tokens) - 1
        pieces = (q.Term((tok,), term.prefix and i == last) for i, tok in enumerate(term.tokens))
        return all(any(piece.matches(w) for w in words) for piece in pieces)

    return sum(any(found(term) for term in group) for group in parsed.groups)


def _hit(row: Any, terms: Sequence[q.Term]) -> Hit:
    excerpt, spans = snippet((row.head, row.body, row.context), terms)
    return Hit(
        kind=row.kind,
        id=row.ref_id,
        person_id=row.person_id,
        person=row.person,
        event_id=row.event_id,
        event=row.event,
        encounter_id=row.encounter_id,
        date=row.date,
        text=excerpt,
        spans=spans,
        score=float(row.score or 0.0),
    )
