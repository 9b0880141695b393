"""``netjournal cadence [TAG]`` and ``netjournal catchup``: keeping in touch."""

from __future__ import annotations

import click

from ..app import App
from ..output import emit, output_options, say

CADENCE_COLUMNS = [
    ("tag", "Tag"),
    ("every", "Every (days)"),
    ("at_most", "At most (days)"),
    ("people", "People"),
]

CATCHUP_COLUMNS = [
    ("person_id", "Id"),
    ("person", "Person"),
    ("days_late", "Days late"),
    ("every", "Every"),
    ("past_limit", "Past limit"),
    ("last_touch", "Last touch"),
    ("last_met", "Last met"),
    ("last_event", "Where"),
    ("talked_about", "Talked about"),
    ("open_leads", "Open leads"),
    ("lead_kinds", "Lead kinds"),
    ("open_followups", "Follow-ups"),
    ("next_question", "Ask next"),
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
            raise click.UsageError("Which tag? netjournal cadence TAG --every 30d.")
        found = cadences.list()
        emit(found, CADENCE_COLUMNS, fmt, empty="No tag has a cadence yet.")
        return
    if clear and (every is not None or at_most is not None):
        raise click.UsageError("--clear takes no --every or --at-most.")
    if clear:
        result = cadences.clear(tag)
    elif every is not None:
        result = cadences.set(tag, every=every, at_most=at_most)
    elif at_most is not None:
        raise click.UsageError("--at-most needs --every too.")
    else:
        result = cadences.get(tag)
        emit([result], CADENCE_COLUMNS, fmt)
        return
    if fmt:
        emit([result], CADENCE_COLUMNS, fmt)
        return
    change = journal.last_change
    say(f"{change.summary}." if change else f"Nothing to change: {result}.")


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
        empty="Nobody is due: set cadences with 'netjournal cadence TAG --every 30d' or "
        "'people edit NAME --every 30d'.",
    )
