"""How edit and delete commands report: the record as JSON, or what the library says it changed.

Each edit or delete command makes one library call, then hands the record it returned to
:func:`report`. The sentence is the summary of the change set that call wrote
(:attr:`netjournal.Journal.last_change`: ``Edited Lyon Tech Meetup (#3): cost, tags.``), or
``Nothing to change: ...`` when it wrote nothing; the command never guesses what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netjournal.i18n import _

from .output import print_json, say

if TYPE_CHECKING:
    from netjournal.journal import Journal


def given(options: dict[str, Any]) -> dict[str, Any]:
    """The options of an ``edit`` the user gave: not ``None`` and not an empty repeat."""
    return {key: value for key, value in options.items() if value is not None and value != ()}


def report(
    journal: Journal,
    record: Any,
    fmt: str | None,
    *,
    label: str,
    asked: bool = True,
    note: str = "",
) -> None:
    """After an edit or a delete: with ``--json`` the record (``to_dict``); else the summary
    of what the call changed, followed by ``note``, or ``Nothing to change: LABEL already has
    these values.`` (``... no option given for LABEL.`` when ``asked`` is false)."""
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(record))
        return
    change = journal.last_change
    if change is None:
        if asked:
            say(_("Nothing to change: {label} already has these values.").format(label=label))
        else:
            say(_("Nothing to change: no option given for {label}.").format(label=label))
    else:
        sentence = (
            change.summary if change.summary.endswith((".", "!", "?")) else change.summary + "."
        )
        say(f"{sentence} {note}" if note else sentence)
