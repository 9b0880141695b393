"""``netjournal init`` and ``netjournal db upgrade|current``."""

from __future__ import annotations

import click

from ..app import App
from ..output import output_options, print_json


@click.command()
@click.pass_obj
def init(app: App) -> None:
    """Create the journal (if needed) and print where it is."""
    journal = app.journal(create=True)
    journal.check_writable()
    click.echo(f"Journal ready at {journal.location.display}")


@click.group()
def db() -> None:
    """Inspect and upgrade the journal's schema."""


@db.command()
@click.pass_obj
def upgrade(app: App) -> None:
    """Upgrade the journal's schema to this version (SQLite: a backup is written first)."""
    from netjournal import Journal

    backup = Journal.upgrade(app.db)
    status = Journal.schema_status(app.db)
    if backup is not None:
        click.echo(f"Backup written to {backup}")
    click.echo(f"{status.location} is at schema {status.current} (latest).")


@db.command()
@output_options(listing=False)
@click.pass_obj
def current(app: App, fmt: str | None) -> None:
    """Show the journal's schema revision and whether it is the latest."""
    from netjournal import Journal

    status = Journal.schema_status(app.db)
    if fmt == "json":
        print_json(status.to_dict())
        return
    state = "latest" if status.up_to_date else f"this netjournal needs {status.head}"
    click.echo(f"{status.location}: schema {status.current or 'none'} ({state})")


@db.command()
@click.pass_obj
def scrub(app: App) -> None:
    """Erase the bytes of what was forgotten or deleted from the journal's files (safe to
    run again; use it when 'people forget' says it could not finish)."""
    pending = app.journal(create=False).scrub()
    if pending:
        raise click.ClickException(f"Not every byte could be erased yet: {pending}.")
    click.echo("The journal's files hold nothing that was forgotten or deleted.")
