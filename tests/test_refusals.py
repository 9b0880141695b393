"""Journals netjournal must not touch, through the command line: a newer schema, a read-only
file, a directory, a file that is not a database. Each gives one sentence on stderr, exit status
1, and the journal's bytes (and its folder) stay exactly as they were."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirun import run
from sqlalchemy import create_engine, text

from netjournal import Journal, schema

VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported Person\r\nEND:VCARD\r\n"
#: Representative commands: writes (log, import) and reads (people list, search, a report).
WRITES = [["log", "Someone New", "--note", "hello"], ["import", "vcard", "{vcf}"]]
READS = [["people", "list"], ["search", "ada"], ["report", "events"]]
COMMANDS = WRITES + READS


def _args(command: list[str], vcf: Path) -> list[str]:
    return [part.replace("{vcf}", str(vcf)) for part in command]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file of the folder with a digest of its bytes (directories by name)."""
    found = {}
    for entry in sorted(folder.rglob("*")):
        if entry.is_file():
            found[str(entry.relative_to(folder))] = hashlib.sha256(entry.read_bytes()).hexdigest()
        else:
            found[str(entry.relative_to(folder))] = "dir"
    return found


def _one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    assert "Traceback" not in stderr
    sentence = lines[0].removeprefix("Error: ")
    assert sentence.endswith(".") and sentence.count(". ") == 0, sentence
    return sentence


@pytest.fixture
def vcf(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "one.vcf"
    path.parent.mkdir()
    path.write_text(VCARD, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "journal-folder"
    path.mkdir()
    return path


def _set_revision(url: str, revision: str) -> None:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def _state(url: str) -> tuple[object, ...]:
    """The revision and the rows of every table: what "nothing was modified" means on a server."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            people = conn.execute(text("SELECT * FROM people ORDER BY id")).all()
            encounters = conn.execute(text("SELECT * FROM encounters ORDER BY id")).all()
            return revision, people, encounters
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_journal_from_a_newer_netjournal_is_refused_untouched(
    journal_url: str, command: list[str], vcf: Path
) -> None:
    with Journal.open(journal_url) as journal:
        journal.log("Ada Lovelace", notes="first")
    _set_revision(journal_url, "9999")
    try:
        if "://" in journal_url:
            before: object = _state(journal_url)
        else:
            before = _snapshot(Path(journal_url).parent)
        result = run("--db", journal_url, *_args(command, vcf))
        after = _state(journal_url) if "://" in journal_url else _snapshot(Path(journal_url).parent)
        assert after == before
        assert result.code == 1
        sentence = _one_sentence(result.err)
        assert "newer netjournal" in sentence and "9999" in sentence
    finally:  # the PostgreSQL database is shared with the tests that follow
        _set_revision(journal_url, schema.HEAD)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_directory_instead_of_the_journal_is_refused(
    folder: Path, command: list[str], vcf: Path
) -> None:
    target = folder / "journal.db"
    target.mkdir()
    before = _snapshot(folder)
    result = run("--db", str(target), *_args(command, vcf))
    assert _snapshot(folder) == before
    assert result.code == 1
    assert "is a directory" in _one_sentence(result.err)


@pytest.fixture(scope="module")
def truncated_journal(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The first pages of a real journal: the header says SQLite, the schema is cut off."""
    whole = tmp_path_factory.mktemp("truncated") / "whole.db"
    with Journal.open(whole) as journal:
        journal.log("Ada Lovelace")
    with Journal.open(whole) as journal:  # a clean close checkpoints the WAL into the file
        journal.counts()
    data = whole.read_bytes()[:8192]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{whole}{suffix}").unlink(missing_ok=True)
    return data


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("content", ["text", "bad-header", "truncated"])
def test_a_file_that_is_not_a_database_is_refused_untouched(
    folder: Path, command: list[str], content: str, vcf: Path, truncated_journal: bytes
) -> None:
    target = folder / "journal.db"
    target.write_bytes(
        {
            "text": b"just some notes, not a database\n" * 200,
            "bad-header": b"SQLite format 3\x00" + b"\xff" * 4080,
            "truncated": truncated_journal,
        }[content]
    )
    before = _snapshot(folder)
    result = run("--db", str(target), *_args(command, vcf))
    assert _snapshot(folder) == before
    assert result.code == 1
    assert "not a netjournal journal" in _one_sentence(result.err)


def _make_read_only(path: Path) -> None:
    """chmod for ordinary users; root ignores modes, so it needs the immutable attribute."""
    if os.geteuid() != 0:
        os.chmod(path, 0o400)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("running as root where chattr +i is unavailable: cannot make a read-only file")


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    os.chmod(path, 0o600)


@pytest.fixture(scope="module")
def ada_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A journal holding Ada, written once for the tests that copy it."""
    path = tmp_path_factory.mktemp("ada") / "journal.db"
    with Journal.open(path) as journal:
        journal.log("Ada Lovelace", notes="first")
    return path


@pytest.fixture
def read_only_journal(folder: Path, ada_journal: Path) -> Iterator[Path]:
    path = Path(shutil.copy(ada_journal, folder / "journal.db"))  # its 0600 mode too
    _make_read_only(path)
    try:
        yield path
    finally:
        _make_writable(path)


@pytest.mark.parametrize("command", WRITES, ids=lambda c: " ".join(c[:2]))
def test_writing_to_a_read_only_journal_is_refused_untouched(
    read_only_journal: Path, command: list[str], vcf: Path
) -> None:
    before = read_only_journal.read_bytes()
    result = run("--db", str(read_only_journal), *_args(command, vcf))
    assert read_only_journal.read_bytes() == before
    assert result.code == 1
    sentence = _one_sentence(result.err)
    assert str(read_only_journal) in sentence and "read-only" in sentence
    _side_files_hold_nothing(read_only_journal)


@pytest.mark.parametrize("command", READS, ids=lambda c: " ".join(c[:2]))
def test_a_read_only_journal_can_still_be_read(
    read_only_journal: Path, command: list[str], vcf: Path
) -> None:
    before = read_only_journal.read_bytes()
    result = run("--db", str(read_only_journal), *_args(command, vcf))
    assert read_only_journal.read_bytes() == before
    assert result.code == 0, result
    if command[0] != "report":
        assert "Ada Lovelace" in result.out
    _side_files_hold_nothing(read_only_journal)


def _side_files_hold_nothing(path: Path) -> None:
    """To read a WAL journal SQLite may create its -wal and -shm beside it: private, and the
    -wal empty (nothing was written)."""
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            assert side.stat().st_mode & 0o777 == 0o600
            if suffix == "-wal":
                assert side.stat().st_size == 0
