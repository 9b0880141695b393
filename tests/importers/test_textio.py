"""Decoding and delimiter guessing: the inputs every CSV/vCard/iCalendar parser relies on."""

from __future__ import annotations

import codecs

import pytest

from netjournal.errors import ImportFormatError
from netjournal.importers.textio import (
    CsvSyntaxError,
    csv_rows,
    decode_bytes,
    read_text,
    sniff_delimiter,
    split_lines,
)

TEXT = "Prénom;Nom\nHélène;Lefèvre – «Crédit» 5€\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # BOM + native order
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-be", "cp1252"],
)
def test_decode_bytes_reads_common_export_encodings(data: bytes) -> None:
    assert decode_bytes(data) == TEXT


def test_decode_bytes_prefers_cp1252_over_a_guess_for_short_western_text() -> None:
    # charset-normalizer alone reads this as cp1250 ("Lefčvre").
    assert decode_bytes("Lefèvre".encode("cp1252")) == "Lefèvre"


def test_decode_bytes_falls_back_to_charset_normalizer_for_other_scripts() -> None:
    text = "Привет, как дела? Это проверка кодировки для импорта контактов.\n" * 3
    assert decode_bytes(text.encode("cp1251")) == text


def test_a_wrong_bom_is_reported_with_the_file_name() -> None:
    with pytest.raises(ImportFormatError, match="x.csv"):
        decode_bytes(codecs.BOM_UTF8 + b"\xff\xfe\xfd", name="x.csv")


def test_read_text_reports_a_missing_file(tmp_path) -> None:
    with pytest.raises(ImportFormatError, match="nope.vcf"):
        read_text(tmp_path / "nope.vcf")


def test_split_lines_handles_every_line_break() -> None:
    assert split_lines("a\r\nb\nc\rd\r\r\ne\n") == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ('name;note\n"Lefèvre";"un, deux, trois"\n', ";"),
        ("single\nvalue\n", ","),
        ('Notes:\n"free text, with commas"\n\nFirst Name,Last Name\nA,B\n', ","),
    ],
)
def test_sniff_delimiter(text: str, expected: str) -> None:
    assert sniff_delimiter(text) == expected


def test_csv_rows_give_the_physical_start_line_of_each_record() -> None:
    text = 'h1,h2\n\n"multi\nline",x\nlast,y\n'
    assert list(csv_rows(text, ",")) == [
        (1, ["h1", "h2"]),
        (3, ["multi\nline", "x"]),
        (5, ["last", "y"]),
    ]


def test_csv_rows_report_an_unclosed_quote() -> None:
    with pytest.raises(CsvSyntaxError) as info:
        list(csv_rows('a,b\n"never closed,x\ny,z\n', ","))
    assert info.value.line == 2
