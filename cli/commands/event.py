"""``netjournal event add|list|show|edit|delete``: the events you go to and what they cost."""

from __future__ import annotations

from typing import Any

import click

from netjournal.display import amount
from netjournal.i18n import N_, _, language, ngettext
from netjournal.vocab import EVENT_KINDS, label
from netjournal.vocab import words as vocab

from ..app import App
from ..complete import event_names, words
from ..edits import given, report
from ..output import (
    Words,
    emit,
    field_lines,
    heading,
    output_options,
    print_json,
    say,
)

EVENT_COLUMNS = [
    ("id", N_("Id")),
    ("start_date", N_("Date")),
    ("name", N_("Event")),
    ("kind", N_("Kind"), Words("event kind")),
    ("location", N_("Where")),
    ("hours", N_("Hours")),
    ("cost", N_("Cost"), "currency"),
]


@click.group()
def event() -> None:
    """Add, list, show, edit and delete events."""


@event.command("add")
@click.argument("name")
@click.option("--date", "-d", help="When it started: 2026-11-20, 20/11/2026, yesterday...")
@click.option("--end", help="Last day, for an event over several days.")
@click.option("--location", "--where", help="Where it was.")
@click.option(
    "--kind",
    shell_complete=words(vocab("event kind")),
    help=f"What it was: {', '.join(EVENT_KINDS)} (or salon, conférence, dîner...).",
)
@click.option("--organizer", help="Who organised it.")
@click.option("--series", help="The recurring series it belongs to.")
@click.option("--hours", help="Hours it took, travel included.")
@click.option("--cost", help="What it cost (tickets, travel...).")
@click.option("--currency", help="Currency of the cost (default: your profile's).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--notes", help="Free notes.")
@output_options(listing=False)
@click.pass_obj
def add(
    app: App,
    name: str,
    date: str | None,
    end: str | None,
    location: str | None,
    kind: str | None,
    organizer: str | None,
    series: str | None,
    hours: str | None,
    cost: str | None,
    currency: str | None,
    tags: tuple[str, ...],
    notes: str | None,
    fmt: str | None,
) -> None:
    """Add an event (today unless --date)."""
    fields = {
        "end_date": end,
        "location": location,
        "kind": kind,
        "organizer": organizer,
        "series": series,
        "hours": hours,
        "cost": cost,
        "currency": currency,
        "notes": notes,
    }
    added = app.journal().events.add(
        name, date, tags=tags, **{k: v for k, v in fields.items() if v is not None}
    )
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(added))
    else:
        say(
            _("Added event #{number} {event} ({day}).").format(
                number=added.id, event=added.name, day=added.start_date
            )
        )


@event.command("list")
@click.option("--since", help="Only events on or after this date.")
@click.option("--until", help="Only events on or before this date.")
@click.option("--series", help="Only this series.")
@click.option("--tag", help="Only events with this tag.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@output_options()
@click.pass_obj
def list_(
    app: App,
    since: str | None,
    until: str | None,
    series: str | None,
    tag: str | None,
    limit: int | None,
    fmt: str | None,
) -> None:
    """List events, newest first."""
    events = app.journal().events.records(
        since=since, until=until, series=series, tag=tag, limit=limit
    )
    emit(events, EVENT_COLUMNS, fmt, empty=_("No events yet: netjournal event add NAME --date ..."))


@event.command("show")
@click.argument("event_ref", metavar="EVENT", shell_complete=event_names)
@output_options(listing=False)
@click.pass_obj
def show(app: App, event_ref: str, fmt: str | None) -> None:
    """Show an event (name, unique prefix or id) and everyone you met there."""
    from netjournal.serialize import to_dict

    detail = app.journal().events.show(event_ref)
    data = to_dict(detail)
    if fmt == "json":
        print_json(data)
        return
    ev = data["event"]
    heading(f"{ev['name']} (#{ev['id']})")
    when = ev["start_date"]
    if ev["end_date"]:
        when = _("{start} to {end}").format(start=ev["start_date"], end=ev["end_date"])
    cost = amount(ev["cost"], ev["currency"])
    field_lines(
        [
            (_("Date"), when),
            (_("Kind"), ev["kind"] and label(ev["kind"], "event kind", language())),
            (_("Where"), ev["location"]),
            (_("Organizer"), ev["organizer"]),
            (_("Series"), ev["series"]),
            (_("Hours"), ev["hours"]),
            (_("Cost"), cost),
            (_("Tags"), ev["tags"]),
            (_("Notes"), ev["notes"]),
        ]
    )
    encounters = data["encounters"]
    met = len(encounters)
    say("\n" + ngettext("Met {count} person:", "Met {count} people:", met).format(count=met))
    for enc in encounters:
        questions, leads = len(enc["questions"]), len(enc["leads"])
        extra = [
            ngettext("{count} question", "{count} questions", questions).format(count=questions),
            ngettext("{count} lead", "{count} leads", leads).format(count=leads),
        ]
        say(
            f"  {enc['date']}  {enc['person']['name']} (#{enc['person']['id']})  {', '.join(extra)}"
        )


@event.command("edit")
@click.argument("event_ref", metavar="EVENT", shell_complete=event_names)
@click.option("--name", help="A new name.")
@click.option("--date", "start_date", help="When it started: 2026-11-20, 20/11/2026, yesterday...")
@click.option(
    "--end-date", "end_date", help="Last day, for an event over several days ('' clears)."
)
@click.option(
    "--kind",
    shell_complete=words(vocab("event kind")),
    help=f"What it was: {', '.join(EVENT_KINDS)} (or salon, conférence, dîner...).",
)
@click.option("--location", "--where", "location", help="Where it was ('' clears it).")
@click.option("--organizer", help="Who organised it ('' clears it).")
@click.option("--series", help="The recurring series it belongs to ('' clears it).")
@click.option("--hours", help="Hours it took, travel included ('' clears them).")
@click.option("--cost", help="What it cost ('' clears it).")
@click.option("--currency", help="Currency of the cost.")
@click.option("--notes", help="Free notes ('' clears them).")
@click.option("--tag", "add_tags", multiple=True, help="Add a tag (repeat for several).")
@click.option("--untag", "remove_tags", multiple=True, help="Remove a tag (repeat for several).")
@output_options(listing=False)
@click.pass_obj
def edit(app: App, event_ref: str, fmt: str | None, **options: Any) -> None:
    """Change an event (name, unique prefix or id): its fields and tags."""
    changes = given(options)
    journal = app.journal()
    updated = journal.events.update(event_ref, **changes)
    report(journal, updated, fmt, label=_label(updated), asked=bool(changes))


@event.command("delete")
@click.argument("event_ref", metavar="EVENT", shell_complete=event_names)
@output_options(listing=False)
@click.pass_obj
def delete(app: App, event_ref: str, fmt: str | None) -> None:
    """Delete an event; the encounters held there stay, no longer attached to an event."""
    journal = app.journal()
    deleted = journal.events.delete(event_ref)
    report(
        journal,
        deleted,
        fmt,
        label=_label(deleted),
        note=_(
            "Its encounters stay, no longer attached to an event. 'netjournal undo' takes it back."
        ),
    )


def _label(ev: Any) -> str:
    return f"{ev.name} (#{ev.id})"
