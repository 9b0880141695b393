"""Time syncing a journal with a vdir: the first sync of N contacts, a second run with nothing
changed, and a run with 10 changed contacts (5 cards edited in the vdir, 5 people in the
journal).

    python benchmarks/sync_vdir.py --contacts 5000 [--db URL]

Half the contacts start as cards in the vdir (each with an address, a birthday and an X-
property, as phones write them), half as people in the journal (imported from a vCard file).
Targets on a 2-core machine: the first sync of 5,000 contacts under 10 s, a run with 10
changed contacts under 1 s. Prints one line per phase: the wall-clock time, and the CPU time
of this process (on a shared machine the first moves with the load, the second much less; on
PostgreSQL the server's own work is in the first only), and the load average at the start.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _where import journal_location, require_empty, shown

from netjournal import Journal
from netjournal.vdir import SyncReport

FIRST = ["Hélène", "Marc", "Nina", "Zoé", "Paul", "Ana", "Chloé", "Karim", "Li", "Jürgen"]
LAST = ["Dubois", "Dupont", "Kowalski", "Martin", "Nguyen", "Silva", "Müller", "O'Brien"]
COMPANIES = ["Emballix", "Acme", "Biolab", "Globex", "Initech", "Hooli", "Umbrella", "Stark"]
TITLES = ["CTO", "Buyer", "Researcher", "Founder", "Head of Sales", "Engineer", "Designer"]


def card(i: int, rng: random.Random, prefix: str) -> str:
    first, last = rng.choice(FIRST), f"{rng.choice(LAST)} {prefix}{i}"
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"UID:{prefix}-{i:06d}@bench.test\r\n"
        f"FN:{first} {last}\r\nN:{last};{first};;;\r\n"
        f"ORG:{rng.choice(COMPANIES)}\r\nTITLE:{rng.choice(TITLES)}\r\n"
        f"EMAIL;TYPE=INTERNET,WORK:{prefix}{i}@example.test\r\n"
        f"TEL;TYPE=CELL:+33 6 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d} 00\r\n"
        f"ADR;TYPE=WORK:;;{i} rue de la Paix;Lyon;;69001;France\r\n"
        f"BDAY:19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\r\n"
        f"X-MET-AT:Lyon Tech {rng.randint(2015, 2026)}\r\n"
        "END:VCARD\r\n"
    )


def timed(call: Callable[[], SyncReport]) -> tuple[SyncReport, str]:
    """The report of ``call`` and how long it took: wall-clock and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    report = call()
    return report, f"{time.perf_counter() - wall:.2f}s (cpu {time.process_time() - cpu:.2f}s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=5_000)
    parser.add_argument(
        "--db",
        help="an empty journal's URL or path (default: $NETJOURNAL_DB, else a temporary file)",
    )
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        where, origin = journal_location(args.db, Path(tmp) / "journal.db")
        require_empty(where, origin)
        print(f"journal: {shown(where, origin)}")
        vdir = Path(tmp) / "contacts"
        vdir.mkdir()
        half = args.contacts // 2
        for i in range(half):
            (vdir / f"v{i:06d}.vcf").write_text(card(i, rng, "v"), newline="")
        source = Path(tmp) / "people.vcf"
        source.write_text("".join(card(i, rng, "j") for i in range(args.contacts - half)))
        with Journal.open(where) as journal:
            journal.import_file("vcard", source)
            load = os.getloadavg()[0]
            first, first_s = timed(lambda: journal.sync_vdir(vdir))
            again, again_s = timed(lambda: journal.sync_vdir(vdir))
            for i in range(5):
                path = vdir / f"v{i * 97:06d}.vcf"
                path.write_text(path.read_text().replace("TITLE:", "TITLE:Senior "), newline="")
            for person in journal.people.list(limit=5, offset=half):
                journal.people.update(person, title="Changed in the journal")
            ten, ten_s = timed(lambda: journal.sync_vdir(vdir))
    print(f"load average at the start: {load:.1f}")
    print(
        f"contacts={args.contacts} first sync={first_s} "
        f"journal added={len(first.journal_added)} vdir added={len(first.vdir_added)}"
    )
    changed = len(again.journal_updated) + len(again.vdir_updated)
    print(f"contacts={args.contacts} no change={again_s} changed={changed}")
    print(
        f"contacts={args.contacts} 10 changed={ten_s} "
        f"journal updated={len(ten.journal_updated)} vdir updated={len(ten.vdir_updated)}"
    )


if __name__ == "__main__":
    main()
