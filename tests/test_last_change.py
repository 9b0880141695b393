"""``Journal.last_change``: what the last write call changed, in the library's own words, and
``None`` when it wrote nothing; with the small gaps filled alongside (outcome filters, who a
batch would add, an event's blank required fields). On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers import Seeds

from netjournal import Journal
from netjournal.errors import ImportFormatError, InvalidInput, NotFound

DAY = "2026-11-20"

EVENING = """\
event: Lyon Tech Meetup
date: 2026-11-21

person: Hélène Dubois
notes: packaging

person: Paul Martin
asked: Who prints your labels? => A shop in Vénissieux

person: paul martin
again: yes
notes: the same new person, named twice

person: Zoé Roux
"""


@pytest.fixture
def seeded(journal: Journal, journal_url: str, seeds: Seeds) -> dict[str, int]:
    """An event, Hélène with an encounter, a lead, an outcome and a follow-up: their ids
    (written once per test process and backend)."""
    ids: dict[str, int] = seeds.restore(journal_url, _seed)
    return ids


def _seed(journal: Journal) -> dict[str, int]:
    journal.events.add("Lyon Tech Meetup", DAY, kind="meetup", cost="12", tags=["lyon"])
    encounter = journal.log(
        "Hélène Dubois",
        event="Lyon Tech Meetup",
        organization="Emballix",
        tags=["warm"],
        leads=[("supplier", "Cheaper boxes")],
        followups=[("2026-11-27", "Send her our volumes")],
    )
    lead = encounter.leads[0]
    outcome = journal.outcomes.add(lead.id, "Saved", value="10", date="2026-12-01")
    journal.people.add("Zoé Roux")
    return {
        "event": encounter.event_id or 0,
        "person": encounter.person_id,
        "encounter": encounter.id,
        "lead": lead.id,
        "outcome": outcome.id,
        "followup": encounter.followups[0].id,
    }


def newest(journal: Journal) -> Any:
    return journal.history(limit=1)[0]


def test_last_change_is_the_change_set_each_write_recorded(journal: Journal) -> None:
    assert journal.last_change is None  # nothing written through this object yet
    added = journal.people.add("Anna Berg", organization="Bricolux")
    change = journal.last_change
    assert change is not None and change == newest(journal)
    assert (change.kind, change.summary) == ("person.add", f"Added Anna Berg (#{added.id})")
    assert change.rows >= 1

    journal.people.get(added.id)  # a read leaves it as it is
    assert journal.last_change == change

    journal.people.update(added.id, title="CTO")
    edited = journal.last_change
    assert edited is not None and edited == newest(journal)
    assert edited.summary == f"Edited Anna Berg (#{added.id}): title"

    journal.people.update(added.id, title="CTO")  # the same value: nothing written
    assert journal.last_change is None
    assert newest(journal) == edited

    with pytest.raises(NotFound):
        journal.people.update(999, title="CEO")
    assert journal.last_change is None  # a failed call wrote nothing

    journal.people.delete(added.id)
    deleted = journal.last_change
    assert deleted is not None and deleted.summary == f"Deleted Anna Berg (#{added.id})"
    assert deleted == newest(journal)

    other = journal.people.add("Bob Marsh")
    journal.people.forget(other.id)  # records nothing, on purpose
    assert journal.last_change is None


def test_dry_runs_leave_no_last_change(journal: Journal, tmp_path: Any) -> None:
    journal.events.add("Lyon Tech Meetup", DAY)
    assert journal.last_change is not None
    journal.encounters.batch(EVENING, dry_run=True)
    assert journal.last_change is None
    journal.encounters.batch(EVENING)
    logged = journal.last_change
    assert logged is not None and logged.summary == "Logged 4 encounters from <stdin>"


#: For each collection: an update that changes exactly these fields (in the library's words).
EDITS: list[tuple[str, Callable[[Journal, dict[str, int]], Any], str]] = [
    (
        "person",
        lambda j, ids: j.people.update(
            ids["person"], display_name="Hélène Dubois-Roux", title="CEO", organization="Emballix"
        ),
        "Edited Hélène Dubois-Roux (#{person}): name, title",
    ),
    (
        "event",
        lambda j, ids: j.events.update(
            ids["event"], cost="15", kind="meetup", end_date="2026-11-21", add_tags=["b"]
        ),
        "Edited Lyon Tech Meetup (#{event}): end date, cost, tags",
    ),
    (
        "encounter",
        lambda j, ids: j.encounters.update(
            ids["encounter"], notes="Boxes", pitched=True, outside_field=None, remove_tags=["warm"]
        ),
        "Edited encounter #{encounter} (Hélène Dubois): notes, pitched, tags",
    ),
    (
        "encounter, with queries in between",  # (a query must not flush, and so hide, a change)
        lambda j, ids: j.encounters.update(
            ids["encounter"], date="2026-11-21", event="", introduced_by="Zoé", add_tags=["new"]
        ),
        "Edited encounter #{encounter} (Hélène Dubois): event, introduced by, date, tags",
    ),
    (
        "lead",
        lambda j, ids: j.leads.update(
            ids["lead"], status="won", points_to="Her supplier", kind="supplier"
        ),
        "Edited lead #{lead}: points to",
    ),
    (
        "outcome",
        lambda j, ids: j.outcomes.update(ids["outcome"], value="12", date="2026-12-01"),
        "Edited outcome #{outcome} of lead #{lead}: value",
    ),
    (
        "follow-up",
        lambda j, ids: j.followups.update(ids["followup"], due="2026-11-30"),
        "Edited follow-up #{followup}: due",
    ),
]


@pytest.mark.parametrize(("what", "edit", "summary"), EDITS, ids=[e[0] for e in EDITS])
def test_each_update_names_exactly_the_fields_it_changed(
    journal: Journal, seeded: dict[str, int], what: str, edit: Any, summary: str
) -> None:
    edit(journal, seeded)
    change = journal.last_change
    assert change is not None and change.summary == summary.format(**seeded)
    assert change == newest(journal)


#: For each collection: an update to the values already stored.
SAME: list[tuple[str, Callable[[Journal, dict[str, int]], Any]]] = [
    ("person", lambda j, ids: j.people.update(ids["person"], organization="Emballix")),
    (
        "event",
        lambda j, ids: j.events.update(
            ids["event"], cost="12.00", kind="meetup", name="Lyon Tech Meetup", add_tags=["LYON"]
        ),
    ),
    ("encounter", lambda j, ids: j.encounters.update(ids["encounter"], date=DAY, notes="")),
    ("lead", lambda j, ids: j.leads.update(ids["lead"], status="won", remove_tags=["x"])),
    ("outcome", lambda j, ids: j.outcomes.update(ids["outcome"], value="10", currency="EUR")),
    (
        "follow-up",
        lambda j, ids: j.followups.update(ids["followup"], action="Send her our volumes"),
    ),
]


@pytest.mark.parametrize(("what", "edit"), SAME, ids=[s[0] for s in SAME])
def test_an_update_to_the_same_values_records_no_change(
    journal: Journal, seeded: dict[str, int], what: str, edit: Any
) -> None:
    count = len(journal.history(limit=None))
    assert edit(journal, seeded).id is not None  # the record, as stored
    assert journal.last_change is None
    assert len(journal.history(limit=None)) == count


def test_deletes_say_what_went(journal: Journal, seeded: dict[str, int]) -> None:
    journal.outcomes.add(seeded["lead"], "Hired", kind="hire", date="2026-12-02")
    journal.followups.delete(seeded["followup"])
    assert journal.last_change is not None
    assert journal.last_change.summary == (
        f"Deleted follow-up #{seeded['followup']}: Send her our volumes"
    )
    journal.outcomes.delete(seeded["outcome"])
    assert journal.last_change is not None
    assert journal.last_change.summary == (
        f"Deleted outcome #{seeded['outcome']} of lead #{seeded['lead']}"
    )
    journal.leads.delete(seeded["lead"])
    assert journal.last_change is not None
    assert journal.last_change.summary == (
        f"Deleted lead #{seeded['lead']} (supplier: Cheaper boxes) and its 1 outcome"
    )
    journal.encounters.delete(seeded["encounter"])
    assert journal.last_change is not None
    assert journal.last_change.summary == (
        f"Deleted encounter #{seeded['encounter']} (Hélène Dubois at Lyon Tech Meetup, {DAY}) "
        "with 0 questions, 0 leads, 0 outcomes, 0 follow-ups"
    )
    journal.events.delete(seeded["event"])
    assert journal.last_change is not None
    assert journal.last_change.summary == f"Deleted Lyon Tech Meetup (#{seeded['event']}) of {DAY}"


# -- the small gaps ----------------------------------------------------------------------------


def test_outcomes_filter_by_person_and_kind(journal: Journal, seeded: dict[str, int]) -> None:
    hire = journal.outcomes.add(seeded["lead"], "Hired", kind="hire", date="2026-12-02")
    other = journal.log("Paul Martin", date=DAY, leads=[("customer", "A first order")])
    order = journal.outcomes.add(other.leads[0].id, "Order", value="300", kind="revenue")
    assert [o.id for o in journal.outcomes.list(person="helene")] == [hire.id, seeded["outcome"]]
    assert [o.id for o in journal.outcomes.list(person=other.person_id)] == [order.id]
    assert [o.id for o in journal.outcomes.list(kind="hire")] == [hire.id]
    assert [o.id for o in journal.outcomes.list(kind="revenue", person="paul")] == [order.id]
    assert journal.outcomes.list(kind="hire", person="paul") == []
    with pytest.raises(InvalidInput, match="outcome kind"):
        journal.outcomes.list(kind="nonsense")
    with pytest.raises(NotFound):
        journal.outcomes.list(person="Nobody Here")


def test_a_batch_says_who_it_adds_dry_run_or_not(journal: Journal) -> None:
    journal.events.add("Lyon Tech Meetup", DAY)
    journal.people.add("Hélène Dubois")
    before = journal.counts()
    would = journal.encounters.batch(EVENING, dry_run=True)
    assert [e.person.display_name for e in would] == [
        "Hélène Dubois",
        "Paul Martin",
        "Paul Martin",
        "Zoé Roux",
    ]
    assert [p.display_name for p in would.new_people] == ["Paul Martin", "Zoé Roux"]
    assert journal.counts() == before
    logged = journal.encounters.batch(EVENING)
    assert [p.display_name for p in logged.new_people] == ["Paul Martin", "Zoé Roux"]
    assert {p.id for p in logged.new_people} == {logged[1].person_id, logged[3].person_id}
    again = journal.encounters.batch(EVENING.replace("2026-11-21", "2026-11-22"), dry_run=True)
    assert again.new_people == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("name", "An event needs a name."),
        ("start_date", "An event needs a start date."),
        ("kind", "An event needs a kind"),
    ],
)
def test_an_event_refuses_a_blank_required_field(
    journal: Journal, field: str, message: str
) -> None:
    added = journal.events.add("Lyon Tech Meetup", DAY, kind="meetup")
    count = len(journal.history(limit=None))
    for blank in ("", "   "):
        with pytest.raises(InvalidInput, match=message):
            journal.events.update(added.id, **{field: blank}, location="Lyon")
    stored = journal.events.get(added.id)
    assert (stored.name, str(stored.start_date), stored.kind, stored.location) == (
        "Lyon Tech Meetup",
        DAY,
        "meetup",
        None,
    )
    assert len(journal.history(limit=None)) == count


def test_duplicate_refusals_name_no_python_parameter(journal: Journal) -> None:
    first = journal.log("Hélène Dubois", date=DAY, leads=[("supplier", "Boxes")])
    with pytest.raises(InvalidInput) as logged:
        journal.log("Hélène Dubois", date=DAY)
    outcome = journal.outcomes.add(first.leads[0].id, "Order", value="60", date=DAY)
    with pytest.raises(InvalidInput) as recorded:
        journal.outcomes.add(first.leads[0].id, "Order", value="60", date=DAY)
    assert str(logged.value).endswith(
        f"(encounter #{first.id}); log it again explicitly to keep both."
    )
    assert str(recorded.value).endswith(
        f"outcome #{outcome.id}); record it again explicitly to keep both."
    )
    for error in (logged.value, recorded.value):
        assert "again=" not in str(error) and "--" not in str(error)


def test_a_batch_refusal_still_names_its_line(journal: Journal) -> None:
    journal.encounters.batch(EVENING)
    with pytest.raises(ImportFormatError, match=r":4: Hélène Dubois was already logged"):
        journal.encounters.batch(EVENING)
