"""An encrypted journal (SQLCipher, issue 17): nothing readable in its files, its backups or its
upgrade backup; every command works on it; each way of failing is one line; keys kept in a real
(file-backed) keyring only when asked."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirun import fails, ok, run
from helpers import examples, stand_in_keyring
from hypothesis import given, settings
from hypothesis import strategies as st

from netjournal import Journal, cipher, schema
from netjournal.cipher import PassphraseNeeded, WrongPassphrase
from netjournal.errors import InvalidInput, JournalUnavailable, SchemaOutOfDate

pytest.importorskip("sqlcipher3")
keyring = pytest.importorskip("keyring")
from keyrings.alt.file import PlaintextKeyring  # noqa: E402

PASS = "corde à linge: 'vert' \"bleu\" ; --"  # quotes and a comment marker: escaped, not SQL


def season(seed: int = 17) -> list[tuple[str, str, str]]:
    """50 people of a seeded season: a name with accents, an e-mail, a note, each unique."""
    rng = random.Random(seed)
    first = ["Hélène", "Zoé", "Anaïs", "Loïc", "Maëlle", "Jérôme", "Çelik", "Ngozi", "Søren"]
    last = ["Dubois", "N'Diaye", "Quéméner", "Ørsted", "Lefèvre", "Traoré", "Nakamura"]
    people = []
    for i in range(50):
        tag = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(6))
        name = f"{rng.choice(first)} {rng.choice(last)}-{tag}"
        email = f"{tag}.{i}@confidentiel.test"
        note = f"Marché secret {tag}{i} évalué à {rng.randint(10, 99)} k€"
        people.append((name, email, note))
    return people


def known_strings(people: list[tuple[str, str, str]]) -> list[bytes]:
    """The 50 strings the scan looks for: names, e-mails or notes, in turn."""
    return [person[i % 3].encode("utf-8") for i, person in enumerate(people)]


def fill(journal: Journal, people: list[tuple[str, str, str]]) -> None:
    journal.events.add("Salon Confidentiel", "2026-10-02", kind="trade-show")
    for i, (name, email, note) in enumerate(people):
        journal.log(name, email=email, notes=note, event="Salon Confidentiel" if i % 2 else None)


def files_of(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def found(paths: list[Path], strings: list[bytes]) -> list[bytes]:
    raw = b"".join(p.read_bytes() for p in paths)
    return [s for s in strings if s in raw]


def write_secret(folder: Path, secret: str, name: str = "pass.txt") -> Path:
    file = folder / name
    file.write_text(secret + "\n", encoding="utf-8")
    file.chmod(0o600)
    return file


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[PlaintextKeyring]:
    """A real keyring backend (a file, no desktop session needed) in the test's folder."""
    backend = stand_in_keyring(tmp_path / "keyring.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def _downgrade(path: Path, passphrase: str, revision: str) -> None:
    """Take an encrypted journal back to an older schema, to exercise ``db upgrade``."""
    from alembic import command

    from netjournal import db, keys

    location = keys.unlock(db.resolve(path), passphrase, create=False)
    engine = db.make_engine(location, create=False)
    try:
        with engine.begin() as connection:
            command.downgrade(schema.alembic_config(connection), revision)
    finally:
        engine.dispose()


# -- the byte scan -------------------------------------------------------------------------


@pytest.mark.slow  # SQLCipher conversions and processes
def test_no_known_string_in_the_encrypted_files_backups_or_upgrade_backup(
    tmp_path: Path, no_keyring: None
) -> None:
    people = season()
    strings = known_strings(people)
    assert len(set(strings)) == 50
    path = tmp_path / "journal.db"
    with Journal.open(path, passphrase=PASS) as journal:
        fill(journal, people)
        backup = journal.backup(tmp_path / "copy.db")
        # The journal is still open: its -wal and -shm hold the latest pages.
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
        assert found(files_of(path), strings) == []
        hits = journal.search(people[3][2].split()[2])  # a word of a note, through FTS5
        assert [h.person for h in hits] == [people[3][0]]
    assert found([backup], strings) == []
    assert cipher.file_state(backup) == "encrypted"
    with Journal.open(backup, passphrase=PASS) as copy:  # the same passphrase opens the copy
        assert copy.counts()["people"] == 50

    _downgrade(path, PASS, schema.REVISIONS[-2])
    with pytest.raises(SchemaOutOfDate, match="db upgrade"):
        Journal.open(path, passphrase=PASS)
    bak = Journal.upgrade(path, passphrase=PASS)
    assert bak is not None and bak.exists()
    assert found([bak], strings) == []
    assert found(files_of(path), strings) == []
    assert Journal.schema_status(bak, passphrase=PASS).current == schema.REVISIONS[-2]
    assert Journal.schema_status(path, passphrase=PASS).current == schema.HEAD


def test_the_same_scan_finds_every_string_in_a_plain_journal(tmp_path: Path) -> None:
    people = season()
    strings = known_strings(people)
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        fill(journal, people)
        backup = journal.backup(tmp_path / "copy.db")
        assert found(files_of(path), strings) == strings
    assert found([backup], strings) == strings


def test_every_report_reads_the_same_on_the_encrypted_journal(
    tmp_path: Path, no_keyring: None
) -> None:
    from netjournal.reports import REPORTS
    from netjournal.reports.render import to_json

    def all_reports(journal: Journal) -> dict[str, object]:
        found = {}
        for name in REPORTS:
            kwargs = {"event": "Salon Confidentiel"} if name == "prep" else {}
            found[name] = json.loads(to_json(journal.report(name, **kwargs)))
            found[name].pop("generated_at", None)
        return found

    path = tmp_path / "journal.db"
    with Journal.open(path, passphrase=PASS) as journal:
        fill(journal, season()[:12])
        first = journal.encounters.list()[0]
        journal.log(
            first.person.display_name,
            event="Salon Confidentiel",
            leads=[("supplier", "Cartons moins chers")],
            again=True,
        )
        lead = journal.leads.list()[0]
        journal.outcomes.add(lead.id, "Fournisseur changé", value="4800", kind="savings")
        encrypted = all_reports(journal)
    Journal.decrypt(path, passphrase=PASS)
    with Journal.open(path) as journal:
        assert all_reports(journal) == encrypted
    filled = [name for name, doc in encrypted.items() if doc["rows"]]  # type: ignore[index]
    assert {"payoff", "events", "leads", "prep"} <= set(filled), filled


# -- converting ----------------------------------------------------------------------------

KILLED_WRITER = """
import os, sys
from netjournal import Journal
journal = Journal.open(sys.argv[1])
journal.log("Opaline Vermorel", notes="the last words before the crash: Ombrecastel")
os._exit(0)  # killed: the write-ahead log is left beside the journal, not copied in
"""


@pytest.mark.slow  # SQLCipher conversions and processes
def test_encrypt_overwrites_the_plain_file_and_its_log(tmp_path: Path, no_keyring: None) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        fill(journal, season()[:5])
    subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], cwd=tmp_path, check=True)
    wal = Path(f"{path}-wal")
    assert b"Ombrecastel" in wal.read_bytes()
    # Hold the old files open, as a thief with a disk image would read their blocks later.
    old = {p.name: os.open(p, os.O_RDONLY) for p in files_of(path)}
    try:
        Journal.encrypt(path, PASS)
        for name, fd in old.items():
            size = os.fstat(fd).st_size
            assert size > 0, name
            assert os.pread(fd, size, 0) == b"\x00" * size, f"{name} was not overwritten"
    finally:
        for fd in old.values():
            os.close(fd)
    assert files_of(path) == [path]
    assert cipher.file_state(path) == "encrypted"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    # What a decrypt killed before its end left (a partial copy in clear) goes with the next
    # conversion; a file of another name stays.
    stale = tmp_path / ".journal.db.k1ll3d.part"
    stale.write_bytes(b"SQLite format 3\x00 Ombrecastel")
    Path(f"{stale}-journal").write_bytes(b"Ombrecastel")
    kept = tmp_path / ".journal.db-notes.txt"
    kept.write_text("mine")
    Journal.rekey(path, "autre", passphrase=PASS)
    assert not stale.exists() and not Path(f"{stale}-journal").exists()
    assert kept.read_text() == "mine"
    Journal.rekey(path, PASS, passphrase="autre")
    with Journal.open(path, passphrase=PASS) as journal:
        assert journal.people.get("Opaline Vermorel").display_name == "Opaline Vermorel"
        assert journal.counts()["people"] == 6
        assert journal.encrypted and journal.key_source == "argument"


