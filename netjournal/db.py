"""Where the journal lives and how to connect to it.

SQLite is tuned for a personal journal that several processes may write at once: WAL, foreign
keys, a busy timeout, and write transactions that take the write lock at ``BEGIN IMMEDIATE``
(a deferred transaction that later upgrades to a writer can fail with "database is locked"
regardless of the timeout). The file and its folder are created private (0600 / 0700) before
SQLite ever touches them; SQLite gives its ``-wal`` and ``-shm`` files the same mode.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from .errors import JournalUnavailable, OutputError
from .i18n import _
from .text import fold

if TYPE_CHECKING:
    from .cipher import CipherKey

ENV_VAR = "NETJOURNAL_DB"
WRITE = "netjournal_write"  # execution option marking a write transaction
BUSY_TIMEOUT_S = 60


@dataclass(frozen=True)
class Location:
    """A resolved journal address: the SQLAlchemy URL and, for SQLite, the file."""

    url: URL
    path: Path | None  # None for PostgreSQL or in-memory SQLite
    #: The SQLCipher key of an encrypted file (see :func:`netjournal.keys.unlock`).
    key: CipherKey | None = field(default=None, repr=False, compare=False)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def display(self) -> str:
        """What may be shown to the user: never the password."""
        if self.path is not None:
            return str(self.path)
        return shown_url(self.url)


def default_path() -> Path:
    """``$NETJOURNAL_DB`` if set, else ``journal.db`` in the platform's user data folder."""
    import platformdirs

    return platformdirs.user_data_path("netjournal", appauthor=False) / "journal.db"


def resolve(url_or_path: str | os.PathLike[str] | None = None) -> Location:
    """Turn what the user gave (a URL, a file path, or nothing) into a :class:`Location`."""
    if url_or_path is None:
        url_or_path = os.environ.get(ENV_VAR) or default_path()
    text = os.fspath(url_or_path)
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        return Location(URL.create("sqlite", database=str(path)), path)
    try:
        url = parse_url(text)
    except (ArgumentError, ValueError) as exc:
        message = _("Not a database URL or file path: {text}")
        raise JournalUnavailable(message.format(text=mask_url(text))) from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            return Location(url, None)
        path = Path(url.database).expanduser().resolve()
        return Location(url.set(database=str(path)), path)
    if backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return Location(url, None)
    message = _("Unsupported database {backend!r}: use a SQLite file or a postgresql:// URL.")
    raise JournalUnavailable(message.format(backend=backend))


def parse_url(text: str) -> URL:
    """Parse a database URL whose password may hold any character, ``@`` included.

    Hosts never hold ``@``, so the user part ends at the URL's *last* ``@``: in
    ``postgresql://ann:p@ss@host/db`` the password is ``p@ss`` (SQLAlchemy alone would take
    ``ss@host`` for the host, then show it, and a driver error would repeat it). A file URL
    (``sqlite:///...``) has no user part, so its path may hold ``@``. Elsewhere an ``@`` in
    the database name or the query must be written ``%40``.
    """
    scheme, separator, rest = text.partition("://")
    userinfo, at, address = rest.rpartition("@")
    if not separator or not at or rest.startswith("/"):
        return make_url(text)
    url = make_url(f"{scheme}://{address}")
    username, colon, password = userinfo.partition(":")
    return url.set(
        username=unquote(username) or None, password=unquote(password) if colon else None
    )


_QUERY_SECRET = "password"  # libpq takes password=... and sslpassword=... in the query too
_HIDDEN = "***"


def shown_url(url: URL) -> str:
    """``url`` as it may be shown to the user: the password and any password in the query
    are replaced by ``***``."""
    hidden: Mapping[str, str] = {k: _HIDDEN for k in url.query if _QUERY_SECRET in k.casefold()}
    text = url.update_query_dict(hidden).render_as_string(hide_password=True)
    return text.replace("%2A%2A%2A", _HIDDEN)  # the query quotes '*'


def mask_url(text: str) -> str:
    """What may be shown of a URL the user typed, even one that does not parse: everything
    between ``://`` and the last ``@`` is hidden, and so is a password in the query."""
    try:
        return shown_url(parse_url(text))
    except (ArgumentError, ValueError):
        scheme, separator, rest = text.partition("://")
        userinfo, at, address = rest.rpartition("@")
        if at:
            text = f"{scheme}{separator}{_HIDDEN}@{address}"
        return re.sub(r"(password=)[^&]*", rf"\1{_HIDDEN}", text, flags=re.IGNORECASE)


