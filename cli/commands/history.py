"""``netjournal history`` and ``netjournal undo``: what was written, and taking it back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from netjournal.i18n import N_, _

from ..app import App
from ..output import emit, output_options, print_json, say

if TYPE_CHECKING:
    from netjournal.history import Change

HISTORY_COLUMNS = [
    ("id", N_("Change")),
    ("at", N_("When (UTC)")),
    ("kind", N_("Kind")),
    ("rows", N_("Rows")),
    ("summary", N_("What")),
    ("undone_by", N_("Undone by")),
]


def _row(change: Change) -> dict[str, Any]:
    from netjournal.serialize import to_dict

    data: dict[str, Any] = to_dict(change)
    data["at"] = change.at.replace(microsecond=0).isoformat(sep=" ")
    return data


@click.command()
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many."
)
@output_options()
@click.pass_obj
def history(app: App, limit: int, fmt: str | None) -> None:
    """List the recent changes, newest first: each log, edit, import or undo is one."""
    changes = app.journal().history(limit=limit)
    emit(
        [_row(c) for c in changes],
        HISTORY_COLUMNS,
        fmt,
        empty=_("No change recorded yet (changes older than the history's limit are dropped)."),
    )


@click.command()
@click.argument("number", required=False, type=click.IntRange(min=1), metavar="[CHANGE]")
@output_options(listing=False)
@click.pass_obj
def undo(app: App, number: int | None, fmt: str | None) -> None:
    """Undo the last change, or change number CHANGE (see 'netjournal history').

    Undoing is itself a change, so 'netjournal undo' right after an undo redoes. A change
    that a later one touched or depends on is refused, naming that later change.
    """
    done = app.journal().undo(number)
    if fmt == "json":
        print_json(_row(done))
        return
    say(
        _("{summary} (this is change #{number}; 'netjournal undo' redoes it).").format(
            summary=done.summary, number=done.id
        )
    )
