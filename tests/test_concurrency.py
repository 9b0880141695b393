"""Several processes logging into one journal at once: nothing lost, nothing fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import LOGGING_WORKER

from netjournal import Journal

pytestmark = pytest.mark.slow

WORKERS = 8
PER_WORKER = 250


def test_eight_processes_log_2000_encounters_without_error(
    journal_url: str, tmp_path: Path
) -> None:
    with Journal.open(journal_url):  # schema created once, before the race
        pass
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LOGGING_WORKER, journal_url, str(w), str(PER_WORKER)],
            cwd=tmp_path,  # the installed package, not a checkout's netjournal/
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    failures = []
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            failures.append(err.strip().splitlines()[-1] if err.strip() else proc.returncode)
    assert failures == []
    with Journal.open(journal_url) as journal:
        counts = journal.counts()
    assert counts["encounters"] == WORKERS * PER_WORKER
    assert counts["people"] == WORKERS * 25
    assert counts["leads"] == WORKERS * PER_WORKER // 10
