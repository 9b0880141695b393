"""How long each report takes on a large journal (in-process, best of a few runs).

    python benchmarks/reports.py --size 100000
    python benchmarks/reports.py --size 1000000
    python benchmarks/reports.py --size 100000 --url postgresql+psycopg://postgres@127.0.0.1/bench

A SQLite journal is built once per size under the temporary folder and reused; a PostgreSQL
database given by ``--url`` must exist; it is filled when empty and reused after that.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _reports_data import build  # noqa: E402
from _where import journal_location, require_empty  # noqa: E402

from netjournal import Journal  # noqa: E402

CASES = [
    ("payoff", {"attribution": "first"}),
    ("payoff", {"attribution": "last"}),
    ("payoff", {"attribution": "linear"}),
    ("events", {}),
    ("fields", {}),
    ("questions", {}),
    ("leads", {}),
    ("pitches", {}),
    ("followups", {"today": "2025-06-01", "soon": 14}),
    ("prep", {}),
]


def _busiest_series_event(journal: Journal) -> int:
    from sqlalchemy import func, select

    from netjournal.models import Encounter, Event

    with journal.engine.connect() as connection:
        found = connection.execute(
            select(Event.id)
            .join(Encounter, Encounter.event_id == Event.id)
            .where(Event.series_key.is_not(None))
            .group_by(Event.id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
    return int(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="number of encounters")
    parser.add_argument(
        "--db",
        "--url",
        dest="url",
        help="journal path or URL (default: $NETJOURNAL_DB, else a SQLite file in the temp folder)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the SQLite journal")
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE on SQLite")
    parser.add_argument("--runs", type=int, default=3, help="runs per report (best is kept)")
    args = parser.parse_args()

    url, origin = journal_location(args.url, "")
    fresh = args.rebuild
    if not url:
        path = Path(tempfile.gettempdir()) / f"netjournal-bench-reports-{args.size}.db"
        if args.rebuild:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        fresh = fresh or not path.exists()
        url = str(path)
    else:
        with Journal.open(url) as journal:
            fresh = fresh or journal.counts()["encounters"] == 0
        if fresh:
            require_empty(url, origin)
    if fresh:
        started = time.perf_counter()
        counts = build(url, args.size, analyze=args.analyze)
        print(f"built in {time.perf_counter() - started:.1f} s: {counts}")
    with Journal.open(url) as journal:
        print(f"journal: {journal.location.display} ({journal.backend})")
        prep_event = _busiest_series_event(journal)
        print(f"{'report':<22} {'best s':>8} {'median s':>9} {'rows':>8}")
        worst = 0.0
        for name, params in CASES:
            if name == "prep":
                params = {"event": prep_event}
            times = []
            rows = 0
            for _ in range(args.runs):
                started = time.perf_counter()
                report = journal.report(name, **params)
                times.append(time.perf_counter() - started)
                rows = len(report.rows)
            label = name + (f" ({params['attribution']})" if "attribution" in params else "")
            worst = max(worst, min(times))
            print(f"{label:<22} {min(times):>8.3f} {statistics.median(times):>9.3f} {rows:>8}")
        print(f"slowest report: {worst:.3f} s")


if __name__ == "__main__":
    main()
