"""An encrypted journal under concurrent writers (issue 17, item 4): 8 processes x 250 logs give
exactly 2,000 encounters, and every page's HMAC checks. Its crash tests (SIGKILL during a batch
log, ``db encrypt`` and ``db rekey``) are in tests/test_crash_safety.py, with the kill
machinery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import LOGGING_WORKER, cipher_checks, passphrase_file

from netjournal import Journal

pytest.importorskip("sqlcipher3")
pytestmark = pytest.mark.slow

PASS = "phrase de passe «longue»"
NEW = "une toute autre phrase"


def test_eight_processes_log_2000_encounters_into_an_encrypted_journal(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    secret = passphrase_file(tmp_path, PASS)
    Journal.open(path, passphrase=PASS).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LOGGING_WORKER, str(path), str(w), "250", str(secret)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(8)
    ]
    failures = []
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            failures.append(err.strip().splitlines()[-1] if err.strip() else proc.returncode)
    assert failures == []
    with Journal.open(path, passphrase=PASS) as journal:
        counts = journal.counts()
    assert counts["encounters"] == 2000
    assert counts["people"] == 8 * 25
    assert counts["leads"] == 200
    assert cipher_checks(path, PASS) == ("ok", "ok")
