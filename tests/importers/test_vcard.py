"""vCard parser on small files of our own: 2.1 quoted-printable, photos, broken cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from netjournal.errors import ImportFormatError
from netjournal.importers.records import ContactPointRecord, SkippedRecord
from netjournal.importers.vcard import parse_vcard

DATA = Path(__file__).resolve().parent / "data"


def test_vcard_21_with_quoted_printable_charsets_and_photo() -> None:
    result = parse_vcard(DATA / "vcard21_qp.vcf")
    juergen, ada = result.people
    assert juergen.display_name == "Jürgen Müller"
    assert (juergen.given_name, juergen.family_name) == ("Jürgen", "Müller")
    assert juergen.organization == "Bäckerei Groß, Inh. Müller"  # ISO-8859-1 QP, comma kept
    assert juergen.title == "Meister"
    assert juergen.location == "Berlin"
    assert juergen.notes == (
        "Erste Zeile, mit Komma; und Semikolon\nZweite Zeile mit Umbruch äöü\nDritte Zeile"
    )
    assert juergen.tags == ["Kunden", "Handwerk"]
    assert juergen.external_id == "vcard21-juergen"
    assert juergen.contacts == [
        ContactPointRecord("email", "juergen@baeckerei.example", "work"),
        ContactPointRecord("phone", "+49 170 1234567", "cell"),
        ContactPointRecord("phone", "+49 30 1234568", "work,fax"),
    ]
    assert (juergen.source, juergen.line) == ("vcard", 1)
    assert (ada.display_name, ada.line) == ("Ada Lovelace", 20)


def test_a_broken_card_stops_the_import_at_its_begin_line() -> None:
    with pytest.raises(ImportFormatError) as info:
        parse_vcard(DATA / "broken.vcf")
    assert (info.value.file, info.value.line) == ("broken.vcf", 5)


def test_skip_invalid_keeps_the_good_cards_and_lists_the_bad_ones() -> None:
    result = parse_vcard(DATA / "broken.vcf", skip_invalid=True)
    assert [p.display_name for p in result.people] == ["Good One", "Good Two"]
    assert [p.line for p in result.people] == [1, 10]
    assert [s.line for s in result.skipped] == [5, 15]
    assert "never closed" in result.skipped[1].reason
    assert all(isinstance(s, SkippedRecord) for s in result.skipped)


def test_a_file_without_any_card_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.vcf"
    path.write_text("just some text\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="no vCard"):
        parse_vcard(path, skip_invalid=True)


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("FN:Doe, John", "Doe, John"),  # Gmail does not escape the comma
        ("N:Doe;John;Q.;;", "John Q. Doe"),
        ("ORG:Acme\\, Inc.;R&D", "Acme, Inc."),
        ("EMAIL;TYPE=work:jd@example.org", "jd@example.org"),
    ],
)
def test_display_name_falls_back_from_fn_to_n_org_and_email(
    tmp_path: Path, card: str, expected: str
) -> None:
    path = tmp_path / "one.vcf"
    path.write_text(f"BEGIN:VCARD\r\nVERSION:3.0\r\n{card}\r\nEND:VCARD\r\n", encoding="utf-8")
    assert parse_vcard(path).people[0].display_name == expected


def test_folded_lines_apple_labels_and_uri_phones(tmp_path: Path) -> None:
    path = tmp_path / "apple.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Marie-Ève\n  Tremblay\nitem1.URL:https\\://ex.org/me\n"
        'item1.X-ABLabel:_$!<HomePage>!$_\nTEL;VALUE=uri;TYPE="cell,voice":tel:+1-555-0100\n'
        "NOTE:line one\\nline two\\, still two\nCATEGORIES:a,b\\,c,a\nEND:VCARD\n",
        encoding="utf-8",
    )
    person = parse_vcard(path).people[0]
    assert person.display_name == "Marie-Ève Tremblay"
    assert person.contacts == [
        ContactPointRecord("phone", "+1-555-0100", "cell"),
        ContactPointRecord("url", "https://ex.org/me", "homepage"),
    ]
    assert person.notes == "line one\nline two, still two"
    assert person.tags == ["a", "b,c"]
