"""Every output file and folder netjournal writes, written one way (``netjournal.files``):
an existing file is replaced only when asked, a device or a FIFO is written in place, a link is
not written through, another user's file is refused before anything is written, a folder made
is 0700 with its parents, and a failed write is one sentence. Issue 13 (17, 18), issue 19
(1, 5, 8)."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from clirun import fails, ok

from netjournal import Journal
from netjournal.errors import InvalidInput, OutputError
from netjournal.files import private_file, private_folder, private_output, write_text
from netjournal.reports.render import render, save
from netjournal.serialize import to_dict

IS_ROOT = os.geteuid() == 0


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".part"))


def _writers(journal: Journal) -> dict[str, Callable[[Path, bool], object]]:
    """Each library call that writes a file, as (target, overwrite) -> anything."""

    def export(target: Path, overwrite: bool) -> object:
        with private_output(target, overwrite=overwrite) as fp:
            return journal.export_json(fp)

    writers: dict[str, Callable[[Path, bool], object]] = {
        "export": export,
        "report": lambda t, o: save(render(journal.report("payoff"), "json"), t, overwrite=o),
        "text": lambda t, o: write_text("text\n", t, overwrite=o),
    }
    if journal.backend == "sqlite":
        writers["backup"] = lambda t, o: journal.backup(t, overwrite=o)
    return writers


# -- an existing file ---------------------------------------------------------------------


def test_every_library_writer_refuses_an_existing_file_unless_overwrite(
    journal: Journal, tmp_path: Path
) -> None:
    journal.people.add("Hélène Dubois")
    for name, write in _writers(journal).items():
        target = tmp_path / f"{name}.out"
        target.write_text("precious")
        target.chmod(0o644)
        with pytest.raises(InvalidInput, match="already exists.*--overwrite"):
            write(target, False)
        assert target.read_text() == "precious" and mode(target) == 0o644, name
        with umask(0o022):
            write(target, True)
        assert target.read_bytes() != b"precious" and mode(target) == 0o600, name
        fresh = tmp_path / f"{name}.new"
        with umask(0o022):
            write(fresh, False)
        assert mode(fresh) == 0o600, name
    assert leftovers(tmp_path) == []


def test_every_cli_output_refuses_an_existing_file_unless_overwrite(
    journal_url: str, tmp_path: Path
) -> None:
    with Journal.open(journal_url) as journal:
        journal.people.add("Hélène Dubois")
    commands = {
        "export json": ["export", "json", "-o"],
        "export vcard": ["export", "vcard", "-o"],
        "export csv": ["export", "csv", "-o"],
        "report": ["report", "events", "--format", "html", "-o"],
        "report markdown": ["report", "payoff", "--format", "markdown", "-o"],
    }
    if not journal_url.startswith("postgresql"):
        commands["backup"] = ["backup"]
    for name, args in commands.items():
        target = tmp_path / f"{name.replace(' ', '-')}.out"
        target.write_text("precious")
        error = fails("--db", journal_url, *args, str(target))
        expected = f"Error: {target} already exists (replace it with --overwrite, or pick "
        assert error == expected + "another name).", name
        assert target.read_text() == "precious", name
        ok("--db", journal_url, *args, str(target), "--overwrite")
        assert target.read_bytes() != b"precious" and mode(target) == 0o600, name
    assert leftovers(tmp_path) == []


# -- devices, FIFOs, links, other people's files --------------------------------------------


def test_a_device_is_written_to_never_replaced_nor_chmod_ed(tmp_path: Path) -> None:
    before = os.stat("/dev/null")
    assert write_text("gone\n", "/dev/null") == Path("/dev/null")  # no overwrite needed
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_mode == before.st_mode
    assert after.st_ino == before.st_ino
    with pytest.raises(InvalidInput, match="device or a pipe"), private_file("/dev/null"):
        pass  # a backup must be a file of its own
    with pytest.raises(OutputError, match="No space left on device"):
        write_text("x" * 100_000, "/dev/full")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert list(tmp_path.iterdir()) == []


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as fp:
            into.append(fp.read())

    reader = threading.Thread(target=read)
    reader.start()
    return reader


def test_a_fifo_is_written_in_place_even_through_a_link(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o640)
    link = tmp_path / "to-pipe"
    link.symlink_to(fifo)
    for target in (fifo, link):
        received: list[bytes] = []
        reader = _read_fifo(fifo, received)
        with private_output(target) as fp:
            fp.write("hello\n")
        reader.join(timeout=10)
        assert received == [b"hello\n"]
        assert stat.S_ISFIFO(fifo.stat().st_mode) and mode(fifo) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "to-pipe"]


def test_a_link_to_a_file_or_to_nothing_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    real = tmp_path / "real.txt"
    real.write_text("precious")
    real.chmod(0o644)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    for target in (link, dangling):
        for overwrite in (False, True):
            with pytest.raises(InvalidInput, match="is a symbolic link"):
                write_text("new", target, overwrite=overwrite)
    assert real.read_text() == "precious" and mode(real) == 0o644
    assert link.is_symlink() and dangling.is_symlink()
    assert not (tmp_path / "nowhere.txt").exists()
    assert leftovers(tmp_path) == []


def test_a_link_is_refused_by_the_cli_in_one_line(tmp_path: Path) -> None:
    journal = tmp_path / "j.db"
    ok("--db", str(journal), "log", "Ada Lovelace")
    real = tmp_path / "real.json"
    real.write_text("precious")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    error = fails("--db", str(journal), "report", "payoff", "-o", str(link), "--overwrite")
    assert "is a symbolic link" in error
    error = fails("--db", str(journal), "backup", str(link), "--overwrite")
    assert "is a symbolic link" in error
    assert real.read_text() == "precious" and link.is_symlink()


@pytest.mark.skipif(not IS_ROOT, reason="giving a file away needs root")
def test_another_users_file_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.json"
    theirs.write_text("precious")
    os.chown(theirs, 65534, 65534)
    with pytest.raises(InvalidInput, match="belongs to another user"):
        write_text("new", theirs, overwrite=True)
    journal = tmp_path / "j.db"
    ok("--db", str(journal), "log", "Ada Lovelace")
    error = fails("--db", str(journal), "report", "payoff", "-o", str(theirs), "--overwrite")
    assert error == f"Error: {theirs} belongs to another user: it was not replaced."
    assert theirs.read_text() == "precious" and theirs.stat().st_uid == 65534


@pytest.mark.skipif(IS_ROOT, reason="root may write any file")
def test_a_read_only_file_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    kept.write_text("precious")
    kept.chmod(0o444)
    with pytest.raises(InvalidInput, match="is read-only"):
        write_text("new", kept, overwrite=True)
    assert kept.read_text() == "precious" and mode(kept) == 0o444


def test_a_failed_write_leaves_the_old_file_and_no_part(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("precious")
    with pytest.raises(RuntimeError), private_output(target, overwrite=True) as fp:
        fp.write("half")
        raise RuntimeError("boom")
    with (
        pytest.raises(OutputError, match="left as it was"),
        private_output(target, overwrite=True) as fp,
    ):
        fp.write("half")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "precious" and leftovers(tmp_path) == []
    with pytest.raises(InvalidInput, match="is a directory"):
        write_text("x", tmp_path)


# -- folders ------------------------------------------------------------------------------


def test_every_folder_made_is_0700_and_existing_ones_are_left_alone(tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    with umask(0o022):
        private_folder(existing / "deep" / "a" / "b")
        write_text("x", tmp_path / "out" / "c" / "report.txt")
        with Journal.open(tmp_path / "db" / "d" / "journal.db"):
            pass
    assert mode(existing) == 0o755
    made = [existing / "deep", existing / "deep" / "a", existing / "deep" / "a" / "b"]
    made += [tmp_path / "out", tmp_path / "out" / "c", tmp_path / "db", tmp_path / "db" / "d"]
    assert {str(p.relative_to(tmp_path)): mode(p) for p in made} == {
        str(p.relative_to(tmp_path)): 0o700 for p in made
    }
    with pytest.raises(OutputError, match="Cannot create the folder"):
        private_folder(tmp_path / "out" / "c" / "report.txt" / "below")


def test_the_default_journal_folder_and_its_parents_are_0700(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_home = tmp_path / "home" / ".local" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    monkeypatch.delenv("NETJOURNAL_DB", raising=False)
    (tmp_path / "home").mkdir(mode=0o755)
    with umask(0o022), Journal.open() as journal:
        assert journal.location.path == data_home / "netjournal" / "journal.db"
    assert mode(tmp_path / "home") == 0o755  # it existed: left alone
    for folder in (data_home.parent, data_home, data_home / "netjournal"):
        assert mode(folder) == 0o700, folder


def test_cli_output_creates_its_folders_0700(journal_url: str, tmp_path: Path) -> None:
    Journal.open(journal_url).close()
    with umask(0o022):
        ok("--db", journal_url, "export", "json", "-o", str(tmp_path / "x" / "y" / "out.json"))
    assert mode(tmp_path / "x") == mode(tmp_path / "x" / "y") == 0o700
    assert mode(tmp_path / "x" / "y" / "out.json") == 0o600
    below_a_file = tmp_path / "x" / "y" / "out.json" / "z.json"
    assert fails("--db", journal_url, "export", "json", "-o", str(below_a_file)).startswith(
        f"Error: Cannot write {below_a_file}: Not a directory"
    )


# -- --json on backup and db current; one shape for search hits ---------------------------


def test_backup_and_db_current_print_json(journal_url: str, tmp_path: Path) -> None:
    Journal.open(journal_url).close()
    status = json.loads(ok("--db", journal_url, "db", "current", "--json"))
    assert status == Journal.schema_status(journal_url).to_dict()
    assert status["up_to_date"] is True and set(status) == {
        "location",
        "current",
        "head",
        "up_to_date",
        "encrypted",
        "key_source",
        "key_expires",
    }
    assert status["encrypted"] is False and status["key_source"] is None
    assert status["key_expires"] is None
    if journal_url.startswith("postgresql"):
        assert "pg_dump" in fails("--db", journal_url, "backup", "--json")
        return
    target = tmp_path / "copy.db"
    assert json.loads(ok("--db", journal_url, "backup", str(target), "--json")) == {
        "backup": str(target)
    }
    assert mode(target) == 0o600


def test_search_json_is_the_library_shape(journal: Journal, journal_url: str) -> None:
    journal.events.add("Lyon Tech Meetup", "2026-11-20")
    journal.log(
        "Hélène Dubois",
        event="Lyon Tech Meetup",
        questions=[("Who supplies your packaging?", "A Lyon cartonnier")],
        leads=[("supplier", "Packaging cartonnier in Lyon")],
    )
    for query in ("cartonnier", "cartonnier burkina", ""):
        printed = json.loads(ok("--db", journal_url, "search", query, "--json"))
        hits = journal.search(query)
        assert printed and printed == [hit.to_dict() for hit in hits] == [to_dict(h) for h in hits]
        assert all("snippet" in hit and "missing" in hit for hit in printed)
