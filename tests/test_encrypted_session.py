"""The session unlock of an encrypted journal (``netjournal db unlock``): the key derived once
and kept in a private runtime folder, read before the keyring without importing it, for a
limited time; every file it cannot trust is ignored, every change of key ends it, and it is
refused where the key would have to go to disk."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from clirun import fails, ok, run
from helpers import stand_in_keyring
from hypothesis import given
from hypothesis import strategies as st

from netjournal import Journal, cipher, session_keys
from netjournal.cipher import PassphraseNeeded, WrongPassphrase
from netjournal.errors import InvalidInput, JournalUnavailable

pytest.importorskip("sqlcipher3")
keyring = pytest.importorskip("keyring")

PASS = "phrase de session: 'ouverte' ; --"


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private runtime folder (mode 0700) as ``$XDG_RUNTIME_DIR``."""
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


def encrypted(tmp_path: Path, name: str = "journal.db") -> Path:
    path = tmp_path / name
    with Journal.open(path, passphrase=PASS) as journal:
        journal.log("Hélène Dubois", notes="Cartonnier discret")
    return path


def session_file(runtime: Path) -> Path:
    files = list((runtime / "netjournal").glob("*.key"))
    assert len(files) == 1, files
    return files[0]


def secret_file(folder: Path, secret: str = PASS, name: str = "pass.txt") -> str:
    file = folder / name
    file.write_text(secret + "\n", encoding="utf-8")
    file.chmod(0o600)
    return str(file)


# -- unlocking, and what it leaves ----------------------------------------------------------


def test_the_key_is_kept_0600_in_a_0700_folder_and_never_shown(
    tmp_path: Path, runtime: Path, no_keyring: None
) -> None:
    path = encrypted(tmp_path)
    secret = secret_file(tmp_path)
    shown = [ok("--db", str(path), "--passphrase-file", secret, "db", "unlock", "--for", "2h")]
    file = session_file(runtime)
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o700
    raw = cipher.derive(PASS, cipher.salt_of(path)).raw
    assert file.read_text().split("\n")[0] == raw  # the derived key, not the passphrase
    assert PASS not in file.read_text()
    assert str(path) not in file.name  # named by a hash of the path

    shown.append(ok("--db", str(path), "people", "list"))
    shown.append(ok("--db", str(path), "search", "cartonnier"))
    current = ok("--db", str(path), "db", "current")
    assert "key from the session unlock, until" in current
    status = json.loads(ok("--db", str(path), "db", "current", "--json"))
    assert status["key_source"] == "session"
    ends = dt.datetime.fromisoformat(status["key_expires"])
    assert abs((ends - dt.datetime.now(dt.UTC)).total_seconds() - 7200) < 60
    shown += [current, json.dumps(status), ok("--db", str(path), "db", "lock")]
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)
    key_hex = raw[2:-1]
    for text in shown:
        assert key_hex[:32] not in text and key_hex[64:] not in text and PASS not in text


@pytest.mark.slow  # processes and key derivations
def test_the_library_unlocks_and_locks(tmp_path: Path, runtime: Path, no_keyring: None) -> None:
    path = encrypted(tmp_path)
    ends = Journal.unlock_session(path, passphrase=PASS, minutes=15)
    assert ends.tzinfo is not None
    assert 14 * 60 < (ends - dt.datetime.now(dt.UTC)).total_seconds() <= 15 * 60
    with Journal.open(path) as journal:
        assert journal.key_source == "session" and journal.key_expires == ends
        assert journal.counts()["people"] == 1
    # Using it leaves its end where it was.
    before = session_file(runtime).read_text()
    time.sleep(1.1)
    Journal.open(path).close()
    assert session_file(runtime).read_text() == before
    assert Journal.lock_session(path) is True
    assert Journal.lock_session(path) is False
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)
    plain = tmp_path / "plain.db"
    Journal.open(plain).close()
    with pytest.raises(InvalidInput, match="not encrypted"):
        Journal.unlock_session(plain)
    # A passphrase given wins over the session's key.
    Journal.unlock_session(path, passphrase=PASS)
    with Journal.open(path, passphrase=PASS) as journal:
        assert journal.key_source == "argument"
    with pytest.raises(WrongPassphrase):
        Journal.open(path, passphrase="pas la bonne")


@pytest.mark.slow  # processes and key derivations
def test_lock_all_ends_every_unlock(tmp_path: Path, runtime: Path, no_keyring: None) -> None:
    first, second = encrypted(tmp_path, "a.db"), encrypted(tmp_path, "b.db")
    for path in (first, second):
        Journal.unlock_session(path, passphrase=PASS)
    assert len(list((runtime / "netjournal").glob("*.key"))) == 2
    assert ok("db", "lock", "--all") == "2 journals locked.\n"
    assert list((runtime / "netjournal").iterdir()) == []
    assert ok("db", "lock", "--all") == "0 journals locked.\n"
    assert ok("--db", str(first), "db", "lock") == "The journal was not unlocked.\n"


