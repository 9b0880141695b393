"""``netjournal demo``: a realistic journal to explore, and what it shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..app import App
from ..output import heading, plural, print_json, print_table, say, show

if TYPE_CHECKING:
    from netjournal.demo import DemoSummary

DEFAULT_DEMO_DB = "netjournal-demo.db"


@click.command()
@click.option(
    "--db",
    "demo_db",
    metavar="URL_OR_PATH",
    help=f"Where to build it (default: the global --db if given, else ./{DEFAULT_DEMO_DB}).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def demo(ctx: click.Context, demo_db: str | None, as_json: bool) -> None:
    """Build a demo journal (a season of events, people, leads, outcomes) and show it.

    It never touches your own journal: $NETJOURNAL_DB is ignored, and a journal that already
    holds people or events is refused.
    """
    from click.core import ParameterSource

    app: App = ctx.obj
    root = ctx.find_root()
    given_globally = root.get_parameter_source("db") == ParameterSource.COMMANDLINE
    target = demo_db or (app.db if given_globally else None) or DEFAULT_DEMO_DB

    from netjournal import Journal
    from netjournal.demo import build_demo

    with Journal.open(target) as journal:
        summary = build_demo(journal)
    if as_json:
        from netjournal.serialize import to_dict

        print_json(to_dict(summary))
    else:
        _render(summary)


def _render(summary: DemoSummary) -> None:
    import dataclasses

    from netjournal.serialize import to_dict

    data = to_dict(dataclasses.replace(summary, fields=None))
    counts = data["counts"]
    heading(f"Demo journal written to {summary.location}")
    profile = summary.profile
    say(
        f"You are {profile.name} ({', '.join(profile.fields)}; your time: "
        f"{profile.hourly_rate} {profile.currency}/hour)."
    )
    held = [
        plural(counts["events"], "event"),
        plural(counts["people"], "person", "people"),
        plural(counts["encounters"], "encounter"),
        plural(counts["questions"], "question"),
        plural(counts["leads"], "lead"),
        plural(counts["outcomes"], "outcome"),
    ]
    say(f"It holds {', '.join(held)} and {plural(counts['followups'], 'follow-up')}.\n")
    print_table(
        data["events"],
        [
            ("date", "Date"),
            ("name", "Event"),
            ("kind", "Kind"),
            ("people", "People"),
            ("leads", "Leads"),
            ("hours", "Hours"),
            ("cost", "Cost", "currency"),
        ],
        title="Events",
    )
    click.echo()
    print_table(
        data["paid_off"],
        [
            ("id", "Lead"),
            ("kind", "Kind"),
            ("summary", "Summary"),
            ("person", "From"),
            ("event", "Met at"),
            ("value", "Value", "currency"),
        ],
        title="Leads that paid off",
    )
    click.echo()
    if data["due"]:
        print_table(
            data["due"],
            [("id", "Id"), ("due", "Due"), ("person", "Person"), ("action", "What")],
            title="Follow-ups due",
        )
    else:
        click.echo("No follow-up is due.")
    if summary.fields is not None:
        from netjournal.reports.render import blocks

        click.echo()
        show(blocks(summary.fields))
    click.echo(
        f"\nExplore it: netjournal --db {summary.location} people list | event list | "
        "lead list --status won | people show 'Hélène' | report payoff | report events"
    )
