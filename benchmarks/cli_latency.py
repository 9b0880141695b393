"""How long a user waits for ``netjournal``: whole processes, on a journal of 100,000 encounters.

    python benchmarks/cli_latency.py [--runs 15] [--db /tmp/netjournal-bench.db]

Times ``netjournal --help`` (in English, and in French: ``--lang fr --help`` and ``--lang fr
log --help``, which read the French catalog), ``netjournal log ...`` (with ISO dates, with
``yesterday``, and in French with ``-d hier --follow-up "vendredi prochain:..."``, which must
not import the general date library), ``netjournal people show ...`` and the listings
(``people``, ``event``, ``lead``, ``followup`` and ``outcome list``, and ``people list --sort
strength``, which scores every tie), each a fresh process as a user runs them, beside ``python
-c "import click"`` and ``python -c "import sqlalchemy.orm"`` measured in the same run,
interleaved so that machine noise hits every command alike. Prints a Markdown table of medians
and minimums and the ratios the project aims for: ``--help`` (in either language) within 2x of
importing click, every other command within 1.2x of importing the SQLAlchemy ORM. Run it with
netjournal installed as users install it (``pip install .``): an editable install adds some
10 ms of its own import finder to every command.

The journal (``--db``, else ``$NETJOURNAL_DB``, else ``netjournal-bench.db`` in the temporary
folder; the first line says which) is built once, and reused when it already holds it, with
bulk inserts of our own: 5,000 people, 200 events, 100,000 encounters, a question on every
encounter, a lead on one in ten, an outcome on one lead in four, and a follow-up on one
encounter in a hundred (one in five of them still open).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys

from _timing import installed_script, sample
from _where import in_temp, journal_location, shown

PEOPLE = 5_000
EVENTS = 200
ENCOUNTERS = 100_000
CHUNK = 10_000


def person_name(i: int) -> str:
    return f"Ana Bench {i:05d}"


def build(path: str) -> None:
    """Fill ``path`` with the benchmark journal unless it is already there."""
    from sqlalchemy import insert

    from netjournal import Journal
    from netjournal.models import Encounter, Event, FollowUp, Lead, Outcome, Person, Question
    from netjournal.text import fold, question_key

    with Journal.open(path) as journal:
        if journal.counts()["encounters"] >= ENCOUNTERS:
            return
        if journal.counts()["people"]:
            sys.exit(f"{path} holds another journal; give --db a new file.")
        start = dt.date(2024, 1, 1)
        with journal.store.write(None) as session:  # a fixture: no history
            session.execute(
                insert(Person),
                [
                    {
                        "display_name": person_name(i),
                        "name_key": fold(person_name(i)),
                        "organization": f"Org {i % 700}",
                        "field": ("packaging", "fintech", "retail", "design")[i % 4],
                        "field_key": ("packaging", "fintech", "retail", "design")[i % 4],
                    }
                    for i in range(PEOPLE)
                ],
            )
            session.execute(
                insert(Event),
                [
                    {
                        "name": f"Bench Event {i:04d}",
                        "name_key": f"bench event {i:04d}",
                        "start_date": start + dt.timedelta(days=3 * i),
                        "kind": "meetup",
                    }
                    for i in range(EVENTS)
                ],
            )
        for offset in range(0, ENCOUNTERS, CHUNK):
            with journal.store.write(None) as session:  # a fixture: no history
                rows = range(offset, min(offset + CHUNK, ENCOUNTERS))
                session.execute(
                    insert(Encounter),
                    [
                        {
                            "id": i + 1,
                            "person_id": i % PEOPLE + 1,
                            "event_id": i % EVENTS + 1,
                            "date": start + dt.timedelta(days=3 * (i % EVENTS)),
                            "notes": f"Talked about batch {i}",
                            "pitched": i % 3 == 0,
                        }
                        for i in rows
                    ],
                )
                asked = "What keeps you busy this quarter?"
                session.execute(
                    insert(Question),
                    [
                        {
                            "encounter_id": i + 1,
                            "position": 0,
                            "asked": asked,
                            "asked_key": question_key(asked),
                            "learned": f"Project {i % 97}",
                        }
                        for i in rows
                    ],
                )
                session.execute(
                    insert(Lead),
                    [
                        {
                            "encounter_id": i + 1,
                            "kind": "supplier",
                            "summary": f"Lead {i}",
                            "status": "open",
                            "status_changed_on": start,
                        }
                        for i in rows
                        if i % 10 == 0
                    ],
                )
                session.execute(
                    insert(Outcome),
                    [
                        {
                            "lead_id": i // 10 + 1,
                            "date": start + dt.timedelta(days=3 * (i % EVENTS) + 30),
                            "description": f"Order {i}",
                            "value": i % 1000,
                            "currency": "EUR",
                            "kind": "revenue",
                        }
                        for i in rows
                        if i % 40 == 0
                    ],
                )
                session.execute(
                    insert(FollowUp),
                    [
                        {
                            "person_id": i % PEOPLE + 1,
                            "encounter_id": i + 1,
                            "due": start + dt.timedelta(days=3 * (i % EVENTS) + 7),
                            "action": f"Send the deck {i}",
                            "done_on": None if i % 500 == 0 else start,
                        }
                        for i in rows
                        if i % 100 == 0
                    ],
                )
        print(f"built {path}: {journal.counts()}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--db", help="journal path or URL (default: $NETJOURNAL_DB, else one in the temp folder)"
    )
    args = parser.parse_args()
    where, origin = journal_location(args.db, in_temp("netjournal-bench.db"))
    print(f"journal: {shown(where, origin)}")
    build(where)
    python = sys.executable
    script = installed_script()
    db = ["--db", where]
    who = person_name(42)
    # Shown: another person, whom the log rows (which log person 42 again at every run) leave
    # with the journal's twenty encounters, so the row does not grow from run to run.
    shown_person = person_name(43)
    commands = {
        'python -c "import click"': [python, "-c", "import click"],
        'python -c "import sqlalchemy.orm"': [python, "-c", "import sqlalchemy.orm"],
        "netjournal --help": [script, "--help"],
        "netjournal --lang fr --help": [script, "--lang", "fr", "--help"],
        "netjournal --lang fr log --help": [script, "--lang", "fr", "log", "--help"],
        "netjournal log ...": [
            script,
            *db,
            "log",
            who,
            "--event",
            "Bench Event 0042",
            "--date",
            "2024-05-06",  # the day of that event
            "--asked",
            "Who makes your boxes? => A Lyon firm",
            "--lead",
            "supplier:Cheaper boxes",
            "--follow-up",
            "2024-05-13:Send our volumes",
            "--again",  # every run logs the same evening once more
        ],
        "netjournal log ... --date yesterday": [
            script,
            *db,
            "log",
            who,
            "--date",
            "yesterday",
            "--again",
        ],
        "netjournal log -d hier --follow-up 'vendredi prochain:...'": [
            script,
            *db,
            "log",
            who,
            "-d",
            "hier",
            "--lead",
            "fournisseur:Des cartons moins chers",
            "--follow-up",
            "vendredi prochain:Envoyer le devis",
            "--again",
        ],
        "netjournal people show ...": [script, *db, "people", "show", shown_person],
        "netjournal people list --limit 20": [script, *db, "people", "list", "--limit", "20"],
        "netjournal people list --sort strength --limit 20": [
            script,
            *db,
            "people",
            "list",
            "--sort",
            "strength",
            "--limit",
            "20",
        ],
        "netjournal event list --limit 20": [script, *db, "event", "list", "--limit", "20"],
        "netjournal lead list --limit 20": [script, *db, "lead", "list", "--limit", "20"],
        "netjournal followup list": [script, *db, "followup", "list"],
        "netjournal outcome list --limit 20": [script, *db, "outcome", "list", "--limit", "20"],
    }
    samples = sample(commands, args.runs)
    median = {name: statistics.median(values) for name, values in samples.items()}
    click_base = median['python -c "import click"']
    orm_base = median['python -c "import sqlalchemy.orm"']
    print(f"{args.runs} runs each, {ENCOUNTERS:,} encounters, Python {sys.version.split()[0]}\n")
    print("| command | median (ms) | min (ms) | ratio | target |")
    print("|---|---:|---:|---:|---|")
    for name, values in samples.items():
        if name.endswith("--help"):
            ratio, target = median[name] / click_base, "≤ 2x import click"
        elif name.startswith("netjournal"):
            ratio, target = median[name] / orm_base, "≤ 1.2x import sqlalchemy.orm"
        else:
            ratio, target = 1.0, "baseline"
        print(
            f"| `{name}` | {median[name] * 1000:.0f} | {min(values) * 1000:.0f} "
            f"| {ratio:.2f}x | {target} |"
        )


if __name__ == "__main__":
    main()
