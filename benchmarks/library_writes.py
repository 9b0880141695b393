"""What one write costs a program using the library: milliseconds and SQL statements per call.

    python benchmarks/library_writes.py [--calls 300] [--db PATH_OR_URL]

Opens one journal (``--db``, else ``$NETJOURNAL_DB``, else a new file in the temporary folder;
a PostgreSQL URL works too, its database must hold no journal data), adds an event and 20
people, then times, one call after another in the same process:

- ``journal.log`` of an encounter at the event with one question (the common case);
- ``journal.log`` of an encounter with a question, a tagged lead and a follow-up;
- ``journal.outcomes.add`` on a lead;
- ``journal.people.update`` of an organization.

Every call is a transaction of its own with its change set in the history, as in real use.
Prints a Markdown table: median and 90th percentile in milliseconds, and the SQL statements
one call sends (counted with SQLAlchemy's ``before_cursor_execute`` event).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from _where import in_temp, journal_location, require_empty, shown
from sqlalchemy import event

from netjournal import Journal

EVENT = "Lyon Tech Meetup"
DAY = "2026-11-20"


def measure(journal: Journal, calls: int, write: Callable[[int], Any]) -> tuple[float, float, int]:
    """Median and 90th percentile (ms) of ``calls`` calls of ``write``, and its statements."""
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    write(0)  # the first call compiles its statements
    event.listen(journal.engine, "before_cursor_execute", count)
    try:
        times = []
        for number in range(1, calls + 1):
            begin = time.perf_counter()
            write(number)
            times.append((time.perf_counter() - begin) * 1000)
    finally:
        event.remove(journal.engine, "before_cursor_execute", count)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)], statements // calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--db", help="journal file or PostgreSQL URL (default: a new temp file)")
    args = parser.parse_args()
    target, origin = journal_location(args.db, in_temp(f"nj-writes-{time.time_ns()}.db"))
    require_empty(target, origin)
    print(f"Journal: {shown(target, origin)}")

    with Journal.open(target) as journal:
        journal.events.add(EVENT, DAY, kind="meetup")
        people = [journal.people.add(f"Person {n}").display_name for n in range(20)]
        lead = journal.log(people[0], event=EVENT, date=DAY, leads=[("supplier", "Boxes")])
        lead_id = lead.leads[0].id

        def plain(n: int) -> Any:
            return journal.log(
                people[n % 20], event=EVENT, date=DAY, questions=["What keeps you up?"], again=True
            )

        def full(n: int) -> Any:
            return journal.log(
                people[n % 20],
                event=EVENT,
                date=DAY,
                again=True,
                questions=[("Who makes your boxes?", "A Lyon firm")],
                leads=[{"kind": "supplier", "summary": f"Boxes {n}", "tags": ["packaging"]}],
                followups=[("2026-11-27", "Send our volumes")],
            )

        def outcome(n: int) -> Any:
            return journal.outcomes.add(lead_id, f"Order {n}", value=str(n + 1), date=DAY)

        def update(n: int) -> Any:
            return journal.people.update(people[n % 20], organization=f"Firm {n}")

        print()
        heading = f"call ({journal.backend}, {args.calls} calls)"
        print(f"| {heading} | median (ms) | p90 (ms) | statements |")
        print("|---|---:|---:|---:|")
        for name, write in [
            ("`log` with a question", plain),
            ("`log` with a question, a tagged lead, a follow-up", full),
            ("`outcomes.add`", outcome),
            ("`people.update` (organization)", update),
        ]:
            median, p90, statements = measure(journal, args.calls, write)
            print(f"| {name} | {median:.2f} | {p90:.2f} | {statements} |")


if __name__ == "__main__":
    main()
