"""``netjournal demo``: a realistic journal to explore, and what it shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from netjournal.display import amount
from netjournal.i18n import N_, _, language, ngettext

from ..app import App
from ..output import heading, print_json, print_table, say, show

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
    """The summary for a person; column headers are marked ``N_``: the table translates them."""
    import dataclasses

    from netjournal.serialize import to_dict
    from netjournal.vocab import label

    data = to_dict(dataclasses.replace(summary, fields=None))
    counts = data["counts"]
    heading(_("Demo journal written to {location}").format(location=summary.location))
    profile = summary.profile
    say(
        _("You are {name} ({fields}; your time: {rate}/hour).").format(
            name=profile.name,
            fields=", ".join(profile.fields),
            rate=amount(profile.hourly_rate, profile.currency),
        )
    )
    n = counts
    held = [
        ngettext("{count} event", "{count} events", n["events"]).format(count=n["events"]),
        ngettext("{count} person", "{count} people", n["people"]).format(count=n["people"]),
        ngettext("{count} encounter", "{count} encounters", n["encounters"]).format(
            count=n["encounters"]
        ),
        ngettext("{count} question", "{count} questions", n["questions"]).format(
            count=n["questions"]
        ),
        ngettext("{count} lead", "{count} leads", n["leads"]).format(count=n["leads"]),
        ngettext("{count} outcome", "{count} outcomes", n["outcomes"]).format(count=n["outcomes"]),
    ]
    listed = ", ".join(held)
    followups = ngettext("{count} follow-up", "{count} follow-ups", n["followups"]).format(
        count=n["followups"]
    )
    say(_("It holds {counts} and {followups}.").format(counts=listed, followups=followups) + "\n")
    for event in data["events"]:
        event["kind"] = label(event["kind"], "event kind", language())
    print_table(
        data["events"],
        [
            ("date", N_("Date")),
            ("name", N_("Event")),
            ("kind", N_("Kind")),
            ("people", N_("People")),
            ("leads", N_("Leads")),
            ("hours", N_("Hours")),
            ("cost", N_("Cost"), "currency"),
        ],
        title=_("Events"),
    )
    click.echo()
    for lead in data["paid_off"]:
        lead["kind"] = label(lead["kind"], "lead kind", language())
    print_table(
        data["paid_off"],
        [
            ("id", N_("Lead")),
            ("kind", N_("Kind")),
            ("summary", N_("Summary")),
            ("person", N_("From")),
            ("event", N_("Met at")),
            ("value", N_("Value"), "currency"),
        ],
        title=_("Leads that paid off"),
    )
    click.echo()
    if data["due"]:
        print_table(
            data["due"],
            [
                ("id", N_("Id")),
                ("due", N_("Due")),
                ("person", N_("Person")),
                ("action", N_("What")),
            ],
            title=_("Follow-ups due"),
        )
    else:
        click.echo(_("No follow-up is due."))
    if summary.fields is not None:
        from netjournal.reports.render import blocks

        click.echo()
        show(blocks(summary.fields))
    click.echo(
        "\n"
        + _(
            "Explore it: netjournal --db {location} people list | event list | "
            "lead list --status won | people show 'Hélène' | report payoff | report events"
        ).format(location=summary.location)
    )
