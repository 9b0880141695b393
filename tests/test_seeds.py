"""The suite's shared journals (helpers.Seeds): a copy is the journal its build wrote, on both
backends, and lives on as one: ids continue, its search index and its history came along."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import Seeds, reset_postgres, rich, snapshot

from netjournal import Journal


def build(journal: Journal) -> int:
    rich(journal)
    return journal.people.get("Paul Martin").id


def test_a_copy_is_the_journal_its_build_wrote(
    blank_journals: Callable[[], str], tmp_path: Path
) -> None:
    seeds = Seeds(tmp_path)
    built_at = blank_journals()
    paul = seeds.restore(built_at, build)
    with Journal.open(built_at) as journal:
        built = snapshot(journal)
        last = journal.history(limit=1)[0]
        next_person = journal.people.add("Someone Else").id

    copied_at = blank_journals()
    assert seeds.restore(copied_at, build) == paul
    with Journal.open(copied_at) as journal:
        assert snapshot(journal) == built
        assert journal.people.add("Someone Else").id == next_person  # the ids go on
        assert [h.person for h in journal.search("coffee")] == ["Hélène Dubois"]
        assert journal.undo(last.id).undoes == last.id  # the build's own last write
        assert journal.followups.list()[0].done_on is None


def test_without_a_superuser_postgresql_journals_are_built_again(
    pg_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import helpers

    builds = []

    def counted(journal: Journal) -> int:
        builds.append(1)
        return build(journal)

    monkeypatch.setitem(helpers._superusers, pg_server_url, False)
    seeds = Seeds(tmp_path)
    reset_postgres(pg_server_url)
    first = seeds.restore(pg_server_url, counted)
    reset_postgres(pg_server_url)
    assert seeds.restore(pg_server_url, counted) == first
    assert len(builds) == 2
    with Journal.open(pg_server_url) as journal:
        assert journal.people.get("Paul Martin").id == first
