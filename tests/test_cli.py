"""Every command through the real entry point, on SQLite and PostgreSQL, and each user error."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from clirun import fails, ok, run

from netjournal import Journal

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(journal_url: str) -> list[str]:
    return ["--db", journal_url]


@pytest.fixture
def met(db: list[str]) -> list[str]:
    """A journal with one event and one encounter carrying a question, a lead, a follow-up."""
    ok(*db, "event", "add", "Lyon Tech Meetup", "--date", "2026-11-20", "--kind", "meetup")
    ok(
        *db,
        "log",
        "Hélène Dubois",
        "--event",
        "lyon tech",
        "--org",
        "Emballix",
        "--field",
        "packaging",
        "--email",
        "helene@emballix.example",
        "--asked",
        "Who makes your boxes? => A Lyon firm",
        "--lead",
        "supplier:Cheaper boxes",
        "--follow-up",
        "2026-11-27:Send our volumes",
        "--stakes",
        "Moving production",
        "--tag",
        "packaging",
        "--pitched",
    )
    return db


def test_init_creates_the_journal_and_db_current_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "j.db"
    assert f"Journal ready at {path}" in ok("--db", str(path), "init")
    assert "(latest)" in ok("--db", str(path), "db", "current")
    assert "(latest)" in ok("--db", str(path), "db", "upgrade")


def test_db_commands_on_both_backends(db: list[str]) -> None:
    ok(*db, "init")
    assert "latest" in ok(*db, "db", "current")
    assert "latest" in ok(*db, "db", "upgrade")


def test_me_sets_and_shows_the_profile(db: list[str]) -> None:
    assert "not set" in ok(*db, "me")
    ok(*db, "me", "--name", "Camille", "--field", "cosmetics", "--field", "e-commerce")
    ok(*db, "me", "--hourly-rate", "60", "--currency", "usd")
    data = json.loads(ok(*db, "me", "--json"))
    assert data == {
        "name": "Camille",
        "fields": ["cosmetics", "e-commerce"],
        "hourly_rate": "60.00",
        "currency": "USD",
        "history_days": 180,
        "phone_region": "FR",
    }
    assert "60.00 USD" in ok(*db, "me")
    ok(*db, "me", "--history-days", "30")
    assert json.loads(ok(*db, "me", "--json"))["history_days"] == 30
    assert "from 1 to 36500" in fails(*db, "me", "--history-days", "0")
    assert "hourly rate" in fails(*db, "me", "--hourly-rate", "-5")


def test_event_add_list_show(met: list[str]) -> None:
    added = json.loads(
        ok(*met, "event", "add", "Salon Bio", "-d", "20/09/2026", "--cost", "180", "--json")
    )
    assert added["start_date"] == "2026-09-20" and added["cost"] == "180.00"
    rows = json.loads(ok(*met, "event", "list", "--json"))
    assert [r["name"] for r in rows] == ["Lyon Tech Meetup", "Salon Bio"]
    table = ok(*met, "event", "list")
    assert "Lyon Tech Meetup" in table and "\x1b[" not in table
    listed = list(csv.DictReader(io.StringIO(ok(*met, "event", "list", "--csv"))))
    assert listed[1]["cost"] == "180.00"
    assert [
        r["name"] for r in json.loads(ok(*met, "event", "list", "--since", "2026-10-01", "--json"))
    ] == ["Lyon Tech Meetup"]
    shown = json.loads(ok(*met, "event", "show", "LYON", "--json"))
    assert shown["event"]["name"] == "Lyon Tech Meetup"
    assert [e["person"]["name"] for e in shown["encounters"]] == ["Hélène Dubois"]
    assert "Hélène Dubois" in ok(*met, "event", "show", str(rows[0]["id"]))


def test_event_errors(db: list[str]) -> None:
    assert "end" in fails(*db, "event", "add", "X", "--date", "2026-11-20", "--end", "2026-11-19")
    assert "event kind" in fails(*db, "event", "add", "X", "--kind", "party")
    assert "Invalid start date" in fails(*db, "event", "add", "X", "--date", "someday maybe")
    assert "No event matches" in fails(*db, "event", "show", "Nothing")
    ok(*db, "event", "add", "Tech Night", "--date", "2026-01-01")
    ok(*db, "event", "add", "Tech Night", "--date", "2026-02-01")
    message = fails(*db, "event", "show", "tech")
    assert "several events" in message and "2026-02-01" in message


def test_log_one_encounter(met: list[str]) -> None:
    out = ok(*met, "log", "helene", "--date", "2026-11-21", "--note", "Coffee", "--json")
    (encounter,) = json.loads(out)
    assert encounter["person"]["name"] == "Hélène Dubois" and encounter["date"] == "2026-11-21"
    assert encounter["notes"] == "Coffee"
    detail = json.loads(ok(*met, "people", "show", "Hélène", "--json"))
    first = detail["encounters"][-1]
    assert first["event"]["name"] == "Lyon Tech Meetup" and first["date"] == "2026-11-20"
    assert first["questions"] == [{"asked": "Who makes your boxes?", "learned": "A Lyon firm"}]
    assert first["leads"][0]["kind"] == "supplier" and first["pitched"] is True
    assert first["tags"] == ["packaging"]
    assert detail["person"]["contacts"][0]["value"] == "helene@emballix.example"
    assert detail["followups"][0]["due"] == "2026-11-27"


def test_log_new_forces_a_second_person_and_intro_by(met: list[str]) -> None:
    ok(*met, "log", "Hélène Dubois", "--new", "--org", "Other Co")
    assert "several people" in fails(*met, "log", "Hélène")
    ok(*met, "log", "Marc", "--intro-by", "1", "--outside")
    marc = json.loads(ok(*met, "people", "show", "Marc", "--json"))
    assert marc["encounters"][0]["introduced_by"]["name"] == "Hélène Dubois"
    assert marc["encounters"][0]["outside_field"] is True


def test_log_user_errors_change_nothing(met: list[str], journal_url: str) -> None:
    with Journal.open(journal_url) as journal:
        before = journal.counts()
    assert "Invalid date" in fails(*met, "log", "Anne", "--date", "32/13/2026")
    assert "lead kind" in fails(*met, "log", "Anne", "--lead", "suplier:boxes")
    assert "follow-up" in fails(*met, "log", "Anne", "--follow-up", "no date here")
    assert "No event matches" in fails(*met, "log", "Anne", "--event", "Gala")
    assert "No person matches" in fails(*met, "log", "Anne", "--intro-by", "Nobody")
    assert "e-mail" in fails(*met, "log", "Anne", "--email", "not-an-address")
    with Journal.open(journal_url) as journal:
        assert journal.counts() == before
    assert fails(*met, "log", code=2)
    assert fails(*met, "log", "Anne", "--batch", "x.txt", code=2)
    assert fails(*met, "log", "--batch", "x.txt", "--edit", code=2)


def test_log_batch_from_a_file_and_stdin(db: list[str], tmp_path: Path) -> None:
    out = ok(*db, "log", "--batch", str(ROOT / "examples" / "after-event.txt"))
    assert out.count("Logged #") == 3 and "at Lyon Tech Meetup" in out
    text = (
        "event: Lyon Tech Meetup\ndate: 20/11/2026\n\n"
        "person: Karim\nagain: yes\nasked: Again? => yes\n"
    )
    (logged,) = json.loads(ok(*db, "log", "--batch", "-", "--json", input=text))
    assert logged["person"]["name"] == "Karim Benali"
    assert len(json.loads(ok(*db, "event", "list", "--json"))) == 1


def test_log_batch_errors_name_file_and_line_and_write_nothing(
    db: list[str], tmp_path: Path, journal_url: str
) -> None:
    bad = tmp_path / "evening.txt"
    bad.write_text("event: Gala\ndate: 2026-11-20\n\nperson: Anne\nlead: suplier: boxes\n")
    assert fails(*db, "log", "--batch", str(bad)).startswith(f"Error: {bad}:5: ")
    bad.write_text("event: Gala\ndate: 2026-11-20\n\nperson: Anne\nintro: Nobody\n")
    assert f"{bad}:4: No person matches" in fails(*db, "log", "--batch", str(bad))
    bad.write_bytes(b"person: \xff\xfe\n")
    assert "not UTF-8" in fails(*db, "log", "--batch", str(bad))
    missing = fails(*db, "log", "--batch", str(tmp_path / "missing.txt"))
    assert missing.endswith("missing.txt: cannot read the file (No such file or directory)")
    assert "<stdin>:1:" in fails(*db, "log", "--batch", "-", input="nobody here\n")
    with Journal.open(journal_url) as journal:
        assert journal.counts()["encounters"] == 0 and journal.events.count() == 0


def test_log_edit_uses_the_editor(
    db: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[str] = []

    def fake_edit(text: str, **_: object) -> str:
        seen.append(text)
        return text + "Anne Martin\norg: Acme\n"

    monkeypatch.setattr("click.edit", fake_edit)
    out = ok(*db, "log", "--edit", "--event", "Salon Bio", "--date", "2026-09-20")
    assert "event: Salon Bio\ndate: 2026-09-20\n" in seen[0]
    assert "Anne Martin" in out and "at Salon Bio on 2026-09-20" in out

    monkeypatch.setattr("click.edit", lambda text, **_: text + "Bob\nlead: suplier: x\n")
    message = fails(*db, "log", "--edit")
    kept = message.split("your text is kept in ")[1].split(":")[0]
    assert message.startswith("Error: <editor>:") and "Bob" in Path(kept).read_text()
    Path(kept).unlink()

    monkeypatch.setattr("click.edit", lambda text, **_: None)
    result = run(*db, "log", "--edit")
    assert result.code == 0 and "Nothing logged" in result.err


def test_people_list_show_edit_merge_forget(met: list[str]) -> None:
    ok(*met, "log", "Helene Dubois", "--new", "--email", "h@other.example")
    people = json.loads(ok(*met, "people", "list", "--json"))
    assert [p["name"] for p in people] == ["Hélène Dubois", "Helene Dubois"] or [
        p["name"] for p in people
    ] == ["Helene Dubois", "Hélène Dubois"]
    first, second = sorted(p["id"] for p in people)
    ok(*met, "people", "edit", str(second), "--title", "CEO", "--tag", "vip", "--phone", "0601")
    edited = json.loads(ok(*met, "people", "show", str(second), "--json"))["person"]
    assert edited["title"] == "CEO" and edited["tags"] == ["vip"]
    ok(*met, "people", "edit", str(second), "--title", "", "--untag", "vip")
    edited = json.loads(ok(*met, "people", "show", str(second), "--json"))["person"]
    assert edited["title"] is None and edited["tags"] == []
    merge = ok(*met, "people", "merge", str(first), str(second), "--yes")
    assert f"Merged Helene Dubois (#{second}) into Hélène Dubois (#{first})" in merge
    merged = json.loads(ok(*met, "people", "show", "helene", "--json"))
    assert len(merged["encounters"]) == 2 and len(merged["person"]["contacts"]) == 3
    assert "Organization" in ok(*met, "people", "list") and "Hélène Dubois" in ok(
        *met, "people", "list", "--csv"
    )
    assert json.loads(ok(*met, "people", "list", "--org", "emballix", "--json"))
    assert json.loads(ok(*met, "people", "list", "--tag", "nothing", "--json")) == []
    assert "Aborted." in run(*met, "people", "forget", "helene", input="n\n").err
    assert run(*met, "people", "forget", "helene", input="n\n").code == 1
    assert "Forgot Hélène Dubois" in ok(*met, "people", "forget", "helene", input="y\n")
    assert json.loads(ok(*met, "people", "list", "--json")) == []
    assert "No person matches" in fails(*met, "people", "forget", "helene", "--yes")


def test_people_errors(met: list[str]) -> None:
    assert "No person with id 99" in fails(*met, "people", "show", "99")
    assert "themselves" in fails(*met, "people", "merge", "1", "helene")
    assert "longer than" in fails(*met, "people", "edit", "1", "--title", "x" * 400)


def test_leads_outcomes_and_followups(met: list[str]) -> None:
    (lead,) = json.loads(ok(*met, "lead", "list", "--json"))
    assert lead["person"]["name"] == "Hélène Dubois" and lead["event"]["name"] == "Lyon Tech Meetup"
    assert lead["status"] == "open" and lead["date"] == "2026-11-20"
    lid = str(lead["id"])
    assert f"Edited lead #{lid}: status." in ok(
        *met, "lead", "update", lid, "--status", "exploring", "--on", "2026-11-22"
    )
    out = ok(
        *met,
        "outcome",
        "add",
        lid,
        "--value",
        "1800.50",
        "--note",
        "Saved",
        "--date",
        "2026-12-01",
        "--kind",
        "savings",
    )
    assert "1800.50 EUR" in out
    (won,) = json.loads(ok(*met, "lead", "list", "--status", "won", "--json"))
    assert won["outcomes"][0]["value"] == "1800.50" and won["outcomes"][0]["kind"] == "savings"
    assert json.loads(ok(*met, "lead", "list", "--kind", "customer", "--json")) == []
    assert json.loads(ok(*met, "lead", "list", "--person", "helene", "--event", "lyon", "--json"))
    assert "Summary" in ok(*met, "lead", "list")
    assert "lead status" in fails(*met, "lead", "update", lid, "--status", "maybe")
    assert "No lead with id 99" in fails(*met, "lead", "update", "99", "--status", "won")
    assert "by its id" in fails(*met, "outcome", "add", "boxes", "--note", "x")
    assert "predates" in fails(*met, "outcome", "add", lid, "--note", "x", "--date", "2020-01-01")
    assert "decimal places" in fails(*met, "outcome", "add", lid, "--note", "x", "--value", "1.234")
    assert fails(*met, "outcome", "add", lid, "--value", "3", code=2)  # --note is required

    (todo,) = json.loads(ok(*met, "followup", "list", "--json"))
    assert todo["due"] == "2026-11-27" and todo["person"]["name"] == "Hélène Dubois"
    by_due = json.loads(ok(*met, "followup", "list", "--by", "2026-11-26", "--json"))
    assert by_due == []
    due_now = json.loads(ok(*met, "followup", "list", "--due", "--json"))
    assert bool(due_now) == (dt.date.today() >= dt.date(2026, 11, 27))
    assert "Send our volumes" in ok(*met, "followup", "done", str(todo["id"]), "--on", "2026-11-26")
    assert json.loads(ok(*met, "followup", "list", "--json")) == []
    (done,) = json.loads(ok(*met, "followup", "list", "--all", "--json"))
    assert done["done_on"] == "2026-11-26"
    assert "No follow-up with id 42" in fails(*met, "followup", "done", "42")
    assert "Nothing to follow up" in ok(*met, "followup", "list")


def test_demo_builds_on_an_explicit_db_and_refuses_a_second_time(journal_url: str) -> None:
    out = ok("demo", "--db", journal_url)
    assert "Leads that paid off" in out and "Follow-ups due" in out
    message = fails("demo", "--db", journal_url)
    assert "only fills an empty journal" in message
    assert json.loads(ok("--db", journal_url, "people", "list", "--json"))


def test_demo_defaults_to_a_file_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NETJOURNAL_DB", str(tmp_path / "mine.db"))
    data = json.loads(ok("demo", "--json"))
    assert data["location"] == str(tmp_path / "netjournal-demo.db")
    assert not (tmp_path / "mine.db").exists()
    global_db = tmp_path / "given.db"
    assert str(global_db) in ok("--db", str(global_db), "demo")


def test_unusable_journals_are_one_line_errors(tmp_path: Path) -> None:
    assert "is a directory" in fails("--db", str(tmp_path), "people", "list")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert "not a netjournal journal" in fails("--db", str(garbage), "event", "list")
    assert "Unsupported database" in fails("--db", "mysql://x/y", "people", "list")


def test_version_and_help() -> None:
    from netjournal import __version__

    assert ok("--version").strip().endswith(__version__)
    assert "log" in ok("--help") and "demo" in ok("-h")
    assert "--batch" in ok("log", "--help")
    assert fails("nonsense", code=2)
