"""A synthetic journal for the report benchmarks, built fast with Core executemany inserts.

Proportions per encounter: a quarter of a person (people are met about four times), one
event per 200 encounters (a fifth of them in series), about one question, 30% with a lead,
5% with an outcome, 10% with a follow-up, 5% pitched. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, insert

from netjournal import Journal
from netjournal.models import (
    Encounter,
    Event,
    FollowUp,
    Lead,
    Outcome,
    Person,
    Profile,
    ProfileField,
    Question,
)
from netjournal.text import fold, question_key

FIELDS = [f"field {i}" for i in range(20)]
OWN_FIELDS = FIELDS[:4]
KINDS = ["supplier", "customer", "partner", "recruiting", "advice", "introduction", "other"]
STATUSES = ["open"] * 5 + ["exploring"] * 2 + ["won"] * 2 + ["dropped"] * 3
START = dt.date(2023, 1, 1)
DAYS = 3 * 365
CHUNK = 50_000
NOW = dt.datetime(2026, 1, 1)


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def build(url: str, encounters: int, *, seed: int = 7, analyze: bool = False) -> dict[str, int]:
    """Create a journal at ``url`` holding ``encounters`` encounters; returns the row counts.

    ``analyze`` runs SQLite's ANALYZE (PostgreSQL is always analyzed, as autovacuum would)."""
    with Journal.open(url) as journal:
        engine = journal.engine
        _fill(engine, encounters, random.Random(seed), analyze)
        return journal.counts()


def _fill(engine: Engine, n: int, rng: random.Random, analyze: bool) -> None:
    people = max(n // 4, 1)
    events = max(n // 200, 1)
    series = max(events // 10, 1)
    questions = [
        f"Question number {i}: what is your main problem with topic {i}?" for i in range(300)
    ]
    event_dates: list[dt.date] = []

    def event_rows() -> Iterator[dict[str, Any]]:
        for i in range(1, events + 1):
            day = START + dt.timedelta(days=rng.randrange(DAYS))
            event_dates.append(day)
            in_series = rng.random() < 0.2
            label = f"Series {rng.randrange(series)}" if in_series else None
            name = f"Event {i}"
            yield {
                "id": i,
                "name": name,
                "name_key": fold(name),
                "start_date": day,
                "kind": "meetup",
                "series": label,
                "series_key": fold(label) if label else None,
                "hours": Decimal(rng.randrange(1, 9)),
                "cost": Decimal(rng.randrange(0, 20000)) / 100 if rng.random() < 0.6 else None,
                "currency": "EUR",
                "created_at": NOW,
                "updated_at": NOW,
            }

    def person_rows() -> Iterator[dict[str, Any]]:
        for i in range(1, people + 1):
            field = rng.choice(FIELDS) if rng.random() < 0.9 else None
            name = f"Person {i}"
            yield {
                "id": i,
                "display_name": name,
                "name_key": fold(name),
                "field": field,
                "field_key": fold(field) if field else None,
                "organization": f"Org {i % 997}",
                "created_at": NOW,
                "updated_at": NOW,
            }

    lead_id = 0
    question_id = 0
    outcome_id = 0
    followup_id = 0
    leads: list[dict[str, Any]] = []
    qrows: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    followups: list[dict[str, Any]] = []

    def encounter_rows() -> Iterator[dict[str, Any]]:
        nonlocal lead_id, question_id, outcome_id, followup_id
        for i in range(1, n + 1):
            event_id = rng.randrange(1, events + 1) if rng.random() < 0.85 else None
            if event_id is not None:
                day = event_dates[event_id - 1]
            else:
                day = START + dt.timedelta(days=rng.randrange(DAYS))
            override = rng.random()
            yield {
                "id": i,
                "person_id": rng.randrange(1, people + 1),
                "event_id": event_id,
                "date": day,
                "pitched": rng.random() < 0.05,
                "outside_field": (override < 0.025) if override < 0.05 else None,
                "stakes": "Their budget" if rng.random() < 0.05 else None,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for position in range(rng.choice((0, 1, 1, 2))):
                question_id += 1
                asked = rng.choice(questions)
                qrows.append(
                    {
                        "id": question_id,
                        "encounter_id": i,
                        "position": position,
                        "asked": asked,
                        "asked_key": question_key(asked),
                        "learned": "They buy in bulk" if rng.random() < 0.3 else None,
                    }
                )
            if rng.random() < 0.30:
                lead_id += 1
                paid = rng.random() < 0.05 / 0.30
                status = "won" if paid else rng.choice(STATUSES)
                leads.append(
                    {
                        "id": lead_id,
                        "encounter_id": i,
                        "kind": rng.choice(KINDS),
                        "summary": f"Lead {lead_id}",
                        "status": status,
                        "status_changed_on": day,
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                )
                if paid:
                    outcome_id += 1
                    outcomes.append(
                        {
                            "id": outcome_id,
                            "lead_id": lead_id,
                            "date": day + dt.timedelta(days=rng.randrange(0, 200)),
                            "description": "Paid",
                            "kind": "revenue",
                            "value": Decimal(rng.randrange(100, 5_000_000)) / 100,
                            "currency": "EUR" if rng.random() < 0.9 else "USD",
                            "created_at": NOW,
                        }
                    )
            if rng.random() < 0.10:
                followup_id += 1
                followups.append(
                    {
                        "id": followup_id,
                        "person_id": rng.randrange(1, people + 1),
                        "encounter_id": i,
                        "due": day + dt.timedelta(days=rng.randrange(1, 30)),
                        "action": "Send the deck",
                        "done_on": day + dt.timedelta(days=3) if rng.random() < 0.7 else None,
                        "created_at": NOW,
                    }
                )

    with engine.begin() as connection:
        connection.execute(
            insert(Profile), [{"id": 1, "hourly_rate": Decimal(80), "currency": "EUR"}]
        )
        connection.execute(insert(ProfileField), [{"name": f, "key": fold(f)} for f in OWN_FIELDS])
        for batch in _chunks(event_rows()):
            connection.execute(insert(Event), batch)
        for batch in _chunks(person_rows()):
            connection.execute(insert(Person), batch)
        for batch in _chunks(encounter_rows()):
            connection.execute(insert(Encounter), batch)
            # Children of this batch, parents first (outcomes after their leads).
            for table, pending in (
                (Question, qrows),
                (Lead, leads),
                (Outcome, outcomes),
                (FollowUp, followups),
            ):
                if pending:
                    connection.execute(insert(table), pending)
                    pending.clear()
        if engine.dialect.name == "postgresql":
            for table in (
                "events",
                "people",
                "encounters",
                "questions",
                "leads",
                "outcomes",
                "followups",
            ):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
    if analyze or engine.dialect.name == "postgresql":  # PostgreSQL's autovacuum would
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
