"""``netjournal people list|show|edit|merge|forget``."""

from __future__ import annotations

from typing import Any

import click

from netjournal.display import safe
from netjournal.i18n import N_, _, ngettext

from ..app import App
from ..complete import person_names
from ..edits import given, report
from ..output import (
    confirm,
    emit,
    field_lines,
    heading,
    output_options,
    print_json,
    say,
    stdin_is_terminal,
)
from .duplicates import duplicates

PEOPLE_COLUMNS = [
    ("id", N_("Id")),
    ("name", N_("Name")),
    ("organization", N_("Organization")),
    ("title", N_("Title")),
    ("field", N_("Field")),
    ("tags", N_("Tags")),
    ("strength", N_("Strength")),
]


@click.group()
def people() -> None:
    """List, show, edit, merge and forget the people you met."""


@people.command("list")
@click.option("--tag", help="Only people with this tag.")
@click.option("--org", help="Only people of this organization.")
@click.option("--field", help="Only people of this field.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@click.option(
    "--sort",
    default="name",
    show_default=True,
    help="name, or strength: the strongest ties first (docs/reports.md, Tie strength).",
)
@click.option("--today", help="Compute tie strength as of this day (default: today).")
@output_options()
@click.pass_obj
def list_(
    app: App,
    tag: str | None,
    org: str | None,
    field: str | None,
    limit: int | None,
    sort: str,
    today: str | None,
    fmt: str | None,
) -> None:
    """List people in name order (or --sort strength), with the strength of each tie."""
    found = app.journal().people.records(
        tag=tag, organization=org, field=field, limit=limit, sort=sort, today=today, strength=True
    )
    emit(found, PEOPLE_COLUMNS, fmt, empty=_("Nobody yet: netjournal log NAME ..."))


@people.command("show")
@click.argument("person", shell_complete=person_names)
@click.option("--today", help="Compute tie strength as of this day (default: today).")
@output_options(listing=False)
@click.pass_obj
def show(app: App, person: str, today: str | None, fmt: str | None) -> None:
    """Show a person (name, unique prefix or id): encounters, leads, follow-ups, and how
    strong your tie is, with why."""
    data = app.journal().person_record(person, today=today)
    if fmt == "json":
        print_json(data)
        return
    p = data["person"]
    heading(f"{p['name']} (#{p['id']})")
    field_lines(
        [
            (_("Organization"), p["organization"]),
            (_("Title"), p["title"]),
            (_("Field"), p["field"]),
            (_("Location"), p["location"]),
            *(
                (_(CONTACT_KINDS.get(c["kind"], c["kind"].capitalize())), c["value"])
                for c in p["contacts"]
            ),
            (_("Tags"), p["tags"]),
            (_("Cadence"), _cadence(p)),
            (_("Notes"), p["notes"]),
            (_("Introduced you to"), data["introduced"]),
        ]
    )
    _tie(data["tie"])
    count = len(data["encounters"])
    say("\n" + ngettext("{count} encounter:", "{count} encounters:", count).format(count=count))
    for enc in data["encounters"]:
        _encounter(enc)
    open_followups = [f for f in data["followups"] if f["done_on"] is None]
    if open_followups:
        say("\n" + _("To do:"))
        for fu in open_followups:
            say(
                "  "
                + _("#{number} by {due}: {action}").format(
                    number=fu["id"], due=fu["due"], action=fu["action"]
                )
            )


#: How contact points are labelled (``email`` is shown as "Email").
CONTACT_KINDS = {"email": N_("Email"), "phone": N_("Phone"), "url": N_("Url")}


def _tie(tie: dict[str, Any]) -> None:
    """The score and why: each component's raw value and the points it gives."""
    say(
        "\n"
        + _("Tie strength: {score} / 100 as of {day} (why this score):").format(
            score=f"{tie['score']:.1f}", day=tie["today"]
        )
    )
    names = [_(TIE_WORDS.get(part["name"], part["name"])) for part in tie["components"]]
    width = max([13, *(len(name) for name in names)])
    for name, part in zip(names, tie["components"], strict=True):
        dimension = _(TIE_WORDS.get(part["dimension"], part["dimension"]))
        line = _("{name} {raw} -> {points} of {weight}  ({dimension})").format(
            name=f"{name:<{width}}",
            raw=f"{part['raw']:>10g}",
            points=f"{part['points']:5.2f}",
            weight=f"{part['weight'] * 100:.0f}",
            dimension=dimension,
        )
        say("  " + line)


#: The components of the tie strength and the dimensions they read (netjournal.ties), as shown.
TIE_WORDS = {
    "encounters": N_("encounters"),
    "hours": N_("hours"),
    "questions": N_("questions"),
    "confiding": N_("confiding"),
    "introductions": N_("introductions"),
    "outcomes": N_("outcomes"),
    "value": N_("value"),
    "time together": N_("time together"),
    "emotional intensity": N_("emotional intensity"),
    "mutual confiding": N_("mutual confiding"),
    "reciprocal services": N_("reciprocal services"),
}


def _cadence(person: dict[str, Any]) -> str | None:
    """Their own cadence in words (their tags' is in 'netjournal cadence')."""
    from netjournal.cadence import describe

    if person.get("cadence_days") is None:
        return None
    return describe(person["cadence_days"], person["cadence_max_days"])


