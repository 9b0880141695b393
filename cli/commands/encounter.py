"""``netjournal encounter show|edit|delete``: one logged encounter, by its id."""

from __future__ import annotations

from typing import Any

import click

from netjournal.display import amount
from netjournal.i18n import _, language, ngettext

from ..app import App
from ..complete import event_names, person_names
from ..edits import given, report
from ..output import (
    field_lines,
    heading,
    output_options,
    print_json,
    say,
)


@click.group()
def encounter() -> None:
    """Show, edit and delete a logged encounter (by its id, as 'people show' lists them)."""


@encounter.command("show")
@click.argument("encounter_id", metavar="ID")
@output_options(listing=False)
@click.pass_obj
def show(app: App, encounter_id: str, fmt: str | None) -> None:
    """Show encounter ID: person, event, questions, stakes, leads, follow-ups, tags."""
    from netjournal.serialize import to_dict

    data = to_dict(app.journal().encounters.get(encounter_id))
    if fmt == "json":
        print_json(data)
        return
    person, event = data["person"], data["event"]
    heading(
        _("Encounter #{number}: {person} (#{person_id})").format(
            number=data["id"], person=person["name"], person_id=person["id"]
        )
    )
    yes, no = _("yes"), _("no")
    field_lines(
        [
            (_("Date"), data["date"]),
            (
                _("Event"),
                event
                and _("{event} (#{number}, {day})").format(
                    event=event["name"], number=event["id"], day=event["date"]
                ),
            ),
            (_("Introduced by"), data["introduced_by"] and _ref(data["introduced_by"])),
            (
                _("Kind"),
                _("connected on LinkedIn") if data.get("kind") == "connection" else None,
            ),
            (_("They pitched to you"), yes if data["pitched"] else None),
            (_("Outside your field"), {True: yes, False: no}.get(data["outside_field"])),
            (_("Tags"), data["tags"]),
        ]
    )
    body(data, indent="  ")
    if data["followups"]:
        count = len(data["followups"])
        say("  " + ngettext("{count} follow-up:", "{count} follow-ups:", count).format(count=count))
        for fu in data["followups"]:
            if fu["done_on"]:
                line = _("#{number} by {due}: {action} (done {day})").format(
                    number=fu["id"], due=fu["due"], action=fu["action"], day=fu["done_on"]
                )
            else:
                line = _("#{number} by {due}: {action}").format(
                    number=fu["id"], due=fu["due"], action=fu["action"]
                )
            say("    " + line)


def body(enc: dict[str, Any], *, indent: str) -> None:
    """What an encounter produced (``to_dict`` shape): questions, stakes, wishes, leads with
    their outcomes, notes. Shared with ``people show``."""
    from netjournal.vocab import label

    def word(code: str, vocabulary: str) -> str:
        return label(code, vocabulary, language())

    for q in enc["questions"]:
        if q["learned"]:
            line = _("asked: {question} => {learned}").format(
                question=q["asked"], learned=q["learned"]
            )
        else:
            line = _("asked: {question}").format(question=q["asked"])
        say(indent + line)
    if enc["stakes"]:
        say(indent + _("stakes: {text}").format(text=enc["stakes"]))
    if enc["wishes"]:
        say(indent + _("wishes: {text}").format(text=enc["wishes"]))
    for lead in enc["leads"]:
        say(
            indent
            + _("lead #{number} ({kind}, {status}): {summary}").format(
                number=lead["id"],
                kind=word(lead["kind"], "lead kind"),
                status=word(lead["status"], "lead status"),
                summary=lead["summary"],
            )
        )
        for out in lead["outcomes"]:
            value = f" {amount(out['value'], out['currency'])}" if out["value"] is not None else ""
            say(
                indent
                + "  "
                + _("outcome #{number} {day} {kind}{value}: {description}").format(
                    number=out["id"],
                    day=out["date"],
                    kind=word(out["kind"], "outcome kind"),
                    value=value,
                    description=out["description"],
                )
            )
    if enc["notes"]:
        for line in enc["notes"].splitlines():
            say(f"{indent}{line}")


def _ref(ref: dict[str, Any]) -> str:
    return f"{ref['name']} (#{ref['id']})"


@encounter.command("edit")
@click.argument("encounter_id", metavar="ID")
@click.option("--date", "-d", help="When it happened: 2026-11-20, 20/11/2026, yesterday...")
@click.option(
    "--event",
    "-e",
    shell_complete=event_names,
    help="The event (name, prefix or id; '' detaches it from any event).",
)
@click.option("--notes", help="Free notes: replace them ('' clears them).")
@click.option("--stakes", help="What is at stake for them ('' clears it).")
@click.option("--wishes", help="What they wish for or need ('' clears it).")
@click.option(
    "--asked",
    "-q",
    multiple=True,
    metavar='"Q => LEARNED"',
    help="The questions you asked, as a new list: repeat for several; the encounter's "
    "questions are REPLACED by exactly those given.",
)
@click.option("--tag", "add_tags", multiple=True, help="Add a tag (repeat for several).")
@click.option("--untag", "remove_tags", multiple=True, help="Remove a tag (repeat for several).")
@click.option(
    "--they-pitched/--not-pitched",
    "pitched",
    default=None,
    help="Whether they pitched their business to you (a seller; see 'report pitches').",
)
@click.option("--pitched", "pitched", flag_value=True, hidden=True)
@click.option(
    "--intro-by",
    "introduced_by",
    shell_complete=person_names,
    metavar="NAME",
    help="Who introduced you ('' clears it).",
)
@output_options(listing=False)
@click.pass_obj
def edit(app: App, encounter_id: str, fmt: str | None, **options: Any) -> None:
    """Correct encounter ID: date, event, texts, questions, tags, they pitched, introducer."""
    from netjournal.batch import parse_question

    changes = given(options)
    if "asked" in changes:
        changes["questions"] = [parse_question(q) for q in changes.pop("asked")]
    journal = app.journal()
    updated = journal.encounters.update(encounter_id, **changes)
    report(journal, updated, fmt, label=_label(updated), asked=bool(changes))


@encounter.command("delete")
@click.argument("encounter_id", metavar="ID")
@output_options(listing=False)
@click.pass_obj
def delete(app: App, encounter_id: str, fmt: str | None) -> None:
    """Delete encounter ID with its questions, leads, outcomes and follow-ups (the person
    and the event stay)."""
    journal = app.journal()
    deleted = journal.encounters.delete(encounter_id)
    report(journal, deleted, fmt, label=_label(deleted), note=_("'netjournal undo' takes it back."))


def _label(enc: Any) -> str:
    if enc.event is not None:
        return _("encounter #{number} ({person} at {event}, {day})").format(
            number=enc.id, person=enc.person.display_name, event=enc.event.name, day=enc.date
        )
    return _("encounter #{number} ({person}, {day})").format(
        number=enc.id, person=enc.person.display_name, day=enc.date
    )
