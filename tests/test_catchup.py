"""Cadences and the catch-up list (issue 15 items 1 and 2), on SQLite and PostgreSQL: a season
with known dates ranked by hand, person beats tag, done follow-ups and connections, ties,
undo, the JSON round trip and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from clirun import fails, ok
from helpers import Seeds
from sqlalchemy import update

from netjournal import Journal
from netjournal import tables as t
from netjournal.cadence import duration
from netjournal.errors import InvalidInput, NotFound

TODAY = "2026-11-30"


def _set(journal: Journal, table: t.Table, where: object, **values: object) -> None:
    """A raw write (no change set), for what the API does not let a test choose."""
    with journal.engine.begin() as connection:
        connection.execute(update(table).where(where).values(**values))


def season(journal: Journal) -> None:
    """Eight people; by hand, on 2026-11-30 (days since the last touch, cadence):

    - Ann (clients 30/60): met 09-01: 90 days, 60 late, lateness 2.00, past the limit.
    - Bob (clients, but his own 14): met 11-01: 29 days, 15 late, 15/14 = 1.07.
    - Chloé (clients 30/60 and friends 90: the shortest wins): met 10-01: 60 days, 30 late,
      1.00, not past 60 (60 is not more than 60).
    - Dan (clients): met 08-01 but a follow-up done 11-20: 10 days, not due.
    - Eve (clients): met 10-31: 30 days, due today (0.00); a LinkedIn connection on 11-25
      does not count.
    - Fay (friends 90): met 09-01: 90 days, due today (0.00): ties with Eve, by name.
    - Gus: no cadence, never listed.
    - Hal (his own 30, never met): added 10-01: 60 days, 30 late, 1.00: ties with Chloé.
    """
    journal.events.add("Lyon Tech Meetup", "2026-09-01", kind="meetup")
    journal.log(
        "Ann",
        event="Lyon Tech Meetup",
        date="2026-09-01",
        questions=[("Who buys your boxes?", "Lyon firms")],
        leads=[("customer", "Boxes for her shop")],
        followups=[("2026-12-05", "Send prices")],
    )
    journal.log("Bob", date="2026-11-01", notes="Talked about labels")
    journal.log(
        "Chloé",
        date="2026-10-01",
        questions=[("What keeps you up at night?", "Suppliers"), ("Who else?", None)],
        leads=[("partner", "Joint offer"), ("advice", "Her accountant")],
    )
    journal.log("Dan", date="2026-08-01")
    dan_todo = journal.followups.add("Dan", "2026-11-15", "Call Dan")
    journal.followups.done(dan_todo.id, on="2026-11-20")
    journal.log("Eve", date="2026-10-31")
    connected = journal.log("Eve", date="2026-11-25")
    _set(journal, t.encounters, t.encounters.c.id == connected.id, kind="connection")
    journal.log("Fay", date="2026-09-01")
    journal.log("Gus", date="2026-01-01")
    hal = journal.people.add("Hal")
    _set(journal, t.people, t.people.c.id == hal.id, created_at=dt.datetime(2026, 10, 1, 10))
    for who in ("Ann", "Bob", "Chloé", "Dan", "Eve"):
        journal.people.update(who, add_tags=["clients"])
    for who in ("Chloé", "Fay"):
        journal.people.update(who, add_tags=["friends"])
    journal.cadences.set("clients", every="30d", at_most="2m")
    journal.cadences.set("friends", every=90)
    journal.people.update("Bob", every="2w")
    journal.people.update("Hal", every=30)
    # Chloé's question surfaced two leads (one won, worth 500 EUR), Ann's one.
    chloe_lead = journal.leads.list(status="open")[1]
    journal.outcomes.add(chloe_lead.id, "Signed", value="500", date="2026-10-20")


@pytest.fixture
def seasoned(journal_url: str, seeds: Seeds) -> None:
    """The season above in the test's journal, written once per test process and backend."""
    seeds.restore(journal_url, season)


