"""The installed ``netjournal`` script as a user runs it: whole processes, real pipes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("netjournal")
if not SCRIPT.exists():  # installed elsewhere on PATH (pip install --user...)
    SCRIPT = Path(shutil.which("netjournal") or SCRIPT)

PROBE = """
import sys
from netjournal.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert exit.code == 0, exit.code
heavy = {"sqlalchemy", "alembic", "rich", "dateparser"} & {m.split(".")[0] for m in sys.modules}
heavy = sorted(heavy)
print("HEAVY:", ",".join(heavy), file=sys.stderr)
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NETJOURNAL_DB"}
    return {**env, "NO_COLOR": "", **extra}


def netjournal(*args: str, cwd: Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["log", "--help"],
        ["people", "show", "--help"],
        ["demo", "--help"],
    ],
)
def test_help_and_version_import_no_database_machinery(args: list[str], tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path,  # not the checkout, whose netjournal/ would shadow the installed package
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY: \n" in done.stderr, done.stderr


@pytest.mark.slow  # the console script as a process
def test_the_console_script_builds_the_demo_in_a_fresh_folder(tmp_path: Path) -> None:
    done = netjournal("demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "netjournal-demo.db").exists()
    assert "Leads that paid off" in done.stdout and "\x1b[" not in done.stdout
    again = netjournal("demo", cwd=tmp_path)
    assert again.returncode == 1 and again.stderr.startswith("Error: ")
    assert len(again.stderr.splitlines()) == 1
    people = netjournal("--db", "netjournal-demo.db", "people", "list", "--json", cwd=tmp_path)
    assert len(json.loads(people.stdout)) >= 10


@pytest.mark.slow  # the console script as a process
def test_the_console_script_logs_the_example_evening(tmp_path: Path) -> None:
    example = ROOT / "examples" / "after-event.txt"
    done = netjournal("--db", "j.db", "log", "--batch", str(example), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Logged #") == 3
    shown = netjournal("--db", "j.db", "people", "show", "helene", "--json", cwd=tmp_path)
    assert json.loads(shown.stdout)["person"]["organization"] == "Emballix"
    piped = netjournal("--db", "j.db", "log", "--batch", "-", cwd=tmp_path, input="oops\n")
    assert piped.returncode == 1 and piped.stderr.startswith("Error: <stdin>:1: ")
    assert "Traceback" not in piped.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    done = netjournal("people", "show", cwd=tmp_path)
    assert done.returncode == 2 and "Missing argument" in done.stderr


@pytest.mark.slow  # the console script as a process
def test_quickstart_example_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "paid off: 1800.00 EUR" in done.stdout


def _complete(words: str, cwd: Path, db: str) -> list[str]:
    done = subprocess.run(
        [str(SCRIPT)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(
            _NETJOURNAL_COMPLETE="bash_complete",
            COMP_WORDS=words,
            COMP_CWORD=str(len(words.split()) - 1),
            NETJOURNAL_DB=db,
        ),
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return [line.split(",", 1)[1] for line in done.stdout.splitlines() if line]


@pytest.mark.slow  # the console script as a process
def test_completion_offers_commands_options_and_names_from_the_journal(tmp_path: Path) -> None:
    example = ROOT / "examples" / "after-event.txt"
    assert netjournal("--db", "j.db", "log", "--batch", str(example), cwd=tmp_path).returncode == 0
    db = str(tmp_path / "j.db")
    assert "people" in _complete("netjournal pe", tmp_path, db)
    assert "--json" in _complete("netjournal people show --", tmp_path, db)
    assert _complete("netjournal people show hel", tmp_path, db) == ["Hélène\\ Dubois"]
    assert _complete("netjournal log --event lyon", tmp_path, db) == ["Lyon\\ Tech\\ Meetup"]
    assert _complete("netjournal log x --intro-by KAR", tmp_path, db) == ["Karim\\ Benali"]
    assert _complete("netjournal people show hel", tmp_path, str(tmp_path / "no" / "x.db")) == []