# -- no keyring, no derivation: a real process ----------------------------------------------

PROBE = (
    "import atexit, sys\n"
    "atexit.register(\n"
    "    lambda: print('keyring imported:', 'keyring' in sys.modules, file=sys.stderr)\n"
    ")\n"
    "from netjournal.cli.main import main; main()\n"
)


def _process(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.mark.slow  # processes and key derivations
def test_an_unlocked_journal_opens_without_importing_the_keyring(
    tmp_path: Path, runtime: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))  # where the processes look for the mark
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(data),
        "XDG_RUNTIME_DIR": str(runtime),
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
    }
    path = tmp_path / "journal.db"
    secret = secret_file(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    made = _process(
        ["--db", str(path), "--passphrase-file", secret, "init", "--encrypt"], env, work
    )
    assert made.returncode == 0, made.stderr
    # Its key remembered too: without the session, the keyring would be asked.
    backend = stand_in_keyring(data / "python_keyring" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        with Journal.open(path, passphrase=PASS) as journal:
            journal.log("Hélène Dubois", notes="Cartonnier discret")
            journal.remember_key()
    finally:
        keyring.set_keyring(previous)

    unlocked = _process(["--db", str(path), "--passphrase-file", secret, "db", "unlock"], env, work)
    assert unlocked.returncode == 0, unlocked.stderr
    for args in (["search", "cartonnier"], ["people", "show", "Hélène"], ["db", "current"]):
        done = _process(["--db", str(path), *args], env, work)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "keyring imported: False\n"
        assert "Hélène Dubois" in done.stdout or "session unlock" in done.stdout
    locked = _process(["--db", str(path), "db", "lock"], env, work)
    assert locked.returncode == 0
    # The same command, the session locked: the keyring opens it, and was imported for it.
    done = _process(["--db", str(path), "db", "current"], env, work)
    assert "key from the system keyring" in done.stdout
    assert done.stderr == "keyring imported: True\n"


# -- what is not trusted --------------------------------------------------------------------


def _write(file: Path, raw: str, expires: float, mode: int = 0o600) -> None:
    file.write_text(f"{raw}\n{int(expires)}\n", encoding="ascii")
    file.chmod(mode)


def test_an_expired_or_untrusted_file_is_ignored_and_removed(
    tmp_path: Path, runtime: Path, no_keyring: None
) -> None:
    path = encrypted(tmp_path)
    Journal.unlock_session(path, passphrase=PASS, minutes=1)
    file = session_file(runtime)
    raw = file.read_text().split("\n")[0]
    now = time.time()
    for expires, mode in [
        (now - 1, 0o600),  # expired
        (now + 13 * 3600, 0o600),  # beyond any unlock: written by something else
        (now + 600, 0o644),  # readable by others
        (now + 600, 0o640),
    ]:
        _write(file, raw, expires, mode)
        with pytest.raises(PassphraseNeeded):
            Journal.open(path)
        assert not file.exists()
    _write(file, "x'00'", now + 600)  # not a key
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)
    assert not file.exists()
    _write(file, raw, now + 600)
    with Journal.open(path) as journal:  # the control: the same file, trusted, opens it
        assert journal.key_source == "session"

    # A symbolic link in place of the file is not followed.
    target = tmp_path / "elsewhere.key"
    _write(target, raw, now + 600)
    file.unlink()
    file.symlink_to(target)
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)
    assert not file.is_symlink() and target.exists()


@given(st.binary(max_size=300))
def test_any_bytes_in_a_session_file_are_ignored_never_raised(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        runtime = Path(folder)
        runtime.chmod(0o700)
        journal = runtime / "journal.db"
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("XDG_RUNTIME_DIR", folder)
            keys = session_keys.folder()
            file = keys / session_keys.file_name(journal)
            file.write_bytes(data)
            file.chmod(0o600)
            assert session_keys.key_of(journal) is None
            assert not file.exists()


def test_a_file_of_another_user_or_an_open_folder_is_ignored(
    tmp_path: Path, runtime: Path, no_keyring: None
) -> None:
    path = encrypted(tmp_path)
    Journal.unlock_session(path, passphrase=PASS)
    file = session_file(runtime)
    keys = file.parent
    keys.chmod(0o755)  # the folder open to others: nothing in it is used
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)
    assert file.exists()  # not ours to judge: left, unused
    line = fails("--db", str(path), "db", "unlock")  # nor unlocked into it
    assert f"{keys} is open to others (mode 0755, not 0700)" in line
    keys.chmod(0o700)
    with Journal.open(path) as journal:
        assert journal.key_source == "session"
    if os.getuid() != 0:
        pytest.skip("giving a file to another user needs root")
    os.chown(file, 65534, 65534)
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)
    assert not file.exists()


