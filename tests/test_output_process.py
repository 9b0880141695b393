"""Output as a shell sees it, in whole processes: a full disk (``/dev/full``), ``ulimit -f``,
``-o /dev/stdout`` in a pipe, ``-o /dev/null``, a reader that leaves (issue 19, items 1 and 8).
A write that fails is one line and status 1, never a cut document with status 0."""

from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from netjournal import Journal

SCRIPT = Path(sys.executable).with_name("netjournal")
pytestmark = pytest.mark.slow  # every test runs netjournal as a process, often several times
if not SCRIPT.exists():  # installed elsewhere on PATH
    SCRIPT = Path(shutil.which("netjournal") or SCRIPT)

LIMIT = 64 * 1024  # more than the journal's -shm (32 KB), less than the outputs below

#: PYTHONUNBUFFERED matters: a text stream over a raw file used to drop a short write silently.
BUFFERING = {"buffered": None, "unbuffered": "1"}


def _env(unbuffered: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NETJOURNAL_DB", "PYTHONUNBUFFERED")}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    return env


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def netjournal(
    *args: str,
    cwd: Path,
    stdout: int | IO[Any] = subprocess.PIPE,
    unbuffered: str | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,  # not the checkout, whose netjournal/ lacks cli/
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(unbuffered),
        preexec_fn=preexec_fn,
        timeout=120,
    )


def _one_error_line(done: subprocess.CompletedProcess[str], needle: str) -> None:
    assert done.returncode == 1, done
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    assert needle in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite journal whose JSON listings and export are well over :data:`LIMIT`."""
    path = tmp_path_factory.mktemp("big") / "journal.db"
    with Journal.open(path) as journal:
        for i in range(400):
            journal.people.add(f"Person Number {i}", emails=[f"p{i}@example.test"], notes="n" * 90)
    return path


@pytest.mark.parametrize("buffering", BUFFERING)
@pytest.mark.parametrize("args", [["people", "list", "--json"], ["export", "json"]])
def test_a_full_disk_on_stdout_is_one_line_and_status_1(
    journal_url: str, tmp_path: Path, args: list[str], buffering: str
) -> None:
    with Journal.open(journal_url) as journal:
        journal.people.add("Hélène Dubois")
    with open("/dev/full", "w") as full:
        done = netjournal(
            "--db", journal_url, *args, cwd=tmp_path, stdout=full, unbuffered=BUFFERING[buffering]
        )
    _one_error_line(done, "No space left on device")


@pytest.mark.parametrize("buffering", BUFFERING)
@pytest.mark.parametrize("args", [["people", "list", "--json"], ["export", "json"]])
def test_a_file_size_limit_on_stdout_is_one_line_and_status_1(
    big: Path, tmp_path: Path, args: list[str], buffering: str
) -> None:
    out = tmp_path / "out.json"
    with out.open("w") as fp:
        done = netjournal(
            "--db",
            str(big),
            *args,
            cwd=tmp_path,
            stdout=fp,
            unbuffered=BUFFERING[buffering],
            preexec_fn=_limit_file_size,
        )
    _one_error_line(done, "File too large")
    assert out.stat().st_size == LIMIT  # cut where the limit is: hence the error
    with out.open("w") as fp:  # without the limit, the same command is whole
        whole = netjournal("--db", str(big), *args, cwd=tmp_path, stdout=fp)
    assert whole.returncode == 0 and json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("args", [["export", "json", "-o"], ["export", "vcard", "-o"], ["backup"]])
def test_a_file_size_limit_on_an_output_file_keeps_the_old_file_and_no_part(
    big: Path, tmp_path: Path, args: list[str]
) -> None:
    target = tmp_path / "out"
    target.write_text("precious")
    done = netjournal(
        "--db",
        str(big),
        *args,
        str(target),
        "--overwrite",
        cwd=tmp_path,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    assert target.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_dev_stdout_in_a_pipe_and_dev_null_are_written_not_replaced(
    journal_url: str, tmp_path: Path
) -> None:
    with Journal.open(journal_url) as journal:
        journal.people.add("Hélène Dubois")
    null_before = os.stat("/dev/null")
    for args in (["export", "json"], ["report", "payoff", "--format", "json"]):
        done = netjournal("--db", journal_url, *args, "-o", "/dev/stdout", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)  # the document came through the pipe, whole
        done = netjournal("--db", journal_url, *args, "-o", "/dev/null", cwd=tmp_path)
        assert done.returncode == 0 and done.stdout == "", done.stderr
    null_after = os.stat("/dev/null")
    assert stat.S_ISCHR(null_after.st_mode) and null_after.st_mode == null_before.st_mode
    assert null_after.st_ino == null_before.st_ino
    assert os.path.islink("/dev/stdout")
    done = netjournal("--db", journal_url, "export", "json", "-o", "/dev/full", cwd=tmp_path)
    _one_error_line(done, "No space left on device")


def test_a_reader_that_leaves_is_not_an_error(big: Path, tmp_path: Path) -> None:
    piped = subprocess.run(
        f"'{SCRIPT}' --db '{big}' people list --json | head -c 10 > /dev/null",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(None),
        timeout=120,
    )
    assert piped.returncode == 0 and piped.stderr == ""