@pytest.mark.usefixtures("seasoned")
def test_the_season_is_ranked_as_computed_by_hand(journal: Journal) -> None:
    found = journal.catchup(today=TODAY)
    assert [(c.person, c.days_since, c.days_late, c.lateness, c.past_limit) for c in found] == [
        ("Ann", 90, 60, Decimal("2.00"), True),
        ("Bob", 29, 15, Decimal("1.07"), False),
        ("Chloé", 60, 30, Decimal("1.00"), False),
        ("Hal", 60, 30, Decimal("1.00"), False),
        ("Eve", 30, 0, Decimal("0.00"), False),
        ("Fay", 90, 0, Decimal("0.00"), False),
    ]
    by_name = {c.person: c for c in found}
    assert (by_name["Bob"].every, by_name["Bob"].at_most, by_name["Bob"].cadence_from) == (
        14,
        None,
        "person",
    )
    assert (by_name["Chloé"].every, by_name["Chloé"].cadence_from) == (30, "tag clients")
    assert by_name["Fay"].cadence_from == "tag friends"
    assert str(by_name["Eve"].last_touch) == "2026-10-31"  # not the connection of 11-25
    assert by_name["Hal"].last_met is None and str(by_name["Hal"].last_touch) == "2026-10-01"
    ann = by_name["Ann"]
    assert (str(ann.last_met), ann.last_event) == ("2026-09-01", "Lyon Tech Meetup")
    assert (ann.last_question, ann.last_answer) == ("Who buys your boxes?", "Lyon firms")
    assert ann.talked_about == "Who buys your boxes? — Lyon firms"
    assert (ann.open_leads, ann.lead_kinds) == (1, ("customer",))
    assert ann.open_followups == ("2026-12-05: Send prices",)
    assert ann.late == "60 days late (past 60)"
    # the best question (2 leads) was never asked of Ann; Chloé was asked it: the next best
    assert (ann.next_question, ann.next_question_leads) == ("What keeps you up at night?", 2)
    chloe = by_name["Chloé"]
    assert chloe.talked_about == "Who else?"  # the last question of the last meeting
    assert (chloe.open_leads, chloe.lead_kinds) == (1, ("advice",))
    assert (chloe.next_question, chloe.next_question_asked) == ("Who buys your boxes?", False)
    assert by_name["Bob"].talked_about == "Talked about labels"  # no question: the notes


@pytest.mark.usefixtures("seasoned")
def test_limit_tags_and_another_day(journal: Journal) -> None:
    assert [c.person for c in journal.catchup(today=TODAY, limit=2)] == ["Ann", "Bob"]
    assert [c.person for c in journal.catchup(today=TODAY, tags=["friends"])] == ["Chloé", "Fay"]
    assert [c.person for c in journal.catchup(today=TODAY, tags=["clients", "friends"])] == [
        "Chloé"
    ]
    # On 10-20 the later meetings and Dan's follow-up had not happened: Dan is 80 days from
    # 08-01 (50 late, 1.67), Ann 49 days (19 late, 0.63); the others are not due yet.
    earlier = journal.catchup(today="2026-10-20")
    assert [(c.person, c.days_late, c.lateness) for c in earlier] == [
        ("Dan", 50, Decimal("1.67")),
        ("Ann", 19, Decimal("0.63")),
    ]
    with pytest.raises(InvalidInput, match="No tag 'nope'"):
        journal.catchup(today=TODAY, tags=["nope"])
    with pytest.raises(InvalidInput, match="limit"):
        journal.catchup(limit=0)


@pytest.mark.usefixtures("seasoned")
def test_a_done_followup_and_a_new_meeting_reset_the_clock(journal: Journal) -> None:
    todo = journal.followups.add("Ann", "2026-11-28", "Call Ann")
    journal.followups.done(todo.id, on="2026-11-29")
    journal.log("Bob", date="2026-11-30")
    names = [c.person for c in journal.catchup(today=TODAY)]
    assert "Ann" not in names and "Bob" not in names


@pytest.mark.usefixtures("seasoned")
def test_person_setting_beats_tags_and_clearing_falls_back(journal: Journal) -> None:
    journal.people.update("Ann", every="6m")  # 180 days: her own, longer than the tag's
    assert "Ann" not in [c.person for c in journal.catchup(today=TODAY)]
    journal.people.update("Bob", every="none")  # back to the clients tag: 29 < 30
    found = {c.person: c for c in journal.catchup(today=TODAY)}
    assert "Bob" not in found
    bob = journal.people.get("Bob")
    assert (bob.cadence_days, bob.cadence_max_days) == (None, None)
    # Two tags as demanding: the first by name says where the cadence comes from; a shorter
    # limit on the same rhythm is more demanding.
    journal.people.update("Chloé", add_tags=["accounts", "zulu"])
    journal.cadences.set("accounts", every=30, at_most=60)
    journal.cadences.set("zulu", every=30, at_most=45)
    chloe = {c.person: c for c in journal.catchup(today=TODAY)}["Chloé"]
    assert (chloe.cadence_from, chloe.at_most, chloe.past_limit) == ("tag zulu", 45, True)
    journal.cadences.clear("zulu")
    chloe = {c.person: c for c in journal.catchup(today=TODAY)}["Chloé"]
    assert (chloe.cadence_from, chloe.at_most) == ("tag accounts", 60)


