"""Encrypted SQLite journals (SQLCipher): keys, connections, and turning a journal encrypted,
plain again, or onto a new passphrase.

SQLCipher encrypts every page of the file, its ``-wal`` included, so search, reports and
concurrent writers work as on a plain journal. Its key is derived from the passphrase with
SQLCipher 4's own settings (PBKDF2-HMAC-SHA512, 256,000 rounds, the 16-byte salt that opens
the file); netjournal derives it once per opening and hands each new connection the raw key,
so that a pool of connections does not pay the derivation for each. The file stays readable
by the ``sqlcipher`` shell with the passphrase.

The passphrase and the derived key never reach a log, an error message or a ``repr``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from .errors import InvalidInput, JournalUnavailable
from .i18n import _

EXTRA = "pip install 'netjournal[encrypted]'"
SQLITE_MAGIC = b"SQLite format 3\x00"
SALT_BYTES = 16
KEY_BYTES = 32
KDF_ROUNDS = 256_000  # SQLCipher 4's default
_RAW = re.compile(r"x'[0-9a-f]{96}'")

#: Where the key of an open journal came from (``netjournal db current`` says it).
KeySource = Literal["argument", "file", "session", "keyring", "prompt"]

WRONG = "wrong passphrase, or not a netjournal journal"

#: How long a conversion waits for another program's write to end before refusing.
CONVERT_WAIT_S = 2


class PassphraseNeeded(JournalUnavailable):
    """An encrypted journal was opened without a passphrase and none was remembered."""


class WrongPassphrase(JournalUnavailable):
    """The passphrase does not open the journal (or the file is not a journal at all)."""


@dataclass(frozen=True)
class Passphrase:
    """A passphrase and where it came from; its ``repr`` never shows it."""

    secret: str = field(repr=False)
    source: KeySource = "argument"

    def __post_init__(self) -> None:
        if not self.secret:
            raise InvalidInput(_("The passphrase is empty."))
        if "\x00" in self.secret:
            raise InvalidInput(_("The passphrase holds a NUL character."))


@dataclass(frozen=True)
class CipherKey:
    """The raw SQLCipher key of one file (key and salt), and where its passphrase came from."""

    raw: str = field(repr=False)  # x'<64 hex key><32 hex salt>'
    source: KeySource = "argument"
    expires: dt.datetime | None = None  # a session unlock's key: when it ends (UTC)

    @property
    def pragma(self) -> str:
        return f'PRAGMA key = "{self.raw}"'


def derive(passphrase: str, salt: bytes, source: KeySource = "argument") -> CipherKey:
    """The key SQLCipher 4 derives from ``passphrase`` for a file starting with ``salt``."""
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ROUNDS, KEY_BYTES)
    return CipherKey(f"x'{key.hex()}{salt.hex()}'", source)


def new_key(passphrase: str, source: KeySource = "argument") -> CipherKey:
    """A key with a fresh random salt, for a file about to be created."""
    return derive(passphrase, os.urandom(SALT_BYTES), source)


def stored_key(raw: str, source: KeySource = "keyring") -> CipherKey | None:
    """A raw key as remembered in the keyring, or ``None`` if it is not one."""
    return CipherKey(raw, source) if _RAW.fullmatch(raw) else None


FileState = Literal["missing", "empty", "plain", "encrypted", "other"]


def file_state(path: Path) -> FileState:
    """What a journal file holds, from its first bytes: a plain SQLite database, an encrypted
    one (no SQLite header, and whole pages of at least 512 bytes), nothing yet, or neither."""
    try:
        size = path.stat().st_size
        if size == 0:
            return "empty"
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "other"  # a directory, no permission: the normal open says which
    if head == SQLITE_MAGIC:
        return "plain"
    if size >= 1024 and size % 512 == 0:
        return "encrypted"
    return "other"


def salt_of(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(SALT_BYTES)


def driver() -> ModuleType:
    """``sqlcipher3.dbapi2``, or an error that names the extra to install."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError as exc:
        message = _("Encrypted journals need SQLCipher: {command}.")
        raise JournalUnavailable(message.format(command=EXTRA)) from exc
    return dbapi2


def driver_errors() -> tuple[type[Exception], ...]:
    """The DB-API errors of the drivers loaded in this process (sqlite3, and sqlcipher3 once
    an encrypted journal was opened)."""
    import sqlite3

    errors: tuple[type[Exception], ...] = (sqlite3.Error,)
    module = sys.modules.get("sqlcipher3.dbapi2")
    if module is not None:
        errors += (module.Error,)
    return errors


