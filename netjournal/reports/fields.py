"""``fields``: are people outside your own fields worth talking to?

Each encounter is *inside* or *outside* your fields (the profile's fields) by the person's
field, unless the encounter says otherwise (``outside_field`` set when logging wins). A person
with no field, or a profile with no fields, counts as *unknown*. Per group: encounters, the
share that produced a lead, the share that paid off (a lead with a gain: an outcome
with a positive value, or without value on a won lead) and the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select, union_all

from ..i18n import N_, _, ngettext
from ..models import Encounter, Lead, Outcome, Person, ProfileField
from .base import Built, Context, Money, Section, Text, col, gain, money_by_key, share

GROUPS = ("inside", "outside", "unknown")
#: How the groups are shown (the codes stay in JSON and CSV).
GROUP_WORDS = {"inside": N_("inside"), "outside": N_("outside"), "unknown": N_("unknown")}


@dataclass(frozen=True)
class FieldRow:
    group: str = col(N_("Field"), words=GROUP_WORDS)
    encounters: int = col(N_("Encounters"))
    with_lead: int = col(N_("With a lead"))
    lead_share: Decimal | None = col(N_("Lead share"), percent=True)
    paid_off: int = col(N_("Paid off"))
    paid_share: Decimal | None = col(N_("Paid-off share"), percent=True)
    value: Money = col(N_("Value"))


def by_field(ctx: Context, field_key: Any) -> Any:
    """inside / outside / unknown from a person's field alone."""
    if not ctx.has_fields:
        return literal("unknown")
    return case(
        (field_key.is_(None), "unknown"),
        (field_key.in_(select(ProfileField.key)), "inside"),
        else_="outside",
    )


def by_override(outside_field: Any) -> Any:
    return case((outside_field.is_(True), "outside"), else_="inside")


def classify(ctx: Context) -> Any:
    """inside / outside / unknown for the encounter and person in the query."""
    return case(
        (Encounter.outside_field.is_not(None), by_override(Encounter.outside_field)),
        else_=by_field(ctx, Person.field_key),
    )


def build(ctx: Context) -> Built:
    # Connections (not meetings) are left out unless asked (ctx.meetings()).
    period = [*ctx.in_period(Encounter.date), *ctx.meetings()]
    # Encounters per group in one pass over people, counting each one's encounters through
    # the (person_id, date) index; encounters marked inside/outside are then moved from
    # their person's group to the one they were marked with.
    # Marked encounters are few: one pass over the table (grouped by the mark first, so no
    # index on person_id tempts the planner into a lookup per row).
    marked = (
        select(Encounter.outside_field, Encounter.person_id, func.count().label("n"))
        .where(Encounter.outside_field.is_not(None), *period)
        .group_by(Encounter.outside_field, Encounter.person_id)
        .subquery("marked")
    )
    moves = union_all(
        select(by_field(ctx, Person.field_key).label("grp"), func.count().label("n"))
        .select_from(Person)
        .join(Encounter, Encounter.person_id == Person.id)
        .where(*period)
        .group_by(Person.field_key),
        select(by_field(ctx, Person.field_key).label("grp"), (-func.sum(marked.c.n)).label("n"))
        .select_from(marked)
        .join(Person, Person.id == marked.c.person_id)
        .group_by(Person.field_key),
        select(
            by_override(marked.c.outside_field).label("grp"), func.sum(marked.c.n).label("n")
        ).group_by(marked.c.outside_field),
    ).subquery("moves")
    totals = select(moves.c.grp, func.sum(moves.c.n)).group_by(moves.c.grp)

    def encounters_with(source: Any, *joins: Any, where: Any = ()) -> Any:
        """Distinct encounters per group among those reached from ``source``: counted per
        mark and person first, so each person is looked up once."""
        inner = select(
            Encounter.person_id,
            Encounter.outside_field,
            func.count(func.distinct(Encounter.id)).label("n"),
        ).select_from(source)
        for target, on in joins:
            inner = inner.join(target, on)
        reached = (
            inner.where(*period, *where)
            .group_by(Encounter.outside_field, Encounter.person_id)  # not person_id first,
            .subquery("reached")  # which would scan encounters by index instead of leads
        )
        grp = case(
            (reached.c.outside_field.is_not(None), by_override(reached.c.outside_field)),
            else_=by_field(ctx, Person.field_key),
        ).label("grp")
        counted = select(grp, reached.c.n).join(Person, Person.id == reached.c.person_id).subquery()
        return select(counted.c.grp, func.sum(counted.c.n)).group_by(counted.c.grp)

    with_lead = encounters_with(Lead, (Encounter, Encounter.id == Lead.encounter_id))
    paid_off = encounters_with(
        Outcome,
        (Lead, Lead.id == Outcome.lead_id),
        (Encounter, Encounter.id == Lead.encounter_id),
        where=[gain()],  # paid off: a gain, not a loss or a refusal
    )
    valued = (
        select(
            classify(ctx).label("grp"),
            Outcome.currency.label("currency"),
            Outcome.value.label("value"),
        )
        .select_from(Outcome)
        .join(Lead, Lead.id == Outcome.lead_id)
        .join(Encounter, Encounter.id == Lead.encounter_id)
        .join(Person, Person.id == Encounter.person_id)
        .where(Outcome.value.is_not(None), *period)
        .subquery("valued")
    )
    values = select(valued.c.grp, valued.c.currency, func.sum(valued.c.value)).group_by(
        valued.c.grp, valued.c.currency
    )
    session = ctx.db
    money = money_by_key(session.execute(values))
    leads = {grp: int(n) for grp, n in session.execute(with_lead)}
    paid = {grp: int(n) for grp, n in session.execute(paid_off)}
    rows = [
        FieldRow(
            grp,
            int(n),
            leads.get(grp, 0),
            share(leads.get(grp, 0), int(n)),
            paid.get(grp, 0),
            share(paid.get(grp, 0), int(n)),
            money.get(grp, {}),
        )
        for grp, n in session.execute(totals)
        if n
    ]
    rows.sort(key=lambda r: GROUPS.index(r.group))
    if ctx.params.limit:
        rows = rows[: ctx.params.limit]
    notes: list[str] = []
    if not ctx.has_fields:
        notes.append(
            Text(
                lambda: _(
                    "Your profile lists no fields, so encounters count as unknown unless marked "
                    "inside or outside when logged."
                )
            )
        )
    found = {r.group: r for r in rows}
    if "inside" in found and "outside" in found:
        inside, outside = found["inside"], found["outside"]
        notes.append(
            Text(
                lambda: _(
                    "A lead came from {outside} of encounters outside your fields "
                    "and {inside} of those inside."
                ).format(outside=_pct(outside.lead_share), inside=_pct(inside.lead_share))
            )
        )
    return Built(
        title=Text(lambda: _("Inside vs outside your fields")),
        sections=[
            Section(
                "fields",
                Text(lambda: _("Encounters by field")),
                FieldRow,
                tuple(rows),
                ctx.nothing(
                    rows,
                    lambda: _("No encounter"),
                    select(func.count(Encounter.id)),
                    lambda n: ngettext("encounter is", "encounters are", n),
                    lambda: _("nothing to compare yet"),
                ),
            )
        ],
        notes=notes,
    )


def _pct(value: Decimal | None) -> str:
    from ..display import percent

    return _("n/a") if value is None else percent(value)
