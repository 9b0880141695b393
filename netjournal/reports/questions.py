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
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..i18n import N_, _, ngettext
from ..models import Encounter, Lead, Outcome, Question
from .base import Built, Context, Money, Section, Text, col, money_by_key, rank_value


@dataclass(frozen=True)
class QuestionRow:
    question: str = col(N_("Question"))
    times_asked: int = col(N_("Times asked"))
    encounters: int = col(N_("Encounters"))
    leads: int = col(N_("Leads"))
    won: int = col(N_("Won"))
    value: Money = col(N_("Value"))


def question_rows(ctx: Context, *where: ColumnElement[bool]) -> list[QuestionRow]:
    """Questions asked in the encounters matching ``where`` (and the period), best first.

    Three aggregations, each from the side that keeps it small: questions alone for how often
    (joined to encounters only when filtered), leads joined to the questions of their
    encounter for what followed, outcomes for the value. DISTINCT keeps a question asked
    twice in one encounter from counting that encounter's leads twice.
    """
    conditions = [*ctx.in_period(Encounter.date), *ctx.meetings(), *where]

    def scoped(stmt: Any) -> Any:
        if not conditions:
            return stmt
        return stmt.join(Encounter, Encounter.id == Question.encounter_id).where(*conditions)

    grouped = scoped(
        select(
            Question.asked_key.label("key"),
            func.min(Question.id).label("first_id"),
            func.count().label("times"),
            func.count(func.distinct(Question.encounter_id)).label("encounters"),
        ).group_by(Question.asked_key)
    ).subquery("grouped")
    # Shown as first written (not MIN(text): collations differ between backends).
    first = aliased(Question)
    asked = select(grouped.c.key, first.asked, grouped.c.times, grouped.c.encounters).join(
        first, first.id == grouped.c.first_id
    )
    # Leads and outcomes drive these joins (each finds its encounter's questions by index);
    # DISTINCT counts a lead once even when its encounter asked the question twice.
    won = case((Lead.status == "won", Lead.id))
    followed = scoped(
        select(
            Question.asked_key, func.count(func.distinct(Lead.id)), func.count(func.distinct(won))
        )
        .select_from(Lead)
        .join(Question, Question.encounter_id == Lead.encounter_id)
        .group_by(Question.asked_key)
    )
    valued = scoped(
        select(
            Question.asked_key.label("key"),
            Outcome.id,
            Outcome.currency.label("currency"),
            Outcome.value.label("value"),
        )
        .select_from(Outcome)
        .join(Lead, Lead.id == Outcome.lead_id)
        .join(Question, Question.encounter_id == Lead.encounter_id)
        .where(Outcome.value.is_not(None))
        .distinct()
    ).subquery("valued")
    values = select(valued.c.key, valued.c.currency, func.sum(valued.c.value)).group_by(
        valued.c.key, valued.c.currency
    )
    session = ctx.db
    leads = {key: (int(n), int(w or 0)) for key, n, w in session.execute(followed)}
    money = money_by_key(session.execute(values))
    rows = [
        QuestionRow(text, int(times), int(encounters), *leads.get(key, (0, 0)), money.get(key, {}))
        for key, text, times, encounters in session.execute(asked)
    ]

    def best(row: QuestionRow) -> tuple[Any, ...]:
        return (row.leads, row.won, rank_value(row.value, ctx.currency), row.times_asked)

    rows.sort(key=lambda r: r.question)
    rows.sort(key=best, reverse=True)
    return rows[: ctx.params.limit] if ctx.params.limit else rows


def build(ctx: Context) -> Built:
    rows = question_rows(ctx)
    return Built(
        title=Text(lambda: _("Questions and what followed them")),
        sections=[
            Section(
                "questions",
                Text(lambda: _("Questions asked")),
                QuestionRow,
                tuple(rows),
                ctx.nothing(
                    rows,
                    lambda: _("No question was recorded"),
                    select(func.count(Question.id)),
                    lambda n: ngettext(
                        "question was asked in an encounter",
                        "questions were asked in encounters",
                        n,
                    ),
                    lambda: _("no encounter has a question yet"),
                ),
            )
        ],
        notes=[Text(lambda: _("Ranked by leads that followed, then leads won, then value."))]
        if rows
        else [],
    )
