"""History and undo, on SQLite and PostgreSQL: every write is one change set, undoing one puts
the journal back exactly as it was (the JSON export proves it), conflicts are refused by name,
and forgetting a person erases them from the history too."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import Seeds
from sqlalchemy import func, select, text, update

from netjournal import Journal
from netjournal import tables as t
from netjournal.errors import NotFound, UndoConflict


def export(journal: Journal) -> Any:
    buffer = io.StringIO()
    journal.export_json(buffer)
    document = json.loads(buffer.getvalue())
    document.pop("exported_at", None)
    return document


def _season(journal: Journal) -> None:
    journal.set_profile(fields=["software"], hourly_rate=60, currency="EUR")
    journal.events.add("Lyon Tech Meetup", "2026-10-15", kind="meetup", hours=3, cost=12)
    journal.log(
        "Hélène Dubois",
        event="Lyon Tech",
        organization="Emballix",
        email="helene@emballix.test",
        questions=[("Who makes your boxes?", "A Lyon firm")],
        leads=[("supplier", "Her carton maker")],
        followups=[("2026-10-20", "Send our volumes")],
        tags=["packaging"],
    )
    journal.log("Marc Petit", event="Lyon Tech", notes="Met at the bar", introduced_by="Hélène")


@pytest.fixture
def season(journal_url: str, seeds: Seeds) -> None:
    """``_season`` in the test's journal, written once per test process and backend."""
    seeds.restore(journal_url, _season)


def _lead_id(journal: Journal) -> int:
    return journal.leads.list()[0].id


def _followup_id(journal: Journal) -> int:
    return journal.followups.list()[0].id


#: One write of each kind a user makes, applied to the season above.
STEPS: dict[str, Callable[[Journal], object]] = {
    "log": lambda j: j.log(
        "Zoé N'Diaye",
        event="Lyon Tech",
        questions=[("Funding?", "Seed")],
        leads=[("fundraising", "x")],
    ),
    "person edit": lambda j: j.people.update(
        "Hélène", title="COO", add_tags=["vip"], remove_emails=["helene@emballix.test"]
    ),
    "person delete": lambda j: j.people.delete("Marc Petit"),
    "merge": lambda j: (
        j.people.add("Helene Dubois Twin", emails=["twin@x.test"]),
        j.people.merge("Hélène Dubois", "Helene Dubois Twin"),
    ),
    "event edit": lambda j: j.events.update("Lyon Tech", cost="20", add_tags=["tech"]),
    "event delete": lambda j: j.events.delete("Lyon Tech"),
    "encounter edit": lambda j: j.encounters.update(
        j.encounters.list(person="Hélène")[0].id, notes="Rewritten", add_tags=["warm"]
    ),
    "encounter delete": lambda j: j.encounters.delete(j.encounters.list(person="Hélène")[0].id),
    "lead edit": lambda j: j.leads.update(_lead_id(j), status="exploring", summary="Boxes"),
    "lead delete": lambda j: j.leads.delete(_lead_id(j)),
    "outcome": lambda j: j.outcomes.add(_lead_id(j), "Switched", value="1800", date="2026-11-01"),
    "followup done": lambda j: j.followups.done(_followup_id(j), on="2026-10-21"),
    "followup delete": lambda j: j.followups.delete(_followup_id(j)),
    "profile": lambda j: j.set_profile(fields=["packaging"], hourly_rate=80),
}


@pytest.mark.usefixtures("season")
@pytest.mark.parametrize("step", list(STEPS))
def test_undo_puts_back_exactly_what_one_write_changed(journal: Journal, step: str) -> None:
    before = export(journal)
    count = len(journal.history(limit=None))
    STEPS[step](journal)
    after = export(journal)
    assert after != before, "the step changed nothing: the test would prove nothing"
    # "merge" is two calls (add the twin, merge it): two change sets
    changes = journal.history(limit=None)
    made = 2 if step == "merge" else 1
    assert len(changes) == count + made
    assert changes[0].summary and changes[0].rows > 0
    if step == "merge":
        journal.undo()  # the merge
        journal.undo(changes[1].id)  # adding the twin
    else:
        undone = journal.undo()
        assert undone.undoes == changes[0].id
    assert export(journal) == before
    if step != "merge":
        journal.undo()  # undoing the undo redoes
        assert export(journal) == after


@pytest.mark.usefixtures("season")
def test_undo_refuses_a_change_that_a_later_one_touched(journal: Journal) -> None:
    journal.people.update("Hélène", title="CEO")
    edit = journal.history()[0]
    journal.people.update("Hélène", title="COO")
    later = journal.history()[0]
    before = export(journal)
    with pytest.raises(UndoConflict, match=rf"#{later.id}.*Undo that one first"):
        journal.undo(edit.id)
    assert export(journal) == before
    journal.undo()  # the later one first, then the earlier one
    journal.undo(edit.id)
    assert journal.people.get("Hélène").title is None


