"""``netjournal sync vdir DIR``: keep the journal's people and an address book in step."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from netjournal.i18n import N_, _, ngettext

from ..app import App
from ..output import print_json, progress_bar, say

if TYPE_CHECKING:
    from netjournal.vdir import SyncReport


@click.group()
def sync() -> None:
    """Sync the journal's people both ways with an address book."""


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
    with progress_bar(not as_json, N_("Syncing")) as progress:
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


#: The lines listing what a sync did, by section of the report.
_SECTIONS = (
    ("journal_added", N_("journal added: {name}")),
    ("journal_updated", N_("journal updated: {name}")),
    ("journal_unlinked", N_("journal unlinked: {name}")),
    ("journal_deleted", N_("journal deleted: {name}")),
    ("vdir_added", N_("vdir added: {name}")),
    ("vdir_updated", N_("vdir updated: {name}")),
    ("vdir_deleted", N_("vdir deleted: {name}")),
)


def _print(report: SyncReport) -> None:
    r = report
    counts = {
        "vdir": r.vdir,
        "journal_added": len(r.journal_added),
        "journal_updated": len(r.journal_updated),
        "journal_unlinked": len(r.journal_unlinked),
        "journal_deleted": len(r.journal_deleted),
        "vdir_added": len(r.vdir_added),
        "vdir_updated": len(r.vdir_updated),
        "vdir_deleted": len(r.vdir_deleted),
    }
    if r.dry_run:
        line = _(
            "{vdir}: would change in the journal {journal_added} added, {journal_updated} "
            "updated, {journal_unlinked} unlinked, {journal_deleted} deleted; in the vdir "
            "{vdir_added} added, {vdir_updated} updated, {vdir_deleted} deleted"
        ).format(**counts)
    else:
        line = _(
            "{vdir}: changed in the journal {journal_added} added, {journal_updated} "
            "updated, {journal_unlinked} unlinked, {journal_deleted} deleted; in the vdir "
            "{vdir_added} added, {vdir_updated} updated, {vdir_deleted} deleted"
        ).format(**counts)
    if r.conflicts:
        n = len(r.conflicts)
        line += ngettext("; {count} conflict", "; {count} conflicts", n).format(count=n)
    if r.refused:
        n = len(r.refused)
        line += ngettext("; {count} refused", "; {count} refused", n).format(count=n)
    if r.failed:
        n = len(r.failed)
        line += ngettext("; {count} not written", "; {count} not written", n).format(count=n)
    say(line)
    for key, form in _SECTIONS:
        for item in getattr(r, key):
            shown = _(form).format(name=item.name)
            say("  " + shown + (f" ({item.href})" if item.href else ""))
    for conflict in r.conflicts:
        fields = ", ".join(
            _("{field}: journal {mine}, vdir {theirs}").format(
                field=name, mine=repr(mine), theirs=repr(theirs)
            )
            for name, (mine, theirs) in conflict.fields.items()
        )
        say(
            "  "
            + _("conflict: {name} ({file}): {fields}").format(
                name=conflict.name, file=conflict.href, fields=fields
            )
        )
    if r.conflicts:
        say("  " + _("(both versions kept; --prefer journal or --prefer vdir settles them)"))
    for refused in r.refused:
        say("  " + _("refused: {file}: {reason}").format(file=refused.href, reason=refused.reason))
    for failed in r.failed:
        say(
            "  " + _("not written: {file}: {reason}").format(file=failed.href, reason=failed.reason)
        )