def connect(
    path: Path | str,
    key: CipherKey | None,
    *,
    timeout: float,
    display: str,
    exclusive: bool = False,
) -> Any:
    """A SQLCipher connection to ``path`` opened with ``key`` (``None``: a plain file read
    through SQLCipher), checked: a wrong key raises :class:`WrongPassphrase`, with SQLCipher's
    own log silenced. ``exclusive``: the connection locks the file until it closes, and is
    refused while another connection has it open."""
    dbapi2 = driver()
    connection = dbapi2.connect(str(path), timeout=timeout)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            connection.execute(key.pragma)
        if exclusive:
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            connection.isolation_level = None
            connection.execute("BEGIN EXCLUSIVE")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if exclusive:
            connection.execute("COMMIT")  # the lock stays: locking_mode
    except dbapi2.DatabaseError as exc:
        connection.close()
        if "not a database" in str(exc):
            message = _("{journal}: wrong passphrase, or not a netjournal journal.")
            raise WrongPassphrase(message.format(journal=display)) from None
        if exclusive and "locked" in str(exc):
            message = _(
                "Another program has {journal} open: close it, then try again "
                "(the journal was left as it was)."
            )
            raise JournalUnavailable(message.format(journal=display)) from exc
        message = _("Cannot open {journal}: {reason}")
        raise JournalUnavailable(message.format(journal=display, reason=exc)) from exc
    except BaseException:
        connection.close()
        raise
    return connection


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def convert(
    path: Path, source: CipherKey | None, target: CipherKey | None, *, display: str
) -> None:
    """Rewrite the journal at ``path`` with the key ``target`` (``None``: plain), reading it
    with ``source``: through a private temporary file beside it, renamed over it when
    complete, so ``path`` is the old journal or the new one, never half of either.

    The old file and its ``-wal`` and ``-shm`` are overwritten with zeros once replaced (when
    the old one was plain, the words it held leave the disk). The journal is locked for the
    whole conversion, which is refused while another program has it open.
    """
    from .files import private_file

    side = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    held: list[int] = []  # the old inodes, to overwrite once replaced
    try:
        for name in (path, *side):
            with contextlib.suppress(FileNotFoundError):
                held.append(os.open(name, os.O_RDWR))
        connection = None
        try:
            with private_file(path, overwrite=True) as temp:
                connection = connect(
                    path, source, timeout=CONVERT_WAIT_S, display=display, exclusive=True
                )
                # The log goes into the old file and is deleted (its blocks kept for the
                # overwrite below), so that no -wal of the old file is ever left beside the
                # new one, whatever moment a kill stops this at.
                connection.execute("PRAGMA journal_mode = DELETE")
                for name in side:
                    name.unlink(missing_ok=True)
                _remove_unfinished(path, temp)
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                new_key_sql = target.raw if target is not None else ""
                connection.execute(
                    f'ATTACH DATABASE {_quoted(temp)} AS converted KEY "{new_key_sql}"'
                )
                connection.execute("BEGIN")
                connection.execute("SELECT sqlcipher_export('converted')")
                connection.execute(f"PRAGMA converted.user_version = {int(version)}")
                connection.execute("COMMIT")
                connection.execute("DETACH DATABASE converted")
                if target is None and _old_fts5():
                    # Attached again: the export wrote the virtual table's schema row behind
                    # the connection's back, which sees it only on a new attach.
                    connection.execute(f"ATTACH DATABASE {_quoted(temp)} AS converted KEY ''")
                    connection.execute("BEGIN")
                    _rebuild_search_index(connection)
                    connection.execute("COMMIT")
                    connection.execute("DETACH DATABASE converted")
            # Renamed while still locked.
        except driver().Error as exc:  # a full disk, a read error: the temporary file is gone
            message = _("Cannot convert {journal}: {reason}; it was left as it was.")
            raise JournalUnavailable(
                message.format(journal=display, reason=str(exc).splitlines()[0])
            ) from exc
        finally:
            if connection is not None:
                connection.close()
        for fd in held:
            _overwrite(fd)
    finally:
        for fd in held:
            os.close(fd)


def _old_fts5() -> bool:
    """Whether the SQLite that will read a plain journal (Python's) predates FTS5's
    ``secure-delete`` (3.42), and so cannot read an index that used it."""
    import sqlite3

    return sqlite3.sqlite_version_info < (3, 42)


_INSERT_TRIGGER = re.compile(
    r"INSERT INTO search_fts\(rowid, head, body, context\) VALUES \(new\.id, (.*)\);\s*END$",
    re.DOTALL,
)


def _rebuild_search_index(connection: Any) -> None:
    """In the plain copy being written (``converted``): a search index that used
    ``secure-delete`` (FTS5 format 5) is created anew (format 4) and filled from its documents
    as its insert trigger would, so that an older SQLite can read it."""
    row = connection.execute(
        "SELECT v FROM converted.search_fts_config WHERE k = 'version'"
    ).fetchone()
    if row is None or int(row[0]) < 5:
        return
    table, trigger = (
        connection.execute(
            "SELECT sql FROM converted.sqlite_master WHERE name = ?", (name,)
        ).fetchone()[0]
        for name in ("search_fts", "search_docs_ai")
    )
    values = _INSERT_TRIGGER.search(trigger)
    if values is None or not table.startswith("CREATE VIRTUAL TABLE search_fts "):
        raise JournalUnavailable(_("The journal's search index is not one netjournal wrote."))
    connection.execute("DROP TABLE converted.search_fts")
    connection.execute(table.replace("search_fts", "converted.search_fts", 1))
    columns = values.group(1).replace("new.", "")
    connection.execute(
        "INSERT INTO converted.search_fts(rowid, head, body, context) "
        f"SELECT id, {columns} FROM converted.search_docs"
    )


def _remove_unfinished(path: Path, current: Path) -> None:
    """Remove what a conversion killed before its end left beside the journal: its
    temporary file (``.NAME.*.part``, a partial copy, in clear after a ``decrypt``) and that
    file's rollback journal, overwritten first. Called under the journal's exclusive lock,
    so no other conversion is writing one."""
    for stale in path.parent.glob(glob.escape(f".{path.name}.") + "*.part*"):
        if stale.name.startswith(current.name) or not stale.is_file() or stale.is_symlink():
            continue
        with contextlib.suppress(OSError):
            fd = os.open(stale, os.O_RDWR)
            try:
                _overwrite(fd)
            finally:
                os.close(fd)
            stale.unlink()


def _overwrite(fd: int) -> None:
    """Zeros over the whole file behind ``fd`` (already replaced or removed), flushed."""
    size = os.fstat(fd).st_size
    block = b"\x00" * 65536
    os.lseek(fd, 0, os.SEEK_SET)
    written = 0
    while written < size:
        written += os.write(fd, block[: min(len(block), size - written)])
    os.fsync(fd)
