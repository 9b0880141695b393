"""An encrypted journal under concurrent writers and SIGKILL (issue 17, item 4): 8 processes x
250 logs give exactly 2,000 encounters; a killed batch log leaves all or nothing and pages whose
every HMAC checks; a killed ``db encrypt`` or ``db rekey`` leaves the old journal or the new
one, whole, never a mix. The kill machinery is tests/test_crash_safety.py's."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_crash_safety import kill_campaign

from netjournal import Journal, cipher

pytest.importorskip("sqlcipher3")
pytestmark = pytest.mark.slow

PASS = "phrase de passe «longue»"
NEW = "une toute autre phrase"


def secret_file(folder: Path, secret: str = PASS, name: str = "pass.txt") -> Path:
    file = folder / name
    file.write_text(secret + "\n", encoding="utf-8")
    file.chmod(0o600)
    return file


def checks(path: Path, passphrase: str) -> tuple[str, str]:
    """SQLite's integrity check and SQLCipher's (every page's HMAC) of an encrypted file."""
    key = cipher.derive(passphrase, cipher.salt_of(path))
    connection = cipher.connect(path, key, timeout=60, display=str(path))
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        pages = connection.execute("PRAGMA cipher_integrity_check").fetchall()
    finally:
        connection.close()
    return str(integrity), "ok" if not pages else "; ".join(str(p[0]) for p in pages)


WORKER = textwrap.dedent(
    """
    import sys
    from netjournal import Journal
    from netjournal.keys import read_passphrase_file

    url, secret, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with Journal.open(url, passphrase=read_passphrase_file(secret)) as journal:
        for i in range(count):
            journal.log(
                f"Worker {worker} person {i % 25}",
                notes=f"encounter {i}",
                tags=["concurrency", f"w{worker}"],
                leads=[("advice", f"lead {worker}-{i}")] if i % 10 == 0 else [],
                again=True,
            )
    """
)


def test_eight_processes_log_2000_encounters_into_an_encrypted_journal(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    secret = secret_file(tmp_path)
    Journal.open(path, passphrase=PASS).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), str(secret), str(w), "250"],
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
    assert checks(path, PASS) == ("ok", "ok")


LOG_MANY = """
    import sys
    from netjournal import Journal
    from netjournal.keys import read_passphrase_file
    from netjournal.specs import EncounterSpec
    with Journal.open(sys.argv[1], passphrase=read_passphrase_file(sys.argv[2])) as journal:
        specs = [
            EncounterSpec(person=f"Batch person {i}", notes="batch " * 20,
                          questions=[("q?", "a")], leads=[("advice", f"lead {i}")], tags=["b"],
                          again=True)
            for i in range(400)
        ]
        print("START", flush=True)
        journal.encounters.log_many(specs)
"""


def test_killing_a_batch_log_on_an_encrypted_journal_leaves_all_or_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.db"
    secret = secret_file(tmp_path)
    Journal.open(path, passphrase=PASS).close()
    before: list[int] = []

    def prepare(run: int) -> list[str]:
        with Journal.open(path, passphrase=PASS) as journal:
            before[:] = [journal.counts()["encounters"]]
        return [str(path), str(secret)]

    def check(run: int) -> None:
        assert checks(path, PASS) == ("ok", "ok")
        with Journal.open(path, passphrase=PASS) as journal:
            added = journal.counts()["encounters"] - before[0]
            assert added in (0, 400), added
            journal.log("After the crash", notes="the next write succeeds", again=True)

    kill_campaign("encrypted log_many", LOG_MANY, prepare, check, seed=1701)


CONVERT = """
    import sys
    from netjournal import Journal
    from netjournal.keys import read_passphrase_file
    path, old, new = sys.argv[1], sys.argv[2], sys.argv[3]
    print("START", flush=True)
    if old == "-":
        Journal.encrypt(path, read_passphrase_file(new))
    else:
        Journal.rekey(path, read_passphrase_file(new), passphrase=read_passphrase_file(old))
"""


def _template(tmp_path: Path) -> tuple[Path, int]:
    """A plain journal of some size, and its number of people."""
    from netjournal.specs import EncounterSpec

    template = tmp_path / "template" / "journal.db"
    with Journal.open(template) as journal:
        journal.encounters.log_many(
            [EncounterSpec(person=f"Person {i}", notes="words " * 40) for i in range(600)]
        )
        people = journal.counts()["people"]
    return template, people


@pytest.mark.parametrize("conversion", ["encrypt", "rekey"])
def test_killing_a_conversion_leaves_the_old_journal_or_the_new_one(
    tmp_path: Path, conversion: str
) -> None:
    template, people = _template(tmp_path)
    path = tmp_path / "run" / "journal.db"
    path.parent.mkdir()
    old_secret = secret_file(tmp_path, PASS, "old.txt")
    new_secret = secret_file(tmp_path, NEW, "new.txt")
    outcomes: list[str] = []

    def prepare(run: int) -> list[str]:
        for stale in path.parent.iterdir():
            stale.unlink()
        shutil.copy(template, path)
        if conversion == "rekey":
            Journal.encrypt(path, PASS)
            return [str(path), str(old_secret), str(new_secret)]
        return [str(path), "-", str(new_secret)]

    def check(run: int) -> None:
        state = cipher.file_state(path)
        side = [p.name for p in path.parent.iterdir() if p.name.startswith("journal.db-")]
        if conversion == "encrypt" and state == "plain":
            outcome, passphrase = "old", None
        elif state == "encrypted":
            try:
                Journal.open(path, passphrase=NEW, create=False).close()
                outcome, passphrase = "new", NEW
            except cipher.WrongPassphrase:
                assert conversion == "rekey"
                outcome, passphrase = "old", PASS
        else:
            pytest.fail(f"run {run}: the journal is {state}")
        if outcome == "new":
            assert side == [], side  # no log of the old file beside the new one
        if passphrase is not None:
            assert checks(path, passphrase) == ("ok", "ok")
        with Journal.open(path, passphrase=passphrase, create=False) as journal:
            assert journal.counts()["people"] == people
            journal.log("After the crash", again=True)
        outcomes.append(outcome)

    kill_campaign(f"{conversion} killed", CONVERT, prepare, check, seed=1702)
    print(f"crash figures: {conversion}: outcomes {sorted(set(outcomes))}")
