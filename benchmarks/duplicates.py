"""Benchmark: ``journal.people.duplicates()`` on a large journal of random names.

    python benchmarks/duplicates.py --people 50000

Names are random first and family names (2,000 and 8,000 of them), organizations one of
3,000: realistic block sizes, where comparing every pair would take 1.25 billion comparisons.
"""

from __future__ import annotations

import argparse
import random
import string
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from netjournal import Journal
from netjournal.models import Person
from netjournal.text import fold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()
    rng = random.Random(1)

    def word() -> str:
        letters = "".join(rng.choice("aeioulnrstmkd") for _ in range(rng.randint(3, 8)))
        return rng.choice(string.ascii_uppercase) + letters

    firsts = [word() for _ in range(2000)]
    lasts = [word() for _ in range(8000)]
    rows = []
    for pid in range(1, args.people + 1):
        name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        organization = f"Org {rng.randint(1, 3000)}"
        rows.append(
            {"id": pid, "display_name": name, "name_key": fold(name), "organization": organization}
        )
    with tempfile.TemporaryDirectory() as folder, Journal.open(Path(folder) / "j.db") as journal:
        with journal.engine.begin() as conn:
            conn.execute(insert(Person.__table__), rows)
        start = time.perf_counter()
        pairs = journal.people.duplicates()
        print(f"{args.people} people: {len(pairs)} pairs in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
