"""Personal data stays personal: forgotten means gone from the bytes, files are private,
passwords are never shown."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from netjournal import Journal, schema  # noqa: F401

SECRET = {
    "name": "Zéphyrine Quaglioni",
    "email": "zephyrine.quaglioni@secret-mail.test",
    "phone": "+33 7 98 76 54 32",
    "notes": "Confided that Globex is about to fire Xanthippe",
    "question": "Is the Borodino deal really off?",
    "learned": "Tremolhac pulled out",
    "lead": "Borodino warehouse lease",
    "outcome": "Signed the Vasquellez lease",
    "followup": "Call Zéphyrine back about Ombrevaux",
    "tag": "quaglioni-family",
    "encounter tag": "borodino-talks",
    "duplicate": "Zéphy Qgl Duplicate",
    "duplicate e-mail": "zq.private@other-secret.test",
    "url": "https://quaglioni-home.test/zephy",
    "duplicate notes": "Lives above the Marnefleur bakery",
    "stakes": "Her job at Fenwicque depends on it",
    "organization": "Quaglioni Holdings",
}


def journal_bytes(path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            data += part.read_bytes()
    return data


def test_forgetting_a_person_leaves_no_bytes_behind(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        journal.events.add("Shared Evening", "2026-01-10", tags=["shared-tag"])
        journal.log("Keeper Person", notes="Stays in the journal", email="keeper@x.test")
        journal.people.update("Keeper", add_tags=["shared-tag", "keeper-tag"])
        encounter = journal.log(
            SECRET["name"],
            event="Shared Evening",
            email=SECRET["email"],
            phone=SECRET["phone"],
            organization=SECRET["organization"],
            notes=SECRET["notes"],
            stakes=SECRET["stakes"],
            questions=[(SECRET["question"], SECRET["learned"])],
            leads=[("supplier", SECRET["lead"])],
            followups=[("2027-01-10", SECRET["followup"])],
            tags=[SECRET["encounter tag"], "shared-tag"],
        )
        journal.outcomes.add(encounter.leads[0].id, SECRET["outcome"], value="100")
        journal.people.update(
            SECRET["name"], title="Chief Zéphyrine Officer", add_tags=[SECRET["tag"]]
        )
        journal.people.add(
            SECRET["duplicate"],
            emails=[SECRET["duplicate e-mail"]],
            urls=[SECRET["url"]],
            notes=SECRET["duplicate notes"],
        )
        journal.people.merge(SECRET["name"], SECRET["duplicate"])
        journal.log(SECRET["name"], notes=SECRET["notes"] + " (second time)")
        journal.log("Introduced Friend", introduced_by=SECRET["name"], notes="Friend's own notes")
        # with a reader holding the file open, as a second process would
        reader = sqlite3.connect(path)
        reader.execute("SELECT count(*) FROM people").fetchone()
        journal.people.forget("Zéphyrine")
        reader.close()
        assert journal.people.get("Keeper").notes is None
        assert journal.encounters.list(person="Keeper")[0].notes == "Stays in the journal"
        keeper = journal.people.get("Keeper")
        assert sorted(t.name for t in keeper.tags) == ["keeper-tag", "shared-tag"]
        assert journal.events.get("Shared Evening").name == "Shared Evening"
        friend = journal.encounters.list(person="Introduced Friend")[0]
        assert friend.notes == "Friend's own notes" and friend.introduced_by_id is None
    raw = journal_bytes(path)
    for what, value in SECRET.items():
        for encoded in {value.encode("utf-8"), value.split()[0].encode("utf-8")}:
            assert encoded not in raw, f"the forgotten {what} is still in the journal's files"
    for kept in (b"Stays in the journal", b"keeper@x.test", b"shared-tag", b"Friend's own"):
        assert kept in raw


def test_journal_and_its_side_files_are_private_under_umask_022(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "new-folder" / "journal.db"
        with Journal.open(path) as journal:
            journal.log("Someone")
            conn = sqlite3.connect(path)  # keep the WAL and shm files alive to inspect them
            conn.execute("SELECT 1 FROM people").fetchone()
            modes = {
                p.name: p.stat().st_mode & 0o777
                for p in path.parent.iterdir()
                if p.name.startswith("journal.db")
            }
            conn.close()
        assert path.parent.stat().st_mode & 0o777 == 0o700
        assert "journal.db-wal" in modes and "journal.db-shm" in modes
        assert set(modes.values()) == {0o600}, modes
    finally:
        os.umask(old)


def test_a_password_never_appears(tmp_path: Path) -> None:
    from netjournal.cli.main import cli

    url = "postgresql://alice:Sup3rS3cret@127.0.0.1:1/nothing"
    runner = CliRunner()
    for args in (["--db", url, "db", "current"], ["--db", url, "init"], ["--help"]):
        result = runner.invoke(cli, args, env={"NETJOURNAL_DB": url})
        assert "Sup3rS3cret" not in result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            assert "Sup3rS3cret" not in str(result.exception)
    from netjournal.errors import JournalUnavailable

    with pytest.raises(JournalUnavailable) as caught:
        Journal.open(url)
    assert "Sup3rS3cret" not in str(caught.value) and "***" in str(caught.value)


def _make_read_only(path: Path) -> None:
    """chmod for ordinary users; root ignores modes, so it needs the immutable attribute."""
    if os.geteuid() != 0:
        os.chmod(path, 0o400)
        os.chmod(path.parent, 0o500)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("running as root where chattr +i is unavailable: cannot make a read-only file")


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    os.chmod(path.parent, 0o700)
    os.chmod(path, 0o600)


@pytest.mark.slow  # a process each (test_refusals.py reads and writes one in-process)
@pytest.mark.parametrize("command", [["init"], ["db", "current"], ["log", "New Person"]])
def test_a_read_only_journal_gives_one_sentence_and_is_not_modified(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        journal.log("Existing Person")
    before = path.read_bytes()
    _make_read_only(path)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "netjournal.cli.main", "--db", str(path), *command],
            cwd=tmp_path,  # the installed package, not a checkout's netjournal/
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        _make_writable(path)
    assert path.read_bytes() == before
    if command == ["db", "current"]:  # reading is fine
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "journal.db" in lines[0] and "read-only" in lines[0]


# -- passwords: every command, its --help, its errors, and the logs ----------------------

PASSWORD = "Sup3rS3cret-pw"
#: One invocation of every command (the path through the journal, after the global --db).
INVOCATIONS: dict[str, list[str]] = {
    "init": ["init"],
    "db current": ["db", "current"],
    "db upgrade": ["db", "upgrade"],
    "me": ["me", "--field", "software"],
    "event add": ["event", "add", "Privacy Night", "--date", "2026-01-10"],
    "event list": ["event", "list"],
    "event show": ["event", "show", "privacy"],
    "log": ["log", "Ada Lovelace", "--event", "privacy", "--lead", "advice:Try it"]
    + ["--follow-up", "2027-01-01:Send it"],
    "people list": ["people", "list"],
    "people show": ["people", "show", "ada"],
    "people edit": ["people", "edit", "ada", "--title", "Countess"],
    "people duplicates": ["people", "duplicates"],
    "people merge": ["people", "merge", "ada", "Imported Person", "--yes"],
    "people forget": ["people", "forget", "ada", "--yes"],
    "db scrub": ["db", "scrub"],
    "lead list": ["lead", "list"],
    "lead edit": ["lead", "edit", "1", "--status", "exploring"],
    "lead delete": ["lead", "delete", "1"],
    "event edit": ["event", "edit", "privacy", "--cost", "5"],
    "event delete": ["event", "delete", "privacy"],
    "encounter show": ["encounter", "show", "1"],
    "encounter edit": ["encounter", "edit", "1", "--notes", "Edited"],
    "encounter delete": ["encounter", "delete", "1"],
    "outcome list": ["outcome", "list"],
    "outcome edit": ["outcome", "edit", "1", "--note", "Edited"],
    "outcome delete": ["outcome", "delete", "1"],
    "followup add": ["followup", "add", "ada", "2027-02-01", "Call back"],
    "followup edit": ["followup", "edit", "2", "--action", "Call"],
    "followup reopen": ["followup", "reopen", "1"],
    "followup delete": ["followup", "delete", "2"],
    "history": ["history"],
    "undo": ["undo"],
    "outcome add": ["outcome", "add", "1", "--value", "10", "--note", "It worked"],
    "followup list": ["followup", "list"],
    "followup done": ["followup", "done", "1"],
    "search": ["search", "ada"],
    "report": ["report", "payoff"],
    "prep": ["prep", "privacy"],
    "cadence": ["cadence"],
    "catchup": ["catchup"],
    "import": ["import", "vcard", "{vcf}"],
    "export": ["export", "json"],
    "backup": ["backup"],
    "sync vdir": ["sync", "vdir", "."],
    "demo": ["demo"],
    "db encrypt": ["db", "encrypt"],
    "db decrypt": ["db", "decrypt"],
    "db rekey": ["db", "rekey"],
    "db remember-key": ["db", "remember-key"],
    "db forget-key": ["db", "forget-key"],
    "db unlock": ["db", "unlock"],
    "db lock": ["db", "lock"],
}
#: The order that makes each one meaningful on a real journal (merge needs the import...).
ORDER = [
    "init", "db current", "db upgrade", "me", "event add", "event list", "event show",
    "event edit", "log", "encounter show", "encounter edit", "people list", "people show",
    "people edit", "people duplicates", "import", "people merge", "lead list", "lead edit",
    "outcome add", "outcome list", "outcome edit", "followup list", "followup add",
    "followup edit", "followup done", "followup reopen", "followup delete", "history", "undo",
    "search", "report", "prep", "cadence", "catchup", "export", "backup", "sync vdir", "demo",
    "outcome delete", "lead delete",
    "encounter delete", "event delete", "people forget", "db scrub",
    "db encrypt", "db decrypt", "db rekey", "db remember-key", "db forget-key", "db unlock",
    "db lock",
]  # fmt: skip


def _leaf_commands() -> set[str]:
    import click
    from netjournal.cli.main import cli

    ctx = click.Context(cli)
    found = set()

    def walk(group: click.Group, prefix: list[str]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                walk(command, [*prefix, name])
            else:
                found.add(" ".join([*prefix, name]))

    walk(cli, [])
    return found


def test_every_command_is_checked_for_passwords() -> None:
    assert set(INVOCATIONS) == _leaf_commands() and sorted(ORDER) == sorted(INVOCATIONS)


def _vcf(tmp_path: Path) -> Path:
    path = tmp_path / "one.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Imported Person\r\nEND:VCARD\r\n")
    return path


def _secret_free(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text and "Sup3rS3cret" not in text, text


@pytest.fixture
def noisy_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Everything SQLAlchemy, its pool, psycopg and Alembic log, down to DEBUG."""
    import logging

    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.dialects", "alembic"):
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.DEBUG, logger="psycopg")
    return caplog


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        lines.append(repr(record.args))
    return "\n".join(lines)


