"""Property tests: people written as Google CSV, LinkedIn CSV (csv module) and vCard (vobject)
come back unchanged, whatever their names and notes hold (accents, emoji, commas, quotes,
semicolons, backslashes, line breaks)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import vobject
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netjournal.importers.google import parse_google
from netjournal.importers.linkedin import parse_linkedin
from netjournal.importers.records import ContactPointRecord
from netjournal.importers.vcard import parse_vcard

SETTINGS = settings(
    max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Printable text without line breaks or other control characters; a few tricky characters
# made likelier than chance would.
_chars = st.one_of(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs")),
    st.sampled_from(list(",;:\"'\\=éèçñßÅØœ😀🚀🇫🇷")),
)
word = st.text(_chars, min_size=1, max_size=8)
name = st.lists(word, min_size=1, max_size=3).map(" ".join)
line = st.lists(word, min_size=1, max_size=5).map(" ".join)
notes = st.lists(line, min_size=1, max_size=4).map("\n".join)
email = st.from_regex(r"[a-z0-9._-]{1,10}@[a-z0-9-]{1,10}\.(org|com|fr)", fullmatch=True)


@dataclass
class Person:
    given: str
    family: str
    organization: str
    title: str
    notes: str
    email: str
    tags: list[str]


people = st.builds(
    Person,
    given=name,
    family=name,
    organization=name,
    title=name,
    notes=notes,
    email=email,
    tags=st.lists(
        name.filter(lambda t: ":::" not in t and not t.startswith("* ")), max_size=3, unique=True
    ),
)


def _parse(parser, suffix: str, write):  # type: ignore[no-untyped-def]
    """Write a file with ``write`` in a temporary folder, parse it, remove the folder."""
    with tempfile.TemporaryDirectory(prefix="netjournal-roundtrip-") as directory:
        path = Path(directory) / f"export{suffix}"
        write(path)
        return parser(path)


@pytest.mark.slow  # a long Hypothesis test
@SETTINGS
@given(st.lists(people, min_size=1, max_size=4), st.sampled_from([",", ";"]))
def test_google_csv_round_trip(persons: list[Person], delimiter: str) -> None:
    header = ["First Name", "Middle Name", "Last Name", "Organization Name", "Organization Title"]
    header += ["Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value"]

    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter=delimiter)
            writer.writerow(header)
            for p in persons:
                labels = " ::: ".join(["* myContacts", *p.tags])
                writer.writerow(
                    [
                        p.given,
                        "",
                        p.family,
                        p.organization,
                        p.title,
                        p.notes,
                        labels,
                        "Work",
                        p.email,
                    ]
                )

    result = _parse(parse_google, ".csv", write)
    assert len(result.people) == len(persons)
    for p, record in zip(persons, result.people, strict=True):
        assert (record.given_name, record.family_name) == (p.given, p.family)
        assert record.display_name == f"{p.given} {p.family}"
        assert (record.organization, record.title) == (p.organization, p.title)
        assert record.notes == p.notes
        assert record.tags == p.tags
        assert record.contacts == [ContactPointRecord("email", p.email, "work")]


@SETTINGS
@given(
    st.lists(
        st.tuples(people, st.dates(dt.date(2003, 1, 1), dt.date(2030, 12, 31))),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
)
def test_linkedin_csv_round_trip(rows: list[tuple[Person, dt.date]], preamble: bool) -> None:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as f:
            if preamble:
                f.write('Notes:\n"When exporting your connection data, you may notice..."\n\n')
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(
                [
                    "First Name",
                    "Last Name",
                    "URL",
                    "Email Address",
                    "Company",
                    "Position",
                    "Connected On",
                ]
            )
            for i, (p, on) in enumerate(rows):
                url = f"https://www.linkedin.com/in/someone-{i}"
                writer.writerow(
                    [
                        p.given,
                        p.family,
                        url,
                        p.email,
                        p.organization,
                        p.title,
                        on.strftime("%d %b %Y"),
                    ]
                )

    result = _parse(parse_linkedin, ".csv", write)
    assert len(result.people) == len(rows)
    for i, ((p, on), record) in enumerate(zip(rows, result.people, strict=True)):
        url = f"https://www.linkedin.com/in/someone-{i}"
        assert record.display_name == f"{p.given} {p.family}"
        assert (record.given_name, record.family_name) == (p.given, p.family)
        assert (record.organization, record.title) == (p.organization, p.title)
        assert record.connected_on == on
        assert record.external_id == url
        assert record.contacts == [
            ContactPointRecord("email", p.email),
            ContactPointRecord("url", url, "linkedin"),
        ]
        assert record.line == i + (5 if preamble else 2)


@SETTINGS
@given(st.lists(people, min_size=1, max_size=4))
def test_vcard_round_trip(persons: list[Person]) -> None:
    def write(path: Path) -> None:
        cards = []
        for p in persons:
            card = vobject.vCard()
            card.add("fn").value = f"{p.given} {p.family}"
            card.add("n").value = vobject.vcard.Name(family=p.family, given=p.given)
            card.add("org").value = [p.organization]
            card.add("title").value = p.title
            card.add("note").value = p.notes
            mail = card.add("email")
            mail.value = p.email
            mail.type_param = "WORK"
            if p.tags:
                card.add("categories").value = p.tags
            cards.append(card.serialize())
        path.write_text("".join(cards), encoding="utf-8", newline="")

    result = _parse(parse_vcard, ".vcf", write)
    assert len(result.people) == len(persons)
    for p, record in zip(persons, result.people, strict=True):
        assert record.display_name == f"{p.given} {p.family}"
        assert (record.given_name, record.family_name) == (p.given, p.family)
        assert (record.organization, record.title) == (p.organization, p.title)
        assert record.notes == p.notes
        assert record.tags == p.tags
        assert record.contacts == [ContactPointRecord("email", p.email, "work")]
