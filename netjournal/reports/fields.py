"""``fields``: are people outside your own fields worth talking to?

Each encounter is *inside* or *outside* your fields (the profile's fields) by the person's
field, unless the encounter says otherwise (``outside_field`` set when logging wins). A person
with no field, or a profile with no fields, counts as *unknown*. Per group: encounters, the
share that produced a lead, the share that paid off (a lead with an outcome) and the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select

from ..models import Encounter, Lead, Outcome, Person, ProfileField
from .base import Built, Context, Money, Section, col, money_by_key, share

GROUPS = ("inside", "outside", "unknown")


@dataclass(frozen=True)
class FieldRow:
    group: str = col("Field")
    encounters: int = col("Encounters")
    with_lead: int = col("With a lead")
    lead_share: Decimal | None = col("Lead share", percent=True)
    paid_off: int = col("Paid off")
    paid_share: Decimal | None = col("Paid-off share", percent=True)
    value: Money = col("Value")


def classify(ctx: Context) -> Any:
    """inside / outside / unknown for the encounter and person in the query."""
    by_person: Any = literal("unknown")
    if ctx.has_fields:
        by_person = case(
            (Person.field_key.is_(None), "unknown"),
            (Person.field_key.in_(select(ProfileField.key)), "inside"),
            else_="outside",
        )
    return case(
        (Encounter.outside_field.is_(True), "outside"),
        (Encounter.outside_field.is_(False), "inside"),
        else_=by_person,
    )


def build(ctx: Context) -> Built:
    group = classify(ctx).label("grp")
    period = ctx.in_period(Encounter.date)
    lead_paid = case((Lead.id.in_(select(Outcome.lead_id)), 1), else_=0)
    per_encounter = (
        select(Lead.encounter_id.label("eid"), func.max(lead_paid).label("paid"))
        .group_by(Lead.encounter_id)
        .subquery("per_encounter")
    )
    classified = (
        select(group, per_encounter.c.eid, per_encounter.c.paid)
        .select_from(Encounter)
        .join(Person, Person.id == Encounter.person_id)
        .outerjoin(per_encounter, per_encounter.c.eid == Encounter.id)
        .where(*period)
        .subquery("classified")
    )
    counts = select(
        classified.c.grp,
        func.count(),
        func.count(classified.c.eid),
        func.coalesce(func.sum(classified.c.paid), 0),
    ).group_by(classified.c.grp)
    valued = (
        select(group, Outcome.currency.label("currency"), Outcome.value.label("value"))
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
    session = ctx.session
    money = money_by_key(session.execute(values))
    rows = [
        FieldRow(
            grp,
            int(n),
            int(leads),
            share(int(leads), int(n)),
            int(paid),
            share(int(paid), int(n)),
            money.get(grp, {}),
        )
        for grp, n, leads, paid in session.execute(counts)
    ]
    rows.sort(key=lambda r: GROUPS.index(r.group))
    notes = []
    if not ctx.has_fields:
        notes.append(
            "Your profile lists no fields, so encounters count as unknown unless marked "
            "inside or outside when logged."
        )
    found = {r.group: r for r in rows}
    if "inside" in found and "outside" in found:
        inside, outside = found["inside"], found["outside"]
        notes.append(
            f"A lead came from {_pct(outside.lead_share)} of encounters outside your fields "
            f"and {_pct(inside.lead_share)} of those inside."
        )
    return Built(
        title="Inside vs outside your fields",
        sections=[
            Section(
                "fields",
                "Encounters by field",
                FieldRow,
                tuple(rows),
                f"No encounter{ctx.params.period()}: nothing to compare yet.",
            )
        ],
        notes=notes,
    )


def _pct(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"
