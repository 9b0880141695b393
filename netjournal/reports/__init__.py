"""Reports: evidence of what paid off, every figure traceable to the encounters behind it.

``journal.report(name, since=..., until=..., ...)`` runs one of :data:`REPORTS` and returns a
:class:`~netjournal.reports.base.Report` of typed rows; :mod:`netjournal.reports.render` turns
it into a table, Markdown, CSV, JSON or a self-contained HTML page.

This module stays light (no SQLAlchemy import) so the CLI can list the reports cheaply; each
report lives in its own module, imported when it runs.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput
from ..i18n import N_, _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .base import Report

#: report name -> (module, one-line description, marked for the catalog: ``_(description)``).
REPORTS: dict[str, tuple[str, str]] = {
    "payoff": ("payoff", N_("Encounters that paid off, best first.")),
    "events": ("events", N_("Per event and series: people, leads, value, cost and ROI.")),
    "fields": ("fields", N_("Encounters inside vs outside your own fields.")),
    "questions": ("questions", N_("The questions you asked and what followed them.")),
    "leads": ("leads", N_("The lead funnel by kind: conversion and median days to outcome.")),
    "pitches": ("pitches", N_("When others pitched you: what you learned, useful suppliers.")),
    "followups": ("followups", N_("Follow-ups overdue and due soon, per person.")),
    "prep": ("prep", N_("Before going back to an event: who you met there, what worked.")),
    "introducers": (
        "introducers",
        N_("Who introduced whom, and the value credited along the chain."),
    ),
}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a report builds its rows.

    A big report allocates hundreds of thousands of small acyclic objects (rows, tuples,
    Decimals); every burst of allocations triggers a collection that walks all live objects
    again, a fifth of the payoff report's time at a million encounters. Reference counting
    frees everything a report builds; the collector resumes (if it was on) right after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(session: Session, name: str, **params: Any) -> Report:
    """Run the report ``name`` in ``session`` (a read session of the journal)."""
    from .base import Context, Report, make_params

    if name not in REPORTS:
        raise InvalidInput(
            _("Unknown report '{name}'; choose from {choices}.").format(
                name=name, choices=", ".join(REPORTS)
            )
        )
    checked = make_params(**params)
    if checked.credit_introducers and name != "payoff":
        raise InvalidInput(
            _("Crediting introducers is for the payoff report, not {name}.").format(name=name)
        )
    module = importlib.import_module(f"{__name__}.{REPORTS[name][0]}")
    context = Context.load(session, checked)
    with gc_paused():
        built = module.build(context)
    parameters: dict[str, Any] = {
        "since": checked.since,
        "until": checked.until,
        "attribution": checked.attribution if name == "payoff" else None,
        "include_connections": checked.include_connections,
    }
    parameters.update(built.parameters)
    return Report(
        name=name,
        title=built.title,
        parameters=parameters,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        currency=context.currency,
        sections=tuple(built.sections),
        notes=tuple(built.notes),
    )


__all__ = ["REPORTS", "run"]
