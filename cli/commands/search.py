"""``netjournal search``: find people, events, encounters, questions, leads and outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from netjournal.i18n import N_, _
from netjournal.vocab import words as vocab

from ..app import App
from ..complete import words
from ..output import print_csv, print_json, show

if TYPE_CHECKING:
    from netjournal.display import Block, Cell
    from netjournal.search import SearchResult

#: How the kinds of hits are shown in the table (JSON and CSV keep the codes).
KIND_WORDS = {
    "person": N_("person"),
    "event": N_("event"),
    "encounter": N_("encounter"),
    "question": N_("question"),
    "lead": N_("lead"),
    "outcome": N_("outcome"),
}


@click.command()
@click.argument("query", required=False, default="")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    shell_complete=words(vocab("record kind")),
    help="Only hits of this kind (repeatable): person, event, encounter, question, lead, "
    "outcome (personne, événement, rencontre, piste, résultat...).",
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
    shell_complete=words(vocab("lead kind")),
    help="Only leads (and their outcomes) of this kind (supplier, fournisseur...).",
)
@click.option(
    "--status",
    shell_complete=words(vocab("lead status")),
    help="Only leads (and their outcomes) with this status (open, won, gagnée...).",
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
        print_json([hit.to_dict() for hit in hits])
    elif as_csv:
        fields = ("kind", "id", "date", "person_id", "person", "event_id", "event", "snippet")
        print_csv([hit.to_dict() for hit in hits], [(f, f) for f in (*fields, "score")])
    else:
        _table(hits)


def _table(hits: SearchResult) -> None:
    """The hits through the one renderer; on a terminal the matched words are highlighted
    (in a pipe the excerpt is plain text, without marks)."""
    from netjournal.display import Marked, TextTable, day

    if not hits:
        click.echo(_("No matches."))
        return
    lines: list[Block] = []
    if hits.widened:
        lines.append(_("No hit has every word; showing those with most of them."))
    rows: list[list[Cell]] = [
        [
            _(KIND_WORDS.get(hit.kind, hit.kind)),
            str(hit.id),
            day(hit.date) if hit.date else "",
            hit.person or "",
            hit.event or "",
            Marked(hit.text, hit.spans),
        ]
        for hit in hits
    ]
    headers = (_("Kind"), _("Id"), _("Date"), _("Person"), _("Event"), _("Match"))
    show([*lines, TextTable(headers, rows, right=(False, True))])
