"""Shell completion of person and event names, read from the journal.

Completion runs before any command callback, so ``ctx.obj`` is not set: the journal address
comes from the root's ``--db`` or ``$NETJOURNAL_DB``. Any failure (no journal yet, server down,
old schema) completes nothing rather than printing a traceback into the user's shell.
"""

from __future__ import annotations

import os
from typing import Any

import click
from click.shell_completion import CompletionItem


def _address(ctx: click.Context) -> str | None:
    return ctx.find_root().params.get("db") or os.environ.get("NETJOURNAL_DB") or None


def _complete(ctx: click.Context, incomplete: str, kind: str) -> list[CompletionItem]:
    try:
        from netjournal import Journal

        with Journal.open(_address(ctx), create=False) as journal:
            if kind == "person":
                return [
                    CompletionItem(p.display_name, help=p.organization or None)
                    for p in journal.people.find(incomplete)
                ]
            latest: dict[str, CompletionItem] = {}  # editions share a name: offer it once
            for e in journal.events.find(incomplete):
                latest.setdefault(e.name, CompletionItem(e.name, help=e.start_date.isoformat()))
            return list(latest.values())
    except Exception:
        return []


def person_names(ctx: click.Context, param: Any, incomplete: str) -> list[CompletionItem]:
    return _complete(ctx, incomplete, "person")


def event_names(ctx: click.Context, param: Any, incomplete: str) -> list[CompletionItem]:
    return _complete(ctx, incomplete, "event")


def words(values: tuple[str, ...]) -> Any:
    """Complete an option from a fixed vocabulary (kinds, statuses) without restricting it:
    the library accepts other spellings ("trade-show") and suggests a fix for typos."""

    def complete(ctx: click.Context, param: Any, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(v) for v in values if v.startswith(incomplete.casefold())]

    return complete
