"""The catch-up list: the people you are losing touch with, most late first.

A person is on it when a cadence applies to them (their own, else their tags' shortest:
:mod:`netjournal.cadence`) and the days since your last touch reach it. The last touch is the
latest of:

- your last **meeting** with them (an encounter of kind ``meeting``; a LinkedIn
  ``connection`` is not a meeting and touches nothing);
- the last follow-up for them you marked **done** (its ``done_on`` date);
- the day they were **added** to the journal, when neither exists: a person you never met is
  due one cadence after you added them, not at once.

Only what is dated on or before ``today`` counts, so that a list asked "as of" a past day is
what it was then. Lateness is ``(days since the last touch − cadence) / cadence``: 0 the day a
person falls due, 1 when a whole cadence late. The list is ranked by lateness, then by days
late, then by name; ``past_limit`` flags those beyond the cadence's "at most" limit.

Everything is selected, filtered, ranked and limited in SQL (Core, no ORM). Each person's
cadence and last touch of all time are kept by triggers in ``person_touch`` (migration 0013),
so the list does not look anything up per person: with a ``limit``, one walk of the
``(every, touch_day)`` index per distinct cadence takes the most overdue of each (the most
late of a cadence are those touched longest ago), and the union is ranked. A list asked as of
a past day recomputes, from the records as they were that day, the few people touched after
it. Python then reads the details of the rows kept only: the last meeting (date, event), what
was talked about, open leads and follow-ups, and a question to ask.

The question to ask next comes from those that surfaced leads (as the questions report counts
them: leads born in meetings where the question was asked, each encounter once), best first by
leads, then leads won, then the value of their outcomes in the journal's currency; the best
one not yet asked of that person, else the best one (``next_question_asked`` says so).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Date,
    Float,
    Integer,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from . import tables as t
from .i18n import _, ngettext
from .tags import known_ids

#: How many of the best questions are considered when choosing one to ask a person.
CANDIDATE_QUESTIONS = 50
#: Ids per ``IN (...)`` when reading the details of the rows kept.
CHUNK = 500
#: The largest ``limit`` taken (as the reports).
MAX_LIMIT = 1_000_000_000
#: More distinct cadences than this, and the list is ranked in one pass over ``person_touch``
#: rather than by one index walk per cadence.
MAX_WALKS = 64
#: SQLite's julianday() of 0001-01-01 minus one: julianday(d) - this = d.toordinal().
_JULIAN_OFFSET = 1721424.5
#: Codes a tag's (rhythm, limit) as one number: rhythm * _CODE + limit (limits < _CODE - 1).
_CODE = 1_000_000
_OPEN = ("open", "exploring")


@dataclass(frozen=True)
class CatchUp:
    """One person to catch up with (see the module docstring for how each figure is made)."""

    person_id: int
    person: str
    organization: str | None
    every: int  #: the cadence that applies, in days
    at_most: int | None  #: its "at most" limit, if any
    cadence_from: str  #: "person", or "tag NAME"
    last_touch: dt.date
    days_since: int
    days_late: int  #: days_since - every (0: due today)
    lateness: Decimal  #: days_late / every, two decimals
    past_limit: bool  #: days_since > at_most
    last_met: dt.date | None
    last_event: str | None  #: the event of the last meeting, if any
    last_question: str | None
    last_answer: str | None
    last_notes: str | None
    talked_about: str | None  #: "question — answer", else the notes
    open_leads: int
    lead_kinds: tuple[str, ...]
    open_followups: tuple[str, ...]  #: "due: action", soonest first
    next_question: str | None
    next_question_leads: int  #: leads that followed it in the journal
    next_question_asked: bool  #: already asked of this person (no better one was left)

    @property
    def due_on(self) -> dt.date:
        """The day the person fell (or falls) due: the last touch plus the cadence."""
        return self.last_touch + dt.timedelta(days=self.every)

    @property
    def late(self) -> str:
        """``due today``, ``12 days late`` (with ``(past 60)`` beyond the limit), or ``due
        in 3 days`` (a list looking ahead)."""
        if self.days_late < 0:
            count = -self.days_late
            return ngettext("due in {count} days", "due in {count} days", count).format(count=count)
        if self.days_late == 0:
            text = _("due today (past {limit})") if self.past_limit else _("due today")
        elif self.past_limit:
            text = ngettext(
                "{count} days late (past {limit})",
                "{count} days late (past {limit})",
                self.days_late,
            )
        else:
            text = ngettext("{count} days late", "{count} days late", self.days_late)
        return text.format(count=self.days_late, limit=self.at_most)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _day_number(connection: Connection, day: Any) -> ColumnElement[int]:
    """A date as its day number (``date.toordinal()``), as ``person_touch`` keeps it."""
    if connection.dialect.name == "sqlite":
        return cast(func.julianday(day) - _JULIAN_OFFSET, Integer)
    return cast(day - literal(dt.date(1, 1, 1), Date) + 1, Integer)


def due_query(
    connection: Connection,
    today: dt.date,
    *,
    tag_filter: Sequence[int] = (),
    people: Any = None,
    limit: int | None = None,
    ahead: int = 0,
    kept: bool = True,
) -> Any:
    """The SELECT of the people due on ``today`` (or within ``ahead`` days after it),
    ranked, limited: ``person_id, person, organization, every, at_most, tag, touch_day,
    days_since``.

    The candidates come from ``person_touch`` (kept by triggers: each person's cadence and
    last touch of all time), for the people whose last touch is not after ``today``: with a
    ``limit``, the most overdue of each cadence by the ``(every, touch_day)`` index, so that
    the top of the list costs a few index walks. The people touched after ``today`` (a list
    asked as of a past day) are recomputed from the records as of that day; so is everyone
    when ``kept`` is false (the tests' reference)."""
    s, p, pt = t.person_touch, t.people, t.person_tags
    day = today.toordinal()

    def narrowed(person_id: Any) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [
            exists().where(pt.c.person_id == person_id, pt.c.tag_id == tag_id)
            for tag_id in tag_filter
        ]
        if people is not None:
            conditions.append(person_id.in_(people))
        return conditions

    parts: list[Any] = []
    columns = (s.c.person_id, s.c.every, s.c.at_most, s.c.tag_code.label("tag"), s.c.touch_day)
    if kept:
        everies = _cadences(connection) if limit is not None and people is None else None
        if everies is not None and len(everies) <= MAX_WALKS:
            for every in everies:  # the most overdue first, by the (every, touch_day) index
                walk = (
                    select(*columns)
                    .join(p, p.c.id == s.c.person_id)
                    .where(
                        s.c.every == every,
                        s.c.touch_day <= min(day, day + ahead - every),
                        *narrowed(s.c.person_id),
                    )
                    .order_by(s.c.touch_day, p.c.name_key, s.c.person_id)
                    .limit(limit)
                    .subquery()
                )
                parts.append(select(walk))
        else:
            parts.append(
                select(*columns).where(
                    s.c.touch_day <= day,
                    s.c.touch_day <= day + ahead - s.c.every,
                    *narrowed(s.c.person_id),
                )
            )
        later = select(s.c.person_id).where(s.c.touch_day > day)
        if connection.execute(later.limit(1)).first() is not None:
            parts.append(_recomputed(connection, today, later, narrowed))
    else:
        parts.append(_recomputed(connection, today, None, narrowed))
    if not parts:  # no cadence anywhere: nobody is due
        parts.append(select(*columns).where(false()))
    combined: Any = parts[0] if len(parts) == 1 else union_all(*parts)
    found = combined.subquery("found")
    days = (literal(day) - found.c.touch_day).label("days_since")
    late = days - found.c.every
    return (
        select(
            found.c.person_id,
            p.c.display_name.label("person"),
            p.c.organization,
            found.c.every,
            found.c.at_most,
            found.c.tag,
            found.c.touch_day,
            days,
        )
        .join(p, p.c.id == found.c.person_id)
        .where(days + ahead >= found.c.every)
        .order_by(
            (cast(late, Float) / found.c.every).desc(),
            late.desc(),
            p.c.name_key,
            found.c.person_id,
        )
        .limit(limit)
    )


def _cadences(connection: Connection) -> list[int]:
    """The distinct cadences in ``person_touch``, one index probe each (a recursive skip
    scan: SQLite's DISTINCT would read the whole index)."""
    s, other = t.person_touch, t.person_touch.alias("other")
    first = select(func.min(s.c.every).label("every")).cte("cadences", recursive=True)
    following = (
        select(func.min(other.c.every)).where(other.c.every > first.c.every).scalar_subquery()
    )
    walk = first.union_all(select(following).where(first.c.every.is_not(None)))
    query = select(walk.c.every).where(walk.c.every.is_not(None))
    return [int(every) for every in connection.execute(query).scalars()]


def _recomputed(
    connection: Connection,
    today: dt.date,
    among: Any,
    narrowed: Any,
) -> Any:
    """The candidates as of ``today`` from the records themselves (``among``: a SELECT of
    the ids to recompute, else everyone): ``person_id, every, at_most, tag, touch_day``."""
    p, e, f, pt, tg = t.people, t.encounters, t.followups, t.person_tags, t.tags
    day = literal(today, Date)
    # The most demanding of a person's tags: the least (rhythm, limit) pair, as one number
    # (rhythm * CODE + limit, no limit coded as CODE - 1) so a GROUP BY's MIN finds it.
    code = cast(tg.c.cadence_days, BigInteger) * _CODE + func.coalesce(
        tg.c.cadence_max_days, _CODE - 1
    )
    by_tag = (
        select(pt.c.person_id, func.min(code).label("code"))
        .join(tg, tg.c.id == pt.c.tag_id)
        .where(tg.c.cadence_days.is_not(None))
        .group_by(pt.c.person_id)
        .subquery("tag_cadence")
    )
    # Each person's last meeting (the newest of their encounters by the (person_id, date)
    # index that is a meeting) and their last follow-up done.
    met = (
        select(e.c.date)
        .where(e.c.person_id == p.c.id, e.c.kind == "meeting", e.c.date <= day)
        .order_by(e.c.date.desc())
        .limit(1)
        .scalar_subquery()
    )
    done = (
        select(f.c.person_id, func.max(f.c.done_on).label("day"))
        .where(f.c.done_on <= day)
        .group_by(f.c.person_id)
        .subquery("done")
    )
    # the later of the two, else the day they were added (SQLite's max() of a NULL is NULL;
    # PostgreSQL's greatest() skips NULLs)
    if connection.dialect.name == "sqlite":
        # (dates are ISO text there, after ''; the subquery is written once: run once)
        later: Any = func.max(func.coalesce(met, ""), func.coalesce(done.c.day, ""))
        touch = func.coalesce(func.nullif(later, ""), func.date(p.c.created_at))
    else:
        touch = func.coalesce(func.greatest(met, done.c.day), cast(p.c.created_at, Date))
    own = p.c.cadence_days.is_not(None)
    conditions: list[ColumnElement[bool]] = [or_(own, by_tag.c.person_id.is_not(None))]
    conditions.extend(narrowed(p.c.id))
    if among is not None:
        conditions.append(p.c.id.in_(among))
    return (
        select(
            p.c.id.label("person_id"),
            func.coalesce(p.c.cadence_days, cast(by_tag.c.code // _CODE, Integer)).label("every"),
            case(
                (own, p.c.cadence_max_days),
                else_=func.nullif(cast(by_tag.c.code % _CODE, Integer), _CODE - 1),
            ).label("at_most"),
            case((own, None), else_=by_tag.c.code).label("tag"),
            _day_number(connection, touch).label("touch_day"),
        )
        .outerjoin(by_tag, by_tag.c.person_id == p.c.id)
        .outerjoin(done, done.c.person_id == p.c.id)
        .where(*conditions)
    )


def catchup(
    connection: Connection,
    today: dt.date,
    *,
    limit: int | None = None,
    tags: Iterable[str] | str | None = None,
    people: Any = None,
    currency: str = "EUR",
    ahead: int = 0,
    kept: bool = True,
) -> list[CatchUp]:
    """The people due or overdue on ``today``, most late first (at most ``limit``), with
    ``tags`` (all of them) and among ``people`` (a SELECT of ids) when given; ``ahead`` adds
    those falling due within that many days (``days_late`` is then negative). ``kept``
    false ranks from the records alone, ignoring ``person_touch`` (see :func:`due_query`)."""
    query = due_query(
        connection,
        today,
        tag_filter=known_ids(connection, tags),
        people=people,
        limit=limit,
        ahead=ahead,
        kept=kept,
    )
    rows = list(connection.execute(query))
    if not rows:
        return []
    ids = [row.person_id for row in rows]
    details = _Details(connection, today, ids, currency, kept=kept)
    result = []
    for row in rows:
        pid = row.person_id
        late = row.days_since - row.every
        meeting = details.meetings.get(pid)
        talk = details.talks.get(pid)
        question, answer = (talk[0], talk[1]) if talk else (None, None)
        notes = meeting[2] if meeting else None
        talked = _talked(question, answer, notes)
        kinds = details.leads.get(pid, {})
        nxt = details.next_question(pid)
        result.append(
            CatchUp(
                person_id=pid,
                person=row.person,
                organization=row.organization,
                every=row.every,
                at_most=row.at_most,
                cadence_from="person" if row.tag is None else f"tag {details.tag(pid, row.tag)}",
                last_touch=dt.date.fromordinal(row.touch_day),
                days_since=row.days_since,
                days_late=late,
                lateness=(Decimal(late) / Decimal(row.every)).quantize(Decimal("0.01")),
                past_limit=row.at_most is not None and row.days_since > row.at_most,
                last_met=meeting[0] if meeting else None,
                last_event=meeting[1] if meeting else None,
                last_question=question,
                last_answer=answer,
                last_notes=notes,
                talked_about=talked,
                open_leads=sum(kinds.values()),
                lead_kinds=tuple(sorted(kinds)),
                open_followups=tuple(details.followups.get(pid, ())),
                next_question=nxt[0] if nxt else None,
                next_question_leads=nxt[1] if nxt else 0,
                next_question_asked=nxt[2] if nxt else False,
            )
        )
    return result


def _talked(question: str | None, answer: str | None, notes: str | None) -> str | None:
    if question:
        return f"{question} — {answer}" if answer else question
    return notes or None


class _Details:
    """What the catch-up rows show beyond the ranking, read for the kept people only."""

    def __init__(
        self,
        connection: Connection,
        today: dt.date,
        ids: Sequence[int],
        cur: str,
        *,
        kept: bool = True,
    ):
        self.connection = connection
        self.today = today
        self.meetings: dict[int, tuple[dt.date, str | None, str | None]] = {}
        self.talks: dict[int, tuple[str, str | None]] = {}
        self.leads: dict[int, dict[str, int]] = defaultdict(dict)
        self.followups: dict[int, list[str]] = defaultdict(list)
        self.asked: dict[int, set[str]] = defaultdict(set)
        self.tags: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.candidates = _best_questions(connection, cur, today, kept=kept)
        keys = [key for key, _, _ in self.candidates]
        for chunk in _chunks(ids):
            self._read(chunk, keys)

    def _read(self, chunk: Sequence[int], keys: list[str]) -> None:
        e, q, ev, le, f = t.encounters, t.questions, t.events, t.leads, t.followups
        c = self.connection
        day = literal(self.today, Date)
        meetings = [e.c.person_id.in_(chunk), e.c.kind == "meeting", e.c.date <= day]
        newest = (e.c.date.desc(), e.c.id.desc())
        last = (
            select(
                e.c.person_id,
                e.c.date,
                ev.c.name,
                e.c.notes,
                func.row_number().over(partition_by=e.c.person_id, order_by=newest).label("n"),
            )
            .outerjoin(ev, ev.c.id == e.c.event_id)
            .where(*meetings)
            .subquery()
        )
        for pid, date, event, notes, _rank in c.execute(select(last).where(last.c.n == 1)):
            self.meetings[pid] = (date, event, notes)
        asked = (
            select(
                e.c.person_id,
                q.c.asked,
                q.c.learned,
                func.row_number()
                .over(
                    partition_by=e.c.person_id,
                    order_by=(*newest, q.c.position.desc(), q.c.id.desc()),
                )
                .label("n"),
            )
            .join(e, e.c.id == q.c.encounter_id)
            .where(*meetings)
            .subquery()
        )
        for pid, question, answer, _rank in c.execute(select(asked).where(asked.c.n == 1)):
            self.talks[pid] = (question, answer)
        # `status || ''`: SQLite would otherwise walk the status index (most leads are open)
        # and look each lead's encounter up, 8 ms at 10,000 leads, instead of these people's
        # encounters and their leads (0.2 ms).
        open_leads = (
            select(e.c.person_id, le.c.kind, func.count())
            .join(e, e.c.id == le.c.encounter_id)
            .where(e.c.person_id.in_(chunk), (le.c.status + "").in_(_OPEN))
            .group_by(e.c.person_id, le.c.kind)
        )
        for pid, kind, count in c.execute(open_leads):
            self.leads[pid][kind] = int(count)
        todo = (
            select(f.c.person_id, f.c.due, f.c.action)
            .where(f.c.person_id.in_(chunk), f.c.done_on.is_(None))
            .order_by(f.c.person_id, f.c.due, f.c.id)
        )
        for pid, due, action in c.execute(todo):
            self.followups[pid].append(f"{due}: {action}")
        tg, pt = t.tags, t.person_tags
        timed = (
            select(pt.c.person_id, tg.c.name, tg.c.cadence_days, tg.c.cadence_max_days)
            .join(tg, tg.c.id == pt.c.tag_id)
            .where(pt.c.person_id.in_(chunk), tg.c.cadence_days.is_not(None))
            .order_by(pt.c.person_id, tg.c.key)
        )
        for pid, name, every, at_most in c.execute(timed):
            coded = every * _CODE + (_CODE - 1 if at_most is None else at_most)
            self.tags[pid].append((coded, name))
        if keys:  # what they were asked (a few questions each: found by person, not by key)
            wanted = set(keys)
            known = (
                select(e.c.person_id, q.c.asked_key)
                .join(e, e.c.id == q.c.encounter_id)
                .where(e.c.person_id.in_(chunk), e.c.date <= literal(self.today, Date))
            )
            for pid, key in c.execute(known):
                if key in wanted:
                    self.asked[pid].add(key)

    def tag(self, pid: int, code: int) -> str:
        """The name of the person's tag whose cadence applies (the first by folded name when
        several have the same)."""
        return next(name for coded, name in self.tags[pid] if coded == code)

    def next_question(self, pid: int) -> tuple[str, int, bool] | None:
        if not self.candidates:
            return None
        asked = self.asked.get(pid, set())
        for key, text, leads in self.candidates:
            if key not in asked:
                return text, leads, False
        _, text, leads = self.candidates[0]
        return text, leads, True


def _best_questions(
    connection: Connection, currency: str, today: dt.date, *, kept: bool = True
) -> list[tuple[str, str, int]]:
    """The questions that surfaced leads by ``today``, best first: ``(key, text, leads)`` for
    the :data:`CANDIDATE_QUESTIONS` best by leads, leads won, then outcome value in ``currency``
    (the text as first written where it surfaced a lead). Counted as the questions report
    counts them, over meetings.

    Read from ``question_scores`` and ``question_worth`` (kept by triggers, migration 0014),
    which count every meeting: when the journal holds an encounter dated after ``today`` (a
    list asked as of a past day), or when ``kept`` is false, counted from the records."""
    e, q, le, o = t.encounters, t.questions, t.leads, t.outcomes
    later = select(e.c.id).where(e.c.date > literal(today, Date)).limit(1)
    if kept and connection.execute(later).first() is None:
        s, w = t.question_scores, t.question_worth
        kept_best = (
            select(s.c.key, q.c.asked, s.c.leads)
            .join(q, q.c.id == s.c.first_id)
            .outerjoin(w, and_(w.c.key == s.c.key, w.c.currency == currency))
            .where(s.c.leads > 0)
            .order_by(
                s.c.leads.desc(),
                s.c.won.desc(),
                func.coalesce(w.c.value, 0).desc(),
                s.c.key,
            )
            .limit(CANDIDATE_QUESTIONS)
        )
        return [(key, text, int(leads)) for key, text, leads in connection.execute(kept_best)]
    meeting = and_(
        e.c.id == le.c.encounter_id, e.c.kind == "meeting", e.c.date <= literal(today, Date)
    )
    # What each lead's outcomes were worth in ``currency`` (by the outcomes' lead index).
    worth = (
        select(func.sum(type_coerce(o.c.value, BigInteger)))
        .where(o.c.lead_id == le.c.id, o.c.currency == currency)
        .scalar_subquery()
    )
    # Leads drive the join (each finds its encounter's questions by index): one row per lead
    # and question key, so a question asked twice in an encounter counts its leads once.
    per_lead = (
        select(
            q.c.asked_key.label("key"),
            func.max(case((le.c.status == "won", 1), else_=0)).label("won"),
            func.max(worth).label("value"),
            func.min(q.c.id).label("first_id"),
        )
        .select_from(le)
        .join(e, meeting)
        .join(q, q.c.encounter_id == le.c.encounter_id)
        .group_by(le.c.id, q.c.asked_key)
        .subquery("per_lead")
    )
    followed = (
        select(
            per_lead.c.key,
            func.count().label("leads"),
            func.sum(per_lead.c.won).label("won"),
            func.coalesce(func.sum(per_lead.c.value), 0).label("value"),
            func.min(per_lead.c.first_id).label("first_id"),
        )
        .group_by(per_lead.c.key)
        .subquery("followed")
    )
    shown = q.alias("shown")
    best = (
        select(followed.c.key, shown.c.asked, followed.c.leads)
        .join(shown, shown.c.id == followed.c.first_id)
        .order_by(
            followed.c.leads.desc(),
            followed.c.won.desc(),
            followed.c.value.desc(),
            followed.c.key,
        )
        .limit(CANDIDATE_QUESTIONS)
    )
    return [(key, text, int(leads)) for key, text, leads in connection.execute(best)]