def test_cadence_edits_are_undone(journal: Journal) -> None:
    journal.people.add("Ann", tags=["clients"])
    journal.people.update("Ann", every="4w", at_most="60")
    assert journal.last_change is not None
    assert journal.last_change.summary == "Edited Ann (#1): cadence, cadence limit"
    ann = journal.people.get("Ann")
    assert (ann.cadence_days, ann.cadence_max_days) == (28, 60)
    journal.people.update("Ann", every="28")
    assert journal.last_change is None  # nothing differs, nothing written
    journal.undo()
    ann = journal.people.get("Ann")
    assert (ann.cadence_days, ann.cadence_max_days) == (None, None)

    journal.cadences.set("clients", every="1m")
    assert journal.last_change is not None
    assert journal.last_change.summary == "Cadence of tag clients: every 30 days"
    journal.cadences.set("clients", every=30)
    assert journal.last_change is None
    journal.cadences.set("clients", every=30, at_most="45d")
    assert [str(c) for c in journal.cadences.list()] == ["clients: every 30 days, at most 45"]
    journal.undo()
    assert journal.cadences.get("clients").at_most is None
    journal.cadences.clear("clients")
    assert journal.cadences.list() == []
    journal.undo()
    assert [(c.tag, c.every, c.people) for c in journal.cadences.list()] == [("clients", 30, 1)]


@pytest.mark.parametrize(
    ("value", "days"),
    [(30, 30), ("30", 30), ("30d", 30), ("6w", 42), ("3m", 90), ("1y", 365), ("2 weeks", 14)],
)
def test_durations(value: object, days: int) -> None:
    assert duration(value) == days


@pytest.mark.parametrize("value", [0, "0d", "soon", "-3d", "3x", 36_501, True, 2.5, "1" * 20])
def test_bad_durations_are_refused(value: object) -> None:
    with pytest.raises(InvalidInput):
        duration(value)


def test_bad_cadences_are_refused_and_change_nothing(journal: Journal) -> None:
    journal.people.add("Ann", tags=["clients"])
    with pytest.raises(InvalidInput, match="shorter than the rhythm"):
        journal.people.update("Ann", every="60d", at_most="30d")
    with pytest.raises(InvalidInput, match="needs a rhythm"):
        journal.people.update("Ann", at_most="30d")
    with pytest.raises(NotFound, match="No tag 'cleints'"):
        journal.cadences.set("cleints", every=30)
    with pytest.raises(InvalidInput, match="shorter than the rhythm"):
        journal.cadences.set("clients", every=30, at_most=10)
    ann = journal.people.get("Ann")
    assert (ann.cadence_days, ann.cadence_max_days) == (None, None)
    assert journal.cadences.list() == []


def test_the_json_export_carries_cadences(journal: Journal, tmp_path: Path) -> None:
    journal.people.add("Ann", tags=["clients"])
    journal.people.update("Ann", every=14, at_most=21)
    journal.cadences.set("clients", every=30, at_most=60)
    out = io.StringIO()
    journal.export_json(out)
    document = json.loads(out.getvalue())
    assert document["people"][0]["cadence_days"] == 14
    assert document["people"][0]["cadence_max_days"] == 21
    assert document["tags"][0]["cadence_days"] == 30
    with Journal.open(tmp_path / "copy.db") as copy:
        copy.import_json(io.StringIO(out.getvalue()), source_name="export.json")
        ann = copy.people.get("Ann")
        assert (ann.cadence_days, ann.cadence_max_days) == (14, 21)
        assert [(c.tag, c.every, c.at_most) for c in copy.cadences.list()] == [("clients", 30, 60)]
        again = io.StringIO()
        copy.export_json(again)
        assert again.getvalue() == out.getvalue()


def test_forgetting_the_last_person_of_a_tag_keeps_its_cadence(journal: Journal) -> None:
    journal.log("Ann", date="2026-11-01", tags=["clients"])
    journal.people.update("Ann", add_tags=["clients"])
    journal.cadences.set("clients", every=30)
    journal.people.forget("Ann")
    assert [(c.tag, c.people) for c in journal.cadences.list()] == [("clients", 0)]


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def db(journal_url: str) -> list[str]:
    return ["--db", journal_url]


