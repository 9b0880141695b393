"""Phones compared as numbers (phonenumbers, E.164) and e-mails checked by their syntax
(email-validator), wherever contact points are read: the library, the CLI, batch files and
imports, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import fails, ok
from sqlalchemy import insert, select

from netjournal import Journal
from netjournal import tables as t
from netjournal.errors import InvalidInput
from netjournal.text import contact_key, phone_key


def _url(journal: Journal) -> str:
    return journal.location.url.render_as_string(hide_password=False)


def _phones(journal: Journal, ref: str) -> list[str]:
    return [c.value for c in journal.people.contacts(ref) if c.kind == "phone"]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("+33 6 11 22 33 44", "+33611223344"),
        ("06 11 22 33 44", "+33611223344"),
        ("06.11.22.33.44", "+33611223344"),
        ("0033 6 11 22 33 44", "+33611223344"),
        ("tel:+33611223344", "+33611223344"),
        ("+41 79 123 45 67", "+41791234567"),
        ("06 11 22 33 44 ext. 12", "+33611223344;ext=12"),
        ("123", "123"),  # not a number phonenumbers can read: its digits, as typed
    ],
)
def test_phone_keys_are_e164_read_in_the_default_region(typed: str, key: str) -> None:
    assert phone_key(typed) == key == contact_key("phone", typed)


def test_a_phone_typed_two_ways_is_one_phone(journal: Journal) -> None:
    j = journal
    j.people.add("Hélène Dubois", phones=["+33 6 11 22 33 44"])
    j.people.update("Hélène Dubois", phones=["06 11 22 33 44"])
    assert _phones(j, "Hélène Dubois") == ["+33 6 11 22 33 44"]  # as typed, once
    j.log("Hélène Dubois", date="2026-11-10", phone="06.11.22.33.44")
    assert _phones(j, "Hélène Dubois") == ["+33 6 11 22 33 44"]
    j.people.update("Hélène Dubois", phones=["12-34"])  # unreadable: kept as typed
    assert _phones(j, "Hélène Dubois") == ["+33 6 11 22 33 44", "12-34"]
    j.people.update("Hélène Dubois", remove_phones=["06 11 22 33 44", "1234"])
    assert _phones(j, "Hélène Dubois") == []

    j.people.add("H. Dubois", phones=["0611223344"])
    j.people.add("Helene D.", phones=["+33 6 11 22 33 44"])
    (pair,) = [p for p in j.people.duplicates(min_score=0) if "same phone" in str(p.reasons)]
    assert {pair.first.display_name, pair.second.display_name} == {"H. Dubois", "Helene D."}
    assert "same phone (0611223344)" in pair.reasons
    j.people.merge("H. Dubois", "Helene D.")
    assert _phones(j, "H. Dubois") == ["0611223344"]


def test_phones_stored_by_the_old_rule_compare_by_the_new_one(journal: Journal) -> None:
    """A phone stored before phones were read as numbers has its digits as key: it is still
    found, matched and paired (keys are computed when compared; no migration)."""
    j = journal
    old = j.people.add("Marc Dupont")
    twin = j.people.add("M. Dupont")
    with j.store.engine.begin() as connection:
        for person, typed in ((old.id, "06 12 34 56 78"), (twin.id, "+33 6 12 34 56 78")):
            connection.execute(
                insert(t.contact_points).values(
                    person_id=person, kind="phone", value=typed, value_key=typed.replace(" ", "")
                )
            )
    j.people.update(old.id, phones=["+33612345678"])
    assert _phones(j, "Marc Dupont") == ["06 12 34 56 78"]
    reasons = [r for p in j.people.duplicates(min_score=0) for r in p.reasons]
    assert "same phone (06 12 34 56 78)" in reasons
    j.people.update(twin.id, remove_phones=["0612345678"])
    assert _phones(j, "M. Dupont") == []
    with j.store.engine.connect() as connection:
        keys = connection.scalars(select(t.contact_points.c.value_key)).all()
    assert keys == ["0612345678"]  # nothing rewritten behind the user's back


@pytest.mark.parametrize(
    "bad", ["a@b.c\nBcc: x@y", "helene", "helene@", "a b@c.fr", "Hélène <h@x.fr>", "x@y..fr"]
)
def test_an_invalid_email_is_refused_by_the_library(journal: Journal, bad: str) -> None:
    j = journal
    with pytest.raises(InvalidInput, match="is not an e-mail address") as refused:
        j.people.add("Anne", emails=[bad])
    assert "\n" not in str(refused.value)
    with pytest.raises(InvalidInput, match="is not an e-mail address"):
        j.log("Anne", date="2026-11-10", email=bad)
    assert j.counts()["people"] == 0


def test_emails_on_the_command_line_and_in_batches(journal: Journal, tmp_path: Path) -> None:
    j = journal
    db = ["--db", _url(j)]
    ok(*db, "log", "Anne", "--date", "2026-11-10", "--email", "anne@emballix.fr")
    before = j.counts()
    err = fails(*db, "people", "edit", "Anne", "--email", "a@b.c\nBcc: x@y")
    assert "'a@b.c\\nBcc: x@y' is not an e-mail address" in err
    assert "is not an e-mail address" in fails(*db, "log", "Bob", "--email", "bob at x.fr")
    batch = tmp_path / "evening.txt"
    batch.write_text("event: Fair\ndate: 2026-11-14\n\nperson: Carl\nemail: carl@@x.fr\n")
    err = fails(*db, "log", "--batch", str(batch))
    assert f"{batch}:5:" in err and "is not an e-mail address" in err
    assert j.counts() == before
    ok(*db, "people", "edit", "Anne", "--phone", "06 11 22 33 44")
    ok(*db, "people", "edit", "Anne", "--phone", "+33 6 11 22 33 44")
    assert _phones(j, "Anne") == ["06 11 22 33 44"]


def _card(name: str, extra: str) -> str:
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\n{extra}END:VCARD\n"


def test_imports_refuse_or_skip_a_bad_email_or_category(journal: Journal, tmp_path: Path) -> None:
    j = journal
    vcf = tmp_path / "contacts.vcf"
    vcf.write_text(
        _card("Good One", "EMAIL:good@emballix.fr\nTEL:06 11 22 33 44\n")
        + _card("Bad Mail", "EMAIL:bad@x.fr\\nBcc: y@z.fr\n")
        + _card("Long Tag", f"CATEGORIES:{'c' * 200}\n")
        + _card("Good Two", "TEL:+33 6 11 22 33 44\nCATEGORIES:clients\n")
    )
    with pytest.raises(InvalidInput) as refused:
        j.import_file("vcard", vcf)
    assert str(refused.value).startswith(f"{vcf}:7:") and "not an e-mail address" in str(
        refused.value
    )
    assert j.counts()["people"] == 0
    report = j.import_file("vcard", vcf, skip_invalid=True)
    assert [(s.line, s.reason[:56]) for s in report.skipped] == [
        (7, "The e-mail 'bad@x.fr\\nBcc: y@z.fr' is not an e-mail addr"),
        (12, "A tag is longer than 100 characters (200)."),
    ]
    assert sorted(report.created) == ["Good One", "Good Two"]

    db = ["--db", _url(j)]
    long_tag = tmp_path / "tag.vcf"
    long_tag.write_text(_card("Long Tag", f"CATEGORIES:{'c' * 200}\n"))
    err = fails(*db, "import", "vcard", str(long_tag))
    assert err.startswith(f"Error: {long_tag}:1:") and "longer than 100" in err
    out = ok(*db, "import", "vcard", str(long_tag), "--skip-invalid")
    assert "skipped" in out.lower()
    assert j.counts()["people"] == 2
