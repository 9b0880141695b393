"""``netjournal lead list|edit|delete`` and ``netjournal outcome add|list|edit|delete``."""

from __future__ import annotations

import click

from netjournal.i18n import N_, _, language
from netjournal.vocab import OUTCOME_KINDS
from netjournal.vocab import words as vocab

from ..app import App
from ..complete import event_names, person_names, words
from ..edits import given, report
from ..output import Words, emit, output_options, print_json, say

LEAD_COLUMNS = [
    ("id", N_("Id")),
    ("date", N_("Date")),
    ("person", N_("Person")),
    ("event", N_("Event")),
    ("kind", N_("Kind"), Words("lead kind")),
    ("status", N_("Status"), Words("lead status")),
    ("summary", N_("Summary")),
]

OUTCOME_COLUMNS = [
    ("id", N_("Id")),
    ("date", N_("Date")),
    ("lead_id", N_("Lead")),
    ("kind", N_("Kind"), Words("outcome kind")),
    ("value", N_("Value"), "currency"),
    ("description", N_("What happened")),
]


class _LeadGroup(click.Group):
    """The ``lead`` group: ``update`` is kept as a hidden alias of ``edit``."""

    aliases = {"update": "edit"}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))


@click.group(cls=_LeadGroup)
def lead() -> None:
    """List, edit and delete leads."""


@lead.command("list")
@click.option(
    "--status",
    shell_complete=words(vocab("lead status")),
    help="open, exploring, won... (or en cours, gagnée...).",
)
@click.option(
    "--kind",
    shell_complete=words(vocab("lead kind")),
    help="supplier, customer... (or fournisseur, client...).",
)
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
    leads = app.journal().leads.records(
        status=status, kind=kind, person=person, event=event, tag=tag, limit=limit
    )
    emit(leads, LEAD_COLUMNS, fmt, empty=_("No leads match."))


@lead.command("edit")
@click.argument("lead_id", metavar="LEAD")
@click.option(
    "--status",
    shell_complete=words(vocab("lead status")),
    help="open, exploring, won, dropped (or in French: ouverte, en cours, gagnée, abandonnée).",
)
@click.option("--on", help="When the status changed (default: today).")
@click.option(
    "--kind", shell_complete=words(vocab("lead kind")), help="A new kind (English or French)."
)
@click.option("--summary", help="A new summary.")
@click.option("--details", help="Details.")
@click.option("--points-to", help="What or whom the lead points to.")
@click.option("--tag", "add_tags", multiple=True, help="Add a tag (repeatable).")
@click.option("--untag", "remove_tags", multiple=True, help="Remove a tag (repeatable).")
@output_options(listing=False)
@click.pass_obj
def edit(
    app: App,
    lead_id: str,
    add_tags: tuple[str, ...],
    remove_tags: tuple[str, ...],
    fmt: str | None,
    **fields: str | None,
) -> None:
    """Change a lead (by id): its status, kind, summary, details, tags..."""
    changes = given({"add_tags": add_tags, "remove_tags": remove_tags, **fields})
    journal = app.journal()
    updated = journal.leads.update(_lead_id(lead_id), **changes)
    report(
        journal,
        updated,
        fmt,
        label=_("lead #{number}").format(number=updated.id),
        asked=bool(changes),
    )


@lead.command("delete")
@click.argument("lead_id", metavar="LEAD")
@output_options(listing=False)
@click.pass_obj
def delete(app: App, lead_id: str, fmt: str | None) -> None:
    """Delete a lead (by id) with its outcomes."""
    journal = app.journal()
    gone = journal.leads.delete(_lead_id(lead_id))
    report(journal, gone, fmt, label=_("lead #{number}").format(number=gone.id))


def _lead_id(value: str) -> int:
    from netjournal.errors import InvalidInput

    digits = value.strip().removeprefix("#")
    if not digits.isdigit():
        raise InvalidInput(
            _("A lead is given by its id (see 'netjournal lead list'), not '{value}'.").format(
                value=value
            )
        )
    return int(digits)


@click.group()
def outcome() -> None:
    """Record, list, edit and delete what leads turned into."""