def test_cli_cadence_and_catchup(journal_url: str, db: list[str], seeds: Seeds) -> None:
    seeds.restore(journal_url, season)
    assert "clients            30              60       5" in ok(*db, "cadence")
    listed = json.loads(ok(*db, "cadence", "--json"))
    assert listed == [
        {"tag": "clients", "every": 30, "at_most": 60, "people": 5},
        {"tag": "friends", "every": 90, "at_most": None, "people": 2},
    ]
    assert ok(*db, "cadence", "friends", "--every", "3m", "--at-most", "4m") == (
        "Cadence of tag friends: every 90 days, at most 120.\n"
    )
    assert ok(*db, "cadence", "friends", "--every", "3m", "--at-most", "4m") == (
        "Nothing to change: friends: every 90 days, at most 120.\n"
    )
    assert ok(*db, "cadence", "friends", "--clear").startswith("Cadence of tag friends: no")
    assert ok(*db, "people", "edit", "Gus", "--every", "30d") == "Edited Gus (#7): cadence.\n"
    rows = json.loads(ok(*db, "catchup", "--today", TODAY, "--json", "--limit", "3"))
    assert [(r["person"], r["days_late"], r["lateness"]) for r in rows] == [
        ("Gus", 303, "10.10"),
        ("Ann", 60, "2.00"),
        ("Bob", 15, "1.07"),
    ]
    table = ok(*db, "catchup", "--today", TODAY, "--tag", "clients")
    assert table.splitlines()[1].split()[:3] == ["1", "Ann", "60"]
    csv_rows = ok(*db, "catchup", "--today", TODAY, "--csv").splitlines()
    assert csv_rows[0].startswith("person_id,person,days_late")
    assert len(csv_rows) == 1 + 6  # Gus, Ann, Bob, Chloé, Hal, Eve (Fay's tag was cleared)


def test_cli_refusals_write_nothing(journal_url: str, db: list[str], seeds: Seeds) -> None:
    seeds.restore(journal_url, season)
    before = ok(*db, "export", "json")
    assert "No tag 'nope'" in fails(*db, "cadence", "nope", "--every", "30d")
    assert "No tag 'nope'" in fails(*db, "catchup", "--tag", "nope")
    assert "not 'soon'" in fails(*db, "cadence", "clients", "--every", "soon")
    assert "shorter than the rhythm" in fails(
        *db, "people", "edit", "Ann", "--every", "2m", "--at-most", "1m"
    )
    assert "from 1 day" in fails(*db, "people", "edit", "Ann", "--every", "0")
    assert "today's date" in fails(*db, "catchup", "--today", "someday soon")
    fails(*db, "cadence", "--every", "30d", code=2)
    fails(*db, "cadence", "clients", "--clear", "--every", "3d", code=2)
    fails(*db, "cadence", "clients", "--at-most", "3d", code=2)
    assert json.loads(ok(*db, "cadence", "clients", "--json")) == [
        {"tag": "clients", "every": 30, "at_most": 60, "people": 5}
    ]
    assert ok(*db, "export", "json") == before


# -- catch-up reminders in the iCalendar export (issue 15 item 5) ----------------------------


def _ical(journal: Journal, today: str, **options: object) -> tuple[str, dict[str, int]]:
    from netjournal.exchange.ical import write_ical

    out = io.StringIO()
    with journal.engine.connect() as connection:
        stats = write_ical(connection, out, today=dt.date.fromisoformat(today), **options)  # type: ignore[arg-type]
    return out.getvalue(), stats.counts


@pytest.mark.usefixtures("seasoned")
def test_ical_has_one_reminder_per_person_due(journal: Journal) -> None:
    import icalendar
    import recurring_ical_events

    text, counts = _ical(journal, TODAY)
    assert counts["catch-ups"] == 6
    calendar = icalendar.Calendar.from_ical(text)
    reminders = [c for c in calendar.walk("VEVENT") if str(c["uid"]).startswith("catchup-")]
    assert [str(c["summary"]) for c in reminders] == [
        "Catch up with Ann: 60 days late (past 60)",
        "Catch up with Bob: 15 days late",
        "Catch up with Chloé: 30 days late",
        "Catch up with Eve: due today",
        "Catch up with Fay: due today",
        "Catch up with Hal: 30 days late",
    ]  # all on today, in person order
    ann = reminders[0]
    assert ann.decoded("dtstart") == dt.date(2026, 11, 30)
    assert ann.decoded("dtend") == dt.date(2026, 12, 1)
    (alarm,) = ann.walk("VALARM")
    assert alarm.decoded("trigger") == dt.timedelta(hours=9)
    assert "Ask: What keeps you up at night?" in str(ann["description"])
    assert "Last met on 2026-09-01 at Lyon Tech Meetup." in str(ann["description"])
    today = recurring_ical_events.of(calendar).at(dt.date(2026, 11, 30))
    assert len([c for c in today if str(c["uid"]).startswith("catchup-")]) == 6
    # The UID is the person's: the same on another day, whatever the date and summary.
    again, _ = _ical(journal, "2026-12-01")
    uids = {str(c["uid"]) for c in reminders}
    later = icalendar.Calendar.from_ical(again).walk("VEVENT")
    assert uids <= {str(c["uid"]) for c in later}
    assert _ical(journal, TODAY)[0] == text  # the same day exports the same bytes


