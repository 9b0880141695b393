"""How edit and delete commands report: the record as JSON, or in a sentence what changed.

The library writes nothing when an edit changes nothing, but does not say which fields it
changed; an edit command reads the record first and compares the two ``to_dict`` forms, as
the collections' ``update`` methods document.
"""

from __future__ import annotations

from typing import Any

import click

from .output import print_json

#: Keys that follow from another one (a new status is dated): not named in "Updated ...".
_IMPLIED = {"status_changed_on"}


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The keys of ``after`` whose values differ from ``before``, in ``after``'s order."""
    return [k for k in after if k not in _IMPLIED and before.get(k) != after[k]]


def unchanged(label: str, record: Any, fmt: str | None, reason: str = "no option given") -> None:
    """Report an edit that wrote nothing: ``Nothing to change: no option given.``"""
    from netjournal.serialize import to_dict

    if fmt == "json":
        print_json(to_dict(record))
    else:
        click.echo(f"Nothing to change: {reason} (for {label}).")


def edited(label: str, before: Any, after: Any, fmt: str | None) -> None:
    """Report an edit: ``Updated lead #3: status, summary.`` (or that nothing changed)."""
    from netjournal.serialize import to_dict

    new = to_dict(after)
    keys = changed_keys(to_dict(before), new)
    if fmt == "json":
        print_json(new)
    elif not keys:
        click.echo(f"Nothing to change: {label} already has these values.")
    else:
        click.echo(f"Updated {label}: {', '.join(keys)}.")


def deleted(sentence: str, record: Any, fmt: str | None) -> None:
    """Report a deletion: the deleted record as JSON, or ``sentence``."""
    from netjournal.serialize import to_dict

    if fmt == "json":
        print_json(to_dict(record))
    else:
        click.echo(sentence)
