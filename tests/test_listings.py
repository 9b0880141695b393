"""Each collection's ``records(...)`` (Core, what the listing commands print) equals
``to_dict`` of its ``list(...)`` (ORM), for the same filters, on both backends.

Compared as JSON text, so that keys come in the same order too: ``--json`` prints the same
bytes whichever reading the command uses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from clirun import ok
from helpers import Seeds, rich
from netjournal.cli.commands.event import EVENT_COLUMNS
from netjournal.cli.commands.followup import FOLLOWUP_COLUMNS
from netjournal.cli.commands.lead import LEAD_COLUMNS, OUTCOME_COLUMNS
from netjournal.cli.commands.people import PEOPLE_COLUMNS
from netjournal.cli.output import emit

from netjournal import Journal
from netjournal.errors import InvalidInput, NotFound
from netjournal.serialize import to_dict
from netjournal.specs import LeadSpec


def _season(journal: Journal) -> None:
    """The rich evening of test_records, plus a second event of the series, tagged leads of
    several kinds and statuses, outcomes of several kinds, and people with tags."""
    rich(journal)
    journal.events.add("Lyon Tech Meetup", "2026-12-18", series="Lyon Tech", tags=["Tech"])
    journal.events.add("Salon Emballage", "2026-10-02", kind="trade show", cost="120")
    journal.log(
        "Marc Roux",
        event="Salon Emballage",
        date="2026-10-02",
        organization="ACME",
        field="packaging",
        tags=["warm"],
        leads=[
            LeadSpec("customer", "Needs 10k boxes", status="exploring", tags=["big"]),
            LeadSpec("supplier", "Knows a printer"),
        ],
        followups=[("2026-10-09", "Send samples")],
    )
    journal.log(
        "Paul Martin", event="Salon Emballage", date="2026-10-02", leads=[("partner", "Stand")]
    )
    journal.people.update("Marc Roux", add_tags=["friend"])
    journal.people.add("Anne Acme", organization="acme ", field="Fintech", tags=["Friend"])
    marc = journal.leads.list(person="Marc Roux")
    journal.outcomes.add(marc[-1].id, "First order", value="500", date="2026-10-20", kind="revenue")
    journal.outcomes.add(marc[-1].id, "A hire", date="2026-11-02", kind="hire")


@pytest.fixture
def season(journal: Journal, journal_url: str, seeds: Seeds) -> None:
    """``_season`` in the test's journal, written once per test process and backend."""
    seeds.restore(journal_url, _season)


def _same(records: list[dict[str, Any]], objects: list[Any]) -> None:
    assert json.dumps(records) == json.dumps([to_dict(o) for o in objects])


PEOPLE = [
    {},
    {"limit": 2},
    {"limit": 2, "offset": 1},
    {"tag": "FRIEND"},
    {"organization": "Acme"},
    {"field": "packaging"},
    {"tag": "friend", "organization": "acme", "limit": 1},
    {"tag": "nobody has it"},
]
EVENTS = [
    {},
    {"limit": 1},
    {"since": "2026-11-01"},
    {"until": "2026-11-20", "since": "2026-10-01"},
    {"series": "lyon tech"},
    {"tag": "tech"},
    {"tag": "lyon", "series": "Lyon Tech", "limit": 5},
]
LEADS = [
    {},
    {"limit": 1},
    {"limit": 3},
    {"status": "won"},
    {"status": "open", "limit": 2},
    {"kind": "supplier"},
    {"person": "Marc Roux"},
    {"person": "helene", "kind": "marketing"},
    {"event": "Salon Emballage", "limit": 2},
    {"tag": "BIG"},
    {"tag": "idea", "status": "open", "kind": "marketing", "limit": 10},
]
FOLLOWUPS = [
    {},
    {"include_done": True},
    {"due_by": "2026-11-01"},
    {"due_by": "2026-11-27", "include_done": True},
    {"person": "Paul Martin", "include_done": True},
    {"person": "marc"},
]
OUTCOMES = [
    {},
    {"limit": 2},
    {"lead": 1},
    {"lead": "#1", "limit": 1},
    {"person": "Marc Roux"},
    {"kind": "hire"},
    {"since": "2026-11-01"},
    {"until": "2026-11-01", "person": "marc", "kind": "revenue"},
]
ENCOUNTERS = [
    {},
    {"limit": 2},
    {"person": "Hélène Dubois"},
    {"event": "Salon Emballage"},
    {"since": "2026-11-01", "until": "2026-12-01"},
    {"person": "paul", "limit": 1},
]


@pytest.mark.usefixtures("season")
@pytest.mark.parametrize(
    "collection, cases",
    [
        ("people", PEOPLE),
        ("events", EVENTS),
        ("leads", LEADS),
        ("followups", FOLLOWUPS),
        ("outcomes", OUTCOMES),
        ("encounters", ENCOUNTERS),
    ],
)
def test_records_equal_the_listed_objects(
    journal: Journal, collection: str, cases: list[dict[str, Any]]
) -> None:
    found = getattr(journal, collection)
    for filters in cases:
        records = found.records(**filters)
        _same(records, found.list(**filters))
        if filters == {}:
            assert len(records) >= 2, collection  # the season has something to compare


