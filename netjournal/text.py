"""Text folding: how names, fields, tags and questions are compared.

"Hélène", "HELENE" and "helene " must be the same person, and "Jean-François", "jean
francois" too: apostrophes (straight or typographic) and hyphens fold like spaces, so "N'Diaye"
is "n diaye". "What's your biggest supplier problem?" and "what is your biggest supplier
problem" are the same question. Folding is done in Python and stored in ``*_key`` columns, so
every backend compares the same way and can index it; :func:`refold` (``netjournal.refold``)
brings keys stored by an older rule up to date.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from contextvars import ContextVar

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]|_")
#: Apostrophes and hyphens, which join the parts of a name: folded like spaces.
JOINERS = "'\u2018\u2019\u02bc`-\u2010\u2011\u2012\u2013\u2014"
_JOINERS = str.maketrans(dict.fromkeys(JOINERS, " "))
#: Letters names elide before an apostrophe (D'Angelo, L'Oréal, M'Bappé, N'Diaye, O'Brien):
#: a word typed without the apostrophe ("ndiaye") is also read as two ("n diaye").
ELIDED = frozenset("dlmno")


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced ``text``, apostrophes and hyphens read as
    spaces: ``"  Hélène  D."`` -> ``"helene d."``, ``"Jean-François N’Diaye"`` -> ``"jean
    francois n diaye"`` (text made of nothing else keeps them: ``"-"`` stays ``"-"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    spaced = _SPACES.sub(" ", stripped.translate(_JOINERS)).strip()
    return spaced or _SPACES.sub(" ", stripped).strip()


def question_key(text: str) -> str:
    """Fold and drop punctuation, so the same question asked twice groups together."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", fold(text))).strip()


def like_escape(text: str) -> str:
    """Escape ``%``, ``_`` and ``\\`` for a ``LIKE ... ESCAPE '\\'`` pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: The region a phone number written without its country code is read in (``06 11 22 33 44``
#: is French) when the journal's profile names none: France, the journal's first users' country.
DEFAULT_PHONE_REGION = "FR"

#: How the phone rules learn the region of the journal being read or written: the store sets
#: a getter of its profile's region around each read and write (:meth:`Store.write`), called
#: only when a national number must be read (a journal's calls never see another's region).
PHONE_REGION: ContextVar[Callable[[], str] | None] = ContextVar("phone_region", default=None)


def phone_region() -> str:
    """The region national phone numbers are read in now (see :data:`PHONE_REGION`)."""
    source = PHONE_REGION.get()
    return source() if source is not None else DEFAULT_PHONE_REGION


def contact_key(kind: str, value: str, *, region: str | None = None) -> str:
    """Normalise a contact point for identity and duplicate detection: an e-mail ignoring
    case, a phone as :func:`phone_key`, a URL without scheme, ``www.`` or final slash."""
    value = value.strip()
    if kind == "email":
        return value.casefold()
    if kind == "phone":
        return phone_key(value, region=region)
    if kind == "url":
        url = re.sub(r"^https?://(www\.)?", "", value.casefold())
        return url.rstrip("/")
    return value


def phone_key(value: str, *, region: str | None = None) -> str:
    """A phone number in E.164 (``+33611223344``), read by ``phonenumbers``: ``"+33 6 11 22
    33 44"``, ``"06 11 22 33 44"`` and ``"0033 6 11 22 33 44"`` are the same phone (a national
    number is read in ``region``, by default the profile's: :func:`phone_region`). A number it
    cannot read (too short, letters) keeps its digits and ``+`` as typed, so it still matches
    itself."""
    import phonenumbers  # only where phones are compared: keeps --help fast

    digits = re.sub(r"[^\d+]", "", value)
    if region is None:
        region = DEFAULT_PHONE_REGION if value.lstrip().startswith("+") else phone_region()
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(number):
        return digits
    key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{key};ext={number.extension}" if number.extension else key


def region_code(value: str) -> str:
    """A phone region as ``phonenumbers`` knows it (``"fr"`` -> ``"FR"``); anything else is
    :class:`~netjournal.errors.InvalidInput`."""
    import phonenumbers

    from .errors import InvalidInput
    from .i18n import _

    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        message = _("'{value}' is not a country code for phone numbers (FR, BE, CH, GB...).")
        raise InvalidInput(message.format(value=value.strip()))
    return code


def grouped(number: int) -> str:
    """``number`` with its thousands grouped as the user's language writes them
    (``36,500``; in French ``36 500``, with a narrow no-break space)."""
    from .i18n import language

    written = f"{number:,}"
    return written.replace(",", "\u202f") if language() == "fr" else written


def plural(count: int, word: str, many: str | None = None) -> str:
    """``plural(2, "lead")``: "2 leads"; ``many`` for an irregular plural."""
    return f"{count} {word if count == 1 else many or word + 's'}"
