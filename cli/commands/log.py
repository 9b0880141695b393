"""``netjournal log``: one encounter from options, or an evening's file (``--batch``/``--edit``)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from netjournal.errors import ImportFormatError, NetjournalError
from netjournal.i18n import N_, _, ngettext

from ..app import App
from ..complete import event_names, person_names
from ..output import print_json, say

if TYPE_CHECKING:
    from netjournal.encounters import BatchResult
    from netjournal.models import Encounter

TEMPLATE = N_("""\
# Your evening, one block per person. Lines starting with # are ignored.
# Before the first 'person:' line, describe the event (an unknown event with a date is created):
#   event: Lyon Tech Meetup
#   date: today            (or 2026-11-20, 20/11/2026, yesterday, last friday)
#   where: La Cordée, Lyon
# Then one block per person:
#   person: Hélène Dubois          ('new person:' if the name is already someone else)
#   org: Emballix / title: ... / field: packaging / email: ... / phone: ...
#   asked: Who makes your boxes? => A Lyon firm, 20% cheaper
#   stakes: ... / wishes: ...
#   lead: supplier: Her box supplier
#   follow-up: friday: Send her our volumes
#   tags: packaging, lyon / they pitched: yes / intro: Marc Petit
#   Any other line is a free note.
{header}
person: """)

#: Options that describe a single encounter (not allowed with --batch or --edit).
SINGLE_OPTIONS = (
    "org",
    "title",
    "field",
    "location",
    "email",
    "phone",
    "notes",
    "stakes",
    "wishes",
    "asked",
    "leads",
    "pitched",
    "old_pitched",
    "intro_by",
    "follow_ups",
    "tags",
    "new",
    "outside",
)


@click.command()
@click.argument("person", required=False, shell_complete=person_names)
@click.option("--event", "-e", shell_complete=event_names, help="The event (name, prefix or id).")
@click.option(
    "--date",
    "-d",
    help="When (default: the event's date, else today); picks the edition of an event name "
    "several editions share.",
)
@click.option("--org", help="Their organization.")
@click.option("--title", help="Their job title.")
@click.option("--field", help="Their field (compared with yours).")
@click.option("--location", help="Where they are based.")
@click.option("--email", help="Their e-mail address.")
@click.option("--phone", help="Their phone number.")
@click.option("--note", "-n", "notes", multiple=True, help="A free note (repeat for several).")
@click.option("--stakes", help="What is at stake for them.")
@click.option("--wishes", help="What they wish for or need.")
@click.option(
    "--asked",
    "-q",
    multiple=True,
    metavar='"Q => LEARNED"',
    help="A question you asked and what you learned (repeat for several).",
)
@click.option(
    "--lead",
    "leads",
    multiple=True,
    metavar='KIND:"SUMMARY"',
    help="A lead, such as supplier:'Cheaper boxes' (repeat for several).",
)
@click.option(
    "--they-pitched",
    "pitched",
    is_flag=True,
    help="They pitched their business to you (a seller); see 'report pitches'.",
)
@click.option("--pitched", "old_pitched", is_flag=True, hidden=True)
@click.option(
    "--intro-by", shell_complete=person_names, metavar="PERSON", help="Who introduced you."
)
@click.option(
    "--follow-up",
    "follow_ups",
    multiple=True,
    metavar='DATE:"WHAT"',
    help="Something to do by a date, such as friday:'Send the deck'.",
)
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--new", is_flag=True, help="A new person even if the name matches someone.")
@click.option(
    "--outside/--inside",
    default=None,
    help="Outside (or inside) your field (default: compare their field with yours).",
)
@click.option(
    "--batch",
    "batch_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Log every block of an after-event file ('-' reads stdin).",
)
@click.option("--edit", is_flag=True, help="Write the evening in $EDITOR, then log it.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="With --batch or --edit: show what would be logged (and who would be new), write nothing.",
)
@click.option(
    "--again",
    is_flag=True,
    help="Log it even if the same person was already logged at that event that day (with "
    "--batch: every block; one block can say 'again: yes').",
)
@click.option(
    "--any-date",
    is_flag=True,
    help="Log it even if dated more than 7 days before or after its event.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the logged encounters as JSON.")
@click.pass_obj
def log(
    app: App,
    person: str | None,
    batch_file: str | None,
    edit: bool,
    dry_run: bool,
    again: bool,
    any_date: bool,
    **opts: Any,
) -> None:
    """Log an encounter with PERSON (an existing or a new person), or a whole evening.

    \b
      netjournal log "Hélène Dubois" -e "Lyon Tech" --org Emballix \\
          --asked "Who makes your boxes? => A Lyon firm" --lead supplier:"Cheaper boxes" \\
          --follow-up friday:"Send our volumes"
      netjournal log --batch after-event.txt
      netjournal log --edit --event "Lyon Tech Meetup" --date today
      netjournal log --batch after-event.txt --dry-run
    """
    as_json = opts.pop("as_json")
    if opts["old_pitched"]:
        click.echo(_("--pitched is now --they-pitched (they pitched to you)"), err=True)
    if dry_run and batch_file is None and not edit:
        raise click.UsageError(_("--dry-run works with --batch or --edit."))
    if batch_file is not None or edit:
        given = [name for name in SINGLE_OPTIONS if opts[name] not in (None, (), False)]
        if person is not None or given or (batch_file is not None and edit):
            raise click.UsageError(
                _(
                    "--batch and --edit take the whole evening from the file: "
                    "give no PERSON or per-person option with them (nor both at once)."
                )
            )
        if batch_file is not None:
            if opts["event"] or opts["date"]:
                raise click.UsageError(_("With --batch, put the event and date in the file."))
            text, source = _read(batch_file), batch_file if batch_file != "-" else "<stdin>"
            batch = app.journal().encounters.batch(
                text, source_name=source, dry_run=dry_run, again=again, any_date=any_date
            )
        else:
            edited = _edit(
                app, opts["event"], opts["date"], dry_run=dry_run, again=again, any_date=any_date
            )
            if edited is None:
                return
            batch = edited
        if dry_run:
            _report_dry_run(batch, as_json)
            return
        logged = _records(batch)
    elif person is None:
        raise click.UsageError(_("Give PERSON, --batch FILE or --edit."))
    else:
        details = _details(opts)
        logged = [
            app.journal().encounters.log_record(person, **details, again=again, any_date=any_date)
        ]
    _report(logged, as_json)


def _report_dry_run(would: BatchResult, as_json: bool) -> None:
    """What a batch would log, and who it would add (``would.new_people``)."""
    from netjournal.serialize import to_dict

    if as_json:
        print_json([to_dict(e) for e in would])
        return
    new_ids = {p.id for p in would.new_people}
    for enc in would:
        who = enc.person
        if who.id in new_ids:
            person = _("{person} (new)").format(person=who.display_name)
        else:
            person = f"{who.display_name} (#{who.id})"
        parts = _parts(len(enc.questions), len(enc.leads), len(enc.followups))
        if enc.event is not None:
            line = _("Would log: {person} at {event} on {day} ({counts}).").format(
                person=person, event=enc.event.name, day=enc.date, counts=parts
            )
        else:
            line = _("Would log: {person} on {day} ({counts}).").format(
                person=person, day=enc.date, counts=parts
            )
        say(line)
    new = [p.display_name for p in would.new_people]
    if new:
        say(_("New people: {names}.").format(names=", ".join(new)))
    else:
        say(_("No new people."))
    say(
        ngettext(
            "Nothing was written (--dry-run): {count} encounter checked.",
            "Nothing was written (--dry-run): {count} encounters checked.",
            len(would),
        ).format(count=len(would))
    )


def _parts(questions: int, leads: int, followups: int) -> str:
    """``1 question, 2 leads, 0 follow-ups``."""
    return ", ".join(
        [
            ngettext("{count} question", "{count} questions", questions).format(count=questions),
            ngettext("{count} lead", "{count} leads", leads).format(count=leads),
            ngettext("{count} follow-up", "{count} follow-ups", followups).format(count=followups),
        ]
    )


def _details(opts: dict[str, Any]) -> dict[str, Any]:
    from netjournal.batch import parse_followup, parse_lead, parse_question

    return {
        "event": opts["event"],
        "date": opts["date"],
        "organization": opts["org"],
        "title": opts["title"],
        "field": opts["field"],
        "location": opts["location"],
        "email": opts["email"],
        "phone": opts["phone"],
        "notes": "\n".join(opts["notes"]) or None,
        "stakes": opts["stakes"],
        "wishes": opts["wishes"],
        "questions": [parse_question(q) for q in opts["asked"]],
        "leads": [parse_lead(lead) for lead in opts["leads"]],
        "followups": [parse_followup(f) for f in opts["follow_ups"]],
        "pitched": opts["pitched"] or opts["old_pitched"],
        "introduced_by": opts["intro_by"],
        "tags": list(opts["tags"]),
        "new_person": opts["new"],
        "outside_field": opts["outside"],
        "source": "cli",
    }


def _read(path: str) -> str:
    """The file's text (or stdin's, for ``-``): read by the library, with its size limit."""
    from netjournal.batch import read_batch

    if path == "-":
        return read_batch(sys.stdin.buffer, name="<stdin>")
    return read_batch(path, name=path)


def _edit(
    app: App, event: str | None, date: str | None, *, dry_run: bool, again: bool, any_date: bool
) -> BatchResult | None:
    header = ""
    if event:
        header += _("event: {event}").format(event=event) + "\n"
    if date:
        header += _("date: {date}").format(date=date) + "\n"
    text = click.edit(_(TEMPLATE).format(header=header), extension=".txt", require_save=True)
    if text is None:
        click.echo(_("Nothing logged: the editor was closed without saving."), err=True)
        return None
    try:
        return app.journal().encounters.batch(
            text, source_name="<editor>", dry_run=dry_run, again=again, any_date=any_date
        )
    except NetjournalError as exc:
        import tempfile

        fd, kept = tempfile.mkstemp(prefix="netjournal-evening-", suffix=".txt")
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        kept_note = _(
            "(nothing was logged; your text is kept in {file}: "
            "fix it, then run 'netjournal log --batch {file}')"
        ).format(file=kept)
        if isinstance(exc, ImportFormatError):
            raise ImportFormatError(exc.file, exc.line, f"{exc.reason} {kept_note}") from exc
        raise NetjournalError(f"{exc} {kept_note}") from exc


def _records(encounters: list[Encounter]) -> list[dict[str, Any]]:
    from netjournal.serialize import to_dict

    return [to_dict(e) for e in encounters]


def _report(logged: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print_json(logged)
        return
    for enc in logged:
        person = enc["person"]
        parts = _parts(len(enc["questions"]), len(enc["leads"]), len(enc["followups"]))
        if enc["event"] is not None:
            line = _("Logged #{number}: {person} (#{person_id}) at {event} on {day} ({counts}).")
        else:
            line = _("Logged #{number}: {person} (#{person_id}) on {day} ({counts}).")
        say(
            line.format(
                number=enc["id"],
                person=person["name"],
                person_id=person["id"],
                event=enc["event"]["name"] if enc["event"] is not None else "",
                day=enc["date"],
                counts=parts,
            )
        )
