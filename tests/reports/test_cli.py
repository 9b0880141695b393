"""``netjournal report`` and ``netjournal prep``: thin wrappers over journal.report."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from click.testing import CliRunner
from netjournal.cli.main import cli

if TYPE_CHECKING:
    from .conftest import Scenario


def _run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["--db", url, *args], standalone_mode=False, catch_exceptions=True
    )
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        code = 1
    return code, result.stdout, result.stderr


def test_report_json(scenario: Scenario) -> None:
    url = scenario.journal.location.url.render_as_string(hide_password=False)
    code, out, _ = _run(url, "report", "payoff", "--attribution", "last", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["parameters"]["attribution"] == "last"
    assert [r["value"] for r in doc["rows"]][0] == {"EUR": "100.01"}


def test_report_output_file_and_prep(scenario: Scenario, tmp_path: Path) -> None:
    url = scenario.journal.location.url.render_as_string(hide_password=False)
    target = tmp_path / "season.html"
    code, _, err = _run(url, "report", "events", "--format", "html", "--output", str(target))
    assert code == 0 and "Wrote the events report" in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "data:image/png;base64," in target.read_text()
    code, out, _ = _run(url, "prep", "Lyon Tech #2", "--format", "markdown")
    assert code == 0 and "Alice Martin" in out and "Who makes your boxes?" in out
    code, out, _ = _run(
        url, "report", "prep", "Lyon Tech #2", "--format", "csv", "--section", "questions"
    )
    assert code == 0 and out.splitlines()[0].startswith("question,times_asked")
    code, out, _ = _run(url, "report", "followups", "--soon", "400", "--format", "csv")
    assert code == 0 and "Quarterly check" in out


def test_usage_errors(scenario: Scenario) -> None:
    url = scenario.journal.location.url.render_as_string(hide_password=False)
    assert _run(url, "report", "prep")[0] != 0
    assert _run(url, "report", "leads", "extra")[0] != 0
    assert _run(url, "report", "bogus")[0] != 0
