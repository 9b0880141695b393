"""Google Contacts parser on small files of our own (legacy header, French Excel re-save)."""

from __future__ import annotations

from pathlib import Path

import pytest

from netjournal.errors import ImportFormatError
from netjournal.importers.google import parse_google
from netjournal.importers.records import ContactPointRecord

DATA = Path(__file__).resolve().parent / "data"


def test_semicolon_cp1252_export() -> None:
    helene, francois, cafe = parse_google(DATA / "google_semicolon_cp1252.csv").people
    assert helene.display_name == "Hélène Lefèvre"
    assert (helene.line, helene.source) == (2, "google")
    assert helene.organization == "Crédit Agricole"
    assert helene.title == "Directrice générale"
    assert helene.notes == "Rencontrée au salon; très intéressée\nRappeler en été"
    assert helene.tags == ["Clients"]  # myContacts and starred are Google's own groups
    assert helene.location == "Montréal"
    assert helene.contacts == [
        ContactPointRecord("email", "helene@ca.example", "travail"),
        ContactPointRecord("email", "h.lefevre@perso.example", "travail"),
        ContactPointRecord("phone", "+33 6 12 34 56 78", "mobile"),
    ]
    assert (francois.display_name, francois.line) == ("François Œuvray", 4)  # after a 2-line note
    assert (cafe.display_name, cafe.organization) == ("Café de Flore", "Café de Flore")


def test_legacy_header() -> None:
    (grace,) = parse_google(DATA / "google_legacy.csv").people
    assert grace.display_name == "Grace Hopper"
    assert grace.notes == 'Met at the "COBOL" talk,\nasked about compilers'
    assert grace.tags == ["Navy"]
    assert (grace.organization, grace.title) == ("US Navy", "Rear Admiral")
    assert grace.contacts == [
        ContactPointRecord("email", "grace@navy.example"),
        ContactPointRecord("email", "ghopper@example.org"),
        ContactPointRecord("phone", "+1 555 0100", "mobile"),
        ContactPointRecord("phone", "+1 555 0101", "mobile"),
        ContactPointRecord("url", "https://example.org/grace", "profile"),
    ]


def test_an_empty_record_is_reported_or_skipped(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("First Name,Last Name,Labels\nAnn,Lee,\n,,* myContacts\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        parse_google(path)
    assert (info.value.file, info.value.line) == ("g.csv", 3)
    result = parse_google(path, skip_invalid=True)
    assert [p.display_name for p in result.people] == ["Ann Lee"]
    assert [s.line for s in result.skipped] == [3]


def test_a_linkedin_file_is_not_a_google_export(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,Connected On\nA,B,09 Oct 2024\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not a Google Contacts export"):
        parse_google(path)