@pytest.mark.usefixtures("seasoned")
def test_ical_looks_ahead_to_until_and_filters(journal: Journal) -> None:
    import icalendar

    # Dan (touched 11-20, clients 30) falls due on 12-20; Gus has no cadence.
    text, counts = _ical(journal, TODAY, until="2026-12-20")
    assert counts["catch-ups"] == 7
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    dan = next(c for c in events if "Dan" in str(c["summary"]))
    assert dan.decoded("dtstart") == dt.date(2026, 12, 20)
    assert str(dan["summary"]) == "Catch up with Dan: due in 20 days"
    assert _ical(journal, TODAY, until="2026-12-19")[1]["catch-ups"] == 6
    assert _ical(journal, TODAY, since="2026-12-01", until="2026-12-20")[1]["catch-ups"] == 1
    assert _ical(journal, TODAY, tags=["friends"])[1]["catch-ups"] == 2
    todo, _ = _ical(journal, TODAY, todo=True)
    todos = icalendar.Calendar.from_ical(todo).walk("VTODO")
    assert len([c for c in todos if str(c["uid"]).startswith("catchup-")]) == 6


@pytest.mark.usefixtures("seasoned")
def test_prep_lists_who_among_the_people_met_there_is_due(journal: Journal) -> None:
    journal.log("Bob", event="Lyon Tech Meetup", date="2026-09-01")  # due: from 11-01
    journal.log("Gus", event="Lyon Tech Meetup", date="2026-09-01")  # no cadence
    report = journal.report("prep", event="Lyon Tech Meetup", today=TODAY)
    due = report.section("overdue").rows
    assert [(r.person, r.late, str(r.last_touch), r.every) for r in due] == [
        ("Ann", "60 days late (past 60)", "2026-09-01", 30),
        ("Bob", "15 days late", "2026-11-01", 14),
    ]  # Chloé, Eve, Fay and Hal are due too, but were not met there
    assert due[0].next_question == "What keeps you up at night?"
    early = journal.report("prep", event="Lyon Tech Meetup", today="2026-09-10")
    assert early.section("overdue").rows == ()
    assert early.section("overdue").empty.startswith("Nobody met at Lyon Tech Meetup")


def test_people_show_gives_the_persons_own_cadence(journal_url: str, db: list[str]) -> None:
    ok(*db, "log", "Ann", "--date", "2026-11-01")
    ok(*db, "people", "edit", "Ann", "--every", "2w", "--at-most", "21")
    assert "  Cadence: every 14 days, at most 21\n" in ok(*db, "people", "show", "Ann")
    shown = json.loads(ok(*db, "people", "show", "Ann", "--json"))["person"]
    assert (shown["cadence_days"], shown["cadence_max_days"]) == (14, 21)
    listed = json.loads(ok(*db, "people", "list", "--json"))
    assert (listed[0]["cadence_days"], listed[0]["cadence_max_days"]) == (14, 21)
    with Journal.open(journal_url) as journal:  # the ORM path gives the same
        from netjournal.serialize import to_dict

        assert to_dict(journal.people.get("Ann"))["cadence_days"] == 14
    assert ok(*db, "people", "edit", "Ann", "--every", "none") == (
        "Edited Ann (#1): cadence, cadence limit.\n"
    )
    assert "Cadence" not in ok(*db, "people", "show", "Ann")


def test_a_list_as_of_a_past_day_proposes_only_questions_asked_by_then(journal: Journal) -> None:
    journal.log("Early Bird", date="2026-01-05", questions=[("Who ships your parcels?", "DPD")])
    journal.people.update("Early Bird", every="30d")
    journal.log(
        "Later Contact",
        date="2026-06-01",
        questions=[("What would you automate first?", "Invoices")],
        leads=[("supplier", "An automation agency")],
    )
    (early,) = [c for c in journal.catchup(today="2026-03-01") if c.person == "Early Bird"]
    assert early.next_question is None  # the question that surfaced a lead came in June
    (now,) = [c for c in journal.catchup(today="2026-07-01") if c.person == "Early Bird"]
    assert now.next_question == "What would you automate first?"
