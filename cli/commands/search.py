"""``netjournal search``: find people, events, encounters, questions, leads and outcomes."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from netjournal.vocab import LEAD_KINDS, LEAD_STATUSES

from ..app import App

if TYPE_CHECKING:
    from netjournal.search import Hit, SearchResult

KIND_CHOICES = ("person", "event", "encounter", "question", "lead", "outcome")


@click.command()
@click.argument("query", required=False, default="")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KIND_CHOICES),
    help="Only hits of this kind (repeatable).",
)
@click.option("--event", help="Only what happened at this event (name or id).")
@click.option("--person", help="Only what concerns this person (name or id).")
@click.option("--since", help="From this date (2026-11-20, 'last month'...).")
@click.option("--until", help="Up to this date.")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    help="Only items with this tag, on themselves or on the encounter they were logged in "
    "(repeatable: all of them).",
)
@click.option(
    "--lead-kind",
    type=click.Choice(LEAD_KINDS),
    help="Only leads (and their outcomes) of this kind.",
)
@click.option(
    "--status",
    type=click.Choice(LEAD_STATUSES),
    help="Only leads (and their outcomes) with this status.",
)
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="How many hits at most.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the hits as CSV.")
@click.pass_obj
def search(
    app: App,
    query: str,
    kinds: tuple[str, ...],
    event: str | None,
    person: str | None,
    since: str | None,
    until: str | None,
    tags: tuple[str, ...],
    lead_kind: str | None,
    status: str | None,
    limit: int,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Search the journal for QUERY, best matches first.

    Case and accents do not matter, apostrophes and hyphens separate words (ndiaye
    finds N'Diaye); words match as prefixes (pack finds packaging). Use "quoted
    phrases", -word to exclude and OR between alternatives; AND is the default. When
    no item has every word, the search widens to the items with most of them and says
    so first ("missing" in --json: the words each hit lacks). A person is dated by the
    last time you met them. With no QUERY, the items matching the options are listed
    newest first.
    """
    hits = app.journal(create=False).search(
        query,
        kinds=kinds or None,
        event=event,
        person=person,
        since=since,
        until=until,
        tags=tags or None,
        lead_kind=lead_kind,
        lead_status=status,
        limit=limit,
    )
    if as_json:
        click.echo(json.dumps([hit.to_dict() for hit in hits], ensure_ascii=False, indent=2))
    elif as_csv:
        import csv

        fields = ("kind", "id", "date", "person_id", "person", "event_id", "event", "snippet")
        writer = csv.DictWriter(sys.stdout, fieldnames=[*fields, "score"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(hit.to_dict() for hit in hits)
    else:
        _table(hits)


def _table(hits: SearchResult) -> None:
    if not hits:
        click.echo("No matches.")
        return
    if hits.widened:
        click.echo("No hit has every word; showing those with most of them.")
    rows: list[tuple[str, ...]] = [
        (
            hit.kind,
            str(hit.id),
            hit.date.isoformat() if hit.date else "",
            hit.person or "",
            hit.event or "",
        )
        for hit in hits
    ]
    if sys.stdout.isatty():
        _styled(hits, rows)
        return
    # In a pipe: plain aligned columns, matched words marked **like this**, no rich import.
    header = ("kind", "id", "date", "person", "event")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...], last: str) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + "  " + last

    click.echo(line(header, "match"))
    for hit, row in zip(hits, rows, strict=True):
        click.echo(line(row, hit.marked()))


def _styled(hits: list[Hit], rows: list[tuple[str, ...]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("kind", "id", "date", "person", "event", "match"):
        table.add_column(column, overflow="fold", no_wrap=column in ("kind", "id", "date"))
    for hit, row in zip(hits, rows, strict=True):
        snippet = Text(hit.text)  # Text, not markup: the notes may contain [brackets]
        for start, end in hit.spans:
            snippet.stylize("bold yellow", start, end)
        table.add_row(*row, snippet)
    Console(highlight=False).print(table)