def test_no_private_runtime_folder_refuses_in_one_line(
    tmp_path: Path, runtime: Path, monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    path = encrypted(tmp_path)
    secret = secret_file(tmp_path)
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    line = fails("--db", str(path), "--passphrase-file", secret, "db", "unlock")
    assert line == (
        "Error: Cannot unlock for the session: $XDG_RUNTIME_DIR is not set, so the key would "
        "have to be written to disk (give the passphrase to each command instead)."
    )
    for mode in (0o755, 0o711):
        runtime.chmod(mode)
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
        line = fails("--db", str(path), "--passphrase-file", secret, "db", "unlock")
        assert f"is open to others (mode {mode:04o}, not 0700)" in line
        assert "written to disk" in line
    runtime.chmod(0o700)
    assert list(runtime.iterdir()) == []  # nothing written
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "missing"))
    assert "does not exist" in fails("--db", str(path), "--passphrase-file", secret, "db", "unlock")
    # Refused before the passphrase is asked or used: none given, none needed to say so.
    with pytest.raises(JournalUnavailable, match="does not exist"):
        Journal.unlock_session(path)


# -- a change of key ends it ----------------------------------------------------------------


@pytest.mark.slow  # processes and key derivations
def test_rekey_decrypt_encrypt_and_forget_key_end_the_unlock(
    tmp_path: Path, runtime: Path, no_keyring: None
) -> None:
    path = encrypted(tmp_path)
    keys = runtime / "netjournal"
    Journal.unlock_session(path, passphrase=PASS)
    gc.collect()
    Journal.rekey(path, "nouvelle")  # the old passphrase from the session's key
    assert list(keys.iterdir()) == []
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)

    Journal.unlock_session(path, passphrase="nouvelle")
    Journal.decrypt(path)
    assert list(keys.iterdir()) == []
    Journal.unlock_session(encrypted(tmp_path, "other.db"), passphrase=PASS)
    Journal.encrypt(path, PASS)
    assert len(list(keys.iterdir())) == 1  # the other journal's unlock stays
    Journal.unlock_session(path, passphrase=PASS)
    assert "keyring held no key" in ok("--db", str(path), "db", "forget-key")
    assert len(list(keys.iterdir())) == 1
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)


def test_a_stale_session_key_says_so_in_one_line(
    tmp_path: Path, runtime: Path, no_keyring: None
) -> None:
    path = encrypted(tmp_path)
    Journal.unlock_session(path, passphrase=PASS)
    # Its passphrase changed by a program that knew nothing of the session unlock:
    old = cipher.derive(PASS, cipher.salt_of(path))
    cipher.convert(path, old, cipher.new_key("changée ailleurs"), display=str(path))
    line = fails("--db", str(path), "people", "list")
    assert line == (
        f"Error: {path}: the key of its session unlock no longer opens it (was its passphrase "
        "changed elsewhere?); the unlock was ended: run 'netjournal db unlock' again."
    )
    assert list((runtime / "netjournal").iterdir()) == []
    with pytest.raises(PassphraseNeeded):
        Journal.open(path)


# -- how long -------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=720))
def test_durations_in_minutes_and_hours(count: int) -> None:
    assert session_keys.minutes(f"{count}m") == count
    assert session_keys.minutes(str(count)) == count
    if count <= 12:
        assert session_keys.minutes(f"{count}h") == count * 60


@pytest.fixture(scope="module")
def encrypted_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One encrypted journal, for tests that only read it to copy."""
    return encrypted(tmp_path_factory.mktemp("encrypted"))


@pytest.mark.parametrize("text", ["0m", "13h", "721m", "xx", "15s", "-5m", "1.5h", ""])
def test_a_duration_out_of_range_or_unreadable_is_one_line(
    text: str, tmp_path: Path, runtime: Path, no_keyring: None, encrypted_once: Path
) -> None:
    path = Path(shutil.copy(encrypted_once, tmp_path / "journal.db"))
    line = fails("--db", str(path), "db", "unlock", "--for", text)
    assert "12 hours" in line or "such as 15m or 2h" in line
    with pytest.raises(InvalidInput):
        Journal.unlock_session(path, passphrase=PASS, minutes=721)
    assert not (runtime / "netjournal").exists() or not list((runtime / "netjournal").iterdir())


def test_postgresql_has_no_session_unlock(pg_server_url: str, runtime: Path) -> None:
    with pytest.raises(InvalidInput, match="encryption applies to SQLite journal files"):
        Journal.unlock_session(pg_server_url)
    result = run("--db", pg_server_url, "db", "lock")
    assert result.code == 1 and "encryption applies to SQLite" in result.err
