"""``netjournal people list|show|edit|merge|forget``."""

from __future__ import annotations

from typing import Any

import click

from ..app import App
from ..complete import person_names
from ..output import emit, field_lines, heading, output_options, plural, print_json
from .duplicates import duplicates

PEOPLE_COLUMNS = [
    ("id", "Id"),
    ("name", "Name"),
    ("organization", "Organization"),
    ("title", "Title"),
    ("field", "Field"),
    ("tags", "Tags"),
]


@click.group()
def people() -> None:
    """List, show, edit, merge and forget the people you met."""


@people.command("list")
@click.option("--tag", help="Only people with this tag.")
@click.option("--org", help="Only people of this organization.")
@click.option("--field", help="Only people of this field.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@output_options()
@click.pass_obj
def list_(
    app: App,
    tag: str | None,
    org: str | None,
    field: str | None,
    limit: int | None,
    fmt: str | None,
) -> None:
    """List people in name order."""
    found = app.journal().people.list(tag=tag, organization=org, field=field, limit=limit)
    emit(found, PEOPLE_COLUMNS, fmt, empty="Nobody yet: netjournal log NAME ...")


@people.command("show")
@click.argument("person", shell_complete=person_names)
@output_options(listing=False)
@click.pass_obj
def show(app: App, person: str, fmt: str | None) -> None:
    """Show a person (name, unique prefix or id): encounters, leads, follow-ups."""
    data = app.journal().person_record(person)
    if fmt == "json":
        print_json(data)
        return
    p = data["person"]
    heading(f"{p['name']} (#{p['id']})")
    field_lines(
        [
            ("Organization", p["organization"]),
            ("Title", p["title"]),
            ("Field", p["field"]),
            ("Location", p["location"]),
            *((c["kind"].capitalize(), c["value"]) for c in p["contacts"]),
            ("Tags", p["tags"]),
            ("Notes", p["notes"]),
            ("Introduced you to", data["introduced"]),
        ]
    )
    click.echo(f"\n{plural(len(data['encounters']), 'encounter')}:")
    for enc in data["encounters"]:
        _encounter(enc)
    open_followups = [f for f in data["followups"] if f["done_on"] is None]
    if open_followups:
        click.echo("\nTo do:")
        for fu in open_followups:
            click.echo(f"  #{fu['id']} by {fu['due']}: {fu['action']}")


def _encounter(enc: dict[str, Any]) -> None:
    where = f" at {enc['event']['name']}" if enc["event"] else ""
    via = f", introduced by {enc['introduced_by']['name']}" if enc["introduced_by"] else ""
    click.echo(f"  {enc['date']}{where}{via}{' (pitched)' if enc['pitched'] else ''}")
    for q in enc["questions"]:
        learned = f" => {q['learned']}" if q["learned"] else ""
        click.echo(f"    asked: {q['asked']}{learned}")
    for label in ("stakes", "wishes"):
        if enc[label]:
            click.echo(f"    {label}: {enc[label]}")
    for lead in enc["leads"]:
        click.echo(f"    lead #{lead['id']} ({lead['kind']}, {lead['status']}): {lead['summary']}")
        for out in lead["outcomes"]:
            value = f" {out['value']} {out['currency']}" if out["value"] is not None else ""
            click.echo(f"      outcome {out['date']} {out['kind']}{value}: {out['description']}")
    if enc["notes"]:
        for line in enc["notes"].splitlines():
            click.echo(f"    {line}")


@people.command("edit")
@click.argument("person", shell_complete=person_names)
@click.option("--name", "display_name", help="A new display name.")
@click.option("--org", "organization", help="Organization ('' clears it).")
@click.option("--title", help="Job title ('' clears it).")
@click.option("--field", help="Field ('' clears it).")
@click.option("--location", help="Where they are based ('' clears it).")
@click.option("--notes", help="Notes about them ('' clears them).")
@click.option("--email", "emails", multiple=True, help="Add an e-mail address.")
@click.option("--phone", "phones", multiple=True, help="Add a phone number.")
@click.option("--url", "urls", multiple=True, help="Add a web address.")
@click.option("--tag", "add_tags", multiple=True, help="Add a tag.")
@click.option("--untag", "remove_tags", multiple=True, help="Remove a tag.")
@output_options(listing=False)
@click.pass_obj
def edit(app: App, person: str, fmt: str | None, **changes: Any) -> None:
    """Change what the journal knows about a person."""
    fields = {k: changes.pop(k) for k in ("organization", "title", "field", "location", "notes")}
    updated = app.journal().people.update(
        person, **changes, **{k: v for k, v in fields.items() if v is not None}
    )
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(updated))
    else:
        click.echo(f"Updated {updated.display_name} (#{updated.id}).")


@people.command("merge")
@click.argument("keep", shell_complete=person_names)
@click.argument("other", shell_complete=person_names)
@click.pass_obj
def merge(app: App, keep: str, other: str) -> None:
    """Merge OTHER into KEEP (duplicates): everything of OTHER moves to KEEP."""
    kept = app.journal().people.merge(keep, other)
    click.echo(f"Merged into {kept.display_name} (#{kept.id}).")


@people.command("forget")
@click.argument("person", shell_complete=person_names)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def forget(app: App, person: str, yes: bool) -> None:
    """Remove a person and every trace of them (encounters, leads, follow-ups)."""
    journal = app.journal()
    if not yes:
        detail = journal.people.show(person)
        who = detail.person
        logged = plural(len(detail.encounters), "encounter")
        click.confirm(
            f"Forget {who.display_name} (#{who.id}) and {logged} with everything logged there?"
            " This cannot be undone",
            abort=True,
            err=True,
        )
        person = str(who.id)
    name = journal.people.forget(person)
    click.echo(f"Forgot {name}.")


people.add_command(duplicates, "duplicates")
