"""``netjournal cadence [TAG]`` and ``netjournal catchup``: keeping in touch."""

from __future__ import annotations

import click

from netjournal.i18n import N_, _

from ..app import App
from ..output import Words, emit, output_options, say

CADENCE_COLUMNS = [
    ("tag", N_("Tag")),
    ("every", N_("Every (days)")),
    ("at_most", N_("At most (days)")),
    ("people", N_("People")),
]

CATCHUP_COLUMNS = [
    ("person_id", N_("Id")),
    ("person", N_("Person")),
    ("days_late", N_("Days late")),
    ("every", N_("Every")),
    ("past_limit", N_("Past limit")),
    ("last_touch", N_("Last touch")),
    ("last_met", N_("Last met")),
    ("last_event", N_("Where")),
    ("talked_about", N_("Talked about")),
    ("open_leads", N_("Open leads")),
    ("lead_kinds", N_("Lead kinds"), Words("lead kind")),
    ("open_followups", N_("Follow-ups")),
    ("next_question", N_("Ask next")),
]


@click.command()
@click.argument("tag", required=False)
@click.option("--every", help="The rhythm for people with TAG: 30d, 6w, 3m (30-day months).")
@click.option("--at-most", "at_most", help="The longest gap accepted (same units as --every).")
@click.option("--clear", is_flag=True, help="Remove TAG's cadence.")
@output_options()
@click.pass_obj
def cadence(
    app: App,
    tag: str | None,
    every: str | None,
    at_most: str | None,
    clear: bool,
    fmt: str | None,
) -> None:
    """List the tags' cadences, or set one: 'netjournal cadence clients --every 30d
    --at-most 60d'. A person's own cadence (people edit --every) wins over their tags'."""
    journal = app.journal()
    cadences = journal.cadences
    if tag is None:
        if every is not None or at_most is not None or clear:
            raise click.UsageError(_("Which tag? netjournal cadence TAG --every 30d."))
        found = cadences.list()
        emit(found, CADENCE_COLUMNS, fmt, empty=_("No tag has a cadence yet."))
        return
    if clear and (every is not None or at_most is not None):
        raise click.UsageError(_("--clear takes no --every or --at-most."))
    if clear:
        result = cadences.clear(tag)
    elif every is not None:
        result = cadences.set(tag, every=every, at_most=at_most)
    elif at_most is not None:
        raise click.UsageError(_("--at-most needs --every too."))
    else:
        result = cadences.get(tag)
        emit([result], CADENCE_COLUMNS, fmt)
        return
    if fmt:
        emit([result], CADENCE_COLUMNS, fmt)
        return
    change = journal.last_change
    if change:
        say(f"{change.summary}.")
    else:
        say(_("Nothing to change: {cadence}.").format(cadence=result))


@click.command()
@click.option("--limit", type=click.IntRange(min=1), help="At most this many people.")
@click.option(
    "--tag", "tags", multiple=True, help="Only people with this tag (repeat: all of them)."
)
@click.option("--today", help="Count the days up to this date instead of today.")
@output_options()
@click.pass_obj
def catchup(
    app: App, limit: int | None, tags: tuple[str, ...], today: str | None, fmt: str | None
) -> None:
    """Who is due for a catch-up, most late first: days since your last meeting (or
    follow-up done) against their cadence, with where you last met, what you talked about,
    open leads and follow-ups, and a question worth asking."""
    found = app.journal().catchup(limit=limit, tags=tags or None, today=today)
    emit(
        found,
        CATCHUP_COLUMNS,
        fmt,
        empty=_(
            "Nobody is due: set cadences with 'netjournal cadence TAG --every 30d' or "
            "'people edit NAME --every 30d'."
        ),
    )
