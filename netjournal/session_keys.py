"""The session unlock of an encrypted journal (``netjournal db unlock``), like sudo's timestamp
or ssh-agent: the key derived once, kept for a while in the user's runtime folder, so that the
commands that follow skip the derivation (about 140 ms each) and need no passphrase.

The key is kept in ``$XDG_RUNTIME_DIR/netjournal/``: a folder that only the user can enter
(the runtime folder is theirs and mode 0700; on Linux a tmpfs emptied at logout and reboot, so
the key never reaches a disk or a backup). Without such a folder the unlock is refused rather
than the key written to disk. One file per journal, mode 0600, named by a hash of the journal's
resolved path, holds the raw key (see :mod:`netjournal.cipher`) and the moment it expires; each
use leaves that moment where it is. A file that is not the user's, not 0600, unreadable,
expired or in a folder that is not private is ignored, and removed when it can be.

Reading a session key imports nothing but the standard library: neither the keyring nor
SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import stat
import time
from pathlib import Path

from .cipher import CipherKey, stored_key
from .errors import InvalidInput, JournalUnavailable
from .i18n import _

DEFAULT_MINUTES = 15
MAX_MINUTES = 12 * 60
FOLDER = "netjournal"
_DURATION = re.compile(r"\s*(\d{1,5})\s*(m|min|h)?\s*", re.IGNORECASE)


def minutes(text: str) -> int:
    """The minutes of a duration written ``15m``, ``90`` (minutes) or ``2h``, at most 12 hours."""
    found = _DURATION.fullmatch(text)
    if found is None:
        message = _(
            "Give the unlock's duration (--for) in minutes or hours, such as 15m or 2h, "
            "not '{text}'."
        )
        raise InvalidInput(message.format(text=text))
    count = int(found.group(1)) * (60 if (found.group(2) or "").lower() == "h" else 1)
    return checked(count)


def checked(count: int) -> int:
    """``count`` minutes, if a session unlock may last that long (1 minute to 12 hours)."""
    if not 1 <= count <= MAX_MINUTES:
        raise InvalidInput(_("A session unlock lasts from 1 minute to 12 hours (12h)."))
    return count


def folder() -> Path:
    """The private folder that holds session keys, created if needed; raises
    :class:`~netjournal.errors.JournalUnavailable` (saying why) when there is none that is
    the user's alone, since the key would otherwise have to be written to disk."""
    runtime = _runtime()
    if isinstance(runtime, str):
        message = _(
            "Cannot unlock for the session: {reason}, so the key would have to be written to "
            "disk (give the passphrase to each command instead)."
        )
        raise JournalUnavailable(message.format(reason=runtime))
    keys = runtime / FOLDER
    with contextlib.suppress(FileExistsError):
        keys.mkdir(mode=0o700)
    problem = _private(keys)
    if problem is not None:
        message = _(
            "Cannot unlock for the session: {folder} {reason}, so the key would not be yours alone."
        )
        raise JournalUnavailable(message.format(folder=keys, reason=problem))
    return keys


def keep(path: Path, key: CipherKey, count: int) -> dt.datetime:
    """Keep ``key`` (of the journal at ``path``) for ``count`` minutes; returns the moment it
    expires (UTC)."""
    from .files import write_text

    count = checked(count)
    keys = folder()
    expires = int(time.time()) + count * 60
    write_text(f"{key.raw}\n{expires}\n", keys / file_name(path), overwrite=True)  # mode 0600
    return dt.datetime.fromtimestamp(expires, dt.UTC)


def key_of(path: Path) -> CipherKey | None:
    """The session key of the journal at ``path``, or ``None``: no unlock, an expired one, or
    a file that cannot be trusted (each removed when it can be)."""
    runtime = _runtime()
    if isinstance(runtime, str):
        return None
    keys = runtime / FOLDER
    if _private(keys) is not None:
        return None
    file = keys / file_name(path)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:  # none, or a symbolic link (ELOOP)
        if file.is_symlink():
            _remove(file)
        return None
    try:
        info = os.fstat(fd)
        trusted = (
            stat.S_ISREG(info.st_mode)
            and info.st_uid == os.getuid()
            and stat.S_IMODE(info.st_mode) == 0o600
        )
        data = os.read(fd, 256) if trusted else b""
    finally:
        os.close(fd)
    key = _parsed(data)
    if key is None:
        _remove(file)
    return key


def remove(path: Path) -> bool:
    """End the session unlock of the journal at ``path``; ``False`` if there was none."""
    runtime = _runtime()
    if isinstance(runtime, str):
        return False
    return _remove(runtime / FOLDER / file_name(path))


def remove_all() -> int:
    """End every session unlock of this user; returns how many there were."""
    runtime = _runtime()
    if isinstance(runtime, str) or _private(runtime / FOLDER) is not None:
        return 0
    return sum(_remove(file) for file in (runtime / FOLDER).glob("*.key"))


def file_name(path: Path) -> str:
    """The name of the session file of the journal at ``path`` (a hash: the folder's listing
    does not tell which journals are unlocked)."""
    return hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".key"


# -- internals -------------------------------------------------------------------------------


def _runtime() -> Path | str:
    """``$XDG_RUNTIME_DIR`` if it is the user's private folder, else why not (a reason that
    completes "Cannot unlock for the session: ...")."""
    value = os.environ.get("XDG_RUNTIME_DIR", "")
    if not hasattr(os, "getuid"):
        return _("this system has no private runtime folder")
    if not value or not os.path.isabs(value):
        return _("$XDG_RUNTIME_DIR is not set")
    runtime = Path(value)
    problem = _private(runtime, follow=True)
    if problem is not None:
        return _("$XDG_RUNTIME_DIR ({folder}) {reason}").format(folder=runtime, reason=problem)
    return runtime


def _private(path: Path, *, follow: bool = False) -> str | None:
    """Why ``path`` is not a folder of the user's alone (mode 0700), or ``None`` if it is."""
    try:
        info = path.stat() if follow else path.lstat()
    except OSError:
        return _("does not exist")
    if not stat.S_ISDIR(info.st_mode):
        return _("is not a folder")
    if info.st_uid != os.getuid():
        return _("belongs to another user")
    if stat.S_IMODE(info.st_mode) & 0o077:
        mode = f"{stat.S_IMODE(info.st_mode):04o}"
        return _("is open to others (mode {mode}, not 0700)").format(mode=mode)
    return None


def _parsed(data: bytes) -> CipherKey | None:
    """The key of a session file's bytes, or ``None`` if they hold none still valid."""
    try:
        raw, expires = data.decode("ascii").split("\n")[:2]
        moment = int(expires)
    except ValueError:  # not ASCII, not two lines, not a number
        return None
    now = time.time()
    if not now < moment <= now + MAX_MINUTES * 60 + 60:  # expired, or set beyond any unlock
        return None
    key = stored_key(raw, "session")
    if key is None:
        return None
    return CipherKey(key.raw, "session", expires=dt.datetime.fromtimestamp(moment, dt.UTC))


def _remove(file: Path) -> bool:
    try:
        file.unlink()
    except OSError:  # gone already, or not ours to remove: ignored all the same
        return False
    return True
