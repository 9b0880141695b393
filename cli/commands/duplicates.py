"""``netjournal people duplicates``: people who are probably the same, for ``people merge``."""

from __future__ import annotations

import click

from netjournal.i18n import _

from ..app import App
from ..output import is_terminal, output_options, print_csv, print_json, show

CSV_COLUMNS = [
    ("score", "Score"),
    ("first.id", "First id"),
    ("first.name", "First"),
    ("first.organization", "First organization"),
    ("second.id", "Second id"),
    ("second.name", "Second"),
    ("second.organization", "Second organization"),
    ("reasons", "Why"),
]


@click.command()
@click.option(
    "--min-score",
    type=click.IntRange(0, 100),
    default=80,
    show_default=True,
    help="Only pairs scoring at least this (0-100).",
)
@click.option(
    "--limit", type=click.IntRange(1), default=100, show_default=True, help="Most pairs to list."
)
@output_options()
@click.pass_obj
def duplicates(app: App, min_score: int, limit: int, fmt: str | None) -> None:
    """List pairs of people that are probably the same person, best first, with why."""
    from netjournal.display import TextTable

    pairs = app.journal(create=False).people.duplicates(min_score=min_score, limit=limit)
    rows = [pair.to_dict() for pair in pairs]
    if fmt == "json":
        print_json(rows)
        return
    if fmt == "csv":
        print_csv(rows, CSV_COLUMNS)
        return
    if not pairs:
        click.echo(_("No likely duplicates (score {score} or more).").format(score=min_score))
        return
    table = TextTable(
        (_("Score"), _("First"), _("Second"), _("Why")),
        [
            (
                str(p.score),
                f"#{p.first.id} {p.first.display_name}",
                f"#{p.second.id} {p.second.display_name}",
                "; ".join(p.reasons),
            )
            for p in pairs
        ],
        right=(True,),
    )
    show([table])
    if is_terminal():
        click.echo(_("Merge a pair with: netjournal people merge KEEP_ID OTHER_ID"))