def prepare_file(path: Path) -> None:
    """Create the journal's folder (0700, missing parents too) and an empty file (0600) if
    they do not exist yet."""
    if path.is_dir():
        message = _("{path} is a directory, not a journal file.")
        raise JournalUnavailable(message.format(path=path))
    from .files import private_folder

    try:
        private_folder(path.parent)
    except OutputError as exc:
        raise JournalUnavailable(str(exc)) from exc
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        message = _("Cannot create the journal {path}: {reason}.")
        raise JournalUnavailable(message.format(path=path, reason=exc.strerror)) from exc
    os.fchmod(fd, 0o600)  # the umask may have narrowed it, never widened; make it exact
    os.close(fd)


def make_engine(location: Location, *, create: bool = True) -> Engine:
    """An engine for ``location``; for a SQLite file, make it private and tuned first."""
    if location.backend == "sqlite":
        return _sqlite_engine(location, create=create)
    try:
        return create_engine(location.url, pool_pre_ping=True)
    except NoSuchModuleError as exc:  # postgresql+nodriver://
        message = _(
            "Unknown PostgreSQL driver '{driver}' in {journal}: use postgresql:// (psycopg)."
        )
        raise JournalUnavailable(
            message.format(driver=location.url.drivername, journal=location.display)
        ) from exc
    except ModuleNotFoundError as exc:
        raise JournalUnavailable(
            _("PostgreSQL support needs psycopg: pip install 'netjournal[postgres]'.")
        ) from exc


def _sqlite_engine(location: Location, *, create: bool) -> Engine:
    if location.path is not None:
        if create:
            prepare_file(location.path)
        elif not location.path.exists():
            message = _("No journal at {path}: run 'netjournal init'.")
            raise JournalUnavailable(message.format(path=location.path))
        elif location.path.is_dir():
            message = _("{path} is a directory, not a journal file.")
            raise JournalUnavailable(message.format(path=location.path))
    if location.key is not None and location.path is not None:
        engine = _sqlcipher_engine(location, location.path, location.key)
    else:
        engine = create_engine(
            location.url,
            connect_args={"timeout": BUSY_TIMEOUT_S},
            # The default queue pool keeps connections between calls (a new SQLite connection
            # re-reads the whole schema, triggers included) and gives each thread its own.
        )
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _sqlcipher_engine(location: Location, path: Path, key: CipherKey) -> Engine:
    """The same engine over SQLCipher: each new connection is keyed before anything reads
    the file (the pragmas and functions below then apply as on a plain journal)."""
    from . import cipher

    def keyed() -> Any:
        return cipher.connect(path, key, timeout=BUSY_TIMEOUT_S, display=location.display)

    return create_engine(location.url, module=cipher.driver(), creator=keyed)


RANK_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_rank USING fts5(head, body, context, "
    "content='', tokenize='unicode61 remove_diacritics 2')"
)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module so that BEGIN is ours to emit.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")  # forgotten people leave no bytes behind
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()
        if mode and str(mode[0]).lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # Reports scan large indexes: a 64 MiB page cache and memory-mapped reads keep a
        # million-encounter journal in memory instead of re-reading pages through syscalls.
        cursor.execute("PRAGMA cache_size = -65536")
        cursor.execute("PRAGMA mmap_size = 268435456")
        # Search ranks its candidates in this table (netjournal.search). Created here, out
        # of any transaction: a schema change rolled back with a search's transaction would
        # make SQLite re-read the whole schema on the next statement.
        cursor.execute(RANK_TABLE)
    finally:
        cursor.close()
    # Text folded as netjournal.text.fold, for comparisons no *_key column holds (an
    # organization); PostgreSQL spells the same with unaccent (netjournal.resolve.folded).
    dbapi_connection.create_function(FOLD_FUNCTION, 1, _fold_sql_value, deterministic=True)
    # Tie strength's recency decay (netjournal.ties): SQLite has power() only when built
    # with its math functions, so the same 0.5 ** (age / half-life) is registered here.
    from .ties import HALF_LIFE_FUNCTION, recency_weight

    dbapi_connection.create_function(HALF_LIFE_FUNCTION, 2, recency_weight, deterministic=True)


FOLD_FUNCTION = "netjournal_fold"


def _fold_sql_value(value: str | None) -> str | None:
    return fold(value) if isinstance(value, str) else value


def _on_sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(WRITE):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
