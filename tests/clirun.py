"""Run the CLI in-process through its real entry point (``main``), errors mapped as in a shell."""

from __future__ import annotations

from dataclasses import dataclass

from click.testing import CliRunner
from netjournal.cli.main import main


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*args: str, input: str | None = None, env: dict[str, str | None] | None = None) -> Run:
    """``netjournal ARGS...`` with ``input`` on stdin; returns the exit status and both streams."""
    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (out, err, _):
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


def ok(*args: str, input: str | None = None) -> str:
    """Run, assert success with nothing on stderr, and return stdout."""
    result = run(*args, input=input)
    assert result.code == 0, (args, result)
    return result.out


def fails(*args: str, input: str | None = None, code: int = 1) -> str:
    """Run, assert the given failure status with one line on stderr, and return that line."""
    result = run(*args, input=input)
    assert result.code == code, (args, result)
    assert "Traceback" not in result.err
    if code == 1:
        assert result.err.count("\n") == 1 and result.err.startswith("Error: "), result.err
    return result.err.strip()
