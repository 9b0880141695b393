"""``person_touch``, the catch-up list's summary kept by triggers (migration 0013), on SQLite
and PostgreSQL: after any sequence of writes (encounters logged, moved, deleted; follow-ups
done; tags and cadences set and cleared; people merged, deleted; undo), the table equals a
recomputation from the records, and the catch-up list it ranks equals the list ranked from
the records alone, on any day, with or without a limit, a tag or a look ahead."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

import pytest
from helpers import assert_scores_kept, assert_touch_kept, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from netjournal import Journal
from netjournal import tables as t
from netjournal.catchup import catchup
from netjournal.errors import NetjournalError

NAMES = ("Ann", "Bob", "Chloé", "Dan")
TAGS = ("clients", "friends")
START = dt.date(2026, 1, 1)
DAY = st.integers(0, 500).map(lambda n: START + dt.timedelta(days=n))

STEP = st.one_of(
    st.tuples(st.just("log"), st.sampled_from(NAMES), DAY, st.booleans()),
    st.tuples(st.just("done"), st.sampled_from(NAMES), DAY),
    st.tuples(st.just("tag"), st.sampled_from(NAMES), st.sampled_from(TAGS), st.booleans()),
    st.tuples(
        st.just("tag cadence"),
        st.sampled_from(TAGS),
        st.one_of(st.none(), st.integers(1, 120)),
        st.one_of(st.none(), st.integers(0, 60)),
    ),
    st.tuples(
        st.just("own cadence"), st.sampled_from(NAMES), st.one_of(st.none(), st.integers(1, 90))
    ),
    st.tuples(st.just("move"), st.integers(0, 30), DAY, st.booleans()),
    st.tuples(st.just("delete encounter"), st.integers(0, 30)),
    st.tuples(st.just("merge"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("delete person"), st.sampled_from(NAMES)),
    st.tuples(
        st.just("undo"),
    ),
)


def _apply(journal: Journal, step: tuple) -> None:
    kind = step[0]
    if kind == "log":
        _, name, day, meeting = step
        encounter = journal.log(name, date=day)
        if not meeting:
            _set_kind(journal, encounter.id, "connection")
    elif kind == "done":
        _, name, day = step
        followup = journal.followups.add(name, day, "Call back")
        journal.followups.done(followup.id, on=day)
    elif kind == "tag":
        _, name, tag, add = step
        journal.people.update(name, **{"add_tags" if add else "remove_tags": [tag]})
    elif kind == "tag cadence":
        _, tag, every, extra = step
        if every is None:
            journal.cadences.clear(tag)
        else:
            limit = None if extra is None or extra == 0 else every + extra
            journal.cadences.set(tag, every=every, at_most=limit)
    elif kind == "own cadence":
        _, name, every = step
        journal.people.update(name, every="none" if every is None else every)
    elif kind in ("move", "delete encounter"):
        ids = [e.id for e in journal.encounters.list(limit=100)]
        if not ids:
            return
        target = ids[step[1] % len(ids)]
        if kind == "delete encounter":
            journal.encounters.delete(target)
        else:
            journal.encounters.update(target, date=step[2])
            _set_kind(journal, target, "meeting" if step[3] else "connection")
    elif kind == "merge":
        journal.people.merge(step[1], step[2])
    elif kind == "delete person":
        journal.people.delete(step[1])
    else:
        journal.undo()


def _set_kind(journal: Journal, encounter_id: int, kind: str) -> None:
    """A raw write: the API logs meetings; an import brings connections."""
    with journal.engine.begin() as connection:
        connection.execute(
            update(t.encounters).where(t.encounters.c.id == encounter_id).values(kind=kind)
        )


def _lists(journal: Journal, today: dt.date, **options: object) -> tuple[list, list]:
    with journal.engine.connect() as connection:
        kept = catchup(connection, today, **options)  # type: ignore[arg-type]
        fresh = catchup(connection, today, kept=False, **options)  # type: ignore[arg-type]
    return kept, fresh


@pytest.mark.slow  # a long Hypothesis test: 10 to 20 s on PostgreSQL under the ci profile
@settings(
    max_examples=examples(40),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=12), today=DAY, ahead=st.integers(0, 20))
def test_any_writes_keep_the_summary_and_the_list_exact(
    blank_journals: Callable[[], str],
    steps: list[tuple],
    today: dt.date,
    ahead: int,
) -> None:
    with Journal.open(blank_journals()) as journal:
        for step in steps:
            # a refused step (undo of nothing, merge with oneself...) writes nothing
            with contextlib.suppress(NetjournalError):
                _apply(journal, step)
        assert_touch_kept(journal)
        everyone = journal.engine.connect()
        with everyone:
            days = [today, dt.date(2030, 1, 1)]
            touched = everyone.execute(select(t.person_touch.c.touch_day)).scalars().all()
            days.extend(dt.date.fromordinal(day) for day in touched[:2])
        for day in days:
            for options in ({}, {"limit": 2}, {"limit": 1, "tags": "clients"}, {"ahead": ahead}):
                if "tags" in options and not _has_tag(journal, "clients"):
                    continue
                kept, fresh = _lists(journal, day, **options)
                assert kept == fresh, (day, options)


def _has_tag(journal: Journal, name: str) -> bool:
    with journal.engine.connect() as connection:
        found = connection.execute(select(t.tags.c.id).where(t.tags.c.key == name)).first()
    return found is not None


def test_an_upgrade_fills_the_summaries_from_the_records(journal: Journal) -> None:
    """Migrations 0013 and 0014 count what a journal already holds, as the triggers would."""
    from alembic import command

    from netjournal import schema

    today = dt.date(2026, 11, 30)
    for name, day, status in (("Ann", "2026-09-01", "won"), ("Bob", "2026-10-01", "open")):
        met = journal.log(name, date=day, questions=[("Who buys your boxes?", "Shops")])
        lead = journal.leads.add(met.id, "customer", "Boxes", status=status)
        journal.outcomes.add(lead.id, "Sold", value="120.50", currency="EUR", mark_won=False)
    journal.log("Chloé", date="2026-08-01", questions=[("Why now?", None)])
    journal.people.update("Ann", add_tags=["clients"])
    journal.cadences.set("clients", every=30, at_most=60)
    journal.people.update("Chloé", every=14)
    with journal.engine.connect() as connection:
        before = catchup(connection, today)
        kept = {
            table.name: set(connection.execute(select(table)).all())
            for table in (t.person_touch, t.question_scores, t.question_worth)
        }
    assert all(kept.values()) and before
    with journal.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "0012")
        command.upgrade(schema.alembic_config(connection), "head")
    assert_touch_kept(journal)
    assert_scores_kept(journal)
    with journal.engine.connect() as connection:
        assert catchup(connection, today) == before
        for table in (t.person_touch, t.question_scores, t.question_worth):
            assert set(connection.execute(select(table)).all()) == kept[table.name]