@outcome.command("add")
@click.argument("lead_id", metavar="LEAD")
@click.option(
    "--value", metavar="N", help="Money earned or saved, exact: 1200.50, '1 250 €', '1.250,50 EUR'."
)
@click.option("--currency", help="Currency of the value (default: your profile's).")
@click.option("--note", required=True, help="What happened.")
@click.option("--date", "-d", help="When (default: today).")
@click.option(
    "--kind",
    default="other",
    show_default=True,
    shell_complete=words(vocab("outcome kind")),
    help=f"One of: {', '.join(OUTCOME_KINDS)}.",
)
@click.option(
    "--refused",
    is_flag=True,
    help="A refusal (a quote turned down): no value; the open lead is dropped.",
)
@click.option(
    "--keep-status", is_flag=True, help="Leave the lead's status alone (not won, not dropped)."
)
@click.option(
    "--again",
    is_flag=True,
    help="Record it even if the lead already has one with this value, currency and date "
    "(refused otherwise, as a likely duplicate).",
)
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
    refused: bool,
    keep_status: bool,
    again: bool,
    fmt: str | None,
) -> None:
    """Record an outcome of LEAD (its id): money, a hire, an idea applied...

    A gain marks an open lead won; a negative value (a loss) or --refused marks it dropped."""
    recorded = app.journal().outcomes.add(
        _lead_id(lead_id),
        note,
        value=value,
        currency=currency,
        date=date,
        kind=kind,
        mark_won=not keep_status,
        again=again,
        refused=refused,
    )
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(recorded))
    else:
        from netjournal.vocab import label

        kind = label(recorded.kind, "outcome kind", language())
        if recorded.value is not None:
            line = _(
                "Recorded outcome #{number} of lead #{lead} worth {value} {currency} "
                "({kind}, {day})."
            )
        else:
            line = _("Recorded outcome #{number} of lead #{lead} ({kind}, {day}).")
        say(
            line.format(
                number=recorded.id,
                lead=recorded.lead_id,
                value=recorded.value,
                currency=recorded.currency,
                kind=kind,
                day=recorded.date,
            )
        )


@outcome.command("list")
@click.option("--lead", "lead_id", metavar="LEAD", help="Only the outcomes of this lead (id).")
@click.option(
    "--person", shell_complete=person_names, help="Only the outcomes of this person's leads."
)
@click.option(
    "--kind",
    shell_complete=words(vocab("outcome kind")),
    help=f"Only one kind: {', '.join(OUTCOME_KINDS)}.",
)
@click.option("--since", help="Only outcomes on or after this date.")
@click.option("--until", help="Only outcomes on or before this date.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@output_options()
@click.pass_obj
def list_outcomes(
    app: App,
    lead_id: str | None,
    person: str | None,
    kind: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    fmt: str | None,
) -> None:
    """List outcomes, newest first."""
    found = app.journal().outcomes.records(
        lead=None if lead_id is None else _lead_id(lead_id),
        person=person,
        kind=kind,
        since=since,
        until=until,
        limit=limit,
    )
    emit(found, OUTCOME_COLUMNS, fmt, empty=_("No outcomes match."))


@outcome.command("edit")
@click.argument("outcome_id", metavar="ID")
@click.option("--value", metavar="N", help="A new value ('' clears it).")
@click.option("--currency", help="A new currency.")
@click.option("--note", "description", help="A new description of what happened.")
@click.option("--date", "-d", help="A new date.")
@click.option(
    "--kind",
    shell_complete=words(vocab("outcome kind")),
    help=f"One of: {', '.join(OUTCOME_KINDS)}.",
)
@output_options(listing=False)
@click.pass_obj
def edit_outcome(app: App, outcome_id: str, fmt: str | None, **fields: str | None) -> None:
    """Correct outcome ID: its value, currency, note, date or kind."""
    changes = given(fields)
    journal = app.journal()
    updated = journal.outcomes.update(outcome_id, **changes)
    report(
        journal,
        updated,
        fmt,
        label=_("outcome #{number}").format(number=updated.id),
        asked=bool(changes),
    )


@outcome.command("delete")
@click.argument("outcome_id", metavar="ID")
@output_options(listing=False)
@click.pass_obj
def delete_outcome(app: App, outcome_id: str, fmt: str | None) -> None:
    """Delete outcome ID (its lead keeps its status)."""
    journal = app.journal()
    gone = journal.outcomes.delete(outcome_id)
    report(journal, gone, fmt, label=_("outcome #{number}").format(number=gone.id))
