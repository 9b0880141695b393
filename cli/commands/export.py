"""``netjournal export FORMAT`` and ``netjournal backup``: getting your data out."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import click

from netjournal.i18n import _, ngettext

from ..app import App
from ..output import output_options, print_json

if TYPE_CHECKING:
    from netjournal.exchange import ExportStats

FORMATS = ("json", "vcard", "csv", "ical")


def counted(name: str, count: int) -> str:
    """``3 people``: how many records of a section (``people``, ``follow-ups``...) an export
    or a restore holds, in the user's language (English keeps the section's name)."""
    # English: the name of the section whatever the count
    forms = {
        "tags": ngettext("{count} tags", "{count} tags", count),
        "people": ngettext("{count} people", "{count} people", count),
        "events": ngettext("{count} events", "{count} events", count),
        "encounters": ngettext("{count} encounters", "{count} encounters", count),
        "leads": ngettext("{count} leads", "{count} leads", count),
        "followups": ngettext("{count} followups", "{count} followups", count),
        "follow-ups": ngettext("{count} follow-ups", "{count} follow-ups", count),
        "catch-ups": ngettext("{count} catch-ups", "{count} catch-ups", count),
    }
    return forms[name].format(count=count) if name in forms else f"{count} {name}"


@click.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS, case_sensitive=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="File to write (created private, mode 0600; a device or pipe is written to). "
    "Default: standard output.",
)
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@click.option(
    "--version",
    "vcard_version",
    type=click.Choice(["3.0", "4.0"]),
    default="3.0",
    show_default=True,
    help="vCard version (vcard only).",
)
@click.option(
    "--excel",
    is_flag=True,
    help="csv only: add a byte-order mark so Excel reads UTF-8, and quote formula-like cells.",
)
@click.option(
    "--todo",
    is_flag=True,
    help="ical only: follow-ups as to-dos (VTODO) rather than all-day events with a reminder. "
    "Google Calendar does not show to-dos from a file.",
)
@click.option(
    "--since", metavar="DATE", help="ical only: follow-ups due and events held from this date."
)
@click.option(
    "--until", metavar="DATE", help="ical only: follow-ups due and events held up to this date."
)
@click.option(
    "--tag",
    "tags",
    metavar="TAG",
    multiple=True,
    help="ical only: follow-ups whose person or encounter has this tag, events that have it "
    "(repeatable: all of them).",
)
@click.pass_obj
def export(
    app: App,
    fmt: str,
    output: str | None,
    overwrite: bool,
    vcard_version: str,
    excel: bool,
    todo: bool,
    since: str | None,
    until: str | None,
    tags: tuple[str, ...],
) -> None:
    """Export the journal: the whole of it as JSON (re-importable), people as vCards,
    encounters as CSV for spreadsheets, or open follow-ups and upcoming events as an
    iCalendar file (ical) for a calendar to import or subscribe to.

    In ical, each follow-up is an all-day event on its due date with a reminder at 09:00
    (or a to-do with --todo), as is each person due for a catch-up (today, or the day they
    fall due by --until; see 'netjournal catchup'); each event not over yet is an event.
    Every item keeps its UID from one export to the next, so exporting again with -o FILE
    --overwrite updates the entries of a calendar subscribed to FILE.
    """
    fmt = fmt.lower()
    if fmt != "ical" and (todo or since or until or tags):
        raise click.UsageError(_("--todo, --since, --until and --tag apply to ical only."))
    journal = app.journal(create=False)
    calls: dict[str, Callable[[TextIO], ExportStats]] = {
        "json": journal.export_json,
        "vcard": lambda fp: journal.export_vcard(fp, version=vcard_version),
        "csv": lambda fp: journal.export_csv(fp, excel=excel),
        "ical": lambda fp: journal.export_ical(
            fp, todo=todo, since=since, until=until, tags=tags or None
        ),
    }
    stats = write(calls[fmt], output, overwrite=overwrite)
    if output is not None:
        counts = ", ".join(counted(name, n) for name, n in stats.counts.items())
        if counts:
            click.echo(
                _("Exported {counts} to {file}").format(counts=counts, file=output), err=True
            )
        else:
            click.echo(_("Exported nothing to {file}").format(file=output), err=True)
    if journal.encrypted:
        if output is not None:
            warning = _(
                "Warning: the journal is encrypted, {file} is not: keep it safe, "
                "and delete it when done."
            ).format(file=output)
        else:
            warning = _(
                "Warning: the journal is encrypted, this export is not: keep it safe, "
                "and delete it when done."
            )
        click.echo(warning, err=True)


def write(call: Callable[[TextIO], Any], output: str | None, *, overwrite: bool = False) -> Any:
    """Run ``call`` on a private file (renamed into place when done) or on UTF-8 stdout."""
    if output is not None:
        from netjournal.files import private_output

        with private_output(output, overwrite=overwrite) as fp:
            return call(fp)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (some embedding): write to it as it is
        return call(sys.stdout)
    sys.stdout.flush()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    try:
        return call(stream)
    finally:
        stream.flush()
        stream.detach()


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@output_options(listing=False)
@click.pass_obj
def backup(app: App, file: str | None, overwrite: bool, fmt: str | None) -> None:
    """Copy the SQLite journal safely, even while it is in use (default: a dated file beside
    it), into a new file of mode 0600. PostgreSQL journals are backed up with pg_dump; the
    message says how."""
    target = app.journal(create=False).backup(file, overwrite=overwrite)
    if fmt == "json":
        print_json({"backup": str(target)})
    else:
        click.echo(_("Backup written to {file}").format(file=target))
