"""``netjournal sync vdir DIR``: keep the journal's people and an address book in step."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..app import App
from ..output import plural, print_json, say

if TYPE_CHECKING:
    from netjournal.vdir import SyncReport


@click.group()
def sync() -> None:
    """Sync the journal's people both ways with an address book."""


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long syncs at a terminal; nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Syncing", total=None)

        def update(done: int, total: int) -> None:
            if total >= 200:
                bar.update(task, completed=done, total=total)

        yield update


@sync.command("vdir")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--vcard",
    "version",
    type=click.Choice(["3.0", "4.0"]),
    default="3.0",
    show_default=True,
    help="vCard version of the new cards.",
)
@click.option(
    "--prefer",
    type=click.Choice(["journal", "vdir"]),
    help="Which side wins a field changed differently on both sides (default: report it).",
)
@click.option("--prune", is_flag=True, help="Delete the people whose card was deleted.")
@click.option("--notes", is_flag=True, help="Sync people's notes too (the cards' NOTE).")
@click.option("--dry-run", is_flag=True, help="Show what would change on each side.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def vdir(
    app: App,
    folder: Path,
    version: str,
    prefer: str | None,
    prune: bool,
    notes: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Sync people both ways with DIR, a vdir: one .vcf per contact, as vdirsyncer (CardDAV)
    and khard keep it.

    New cards become people, new people get a card; names, organization, title, e-mails,
    phones and URLs go both ways (notes with --notes), and what the journal does not keep
    (photos, addresses, birthdays...) stays in the card as it is. A contact changed on both
    sides is merged field by field; a field changed differently on both sides is reported
    and left as it is on each side until --prefer says which wins. A card deleted from DIR
    unlinks its person (--prune deletes them); a person deleted from the journal loses their
    card. One change set: 'netjournal undo' reverts what it changed in the journal.
    """
    journal = app.journal()
    with _progress(not as_json) as progress:
        report = journal.sync_vdir(
            folder,
            version=version,
            prefer=prefer,
            prune=prune,
            notes=notes,
            dry_run=dry_run,
            progress=progress,
        )
    if as_json:
        print_json(report.to_dict())
        return
    _print(report)


def _print(report: SyncReport) -> None:
    r = report
    verb = "would change" if r.dry_run else "changed"
    say(
        f"{r.vdir}: {verb} in the journal {len(r.journal_added)} added, "
        f"{len(r.journal_updated)} updated, {len(r.journal_unlinked)} unlinked, "
        f"{len(r.journal_deleted)} deleted; in the vdir {len(r.vdir_added)} added, "
        f"{len(r.vdir_updated)} updated, {len(r.vdir_deleted)} deleted"
        + (f"; {plural(len(r.conflicts), 'conflict')}" if r.conflicts else "")
        + (f"; {len(r.refused)} refused" if r.refused else "")
        + (f"; {len(r.failed)} not written" if r.failed else "")
    )
    sections = (
        ("journal added", r.journal_added),
        ("journal updated", r.journal_updated),
        ("journal unlinked", r.journal_unlinked),
        ("journal deleted", r.journal_deleted),
        ("vdir added", r.vdir_added),
        ("vdir updated", r.vdir_updated),
        ("vdir deleted", r.vdir_deleted),
    )
    for label, items in sections:
        for item in items:
            say(f"  {label}: {item.name}" + (f" ({item.href})" if item.href else ""))
    for conflict in r.conflicts:
        fields = ", ".join(
            f"{name}: journal {mine!r}, vdir {theirs!r}"
            for name, (mine, theirs) in conflict.fields.items()
        )
        say(f"  conflict: {conflict.name} ({conflict.href}): {fields}")
    if r.conflicts:
        say("  (both versions kept; --prefer journal or --prefer vdir settles them)")
    for refused in r.refused:
        say(f"  refused: {refused.href}: {refused.reason}")
    for failed in r.failed:
        say(f"  not written: {failed.href}: {failed.reason}")
