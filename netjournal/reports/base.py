"""What every report shares: its parameters, its result, money per currency and SQL helpers.

A report is a few SQL aggregations (GROUP BY, window functions, CASE) whose rows are turned into
typed, frozen dataclasses. Amounts keep their currency: a total is a ``dict`` currency ->
``Decimal`` and is never summed across currencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..errors import InvalidInput
from ..i18n import N_, _, ngettext, using
from ..models import Encounter, Lead, Outcome, Profile, ProfileField
from ..text import grouped
from ..validate import choice, optional_date

#: Amounts per currency (ISO code -> exact Decimal); never summed across currencies.
Money = dict[str, Decimal]

ATTRIBUTIONS = ("first", "last", "linear")
#: The widest "due soon" horizon (a century) and the largest row limit a report takes.
MAX_SOON_DAYS = 36_500
MAX_LIMIT = 1_000_000_000
CENT = Decimal("0.01")


class Text(str):
    """A sentence of a report: the English text as a ``str`` (what the API, JSON and CSV hold,
    the same whatever the language), which :func:`shown` writes again in the user's language.

    ``make`` writes the sentence in the current language (``_(...).format(...)``); it is called
    once in English here, and again each time the sentence is shown."""

    _make: Callable[[], str]

    def __new__(cls, make: Callable[[], str]) -> Text:
        with using("en"):
            english = make()
        text = super().__new__(cls, english)
        text._make = make
        return text

    def shown(self) -> str:
        """The sentence in the user's language."""
        return self._make()

    def __reduce__(self) -> tuple[Any, ...]:
        # Copied or pickled, the sentence is its English text (a function does not pickle).
        return (str, (str(self),))


def shown(text: str) -> str:
    """``text`` as a person reads it: a :class:`Text` in the user's language, other text as
    it is (stored names, codes)."""
    return text.shown() if isinstance(text, Text) else text


def col(
    label: str,
    *,
    percent: bool = False,
    table: bool = True,
    mark: str | None = None,
    words: Mapping[str, str] | str | None = None,
) -> Any:
    """A row field with the label renderers show for it (marked with ``N_``, translated where
    shown); ``percent`` for ratios shown as %.

    ``table=False``: in JSON and CSV only, not a column of tables, Markdown and HTML.
    ``mark``: ``"full"`` or ``"short"``, how a figure of a provisional row is marked there
    (the row has ``provisional`` and ``open_leads``).
    ``words``: the column holds codes (kept in English in JSON and CSV), shown in the user's
    language: a dict code -> English label (marked with ``N_``), or the name of a vocabulary
    of :mod:`netjournal.vocab` (``"lead kind"``)."""
    return field(
        metadata={
            "label": label,
            "percent": percent,
            "table": table,
            "mark": mark,
            "words": words,
        }
    )


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    percent: bool
    money: bool = False
    table: bool = True
    mark: str | None = None
    words: Mapping[str, str] | str | None = None

    @property
    def title(self) -> str:
        """The column's label in the user's language."""
        return _(self.label)

    def word(self, value: Any) -> Any:
        """A code of this column as the user reads it (other values as they are)."""
        if not isinstance(value, str) or self.words is None:
            return value
        if isinstance(self.words, str):
            from ..i18n import language
            from ..vocab import label

            word = label(value, self.words, language())
            return word if word != value else _(value)  # a row of totals ("all kinds")
        return _(self.words[value]) if value in self.words else value


def columns(row_type: type) -> list[Column]:
    """The columns of a row dataclass, in order."""
    return [
        Column(
            f.name,
            f.metadata.get("label", f.name),
            f.metadata.get("percent", False),
            money=str(f.type) in ("Money", "Money | None"),
            table=f.metadata.get("table", True),
            mark=f.metadata.get("mark"),
            words=f.metadata.get("words"),
        )
        for f in fields(row_type)
    ]


@dataclass(frozen=True)
class OpenLeads:
    """Leads still open or exploring: how many, and their kinds (in alphabetical order)."""

    count: int = 0
    kinds: tuple[str, ...] = ()

    def __str__(self) -> str:
        with using("en"):
            return self.shown()

    def shown(self) -> str:
        """``2 open leads: customer, supplier``, in the user's language."""
        if not self.count:
            return ""
        from ..i18n import language
        from ..vocab import label

        kinds = ", ".join(label(kind, "lead kind", language()) for kind in self.kinds)
        return ngettext(
            "{count} open lead: {kinds}", "{count} open leads: {kinds}", self.count
        ).format(count=self.count, kinds=kinds)


