"""Every command has help text and appears in the README; the README's commands are the contract."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from netjournal.cli.main import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    found: list[tuple[str, click.Command]] = []
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        found.append((name, command))
        if isinstance(command, click.Group):
            sub_ctx = click.Context(command, parent=ctx)
            for sub in command.list_commands(sub_ctx):
                found.append((f"{name} {sub}", command.get_command(sub_ctx, sub)))  # type: ignore[arg-type]
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: str(v))
def test_every_command_has_help_and_is_in_the_readme(name: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"'netjournal {name}' has no help text"
    assert COMMANDS[name.split()[0]][1].strip()
    assert re.search(rf"netjournal (--db \S+ )?{re.escape(name)}\b", README), (
        f"'netjournal {name}' is not mentioned in README.md"
    )
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"'netjournal {name} {param.opts[0]}' has no help text"


def test_the_readme_gives_the_two_setup_commands() -> None:
    assert "pip install . && netjournal demo" in README
    assert 'pip install ".[test]" && pytest' in README


def test_the_readme_format_example_is_the_example_file_in_spirit() -> None:
    from netjournal.batch import parse_batch

    block = README.split("```text\n", 1)[1].split("```", 1)[0]
    batch = parse_batch(block, source_name="README.md")
    assert batch.event is not None and len(batch.encounters) == 2


def _public_methods(cls: type) -> set[str]:
    from functools import cached_property

    return {
        name
        for name, value in vars(cls).items()
        if not name.startswith("_")
        and (callable(value) or isinstance(value, property | cached_property | staticmethod))
    }


def test_every_public_method_is_in_docs_library() -> None:
    """docs/library.md is the whole public API: a method missing from it fails here."""
    from netjournal.encounters import Encounters
    from netjournal.events import Events
    from netjournal.followups import FollowUps
    from netjournal.journal import Journal
    from netjournal.leads import Leads
    from netjournal.outcomes import Outcomes
    from netjournal.people import People

    doc = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    missing = []
    for cls in (Journal, Encounters, Events, FollowUps, Leads, Outcomes, People):
        for name in sorted(_public_methods(cls)):
            if not re.search(rf"\b{re.escape(name)}\b", doc):
                missing.append(f"{cls.__name__}.{name}")
    assert not missing, f"not documented in docs/library.md: {missing}"
