"""``netjournal followup add|list|edit|delete|done|reopen``: what you promised to do, and when."""

from __future__ import annotations

import datetime as dt

import click

from netjournal.i18n import N_, _

from ..app import App
from ..complete import person_names
from ..edits import given, report
from ..output import emit, output_options, print_json, say

FOLLOWUP_COLUMNS = [
    ("id", N_("Id")),
    ("due", N_("Due")),
    ("person", N_("Person")),
    ("action", N_("What")),
    ("done_on", N_("Done")),
]


@click.group()
def followup() -> None:
    """Add, list, edit and delete follow-ups; mark them done or reopen them."""


@followup.command("add")
@click.argument("person", shell_complete=person_names)
@click.argument("due")
@click.argument("action")
@click.option("--encounter", metavar="ID", help="The encounter it follows (its id).")
@output_options(listing=False)
@click.pass_obj
def add(
    app: App, person: str, due: str, action: str, encounter: str | None, fmt: str | None
) -> None:
    """Promise to do ACTION for PERSON by DUE (a date; "friday" means the next one)."""
    added = app.journal().followups.add(person, due, action, encounter=encounter)
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(added))
    else:
        who = added.person.display_name
        say(
            _("Added follow-up #{number}: {action} ({person}, due {day}).").format(
                number=added.id, action=added.action, person=who, day=added.due
            )
        )


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
        raise click.UsageError(_("Give --due or --by DATE, not both."))
    found = app.journal().followups.records(
        due_by=dt.date.today() if due_only else due_by, include_done=include_done, person=person
    )
    columns = FOLLOWUP_COLUMNS if include_done else FOLLOWUP_COLUMNS[:-1]
    emit(found, columns, fmt, empty=_("Nothing to follow up."))


@followup.command("done")
@click.argument("followup_id", metavar="ID")
@click.option("--on", help="When it was done (default: today).")
@output_options(listing=False)
@click.pass_obj
def done(app: App, followup_id: str, on: str | None, fmt: str | None) -> None:
    """Mark follow-up ID done."""
    marked = app.journal().followups.done(followup_id, on=on)
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(marked))
    else:
        who = marked.person.display_name
        say(
            _("Done: #{number} {action} ({person}, {day}).").format(
                number=marked.id, action=marked.action, person=who, day=marked.done_on
            )
        )


@followup.command("reopen")
@click.argument("followup_id", metavar="ID")
@output_options(listing=False)
@click.pass_obj
def reopen(app: App, followup_id: str, fmt: str | None) -> None:
    """Mark follow-up ID as not done yet."""
    opened = app.journal().followups.reopen(followup_id)
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(opened))
    else:
        say(
            _("Reopened: #{number} {action} (due {day}).").format(
                number=opened.id, action=opened.action, day=opened.due
            )
        )


@followup.command("edit")
@click.argument("followup_id", metavar="ID")
@click.option("--due", help="A new due date.")
@click.option("--action", help="A new description of what to do.")
@output_options(listing=False)
@click.pass_obj
def edit(app: App, followup_id: str, due: str | None, action: str | None, fmt: str | None) -> None:
    """Change when follow-up ID is due or what it is."""
    changes = given({"due": due, "action": action})
    journal = app.journal()
    updated = journal.followups.update(followup_id, **changes)
    report(
        journal,
        updated,
        fmt,
        label=_("follow-up #{number}").format(number=updated.id),
        asked=bool(changes),
    )


@followup.command("delete")
@click.argument("followup_id", metavar="ID")
@output_options(listing=False)
@click.pass_obj
def delete(app: App, followup_id: str, fmt: str | None) -> None:
    """Delete follow-up ID."""
    journal = app.journal()
    gone = journal.followups.delete(followup_id)
    report(journal, gone, fmt, label=_("follow-up #{number}").format(number=gone.id))
