"""``netjournal import FORMAT FILE``: people and events from where they already live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from netjournal.i18n import N_, _, ngettext

from ..app import App
from ..output import progress_bar, say

if TYPE_CHECKING:
    from netjournal.journal import Journal

FORMATS = ("vcard", "linkedin", "google", "ical", "json")
ALIASES = {"vcf": "vcard", "ics": "ical", "icalendar": "ical", "csv-linkedin": "linkedin"}


@click.command("import")
@click.argument("format", type=click.Choice(FORMATS + tuple(ALIASES), case_sensitive=False))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be created, merged and skipped.")
@click.option("--overwrite", is_flag=True, help="Let the file's values replace known ones.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid records, list the rest.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def import_(
    app: App,
    format: str,
    file: Path,
    dry_run: bool,
    overwrite: bool,
    skip_invalid: bool,
    as_json: bool,
) -> None:
    """Import contacts (vcard, linkedin, google) or events (ical) from FILE, or restore a
    `netjournal export json` file into an empty journal (json).

    People already in the journal (same e-mail, profile URL or UID, or same name at the same
    organization) are merged: only new information is added. The file imports completely or
    not at all.

    linkedin: Connected On dates are kept as connections, not meetings: reports leave them
    out unless --include-connections.
    """
    kind = ALIASES.get(format.lower(), format.lower())
    journal = app.journal()
    if kind == "json":
        _import_json(journal, file, dry_run=dry_run)
        return
    with progress_bar(not as_json, N_("Importing")) as progress:
        report = journal.import_file(
            kind,
            file,
            dry_run=dry_run,
            overwrite=overwrite,
            skip_invalid=skip_invalid,
            progress=progress,
        )
    if as_json:
        data = {
            "file": report.file,
            "dry_run": report.dry_run,
            "created": report.created,
            "merged": report.merged,
            "unchanged": report.unchanged,
            "skipped": [{"line": s.line, "reason": s.reason} for s in report.skipped],
            "encounters_created": report.encounters_created,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    counts = {
        "file": file.name,
        "new": len(report.created),
        "merged": len(report.merged),
        "unchanged": len(report.unchanged),
        "skipped": len(report.skipped),
    }
    if dry_run:
        line = _(
            "{file}: would import {new} new, {merged} merged, {unchanged} unchanged, "
            "{skipped} skipped"
        ).format(**counts)
    else:
        line = _(
            "{file}: imported {new} new, {merged} merged, {unchanged} unchanged, {skipped} skipped"
        ).format(**counts)
    if report.encounters_created:
        n = report.encounters_created
        # English: "connections" whatever the count
        line += ngettext(", {count} connections logged", ", {count} connections logged", n).format(
            count=n
        )
    say(line)
    if dry_run:
        for name in report.created:
            say("  " + _("new: {name}").format(name=name))
        for name in report.merged:
            say("  " + _("merge: {name}").format(name=name))
    for skipped in report.skipped:
        if skipped.line:
            say(
                "  "
                + _("skipped (line {line}): {reason}").format(
                    line=skipped.line, reason=skipped.reason
                )
            )
        else:
            say("  " + _("skipped (file): {reason}").format(reason=skipped.reason))


def _import_json(journal: Journal, file: Path, *, dry_run: bool) -> None:
    from netjournal.errors import ImportFormatError, InvalidInput

    if dry_run:
        raise InvalidInput(_("--dry-run is for contact and calendar files, not JSON restores."))
    try:
        fp = file.open(encoding="utf-8")
    except OSError as exc:
        raise ImportFormatError(
            file.name, None, _("cannot read the file ({reason})").format(reason=exc.strerror)
        ) from exc
    with fp:
        stats = journal.import_json(fp, source_name=file.name)
    from .export import counted

    held = ", ".join(counted(kind, n) for kind, n in stats.counts.items() if n)
    if held:
        say(_("{file}: restored {counts}").format(file=file.name, counts=held))
    else:
        say(_("{file}: restored an empty journal").format(file=file.name))