@pytest.mark.slow  # SQLCipher conversions and processes
def test_decrypt_and_rekey_round_trip(tmp_path: Path, no_keyring: None) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path, passphrase=PASS) as journal:
        fill(journal, season()[:5])
        before = journal.counts()
    Journal.rekey(path, "nouvelle phrase", passphrase=PASS)
    with pytest.raises(WrongPassphrase):
        Journal.open(path, passphrase=PASS)
    shell = cipher.driver().connect(str(path))  # as the sqlcipher shell opens it
    shell.execute("PRAGMA key = 'nouvelle phrase'")
    assert shell.execute("SELECT count(*) FROM people").fetchone() == (5,)
    shell.close()
    Journal.decrypt(path, passphrase="nouvelle phrase")
    assert cipher.file_state(path) == "plain"
    plain = sqlite3.connect(path)  # any SQLite reads it now
    assert plain.execute("SELECT count(*) FROM people").fetchone()[0] == 5
    plain.close()
    with Journal.open(path) as journal:
        assert journal.counts() == before
        assert not journal.encrypted and journal.key_source is None
    with pytest.raises(InvalidInput, match="not encrypted"):
        Journal.decrypt(path)
    Journal.encrypt(path, PASS)
    with pytest.raises(InvalidInput, match="already encrypted"):
        Journal.encrypt(path, PASS)