def _encounter(enc: dict[str, Any]) -> None:
    from .encounter import body

    where = _(" at {event}").format(event=enc["event"]["name"]) if enc["event"] else ""
    via = (
        _(", introduced by {person}").format(person=enc["introduced_by"]["name"])
        if enc["introduced_by"]
        else ""
    )
    pitched = _(" (they pitched to you)") if enc["pitched"] else ""
    connected = _(" connected on LinkedIn") if enc.get("kind") == "connection" else ""
    say(f"  #{enc['id']} {enc['date']}{connected}{where}{via}{pitched}")
    body(enc, indent="    ")


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
@click.option("--remove-email", "remove_emails", multiple=True, help="Remove an e-mail address.")
@click.option("--remove-phone", "remove_phones", multiple=True, help="Remove a phone number.")
@click.option("--remove-url", "remove_urls", multiple=True, help="Remove a web address.")
@click.option(
    "--remove-tag", "--untag", "remove_tags", multiple=True, help="Remove a tag (or --untag)."
)
@click.option(
    "--every",
    help="How often to see them: 30d, 6w, 3m (30-day months); 'none' clears. Wins over tags'.",
)
@click.option("--at-most", "at_most", help="The longest gap accepted (30d, 2m...; 'none' clears).")
@output_options(listing=False)
@click.pass_obj
def edit(app: App, person: str, fmt: str | None, **options: Any) -> None:
    """Change what the journal knows about a person; every option can be repeated or
    combined ('' clears a field)."""
    changes = given(options)
    journal = app.journal()
    updated = journal.people.update(person, **changes)
    report(journal, updated, fmt, label=_label(updated), asked=bool(changes))


def _label(person: Any) -> str:
    return f"{person.display_name} (#{person.id})"


def _moved(plan: Any) -> list[str]:
    """What a merge moves, counted: ``2 encounters``, ``1 tag``."""
    counts = (
        ("encounters", lambda n: ngettext("{count} encounter", "{count} encounters", n)),
        ("introductions", lambda n: ngettext("{count} introduction", "{count} introductions", n)),
        ("followups", lambda n: ngettext("{count} follow-up", "{count} follow-ups", n)),
        ("contacts", lambda n: ngettext("{count} contact point", "{count} contact points", n)),
        ("tags", lambda n: ngettext("{count} tag", "{count} tags", n)),
    )
    return [
        form(getattr(plan, key)).format(count=getattr(plan, key))
        for key, form in counts
        if getattr(plan, key)
    ]


@people.command("merge")
@click.argument("keep", shell_complete=person_names)
@click.argument("other", shell_complete=person_names)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (needed in scripts).")
@output_options(listing=False)
@click.pass_obj
def merge(app: App, keep: str, other: str, yes: bool, fmt: str | None) -> None:
    """Merge OTHER into KEEP (duplicates): everything of OTHER moves to KEEP, then OTHER is
    removed. Shows both and what moves, and asks first ('netjournal undo' takes it back)."""
    journal = app.journal()
    plan = journal.people.merge_plan(keep, other)
    kept_encounters = len(journal.people.show(plan.kept.id).encounters)
    moved = _moved(plan)
    if fmt != "json":
        _merge_preview(plan, kept_encounters, moved)
    if not yes:
        if not stdin_is_terminal():
            raise click.ClickException(
                _("Merging needs a confirmation: run it in a terminal, or add --yes.")
            )
        confirm(
            _("Merge {other} into {kept}?").format(
                other=_label(plan.absorbed), kept=_label(plan.kept)
            )
        )
    kept = journal.people.merge(plan.kept.id, plan.absorbed.id)
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json({"kept": to_dict(kept), "absorbed": to_dict(plan.absorbed)})
        return
    if moved:
        line = _("Merged {other} into {kept}: {moved} moved. 'netjournal undo' takes it back.")
    else:
        line = _(
            "Merged {other} into {kept} (nothing else to move). 'netjournal undo' takes it back."
        )
    say(line.format(other=_label(plan.absorbed), kept=_label(kept), moved=", ".join(moved)))


def _merge_preview(plan: Any, kept_encounters: int, moved: list[str]) -> None:
    for role, who, encounters in (
        (_("Keep"), plan.kept, kept_encounters),
        (_("Absorb"), plan.absorbed, plan.encounters),
    ):
        org = f", {who.organization}" if who.organization else ""
        met = ngettext("{count} encounter", "{count} encounters", encounters).format(
            count=encounters
        )
        say(
            _("{role}: {person}{organization}, {encounters}").format(
                role=role, person=_label(who), organization=org, encounters=met
            )
        )
    if moved:
        say(_("Moves: {moved}.").format(moved=", ".join(moved)))
    else:
        say(_("Moves: nothing but the name."))


@people.command("forget")
@click.argument("person", shell_complete=person_names)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@output_options(listing=False)
@click.pass_obj
def forget(app: App, person: str, yes: bool, fmt: str | None) -> None:
    """Remove a person and every trace of them (encounters, leads, follow-ups)."""
    journal = app.journal()
    if not yes:
        detail = journal.people.show(person)
        who = detail.person
        count = len(detail.encounters)
        confirm(
            ngettext(
                "Forget {person} (#{number}) and {count} encounter with everything logged "
                "there? This cannot be undone",
                "Forget {person} (#{number}) and {count} encounters with everything logged "
                "there? This cannot be undone",
                count,
            ).format(person=safe(who.display_name), number=who.id, count=count)
        )
        person = str(who.id)
    result = journal.people.forget(person)
    if fmt == "json":
        print_json(result.to_dict())
        return
    say(_("Forgot {person}.").format(person=result.name))
    if result.pending:
        click.echo(
            _("Not yet erased from the journal's files: {pending}.").format(pending=result.pending),
            err=True,
        )


people.add_command(duplicates, "duplicates")
