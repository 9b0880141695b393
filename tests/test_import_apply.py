"""Importing files into a journal: dedupe, merge, atomicity, dry runs, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import snapshot

from netjournal import Journal
from netjournal.errors import ImportFormatError

DATA = Path(__file__).resolve().parent / "importers" / "data"

VCARDS = """BEGIN:VCARD
VERSION:3.0
FN:Hélène Dubois
N:Dubois;Hélène;;;
ORG:Emballix
EMAIL;TYPE=work:helene@emballix.test
CATEGORIES:packaging,lyon
UID:urn:uuid:1111
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Marc Dupont
ORG:Acme
TEL;TYPE=cell:+33 6 00 00 00 01
END:VCARD
"""

LINKEDIN = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Hélène,Dubois,https://www.linkedin.com/in/helene-d,helene@emballix.test,Emballix,COO,09 Oct 2024
Nina,Kowalski,https://www.linkedin.com/in/nina-k,,Biolab,Researcher,12 Jan 2025
"""


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_a_vcard_file_imports_and_reimporting_changes_nothing(
    journal: Journal, tmp_path: Path
) -> None:
    path = write(tmp_path, "cards.vcf", VCARDS)
    report = journal.import_file("vcard", path)
    assert report.created == ["Hélène Dubois", "Marc Dupont"] and not report.merged
    helene = journal.people.get("helene")
    assert helene.organization == "Emballix" and helene.external_id == "urn:uuid:1111"
    assert helene.emails == ["helene@emballix.test"] and helene.tag_names == ["lyon", "packaging"]
    before = snapshot(journal)
    again = journal.import_file("vcard", path)
    assert again.created == [] and again.merged == []
    assert again.unchanged == ["Hélène Dubois", "Marc Dupont"]
    assert snapshot(journal) == before


def test_linkedin_merges_into_known_people_and_records_the_connection(
    journal: Journal, tmp_path: Path
) -> None:
    journal.import_file("vcard", write(tmp_path, "cards.vcf", VCARDS))
    report = journal.import_file("linkedin", write(tmp_path, "Connections.csv", LINKEDIN))
    assert report.merged == ["Hélène Dubois"] and report.created == ["Nina Kowalski"]
    assert report.encounters_created == 2
    helene = journal.people.get("Hélène")
    assert helene.title == "COO"  # new information filled in
    assert helene.external_id == "urn:uuid:1111"  # what was known is kept
    assert "https://www.linkedin.com/in/helene-d" in [c.value for c in helene.contacts]
    (connected,) = journal.encounters.list(person="Nina")
    assert connected.source == "linkedin" and connected.event is None
    assert connected.date.isoformat() == "2025-01-12"
    before = snapshot(journal)
    journal.import_file("linkedin", tmp_path / "Connections.csv")
    assert snapshot(journal) == before


def test_overwrite_lets_the_file_win(journal: Journal, tmp_path: Path) -> None:
    journal.people.add(
        "Marc Dupont", organization="Acme", title="Old title", phones=["+33 6 00 00 00 01"]
    )
    card = VCARDS.split("BEGIN:VCARD", 2)[2].replace("END:VCARD", "TITLE:New title\nEND:VCARD")
    path = write(tmp_path, "marc.vcf", "BEGIN:VCARD" + card)
    journal.import_file("vcard", path)
    assert journal.people.get("Marc").title == "Old title"
    journal.import_file("vcard", path, overwrite=True)
    assert journal.people.get("Marc").title == "New title"
    assert journal.people.count() == 1


def test_a_dry_run_reports_the_same_and_writes_nothing(journal: Journal, tmp_path: Path) -> None:
    path = write(tmp_path, "cards.vcf", VCARDS)
    before = snapshot(journal)
    dry = journal.import_file("vcard", path, dry_run=True)
    assert snapshot(journal) == before
    real = journal.import_file("vcard", path)
    assert (dry.created, dry.merged, dry.unchanged) == (real.created, real.merged, real.unchanged)
    assert dry.dry_run and not real.dry_run


def test_a_broken_file_names_file_and_line_and_imports_nothing(
    journal: Journal, tmp_path: Path
) -> None:
    journal.log("Already Here")
    before = snapshot(journal)
    long_name = "x" * 400
    bad = VCARDS + f"BEGIN:VCARD\nVERSION:3.0\nFN:{long_name}\nEND:VCARD\n"
    path = write(tmp_path, "bad.vcf", bad)
    with pytest.raises(ImportFormatError) as caught:
        journal.import_file("vcard", path)
    assert caught.value.line == 16 and "bad.vcf:16" in str(caught.value)
    assert "longer than 300" in str(caught.value)
    assert snapshot(journal) == before
    report = journal.import_file("vcard", path, skip_invalid=True)
    assert report.created == ["Hélène Dubois", "Marc Dupont"]
    assert [s.line for s in report.skipped] == [16]


def test_events_from_icalendar_dedupe_by_uid(journal: Journal) -> None:
    path = DATA / "weekly.ics"
    report = journal.import_file("ical", path)
    assert report.created and not report.merged
    count = journal.events.count()
    assert count == len(report.created)
    before = snapshot(journal)
    again = journal.import_file("ical", path)
    assert again.created == [] and len(again.unchanged) == count
    assert snapshot(journal) == before


def test_progress_is_reported(journal: Journal, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    journal.import_file(
        "vcard", write(tmp_path, "c.vcf", VCARDS), progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(1, 2), (2, 2)]


CORPUS_EXPECTED = {
    "LinkedInToContacts__Connections__first20rows.csv": ("linkedin", 20),
    "Abhishek-Mathur-Complete_LinkedInDataExport_11-04-2018__Connections__6rows.csv": (
        "linkedin",
        6,
    ),
    "GContacts__google__20_business_rows.csv": ("google", 20),
    "ez-vcard__src__test__resources__ezvcard__io__text__John_Doe_ANDROID.vcf": ("vcard", 6),
}


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_real_exports_import_idempotently(journal: Journal, corpus: Path, name: str) -> None:
    format, records = CORPUS_EXPECTED[name]
    report = journal.import_file(format, corpus / name)
    assert report.total == records
    # within-file duplicates were merged, so people <= records
    assert journal.people.count() == len(report.created)
    before = snapshot(journal)
    again = journal.import_file(format, corpus / name)
    assert again.created == [] and again.merged == []
    assert snapshot(journal) == before
