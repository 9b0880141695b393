"""The everyday date forms, English and French, read by netjournal's own small grammar: the
right day for each form relative to a fixed today, typos answered in the user's language, and
none of it importing dateparser."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netjournal import dates
from netjournal.errors import InvalidInput
from netjournal.validate import parse_date

FRI = dt.date(2026, 11, 27)  # a Friday
SUN = dt.date(2026, 11, 29)

FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ENGLISH_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

FORMS = [
    ("hier", FRI, "2026-11-26"),
    ("avant-hier", FRI, "2026-11-25"),
    ("aujourd'hui", FRI, "2026-11-27"),
    ("Aujourd\u2019hui", FRI, "2026-11-27"),
    ("demain", FRI, "2026-11-28"),
    ("après-demain", FRI, "2026-11-29"),
    ("apres demain", FRI, "2026-11-29"),
    ("hier soir", FRI, "2026-11-26"),
    ("il y a 3 semaines", FRI, "2026-11-06"),
    ("il y a trois jours", FRI, "2026-11-24"),
    ("dans 3 jours", FRI, "2026-11-30"),
    ("dans 1 mois", dt.date(2026, 1, 31), "2026-02-28"),
    ("15 octobre 2026", FRI, "2026-10-15"),
    ("1er octobre", FRI, "2026-10-01"),
    ("le 15 oct. 2026", FRI, "2026-10-15"),
    ("vendredi dernier", FRI, "2026-11-20"),  # on a Friday: a week ago
    ("mardi dernier", FRI, "2026-11-24"),
    ("samedi passé", FRI, "2026-11-21"),
    ("samedi passee", FRI, "2026-11-21"),
    ("VENDREDI DERNIERE", FRI, "2026-11-20"),
    ("lundi prochain", FRI, "2026-11-30"),
    ("lundi prochain", SUN, "2026-11-30"),  # on a Sunday: tomorrow
    ("vendredi prochain", FRI, "2026-12-04"),  # on a Friday: in a week
    ("la semaine dernière", FRI, "2026-11-20"),
    ("la semaine prochaine", FRI, "2026-12-04"),
    ("le mois dernier", FRI, "2026-10-27"),
    ("l'an dernier", FRI, "2025-11-27"),
    ("début décembre", FRI, "2025-12-01"),  # when you met: the latest one
    ("mi-décembre", FRI, "2025-12-15"),
    ("fin décembre", FRI, "2025-12-31"),
    ("fin février 2028", FRI, "2028-02-29"),
    ("jeudi 14h", FRI, "2026-11-26"),
    ("jeudi 14h30", FRI, "2026-11-26"),
    ("jeudi à 14 h", FRI, "2026-11-26"),
    ("thursday 2pm", FRI, "2026-11-26"),
    ("mardi soir", FRI, "2026-11-24"),
    ("jeudi midi", FRI, "2026-11-26"),
    ("lundi prochain au matin", FRI, "2026-11-30"),
    ("friday morning", FRI, "2026-11-20"),
    ("ce soir", FRI, "2026-11-27"),
    ("last friday", FRI, "2026-11-20"),
    ("next monday", FRI, "2026-11-30"),
    ("yesterday", FRI, "2026-11-26"),
    ("3 weeks ago", FRI, "2026-11-06"),
    ("a week ago", FRI, "2026-11-20"),
    ("in 3 days", FRI, "2026-11-30"),
    ("October 15, 2026", FRI, "2026-10-15"),
    ("vendredi 27 novembre 2026", FRI, "2026-11-27"),
    ("20/11/2026", FRI, "2026-11-20"),
    ("20.11.26", FRI, "2026-11-20"),
    ("20/11", FRI, "2026-11-20"),
]


@pytest.mark.parametrize(("typed", "today", "expected"), FORMS)
def test_each_everyday_form(typed: str, today: dt.date, expected: str) -> None:
    assert parse_date(typed, relative_to=today).isoformat() == expected


def test_due_dates_look_forward() -> None:
    """A bare weekday, a day without a year and 'début MOIS' go forward for a due date."""
    assert parse_date("vendredi", prefer="future", relative_to=FRI) == dt.date(2026, 12, 4)
    assert parse_date("vendredi", relative_to=FRI) == dt.date(2026, 11, 20)
    assert parse_date("début décembre", prefer="future", relative_to=FRI) == dt.date(2026, 12, 1)
    assert parse_date("27/11", prefer="future", relative_to=FRI) == FRI  # today is not past
    assert parse_date("jeudi 14h", prefer="future", relative_to=FRI) == dt.date(2026, 12, 3)


def test_a_time_is_read_as_a_time() -> None:
    """'jeudi 14h' is that Thursday at 14:00, not the 14th of the month."""
    assert dates.read("jeudi 14h30", today=FRI) == (dt.date(2026, 11, 26), dt.time(14, 30))
    assert dates.read("jeudi à 14 h", today=FRI) == (dt.date(2026, 11, 26), dt.time(14))
    assert dates.read("thursday 2pm", today=FRI) == (dt.date(2026, 11, 26), dt.time(14))
    assert dates.read("jeudi midi", today=FRI) == (dt.date(2026, 11, 26), dt.time(12))
    assert dates.read("mardi soir", today=FRI) == (dt.date(2026, 11, 24), None)
    assert dates.read("friday at 9:30", today=FRI, prefer="future") == (
        dt.date(2026, 12, 4),
        dt.time(9, 30),
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31 février", "no such day"),
        ("jeudi 25h", "not a time"),
        ("13pm", "not a time"),
        ("vendredi 26 novembre 2026", "is a Thursday"),
        ("1/13/2026", "no month 13"),
        ("dans 9999 semaines", "out of the calendar"),
        ("fin janvier 0000", "no such day"),  # the last day of a month of year 0
        ("late december 0000", "no such day"),
    ],
)
def test_impossible_everyday_forms_are_refused(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_date(typed, relative_to=FRI if "9999" not in typed else dt.date(9990, 1, 1))


def test_errors_suggest_in_the_users_language(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NETJOURNAL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(InvalidInput) as french:
        parse_date("vendredi procain", relative_to=FRI)
    assert "«\u00a0vendredi prochain\u00a0»" in str(french.value)
    assert "vendredi dernier ou lundi prochain" in str(french.value)
    with pytest.raises(InvalidInput) as english:
        parse_date("yesterdy", relative_to=FRI)
    assert "did you mean 'yesterday'" in str(english.value) and "last friday" in str(english.value)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    with pytest.raises(InvalidInput) as by_locale:
        parse_date("zzz", relative_to=FRI)
    assert "il y a 3 jours" in str(by_locale.value)
    monkeypatch.setenv("NETJOURNAL_LANG", "en")
    with pytest.raises(InvalidInput) as by_setting:
        parse_date("zzz", relative_to=FRI)
    assert "3 days ago" in str(by_setting.value)


days = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))
weekday = st.integers(0, 6)


def _accented(word: str, draw: st.DrawFn) -> str:
    """``word`` with its accents or without, in any case."""
    word = word.replace("passe", draw(st.sampled_from(["passe", "passé"])))
    return "".join(c.upper() if draw(st.booleans()) else c for c in word)


@given(today=days, day=weekday, data=st.data())
def test_weekday_before_is_the_latest_one_before_today(
    today: dt.date, day: int, data: st.DataObject
) -> None:
    word = data.draw(st.sampled_from(["dernier", "derniere", "dernière", "passe", "passee"]))
    french = _accented(f"{FRENCH_DAYS[day]} {word}", data.draw)
    for typed in (french, f"last {ENGLISH_DAYS[day]}"):
        got = parse_date(typed, relative_to=today)
        assert got.weekday() == day
        assert 1 <= (today - got).days <= 7, typed


@given(today=days, day=weekday, data=st.data())
def test_weekday_after_is_the_first_one_after_today(
    today: dt.date, day: int, data: st.DataObject
) -> None:
    word = data.draw(st.sampled_from(["prochain", "prochaine"]))
    for typed in (_accented(f"{FRENCH_DAYS[day]} {word}", data.draw), f"next {ENGLISH_DAYS[day]}"):
        got = parse_date(
            typed, relative_to=today, prefer=data.draw(st.sampled_from(["past", "future"]))
        )
        assert got.weekday() == day
        assert 1 <= (got - today).days <= 7, typed


@given(today=days, count=st.integers(0, 400), unit=st.sampled_from(["jours", "semaines"]))
def test_counted_days_both_ways(today: dt.date, count: int, unit: str) -> None:
    step = dt.timedelta(days=count * (7 if unit == "semaines" else 1))
    english = "days" if unit == "jours" else "weeks"
    if today - step >= dt.date(1900, 1, 1):
        assert parse_date(f"il y a {count} {unit}", relative_to=today) == today - step
        assert parse_date(f"{count} {english} ago", relative_to=today) == today - step
    assert parse_date(f"dans {count} {unit}", relative_to=today) == today + step
    assert parse_date(f"in {count} {english}", relative_to=today) == today + step


@given(today=days, months=st.integers(0, 30))
def test_months_keep_the_day_or_take_the_last_one(today: dt.date, months: int) -> None:
    got = parse_date(f"dans {months} mois", relative_to=today)
    assert (got.year * 12 + got.month) - (today.year * 12 + today.month) == months
    assert got.day == today.day or (got.day < today.day and (got + dt.timedelta(1)).day == 1)


@given(day=days, today=days, prefer=st.sampled_from(["past", "future"]))
def test_written_dates_read_back(day: dt.date, today: dt.date, prefer: str) -> None:
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")  # fmt: skip
    french = f"{FRENCH_DAYS[day.weekday()]} {day.day} {months[day.month - 1]} {day.year}"
    english = f"{day:%B} {day.day}, {day.year}"
    for typed in (french, english, f"{day:%d/%m/%Y}", f"{day.day}.{day.month}.{day.year}"):
        assert parse_date(typed, prefer=prefer, relative_to=today) == day


@given(day=days, today=days)
def test_without_a_year_past_and_future_bracket_today(day: dt.date, today: dt.date) -> None:
    if (day.month, day.day) == (2, 29):
        return
    past = parse_date(f"{day.day}/{day.month}", relative_to=today)
    future = parse_date(f"{day.day}/{day.month}", prefer="future", relative_to=today)
    assert (past.month, past.day) == (future.month, future.day) == (day.month, day.day)
    assert past <= today <= future and (future - past).days <= 366


_pieces = st.sampled_from(
    [*dates.WEEKDAYS, *dates.MONTHS, *dates.UNITS, *dates.DAYS, "il y a", "dans", "ago", "in",
     "dernier", "prochain", "début", "fin", "mi", "à", "14h", "2pm", "9:30", "1er", "/", "."]
) | st.integers(0, 99999).map(str)  # fmt: skip


@given(
    st.text(max_size=40) | st.lists(_pieces, max_size=6).map(" ".join),
    st.dates(),
    st.sampled_from(["past", "future"]),
)
def test_any_text_reads_or_is_refused(text: str, today: dt.date, prefer: str) -> None:
    try:
        got = dates.read(text, today=today, prefer=prefer)
    except InvalidInput as exc:
        assert str(exc).startswith("'") and "\n" not in str(exc)  # names what was typed
        return
    assert got is None or isinstance(got.date, dt.date)


PROBE = """
import sys, datetime
from netjournal.validate import parse_date
from netjournal.batch import parse_followup
forms = sys.argv[1:]
for form in forms:
    parse_date(form, relative_to=datetime.date(2026, 11, 27))
parse_followup("vendredi prochain:Envoyer le devis")
print("dateparser" in sys.modules)
"""


def test_everyday_forms_do_not_import_dateparser(tmp_path: Path) -> None:
    forms = [typed for typed, _, _ in FORMS]
    env = {k: v for k, v in os.environ.items() if k != "NETJOURNAL_DB"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *forms],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "False"
    other = subprocess.run(
        [sys.executable, "-c", PROBE, "3 hours ago"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert other.stdout.strip() == "True"  # the probe can see the fallback when it is used
