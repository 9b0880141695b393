"""Phone numbers written without their country code are read in the profile's region (issue
13 item 19): France by default, as the profile says otherwise."""

from __future__ import annotations

import pytest
from clirun import fails, ok

from netjournal import Journal
from netjournal.errors import InvalidInput


def phones(journal: Journal, ref: str) -> list[str]:
    return [c.value for c in journal.people.get(ref).contacts if c.kind == "phone"]


def test_national_numbers_are_french_by_default(journal: Journal) -> None:
    assert journal.profile().phone_region == "FR"
    journal.people.add("Hélène Dubois", phones=["+33 6 11 22 33 44"])
    journal.people.update("Hélène", phones=["06 11 22 33 44"])  # the same phone
    assert phones(journal, "Hélène") == ["+33 6 11 22 33 44"]


def test_the_profile_region_reads_national_numbers(journal: Journal) -> None:
    assert journal.set_profile(phone_region="be").phone_region == "BE"
    journal.people.add("Lotte Peeters", phones=["+32 470 12 34 56"])
    journal.people.update("Lotte", phones=["0470 12 34 56"])  # Belgian now, the same phone
    assert phones(journal, "Lotte") == ["+32 470 12 34 56"]
    journal.log("Lotte Peeters", phone="0470/12.34.56")  # and through a logged encounter
    assert phones(journal, "Lotte") == ["+32 470 12 34 56"]
    journal.people.update("Lotte", phones=["06 11 22 33 44"])  # not French any more
    assert phones(journal, "Lotte") == ["+32 470 12 34 56", "06 11 22 33 44"]
    journal.undo(_profile_change(journal))
    assert journal.profile().phone_region == "FR"  # the undone region is forgotten at once
    journal.people.add("Back Home", phones=["06 99 88 77 66"])
    journal.people.update("Back Home", phones=["+33 6 99 88 77 66"])
    assert phones(journal, "Back Home") == ["06 99 88 77 66"]


def _profile_change(journal: Journal) -> int:
    return next(c.id for c in journal.history() if c.summary.startswith("Edited your profile"))


def test_a_region_must_be_a_country_code(journal: Journal) -> None:
    with pytest.raises(InvalidInput, match="not a country code"):
        journal.set_profile(phone_region="Belgique")
    assert journal.profile().phone_region == "FR"


def test_me_sets_and_shows_the_region(journal_url: str) -> None:
    assert "Phone region: GB" in ok("--db", journal_url, "me", "--phone-region", "gb")
    assert "not a country code" in fails("--db", journal_url, "me", "--phone-region", "XX")
    assert "Phone region: GB" in ok("--db", journal_url, "me")


def test_a_json_export_restores_its_phones_in_its_own_region(
    journal: Journal, tmp_path: object
) -> None:
    import io

    journal.set_profile(phone_region="BE")
    journal.people.add("Lotte Peeters", phones=["02 123 45 67"])
    exported = io.StringIO()
    journal.export_json(exported)
    document = exported.getvalue()
    journal.people.forget("Lotte")
    journal.undo(_profile_change(journal))  # an empty journal in region FR again
    journal.import_json(io.StringIO(document), source_name="be.json")
    assert journal.profile().phone_region == "BE"
    with journal.store.connect() as connection:  # the stored key, as duplicates read it
        keys = connection.exec_driver_sql(
            "SELECT value_key FROM contact_points WHERE kind = 'phone'"
        ).scalars()
        assert list(keys) == ["+3221234567"]
    journal.people.update("Lotte", phones=["+32 2 123 45 67"])  # keyed as Belgian: the same
    assert phones(journal, "Lotte") == ["02 123 45 67"]


def test_a_json_export_with_an_unknown_region_is_refused(journal: Journal) -> None:
    import io
    import json

    exported = io.StringIO()
    journal.export_json(exported)
    document = json.loads(exported.getvalue())
    document["profile"] = {"currency": "EUR", "phone_region": "zz"}
    with pytest.raises(InvalidInput, match="not a country code"):
        journal.import_json(io.StringIO(json.dumps(document)), source_name="zz.json")
