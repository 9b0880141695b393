"""``netjournal import FORMAT FILE``: people and events from where they already live."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..app import App
from ..output import say

if TYPE_CHECKING:
    from netjournal.journal import Journal

FORMATS = ("vcard", "linkedin", "google", "ical", "json")
ALIASES = {"vcf": "vcard", "ics": "ical", "icalendar": "ical", "csv-linkedin": "linkedin"}


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long imports at a terminal; nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("Importing", total=None)

        def update(done: int, total: int) -> None:
            if total >= 200:
                bar.update(task, completed=done, total=total)

        yield update


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
    with _progress(not as_json) as progress:
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
    verb = "would import" if dry_run else "imported"
    say(
        f"{file.name}: {verb} {len(report.created)} new, {len(report.merged)} merged, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped"
        + (f", {report.encounters_created} connections logged" if report.encounters_created else "")
    )
    if dry_run:
        for label, names in (("new", report.created), ("merge", report.merged)):
            for name in names:
                say(f"  {label}: {name}")
    for skipped in report.skipped:
        where = f"line {skipped.line}" if skipped.line else "file"
        say(f"  skipped ({where}): {skipped.reason}")


def _import_json(journal: Journal, file: Path, *, dry_run: bool) -> None:
    from netjournal.errors import ImportFormatError, InvalidInput

    if dry_run:
        raise InvalidInput("--dry-run is for contact and calendar files, not JSON restores.")
    try:
        fp = file.open(encoding="utf-8")
    except OSError as exc:
        raise ImportFormatError(file.name, None, f"cannot read the file ({exc.strerror})") from exc
    with fp:
        stats = journal.import_json(fp, source_name=file.name)
    held = ", ".join(f"{n} {kind}" for kind, n in stats.counts.items() if n)
    say(f"{file.name}: restored {held or 'an empty journal'}")
