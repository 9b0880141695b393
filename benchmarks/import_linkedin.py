"""Time importing a LinkedIn Connections.csv of N rows into a fresh journal (and re-importing it).

    python benchmarks/import_linkedin.py --rows 10000 [--db URL]

Target: 10,000 rows in under 5 s on a 2-core machine. Prints one line per phase.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from _where import journal_location, require_empty, shown

from netjournal import Journal

FIRST = [
    "Hélène",
    "Marc",
    "Nina",
    "Zoé",
    "Paul",
    "Ana",
    "Chloé",
    "Karim",
    "Li",
    "Jürgen",
    "Siobhán",
]
LAST = ["Dubois", "Dupont", "Kowalski", "Martin", "Nguyen", "Silva", "Müller", "O'Brien", "Ødegård"]
COMPANIES = ["Emballix", "Acme", "Biolab", "Globex", "Initech", "Hooli", "Umbrella", "Stark"]
TITLES = ["CTO", "Buyer", "Researcher", "Founder", "Head of Sales", "Engineer", "Designer"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        fh.write('Notes:\n"Some e-mail addresses may be missing."\n\n')
        writer = csv.writer(fh)
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            slug = f"{first}-{last}-{i}".lower()
            email = f"{slug}@example.test" if rng.random() < 0.4 else ""
            day = f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(2015, 2026)}"
            writer.writerow(
                [
                    first,
                    f"{last} {i}",
                    f"https://www.linkedin.com/in/{slug}",
                    email,
                    rng.choice(COMPANIES),
                    rng.choice(TITLES),
                    day,
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--db",
        help="an empty journal's URL or path (default: $NETJOURNAL_DB, else a temporary file)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where, origin = journal_location(args.db, Path(tmp) / "journal.db")
        require_empty(where, origin)
        print(f"journal: {shown(where, origin)}")
        source = Path(tmp) / "Connections.csv"
        write_csv(source, args.rows)
        with Journal.open(where) as journal:
            start = time.perf_counter()
            report = journal.import_file("linkedin", source)
            first = time.perf_counter() - start
            start = time.perf_counter()
            again = journal.import_file("linkedin", source)
            second = time.perf_counter() - start
    print(
        f"rows={args.rows} import={first:.2f}s created={len(report.created)} "
        f"connections={report.encounters_created}"
    )
    print(f"rows={args.rows} re-import={second:.2f}s unchanged={len(again.unchanged)}")


if __name__ == "__main__":
    main()