@pytest.mark.parametrize("name", ORDER)
def test_no_password_in_the_errors_of_an_unreachable_server(
    name: str, tmp_path: Path, noisy_logs: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clirun import run

    monkeypatch.chdir(tmp_path)
    url = f"postgresql://alice:{PASSWORD}@127.0.0.1:1/nothing"
    args = [a.replace("{vcf}", str(_vcf(tmp_path))) for a in INVOCATIONS[name]]
    result = run("--db", url, *args, env={"NETJOURNAL_DB": url})
    _secret_free(result.out, result.err, _logged(noisy_logs))
    assert result.code == 1, result
    assert "Traceback" not in result.err and result.err.count("\n") == 1, result.err
    # import and backup read their file or refuse PostgreSQL first; db unlock first checks that
    # the session has a private runtime folder to keep the key in
    if name not in ("import", "backup", "db unlock"):
        assert "alice:***@127.0.0.1:1/nothing" in result.err, result.err


@pytest.mark.parametrize("name", ["", *ORDER])
def test_no_password_in_any_help(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from clirun import run

    url = f"postgresql://alice:{PASSWORD}@127.0.0.1:1/nothing"
    command = name.split() if name else []
    result = run(*command, "--help", env={"NETJOURNAL_DB": url})
    assert result.code == 0, result
    _secret_free(result.out, result.err)


@pytest.mark.slow  # every command, each a process
def test_no_password_anywhere_on_a_working_server(
    pg_server_url: str,
    tmp_path: Path,
    noisy_logs: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The local test server trusts its clients, so a URL with a password connects: every
    command runs for real, with all logging on, and the password shows up nowhere. They run
    in a folder of the test's (``sync vdir .`` writes its cards and lock there)."""
    from clirun import run
    from helpers import reset_postgres
    from sqlalchemy.engine import make_url

    monkeypatch.chdir(tmp_path)

    with Journal.open(pg_server_url):
        pass
    reset_postgres(pg_server_url)
    url = make_url(pg_server_url).set(password=PASSWORD).render_as_string(hide_password=False)
    assert PASSWORD in url
    vcf = _vcf(tmp_path)
    outcomes = {}
    for name in ORDER:
        args = [a.replace("{vcf}", str(vcf)) for a in INVOCATIONS[name]]
        result = run("--db", url, *args, env={"NETJOURNAL_DB": url})
        _secret_free(result.out, result.err)
        outcomes[name] = result.code
    _secret_free(_logged(noisy_logs))
    assert noisy_logs.records, "nothing was logged: the check above proves nothing"
    # backup refuses PostgreSQL (it prints the pg_dump command, without the password), the
    # demo refuses a journal that holds people and db scrub says PostgreSQL keeps dead rows
    # until VACUUM FULL, encryption applies to SQLite files only; everything else worked
    failed = {n for n, code in outcomes.items() if code != 0}
    encryption = {
        "db encrypt",
        "db decrypt",
        "db rekey",
        "db remember-key",
        "db forget-key",
        "db unlock",
        "db lock",
    }
    assert failed == {"backup", "demo", "db scrub", *encryption}, outcomes
    with pytest.raises(Exception) as caught:
        Journal.open(url.replace("/netjournal_test", "/missing_db_netjournal_test"))
    _secret_free(str(caught.value), repr(caught.value))
    with Journal.open(url) as journal:
        _secret_free(repr(journal), journal.location.display, str(Journal.schema_status(url)))


# -- private files: exports, backups, reports, upgrade backups under umask 022 ------------


def test_every_file_netjournal_writes_is_private_under_umask_022(tmp_path: Path) -> None:
    from clirun import run

    path = tmp_path / "made-by-netjournal" / "journal.db"
    old = os.umask(0o022)
    try:
        assert run("--db", str(path), "log", "Ada Lovelace", "--note", "private").code == 0
        stale = tmp_path / "stale.csv"  # an existing, world-readable file is replaced privately
        stale.write_text("old")
        stale.chmod(0o644)
        written = {
            "json": (["export", "json", "-o"], tmp_path / "journal.json"),
            "vcard": (["export", "vcard", "-o"], tmp_path / "people.vcf"),
            "csv": (["export", "csv", "--excel", "--overwrite", "-o"], stale),
            "backup": (["backup"], tmp_path / "copy.db"),
            "report": (["report", "events", "--format", "html", "-o"], tmp_path / "r.html"),
        }
        for what, (args, target) in written.items():
            result = run("--db", str(path), *args, str(target))
            assert result.code == 0, (what, result)
        default_backup = run("--db", str(path), "backup")
        assert default_backup.code == 0, default_backup
    finally:
        os.umask(old)
    assert path.parent.stat().st_mode & 0o777 == 0o700
    files = [target for _, target in written.values()]
    files += [p for p in path.parent.iterdir() if p.is_file()]
    assert any("backup-" in p.name for p in files)
    for file in files:
        assert file.stat().st_mode & 0o777 == 0o600, file
    assert not [p for p in tmp_path.rglob("*.part")]


def _tag_names(journal: Journal) -> set[str]:
    from sqlalchemy import text

    with journal.engine.connect() as conn:
        return set(conn.execute(text("SELECT name FROM tags")).scalars())


def test_tags_only_the_forgotten_rows_had_go_with_them(journal: Journal) -> None:
    journal.events.add("Tagged Evening", "2026-01-10", tags=["event-tag"])
    journal.log(
        "Keeper",
        tags=["shared"],
        leads=[{"kind": "advice", "summary": "kept", "tags": ["lead-shared"]}],
    )
    first = journal.log(
        "Gone Person",
        tags=["encounter-only", "shared"],
        leads=[{"kind": "advice", "summary": "lead", "tags": ["lead-only", "lead-shared"]}],
    )
    journal.people.update("Gone Person", add_tags=["person-only", "event-tag"])
    second = journal.log("Other Person", tags=["deleted-encounter-only", "shared"])
    assert _tag_names(journal) >= {"encounter-only", "lead-only", "person-only"}
    journal.encounters.delete(second.id)
    assert "deleted-encounter-only" not in _tag_names(journal)
    journal.people.forget("Gone Person")
    assert _tag_names(journal) == {"event-tag", "shared", "lead-shared"}
    assert first.id not in {e.id for e in journal.encounters.list()}
    assert [t.name for t in journal.events.get("Tagged").tags] == ["event-tag"]
