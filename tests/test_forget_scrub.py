"""Forgetting either erases every byte or says plainly that it could not yet, and what to do:
under a reader holding a snapshot, on a full disk, and after a kill between the deletion and
the erasure (issue 19, item 2)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import run
from sqlalchemy import event

from netjournal import Journal
from netjournal.errors import JournalUnavailable

SECRETS = ("Quillembert", "quillembert@secret.test", "Ombrevaux-Lease", "Tremolhac")


def journal_bytes(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{path}{suffix}").exists()
    )


def fill(path: Path) -> None:
    with Journal.open(path) as journal:
        journal.log("Keeper Person", notes="Stays in the journal")
        journal.log(
            "Aurèle Quillembert",
            email="quillembert@secret.test",
            notes="Signed the Ombrevaux-Lease with Tremolhac",
            leads=[("supplier", "Ombrevaux-Lease warehouse")],
        )


def leaks(path: Path) -> list[str]:
    raw = journal_bytes(path)
    return [secret for secret in SECRETS if secret.encode() in raw]


@pytest.mark.slow  # processes holding the journal open
def test_a_reader_holding_a_snapshot_is_reported_and_db_scrub_finishes(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    fill(path)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM people").fetchone()  # a snapshot before the forget
    started = time.monotonic()
    with Journal.open(path) as journal:
        result = journal.people.forget("Quillembert")
    assert time.monotonic() - started < 15  # it waited a moment, not a minute
    assert result.name == "Aurèle Quillembert"
    assert not result.erased
    assert result.pending and "reading the journal" in result.pending
    assert "netjournal db scrub" in result.pending
    assert leaks(path)  # true: the reader's snapshot still holds the bytes
    reader.execute("COMMIT")
    reader.close()
    out = run("--db", str(path), "db", "scrub")
    assert out.code == 0, out.err
    assert "nothing that was forgotten" in out.out
    assert leaks(path) == []
    again = run("--db", str(path), "db", "scrub")  # safe to run again
    assert again.code == 0, again.err
    with Journal.open(path) as journal:
        assert [p.display_name for p in journal.people.list()] == ["Keeper Person"]


@pytest.mark.slow  # processes holding the journal open
def test_the_cli_says_when_forget_could_not_erase_yet(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    fill(path)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM people").fetchone()
    try:
        out = run("--db", str(path), "people", "forget", "quillembert", "--yes")
    finally:
        reader.close()
    assert out.code == 0, out.err
    assert "Forgot Aurèle Quillembert." in out.out
    assert "Not yet erased from the journal's files" in out.err
    assert "netjournal db scrub" in out.err


KILLED_AFTER_COMMIT = """
import os, sys
from netjournal import Journal
from netjournal.store import Store
Store.scrub = lambda self, **_: os._exit(9)  # killed right after the deletion commits
journal = Journal.open(sys.argv[1])
journal.people.forget("Quillembert")
"""


@pytest.mark.slow  # processes holding the journal open
def test_a_kill_between_the_deletion_and_the_erasure_is_finished_at_the_next_opening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.db"
    fill(path)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, str(path)], cwd=tmp_path, timeout=120
    )
    assert killed.returncode == 9
    assert leaks(path)  # the deleted rows' pages still sit in the file (the WAL is not copied)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1  # marked as pending
        assert raw.execute("SELECT count(*) FROM people").fetchone()[0] == 1
    with Journal.open(path) as journal:  # any later opening finishes the erasure
        assert journal.people.list()[0].display_name == "Keeper Person"
        assert leaks(path) == []
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 0


def test_a_full_disk_forgets_nothing_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    fill(path)
    with Journal.open(path) as journal:  # a search index of several segments to merge
        for i in range(60):
            journal.log(f"Person {i}", notes=" ".join(f"word{i}x{k}" for k in range(40)))
    with sqlite3.connect(path) as raw:  # no free page left to reuse
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("VACUUM")
    with Journal.open(path) as journal:
        with journal.store.engine.connect() as connection:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

        @event.listens_for(journal.store.engine, "connect")
        def _full(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full

        journal.store.engine.dispose()  # every connection now sees the full disk
        with pytest.raises(JournalUnavailable, match="is full: nothing was written"):
            journal.people.forget("Quillembert")
        assert journal.people.get("Quillembert").display_name == "Aurèle Quillembert"
        assert journal.search("Ombrevaux")  # the index was not half-merged either
        event.remove(journal.store.engine, "connect", _full)
        journal.store.engine.dispose()  # space freed: forget now erases every byte
        result = journal.people.forget("Quillembert")
        assert (result.erased, result.pending) == (True, None)
    assert leaks(path) == []
