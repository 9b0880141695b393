"""The six collections (people, events, encounters, leads, outcomes, follow-ups): the same
verbs, one kind of return value, on both backends."""

from __future__ import annotations

import datetime as dt
import inspect as pyinspect
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import inspect

from netjournal import Journal, history
from netjournal.errors import ImportFormatError, InvalidInput, NotFound
from netjournal.models import Encounter, Event, FollowUp, Lead, Outcome, Person
from netjournal.serialize import to_dict
from netjournal.specs import EncounterSpec

DAY = "2026-11-20"
COLLECTIONS = ("people", "events", "encounters", "leads", "outcomes", "followups")

EVENING = """\
event: Lyon Tech Meetup
date: 2026-11-20

person: Hélène Dubois
notes: packaging

person: Paul Martin
asked: Who prints your labels? => A shop in Vénissieux
"""


def seed(journal: Journal) -> Encounter:
    journal.events.add("Lyon Tech Meetup", DAY, kind="meetup", tags=["lyon"])
    return journal.log(
        "Hélène Dubois",
        event="Lyon Tech Meetup",
        organization="Emballix",
        email="helene@emballix.fr",
        tags=["warm"],
        questions=[("Who makes your boxes?", "A Lyon firm")],
        leads=[("supplier", "Cheaper boxes")],
        followups=[("2026-11-27", "Send her our volumes")],
    )


