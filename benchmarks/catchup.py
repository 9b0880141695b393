"""How long ``netjournal catchup`` takes on 20,000 people and 100,000 encounters.

    python benchmarks/catchup.py [--runs 9] [--db /tmp/netjournal-catchup.db]

Times ``netjournal catchup --limit 20``, ``catchup --tag clients --limit 20`` and the whole
list (``catchup --json``: every person due, thousands of rows), and ``people list --limit 20``
for scale (a quick command that reads little), each a fresh process as a user runs it, beside
``python -c "import sqlalchemy.orm"`` measured in the same run, interleaved so
that machine noise hits every command alike. Prints a Markdown table of medians and minimums
and the ratio to importing the ORM (the issue's target: within 1.2x for ``catchup``).

The journal (``--db``, else ``$NETJOURNAL_DB``, else ``netjournal-catchup-bench.db`` in the
temporary folder; the first line says which) is built once with bulk inserts, and reused when
it already holds it: 20,000 people, 100,000 encounters over two years (five per person, one in
twenty a LinkedIn connection), a question on every encounter (twelve different ones), a lead on
one in ten, an outcome on one lead in four, a follow-up on one in a hundred (four in five of them
done); three tags with cadences (clients every 30 days at most 60, friends 90, team 14), worn by
two people in three, and one person in ten with a cadence of their own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys

from _timing import installed_script, sample
from _where import in_temp, journal_location, shown

PEOPLE = 20_000
ENCOUNTERS = 100_000
CHUNK = 10_000
START = dt.date(2024, 12, 1)
DAYS = 730
QUESTIONS = [f"What keeps you busy this quarter, part {i}?" for i in range(12)]
TAGS = (("clients", 30, 60), ("friends", 90, None), ("team", 14, None))


def build(path: str) -> None:
    """Fill ``path`` with the benchmark journal unless it is already there."""
    from sqlalchemy import insert

    from netjournal import Journal
    from netjournal import tables as t
    from netjournal.text import fold, question_key

    with Journal.open(path) as journal:
        counts = journal.counts()
        if counts["encounters"] >= ENCOUNTERS:
            return
        if counts["people"]:
            sys.exit(f"{path} holds another journal; give --db a new file.")
        with journal.store.transaction(None) as connection:  # a fixture: no history
            connection.execute(
                insert(t.tags),
                [
                    {"id": i + 1, "name": name, "key": name, "cadence_days": every,
                     "cadence_max_days": most}
                    for i, (name, every, most) in enumerate(TAGS)
                ],
            )  # fmt: skip
            connection.execute(
                insert(t.people),
                [
                    {
                        "id": i + 1,
                        "display_name": f"Ana Catchup {i:05d}",
                        "name_key": fold(f"Ana Catchup {i:05d}"),
                        "organization": f"Org {i % 700}",
                        "cadence_days": 21 if i % 10 == 0 else None,
                        "created_at": dt.datetime(2024, 11, 1),
                        "updated_at": dt.datetime(2024, 11, 1),
                    }
                    for i in range(PEOPLE)
                ],
            )
            connection.execute(
                insert(t.person_tags),
                [
                    {"person_id": i + 1, "tag_id": tag}
                    for i in range(PEOPLE)
                    for tag in ((i % 3 + 1,) if i % 3 else (1, 2))
                    if i % 6 != 5
                ],
            )
        for offset in range(0, ENCOUNTERS, CHUNK):
            with journal.store.transaction(None) as connection:
                rows = range(offset, min(offset + CHUNK, ENCOUNTERS))
                connection.execute(
                    insert(t.encounters),
                    [
                        {
                            "id": i + 1,
                            "person_id": i % PEOPLE + 1,
                            "date": START + dt.timedelta(days=(i * 7919) % DAYS),
                            "notes": f"Talked about batch {i}",
                            "kind": "connection" if i % 20 == 7 else "meeting",
                        }
                        for i in rows
                    ],
                )
                connection.execute(
                    insert(t.questions),
                    [
                        {
                            "encounter_id": i + 1,
                            "position": 0,
                            "asked": QUESTIONS[i % 12],
                            "asked_key": question_key(QUESTIONS[i % 12]),
                            "learned": f"Project {i % 97}",
                        }
                        for i in rows
                    ],
                )
                connection.execute(
                    insert(t.leads),
                    [
                        {
                            "id": i // 10 + 1,
                            "encounter_id": i + 1,
                            "kind": ("supplier", "customer", "partner")[i % 3],
                            "summary": f"Lead {i}",
                            "status": "open" if i % 4 else "won",
                            "status_changed_on": START,
                        }
                        for i in rows
                        if i % 10 == 0
                    ],
                )
                connection.execute(
                    insert(t.outcomes),
                    [
                        {
                            "lead_id": i // 10 + 1,
                            "date": START + dt.timedelta(days=30),
                            "description": f"Order {i}",
                            "value": i % 1000,
                            "currency": "EUR",
                            "kind": "revenue",
                        }
                        for i in rows
                        if i % 40 == 0
                    ],
                )
                connection.execute(
                    insert(t.followups),
                    [
                        {
                            "person_id": i % PEOPLE + 1,
                            "encounter_id": i + 1,
                            "due": START + dt.timedelta(days=(i * 7919) % DAYS + 7),
                            "action": f"Send the deck {i}",
                            "done_on": None
                            if i % 500 == 0
                            else START + dt.timedelta(days=(i * 7919) % DAYS + 5),
                        }
                        for i in rows
                        if i % 100 == 0
                    ],
                )
        print(f"built {path}: {journal.counts()}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--db", help="journal path or URL (default: $NETJOURNAL_DB, else one in the temp folder)"
    )
    args = parser.parse_args()
    where, origin = journal_location(args.db, in_temp("netjournal-catchup-bench.db"))
    print(f"journal: {shown(where, origin)}")
    build(where)
    python = sys.executable
    script = installed_script()
    today = ["--today", (START + dt.timedelta(days=DAYS)).isoformat()]
    catchup = [script, "--db", where, "catchup", *today]
    commands = {
        'python -c "import sqlalchemy.orm"': [python, "-c", "import sqlalchemy.orm"],
        "netjournal people list --limit 20 (for scale)":
            [script, "--db", where, "people", "list", "--limit", "20"],
        "netjournal catchup --limit 20": [*catchup, "--limit", "20"],
        "netjournal catchup --tag clients --limit 20":
            [*catchup, "--tag", "clients", "--limit", "20"],
        "netjournal catchup --json (everyone due)": [*catchup, "--json"],
    }  # fmt: skip
    due = subprocess.run([*catchup, "--csv"], capture_output=True, text=True, check=True)
    samples = sample(commands, args.runs)
    median = {name: statistics.median(values) for name, values in samples.items()}
    base = median['python -c "import sqlalchemy.orm"']
    print(
        f"{args.runs} runs each, {PEOPLE:,} people, {ENCOUNTERS:,} encounters, "
        f"{len(due.stdout.splitlines()) - 1:,} people due, Python {sys.version.split()[0]}\n"
    )
    print("| command | median (ms) | min (ms) | ratio to import sqlalchemy.orm |")
    print("|---|---:|---:|---:|")
    for name, values in samples.items():
        print(
            f"| `{name}` | {median[name] * 1000:.0f} | {min(values) * 1000:.0f} "
            f"| {median[name] / base:.2f}x |"
        )


if __name__ == "__main__":
    main()
