"""``netjournal report NAME`` and ``netjournal prep EVENT``: run a report, print or save it."""

from __future__ import annotations

from typing import Any

import click

from netjournal.i18n import _
from netjournal.reports import REPORTS

from ..app import App

FORMATS = ("table", "markdown", "csv", "json", "html")


def _output_options(command: Any) -> Any:
    options = [
        click.option("--since", metavar="DATE", help="Only encounters from this date."),
        click.option("--until", metavar="DATE", help="Only encounters up to this date."),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="table",
            show_default=True,
            help="Output format (json is stable for scripts; html is one self-contained page).",
        ),
        click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help="Write to FILE (created readable by you only; a device or pipe is written "
            "to) instead of the terminal.",
        ),
        click.option("--overwrite", is_flag=True, help="Replace FILE if it exists."),
        click.option("--section", metavar="NAME", help="CSV only: which table of the report."),
        click.option("--limit", type=click.IntRange(min=1), help="At most this many rows."),
        click.option(
            "--include-connections",
            is_flag=True,
            help="Count network connections (LinkedIn's Connected On) as encounters too.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _emit(
    app: App,
    name: str,
    fmt: str,
    output: str | None,
    section: str | None,
    overwrite: bool = False,
    **params: Any,
) -> None:
    from netjournal.reports.render import render, save

    report = app.journal(create=False).report(name, **params)
    if fmt == "table" and not output:  # the one renderer: rich on a terminal, plain in a pipe
        from netjournal.reports.render import blocks

        from ..output import show

        show(blocks(report))
        return
    text = render(report, fmt, section=section)
    if not output:
        text = _shown(text, fmt)
    if output:
        path = save(text, output, overwrite=overwrite)
        click.echo(_("Wrote the {name} report to {file}.").format(name=name, file=path), err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _shown(text: str, fmt: str) -> str:
    """A report's text for stdout: JSON with C1 controls encoded (the same document); on a
    terminal, CSV and HTML with control characters escaped (Markdown always has them so)."""
    from netjournal.display import safe, safe_json

    from ..output import is_terminal

    if fmt == "json":
        return safe_json(text)
    if fmt in ("csv", "html") and is_terminal():
        return safe(text, lines=True)
    return text


@click.command()
@click.argument("name", type=click.Choice(list(REPORTS)), metavar="NAME")
@click.argument("event", required=False)
@_output_options
@click.option(
    "--attribution",
    type=click.Choice(("first", "last", "linear")),
    default="first",
    show_default=True,
    help="payoff: which encounter with a person an outcome credits.",
)
@click.option(
    "--credit-introducers",
    is_flag=True,
    help="payoff: also credit the value of leads from introduced people to their introducers "
    "up the chain (a section of its own).",
)
@click.option(
    "--soon",
    type=click.IntRange(min=0),
    default=7,
    show_default=True,
    help="followups: how many days ahead count as due soon.",
)
@click.pass_obj
def report(
    app: App,
    name: str,
    event: str | None,
    attribution: str,
    credit_introducers: bool,
    soon: int,
    fmt: str,
    output: str | None,
    overwrite: bool,
    section: str | None,
    limit: int | None,
    since: str | None,
    until: str | None,
    include_connections: bool,
) -> None:
    """Run the report NAME: payoff, events, fields, questions, leads, pitches, followups,
    introducers, or prep EVENT.

    \b
    Examples:
      netjournal report payoff --since 2026-01-01 --attribution linear
      netjournal report events --format html --output season.html
      netjournal report leads --format json
      netjournal report introducers --format html --output doors.html
    """
    if name == "prep" and not event:
        raise click.UsageError(_("prep needs an event: netjournal report prep EVENT."))
    if name != "prep" and event:
        raise click.UsageError(
            _("The {name} report takes no argument besides its name.").format(name=name)
        )
    params: dict[str, Any] = {"since": since, "until": until, "limit": limit}
    params["include_connections"] = include_connections
    if credit_introducers:  # the library refuses it for another report
        params["credit_introducers"] = True
    if name == "payoff":
        params["attribution"] = attribution
    if name == "followups":
        params["soon"] = soon
    if name == "prep":
        params["event"] = event
    _emit(app, name, fmt, output, section, overwrite, **params)


@click.command()
@click.argument("event")
@_output_options
@click.pass_obj
def prep(
    app: App,
    event: str,
    fmt: str,
    output: str | None,
    overwrite: bool,
    section: str | None,
    limit: int | None,
    since: str | None,
    until: str | None,
    include_connections: bool,
) -> None:
    """Before going back to EVENT (or another edition of it): who you met there, their open
    leads and follow-ups, and the questions that worked best.

    EVENT is an event (id or name), or a series or a name several editions share: then its
    next edition (the latest when none is to come)."""
    _emit(
        app,
        "prep",
        fmt,
        output,
        section,
        overwrite,
        event=event,
        since=since,
        until=until,
        limit=limit,
        include_connections=include_connections,
    )
