"""``netjournal people duplicates``: people who are probably the same, for ``people merge``."""

from __future__ import annotations

import json

import click

from ..app import App


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
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def duplicates(app: App, min_score: int, limit: int, as_json: bool) -> None:
    """List pairs of people that are probably the same person, best first, with why."""
    pairs = app.journal(create=False).people.duplicates(min_score=min_score, limit=limit)
    if as_json:
        rows = [
            {
                "score": p.score,
                "first": {
                    "id": p.first.id,
                    "name": p.first.display_name,
                    "organization": p.first.organization,
                },
                "second": {
                    "id": p.second.id,
                    "name": p.second.display_name,
                    "organization": p.second.organization,
                },
                "reasons": p.reasons,
            }
            for p in pairs
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not pairs:
        click.echo(f"No likely duplicates (score {min_score} or more).")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Score", "First", "Second", "Why")
    for p in pairs:
        table.add_row(
            str(p.score),
            f"#{p.first.id} {p.first.display_name}",
            f"#{p.second.id} {p.second.display_name}",
            "; ".join(p.reasons),
        )
    Console().print(table)
    click.echo("Merge a pair with: netjournal people merge KEEP_ID OTHER_ID")