@contextmanager
def statements(journal: Journal) -> Iterator[list[str]]:
    """The verbs of the SQL statements run on ``journal`` within the block, but for those
    of the history (a change set is opened, then dropped when it recorded nothing)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "change" not in statement:
            seen.append(statement.strip().split()[0].upper())

    sa_event.listen(journal.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa_event.remove(journal.engine, "before_cursor_execute", record)


def last_change(journal: Journal) -> history.Change:
    with journal.engine.connect() as connection:
        return history.changes(connection, limit=1)[0]


def read_everything(record: object, depth: int = 2) -> None:
    """Read every mapped attribute and relationship of ``record`` (and of what it holds),
    as a caller would after the call returned: nothing may raise."""
    for attr in inspect(type(record)).attrs:
        value = getattr(record, attr.key)
        if depth and isinstance(value, list):
            for item in value:
                read_everything(item, depth - 1)
        elif depth and hasattr(value, "__table__"):
            read_everything(value, depth - 1)
    to_dict(record)


# -- the shape of the API -----------------------------------------------------------------


def test_every_collection_has_the_same_verbs(journal: Journal) -> None:
    for name in COLLECTIONS:
        collection = getattr(journal, name)
        for verb in ("get", "list", "add", "update", "delete"):
            assert callable(getattr(collection, verb)), f"{name}.{verb}"
    for removed in ("encounter", "delete_encounter", "log_many", "log_batch", "bulk_log"):
        assert not hasattr(journal, removed)


def test_money_is_always_given_as_currency(journal: Journal) -> None:
    methods = [journal.set_profile, journal.events.add, journal.events.update]
    for name in COLLECTIONS:
        collection = getattr(journal, name)
        methods += [getattr(collection, m) for m in dir(collection) if not m.startswith("_")]
    for method in methods:
        if callable(method):
            assert "currency_code" not in pyinspect.signature(method).parameters, method
    assert "currency" in pyinspect.signature(journal.outcomes.add).parameters
    assert "currency" in pyinspect.signature(journal.outcomes.update).parameters
    assert "currency" in pyinspect.signature(journal.set_profile).parameters


def test_taggable_records_take_add_and_remove_tags(journal: Journal) -> None:
    for name in ("people", "events", "encounters", "leads"):
        parameters = pyinspect.signature(getattr(journal, name).update).parameters
        assert {"add_tags", "remove_tags"} <= set(parameters), name


# -- people -------------------------------------------------------------------------------


def test_people_verbs(journal: Journal) -> None:
    added = journal.people.add(
        "Jean-François Lefèvre", organization="Bricolux", emails=["jf@bricolux.fr"], tags=["a"]
    )
    assert isinstance(added, Person) and added.emails == ["jf@bricolux.fr"]
    assert journal.people.get(added.id).display_name == "Jean-François Lefèvre"
    assert journal.people.get("jean-francois").id == added.id
    assert [p.id for p in journal.people.list()] == [added.id]

    updated = journal.people.update(
        added.id,
        title="CTO",
        add_tags=["b"],
        remove_tags=["a"],
        phones=["+33 6 12 34 56 78"],
        remove_emails=["JF@Bricolux.fr"],  # matched as stored: an e-mail ignores case
    )
    assert isinstance(updated, Person)
    assert (updated.title, updated.tag_names) == ("CTO", ["b"])
    assert [(c.kind, c.value) for c in updated.contacts] == [("phone", "+33 6 12 34 56 78")]
    assert last_change(journal).summary == (
        f"Edited Jean-François Lefèvre (#{added.id}): title, tags, contacts"
    )
    with pytest.raises(InvalidInput, match="no email 'nobody@example.org'"):
        journal.people.update(added.id, title="CEO", remove_emails=["nobody@example.org"])
    assert journal.people.get(added.id).title == "CTO"  # nothing changed

    deleted = journal.people.delete(added.id)
    assert isinstance(deleted, Person) and deleted.title == "CTO"
    assert deleted.tag_names == ["b"]
    with pytest.raises(NotFound):
        journal.people.get(added.id)
    assert last_change(journal).kind == "person.delete"


def test_an_update_that_changes_nothing_writes_nothing(journal: Journal) -> None:
    encounter = seed(journal)
    person = journal.people.get(encounter.person_id)
    lead = encounter.leads[0]
    followup = encounter.followups[0]
    outcome = journal.outcomes.add(lead.id, "Saved", value="10", date="2026-12-01")
    journal.people.update(person.id, add_tags=["vip"])
    before = last_change(journal).id
    calls = [
        lambda: journal.people.update(person.id, organization="Emballix", add_tags=["VIP"]),
        lambda: journal.events.update("Lyon Tech Meetup", kind="meetup", add_tags=["lyon"]),
        lambda: journal.encounters.update(
            encounter.id, date=DAY, questions=[("Who makes your boxes?", "A Lyon firm")]
        ),
        lambda: journal.leads.update(lead.id, summary="Cheaper boxes", remove_tags=["nope"]),
        lambda: journal.outcomes.update(outcome.id, value="10.00", currency="EUR"),
        lambda: journal.followups.update(followup.id, action="Send her our volumes"),
    ]
    for number, call in enumerate(calls):
        with statements(journal) as seen:
            returned = call()
        assert not {"UPDATE", "INSERT", "DELETE"} & set(seen), (number, seen)
        assert returned.id is not None
    assert last_change(journal).id == before  # no change set either


def test_merge_plan_then_merge(journal: Journal) -> None:
    keep = journal.people.add("Jean-François Lefèvre", emails=["jf@bricolux.fr"], tags=["a"])
    other = journal.people.add(
        "Yannick Le Goff", title="Buyer", emails=["yannick@x.fr", "JF@bricolux.fr"], tags=["b"]
    )
    journal.log(other.id, date="2026-01-05", followups=[("2026-02-01", "Call")])
    journal.log("Somebody", date="2026-01-06", introduced_by=other.id)
    plan = journal.people.merge_plan(keep.id, other.id)
    assert (plan.kept.id, plan.absorbed.id) == (keep.id, other.id)
    assert (plan.encounters, plan.introductions, plan.followups) == (1, 1, 1)
    assert (plan.contacts, plan.tags) == (1, 1)
    assert journal.people.count() == 3  # a plan writes nothing

    kept = journal.people.merge(keep.id, other.id)
    assert isinstance(kept, Person) and kept.title == "Buyer"
    assert sorted(kept.emails) == ["jf@bricolux.fr", "yannick@x.fr"]
    assert kept.tag_names == ["a", "b"]
    assert last_change(journal).summary == (
        f"Merged Yannick Le Goff (#{other.id}) into Jean-François Lefèvre (#{keep.id})"
    )
    assert [e.person_id for e in journal.encounters.list(person=keep.id)] == [keep.id]


# -- events -------------------------------------------------------------------------------


def test_events_verbs(journal: Journal) -> None:
    added = journal.events.add("Salon Emballage", "2026-06-03", cost="120", tags=["paris"])
    assert isinstance(added, Event) and added.currency == "EUR"
    assert journal.events.get("salon").id == added.id
    assert [e.id for e in journal.events.list()] == [added.id]
    updated = journal.events.update(added.id, location="Paris", add_tags=["b"], remove_tags="paris")
    assert (updated.location, updated.tag_names) == ("Paris", ["b"])
    journal.log("Anna", event=added.id)
    deleted = journal.events.delete(added.id)
    assert isinstance(deleted, Event) and deleted.name == "Salon Emballage"
    assert journal.encounters.list()[0].event is None


# -- encounters ---------------------------------------------------------------------------


def test_encounters_verbs(journal: Journal) -> None:
    logged = seed(journal)
    assert isinstance(logged, Encounter)
    assert last_change(journal).summary == (
        f"Logged Hélène Dubois at Lyon Tech Meetup (encounter #{logged.id})"
    )
    assert journal.encounters.get(logged.id).notes is None
    assert journal.encounters.get(f"#{logged.id}").id == logged.id
    assert [e.id for e in journal.encounters.list(person="helene")] == [logged.id]
    paul = journal.people.add("Paul Martin")

    updated = journal.encounters.update(
        logged.id,
        date="2026-11-21",
        event="",
        notes="Boxes",
        stakes="Price",
        wishes="Samples",
        questions=["Lead times?"],
        pitched=True,
        introduced_by=paul.id,
        outside_field=True,
        add_tags=["hot"],
        remove_tags=["warm"],
    )
    assert isinstance(updated, Encounter)
    assert (updated.date, updated.event, updated.notes) == (dt.date(2026, 11, 21), None, "Boxes")
    assert [q.asked for q in updated.questions] == ["Lead times?"]
    assert updated.introduced_by is not None and updated.introduced_by.id == paul.id
    assert (updated.pitched, updated.outside_field, updated.tag_names) == (True, True, ["hot"])
    assert journal.counts()["questions"] == 1
    assert last_change(journal).kind == "encounter.update"
    with pytest.raises(InvalidInput, match="introduce you to themselves"):
        journal.encounters.update(logged.id, introduced_by=logged.person_id)

    deleted = journal.encounters.delete(logged.id)
    assert isinstance(deleted, Encounter) and deleted.notes == "Boxes"
    assert [lead.summary for lead in deleted.leads] == ["Cheaper boxes"]
    assert journal.counts()["encounters"] == 0
    with pytest.raises(NotFound, match=f"No encounter with id {logged.id}"):
        journal.encounters.get(logged.id)


def test_logging_the_same_encounter_twice_is_refused_unless_again(journal: Journal) -> None:
    first = seed(journal)
    message = (
        "Hélène Dubois was already logged at Lyon Tech Meetup on 2026-11-20 "
        f"(encounter #{first.id}); log it again explicitly to keep both."
    )
    with pytest.raises(InvalidInput) as refused:
        journal.log("Hélène Dubois", event="Lyon Tech Meetup")
    assert str(refused.value) == message
    with pytest.raises(InvalidInput, match="already logged"):
        journal.encounters.log_many([EncounterSpec("helene", event="Lyon Tech Meetup")])
    second = journal.log("Hélène Dubois", event="Lyon Tech Meetup", again=True)
    assert second.id != first.id
    # Another day, another event, or no event: not the same encounter.
    journal.log("Hélène Dubois", date="2026-11-20")
    with pytest.raises(InvalidInput, match=r"already logged on 2026-11-20 \(encounter #"):
        journal.log("Hélène Dubois", date="2026-11-20")
    journal.log("Hélène Dubois", event="Lyon Tech Meetup", date="2026-11-21")
    # Someone new is never a duplicate, even with a name the journal knows.
    journal.log("Hélène Dubois", event="Lyon Tech Meetup", new_person=True)
    assert journal.people.count() == 2
    assert journal.counts()["encounters"] == 5


def test_a_batch_dry_run_writes_nothing(journal: Journal) -> None:
    journal.events.add("Lyon Tech Meetup", DAY)
    before = journal.counts()
    would = journal.encounters.batch(EVENING, source_name="evening.txt", dry_run=True)
    assert [e.person.display_name for e in would] == ["Hélène Dubois", "Paul Martin"]
    assert [q.asked for q in would[1].questions] == ["Who prints your labels?"]
    assert journal.counts() == before
    logged = journal.encounters.batch(EVENING, source_name="evening.txt")
    assert len(logged) == 2
    assert last_change(journal).summary == "Logged 2 encounters from evening.txt"
    with pytest.raises(ImportFormatError, match="evening.txt:4: Hélène Dubois was already"):
        journal.encounters.batch(EVENING, source_name="evening.txt", dry_run=True)
    again = EVENING.replace("person: Paul Martin\n", "person: Paul Martin\nagain: yes\n")
    with pytest.raises(ImportFormatError, match="evening.txt:4: "):  # Hélène: no 'again'
        journal.encounters.batch(again, source_name="evening.txt")
    assert len(journal.encounters.batch(EVENING, again=True)) == 2
    assert journal.counts()["encounters"] == 4


def test_bulk_and_log_record(journal: Journal) -> None:
    assert journal.encounters.bulk([EncounterSpec(f"P{i}") for i in range(3)], chunk=2) == 3
    record = journal.encounters.log_record("P1", notes="quick", again=True)
    assert record == to_dict(journal.encounters.get(record["id"]))


# -- leads and outcomes -------------------------------------------------------------------


def test_leads_verbs(journal: Journal) -> None:
    encounter = seed(journal)
    added = journal.leads.add(encounter.id, "advice", "Try corrugated", tags=["x"])
    assert isinstance(added, Lead) and added.encounter.person.display_name == "Hélène Dubois"
    assert journal.leads.get(added.id).summary == "Try corrugated"
    assert {lead.id for lead in journal.leads.list()} == {added.id, encounter.leads[0].id}
    updated = journal.leads.update(added.id, status="won", add_tags=["y"], remove_tags=["x"])
    assert (updated.status, updated.tag_names) == ("won", ["y"])
    assert last_change(journal).summary == f"Edited lead #{added.id}: status, tags"
    deleted = journal.leads.delete(added.id)
    assert isinstance(deleted, Lead) and deleted.summary == "Try corrugated"
    assert last_change(journal).summary == f"Deleted lead #{added.id} (advice: Try corrugated)"
    with pytest.raises(NotFound, match=f"No lead with id {added.id}."):
        journal.leads.get(added.id)


def test_outcomes_verbs(journal: Journal) -> None:
    lead = seed(journal).leads[0]
    journal.set_profile(currency="CHF")
    added = journal.outcomes.add(lead.id, "Switched", value="1800", date="2026-12-15")
    assert isinstance(added, Outcome) and (added.value, added.currency) == (Decimal("1800"), "CHF")
    assert journal.leads.get(lead.id).status == "won"
    assert journal.outcomes.get(added.id).description == "Switched"
    assert [o.id for o in journal.outcomes.list(lead=lead.id)] == [added.id]
    updated = journal.outcomes.update(added.id, value="2000", currency="usd", kind="savings")
    assert (updated.value, updated.currency, updated.kind) == (Decimal("2000"), "USD", "savings")
    with pytest.raises(InvalidInput, match="predates"):
        journal.outcomes.update(added.id, date="2020-01-01")
    deleted = journal.outcomes.delete(added.id)
    assert isinstance(deleted, Outcome) and deleted.value == Decimal("2000")
    assert journal.outcomes.list() == []


def test_the_same_outcome_twice_is_refused_unless_again(journal: Journal) -> None:
    lead = seed(journal).leads[0]
    first = journal.outcomes.add(lead.id, "Order", value="60", date="2026-12-01")
    with pytest.raises(InvalidInput, match=f"already has this outcome .*outcome #{first.id}"):
        journal.outcomes.add(lead.id, "Order again", value="60.00", date="2026-12-01")
    journal.outcomes.add(lead.id, "Order again", value="60", date="2026-12-01", again=True)
    journal.outcomes.add(lead.id, "Another", value="60", date="2026-12-02")
    journal.outcomes.add(lead.id, "Dollars", value="60", currency="USD", date="2026-12-01")
    assert len(journal.outcomes.list(lead=lead.id)) == 4


# -- follow-ups ---------------------------------------------------------------------------


def test_followups_verbs(journal: Journal) -> None:
    encounter = seed(journal)
    added = journal.followups.add("helene", "2026-12-01", "Call back", encounter=encounter.id)
    assert isinstance(added, FollowUp) and added.person.display_name == "Hélène Dubois"
    assert added.encounter_id == encounter.id
    assert journal.followups.get(added.id).action == "Call back"
    assert [f.id for f in journal.followups.list(person="helene")][-1] == added.id
    updated = journal.followups.update(added.id, due="2026-12-05", action="Call her back")
    assert (updated.due, updated.action) == (dt.date(2026, 12, 5), "Call her back")
    done = journal.followups.done(added.id, on="2026-11-04")  # not a day still to come
    assert done.done_on == dt.date(2026, 11, 4)
    assert last_change(journal).kind == "followup.done"
    assert journal.followups.reopen(added.id).done_on is None
    deleted = journal.followups.delete(added.id)
    assert isinstance(deleted, FollowUp) and deleted.action == "Call her back"
    with pytest.raises(NotFound, match="No follow-up with id"):
        journal.followups.get(added.id)
    with pytest.raises(NotFound, match="No encounter with id 999"):
        journal.followups.add("helene", "2026-12-01", "x", encounter=999)


# -- ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["encounters", "leads", "outcomes", "followups"])
def test_ids_that_are_not_numbers_are_invalid_input(journal: Journal, name: str) -> None:
    collection = getattr(journal, name)
    for bad in ("abc", "12abc", "", "١٢"):
        with pytest.raises(InvalidInput, match="is not a"):
            collection.get(bad)
    with pytest.raises(InvalidInput):
        collection.delete("abc")
    with pytest.raises(InvalidInput):
        collection.update("abc")


@pytest.mark.parametrize("big", [2**63, 2**64, 10**30, str(10**30), -1, 0])
def test_ids_out_of_range_are_not_found(journal: Journal, big: int | str) -> None:
    for name in ("encounters", "leads", "outcomes", "followups", "people", "events"):
        with pytest.raises((NotFound, InvalidInput)):
            getattr(journal, name).get(big)
    with pytest.raises(NotFound):
        journal.leads.get(big)


# -- nothing raises after the call --------------------------------------------------------


def test_records_handed_back_can_be_read_entirely(journal: Journal) -> None:
    encounter = seed(journal)
    person = journal.people.get(encounter.person_id)
    lead = encounter.leads[0]
    outcome = journal.outcomes.add(lead.id, "Saved", value="5", date="2026-12-01")
    followup = encounter.followups[0]
    event = journal.events.get("Lyon Tech Meetup")
    handed_back: list[object] = [
        encounter,
        person,
        event,
        outcome,
        followup,
        journal.people.add("Zoé", emails=["z@x.fr"]),
        journal.people.update(person.id, title="CEO"),
        *journal.people.list(),
        journal.events.update(event.id, notes="n"),
        *journal.events.list(),
        journal.encounters.get(encounter.id),
        journal.encounters.update(encounter.id, notes="n"),
        *journal.encounters.list(),
        journal.leads.get(lead.id),
        journal.leads.update(lead.id, details="d"),
        *journal.leads.list(),
        journal.outcomes.get(outcome.id),
        journal.outcomes.update(outcome.id, kind="savings"),
        *journal.outcomes.list(),
        journal.followups.get(followup.id),
        journal.followups.update(followup.id, action="a"),
        journal.followups.done(followup.id),
        *journal.followups.list(include_done=True),
        journal.followups.add(person.id, "2026-12-24", "Card"),
        journal.outcomes.delete(outcome.id),
        journal.leads.delete(lead.id),
        journal.followups.delete(followup.id),
        journal.encounters.delete(encounter.id),
        journal.events.delete(event.id),
        journal.people.delete(person.id),
    ]
    kinds = {type(r) for r in handed_back}
    assert kinds == {Person, Event, Encounter, Lead, Outcome, FollowUp}
    for record in handed_back:
        read_everything(record)
