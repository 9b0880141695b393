"""Six processes logging the same new person at once make one person, on both backends
(issue 19, item 10: PostgreSQL made three, and the name stayed ambiguous for good)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from netjournal import Journal

pytestmark = pytest.mark.slow

WORKERS = 6
NAMES = 20

WORKER = textwrap.dedent(
    """
    import sys, time
    from netjournal import Journal

    url, start, worker, NAMES = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    with Journal.open(url) as journal:
        journal.people.list()  # connected and warm before the start
        time.sleep(max(0.0, start - time.time()))
        for k in range(NAMES):  # every worker, the same new names in the same order
            journal.log(f"Race Person {k}", notes=f"met by worker {worker}", again=True)
    """
)


def test_six_processes_logging_the_same_new_names_make_one_person_each(
    journal_url: str, tmp_path: Path
) -> None:
    with Journal.open(journal_url):
        pass
    start = time.time() + 3  # all of them past their imports, then at the same instant
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, journal_url, str(start), str(w), str(NAMES)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    failures = []
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        if proc.returncode != 0:
            failures.append(err.strip().splitlines()[-1])
    assert failures == []
    with Journal.open(journal_url) as journal:
        names = sorted(p.display_name for p in journal.people.list())
        assert names == sorted(f"Race Person {k}" for k in range(NAMES))
        assert journal.counts()["encounters"] == WORKERS * NAMES
        journal.log("Race Person 7", notes="later, by name", again=True)  # not ambiguous
