"""``netjournal followup list|done``: what you promised to do, and when."""

from __future__ import annotations

import datetime as dt

import click

from ..app import App
from ..complete import person_names
from ..output import emit, output_options, print_json

FOLLOWUP_COLUMNS = [
    ("id", "Id"),
    ("due", "Due"),
    ("person", "Person"),
    ("action", "What"),
    ("done_on", "Done"),
]


@click.group()
def followup() -> None:
    """List follow-ups and mark them done."""


@followup.command("list")
@click.option("--due", "due_only", is_flag=True, help="Only those due today or overdue.")
@click.option("--by", "due_by", help="Only those due on or before this date.")
@click.option("--all", "include_done", is_flag=True, help="Include those already done.")
@click.option("--person", shell_complete=person_names, help="Only follow-ups for this person.")
@output_options()
@click.pass_obj
def list_(
    app: App,
    due_only: bool,
    due_by: str | None,
    include_done: bool,
    person: str | None,
    fmt: str | None,
) -> None:
    """List open follow-ups by due date."""
    if due_only and due_by:
        raise click.UsageError("Give --due or --by DATE, not both.")
    found = app.journal().followups.list(
        due_by=dt.date.today() if due_only else due_by, include_done=include_done, person=person
    )
    columns = FOLLOWUP_COLUMNS if include_done else FOLLOWUP_COLUMNS[:-1]
    emit(found, columns, fmt, empty="Nothing to follow up.")


@followup.command("done")
@click.argument("followup_id", metavar="ID")
@click.option("--on", help="When it was done (default: today).")
@output_options(listing=False)
@click.pass_obj
def done(app: App, followup_id: str, on: str | None, fmt: str | None) -> None:
    """Mark follow-up ID done."""
    marked = app.journal().followups.done(followup_id, on=on)  # type: ignore[arg-type]
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(marked))
    else:
        who = marked.person.display_name
        click.echo(f"Done: #{marked.id} {marked.action} ({who}, {marked.done_on}).")
