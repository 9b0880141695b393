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
from .i18n import N_, _, in_language

NAME_MAX = 300
SHORT_MAX = 500
TAG_MAX = 100
MONEY_MAX = Decimal("1e15")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A signed number ("-3") and a word that gives the direction too ("ago", "in", "il y a").
_SIGNED = re.compile(r"(?<!\w)[-+\u2212]\s*\d")
_DIRECTION = re.compile(r"\b(ago|in|hence|from now|il y a|dans|avant|apr[eè]s)\b", re.I)


def text(
    value: object, what: str, *, max_len: int | None = None, required: bool = False
) -> str | None:
    """A string field: ``None`` or blank becomes ``None``; too long or missing is refused.

    Free text is stored exactly as given (only entirely blank text is dropped); single-line
    fields (those with ``max_len``) are stripped of surrounding white space.
    """
    if value is None:
        if required:
            raise InvalidInput(_("{what} is required.").format(what=what))
        return None
    if not isinstance(value, str):
        message = _("{what} must be text, not {type}.")
        raise InvalidInput(message.format(what=what, type=type(value).__name__))
    if "\x00" in value:
        message = _("{what} contains a NUL character, which cannot be stored.")
        raise InvalidInput(message.format(what=what))
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate: bytes that were not UTF-8
            message = _("{what} is not valid text (character {position} is not UTF-8).")
            raise InvalidInput(message.format(what=what, position=exc.start + 1)) from None
    if not value.strip():
        if required:
            raise InvalidInput(_("{what} cannot be empty.").format(what=what))
        return None
    if max_len is not None:
        value = value.strip()
        if len(value) > max_len:
            message = _("{what} is longer than {max_len} characters ({length}).")
            raise InvalidInput(message.format(what=what, max_len=max_len, length=len(value)))
    return value


def blank(value: object) -> bool:
    """``True`` for text that is empty or only white space: in an update it clears the field
    (a blank value is never stored, so it cannot mean "leave it as it is")."""
    return isinstance(value, str) and not value.strip()


def name(value: object, what: str | None = None) -> str:
    """A required name (``what`` names it in a refusal: "The name" by default)."""
    result = text(value, what or _("The name"), max_len=NAME_MAX, required=True)
    assert result is not None
    return result


def choice(value: object, options: tuple[str, ...], what: str) -> str:
    """One of ``options`` (case-insensitive); a typo gets a suggestion."""
    if not isinstance(value, str) or not value.strip():
        message = _("{what} is required; choose from {options}.")
        raise InvalidInput(message.format(what=what, options=", ".join(options)))
    folded = value.strip().casefold().replace("_", " ").replace("-", " ")
    if folded in options:
        return folded
    close = difflib.get_close_matches(folded, options, n=1)
    if close:
        message = _("Unknown {what} '{value}' (did you mean '{hint}'?); choose from {options}.")
    else:
        message = _("Unknown {what} '{value}'; choose from {options}.")
    hint = close[0] if close else ""
    raise InvalidInput(
        message.format(what=what, value=value, hint=hint, options=", ".join(options))
    )


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
        raise InvalidInput(_("The {what} is missing.").format(what=what))
    raw = value.strip()
    if _ISO_DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            message = _("Invalid {what} '{raw}': no such day.")
            raise InvalidInput(message.format(what=what, raw=raw)) from None
    from . import dates  # some ms of regular expressions: not for ISO dates

    base = relative_to or dt.date.today()
    try:
        everyday = dates.read(raw, today=base, prefer=prefer)
    except InvalidInput as exc:
        raise InvalidInput(_("Invalid {what} {reason}").format(what=what, reason=exc)) from None
    if everyday is not None:
        return everyday.date
    signed = _SIGNED.search(raw)
    direction = _DIRECTION.search(raw)
    if signed and direction:  # dateparser lets the sign win: "+3 days ago" is in 3 days
        message = _(
            "Invalid {what} '{raw}': the sign and '{word}' both say which "
            "way to count; write '3 days ago', 'in 3 days', '-3 days' or '+3 days'."
        )
        raise InvalidInput(message.format(what=what, raw=raw, word=direction.group(0)))
    parsed = _dateparse(raw, prefer, base)
    if parsed is None:
        raise InvalidInput(_unreadable(raw, what))
    if any(c.isdigit() for c in raw) and not re.search(r"\d{4}", raw):
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


