"""Property: export a random journal, import it into an empty one on the other backend, export
again, and the two documents are identical (as are the tables, derived keys included)."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from helpers import examples, fresh_sqlite, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import make_url

from netjournal import Journal
from netjournal.models import Base
from netjournal.vocab import EVENT_KINDS, LEAD_KINDS, LEAD_STATUSES

# Free text: any character a journal can store (no NUL, no lone surrogate), newlines included.
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
ACCENTS = st.sampled_from(["Hélène", "Ørsted", "Łukasz", "Zoë", "José", "🎉", "日本", "Ça"])
words = st.lists(st.one_of(ACCENTS, st.text(CHARS, min_size=1, max_size=8)), min_size=1, max_size=4)
line = words.map(" ".join).filter(lambda s: s.strip() != "" and len(s.strip()) <= 100)
free = st.one_of(st.none(), words.map("\n".join).filter(str.strip))
day = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
amount = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
signed = st.decimals(-(10**6), 10**6, places=2, allow_nan=False, allow_infinity=False)
currency = st.sampled_from(["EUR", "USD", "GBP", "JPY", "CHF"])
tag_list = st.lists(line, max_size=3)
email = st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.test", fullmatch=True)
phone = st.from_regex(r"\+33 [1-9]( [0-9]{2}){4}", fullmatch=True)


@st.composite
def journal_plans(draw: st.DrawFn) -> dict[str, Any]:
    people = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "display_name": line,
                    "organization": st.one_of(st.none(), line),
                    "notes": free,
                    "emails": st.lists(email, max_size=2),
                    "phones": st.lists(phone, max_size=1),
                    "tags": tag_list,
                }
            ),
            min_size=1,
            max_size=4,
        )
    )
    events = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "name": line,
                    "start_date": day,
                    "kind": st.sampled_from(EVENT_KINDS),
                    "hours": st.one_of(st.none(), amount),
                    "cost": st.one_of(st.none(), amount),
                    "currency": st.one_of(st.none(), currency),
                    "notes": free,
                    "tags": tag_list,
                }
            ),
            max_size=3,
        )
    )
    encounters = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "person": st.integers(0, len(people) - 1),
                    "event": st.one_of(st.none(), st.integers(0, max(len(events) - 1, 0))),
                    "date": day,
                    "notes": free,
                    "stakes": free,
                    "wishes": free,
                    "pitched": st.booleans(),
                    "outside_field": st.one_of(st.none(), st.booleans()),
                    "tags": tag_list,
                    "questions": st.lists(st.tuples(line, free), max_size=3),
                    "leads": st.lists(
                        st.tuples(
                            st.sampled_from(LEAD_KINDS), line, st.sampled_from(LEAD_STATUSES)
                        ),
                        max_size=2,
                    ),
                    "outcomes": st.lists(
                        st.tuples(line, signed, currency, st.integers(0, 400)), max_size=2
                    ),
                    "followups": st.lists(st.tuples(day, line, st.booleans()), max_size=2),
                }
            ),
            max_size=4,
        )
    )
    profile = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "name": line,
                    "fields": st.lists(line, max_size=3),
                    "hourly_rate": amount,
                    "currency": currency,
                }
            ),
        )
    )
    return {"people": people, "events": events, "encounters": encounters, "profile": profile}


def build(journal: Journal, plan: dict[str, Any]) -> None:
    """Create the planned journal through the public API only."""
    if plan["profile"] is not None:
        journal.set_profile(**plan["profile"])
    people = [journal.people.add(**p).id for p in plan["people"]]
    events = [journal.events.add(**e).id for e in plan["events"]]
    for spec in plan["encounters"]:
        event = events[spec["event"]] if events and spec["event"] is not None else None
        encounter = journal.log(
            people[spec["person"]],
            event=event,
            date=spec["date"],
            notes=spec["notes"],
            stakes=spec["stakes"],
            wishes=spec["wishes"],
            pitched=spec["pitched"],
            outside_field=spec["outside_field"],
            tags=spec["tags"],
            questions=spec["questions"],
            leads=[{"kind": k, "summary": s, "status": st} for k, s, st in spec["leads"]],
            introduced_by=people[0] if spec["person"] != 0 else None,
            again=True,  # random plans may meet someone twice on a day
            any_date=True,  # and date an encounter far from its event
        )
        for index, (description, value, code, days) in enumerate(spec["outcomes"]):
            if encounter.leads:
                journal.outcomes.add(
                    encounter.leads[index % len(encounter.leads)].id,
                    description,
                    value=value,
                    currency=code,
                    date=spec["date"] + dt.timedelta(days=days),
                    again=True,
                )
        for due, action, done in spec["followups"]:
            followup = journal.followups.add(
                people[spec["person"]], due, action, encounter=encounter.id
            )
            if done:
                journal.followups.done(followup.id, on=min(due, dt.date.today()))


def _export(journal: Journal) -> str:
    out = io.StringIO()
    journal.export_json(out)
    return out.getvalue()


def _wipe_postgres(url: str) -> None:
    """Empty the PostgreSQL journal with ids restarting at 1 (DELETE: TRUNCATE is slow here)."""
    with Journal.open(url) as journal, journal.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
            if "id" in table.c:
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)")
                )


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["sqlite->postgresql", "postgresql->sqlite"])
@settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=journal_plans())
def test_export_import_export_is_identity(
    direction: str, plan: dict[str, Any], pg_server_url: str, sqlite_template: Path
) -> None:
    source_kind, target_kind = direction.split("->")
    with tempfile.TemporaryDirectory() as folder:
        # Commits need not reach the disk in this test: it makes ~50 per example.
        fast = make_url(pg_server_url).update_query_dict({"options": "-c synchronous_commit=off"})
        pg_url = fast.render_as_string(hide_password=False)
        urls = {"sqlite": str(fresh_sqlite(sqlite_template, Path(folder))), "postgresql": pg_url}
        _wipe_postgres(pg_url)
        with Journal.open(urls[source_kind]) as source:
            build(source, plan)
            first = _export(source)
            rows = snapshot(source, history=False)
        if source_kind == "postgresql":
            _wipe_postgres(pg_url)
        with Journal.open(urls[target_kind]) as target:
            target.import_json(io.StringIO(first), source_name="export.json")
            assert _export(target) == first
            assert snapshot(target, history=False) == rows


def test_amounts_stay_exact(sqlite_journal: Journal, tmp_path: Path) -> None:
    """A value that a float would round (0.1 + 0.2) comes back to the cent."""
    encounter = sqlite_journal.log("Ann", leads=[("customer", "Deal")], date="2026-01-01")
    lead = encounter.leads[0].id
    sqlite_journal.outcomes.add(lead, "a", value="999999999999.99", date="2026-01-02")
    sqlite_journal.outcomes.add(lead, "b", value="0.10", date="2026-01-02")
    with Journal.open(tmp_path / "copy.db") as copy:
        copy.import_json(io.StringIO(_export(sqlite_journal)), source_name="x.json")
        values = [o.value for o in copy.leads.get(lead).outcomes]
    assert values == [Decimal("999999999999.99"), Decimal("0.10")]
