"""Benchmark: JSON export (time and peak Python memory), CSV export and JSON re-import.

    python benchmarks/export.py                          # 100k encounters in a temporary SQLite
    python benchmarks/export.py --db postgresql+psycopg://postgres@127.0.0.1/empty_db

The journal is filled with SQLAlchemy Core bulk inserts (not the public API, which would take
minutes): people with contact points and tags, events, encounters with questions, leads with
outcomes, follow-ups. The export runs twice: once timed, once under ``tracemalloc`` for the
peak memory (tracemalloc slows Python down, so its run is not timed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

from _where import journal_location, require_empty, shown
from sqlalchemy import insert, text

from netjournal import Journal
from netjournal.models import (
    ContactPoint,
    Encounter,
    Event,
    FollowUp,
    Lead,
    Outcome,
    Person,
    Question,
    Tag,
    encounter_tags,
    person_tags,
)
from netjournal.text import contact_key, fold, question_key

FIRST = ["Hélène", "Marc", "Zoé", "John", "Aïcha", "Lukas", "Mei", "Olu", "Sofia", "Ivan"]
LAST = ["Dubois", "Martin", "Smith", "Nguyen", "Okafor", "Rossi", "Müller", "García", "Kim"]
QUESTIONS = ["Who makes your boxes?", "What keeps you up at night?", "How do you hire?"]


def fill(journal: Journal, encounters: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    people = max(encounters // 5, 1)
    events = max(encounters // 100, 1)
    now = dt.datetime(2026, 1, 1)
    rows: dict[Any, list[dict[str, Any]]] = {}
    rows[Tag.__table__] = [{"id": i, "name": f"tag{i}", "key": f"tag{i}"} for i in range(1, 21)]
    rows[Person.__table__] = []
    rows[ContactPoint.__table__] = []
    rows[person_tags] = []
    for pid in range(1, people + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {pid}"
        rows[Person.__table__].append(
            {
                "id": pid,
                "display_name": name,
                "name_key": fold(name),
                "organization": "Acme",
                "notes": "Met at the bar;\nvery keen 🎉",
                "created_at": now,
                "updated_at": now,
            }
        )
        email = f"person{pid}@example.test"
        rows[ContactPoint.__table__].append(
            {
                "person_id": pid,
                "kind": "email",
                "value": email,
                "value_key": contact_key("email", email),
                "label": "work",
            }
        )
        rows[person_tags].append({"person_id": pid, "tag_id": rng.randint(1, 20)})
    rows[Event.__table__] = [
        {
            "id": eid,
            "name": f"Meetup {eid}",
            "name_key": f"meetup {eid}",
            "start_date": dt.date(2025, 1, 1) + dt.timedelta(days=eid % 365),
            "kind": "meetup",
            "hours": Decimal("3.50"),
            "cost": Decimal("25.00"),
            "currency": "EUR",
            "created_at": now,
            "updated_at": now,
        }
        for eid in range(1, events + 1)
    ]
    for table in (Encounter, Question, Lead, Outcome, FollowUp):
        rows[table.__table__] = []
    rows[encounter_tags] = []
    lead_id = 0
    for eid in range(1, encounters + 1):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=eid % 600)
        rows[Encounter.__table__].append(
            {
                "id": eid,
                "person_id": rng.randint(1, people),
                "event_id": rng.randint(1, events),
                "date": day,
                "notes": "Talked about packaging, costs; next steps.",
                "pitched": eid % 3 == 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        rows[encounter_tags].append({"encounter_id": eid, "tag_id": rng.randint(1, 20)})
        for position in range(eid % 3):
            asked = QUESTIONS[position]
            rows[Question.__table__].append(
                {
                    "encounter_id": eid,
                    "position": position,
                    "asked": asked,
                    "asked_key": question_key(asked),
                    "learned": "A Lyon firm, 20% cheaper",
                }
            )
        if eid % 4 == 0:
            lead_id += 1
            rows[Lead.__table__].append(
                {
                    "id": lead_id,
                    "encounter_id": eid,
                    "kind": "supplier",
                    "summary": "Boxes",
                    "status": "won",
                    "status_changed_on": day,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            rows[Outcome.__table__].append(
                {
                    "lead_id": lead_id,
                    "date": day,
                    "description": "Savings",
                    "value": Decimal(rng.randint(1, 10**6)) / 100,
                    "currency": "EUR",
                    "kind": "savings",
                    "created_at": now,
                }
            )
        if eid % 10 == 0:
            rows[FollowUp.__table__].append(
                {
                    "person_id": rows[Encounter.__table__][-1]["person_id"],
                    "encounter_id": eid,
                    "due": day,
                    "action": "Send the deck",
                    "created_at": now,
                }
            )
    with journal.engine.begin() as conn:
        for table, batch in rows.items():
            for start in range(0, len(batch), 5000):
                conn.execute(insert(table), batch[start : start + 5000])
    if journal.backend == "postgresql":  # as autovacuum would, before anyone queries
        with journal.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return journal.counts()


def timed(label: str, func: Any) -> Any:
    start = time.perf_counter()
    result = func()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encounters", type=int, default=100_000)
    parser.add_argument(
        "--db", help="an empty journal (default: $NETJOURNAL_DB, else a temporary SQLite file)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        where, origin = journal_location(args.db, Path(folder) / "bench.db")
        require_empty(where, origin)
        print(f"journal: {shown(where, origin)}")
        out = Path(folder) / "export.json"
        with Journal.open(where) as journal:
            counts = timed("fill (Core bulk inserts)", lambda: fill(journal, args.encounters))
            print("journal:", ", ".join(f"{n} {k}" for k, n in counts.items()))
            with out.open("w", encoding="utf-8") as fp:
                timed("JSON export", lambda: journal.export_json(fp))
            print(f"JSON size: {out.stat().st_size / 1e6:.1f} MB")
            tracemalloc.start()
            with open(os.devnull, "w", encoding="utf-8") as fp:
                journal.export_json(fp)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"JSON export peak Python memory (tracemalloc): {peak / 1e6:.1f} MB")
            with open(os.devnull, "w", encoding="utf-8", newline="") as fp:
                timed("CSV export", lambda: journal.export_csv(fp))
        with Journal.open(Path(folder) / "copy.db") as copy, out.open(encoding="utf-8") as fp:
            timed(
                "JSON import into an empty SQLite journal",
                lambda: copy.import_json(fp, source_name=str(out)),
            )


if __name__ == "__main__":
    main()
