"""``questions``: which questions you asked, and what followed them.

The same question asked of several people is one row: questions are grouped by their folded
form (case, accents and punctuation ignored). "Leads" counts the leads born in the encounters
where the question was asked (each encounter once, however often the question was asked in it),
and "value" what those leads' outcomes were worth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.sql.elements import ColumnElement

from ..models import Encounter, Lead, Outcome, Question
from .base import Built, Context, Money, Section, col, money_by_key, rank_value


@dataclass(frozen=True)
class QuestionRow:
    question: str = col("Question")
    times_asked: int = col("Times asked")
    encounters: int = col("Encounters")
    leads: int = col("Leads")
    won: int = col("Won")
    value: Money = col("Value")


def question_rows(ctx: Context, *where: ColumnElement[bool]) -> list[QuestionRow]:
    """Questions asked in the encounters matching ``where`` (and the period), best first."""
    asked = (
        select(
            Question.asked_key.label("key"),
            Question.encounter_id.label("eid"),
            func.count().label("n"),
            func.min(Question.asked).label("asked"),
        )
        .join(Encounter, Encounter.id == Question.encounter_id)
        .where(*ctx.in_period(Encounter.date), *where)
        .group_by(Question.asked_key, Question.encounter_id)
        .subquery("asked")
    )
    per_encounter = (
        select(
            Lead.encounter_id.label("eid"),
            func.count().label("leads"),
            func.sum(case((Lead.status == "won", 1), else_=0)).label("won"),
        )
        .group_by(Lead.encounter_id)
        .subquery("per_encounter")
    )
    main = (
        select(
            asked.c.key,
            func.min(asked.c.asked),
            func.sum(asked.c.n),
            func.count(),
            func.coalesce(func.sum(per_encounter.c.leads), 0),
            func.coalesce(func.sum(per_encounter.c.won), 0),
        )
        .select_from(asked)
        .outerjoin(per_encounter, per_encounter.c.eid == asked.c.eid)
        .group_by(asked.c.key)
    )
    values = (
        select(asked.c.key, Outcome.currency, func.sum(Outcome.value))
        .select_from(asked)
        .join(Lead, Lead.encounter_id == asked.c.eid)
        .join(Outcome, Outcome.lead_id == Lead.id)
        .where(Outcome.value.is_not(None))
        .group_by(asked.c.key, Outcome.currency)
    )
    session = ctx.session
    money = money_by_key(session.execute(values).tuples())
    rows = [
        QuestionRow(text, int(times), int(encounters), int(leads), int(won), money.get(key, {}))
        for key, text, times, encounters, leads, won in session.execute(main).tuples()
    ]

    def best(row: QuestionRow) -> tuple[Any, ...]:
        return (row.leads, row.won, rank_value(row.value, ctx.currency), row.times_asked)

    rows.sort(key=lambda r: r.question.casefold())
    rows.sort(key=best, reverse=True)
    return rows[: ctx.params.limit] if ctx.params.limit else rows


def build(ctx: Context) -> Built:
    rows = question_rows(ctx)
    return Built(
        title="Questions and what followed them",
        sections=[
            Section(
                "questions",
                "Questions asked",
                QuestionRow,
                tuple(rows),
                f"No question was recorded{ctx.params.period()}.",
            )
        ],
        notes=["Ranked by leads that followed, then leads won, then value."] if rows else [],
    )
