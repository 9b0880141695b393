"""LinkedIn parser on small files of our own (UTF-16 with preamble, header-less)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netjournal.errors import ImportFormatError
from netjournal.importers.linkedin import parse_linkedin
from netjournal.importers.records import ContactPointRecord

DATA = Path(__file__).resolve().parent / "data"


def test_utf16_export_with_notes_preamble() -> None:
    result = parse_linkedin(DATA / "linkedin_utf16_notes.csv")
    zoe, kenji = result.people
    assert zoe.display_name == "Zoë Ångström 🚀"
    assert (zoe.line, zoe.source) == (5, "linkedin")
    assert zoe.organization == "Acme, Inc."
    assert zoe.connected_on == dt.date(2024, 10, 9)
    assert zoe.external_id == "https://www.linkedin.com/in/zoe-angstrom"
    assert zoe.contacts == [
        ContactPointRecord("email", "zoe@example.org"),
        ContactPointRecord("url", "https://www.linkedin.com/in/zoe-angstrom", "linkedin"),
    ]
    assert (kenji.given_name, kenji.line) == ("Kenji", 6)  # trailing space gone
    assert kenji.connected_on == dt.date(2018, 1, 8)


def test_headerless_export_with_whole_line_quoting_and_urn_emails() -> None:
    ana, bruno, carla = parse_linkedin(DATA / "linkedin_headerless.csv").people
    assert ana.connected_on == dt.date(2018, 1, 8)
    assert ana.contacts == [ContactPointRecord("email", "ana@example.com")]
    assert (bruno.display_name, bruno.line) == ("Bruno Lima", 2)
    assert bruno.organization == "Lima, Filhos & Cia"
    assert bruno.connected_on == dt.date(2019, 3, 2)
    assert carla.display_name == "Carla Dias"
    assert carla.contacts == []  # urn:li:member:... is not an address
    assert carla.connected_on == dt.date(2017, 12, 31)


def test_columns_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "Connected On,Position,Company,URL,Last Name,First Name,Email Address\n"
        "2018-01-08,CEO,Acme,https://www.linkedin.com/in/x,Doe,Jane,jane@example.org\n",
        encoding="utf-8",
    )
    jane = parse_linkedin(path).people[0]
    assert (jane.display_name, jane.title, jane.organization) == ("Jane Doe", "CEO", "Acme")
    assert jane.connected_on == dt.date(2018, 1, 8)


def test_a_bad_row_is_reported_at_its_line_or_skipped(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "First Name,Last Name,Company,Position,Connected On\n"
        "Ann,Lee,Acme,CEO,09 Oct 2024\n"
        "Bob,Ray,Acme,CTO,not a date\n"
        "Cy,Fox,Acme,CFO,10 Oct 2024,unexpected\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError) as info:
        parse_linkedin(path)
    assert info.value.line == 3
    result = parse_linkedin(path, skip_invalid=True)
    assert [p.display_name for p in result.people] == ["Ann Lee"]
    assert [s.line for s in result.skipped] == [3, 4]


def test_a_file_that_is_not_a_connections_export(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not a LinkedIn"):
        parse_linkedin(path, skip_invalid=True)