def test_undo_refuses_a_change_a_later_one_depends_on(journal: Journal) -> None:
    journal.log("Claire Martin")  # creates Claire
    created = journal.history()[0]
    journal.log("Claire Martin", date="2026-11-02", notes="Second coffee")  # Claire exists
    before = export(journal)
    with pytest.raises(UndoConflict, match="depends on it"):
        journal.undo(created.id)  # would delete Claire, and her later encounter with her
    assert export(journal) == before


def test_undo_after_undo_walks_back(journal: Journal) -> None:
    journal.log("Ada Lovelace")
    first = export(journal)
    journal.people.update("Ada", title="Countess")
    journal.people.update("Ada", organization="Analytical Engines")
    edits = [c.id for c in journal.history(limit=2)]
    journal.undo(edits[0])
    journal.undo(edits[1])  # the later edit was undone: the earlier one is free to go
    assert export(journal) == first
    with pytest.raises(UndoConflict, match="already undone"):
        journal.undo(edits[1])


def test_unknown_changes_and_an_empty_history(journal: Journal) -> None:
    with pytest.raises(NotFound, match="Nothing to undo"):
        journal.undo()
    journal.log("Ada Lovelace")
    with pytest.raises(NotFound, match="No change #999"):
        journal.undo(999)
    with pytest.raises(NotFound):
        journal.undo(99999999999999999999999)


def test_an_edit_that_changes_nothing_leaves_no_change_set(journal: Journal) -> None:
    journal.log("Ada Lovelace", organization="Engines")
    count = len(journal.history(limit=None))
    journal.people.update("Ada", organization="Engines")
    assert len(journal.history(limit=None)) == count


@pytest.mark.slow  # a large import
def test_an_import_is_one_compact_change_set(journal: Journal, tmp_path: Path) -> None:
    rows = 2000
    csv = tmp_path / "Connections.csv"
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f"Ana{i},Bench{i},https://www.linkedin.com/in/ana{i},ana{i}@x.test,Org {i},CEO,01 Oct 2026"
        for i in range(rows)
    ]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    journal.import_file("linkedin", csv)
    (change,) = journal.history(limit=None)
    assert change.kind == "import" and "Connections.csv" in change.summary
    with journal.engine.connect() as connection:
        ops = dict(
            connection.execute(
                select(t.change_rows.c.op, func.count())
                .where(t.change_rows.c.change_id == change.id)
                .group_by(t.change_rows.c.op)
            ).all()
        )
        stored = connection.scalar(
            select(func.count()).select_from(t.change_rows).where(t.change_rows.c.old.is_not(None))
        )
    # an import only creates rows: the history keeps their keys, never a copy of them
    assert set(ops) == {"I"} and stored == 0
    assert journal.counts()["people"] == rows
    journal.undo()
    assert journal.counts()["people"] == 0


def test_old_change_sets_are_dropped_after_the_profile_s_limit(journal: Journal) -> None:
    journal.set_profile(history_days=30)
    journal.log("Ada Lovelace")
    journal.log("Grace Hopper")
    oldest = min(c.id for c in journal.history(limit=None))
    with journal.engine.begin() as connection:
        connection.execute(
            update(t.changes).where(t.changes.c.id == oldest).values(at=dt.datetime(2020, 1, 1))
        )
    journal.log("Katherine Johnson")  # any write prunes what is too old
    assert oldest not in {c.id for c in journal.history(limit=None)}
    with journal.engine.connect() as connection:
        left = connection.scalar(
            select(func.count())
            .select_from(t.change_rows)
            .where(t.change_rows.c.change_id == oldest)
        )
    assert left == 0


def test_forgetting_a_person_erases_them_from_the_history(journal: Journal) -> None:
    journal.log("Keeper Person", notes="Stays")
    journal.log(
        "Zéphyrine Quaglioni",
        notes="Confided the Borodino deal",
        questions=[("Ombrevaux?", "Tremolhac")],
        leads=[("supplier", "Vasquellez lease")],
    )
    encounter = journal.encounters.list(person="Zéphyrine")[0]
    journal.encounters.update(encounter.id, notes="Borodino rewritten")
    journal.encounters.delete(encounter.id)  # the deleted encounter's text is in the history
    journal.people.update("Zéphyrine", title="Quaglioni Chief")
    journal.people.add("Zephy Twin Marnefleur")
    journal.people.merge("Zéphyrine", "Zephy Twin")
    with journal.engine.connect() as connection:
        before = _history_text(connection)
    assert "Borodino" in before and "Marnefleur" in before  # so the check below can fail
    journal.people.forget("Zéphyrine")
    with journal.engine.connect() as connection:
        after = _history_text(connection)
    for secret in ("Zéphyrine", "Quaglioni", "Borodino", "Ombrevaux", "Vasquellez", "Marnefleur"):
        assert secret not in after
    assert "Keeper Person" in after
    journal.undo()  # the keeper's log is still undoable
    assert journal.counts()["people"] == 0


def _history_text(connection: Any) -> str:
    rows = connection.execute(text("SELECT summary FROM changes")).scalars().all()
    old = connection.execute(text("SELECT old FROM change_rows")).scalars().all()
    return "\n".join([*rows, *(o for o in old if o)])
