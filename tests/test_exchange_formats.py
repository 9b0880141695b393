"""vCard and CSV exports on both backends, read back by vobject and the csv module."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
import vobject
from helpers import seed

from netjournal import Journal
from netjournal.errors import InvalidInput

TRICKY_NAME = 'Smith, John; "Jo" Ørsted 🎉'
TRICKY_NOTE = "Met at the bar, Lyon;\nsecond line with émoji 🍷\\ and a backslash"


def labelled_journal(journal: Journal) -> None:
    """People with labelled contact points: only an import can give labels, so load one."""
    people = [
        {
            "id": 1,
            "display_name": TRICKY_NAME,
            "given_name": "John",
            "family_name": "Smith, Ørsted",
            "organization": "Acme; Inc, Lyon",
            "title": "Head of ops, EMEA",
            "location": "Lyon, France",
            "notes": TRICKY_NOTE,
            "external_id": None,
            "created_at": "2026-01-02T03:04:05.000006",
            "tags": ["client, big", "Été"],
            "contacts": [
                {"id": 1, "kind": "email", "value": "john@acme.test", "label": "work"},
                {"id": 2, "kind": "phone", "value": "+33 6 12 34 56 78", "label": "Mobile"},
                {"id": 3, "kind": "url", "value": "https://acme.test/john", "label": None},
                {"id": 4, "kind": "phone", "value": "0612 ext. 5", "label": "work, voice"},
            ],
        },
        {
            "id": 2,
            "display_name": "Zoé",
            "external_id": "urn:uuid:0f0e0d0c-0b0a-0908-0706-050403020100",
            "tags": [],
            "contacts": [],
        },
    ]
    document = {
        "format": "netjournal",
        "format_version": 1,
        "schema_revision": "0001",
        "tags": [{"id": 1, "name": "client, big"}, {"id": 2, "name": "Été"}],
        "people": people,
    }
    journal.import_json(io.StringIO(json.dumps(document)), source_name="people.json")


def vcards(journal: Journal, version: str) -> list[Any]:
    out = io.StringIO()
    stats = journal.export_vcard(out, version=version)
    cards = list(vobject.readComponents(out.getvalue()))
    assert stats.counts == {"people": len(cards)}
    return cards


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcards_parse_back_with_every_field(journal: Journal, version: str) -> None:
    labelled_journal(journal)
    first, second = vcards(journal, version)
    assert first.version.value == version
    assert first.fn.value == TRICKY_NAME
    assert first.n.value.family == "Smith, Ørsted" and first.n.value.given == "John"
    assert first.org.value == ["Acme; Inc, Lyon"]
    assert first.title.value == "Head of ops, EMEA"
    assert first.adr.value.city == "Lyon, France"
    assert first.note.value == TRICKY_NOTE
    assert first.categories.value == ["client, big", "Été"]
    emails = first.contents["email"]
    assert [e.value for e in emails] == ["john@acme.test"]
    phones = first.contents["tel"]
    urls = first.contents["url"]
    assert [u.value for u in urls] == ["https://acme.test/john"]
    if version == "3.0":
        assert emails[0].params["TYPE"] == ["INTERNET", "WORK"]
        assert [(t.value, t.params["TYPE"]) for t in phones] == [
            ("+33 6 12 34 56 78", ["MOBILE"]),
            ("0612 ext. 5", ["WORK", "VOICE"]),
        ]
    else:
        assert emails[0].params["TYPE"] == ["work"]
        assert phones[0].value == "tel:+33-6-12-34-56-78"
        assert phones[0].params["VALUE"] == ["uri"] and phones[0].params["TYPE"] == ["mobile"]
        assert phones[1].value == "0612 ext. 5" and phones[1].params["VALUE"] == ["text"]
        assert first.kind.value == "individual"
    assert first.uid.value.startswith("urn:uuid:")
    # No structured name: the last word is the family name; the external id is the UID.
    assert second.fn.value == "Zoé" and second.n.value.given == "Zoé"
    assert second.uid.value == "urn:uuid:0f0e0d0c-0b0a-0908-0706-050403020100"
    assert "note" not in second.contents and "org" not in second.contents


def test_vcard_uids_are_stable_and_distinct(journal: Journal) -> None:
    journal.people.add("Ann Lee")
    journal.people.add("Ann Lee")
    once = [c.uid.value for c in vcards(journal, "3.0")]
    again = [c.uid.value for c in vcards(journal, "3.0")]
    assert once == again and len(set(once)) == 2
    assert [c.n.value.family for c in vcards(journal, "3.0")] == ["Lee", "Lee"]


def test_an_unknown_vcard_version_is_refused(journal: Journal) -> None:
    with pytest.raises(InvalidInput, match="choose 3.0 or 4.0"):
        journal.export_vcard(io.StringIO(), version="2.1")


def csv_rows(journal: Journal, *, excel: bool = False) -> tuple[str, list[dict[str, str]]]:
    out = io.StringIO(newline="")
    journal.export_csv(out, excel=excel)
    raw = out.getvalue()
    return raw, list(csv.DictReader(io.StringIO(raw.removeprefix("\ufeff"), newline="")))


def test_csv_has_one_row_per_encounter_with_its_aggregates(journal: Journal) -> None:
    encounter = seed(journal)
    supplier, marketing = (lead.id for lead in encounter.leads)
    journal.outcomes.add(supplier, "Boxes", value="1234.56", date="2026-12-01")
    journal.outcomes.add(supplier, "More boxes", value="0.44", date="2026-12-02")
    journal.outcomes.add(marketing, "Booth", value="-10.00", currency="USD", date="2026-12-04")
    journal.outcomes.add(marketing, "An idea", date="2026-12-03", kind="idea applied")
    journal.log('=HYPERLINK("x")', date="2026-11-01", notes="-1 is a note", pitched=True)
    raw, rows = csv_rows(journal)
    assert not raw.startswith("\ufeff") and "\r\n" in raw
    assert [r["person"] for r in rows] == ['=HYPERLINK("x")', "Hélène Dubois"]  # by date
    plain, met = rows
    assert met["encounter id"] == str(encounter.id) and met["date"] == "2026-11-20"
    assert met["organization"] == "Emballix" and met["field"] == "Packaging"
    assert met["event"] == "Lyon Tech Meetup" and met["introduced by"] == "Paul Martin"
    assert met["notes"] == "Met at the bar; très sympa" and met["pitched"] == "no"
    assert met["tags"] == "follow\npackaging"
    assert met["questions"] == (
        "Who supplies your boxes? — A Lyon firm 20% cheaper than ours\nWhat keeps you up at night?"
    )
    assert met["leads"] == (
        # the booth's first outcome was a loss (-10.00 USD): the lead was dropped, not won
        "supplier: Her box supplier in Lyon (won)\nmarketing: Trade-show booth idea (dropped)"
    )
    assert met["outcomes EUR"] == "1235.00" and met["outcomes USD"] == "-10.00"
    assert plain["outcomes EUR"] == "" and plain["event"] == "" and plain["pitched"] == "yes"
    assert plain["questions"] == "" and plain["leads"] == ""

    raw, rows = csv_rows(journal, excel=True)
    assert raw.startswith("\ufeff")
    assert rows[0]["person"] == '\'=HYPERLINK("x")' and rows[0]["notes"] == "'-1 is a note"
    assert rows[1]["outcomes USD"] == "-10.00"  # numbers are not text cells


def test_csv_for_a_french_excel_has_semicolons_and_decimal_commas(journal: Journal) -> None:
    """A French Excel splits on ``;`` and reads ``1235,00`` as a number: CLDR's French
    parser (Babel) reads each figure back; text with commas and semicolons stays one cell."""
    from babel.numbers import parse_decimal

    encounter = seed(journal)
    supplier = encounter.leads[0].id
    journal.outcomes.add(supplier, "Boxes; big ones", value="1234.56", date="2026-12-01")
    journal.outcomes.add(supplier, "More, smaller", value="0.44", date="2026-12-02")
    out = io.StringIO(newline="")
    journal.export_csv(out, excel=True, language="fr")
    raw = out.getvalue().removeprefix("\ufeff")
    assert raw.startswith("encounter id;date;person id;person")
    rows = list(csv.DictReader(io.StringIO(raw, newline=""), delimiter=";"))
    assert rows[0]["outcomes EUR"] == "1235,00" and rows[0]["date"] == "2026-11-20"
    assert parse_decimal(rows[0]["outcomes EUR"], locale="fr_FR") == Decimal("1235.00")
    english, _rows = csv_rows(journal, excel=True)
    assert english.removeprefix("\ufeff").startswith("encounter id,date,")
    assert "1235.00" in english


def test_csv_of_an_empty_journal_has_the_header_only(journal: Journal) -> None:
    raw, rows = csv_rows(journal)
    assert rows == [] and raw.startswith("encounter id,date,person id,person")