HOLDER = """
import sys
from netjournal import Journal
journal = Journal.open(sys.argv[1])
journal.counts()
print("ready", flush=True)
sys.stdin.readline()
journal.close()
"""


@pytest.mark.slow  # SQLCipher conversions and processes
def test_a_conversion_is_refused_while_another_program_has_the_journal_open(
    tmp_path: Path, no_keyring: None
) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        fill(journal, season()[:2])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        with pytest.raises(JournalUnavailable, match="Another program has .* open"):
            Journal.encrypt(path, PASS)
    finally:
        holder.communicate("done\n", timeout=60)
    assert holder.returncode == 0
    assert cipher.file_state(path) == "plain"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    Journal.encrypt(path, PASS)  # once it closed the journal
    with Journal.open(path, passphrase=PASS) as journal:
        assert journal.counts()["people"] == 2


# -- failing in one line -------------------------------------------------------------------


@pytest.mark.slow  # SQLCipher conversions and processes
def test_a_conversion_that_runs_out_of_space_is_one_line_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """``db encrypt`` with room for less than the copy (a file-size limit standing in for a
    full disk): one line, status 1, the plain journal as it was and no temporary file."""
    import resource

    path = tmp_path / "journal.db"
    with Journal.open(path) as journal:
        for i in range(200):
            journal.log(f"Person {i}", notes="carton " * 40, again=True)
        counts = journal.counts()
    size = path.stat().st_size
    secret = write_secret(tmp_path, PASS)

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size // 2, size // 2))

    done = subprocess.run(
        [sys.executable, "-m", "netjournal.cli.main", "--db", str(path)]
        + ["--passphrase-file", str(secret), "db", "encrypt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=small_files,  # noqa: PLW1509 (a limit of the child only)
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.db", "pass.txt"]
    assert cipher.file_state(path) == "plain"
    with Journal.open(path) as journal:
        assert journal.counts() == counts


def test_each_failure_is_one_line_and_writes_nothing(tmp_path: Path, no_keyring: None) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path, passphrase=PASS) as journal:
        fill(journal, season()[:3])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    right = write_secret(tmp_path, PASS)
    wrong = write_secret(tmp_path, "pas la bonne", "wrong.txt")

    line = fails("--db", str(path), "--passphrase-file", str(wrong), "people", "list")
    assert line == f"Error: {path}: wrong passphrase, or not a netjournal journal."
    assert PASS not in line and "pas la bonne" not in line
    line = fails("--db", str(path), "people", "list")  # no passphrase, no terminal to ask on
    assert "is encrypted: give its passphrase" in line
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert files_of(path) == [path]

    plain = tmp_path / "plain.db"
    Journal.open(plain).close()
    line = fails("--db", str(plain), "--passphrase-file", str(right), "people", "list")
    assert "is not encrypted" in line

    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(path.read_bytes()[:1500])
    line = fails("--db", str(truncated), "--passphrase-file", str(right), "people", "list")
    assert "not a netjournal journal" in line
    truncated.write_bytes(path.read_bytes()[:4096])  # whole pages, but not the whole file
    line = fails("--db", str(truncated), "--passphrase-file", str(right), "people", "list")
    assert "not a netjournal journal" in line or "malformed" in line

    with pytest.raises(PassphraseNeeded):
        Journal.open(path)


def test_sqlcipher_prints_nothing_of_its_own_on_a_wrong_passphrase(
    tmp_path: Path, no_keyring: None
) -> None:
    path = tmp_path / "journal.db"
    Journal.open(path, passphrase=PASS).close()
    wrong = write_secret(tmp_path, "pas la bonne")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "netjournal.cli.main",
            "--db",
            str(path),
            "--passphrase-file",
            str(wrong),
            "search",
            "x",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")},
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1
    assert proc.stderr == f"Error: {path}: wrong passphrase, or not a netjournal journal.\n"
    assert proc.stdout == ""


def test_without_the_extra_an_encrypted_journal_names_it(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    Journal.open(path, passphrase=PASS).close()
    script = (
        "import sys; sys.modules['sqlcipher3'] = None\n"  # as if the extra were not installed
        "from netjournal.cli.main import main; main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, "--db", str(path), "people", "list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1
    assert proc.stderr == (
        "Error: Encrypted journals need SQLCipher: pip install 'netjournal[encrypted]'.\n"
    )


def test_postgresql_says_encryption_does_not_apply(pg_server_url: str) -> None:
    with pytest.raises(InvalidInput, match="PostgreSQL journal is protected by its server"):
        Journal.open(pg_server_url, passphrase=PASS)
    with pytest.raises(InvalidInput, match="SQLite journal files"):
        Journal.encrypt(pg_server_url, PASS)


# -- the command line ----------------------------------------------------------------------


@pytest.mark.slow  # SQLCipher conversions and processes
def test_the_commands_on_an_encrypted_journal(tmp_path: Path, no_keyring: None) -> None:
    path = str(tmp_path / "journal.db")
    secret = str(write_secret(tmp_path, PASS))
    base = ("--db", path, "--passphrase-file", secret)
    assert "(encrypted)" in ok(*base, "init", "--encrypt")
    ok(*base, "event", "add", "Salon Lyon", "--date", "2026-10-02")
    ok(*base, "log", "Hélène Dubois", "--event", "Salon Lyon", "--note", "Cartonnier discret")
    assert "Hélène Dubois" in ok(*base, "search", "cartonnier")
    assert "Hélène Dubois" in ok(*base, "people", "show", "Hélène")
    ok(*base, "report", "events")
    current = ok(*base, "db", "current")
    assert "Encrypted; key from the passphrase file." in current
    assert json.loads(ok(*base, "db", "current", "--json"))["key_source"] == "file"

    exported = run(*base, "export", "json", "-o", str(tmp_path / "out.json"))
    assert exported.code == 0
    assert "the journal is encrypted" in exported.err and "out.json is not" in exported.err
    vcards = run(*base, "export", "vcard")
    assert "BEGIN:VCARD" in vcards.out and "this export is not" in vcards.err
    fresh = str(tmp_path / "imported.db")
    ok("--db", fresh, "--passphrase-file", secret, "init", "--encrypt")
    ok("--db", fresh, "--passphrase-file", secret, "import", "json", str(tmp_path / "out.json"))
    assert "Hélène Dubois" in ok("--db", fresh, "--passphrase-file", secret, "people", "list")

    backup = ok(*base, "backup", str(tmp_path / "b.db")).split()[-1]
    assert cipher.file_state(Path(backup)) == "encrypted"

    new = str(write_secret(tmp_path, "une autre", "new.txt"))
    gc.collect()  # the journals the in-process runs above left to the collector are closed
    ok(*base, "db", "rekey", "--new-passphrase-file", new)
    assert "wrong passphrase" in fails(*base, "people", "list")
    gc.collect()
    ok("--db", path, "--passphrase-file", new, "db", "decrypt")
    assert "Not encrypted." in ok("--db", path, "db", "current")
    gc.collect()
    ok("--db", path, "--passphrase-file", secret, "db", "encrypt")
    assert "Hélène Dubois" in ok(*base, "people", "list")
    # The passphrase is nowhere in --help, and not an option of its own.
    assert PASS not in ok("--help") and "--passphrase " not in ok("--help")


def test_a_prompt_only_on_a_terminal(tmp_path: Path, no_keyring: None) -> None:
    path = str(tmp_path / "journal.db")
    line = fails("--db", path, "init", "--encrypt", input=f"{PASS}\n{PASS}\n")
    assert "typed on a terminal" in line
    assert not Path(path).exists() or Path(path).stat().st_size == 0


# -- the keyring ---------------------------------------------------------------------------


@pytest.mark.slow  # SQLCipher conversions and processes
def test_remember_then_forget_the_key(tmp_path: Path, file_keyring: PlaintextKeyring) -> None:
    path = tmp_path / "journal.db"
    secret = str(write_secret(tmp_path, PASS))
    ok("--db", str(path), "--passphrase-file", secret, "init", "--encrypt", "--remember")
    with Journal.open(path) as journal:  # no passphrase: the keyring's key
        assert journal.key_source == "keyring"
    assert "key from the system keyring" in ok("--db", str(path), "db", "current")
    stored = Path(file_keyring.file_path).read_text()
    assert PASS not in stored and "corde" not in stored  # the derived key, not the passphrase
    assert "keyring no longer holds" in ok("--db", str(path), "db", "forget-key")
    assert "held no key" in ok("--db", str(path), "db", "forget-key")
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)
    ok("--db", str(path), "--passphrase-file", secret, "db", "remember-key")
    with Journal.open(path) as journal:
        assert journal.key_source == "keyring"
    gc.collect()
    Journal.rekey(path, "nouvelle", passphrase=PASS)  # the old key is forgotten with it
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)
    Journal.rekey(path, "encore", passphrase="nouvelle", remember=True)
    with Journal.open(path) as journal:
        assert journal.key_source == "keyring"
    # Its passphrase changed by a copy of netjournal that did not update this keyring entry:
    key = cipher.new_key("changée ailleurs")
    cipher.convert(path, cipher.stored_key(keys_entry(file_keyring, path)), key, display="x")
    line = fails("--db", str(path), "people", "list")
    assert "the key remembered in the keyring no longer opens it" in line
    assert "db forget-key" in line
    path.unlink()  # a journal deleted: its key can still be forgotten
    assert Journal.forget_key(path) is True
    assert PASS not in Path(file_keyring.file_path).read_text()
    assert Journal.forget_key(path) is False


def test_a_keyring_in_clear_is_not_trusted_with_a_key(tmp_path: Path) -> None:
    """keyrings.alt's PlaintextKeyring (keyring rates it 0.5, "not recommended") keeps
    passwords in a file in clear: remembering is refused there, in one line, and nothing is
    written to it."""
    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(plain)
    path = tmp_path / "journal.db"
    try:
        with (
            Journal.open(path, passphrase=PASS) as journal,
            pytest.raises(JournalUnavailable, match="does not protect what it keeps"),
        ):
            journal.remember_key()
    finally:
        keyring.set_keyring(previous)
    assert not (tmp_path / "keyring.cfg").exists()
    secret = write_secret(tmp_path, PASS)
    refused = run("--db", str(path), "--passphrase-file", str(secret), "db", "remember-key")
    assert refused.code == 1 and refused.err.count("\n") == 1


def keys_entry(backend: PlaintextKeyring, path: Path) -> str:
    raw = backend.get_password("netjournal", str(path))
    assert raw is not None
    return raw


def _complete(journal: Path, data: Path, typed: str) -> str:
    """What bash completion offers for ``netjournal people show TYPED``, on a terminal."""
    leader, follower = os.openpty()  # a terminal on stdin: a prompt would wait forever
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "netjournal.cli.main"],
            cwd=data.parent,
            env={
                **os.environ,
                "_NETJOURNAL_COMPLETE": "bash_complete",
                "COMP_WORDS": f"netjournal people show {typed}",
                "COMP_CWORD": "3",
                "NETJOURNAL_DB": str(journal),
                "XDG_DATA_HOME": str(data),
                "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            },
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


@pytest.mark.slow  # SQLCipher conversions and processes
def test_completion_never_prompts_and_offers_names_with_a_remembered_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))  # where the completion looks too
    path = tmp_path / "journal.db"
    with Journal.open(path, passphrase=PASS) as journal:
        journal.log("Hélène Dubois")
    offered = _complete(path, data, "Hél")
    assert offered.strip() == "" and "assphrase" not in offered  # no key: nothing, no prompt
    backend = stand_in_keyring(data / "python_keyring" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        with Journal.open(path, passphrase=PASS) as journal:
            journal.remember_key()
    finally:
        keyring.set_keyring(previous)
    assert "Hélène" in _complete(path, data, "Hél")


# -- forgetting with FTS5 secure-delete ------------------------------------------------------

FORGOTTEN = ("Juquillembert", "Uvombrevaux", "Vytremolhac")


def search_index(path: Path, passphrase: str) -> tuple[bytes, dict[str, int]]:
    """The raw pages of the search index (FTS5's data table) and its settings, read through
    SQLCipher."""
    key = cipher.derive(passphrase, cipher.salt_of(path))
    connection = cipher.connect(path, key, timeout=5, display=str(path))
    try:
        blocks = connection.execute("SELECT block FROM search_fts_data").fetchall()
        config = dict(connection.execute("SELECT k, v FROM search_fts_config").fetchall())
    finally:
        connection.close()
    return b"".join(bytes(b[0]) for b in blocks), config


def index_holds(raw: bytes) -> list[str]:
    # Terms are stored folded, and each after the prefix it shares with the previous one.
    return [word for word in FORGOTTEN if word.lower()[2:].encode() in raw]


def _two_people(journal: Journal) -> None:
    journal.log("Keeper Person", notes="stays in the journal")
    journal.log(f"Aurèle {FORGOTTEN[0]}", notes=f"Signed the {FORGOTTEN[1]} with {FORGOTTEN[2]}")


@pytest.mark.slow  # SQLCipher conversions and processes
def test_forgetting_uses_fts5_secure_delete_on_sqlcipher(tmp_path: Path, no_keyring: None) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path, passphrase=PASS) as journal:
        _two_people(journal)
        assert index_holds(search_index(path, PASS)[0]) == list(FORGOTTEN)
        result = journal.people.forget(FORGOTTEN[0])
        assert result.erased
        assert [h.person for h in journal.search("stays")] == ["Keeper Person"]
    raw, config = search_index(path, PASS)
    assert index_holds(raw) == []
    assert config["version"] == 5  # the format secure-delete writes: it was used...
    assert config.get("secure-delete", 0) == 0  # ...and turned off for everyday edits

    # Without it (an ordinary delete, no merge), the same words stay in the index.
    other = tmp_path / "other.db"
    with Journal.open(other, passphrase=PASS) as journal:
        _two_people(journal)
        journal.people.delete(FORGOTTEN[0])
    assert index_holds(search_index(other, PASS)[0]) == list(FORGOTTEN)

    # Decrypted, the journal is searched by this Python's own SQLite, whatever its age.
    Journal.decrypt(path, passphrase=PASS)
    with Journal.open(path) as journal:
        assert [h.person for h in journal.search("stays")] == ["Keeper Person"]
        assert list(journal.search(FORGOTTEN[1])) == []
        journal.log("Après Decrypt", notes="stays too")
        assert len(journal.search("stays")) == 2


