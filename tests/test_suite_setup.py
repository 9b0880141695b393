"""The test suite's own contract: CI runs the README's command, the quick lane is documented and
leaves out the slow tests, test files share helpers through ``helpers.py`` (never one another),
and each PostgreSQL journal starts empty, with ids from 1, in a database of its own worker."""

from __future__ import annotations

import ast
import os
import tomllib
from pathlib import Path

import pytest
from helpers import pg_worker_database

from netjournal import Journal

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_TEST_COMMAND = 'pip install ".[test]" && pytest'


def test_ci_runs_the_readme_command_verbatim_and_lists_the_slowest_tests() -> None:
    assert f"```sh\n{README_TEST_COMMAND}\n```" in README
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    command = [line for line in lines if line.endswith("&& pytest")]
    assert command == ['pip install --quiet ".[test]" && pytest'], command
    assert command[0].replace("--quiet ", "") == README_TEST_COMMAND
    exported = [line for line in lines if line.startswith("export PYTEST_ADDOPTS=")]
    assert len(exported) == 1 and "--durations=15" in exported[0]
    assert lines.index(exported[0]) < lines.index(command[0])


def test_the_whole_suite_runs_in_parallel_and_the_quick_lane_is_documented() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = options["tool"]["pytest"]["ini_options"]
    assert "-n auto" in pytest_options["addopts"]
    assert any(marker.startswith("slow:") for marker in pytest_options["markers"])
    assert 'pytest -m "not slow"' in README


def _module_marks(path: Path) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            return ast.unparse(node.value)
    return ""


@pytest.mark.parametrize(
    "name", ["test_crash_safety.py", "test_concurrency.py", "test_stateful.py"]
)
def test_crash_concurrency_and_state_machine_tests_are_slow(name: str) -> None:
    assert "pytest.mark.slow" in _module_marks(TESTS / name)


def test_no_test_file_imports_another() -> None:
    """Shared code lives in ``tests/helpers.py`` (or ``clirun.py``, or fixtures in
    ``conftest.py``): a test file imported by another runs its tests' module code twice and
    ties the two together."""
    test_modules = {p.stem for p in TESTS.rglob("test_*.py")}
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [(node.module or "").split(".")[-1]]
            elif isinstance(node, ast.Import):
                names = [alias.name.split(".")[-1] for alias in node.names]
            else:
                continue
            if any(name in test_modules for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_each_worker_has_a_database_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", "0123456789abcdef")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    first = pg_worker_database()
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert pg_worker_database() != first
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", "fedcba9876543210")
    assert pg_worker_database() != first.replace("gw0", "gw1")


@pytest.mark.parametrize("step", ["dirty it", "check it is empty again"])
def test_every_journal_starts_empty_with_ids_from_one(journal: Journal, step: str) -> None:
    """Run twice on the same worker's database (or SQLite template): the second run sees
    nothing of the first, and ids start again from 1 (tests may count on it)."""
    assert journal.counts() == dict.fromkeys(journal.counts(), 0)
    assert journal.history(limit=None) == []
    assert journal.people.add("First Person").id == 1
    journal.log("First Person", notes=step, leads=[("advice", "a lead")])


def test_the_personal_journal_is_out_of_reach() -> None:
    from netjournal.db import default_path

    assert "NETJOURNAL_DB" not in os.environ
    assert str(default_path()).startswith(os.environ["XDG_DATA_HOME"])
