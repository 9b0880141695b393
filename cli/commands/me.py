"""``netjournal me``: your own profile, which the reports compare against."""

from __future__ import annotations

import click

from netjournal.i18n import _, ngettext

from ..app import App
from ..output import field_lines, heading, output_options, print_json


@click.command()
@click.option("--name", help="Your name.")
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="TEXT",
    help="One of your own fields (repeat for several; replaces the list).",
)
@click.option("--hourly-rate", metavar="N", help="What an hour of your time is worth (60, '60 €').")
@click.option("--currency", metavar="CODE", help="Your default currency, such as EUR.")
@click.option(
    "--history-days",
    metavar="N",
    help="How many days 'netjournal history' keeps changes for undo (default 180).",
)
@click.option(
    "--phone-region",
    metavar="CODE",
    help="Where phone numbers written without their country code are (FR, BE, CH...).",
)
@output_options(listing=False)
@click.pass_obj
def me(
    app: App,
    name: str | None,
    fields: tuple[str, ...],
    hourly_rate: str | None,
    currency: str | None,
    history_days: str | None,
    phone_region: str | None,
    fmt: str | None,
) -> None:
    """Show your profile, or set it: fields, hourly rate and currency used by the reports.

    People met outside your fields count as 'outside your field'; the hourly rate prices
    the time events cost you.
    """
    journal = app.journal()
    given = (name, hourly_rate, currency, history_days, phone_region)
    if fields or any(value is not None for value in given):
        profile = journal.set_profile(
            name=name,
            fields=fields or None,
            hourly_rate=hourly_rate,
            currency=currency,
            history_days=history_days,
            phone_region=phone_region,
        )
    else:
        profile = journal.profile()
    if fmt == "json":
        from netjournal.serialize import to_dict

        print_json(to_dict(profile))
        return
    heading(_("Your profile"))
    rate = f"{profile.hourly_rate} {profile.currency}" if profile.hourly_rate is not None else None
    field_lines(
        [
            (_("Name"), profile.name),
            (_("Fields"), profile.fields or _("none yet (netjournal me --field ...)")),
            (_("Hourly rate"), rate or _("not set (netjournal me --hourly-rate N)")),
            (_("Currency"), profile.currency),
            (
                _("History kept"),
                ngettext(  # English: "days" whatever the count
                    "{count} days (netjournal history, undo)",
                    "{count} days (netjournal history, undo)",
                    profile.history_days,
                ).format(count=profile.history_days),
            ),
            (
                _("Phone region"),
                _("{region} (numbers written without +country code)").format(
                    region=profile.phone_region
                ),
            ),
        ]
    )