# -- the hidden prompt, on a real terminal ---------------------------------------------------


def _on_a_terminal(args: list[str], answers: list[tuple[str, str]], cwd: Path) -> tuple[int, str]:
    """Run netjournal on a pseudo-terminal of its own (no other controlling terminal), type
    each answer once its prompt shows; returns the exit status and all it printed."""
    import select

    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netjournal.cli.main", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        start_new_session=True,
        env={**os.environ, "XDG_DATA_HOME": str(cwd / "data")},
    )
    os.close(follower)
    output = b""
    pending = list(answers)
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 120)
            assert ready, f"no output for 120 s: {output!r}"
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the program ended
                break
            if not chunk:
                break
            output += chunk
            if pending and pending[0][0].encode() in output.split(b"\n")[-1]:
                os.write(leader, pending.pop(0)[1].encode() + b"\n")
    finally:
        os.close(leader)
    return proc.wait(timeout=120), output.decode(errors="replace")


@pytest.mark.slow  # SQLCipher conversions and processes
def test_the_passphrase_is_asked_hidden_twice_when_set_once_to_open(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "journal.db")
    code, shown = _on_a_terminal(
        ["--db", path, "init", "--encrypt"],
        [("New passphrase", PASS), ("Repeat it", PASS)],
        tmp_path,
    )
    assert code == 0, shown
    assert "(encrypted)" in shown and PASS not in shown and "corde" not in shown
    code, shown = _on_a_terminal(
        ["--db", path, "log", "Hélène Dubois"], [("Passphrase of the journal", PASS)], tmp_path
    )
    assert code == 0, shown
    assert "Logged" in shown and "corde" not in shown
    code, shown = _on_a_terminal(
        ["--db", path, "people", "list"], [("Passphrase of the journal", "pas la bonne")], tmp_path
    )
    assert code == 1 and "wrong passphrase, or not a netjournal journal" in shown
    assert "pas la bonne" not in shown


# -- any passphrase ------------------------------------------------------------------------


@pytest.mark.slow  # SQLCipher conversions and processes
@given(
    passphrase=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=examples(12), deadline=None)
def test_any_passphrase_opens_what_sqlcipher_itself_keys_with_it(passphrase: str) -> None:
    """The key netjournal derives is SQLCipher's own: a file keyed by SQLCipher with the
    passphrase (quotes, backslashes, any script) opens with netjournal's key, so a journal
    and the ``sqlcipher`` shell agree on every passphrase (``Journal.open`` keys its
    connections with exactly this key)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        theirs = Path(folder) / "theirs.db"
        dbapi2 = cipher.driver()
        made = dbapi2.connect(str(theirs))
        made.execute("PRAGMA key = '" + passphrase.replace("'", "''") + "'")
        made.execute("CREATE TABLE t(x)")
        made.commit()
        made.close()
        assert cipher.file_state(theirs) == "encrypted"
        key = cipher.derive(passphrase, cipher.salt_of(theirs))
        cipher.connect(theirs, key, timeout=5, display="theirs").close()