def _unreadable(raw: str, what: str) -> str:
    """The error for a date nothing could read, with examples in the user's language and the
    everyday form a typo was closest to (``vendredi procain``: ``vendredi prochain``)."""
    from . import dates, lang

    raw = " ".join(raw.split())  # one line, whatever was typed
    language = lang.of_input(raw)  # French if it looks French, else the interface's
    hint = dates.closest(raw)
    close = in_language(language, N_(" (did you mean '{word}'?)")).format(word=hint) if hint else ""
    message = in_language(language, N_("Invalid {what} '{date}'{hint}: use {examples}."))
    return message.format(
        what=in_language(language, what), date=raw, hint=close, examples=dates.EXAMPLES[language]
    )


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


#: Currency signs read with an amount; "$" and "¥" name several currencies, so they are refused.
CURRENCY_SIGNS = {"€": "EUR", "£": "GBP"}
_AMBIGUOUS_SIGNS = {"$": "USD, CAD, AUD...", "¥": N_("JPY or CNY")}
#: What groups thousands besides "," and ".": spaces (plain, no-break, thin) and apostrophes.
_GROUPING = " \u00a0\u202f\u2009'\u2019"
_MINUS = "-\u2212"
_SIGN = "([A-Za-z]{3}|[€£$¥])"
_MARK = re.compile(rf"^{_SIGN}\s*(.*)$|^(.*?)\s*{_SIGN}$", re.S)
_SHAPE = re.compile(r"^[0-9][0-9.,\s'\u2019]*$|^[.,][0-9]+$")


