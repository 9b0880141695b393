"""The public API on both backends: round trips, merge, forget, and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from helpers import Seeds, assert_no_orphans, seed, snapshot
from sqlalchemy import func, select

from netjournal import Journal
from netjournal.errors import AmbiguousName, InvalidInput, NotFound
from netjournal.specs import EncounterSpec

NOV20 = dt.date(2026, 11, 20)


def test_every_entity_round_trips(journal: Journal) -> None:
    encounter = seed(journal)
    # The returned objects stay usable after the call returned.
    assert encounter.person.display_name == "Hélène Dubois"
    assert encounter.event is not None and encounter.event.name == "Lyon Tech Meetup"
    assert encounter.date == NOV20  # defaults to the event's date
    assert [q.asked for q in encounter.questions] == [
        "Who supplies your boxes?",
        "What keeps you up at night?",
    ]
    assert encounter.questions[1].learned is None
    assert [lead.kind for lead in encounter.leads] == ["supplier", "marketing"]
    assert encounter.tag_names == ["follow", "packaging"]
    assert encounter.introduced_by is not None
    assert encounter.introduced_by.display_name == "Paul Martin"

    lead = encounter.leads[0]
    outcome = journal.outcomes.add(
        lead.id, "Switched box supplier", value="1234.56", date="2026-12-15", kind="savings"
    )
    assert outcome.value == Decimal("1234.56") and outcome.currency == "EUR"

    again = journal.encounters.get(encounter.id)
    assert again.stakes == "Needs to cut packaging costs"
    assert again.wishes == "Wants a CRM that works offline"
    assert again.notes == "Met at the bar; très sympa"
    assert again.pitched is False and again.outside_field is None
    won = journal.leads.get(lead.id)
    assert won.status == "won" and won.status_changed_on == dt.date(2026, 12, 15)
    assert [o.value for o in won.outcomes] == [Decimal("1234.56")]
    assert journal.leads.get(encounter.leads[1].id).tag_names == ["idea"]
    assert journal.leads.get(encounter.leads[1].id).details == "Share a booth"

    person = journal.people.get("helene")
    assert person.organization == "Emballix" and person.field == "Packaging"
    assert person.title == "Head of operations"
    assert sorted((c.kind, c.value) for c in person.contacts) == [
        ("email", "helene@emballix.test"),
        ("phone", "+33 6 12 34 56 78"),
    ]

    event = journal.events.get("Lyon Tech Meetup")
    assert event.hours == Decimal("3.50") and event.cost == Decimal("25.00")
    assert event.currency == "EUR" and event.kind == "meetup" and event.series == "Lyon Tech"
    assert event.tag_names == ["lyon", "tech"]

    profile = journal.profile()
    assert profile.fields == ["Software"] and profile.hourly_rate == Decimal("80.00")

    (followup,) = journal.followups.due("2026-11-30")
    assert followup.action == "Send our volumes" and followup.person.display_name == "Hélène Dubois"
    assert journal.followups.due("2026-11-26") == []
    journal.followups.done(followup.id, on="2026-11-28")
    assert journal.followups.due("2026-12-31") == []
    assert journal.followups.list(include_done=True)[0].done_on == dt.date(2026, 11, 28)

    detail = journal.people.show("Paul")
    assert [p.display_name for p in detail.introduced] == ["Hélène Dubois"]


def test_names_match_without_case_or_accents(journal: Journal) -> None:
    journal.people.add("Hélène Dubois")
    journal.people.add("ÉTIENNE Été")
    assert journal.people.get("helene").display_name == "Hélène Dubois"
    assert journal.people.get("HELENE DUBOIS").display_name == "Hélène Dubois"
    assert journal.people.get("dubois").display_name == "Hélène Dubois"  # a word's prefix
    assert journal.people.get("etienne ete").display_name == "ÉTIENNE Été"
    # LIKE wildcards in a name are literal characters, not patterns:
    with pytest.raises(NotFound):
        journal.people.get("%")
    with pytest.raises(NotFound):
        journal.people.get("_")


def test_an_ambiguous_name_lists_the_candidates(journal: Journal) -> None:
    journal.log("Marc Dupont", organization="Acme", date="2026-11-02")
    journal.log("Marc Durand", organization="Globex", date="2026-10-01")
    with pytest.raises(AmbiguousName) as caught:
        journal.people.get("marc")
    message = str(caught.value)
    assert "Marc Dupont (Acme, last met 2026-11-02)" in message
    assert "Marc Durand (Globex, last met 2026-10-01)" in message
    assert {c.name for c in caught.value.candidates} == {"Marc Dupont", "Marc Durand"}
    assert journal.people.get("marc dup").display_name == "Marc Dupont"


def test_logging_an_existing_person_fills_gaps_without_overwriting(journal: Journal) -> None:
    journal.people.add("Zoé Bernard", organization="Initial Org")
    journal.log("zoe bernard", organization="Other Org", title="CTO")
    person = journal.people.get("Zoé")
    assert person.organization == "Initial Org" and person.title == "CTO"
    assert journal.people.count() == 1
    journal.log("Zoé Bernard", new_person=True)
    assert journal.people.count() == 2


def test_log_many_is_all_or_nothing(journal: Journal) -> None:
    journal.log("Existing Person")
    before = snapshot(journal)
    specs = [
        EncounterSpec(person="New One", notes="fine", line=3),
        EncounterSpec(person="New Two", leads=[("suplier", "typo in the kind")], line=9),
    ]
    with pytest.raises(InvalidInput, match=r"line 9: Unknown lead kind 'suplier'.*supplier"):
        journal.encounters.log_many(specs)
    assert snapshot(journal) == before


def test_log_many_reuses_a_person_created_earlier_in_the_batch(journal: Journal) -> None:
    logged = journal.encounters.log_many(
        [EncounterSpec(person="Nina Kowalski"), EncounterSpec(person="nina kowalski", again=True)]
    )
    assert logged[0].person_id == logged[1].person_id
    assert journal.people.count() == 1


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda j: j.log("Ghost", event="No Such Event"), NotFound, "No event matches"),
        (lambda j: j.log("Marc"), AmbiguousName, "matches several people"),
        (lambda j: j.log("Zed", event="Lyon"), AmbiguousName, "matches several events"),
        (lambda j: j.log("Someone", date="31/02/2026"), InvalidInput, "Invalid date"),
        (lambda j: j.log("Someone", date="2026-02-31"), InvalidInput, "no such day"),
        (lambda j: j.log("Someone", date="not a date"), InvalidInput, "Invalid date"),
        (lambda j: j.events.add("Gala", "2026-11-01", hours=-2), InvalidInput, "negative"),
        (lambda j: j.events.add("Gala", "2026-11-01", cost="1.234"), InvalidInput, "decimal"),
        (lambda j: j.events.add("Gala", "2026-11-01", kind="rave"), InvalidInput, "event kind"),
        (
            lambda j: j.events.add("Gala", "2026-11-05", end_date="2026-11-01"),
            InvalidInput,
            "ends",
        ),
        (lambda j: j.log("Someone", leads=[("unicorn", "x")]), InvalidInput, "lead kind"),
        (lambda j: j.log("Someone", leads=[("supplier", "  ")]), InvalidInput, "summary"),
        (lambda j: j.log("   "), InvalidInput, "name"),
        (lambda j: j.log("x" * 301), InvalidInput, "longer than 300"),
        (lambda j: j.log("Someone", email="not-an-email"), InvalidInput, "e-mail"),
        (lambda j: j.log("Someone", introduced_by="Nobody At All"), NotFound, "No person"),
        (lambda j: j.people.get(999), NotFound, "No person with id 999"),
        (lambda j: j.leads.update(999, status="won"), NotFound, "No lead"),
        (lambda j: j.leads.update(1, status="finished"), InvalidInput, "lead status"),
        (lambda j: j.outcomes.add(1, "x", value="abc"), InvalidInput, "number"),
        (lambda j: j.outcomes.add(1, "x", kind="bribe"), InvalidInput, "outcome kind"),
        (
            lambda j: j.outcomes.add(1, "x", date="2020-01-01"),
            InvalidInput,
            "predates",
        ),
        (lambda j: j.followups.done(999), NotFound, "No follow-up"),
        (lambda j: j.people.merge("Marc Dupont", "Marc Dupont"), InvalidInput, "themselves"),
        (lambda j: j.set_profile(currency="euro"), InvalidInput, "currency"),
        (lambda j: j.set_profile(hourly_rate="-5"), InvalidInput, "negative"),
        (lambda j: j.log("Someone", notes="nul\x00byte"), InvalidInput, "NUL"),
    ],
)
def test_bad_input_raises_the_right_error_and_changes_nothing(
    journal: Journal,
    journal_url: str,
    seeds: Seeds,
    call: Any,
    error: type[Exception],
    message: str,
) -> None:
    seeds.restore(journal_url, _two_events_two_marcs)
    before = snapshot(journal)
    with pytest.raises(error, match=message):
        call(journal)
    assert snapshot(journal) == before


def _two_events_two_marcs(journal: Journal) -> None:
    journal.events.add("Lyon Tech Meetup", "2026-11-20")
    journal.events.add("Lyon Startup Night", "2026-11-21")
    journal.log("Marc Dupont", leads=[("supplier", "boxes")], date="2026-11-20")
    journal.log("Marc Durand")


def _count(journal: Journal, model: Any) -> int:
    with journal.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_merge_repoints_everything_and_loses_nothing(journal: Journal) -> None:
    journal.events.add("Salon", "2026-10-10")
    journal.people.add("Sam Lee", emails=["sam@a.test"], tags=["vip"], organization="A")
    journal.people.add(
        "Samuel Lee",
        emails=["SAM@a.test", "sam@b.test"],
        title="CTO",
        tags=["cto"],
        notes="Second card",
    )
    journal.log("Sam Lee", event="Salon", leads=[("customer", "Pilot")])
    journal.log(
        "Samuel Lee",
        date="2026-11-01",
        questions=["Budget?"],
        leads=[("partner", "Co-sell")],
        followups=[("2026-12-01", "Call back")],
    )
    journal.log("Other Person", introduced_by="Samuel Lee")
    counts = journal.counts()

    kept = journal.people.merge("Sam Lee", "Samuel Lee")

    assert kept.display_name == "Sam Lee"
    assert journal.counts() == {**counts, "people": counts["people"] - 1}
    detail = journal.people.show("Sam Lee")
    assert len(detail.encounters) == 2 and len(detail.followups) == 1
    assert [p.display_name for p in detail.introduced] == ["Other Person"]
    person = detail.person
    assert sorted(c.value for c in person.contacts) == ["sam@a.test", "sam@b.test"]
    assert person.tag_names == ["cto", "vip"]
    assert person.organization == "A" and person.title == "CTO"
    assert person.notes == "Second card"
    with pytest.raises(NotFound):
        journal.people.get("Samuel")
    assert_no_orphans(journal)


def test_forget_removes_every_trace(journal: Journal) -> None:
    seed(journal)
    journal.log("Bob Stays", leads=[("advice", "keep me")], introduced_by="Hélène")
    enc = journal.encounters.list(person="helene")[0]
    journal.outcomes.add(enc.leads[0].id, "saved", value=10)
    journal.followups.add("helene", "2026-12-01", "Standalone follow-up")

    forgotten = journal.people.forget("Hélène")
    assert forgotten.name == "Hélène Dubois"
    # bytes: erased at once on SQLite; PostgreSQL says it keeps dead rows until VACUUM FULL
    assert forgotten.erased == (journal.store.backend == "sqlite")
    assert forgotten.erased or "VACUUM FULL" in (forgotten.pending or "")

    assert journal.counts() == {
        "people": 2,
        "events": 1,
        "encounters": 1,
        "questions": 0,
        "leads": 1,
        "outcomes": 0,
        "followups": 0,
    }
    with pytest.raises(NotFound):
        journal.people.get("Hélène")
    bob = journal.encounters.list(person="Bob")[0]
    assert bob.introduced_by_id is None
    assert_no_orphans(journal)


def test_updates_and_tags(journal: Journal) -> None:
    journal.people.add("Ana Silva", organization="Old", tags=["a"])
    person = journal.people.update(
        "Ana",
        organization="New",
        title="",
        add_tags=["b", "B"],
        remove_tags=["a"],
        emails=["ana@x.test"],
    )
    assert person.organization == "New" and person.tag_names == ["b"]
    assert person.emails == ["ana@x.test"]
    person = journal.people.update("Ana", display_name="Ana Silva-Costa", field="Biotech")
    assert journal.people.get("ana silva-costa").field == "Biotech"
    event = journal.events.add("Expo", "2026-03-01", cost=100, currency="usd")
    assert event.currency == "USD"
    event = journal.events.update("Expo", location="Paris", cost="", add_tags=["x"])
    assert event.cost is None and event.location == "Paris" and event.tag_names == ["x"]


def test_listing_and_filters(journal: Journal) -> None:
    seed(journal)
    journal.log("Zed Alpha", date="2026-01-05", tags=["cold"])
    assert [p.display_name for p in journal.people.list()] == [
        "Hélène Dubois",
        "Paul Martin",
        "Zed Alpha",
    ]
    assert [p.display_name for p in journal.people.list(field="packaging")] == ["Hélène Dubois"]
    assert [e.person.display_name for e in journal.encounters.list(since="2026-06-01")] == [
        "Hélène Dubois"
    ]
    assert [lead.kind for lead in journal.leads.list(kind="supplier")] == ["supplier"]
    assert [e.name for e in journal.events.list(series="lyon tech")] == ["Lyon Tech Meetup"]
    assert [p.display_name for p in journal.people.find("pa")] == ["Paul Martin"]


def test_journal_file_and_folder_are_private(tmp_path: Any) -> None:
    import os

    old = os.umask(0o022)
    try:
        path = tmp_path / "deep" / "er" / "journal.db"
        with Journal.open(path) as journal:
            journal.log("Someone")
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
    finally:
        os.umask(old)


def test_default_location_comes_from_the_environment(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("NETJOURNAL_DB", str(tmp_path / "env.db"))
    with Journal.open() as journal:
        assert journal.location.path == tmp_path / "env.db"
    monkeypatch.delenv("NETJOURNAL_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with Journal.open() as journal:
        assert journal.location.path is not None
        assert journal.location.path.is_relative_to(tmp_path / "xdg")


def test_password_is_never_displayed() -> None:
    from netjournal.db import resolve

    location = resolve("postgresql://alice:s3cret@db.example/journal")
    assert "s3cret" not in location.display and "alice" in location.display
    assert location.url.drivername == "postgresql+psycopg"
