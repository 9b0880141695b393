"""The demo journal is built from examples/demo through the library, on both backends."""

from __future__ import annotations

import json
import tomllib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from netjournal import Journal
from netjournal.batch import parse_batch
from netjournal.demo import build_demo, demo_data
from netjournal.errors import InvalidInput
from netjournal.serialize import to_dict

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"


def test_the_installed_data_are_the_example_files() -> None:
    shipped = sorted(f.name for f in demo_data().iterdir() if f.name.endswith((".txt", ".toml")))
    assert shipped == sorted(p.name for p in DEMO.iterdir() if p.suffix in (".txt", ".toml"))


def test_the_demo_holds_what_its_files_describe(journal: Journal) -> None:
    summary = build_demo(journal)
    season = tomllib.loads((DEMO / "season.toml").read_text(encoding="utf-8"))
    evenings = [parse_batch(p.read_text(encoding="utf-8")) for p in sorted(DEMO.glob("*.txt"))]
    blocks = [spec for batch in evenings for spec in batch.encounters]
    assert summary.counts["encounters"] == len(blocks)
    assert summary.counts["people"] == len({spec.person for spec in blocks})
    assert summary.counts["events"] == len(evenings) + len(season["events"])
    assert summary.counts["outcomes"] == len(season["outcomes"])
    assert sum(line.people for line in summary.events) == len(blocks)
    assert summary.profile.fields == season["profile"]["fields"]

    expected: dict[str, Decimal] = defaultdict(Decimal)
    for outcome in season["outcomes"]:
        expected[outcome["lead"]] += Decimal(outcome.get("value", "0"))
    assert {p.summary: p.value or Decimal(0) for p in summary.paid_off} == expected
    assert [p.value or 0 for p in summary.paid_off] == sorted(
        (p.value or 0 for p in summary.paid_off), reverse=True
    )
    done = {item["action"] for item in season["followups_done"]}
    assert summary.due and not {f.action for f in summary.due} & done
    assert json.loads(json.dumps(to_dict(summary)))["counts"] == summary.counts


def test_the_demo_refuses_a_journal_in_use(journal: Journal) -> None:
    journal.people.add("Somebody Real")
    with pytest.raises(InvalidInput, match="only fills an empty journal"):
        build_demo(journal)
    assert journal.counts()["people"] == 1 and journal.events.count() == 0
