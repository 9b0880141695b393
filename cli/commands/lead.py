"""``netjournal lead list|update`` and ``netjournal outcome add``: what encounters led to."""

from __future__ import annotations

import click

from netjournal.vocab import LEAD_KINDS, LEAD_STATUSES, OUTCOME_KINDS

from ..app import App
from ..complete import event_names, person_names, words
from ..output import emit, output_options, print_json

LEAD_COLUMNS = [
    ("id", "Id"),
    ("date", "Date"),
    ("person", "Person"),
    ("event", "Event"),
    ("kind", "Kind"),
    ("status", "Status"),
    ("summary", "Summary"),
]


@click.group()
def lead() -> None:
    """List and update leads."""


@lead.command("list")
@click.option("--status", shell_complete=words(LEAD_STATUSES), help="open, exploring, won...")
@click.option("--kind", shell_complete=words(LEAD_KINDS), help="supplier, customer, partner...")
@click.option("--person", shell_complete=person_names, help="Only leads from this person.")
@click.option("--event", shell_complete=event_names, help="Only leads born at this event.")
@click.option("--tag", help="Only leads with this tag.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@output_options()
@click.pass_obj
def list_(
    app: App,
    status: str | None,
    kind: str | None,
    person: str | None,
    event: str | None,
    tag: str | None,
    limit: int | None,
    fmt: str | None,
) -> None:
    """List leads, newest encounter first."""
    leads = app.journal().leads.list(
        status=status, kind=kind, person=person, event=event, tag=tag, limit=limit
    )
    emit(leads, LEAD_COLUMNS, fmt, empty="No leads match.")


@lead.command("update")
@click.argument("lead_id", metavar="LEAD")
@click.option(
    "--status", shell_complete=words(LEAD_STATUSES), help="open, exploring, won, dropped."
)
@click.option("--on", help="When the status changed (default: today).")
@click.option("--kind", shell_complete=words(LEAD_KINDS), help="A new kind.")
@click.option("--summary", help="A new summary.")
@click.option("--details", help="Details.")
@click.option("--points-to", help="What or whom the lead points to.")
@click.option("--tag", "add_tags", multiple=True, help="Add a tag.")
@output_options(listing=False)
@click.pass_obj
def update(
    app: App,
    lead_id: str,
    status: str | None,
    on: str | None,
    kind: str | None,
    summary: str | None,
    details: str | None,
    points_to: str | None,
    add_tags: tuple[str, ...],
    fmt: str | None,
) -> None:
    """Change a lead (by id): its status, kind, summary..."""
    changed = app.journal().leads.update(
        _lead_id(lead_id),
        status=status,
        on=on,
        kind=kind,
        summary=summary,
        details=details,
        points_to=points_to,
        add_tags=add_tags,
    )
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(changed))
    else:
        click.echo(f"Lead #{changed.id} ({changed.kind}) is {changed.status}: {changed.summary}")


def _lead_id(value: str) -> int:
    from netjournal.errors import NotFound

    digits = value.strip().removeprefix("#")
    if not digits.isdigit():
        raise NotFound(f"A lead is given by its id (see 'netjournal lead list'), not '{value}'.")
    return int(digits)


@click.group()
def outcome() -> None:
    """Record what a lead turned into."""


@outcome.command("add")
@click.argument("lead_id", metavar="LEAD")
@click.option("--value", metavar="N", help="Money earned or saved (exact, e.g. 1200.50).")
@click.option("--currency", help="Currency of the value (default: your profile's).")
@click.option("--note", required=True, help="What happened.")
@click.option("--date", "-d", help="When (default: today).")
@click.option(
    "--kind",
    default="other",
    show_default=True,
    shell_complete=words(OUTCOME_KINDS),
    help=f"One of: {', '.join(OUTCOME_KINDS)}.",
)
@click.option("--keep-status", is_flag=True, help="Do not mark an open lead as won.")
@output_options(listing=False)
@click.pass_obj
def add(
    app: App,
    lead_id: str,
    value: str | None,
    currency: str | None,
    note: str,
    date: str | None,
    kind: str,
    keep_status: bool,
    fmt: str | None,
) -> None:
    """Record an outcome of LEAD (its id): money, a hire, an idea applied..."""
    recorded = app.journal().leads.record_outcome(
        _lead_id(lead_id),
        note,
        value=value,
        currency_code=currency,
        date=date,
        kind=kind,
        mark_won=not keep_status,
    )
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(recorded))
    else:
        amount = (
            f" worth {recorded.value} {recorded.currency}" if recorded.value is not None else ""
        )
        click.echo(
            f"Recorded outcome #{recorded.id} of lead #{recorded.lead_id}{amount} "
            f"({recorded.kind}, {recorded.date})."
        )