@pytest.mark.usefixtures("season")
def test_lead_walk_and_sort_plans_agree(journal: Journal) -> None:
    """With a limit, a lead listing on SQLite walks encounters newest first unless the lead
    filters keep few leads: both plans list the same leads (PostgreSQL: one plan)."""
    everyone = journal.leads.records()
    for limit in (1, 2, 3, 50):
        assert journal.leads.records(limit=limit) == everyone[:limit]
        opened = [lead for lead in everyone if lead["status"] == "open"]
        assert journal.leads.records(status="open", limit=limit) == opened[:limit]


@pytest.mark.usefixtures("season")
def test_records_refuse_what_list_refuses(journal: Journal) -> None:
    for collection, filters, error in [
        ("leads", {"status": "maybe"}, InvalidInput),
        ("leads", {"person": "nobody at all"}, NotFound),
        ("leads", {"event": 999}, NotFound),
        ("outcomes", {"lead": "x"}, InvalidInput),
        ("outcomes", {"kind": "gift"}, InvalidInput),
        ("followups", {"person": "nobody at all"}, NotFound),
        ("events", {"since": "not a date at all"}, InvalidInput),
    ]:
        found = getattr(journal, collection)
        with pytest.raises(error) as by_list:
            found.list(**filters)
        with pytest.raises(error) as by_records:
            found.records(**filters)
        assert str(by_records.value) == str(by_list.value)


@pytest.mark.slow  # a process per command
def test_listing_commands_do_not_import_the_orm(tmp_path: Path) -> None:
    """``people|event|lead|followup|outcome list`` (every format) and ``catchup`` run without
    the ORM, and on SQLite without SQLAlchemy's PostgreSQL dialect (20 ms to import: a
    ``postgresql_*`` argument in the table declarations loads it)."""
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        _season(journal)
    commands = [
        ["people", "list", "--limit", "20"],
        ["people", "list", "--tag", "friend", "--json"],
        ["event", "list", "--limit", "20", "--csv"],
        ["lead", "list", "--limit", "20"],
        ["lead", "list", "--status", "open", "--person", "marc", "--json"],
        ["followup", "list", "--all"],
        ["outcome", "list", "--limit", "20", "--person", "marc"],
        ["catchup", "--limit", "20"],
    ]
    code = (
        "import sys\n"
        "from netjournal.cli.main import main\n"
        f"for argv in {commands!r}:\n"
        "    try:\n"
        f"        main(['--db', {str(path)!r}, *argv])\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, (argv, exc.code)\n"
        "heavy = ('netjournal.models', 'sqlalchemy.orm', 'sqlalchemy.dialects.postgresql')\n"
        "orm = [m for m in heavy if m in sys.modules]\n"
        "print('IMPORTED', orm)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,  # the installed package, not a checkout's netjournal/ (no cli/ in it)
    )
    assert "Marc Roux" in out.stdout and "Send samples" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "IMPORTED []"


def _printed(objects: list[Any], columns: Any, fmt: str | None, empty: str) -> str:
    """What ``emit`` prints for ORM objects: the listing commands before ``records``."""
    with CliRunner().isolation() as (out, _, _):
        emit(objects, columns, fmt, empty=empty)
        return out.getvalue().decode()


@pytest.mark.usefixtures("season")
def test_listing_commands_print_what_the_objects_printed(
    journal: Journal, journal_url: str
) -> None:
    db = ["--db", journal_url]
    cases = [
        (
            ["people", "list", "--tag", "friend"],
            # the listing adds each tie's strength to what the objects give (tests/test_ties.py)
            journal.people.records(tag="friend", strength=True),
            PEOPLE_COLUMNS,
            "Nobody yet: netjournal log NAME ...",
        ),
        (
            ["event", "list", "--limit", "2"],
            journal.events.list(limit=2),
            EVENT_COLUMNS,
            "No events yet: netjournal event add NAME --date ...",
        ),
        (
            ["lead", "list", "--limit", "3"],
            journal.leads.list(limit=3),
            LEAD_COLUMNS,
            "No leads match.",
        ),
        (
            ["lead", "list", "--status", "won"],
            journal.leads.list(status="won"),
            LEAD_COLUMNS,
            "No leads match.",
        ),
        (
            ["followup", "list", "--all"],
            journal.followups.list(include_done=True),
            FOLLOWUP_COLUMNS,
            "Nothing to follow up.",
        ),
        (
            ["followup", "list"],
            journal.followups.list(),
            FOLLOWUP_COLUMNS[:-1],
            "Nothing to follow up.",
        ),
        (
            ["outcome", "list", "--person", "marc"],
            journal.outcomes.list(person="marc"),
            OUTCOME_COLUMNS,
            "No outcomes match.",
        ),
    ]
    for argv, objects, columns, empty in cases:
        for fmt in (None, "json", "csv"):
            flag = [f"--{fmt}"] if fmt else []
            assert ok(*db, *argv, *flag) == _printed(objects, columns, fmt, empty), (argv, fmt)
