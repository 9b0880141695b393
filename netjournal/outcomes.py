"""``journal.outcomes``: what each lead turned into (money saved or earned, a hire, an idea)."""

from __future__ import annotations

import builtins
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from . import listings, records, resolve
from .errors import InvalidInput
from .i18n import _
from .leads import get_lead
from .store import changed_attributes, edited
from .validate import amount as read_amount
from .validate import amount_currency, optional_date, text
from .validate import currency as currency_code
from .vocab import canonical

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .models import Encounter, Lead, Outcome, Person
    from .store import Store

# The ORM (models, sessions) is imported where it is used: ``records`` and the other quick
# paths of the command line must not pay for importing it (docs/performance.md).

_UNSET = object()


class Outcomes:
    """The outcomes of the leads in a journal. Reach it as ``journal.outcomes``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        lead: int | str | Lead,
        description: str,
        *,
        value: Decimal | int | str | None = None,
        currency: str | None = None,
        date: dt.date | str | None = None,
        kind: str = "other",
        mark_won: bool = True,
        again: bool = False,
        refused: bool = False,
    ) -> Outcome:
        """Record what a lead turned into.

        ``value`` is exact (at most two decimals) in ``currency`` (the profile's currency by
        default); text is read as people write it, a currency included (``"1 250 €"``,
        ``"1.250,50 EUR"``, see :func:`netjournal.validate.amount`), which must then agree
        with ``currency``. Only a gain wins: an open or exploring lead is marked won, but a negative
        value (a loss) marks it dropped instead; ``mark_won=False`` leaves the status alone.
        ``refused=True`` records a refusal (a quote turned down): no value, kind ``other``,
        and the open or exploring lead is dropped. Reports tell them apart without a flag of
        their own: a gain is a positive value, or no value on a won lead; a loss is a
        negative value; a refusal is no value on a dropped lead. An outcome like one the lead
        already has (same value, currency and date) is refused
        (:class:`~netjournal.errors.InvalidInput`) unless ``again`` is true.
        """
        from .models import Outcome

        with self._store.write("outcome.add") as session:
            found = get_lead(session, lead, whole=False)
            when = optional_date(date, _("outcome date")) or dt.date.today()
            amount, mark = read_amount(value, _("The value"), allow_negative=True)
            given = amount_currency(mark, currency, _("The value"))
            if refused and amount is not None:
                raise InvalidInput(_("A refusal has no value; leave the value out."))
            if refused and kind != "other":
                raise InvalidInput(_("A refusal is an outcome of kind 'other'."))
            description_text = text(description, _("The outcome's description"), required=True)
            assert description_text is not None
            outcome = Outcome(
                date=when,
                description=description_text,
                value=amount,
                currency=_currency(session, self._store, amount, given),
                kind=canonical(kind, "outcome kind"),
            )
            _check_date(found, when)
            if not again:
                _refuse_duplicate(found, outcome)
            found.outcomes.append(outcome)
            lost = refused or (amount is not None and amount < 0)
            if mark_won and found.status in ("open", "exploring"):
                found.status = "dropped" if lost else "won"
                found.status_changed_on = when
            session.flush()
            self._store.describe(session, f"Recorded outcome #{outcome.id} of lead #{found.id}")
            return outcome

    def get(self, outcome_id: int | str | Outcome) -> Outcome:
        """The outcome with this id."""
        with self._store.read() as session:
            return _get(session, outcome_id)

    def list(
        self,
        *,
        lead: int | str | Lead | None = None,
        person: int | str | Person | None = None,
        kind: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        limit: int | None = None,
    ) -> list[Outcome]:
        """Outcomes, newest first, optionally of one lead, of the leads of one person (id or
        name), of one kind (money, hire, idea...), within dates."""
        from .models import Outcome

        with self._store.read() as session:
            listing = listings.outcomes(
                session.connection(),
                lead=lead,
                person=person,
                kind=kind,
                since=since,
                until=until,
                limit=limit,
            )
            return list(session.scalars(listing.apply(select(Outcome))))

    def records(
        self,
        *,
        lead: int | str | None = None,
        person: int | str | None = None,
        kind: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        limit: int | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """What :meth:`list` returns, as JSON-ready dicts (``to_dict`` of each outcome),
        read without the ORM: what ``netjournal outcome list`` prints."""
        with self._store.connect() as connection:
            listing = listings.outcomes(
                connection,
                lead=lead,
                person=person,
                kind=kind,
                since=since,
                until=until,
                limit=limit,
            )
            return records.outcome_records(connection, listing)

    def update(
        self,
        outcome_id: int | str | Outcome,
        *,
        description: str | None = None,
        value: Decimal | int | str | None | object = _UNSET,
        currency: str | None = None,
        date: dt.date | str | None = None,
        kind: str | None = None,
    ) -> Outcome:
        """Correct an outcome; ``value=None`` (or ``""``) clears the amount, leaving it out
        keeps it.

        Returns the outcome as stored. Nothing is written when nothing differs;
        :attr:`Journal.last_change <netjournal.journal.Journal.last_change>` then is ``None``,
        else its summary names what changed (``Edited outcome #2 of lead #4: value``).
        """
        with self._store.edit("outcome.update") as session:
            outcome = _get(session, outcome_id)
            if description is not None:
                new = text(description, _("The outcome's description"), required=True)
                assert new is not None
                outcome.description = new
            mark = None
            if value is not _UNSET:
                outcome.value, mark = read_amount(value, _("The value"), allow_negative=True)
            if currency is not None or value is not _UNSET:
                given = amount_currency(mark, currency, _("The value")) or outcome.currency
                outcome.currency = _currency(session, self._store, outcome.value, given)
            if date is not None:
                when = optional_date(date, _("outcome date"))
                if when is not None:
                    lead = get_lead(session, outcome.lead_id, whole=False)
                    _check_date(lead, when)
                    outcome.date = when
            if kind is not None:
                outcome.kind = canonical(kind, "outcome kind")
            changed = changed_attributes(outcome)
            if changed:
                subject = f"outcome #{outcome.id} of lead #{outcome.lead_id}"
                self._store.describe(session, edited(subject, changed))
            session.flush()
            return outcome

    def delete(self, outcome_id: int | str | Outcome) -> Outcome:
        """Remove an outcome (its lead keeps its status); returns it as it was."""
        from .models import Outcome

        with self._store.write("outcome.delete") as session:
            outcome = _get(session, outcome_id)
            session.execute(delete(Outcome).where(Outcome.id == outcome.id))
            session.expunge(outcome)
            summary = f"Deleted outcome #{outcome.id} of lead #{outcome.lead_id}"
            self._store.describe(session, summary)
            return outcome


def _get(session: Session, ref: object) -> Outcome:
    from .models import Outcome

    found: Outcome = resolve.record(session, Outcome, ref, "outcome")
    return found


def _currency(
    session: Session, store: Store, amount: Decimal | None, given: str | None
) -> str | None:
    """An amount's currency: the one given, else the profile's; none without an amount."""
    if amount is None:
        return currency_code(given)
    return currency_code(given, store.currency(session))


def _check_date(lead: Lead, when: dt.date) -> None:
    encounter: Encounter = lead.encounter
    if when < encounter.date:
        message = _("The outcome ({when}) predates the encounter the lead came from ({met}).")
        raise InvalidInput(message.format(when=when, met=encounter.date))


def _refuse_duplicate(lead: Lead, outcome: Outcome) -> None:
    for other in lead.outcomes:
        if (other.value, other.currency, other.date) == (
            outcome.value,
            outcome.currency,
            outcome.date,
        ):
            message = _(
                "Lead #{lead} already has this outcome ({amount} on {date}, outcome #{outcome}); "
                "record it again explicitly to keep both."
            )
            raise InvalidInput(
                message.format(
                    lead=lead.id, amount=_amount(other), date=other.date, outcome=other.id
                )
            )


def _amount(outcome: Outcome) -> str:
    if outcome.value is None:
        return _("no value")
    return f"{outcome.value} {outcome.currency or ''}".strip()
