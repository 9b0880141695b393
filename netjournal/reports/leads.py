"""``leads``: the funnel by kind of lead.

Per kind: how many leads are open, exploring, won or dropped; the conversion rate (won / all
leads of that kind); the median number of days from the encounter a lead was born in to its
first outcome, over leads that have an outcome. The median is computed in SQL with window
functions (row number and count per kind), which both SQLite and PostgreSQL support.
``since``/``until`` keep leads born in encounters dated in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, select

from ..i18n import N_, _, ngettext
from ..models import Encounter, Lead, Outcome
from .base import Built, Context, Section, Text, col, share

ALL = N_("all kinds")


@dataclass(frozen=True)
class LeadRow:
    kind: str = col(N_("Kind"), words="lead kind")
    leads: int = col(N_("Leads"))
    open: int = col(N_("Open"))
    exploring: int = col(N_("Exploring"))
    won: int = col(N_("Won"))
    dropped: int = col(N_("Dropped"))
    conversion: Decimal | None = col(N_("Conversion"), percent=True)
    with_outcome: int = col(N_("With outcome"))
    median_days_to_outcome: Decimal | None = col(N_("Median days to outcome"))


def _medians(ctx: Context, by_kind: bool) -> dict[str, tuple[int, Decimal]]:
    """kind -> (leads with an outcome, median days to the first one)."""
    days = ctx.days_between(func.min(Outcome.date), Encounter.date)
    per_lead = (
        select(Lead.kind.label("kind"), days.label("days"))
        .join(Encounter, Encounter.id == Lead.encounter_id)
        .join(Outcome, Outcome.lead_id == Lead.id)
        .where(*ctx.in_period(Encounter.date))
        .group_by(Lead.id, Lead.kind, Encounter.date)
        .subquery("per_lead")
    )
    part = per_lead.c.kind if by_kind else literal(ALL)
    ranked = select(
        part.label("kind"),
        per_lead.c.days,
        func.row_number().over(partition_by=part, order_by=per_lead.c.days).label("rn"),
        func.count().over(partition_by=part).label("cnt"),
    ).subquery("ranked")
    # The middle row (odd count) or the two middle rows (even count): 2rn in [cnt, cnt + 2].
    middle = and_(ranked.c.rn * 2 >= ranked.c.cnt, ranked.c.rn * 2 <= ranked.c.cnt + 2)
    medians = (
        select(ranked.c.kind, func.max(ranked.c.cnt), func.avg(ranked.c.days))
        .where(middle)
        .group_by(ranked.c.kind)
    )
    return {
        kind: (int(count), Decimal(str(median)).quantize(Decimal("0.1")))
        for kind, count, median in ctx.db.execute(medians)
    }


def build(ctx: Context) -> Built:
    def status(name: str) -> Any:
        return func.sum(case((Lead.status == name, 1), else_=0))

    def funnel(kind: Any) -> Any:
        return (
            select(
                kind,
                func.count(),
                status("open"),
                status("exploring"),
                status("won"),
                status("dropped"),
            )
            .join(Encounter, Encounter.id == Lead.encounter_id)
            .where(*ctx.in_period(Encounter.date))
        )

    session = ctx.db
    per_kind = session.execute(funnel(Lead.kind).group_by(Lead.kind)).all()
    total = session.execute(funnel(literal(ALL))).all() if per_kind else []
    medians = _medians(ctx, True) | _medians(ctx, False)
    rows = []
    for kind, n, open_, exploring, won, dropped in [*per_kind, *total]:
        with_outcome, median = medians.get(kind, (0, None))
        rows.append(
            LeadRow(
                kind,
                int(n),
                int(open_),
                int(exploring),
                int(won),
                int(dropped),
                share(int(won), int(n)),
                with_outcome,
                median,
            )
        )
    kinds = sorted(rows[: len(per_kind)], key=lambda r: (-r.leads, r.kind))
    notes: list[str] = []
    if rows:
        notes.append(
            Text(
                lambda: _(
                    "Conversion = won / all leads of the kind; days run from the encounter the "
                    "lead was born in to its first outcome."
                )
            )
        )
    limit = ctx.params.limit
    if limit and len(kinds) > limit:
        count = len(kinds)
        notes.append(
            Text(
                lambda: ngettext(
                    "Showing the {limit} of the {count} kinds with the most leads; "
                    "'{all}' counts them all.",
                    "Showing the {limit} of the {count} kinds with the most leads; "
                    "'{all}' counts them all.",
                    limit,
                ).format(limit=limit, count=count, all=_(ALL))
            )
        )
        kinds = kinds[:limit]
    rows = kinds + rows[len(per_kind) :]
    return Built(
        title=Text(lambda: _("Lead funnel")),
        sections=[
            Section(
                "leads",
                Text(lambda: _("Leads by kind")),
                LeadRow,
                tuple(rows),
                ctx.nothing(
                    rows,
                    lambda: _("No lead was recorded"),
                    select(func.count(Lead.id)),
                    lambda n: ngettext(
                        "lead was born in an encounter", "leads were born in encounters", n
                    ),
                    lambda: _("no encounter has a lead yet"),
                ),
            )
        ],
        notes=notes,
    )
