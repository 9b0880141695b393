"""The everyday date forms, in English and French, read without the general date library.

What people type after an evening out is a handful of forms: ``hier``, ``last friday``,
``vendredi prochain``, ``il y a 3 semaines``, ``in 3 days``, ``15 octobre 2026``,
``1er octobre``, ``20/11``, ``jeudi 14h``. :func:`read` reads them with a small grammar, in
either language whatever the interface language, accents and case optional; anything else
returns ``None`` and :func:`netjournal.validate.parse_date` hands it to ``dateparser``,
whose import alone costs some 400 ms.

The rules, counted from ``today`` (the encounter's date for a follow-up):

- ``aujourd'hui``/``today`` (also ``ce soir``, ``tonight``...), ``hier``/``yesterday``
  (``hier soir``, ``last night``), ``avant-hier``, ``demain``/``tomorrow``, ``après-demain``.
- ``il y a N jours|semaines|mois|ans``, ``N days|weeks|months|years ago``, ``dans N ...``,
  ``in N ...`` (N in digits or a word up to twelve, or ``quinze``: ``trois``, ``a``); a
  month or a year later keeps the day, or the month's last day when it has fewer (31 March -
  1 month is 28 or 29 February).
- ``WEEKDAY dernier``/``passé``, ``last WEEKDAY``: the latest such day *before* today, so on a
  Friday ``vendredi dernier`` is a week ago. ``WEEKDAY prochain``, ``next WEEKDAY``: the first
  such day *after* today, so on a Friday ``vendredi prochain`` is in a week, and on a Sunday
  ``lundi prochain`` is tomorrow. A bare ``vendredi`` is the one before today for when you met
  (``prefer="past"``) and the one after today for a due date (``prefer="future"``).
- ``la semaine dernière|prochaine``, ``last|next week``: seven days before or after;
  ``le mois dernier|prochain``, ``l'an dernier``...: the same day a month or a year away.
- ``15 octobre 2026``, ``1er oct.``, ``vendredi 16 octobre``, ``October 15, 2026``, ``oct 15``,
  ``20/11/2026``, ``20.11.26``, ``20/11`` (day first). Without a year: the latest such day on
  or before today when you met, the first on or after today for a due date. A two-digit year
  takes the century nearest to today (``12/10/26`` is 2026). A weekday that does not match the
  date is refused.
- ``début|mi|fin MOIS`` (``early|mid|late MONTH``): the 1st, the 15th, the last day of that
  month; the journal keeps one day, and these are the days it keeps.
- A time after any of these (``jeudi 14h``, ``jeudi 14h30``, ``jeudi à 14 h``, ``thursday 2pm``,
  ``friday at 9:30``, ``jeudi midi``) is checked and returned beside the day; it is not read as
  a day of the month. A part of the day (``mardi soir``, ``friday morning``) names the day.
  Encounters and follow-ups keep the day only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from typing import NamedTuple

from .errors import InvalidInput
from .i18n import N_, _


class Moment(NamedTuple):
    """A day, and the time of day when one was written."""

    date: dt.date
    time: dt.time | None = None


WEEKDAYS = {
    **dict.fromkeys(("lundi", "monday", "mon", "lun"), 0),
    **dict.fromkeys(("mardi", "tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("mercredi", "wednesday", "wed", "mer"), 2),
    **dict.fromkeys(("jeudi", "thursday", "thu", "thur", "thurs", "jeu"), 3),
    **dict.fromkeys(("vendredi", "friday", "fri", "ven"), 4),
    **dict.fromkeys(("samedi", "saturday", "sat", "sam"), 5),
    **dict.fromkeys(("dimanche", "sunday", "sun", "dim"), 6),
}
MONTHS = {
    **dict.fromkeys(("janvier", "janv", "january", "jan"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "february", "feb"), 2),
    **dict.fromkeys(("mars", "march", "mar"), 3),
    **dict.fromkeys(("avril", "avr", "april", "apr"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "june", "jun"), 6),
    **dict.fromkeys(("juillet", "juil", "july", "jul"), 7),
    **dict.fromkeys(("aout", "august", "aug"), 8),
    **dict.fromkeys(("septembre", "sept", "september", "sep"), 9),
    **dict.fromkeys(("octobre", "october", "oct"), 10),
    **dict.fromkeys(("novembre", "november", "nov"), 11),
    **dict.fromkeys(("decembre", "december", "dec"), 12),
}
NUMBERS = {
    **dict.fromkeys(("un", "une", "one", "a", "an"), 1),
    **dict.fromkeys(("deux", "two"), 2),
    **dict.fromkeys(("trois", "three"), 3),
    **dict.fromkeys(("quatre", "four"), 4),
    **dict.fromkeys(("cinq", "five"), 5),
    **dict.fromkeys(("six",), 6),
    **dict.fromkeys(("sept", "seven"), 7),
    **dict.fromkeys(("huit", "eight"), 8),
    **dict.fromkeys(("neuf", "nine"), 9),
    **dict.fromkeys(("dix", "ten"), 10),
    **dict.fromkeys(("onze", "eleven"), 11),
    **dict.fromkeys(("douze", "twelve"), 12),
    **dict.fromkeys(("quinze", "fifteen"), 15),  # "dans quinze jours"
}
UNITS = {
    **dict.fromkeys(("jour", "jours", "j", "day", "days", "d"), "days"),
    **dict.fromkeys(("semaine", "semaines", "sem", "week", "weeks", "w", "wk", "wks"), "weeks"),
    **dict.fromkeys(("mois", "month", "months"), "months"),
    **dict.fromkeys(("an", "ans", "annee", "annees", "year", "years", "yr", "yrs"), "years"),
}
#: Whole words that name a day by its distance from today.
DAYS = {
    **dict.fromkeys(
        (
            "aujourd'hui",
            "aujourdhui",
            "auj",
            "today",
            "ce matin",
            "ce midi",
            "cet apres midi",
            "ce soir",
            "cette nuit",
            "this morning",
            "this afternoon",
            "this evening",
            "tonight",
            "now",
            "maintenant",
        ),
        0,
    ),
    **dict.fromkeys(
        (
            "hier",
            "hier matin",
            "hier midi",
            "hier apres midi",
            "hier soir",
            "yesterday",
            "yesterday morning",
            "yesterday afternoon",
            "yesterday evening",
            "last night",
        ),
        -1,
    ),
    **dict.fromkeys(("avant hier", "day before yesterday", "the day before yesterday"), -2),
    **dict.fromkeys(
        ("demain", "demain matin", "demain midi", "demain apres midi", "demain soir", "tomorrow"),
        1,
    ),
    **dict.fromkeys(("apres demain", "day after tomorrow", "the day after tomorrow"), 2),
}
_BEFORE = {"dernier", "derniere", "passe", "passee", "last", "past", "previous"}
_AFTER = {"prochain", "prochaine", "next", "suivant", "suivante", "coming"}
#: The day of the month ``debut``/``mi``/``fin`` (and their English words) stand for.
MONTH_PARTS = {"debut": 1, "early": 1, "mi": 15, "mid": 15, "fin": -1, "late": -1, "end": -1}

_W = r"[a-z']+"
_WD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc`\u00b4", "'"))


class _Lazy:
    """A regular expression compiled the first time it is used: a date tries a few of the
    grammar's patterns, and compiling all of them would cost every command that reads one."""

    def __init__(self, pattern: str) -> None:
        self._pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern)
        return self._compiled

    def match(self, text: str) -> re.Match[str] | None:
        return self._regex().match(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self._regex().search(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._regex().fullmatch(text)

    def sub(self, repl: str, text: str) -> str:
        return self._regex().sub(repl, text)


_TIME = _Lazy(
    r"(?:^|\s)(?:(?:a|at|@|vers|around|des|from)\s+)?(?P<h>\d{1,2})"
    r"(?:\s*h\s*(?P<hm>\d{2})?|:(?P<cm>\d{2})(?:\s*(?P<ap1>am|pm))?|\s*(?P<ap2>am|pm))$"
)
_PART_OF_DAY = _Lazy(
    r"\s+(?:(?:au|le|in the|at)\s+)?(?P<w>matin|midi|apres midi|soir|soiree|morning|noon|"
    r"afternoon|evening|night)$"
)
_AGO = _Lazy(rf"^(?:il y a|ya)\s+(?P<n>\d{{1,4}}|{_W})\s+(?P<u>{_W})$")
_AGO_EN = _Lazy(rf"^(?P<n>\d{{1,4}}|{_W})\s+(?P<u>{_W})\s+ago$")
_IN = _Lazy(rf"^(?:dans|in|d'ici)\s+(?P<n>\d{{1,4}}|{_W})\s+(?P<u>{_W})$")
_IN_EN = _Lazy(rf"^(?P<n>\d{{1,4}}|{_W})\s+(?P<u>{_W})\s+from now$")
_WEEKDAY_AFTER = _Lazy(rf"^(?:le\s+|on\s+)?(?P<d>{_W})(?:\s+(?P<w>{_W}))?$")
_WEEKDAY_BEFORE = _Lazy(rf"^(?:the\s+)?(?P<w>{_W})\s+(?P<d>{_W})$")
_PERIOD = _Lazy(
    r"^(?:(?:la|le|l'|this)\s*)?(?P<u>semaine|mois|an|annee|week|month|year)\s+(?P<w>[a-z]+)$"
    r"|^(?P<w2>last|next|past|previous|coming)\s+(?P<u2>week|month|year)$"
)
_DAY_MONTH = _Lazy(
    rf"^(?:(?P<wd>{_WD}),?\s+)?(?:le\s+|the\s+)?(?P<d>\d{{1,2}})(?:er|e|eme|st|nd|rd|th)?"
    rf"\s+(?:of\s+)?(?P<m>{_MONTH})(?:,?\s+(?P<y>\d{{4}}|'?\d{{2}}))?$"
)
_MONTH_DAY = _Lazy(
    rf"^(?:(?P<wd>{_WD}),?\s+)?(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<y>\d{{4}}))?$"
)
_NUMERIC = _Lazy(
    rf"^(?:(?P<wd>{_WD}),?\s+)?(?:le\s+)?(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})"
    rf"(?:(?P=sep)(?P<y>\d{{4}}|\d{{2}}))?$"
)
_YMD = _Lazy(r"^(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})$")
_PART = _Lazy(
    rf"^(?P<p>debut|mi|fin|early|mid|late|end)(?:\s+(?:de|d'|of))?\s*(?P<m>{_MONTH})"
    rf"(?:\s+(?P<y>\d{{4}}))?$"
)


def fold(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe, hyphens between words as spaces:
    ``"Après-demain"`` -> ``"apres demain"``, ``"aujourd’hui"`` -> ``"aujourd'hui"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", plain)
    plain = re.sub(r"(?<=\w)\.(?=\s|$)(?<!\d\.)", "", plain)  # "oct." -> "oct"
    return re.sub(r"'\s+", "'", " ".join(plain.split())).strip(" ,")


def read(text: str, *, today: dt.date, prefer: str = "past") -> Moment | None:
    """The day (and time) ``text`` names, counted from ``today``; ``None`` when it is not one
    of the everyday forms. A form that is recognised but impossible (``31 février``,
    ``jeudi 25h``, ``vendredi 15 octobre 2026`` on a Thursday) raises :class:`InvalidInput`."""
    folded = fold(text)
    if not folded or len(folded) > 60:
        return None
    text = " ".join(text.split())  # as errors show it: on one line
    at: dt.time | None = None
    timed = _TIME.search(folded)
    if timed is not None:
        rest = folded[: timed.start()].strip(" ,")
        at = _time(timed, text)
        if not rest:
            return Moment(today, at)
        folded = rest
    part = _PART_OF_DAY.search(folded) if folded not in DAYS else None
    if part is not None and part.start() > 0:  # "mardi soir", "jeudi midi"
        if at is None and part["w"] in ("midi", "noon"):
            at = dt.time(12)
        folded = folded[: part.start()]
    try:
        day = _day(folded, today, prefer, text)
    except OverflowError:  # "dans 9999 semaines" from the year 9990
        raise InvalidInput(_("'{text}' is out of the calendar.").format(text=text)) from None
    return None if day is None else Moment(day, at)


def _time(found: re.Match[str], raw: str) -> dt.time:
    hour = int(found["h"])
    minute = int(found["hm"] or found["cm"] or 0)
    half = found["ap1"] or found["ap2"]
    if half:
        if not 1 <= hour <= 12:
            message = _("'{raw}': {hour}{half} is not a time (1 to 12 with am/pm).")
            raise InvalidInput(message.format(raw=raw, hour=hour, half=half))
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        message = _("'{raw}': {time} is not a time of day.")
        raise InvalidInput(message.format(raw=raw, time=found.group(0).strip()))
    return dt.time(hour, minute)


def _day(folded: str, today: dt.date, prefer: str, raw: str) -> dt.date | None:
    if folded in DAYS:
        return today + dt.timedelta(days=DAYS[folded])
    for pattern, sign in ((_AGO, -1), (_AGO_EN, -1), (_IN, 1), (_IN_EN, 1)):
        found = pattern.match(folded)
        if found is not None:
            count, unit = _count(found["n"]), UNITS.get(found["u"])
            return None if count is None or unit is None else shift(today, sign * count, unit)
    found = _PERIOD.match(folded)
    if found is not None:
        word, unit = found["w"] or found["w2"], found["u"] or found["u2"]
        sign = -1 if word in _BEFORE else 1 if word in _AFTER else 0
        if sign:
            named = {"semaine": "weeks", "week": "weeks", "mois": "months", "month": "months"}
            return shift(today, sign, named.get(unit, "years"))
        return None
    weekday = _weekday(folded, today, prefer)
    if weekday is not None:
        return weekday
    return _calendar_day(folded, today, prefer, raw)


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBERS.get(word)


#: A shift past the calendar's ends, one whole sentence per unit.
_OUT_OF_CALENDAR = {
    "months": N_("{count} months from {day} is out of the calendar."),
    "years": N_("{count} years from {day} is out of the calendar."),
}
#: The days of the week as messages name them (``calendar.day_name`` follows the locale).
_WEEKDAY_NAMES = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def shift(day: dt.date, count: int, unit: str) -> dt.date:
    """``day`` moved by ``count`` days, weeks, months or years; a month or a year keeps the
    day of the month, or takes the month's last day when it is shorter."""
    if unit == "days":
        return day + dt.timedelta(days=count)
    if unit == "weeks":
        return day + dt.timedelta(weeks=count)
    months = count * (12 if unit == "years" else 1)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        message = _(_OUT_OF_CALENDAR.get(unit, "{count} {unit} from {day} is out of the calendar."))
        raise InvalidInput(message.format(count=count, unit=unit, day=day))
    return _clamped(year, month + 1, day.day)


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def weekday_before(today: dt.date, weekday: int) -> dt.date:
    """The latest ``weekday`` strictly before ``today`` (a week ago when today is one)."""
    return today - dt.timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


def weekday_after(today: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` strictly after ``today`` (in a week when today is one)."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _weekday(folded: str, today: dt.date, prefer: str) -> dt.date | None:
    after = _WEEKDAY_AFTER.match(folded)
    if after is not None and after["d"] in WEEKDAYS:
        day, word = WEEKDAYS[after["d"]], after["w"]
        if word is None:
            return (weekday_after if prefer == "future" else weekday_before)(today, day)
        if word in _BEFORE:
            return weekday_before(today, day)
        if word in _AFTER:
            return weekday_after(today, day)
        return None
    before = _WEEKDAY_BEFORE.match(folded)
    if before is not None and before["d"] in WEEKDAYS and before["w"] in _BEFORE | _AFTER:
        pick = weekday_before if before["w"] in _BEFORE else weekday_after
        return pick(today, WEEKDAYS[before["d"]])
    return None


def _calendar_day(folded: str, today: dt.date, prefer: str, raw: str) -> dt.date | None:
    found = _YMD.match(folded)
    if found is not None:
        return _make(int(found["y"]), int(found["m"]), int(found["d"]), raw)
    found = _PART.match(folded)
    if found is not None:
        month = MONTHS[found["m"]]
        part = MONTH_PARTS[found["p"]]
        if found["y"]:
            year = int(found["y"])
            last = calendar.monthrange(year, month)[1]  # (any year: year 0 is _make's refusal)
            return _make(year, month, last if part < 0 else part, raw)
        return _without_year(month, 31 if part < 0 else part, today, prefer, clamp=True)
    for pattern in (_DAY_MONTH, _MONTH_DAY, _NUMERIC):
        found = pattern.match(folded)
        if found is None:
            continue
        month_word = found["m"]
        month = int(month_word) if month_word.isdigit() else MONTHS[month_word]
        wd = found["wd"]
        if not 1 <= month <= 12:
            raise InvalidInput(
                _("'{raw}': there is no month {month}.").format(raw=raw, month=month)
            )
        year_text = (found["y"] or "").lstrip("'")
        day = int(found["d"])
        if not year_text:
            result = _without_year(month, day, today, prefer, raw=raw)
        elif len(year_text) == 2:
            result = _nearest_century(int(year_text), month, day, today, raw)
        else:
            result = _make(int(year_text), month, day, raw)
        if wd is not None and result.weekday() != WEEKDAYS[wd]:
            named = _(_WEEKDAY_NAMES[result.weekday()])
            message = _("'{raw}': {date} is a {weekday}.")
            raise InvalidInput(message.format(raw=raw, date=result.isoformat(), weekday=named))
        return result
    return None


def _make(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidInput(_("'{raw}': no such day.").format(raw=raw)) from None


def _nearest_century(yy: int, month: int, day: int, today: dt.date, raw: str) -> dt.date:
    century = today.year // 100 * 100
    years = [century + shift + yy for shift in (-100, 0, 100)]
    days = [_maybe(y, month, day) for y in years if dt.MINYEAR <= y <= dt.MAXYEAR]
    found = [d for d in days if d is not None]
    if not found:
        raise InvalidInput(_("'{raw}': no such day.").format(raw=raw))
    return min(found, key=lambda d: abs(d - today))


def _maybe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _without_year(
    month: int, day: int, today: dt.date, prefer: str, *, clamp: bool = False, raw: str = ""
) -> dt.date:
    """``day``/``month`` in the year that puts it on or before ``today`` (``past``) or on or
    after it (``future``); 29 February goes to the nearest leap year that way."""
    if not clamp and not 1 <= day <= calendar.monthrange(2024, month)[1]:
        raise InvalidInput(_("'{raw}': no such day.").format(raw=raw))
    step = 1 if prefer == "future" else -1
    year = today.year
    for _year in range(9):
        candidate = _clamped(year, month, day) if clamp else _maybe(year, month, day)
        if candidate is not None and (candidate - today).days * step >= 0:
            return candidate
        year += step
    raise InvalidInput(
        _("'{raw}': no such day.").format(raw=raw)
    )  # pragma: no cover - a leap year is near


#: What the errors suggest, in each language.
EXAMPLES = {
    "en": "2026-11-20, 20/11/2026, today, yesterday, 3 days ago, last friday or next monday",
    "fr": "2026-11-20, 20/11/2026, aujourd'hui, hier, il y a 3 jours, vendredi dernier "
    "ou lundi prochain",
}

_WORDS = sorted(
    {
        *WEEKDAYS,
        *MONTHS,
        *(w for w in NUMBERS if len(w) > 2),
        *UNITS,
        *_BEFORE,
        *_AFTER,
        *MONTH_PARTS,
        *(w for phrase in DAYS for w in phrase.split()),
        "il",
        "dans",
        "ago",
        "in",
        "la",
        "le",
    }
)


def closest(text: str) -> str | None:
    """The everyday form ``text`` is one typo away from (each word of four letters or more
    replaced by the nearest known word), or ``None``: ``"vendredi procain"`` ->
    ``"vendredi prochain"``, ``"yesterdy"`` -> ``"yesterday"``."""
    from rapidfuzz import fuzz, process

    words = fold(text).split()
    if not words or len(words) > 6:
        return None
    fixed = []
    for word in words:
        if len(word) < 4 or word in _WORDS or not word.isalpha():
            fixed.append(word)
            continue
        match = process.extractOne(word, _WORDS, scorer=fuzz.ratio, score_cutoff=75)
        fixed.append(match[0] if match else word)
    guess = " ".join(fixed)
    if guess == fold(text):
        return None
    try:
        return guess if read(guess, today=dt.date(2026, 1, 1)) is not None else None
    except InvalidInput:
        return None
