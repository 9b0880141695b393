"""The Core-read records (what quick commands show) equal the ORM objects serialized.

``journal.person_record`` is read without the ORM for speed; these tests keep it exactly equal
to ``to_dict(journal.people.show(...))`` on a journal with every kind of row, on both backends.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import rich, seed

from netjournal import Journal
from netjournal.errors import AmbiguousName, NotFound
from netjournal.serialize import to_dict
from netjournal.specs import LeadSpec


@pytest.mark.parametrize("who", ["Hélène Dubois", "Paul Martin", "Zoé Nobody"])
def test_person_record_equals_the_orm_detail(journal: Journal, who: str) -> None:
    rich(journal)
    assert journal.person_record(who) == to_dict(journal.people.show(who))


def test_log_record_equals_the_logged_encounter(journal: Journal) -> None:
    rich(journal)
    record = journal.encounters.log_record(
        "Hélène Dubois",
        event="Lyon Tech Meetup",
        date="2026-11-25",
        notes="Second coffee",
        introduced_by="Paul Martin",
        tags=["warm", "Été"],
        questions=[("Who else?", "Her cousin"), "Budget?"],
        leads=[LeadSpec("partner", "Joint booth", tags=["idea", "salon"])],
        followups=[("2026-12-10", "Send the brochure")],
        email="helene@emballix.test",
    )
    assert record == to_dict(journal.encounters.get(record["id"]))
    assert record["questions"][1] == {"asked": "Budget?", "learned": None}


def test_person_record_resolves_names_like_everything_else(journal: Journal) -> None:
    rich(journal)
    paul = journal.people.get("Paul Martin")
    assert journal.person_record("paul")["person"]["id"] == paul.id
    assert journal.person_record(f"#{paul.id}")["person"]["name"] == "Paul Martin"
    journal.people.add("Paul Newman")
    with pytest.raises(AmbiguousName, match="several people"):
        journal.person_record("paul")
    with pytest.raises(NotFound):
        journal.person_record("nobody at all")
    with pytest.raises(NotFound):
        journal.person_record(999_999)


def test_quick_paths_do_not_import_the_orm(tmp_path: pytest.TempPathFactory) -> None:
    """``person_record``, ``log_record`` and ``search`` run without importing the ORM."""
    path = tmp_path / "journal.db"  # type: ignore[operator]
    with Journal.open(path) as journal:
        seed(journal)
    code = (
        "import sys\n"
        "from netjournal import Journal\n"
        f"j = Journal.open({str(path)!r})\n"
        "assert j.person_record('helene')['encounters']\n"
        "assert j.search('boxes')\n"
        "assert j.encounters.log_record('Hélène Dubois', notes='again', tags=['x'])['id']\n"
        "print('sqlalchemy.orm' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
