"""A vCard export names a person by their current name: the N parts an old import stored are
kept only while they are still part of it (issue 13 item 19), on both backends."""

from __future__ import annotations

import io
from pathlib import Path

from clirun import ok

from netjournal import Journal

CARDS = (
    "BEGIN:VCARD\nVERSION:3.0\nN:Dubois;Helene;;;\nFN:Helene Dubois\nORG:Emballix\n"
    "EMAIL;TYPE=WORK:helene@emballix.fr\nTEL;TYPE=CELL:06 11 22 33 44\n"
    "CATEGORIES:packaging\nUID:urn:uuid:helene-1\nEND:VCARD\n"
    "BEGIN:VCARD\nVERSION:3.0\nN:de la Tour;Anne;;;\nFN:Anne de la Tour\nEND:VCARD\n"
)


def _cards(journal: Journal) -> dict[str, list[str]]:
    out = io.StringIO()
    journal.export_vcard(out)
    cards: dict[str, list[str]] = {}
    for block in out.getvalue().split("END:VCARD")[:-1]:
        lines = [line for line in block.strip().splitlines() if line]
        name = next(line[3:] for line in lines if line.startswith("FN:"))
        cards[name] = lines
    return cards


def test_a_renamed_person_exports_their_current_name(journal: Journal, tmp_path: Path) -> None:
    j = journal
    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(CARDS)
    j.import_file("vcard", vcf)
    j.people.update("Helene Dubois", display_name="Hélène Martin")
    cards = _cards(j)
    helene = cards["Hélène Martin"]
    assert "N:Martin;Hélène;;;" in helene and not any("Dubois" in line for line in helene)
    for kept in ("ORG:Emballix", "CATEGORIES:packaging", "UID:urn:uuid:helene-1"):
        assert kept in helene
    assert any(line.startswith("EMAIL") and "helene@emballix.fr" in line for line in helene)
    assert any(line.startswith("TEL") and "06 11 22 33 44" in line for line in helene)
    # Parts still in the name are the import's, not guessed from the last word.
    assert "N:de la Tour;Anne;;;" in cards["Anne de la Tour"]
    assert j.people.get("Hélène Martin").family_name == "Dubois"  # stored fields untouched

    out = ok("--db", j.location.url.render_as_string(hide_password=False), "export", "vcard")
    assert "N:Martin;Hélène;;;" in out and "N:Dubois" not in out