@dataclass(frozen=True)
class Params:
    """Validated report parameters (see :meth:`netjournal.Journal.report`)."""

    since: dt.date | None = None
    until: dt.date | None = None
    attribution: str = "first"
    soon: int = 7
    event: Any = None
    today: dt.date = field(default_factory=dt.date.today)
    limit: int | None = None
    include_connections: bool = False
    credit_introducers: bool = False

    @property
    def dated(self) -> bool:
        """Whether since or until narrows the report to a period."""
        return self.since is not None or self.until is not None

    def period(self) -> str:
        """`` between A and B`` / `` since A`` / `` until B`` / ``""``, for sentences (in the
        current language)."""
        if self.since and self.until:
            return _(" between {since} and {until}").format(since=self.since, until=self.until)
        if self.since:
            return _(" since {since}").format(since=self.since)
        if self.until:
            return _(" until {until}").format(until=self.until)
        return ""


def make_params(**raw: Any) -> Params:
    """Check what the caller passed; unknown names and bad values raise InvalidInput."""
    known = {f.name for f in fields(Params)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InvalidInput(
            _("Unknown report parameter {names}; use {known}.").format(
                names=", ".join(unknown), known=", ".join(sorted(known))
            )
        )
    since = optional_date(raw.get("since"), "since date")
    until = optional_date(raw.get("until"), "until date")
    if since and until and until < since:
        raise InvalidInput(
            _("The period ends ({until}) before it starts ({since}).").format(
                until=until, since=since
            )
        )
    attribution = choice(raw.get("attribution") or "first", ATTRIBUTIONS, "attribution")
    soon = _whole(raw.get("soon", 7), N_("The number of days"), minimum=0, maximum=MAX_SOON_DAYS)
    limit = raw.get("limit")
    today = optional_date(raw.get("today"), "today's date") or dt.date.today()
    return Params(
        since=since,
        until=until,
        attribution=attribution,
        soon=soon if soon is not None else 7,
        event=raw.get("event"),
        today=today,
        limit=_whole(limit, N_("The limit"), minimum=1, maximum=MAX_LIMIT),
        include_connections=_flag(raw.get("include_connections", False), "include_connections"),
        credit_introducers=_flag(raw.get("credit_introducers", False), "credit_introducers"),
    )


def _flag(value: Any, what: str) -> bool:
    """``what``: the parameter's name (``include_connections``), as the caller wrote it."""
    if not isinstance(value, bool):
        raise InvalidInput(_("{what} must be true or false.").format(what=what))
    return value


def _whole(value: Any, what: str, *, minimum: int, maximum: int) -> int | None:
    """``what``: the number's name, marked with ``N_`` (``The limit``)."""
    if value is None:
        return None
    name = _(what)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput(_("{what} must be a whole number.").format(what=name))
    if isinstance(value, str) and len(value.strip()) > len(str(maximum)) + 1:
        raise InvalidInput(
            _("{what} must be at most {maximum}.").format(what=name, maximum=grouped(maximum))
        )
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(
            _("{what} must be a whole number, not '{value}'.").format(what=name, value=value)
        ) from None
    if number < minimum:
        raise InvalidInput(
            _("{what} must be at least {minimum}.").format(what=name, minimum=minimum)
        )
    if number > maximum:
        raise InvalidInput(
            _("{what} must be at most {maximum}.").format(what=name, maximum=grouped(maximum))
        )
    return number


@dataclass(frozen=True)
class Section:
    """One table of a report: rows of a single dataclass type, and what to say when empty
    (``title`` and ``empty``: English, a :class:`Text` shown in the user's language)."""

    name: str
    title: str
    row_type: type
    rows: tuple[Any, ...]
    empty: str


@dataclass(frozen=True)
class Report:
    """A finished report: its sections (the first is the main one) and how it was made."""

    name: str
    title: str
    parameters: dict[str, Any]
    generated_at: dt.datetime
    currency: str
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> tuple[Any, ...]:
        """The rows of the main section."""
        return self.sections[0].rows

    @property
    def empty(self) -> str | None:
        """The sentence saying there is nothing to report, or ``None``."""
        return None if self.sections[0].rows else self.sections[0].empty

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)


