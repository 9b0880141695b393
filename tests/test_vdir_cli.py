"""``netjournal sync vdir DIR``: what it prints, its JSON, its refusals, and a help that stays
light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from clirun import run
from helpers import edit, read_only
from helpers import vcard as card

PROBE = """
import sys
from netjournal.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert exit.code == 0, exit.code
heavy = {"sqlalchemy", "alembic", "rich", "vobject"} & {m.split(".")[0] for m in sys.modules}
print("HEAVY:", ",".join(sorted(heavy)), file=sys.stderr)
"""


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "contacts"
    folder.mkdir()
    (folder / "ada.vcf").write_text(card(1, "Ada Lovelace", "ada@engines.test"), newline="")
    return folder


def test_sync_prints_both_sides_then_nothing(journal_url: str, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    assert run("--db", journal_url, "people", "list").code == 0
    assert run("--db", journal_url, "log", "Grace Hopper", "--email", "grace@navy.test").code == 0
    dry = run("--db", journal_url, "sync", "vdir", str(folder), "--dry-run")
    assert dry.code == 0 and "would change in the journal 1 added" in dry.out, dry
    assert "vdir added: Grace Hopper" in dry.out and len(list(folder.iterdir())) == 1 + 1
    done = run("--db", journal_url, "sync", "vdir", str(folder))
    assert done.code == 0 and done.err == "", done
    assert "changed in the journal 1 added" in done.out and "in the vdir 1 added" in done.out
    assert "journal added: Ada Lovelace (ada.vcf)" in done.out
    again = run("--db", journal_url, "sync", "vdir", str(folder), "--json")
    report = json.loads(again.out)
    assert report["journal_added"] == [] and report["vdir_added"] == [] and not report["dry_run"]


def test_a_conflict_is_listed_with_both_values(journal_url: str, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    run("--db", journal_url, "sync", "vdir", str(folder))
    run("--db", journal_url, "people", "edit", "Ada", "--title", "Countess")
    edit(folder / "ada.vcf", "BDAY", "TITLE:Analyst\r\nBDAY")
    shown = run("--db", journal_url, "sync", "vdir", str(folder))
    assert shown.code == 0
    assert "conflict: Ada Lovelace (ada.vcf): title: journal 'Countess', vdir 'Analyst'" in (
        shown.out
    )
    settled = run("--db", journal_url, "sync", "vdir", str(folder), "--prefer", "journal")
    assert "vdir updated: Ada Lovelace (ada.vcf)" in settled.out
    assert "TITLE:Countess" in (folder / "ada.vcf").read_text()


def test_refusals_are_one_line(journal_url: str, tmp_path: Path) -> None:
    missing = run("--db", journal_url, "sync", "vdir", str(tmp_path / "nowhere"))
    assert missing.code == 1 and missing.err.count("\n") == 1 and "not a folder" in missing.err
    folder = _folder(tmp_path)
    with read_only(folder):
        refused = run("--db", journal_url, "sync", "vdir", str(folder))
    assert refused.code == 1 and refused.err.count("\n") == 1, refused
    assert "Traceback" not in refused.err and "lock file" in refused.err
    assert json.loads(run("--db", journal_url, "people", "list", "--json").out) == []
    (folder / "bad.vcf").write_text("BEGIN:VCARD\r\nFN:Never closed\r\n")
    partial = run("--db", journal_url, "sync", "vdir", str(folder))
    assert partial.code == 0 and "refused: bad.vcf: the card is never closed" in partial.out


def test_sync_help_imports_no_database_machinery(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NETJOURNAL_DB"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "sync", "vdir", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY: \n" in done.stderr, done.stderr
