"""Personal data stays personal: forgotten means gone from the bytes, files are private,
passwords are never shown."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from netjournal import Journal

SECRET = {
    "name": "Zéphyrine Quaglioni",
    "email": "zephyrine.quaglioni@secret-mail.test",
    "phone": "+33 7 98 76 54 32",
    "notes": "Confided that Globex is about to fire Xanthippe",
    "question": "Is the Borodino deal really off?",
    "lead": "Borodino warehouse lease",
}


def journal_bytes(path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            data += part.read_bytes()
    return data


def test_forgetting_a_person_leaves_no_bytes_behind(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        journal.log("Keeper Person", notes="Stays in the journal", email="keeper@x.test")
        journal.log(
            SECRET["name"],
            email=SECRET["email"],
            phone=SECRET["phone"],
            notes=SECRET["notes"],
            questions=[(SECRET["question"], "maybe")],
            leads=[("supplier", SECRET["lead"])],
            followups=[("2027-01-10", "Call Zéphyrine back")],
        )
        journal.people.update(SECRET["name"], title="Chief Zéphyrine Officer")
        journal.log(SECRET["name"], notes=SECRET["notes"] + " (second time)")
        # with a reader holding the file open, as a second process would
        reader = sqlite3.connect(path)
        reader.execute("SELECT count(*) FROM people").fetchone()
        journal.people.forget("Zéphyrine")
        reader.close()
        assert journal.people.get("Keeper").notes is None
        assert journal.encounters(person="Keeper")[0].notes == "Stays in the journal"
    raw = journal_bytes(path)
    for what, value in SECRET.items():
        for encoded in {value.encode("utf-8"), value.split()[0].encode("utf-8")}:
            assert encoded not in raw, f"the forgotten {what} is still in the journal's files"
    assert b"Stays in the journal" in raw and b"keeper@x.test" in raw


def test_journal_and_its_side_files_are_private_under_umask_022(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "new-folder" / "journal.db"
        with Journal.open(path) as journal:
            journal.log("Someone")
            conn = sqlite3.connect(path)  # keep the WAL and shm files alive to inspect them
            conn.execute("SELECT 1 FROM people").fetchone()
            modes = {
                p.name: p.stat().st_mode & 0o777
                for p in path.parent.iterdir()
                if p.name.startswith("journal.db")
            }
            conn.close()
        assert path.parent.stat().st_mode & 0o777 == 0o700
        assert "journal.db-wal" in modes and "journal.db-shm" in modes
        assert set(modes.values()) == {0o600}, modes
    finally:
        os.umask(old)


def test_a_password_never_appears(tmp_path: Path) -> None:
    from netjournal.cli.main import cli

    url = "postgresql://alice:Sup3rS3cret@127.0.0.1:1/nothing"
    runner = CliRunner()
    for args in (["--db", url, "db", "current"], ["--db", url, "init"], ["--help"]):
        result = runner.invoke(cli, args, env={"NETJOURNAL_DB": url})
        assert "Sup3rS3cret" not in result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            assert "Sup3rS3cret" not in str(result.exception)
    from netjournal.errors import JournalUnavailable

    with pytest.raises(JournalUnavailable) as caught:
        Journal.open(url)
    assert "Sup3rS3cret" not in str(caught.value) and "***" in str(caught.value)


def _make_read_only(path: Path) -> None:
    """chmod for ordinary users; root ignores modes, so it needs the immutable attribute."""
    if os.geteuid() != 0:
        os.chmod(path, 0o400)
        os.chmod(path.parent, 0o500)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("running as root where chattr +i is unavailable: cannot make a read-only file")


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    os.chmod(path.parent, 0o700)
    os.chmod(path, 0o600)


@pytest.mark.parametrize("command", [["init"], ["db", "current"], ["log", "New Person"]])
def test_a_read_only_journal_gives_one_sentence_and_is_not_modified(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        journal.log("Existing Person")
    before = path.read_bytes()
    _make_read_only(path)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "netjournal.cli.main", "--db", str(path), *command],
            cwd=tmp_path,  # the installed package, not a checkout's netjournal/
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        _make_writable(path)
    assert path.read_bytes() == before
    if command == ["db", "current"]:  # reading is fine
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "journal.db" in lines[0] and "read-only" in lines[0]
