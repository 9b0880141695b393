"""``pitches``: when someone pitched you, what you learned, and whether they became useful.

An encounter marked ``pitched`` is one where the other person sold to you. The report lists
what you learned about the seller (the answers to your questions, the stakes and notes) and
whether any became a useful supplier: a *supplier* lead from that encounter that was won or
has an outcome.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, exists, func, or_, select

from ..i18n import N_, _, ngettext
from ..models import Encounter, Event, Lead, Outcome, Person, Question
from .base import Built, Context, Section, Text, col, gain


@dataclass(frozen=True)
class PitchRow:
    encounter_id: int = col(N_("Encounter"))
    date: dt.date = col(N_("Date"))
    person: str = col(N_("Seller"))
    organization: str | None = col(N_("Organization"))
    event: str | None = col(N_("Event"))
    learned: tuple[str, ...] = col(N_("Learned"))
    stakes: str | None = col(N_("Stakes"))
    notes: str | None = col(N_("Notes"))
    useful_supplier: bool = col(N_("Useful supplier"))


def build(ctx: Context) -> Built:
    pitched = [Encounter.pitched.is_(True), *ctx.in_period(Encounter.date), *ctx.meetings()]
    useful = exists(
        select(Lead.id).where(
            Lead.encounter_id == Encounter.id,
            Lead.kind == "supplier",
            # won, or with a gain: a loss or a refusal does not make a useful supplier
            or_(
                Lead.status == "won",
                exists(select(Outcome.id).where(Outcome.lead_id == Lead.id, gain())),
            ),
        )
    )
    main = (
        select(
            Encounter.id,
            Encounter.date,
            Person.display_name,
            Person.organization,
            Event.name,
            Encounter.stakes,
            Encounter.notes,
            useful,
        )
        .join(Person, Person.id == Encounter.person_id)
        .outerjoin(Event, Event.id == Encounter.event_id)
        .where(*pitched)
    )
    summary = select(func.count(), func.sum(case((useful, 1), else_=0))).where(*pitched)
    learned_rows = (
        select(Question.encounter_id, Question.asked, Question.learned)
        .where(
            Question.learned.is_not(None),
            Question.encounter_id.in_(select(Encounter.id).where(*pitched)),
        )
        .order_by(Question.encounter_id, Question.position)
    )
    session = ctx.db
    learned: dict[int, list[str]] = {}
    for eid, asked, answer in session.execute(learned_rows):
        learned.setdefault(eid, []).append(f"{asked} -> {answer}")
    rows = [
        PitchRow(eid, day, who, org, event, tuple(learned.get(eid, ())), stakes, notes, bool(ok))
        for eid, day, who, org, event, stakes, notes, ok in session.execute(main)
    ]
    # Newest first, sorted here: ORDER BY date would lead SQLite to walk the date index and
    # fetch every encounter to find the pitched ones.
    rows.sort(key=lambda r: (r.date, r.encounter_id), reverse=True)
    if ctx.params.limit:
        rows = rows[: ctx.params.limit]
    count, became = session.execute(summary).one()
    notes: list[str] = []
    if count:
        useful_count = int(became or 0)
        notes.append(
            Text(
                lambda: ngettext(  # English: "pitches" whatever the count
                    "{count} pitches; {useful} became a useful supplier.",
                    "{count} pitches; {useful} became a useful supplier.",
                    count,
                ).format(count=count, useful=useful_count)
            )
        )
    return Built(
        title=Text(lambda: _("Pitches you received")),
        sections=[
            Section(
                "pitches",
                Text(lambda: _("Pitches")),
                PitchRow,
                tuple(rows),
                ctx.nothing(
                    rows,
                    lambda: _("Nobody pitched you"),
                    select(func.count(Encounter.id)).where(Encounter.pitched.is_(True)),
                    lambda n: ngettext(
                        "encounter marked as pitched is", "encounters marked as pitched are", n
                    ),
                    lambda: _("no encounter is marked as pitched"),
                ),
            )
        ],
        notes=notes,
    )