@dataclass
class Context:
    """What a report builder needs: the session, parameters and the user's profile."""

    session: Session
    params: Params
    currency: str
    hourly_rate: Decimal | None
    has_fields: bool

    @classmethod
    def load(cls, session: Session, params: Params) -> Context:
        profile = session.get(Profile, 1)
        has_fields = session.scalar(func.count(ProfileField.id).select()) or 0
        return cls(
            session,
            params,
            profile.currency if profile else "EUR",
            profile.hourly_rate if profile else None,
            bool(has_fields),
        )

    @property
    def db(self) -> Connection:
        """The session's connection: reports read plain rows, skipping the ORM's result layer."""
        return self.session.connection()

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def in_period(self, column: Any) -> list[ColumnElement[bool]]:
        """Conditions keeping ``column`` (a date) within since/until."""
        conditions: list[ColumnElement[bool]] = []
        if self.params.since:
            conditions.append(column >= self.params.since)
        if self.params.until:
            conditions.append(column <= self.params.until)
        return conditions

    def meetings(self, entity: Any = Encounter) -> list[ColumnElement[bool]]:
        """Conditions keeping encounters that are meetings: a network connection (LinkedIn's
        "Connected On") is not a meeting, and reports leave it out of attribution and of
        encounter counts unless ``include_connections`` is set."""
        if self.params.include_connections:
            return []
        return [entity.kind == "meeting"]

    def nothing(
        self,
        rows: Sequence[Any],
        headline: Callable[[], str],
        outside: Any,
        left_out: Callable[[int], str],
        otherwise: Callable[[], str],
    ) -> Text:
        """What a section says when ``rows`` is empty: ``headline`` and the period, then how
        many rows the period left out, or else (``otherwise``) why there is nothing.

        ``outside`` counts the section's rows without the period (a SELECT of one COUNT); it
        runs only when the section is empty and a period is set, so every row it counts is
        outside the period. ``left_out(count)`` is what follows the number, as in
        ``ngettext("outcome credits an encounter", "outcomes credit encounters", count)``.
        ``headline``, ``left_out`` and ``otherwise`` write in the current language.
        """
        period = self.params.period
        if rows:
            return Text(
                lambda: _("{headline}{period}.").format(headline=headline(), period=period())
            )
        count = int(self.db.scalar(outside) or 0) if self.params.dated else 0
        if count:
            return Text(
                lambda: _("{headline}{period} ({count} {left_out} outside these dates).").format(
                    headline=headline(), period=period(), count=count, left_out=left_out(count)
                )
            )
        return Text(
            lambda: _("{headline}{period}: {reason}.").format(
                headline=headline(), period=period(), reason=otherwise()
            )
        )

    def days_between(self, later: Any, earlier: Any) -> ColumnElement[int]:
        """Whole days from ``earlier`` to ``later`` (two DATE expressions), on both backends."""
        if self.dialect == "sqlite":
            return cast(func.julianday(later) - func.julianday(earlier), Integer)
        return cast(later - earlier, Integer)


def gain(outcome: Any = Outcome, lead: Any = Lead) -> ColumnElement[bool]:
    """Whether an outcome is a gain, what "paid off" counts: a positive value, or no value on a
    won lead. A negative value is a loss; no value on a dropped lead is a refusal
    (``outcome add --refused``); neither pays off."""
    return or_(outcome.value > 0, and_(outcome.value.is_(None), lead.status == "won"))


def equal_share(v: Any, n: Any, k: Any) -> ColumnElement[int]:
    """The ``k``-th (from 1) of ``n`` equal shares of ``v`` cents, exact: the remainder's cents
    go one each to the first shares (for a loss, one cent less each)."""
    base = v // n
    remainder = v - base * n
    step = case((remainder < 0, -1), else_=1)
    share: ColumnElement[int] = base + case((k <= func.abs(remainder), step), else_=0)
    return share


def value_currencies(ctx: Context) -> list[str]:
    """The currencies outcome values are recorded in, sorted: a report's money columns."""
    return list(
        ctx.db.scalars(
            select(Outcome.currency)
            .where(Outcome.value.is_not(None), Outcome.currency.is_not(None))
            .distinct()
            .order_by(Outcome.currency)
        )
    )


def cents(column: Any) -> ColumnElement[int]:
    """A Fixed(2) column as the raw integer hundredths it is stored as (exact arithmetic)."""
    return type_coerce(column, BigInteger)


def as_money(amount: Any) -> Decimal:
    """A SUM that came back through Fixed: a Decimal with two places."""
    return Decimal(amount).quantize(CENT)


def money_by_key(rows: Iterable[tuple[Any, str | None, Any]]) -> dict[Any, Money]:
    """Fold SQL rows ``(key, currency, total)`` (already summed per currency) into dicts."""
    result: dict[Any, Money] = {}
    for key, code, total in rows:
        if total is None or code is None:
            continue
        result.setdefault(key, {})[code] = as_money(total)
    return {key: dict(sorted(money.items())) for key, money in result.items()}


def ratio(numerator: Decimal | int, denominator: Decimal | int, places: str = "0.01") -> Decimal:
    """``numerator / denominator`` rounded half-even to ``places`` (denominator not zero)."""
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places))


def share(part: int, whole: int) -> Decimal | None:
    """A proportion with four decimals, or ``None`` when ``whole`` is zero."""
    return ratio(part, whole, "0.0001") if whole else None


def counted(count: int, word: str) -> str:
    """``counted(2, "open lead")``: "2 open leads" (English only: for messages, use
    ``ngettext``)."""
    return f"{count} {word if count == 1 else word + 's'}"


def rank_value(money: Mapping[str, Decimal], currency: str) -> tuple[Decimal, int]:
    """Sort key for "best first": the amount in the journal's currency, then how many others."""
    return (money.get(currency, Decimal(0)), len(money))


@dataclass(frozen=True)
class Built:
    """What a report module's ``build(context)`` returns; the registry adds the rest."""

    title: str  # a Text, like the sections' titles and empty sentences and the notes
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
