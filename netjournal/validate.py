"""Checking and normalising what callers hand to the journal, with messages for the user.

Every public method funnels its arguments through these helpers, so a bad value is refused
with one clear :class:`~netjournal.errors.InvalidInput` before anything is written.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from .errors import InvalidInput

NAME_MAX = 300
SHORT_MAX = 500
TAG_MAX = 100
MONEY_MAX = Decimal("1e15")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def text(
    value: object, what: str, *, max_len: int | None = None, required: bool = False
) -> str | None:
    """A string field: ``None`` or blank becomes ``None``; too long or missing is refused.

    Free text is stored exactly as given (only entirely blank text is dropped); single-line
    fields (those with ``max_len``) are stripped of surrounding white space.
    """
    if value is None:
        if required:
            raise InvalidInput(f"{what} is required.")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text, not {type(value).__name__}.")
    if "\x00" in value:
        raise InvalidInput(f"{what} contains a NUL character, which cannot be stored.")
    if not value.strip():
        if required:
            raise InvalidInput(f"{what} cannot be empty.")
        return None
    if max_len is not None:
        value = value.strip()
        if len(value) > max_len:
            raise InvalidInput(f"{what} is longer than {max_len} characters ({len(value)}).")
    return value


def blank(value: object) -> bool:
    """``True`` for text that is empty or only white space: in an update it clears the field
    (a blank value is never stored, so it cannot mean "leave it as it is")."""
    return isinstance(value, str) and not value.strip()


def name(value: object, what: str = "The name") -> str:
    result = text(value, what, max_len=NAME_MAX, required=True)
    assert result is not None
    return result


def choice(value: object, options: tuple[str, ...], what: str) -> str:
    """One of ``options`` (case-insensitive); a typo gets a suggestion."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} is required; choose from {', '.join(options)}.")
    folded = value.strip().casefold().replace("_", " ").replace("-", " ")
    if folded in options:
        return folded
    close = difflib.get_close_matches(folded, options, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise InvalidInput(f"Unknown {what} '{value}'{hint}; choose from {', '.join(options)}.")


def parse_date(
    value: object,
    what: str = "date",
    *,
    prefer: str = "past",
    relative_to: dt.date | None = None,
) -> dt.date:
    """A date from a ``date``, an ISO string or what people type (``yesterday``,
    ``3 days ago``, ``last friday``, ``20/11/2026`` day first, French too).

    ``prefer`` resolves a bare weekday: ``past`` for when you met, ``future`` for a due date.
    Relative dates (``demain``, ``friday``, ``in 3 days``) count from ``relative_to`` (today
    by default), and a two-digit year takes the century nearest to it (``12/10/26`` is 2026).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"The {what} is missing.")
    raw = value.strip()
    if _ISO_DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(f"Invalid {what} '{raw}': no such day.") from None
    base = relative_to or dt.date.today()
    parsed = _dateparse(raw, prefer, base)
    if parsed is None:
        raise InvalidInput(
            f"Invalid {what} '{raw}': use 2026-11-20, 20/11/2026, today, yesterday, "
            "3 days ago or last friday."
        )
    if any(c.isdigit() for c in raw):
        # dateparser reads a two-digit year in the past or the future as preferred, which
        # can jump a century: the two readings then differ by exactly 100 years. Keep the
        # one nearest to the reference date.
        other = _dateparse(raw, "future" if prefer == "past" else "past", base)
        if (
            other is not None
            and abs(other.year - parsed.year) == 100
            and (other.month, other.day) == (parsed.month, parsed.day)
            and abs(other - base) < abs(parsed - base)
        ):
            parsed = other
    return parsed


def _dateparse(raw: str, prefer: str, base: dt.date) -> dt.date | None:
    import dateparser  # slow to import: only for what ISO does not cover

    parsed = dateparser.parse(
        raw,
        languages=["en", "fr"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": prefer,
            "RELATIVE_BASE": dt.datetime.combine(base, dt.time()),
            "RETURN_AS_TIMEZONE_AWARE": False,
            "STRICT_PARSING": False,
        },
    )
    return None if parsed is None else parsed.date()


def optional_date(
    value: object, what: str, *, prefer: str = "past", relative_to: dt.date | None = None
) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, what, prefer=prefer, relative_to=relative_to)


def money(value: object, what: str, *, allow_negative: bool = False) -> Decimal | None:
    """An exact amount with at most two decimals (``"12.5"``, ``12``, ``Decimal``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{what} must be a number.")
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise InvalidInput(f"{what} must be a number, not '{value}'.") from None
    if not amount.is_finite():
        raise InvalidInput(f"{what} must be a finite number, not '{value}'.")
    if amount < 0 and not allow_negative:
        raise InvalidInput(f"{what} cannot be negative ({value}).")
    if abs(amount) >= MONEY_MAX:
        raise InvalidInput(f"{what} is too large ({value}).")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(f"{what} has more than two decimal places ({value}).")
    return amount.quantize(Decimal("0.01"))


def currency(value: object, default: str | None = None) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, str) or not _CURRENCY.match(value.strip().upper()):
        raise InvalidInput(f"Invalid currency '{value}': use a three-letter code such as EUR.")
    return value.strip().upper()


def tags(values: Iterable[str] | str | None) -> list[str]:
    """Tag names, stripped, de-duplicated (first spelling wins), ``#`` prefix dropped."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    from .text import fold

    seen: dict[str, str] = {}
    for raw in values:
        tag = text(raw, "A tag", max_len=TAG_MAX)
        if tag is None:
            continue
        tag = tag.lstrip("#").strip()
        if not tag:
            continue
        seen.setdefault(fold(tag), tag)
    return list(seen.values())