def amount(
    value: object, what: str, *, allow_negative: bool = False
) -> tuple[Decimal | None, str | None]:
    """An exact amount with at most two decimals, and the currency written with it, if any.

    ``value`` is a number, a ``Decimal`` or text as people write it: ``"1250"``,
    ``"1250€"``, ``"1 250 €"``, ``"€1250"``, ``"1250 EUR"``, ``"1.250,50 €"``,
    ``"1,250.50"``, ``"-500"``. The rule for text:

    - a currency may come before or after the number: a three-letter code or ``€``/``£``
      (``$`` and ``¥`` name several currencies and are refused);
    - spaces (no-break and thin ones too) and apostrophes group thousands: ``1 250``, ``1'250``;
    - with both ``,`` and ``.``, the last one is the decimal separator and the other groups
      thousands (``1.250,50`` and ``1,250.50`` are 1250.50); a separator written several
      times groups thousands (``1.250.000``);
    - a single ``,`` or ``.`` is the decimal separator (``1250,5``, ``12.50``), except before
      exactly three digits with nothing else grouping (``1.250``, ``1,250``): that could be
      1250 or 1.25, and it is refused as ambiguous;
    - thousands groups have three digits, and more than two decimals are refused.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InvalidInput(_("{what} must be a number.").format(what=what))
    mark = None
    if isinstance(value, str):
        number, mark = _read_amount(value.strip(), what)
    else:
        try:
            number = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - str() of a number is a number
            message = _("{what} must be a number, not '{value}'.")
            raise InvalidInput(message.format(what=what, value=value)) from None
    if not number.is_finite():
        message = _("{what} must be a finite number, not '{value}'.")
        raise InvalidInput(message.format(what=what, value=value))
    if number < 0 and not allow_negative:
        raise InvalidInput(_("{what} cannot be negative ({value}).").format(what=what, value=value))
    if abs(number) >= MONEY_MAX:
        raise InvalidInput(_("{what} is too large ({value}).").format(what=what, value=value))
    if number != number.quantize(Decimal("0.01")):
        message = _("{what} has more than two decimal places ({value}).")
        raise InvalidInput(message.format(what=what, value=value))
    return number.quantize(Decimal("0.01")), mark


def _read_amount(raw: str, what: str) -> tuple[Decimal, str | None]:
    """Text to a number and its currency mark, by the rule of :func:`amount`."""
    rest, mark, negative = raw, None, False
    for _attempt in range(2):  # "-500 €", "€-500", "-€500", "500 € "...
        if rest[:1] in _MINUS or rest[:1] == "+":
            negative, rest = rest[:1] in _MINUS, rest[1:].lstrip()
        found = _MARK.match(rest) if mark is None else None
        if found is None:
            break
        sign = found.group(1) or found.group(4)
        rest = found.group(2) if found.group(1) else found.group(3)
        if sign in _AMBIGUOUS_SIGNS:
            message = _(
                "{what}: '{sign}' names several currencies ({currencies}); "
                "write the code instead, as in '{example}'."
            )
            currencies = _(_AMBIGUOUS_SIGNS[sign])
            example = f"{rest} USD"
            raise InvalidInput(
                message.format(what=what, sign=sign, currencies=currencies, example=example)
            )
        mark = CURRENCY_SIGNS.get(sign) or currency(sign)
    if not _SHAPE.match(rest):
        message = _("{what} must be a number, not '{value}'.")
        raise InvalidInput(message.format(what=what, value=raw))
    digits = _number_text(rest, raw, what)
    return Decimal(("-" if negative else "") + digits), mark


def _number_text(text_: str, raw: str, what: str) -> str:
    """``"1.250,50"`` -> ``"1250.50"``; malformed or ambiguous grouping is refused."""
    puncts = [c for c in text_ if c in ".,"]
    grouped_by_space = any(c in _GROUPING or c.isspace() for c in text_)
    decimal = None
    if len(set(puncts)) == 2:
        decimal = puncts[-1]
        if puncts.count(decimal) > 1:
            message = _("{what}: '{raw}' is not a number (two decimal separators).")
            raise InvalidInput(message.format(what=what, raw=raw))
    elif len(puncts) == 1:
        head, _sep, tail = text_.partition(puncts[0])
        if len(tail) == 3 and not grouped_by_space and head.strip("0"):
            thousands = f"{int(head + tail):,}".replace(",", " ")
            if tail.endswith("0"):
                small = f"{Decimal(head + '.' + tail).normalize()}"
                message = _(
                    "{what}: '{raw}' is ambiguous ({thousands}, or {small}?); "
                    "write '{thousands}' for thousands."
                )
            else:
                small = f"{head}.{tail}"
                message = _(
                    "{what}: '{raw}' is ambiguous ({thousands}, or {small} with more than two "
                    "decimal places?); write '{thousands}' for thousands."
                )
            raise InvalidInput(message.format(what=what, raw=raw, thousands=thousands, small=small))
        decimal = puncts[0]
    whole, _sep, fraction = text_.rpartition(decimal) if decimal else (text_, "", "")
    if not fraction.isdigit() and decimal:
        message = _("{what} must be a number, not '{value}'.")
        raise InvalidInput(message.format(what=what, value=raw))
    groups = re.split(r"[.,\s'\u2019]", whole)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        message = _("{what}: '{raw}' groups digits oddly; thousands go by three, as in 1 250 000.")
        raise InvalidInput(message.format(what=what, raw=raw))
    return ("".join(groups) or "0") + ("." + fraction if decimal else "")


def money(value: object, what: str, *, allow_negative: bool = False) -> Decimal | None:
    """An exact amount with at most two decimals, written without a currency (read as
    :func:`amount` reads it; a currency mark is refused here, for hours or where the
    currency is known from elsewhere)."""
    number, mark = amount(value, what, allow_negative=allow_negative)
    if mark is not None:
        message = _("{what} is a plain number; leave out the currency ({value}).")
        raise InvalidInput(message.format(what=what, value=value))
    return number


def amount_currency(mark: str | None, given: str | None, what: str) -> str | None:
    """The currency of an amount: the one written with it (``mark``) or the one ``given``;
    when both are there they must agree."""
    code = currency(given)
    if mark is not None and code is not None and mark != code:
        message = _("{what} is written in {mark} but the currency given is {code}.")
        raise InvalidInput(message.format(what=what, mark=mark, code=code))
    return mark or code


def currency(value: object, default: str | None = None) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, str) or not _CURRENCY.match(value.strip().upper()):
        message = _("Invalid currency '{value}': use a three-letter code such as EUR.")
        raise InvalidInput(message.format(value=value))
    return value.strip().upper()


def email(value: str, what: str | None = None) -> str:
    """``value`` if it is an e-mail address by its syntax (checked by ``email-validator``,
    without looking the domain up): no white space or line break, one ``@``, a domain with a
    dot. The ``.test`` domain is allowed (for examples); other special-use ones (``.local``,
    ``.localhost``, ``.invalid``) are refused, as no mail reaches them."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        message = _("{what} {value!r} is not an e-mail address: {reason}")
        what = what or _("The e-mail")
        raise InvalidInput(message.format(what=what, value=value, reason=exc)) from None
    return value


def tags(values: Iterable[str] | str | None) -> list[str]:
    """Tag names, stripped, de-duplicated (first spelling wins), ``#`` prefix dropped."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    from .text import fold

    seen: dict[str, str] = {}
    for raw in values:
        tag = text(raw, _("A tag"), max_len=TAG_MAX)
        if tag is None:
            continue
        tag = tag.lstrip("#").strip()
        if not tag:
            continue
        seen.setdefault(fold(tag), tag)
    return list(seen.values())
