"""Where an encrypted journal's key comes from besides the caller: a passphrase file, the
session unlock (``netjournal db unlock``, see :mod:`netjournal.session_keys`), or the system
keyring when the user asked netjournal to remember it (``--remember``).

The keyring holds the key derived for that one file (see :mod:`netjournal.cipher`), not the
passphrase: it opens the journal without the derivation's cost, and reveals nothing a user
may have reused elsewhere. Its entry is named after the journal's absolute path.

The keyring is asked only for the journals whose key the user asked netjournal to remember,
listed (paths only, nothing secret) in ``remembered-keys`` in netjournal's user data folder:
loading the keyring package and finding its backend takes longer than opening the journal,
and a prompt or a shell completion must not wait for it in vain.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from . import cipher, session_keys
from .cipher import CipherKey, Passphrase, PassphraseNeeded, WrongPassphrase, stored_key
from .db import Location
from .errors import InvalidInput, JournalUnavailable
from .i18n import _

SERVICE = "netjournal"
MAX_FILE_BYTES = 4096


def read_passphrase_file(file: str | os.PathLike[str]) -> Passphrase:
    """The passphrase held by the first line of ``file`` (its line ending dropped)."""
    path = Path(file).expanduser()
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        message = _("Cannot read the passphrase file {path}: {reason}.")
        raise InvalidInput(message.format(path=path, reason=exc.strerror)) from None
    if len(data) > MAX_FILE_BYTES:
        message = _("The passphrase file {path} is longer than a passphrase.")
        raise InvalidInput(message.format(path=path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        message = _("The passphrase file {path} is not UTF-8 text.")
        raise InvalidInput(message.format(path=path)) from None
    first = text.splitlines()[0] if text else ""
    if not first:
        raise InvalidInput(_("The passphrase file {path} is empty.").format(path=path))
    return Passphrase(first, "file")


def _keyring() -> object | None:
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def _marks() -> Path:
    import platformdirs

    return platformdirs.user_data_path("netjournal", appauthor=False) / "remembered-keys"


def _marked() -> list[str]:
    try:
        return _marks().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _mark(path: Path, remembered: bool) -> None:
    from .files import write_text

    others = [line for line in _marked() if line and line != str(path)]
    lines = [*others, str(path)] if remembered else others
    write_text("".join(f"{line}\n" for line in lines), _marks(), overwrite=True)


def remembered(path: Path) -> CipherKey | None:
    """The key remembered for the journal at ``path``, or ``None`` (none remembered, no
    keyring installed or reachable)."""
    if str(path) not in _marked():
        return None
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        raw = keyring.get_password(SERVICE, str(path))  # type: ignore[attr-defined]
    except Exception:  # a locked or absent keyring: as if nothing was remembered
        return None
    return stored_key(raw) if raw else None


def remember(path: Path, key: CipherKey) -> None:
    """Keep ``key`` in the system keyring for the journal at ``path``."""
    keyring = _keyring()
    if keyring is None:
        raise JournalUnavailable(
            _(
                "Remembering the passphrase needs the keyring package: "
                "pip install 'netjournal[encrypted]'."
            )
        )
    backend = keyring.get_keyring()  # type: ignore[attr-defined]
    if getattr(backend, "priority", 0) < 1:
        # keyring's own rating: below 1 is "not recommended" (a file in clear such as
        # keyrings.alt's PlaintextKeyring, or no keyring at all). A key kept there would undo
        # what encryption is for, so nothing is remembered.
        message = _(
            "The keyring available here ({backend}) does not protect what it keeps; nothing "
            "was remembered (use 'netjournal db unlock' for the session, or a passphrase file)."
        )
        raise JournalUnavailable(message.format(backend=type(backend).__name__))
    try:
        keyring.set_password(SERVICE, str(path), key.raw)  # type: ignore[attr-defined]
    except Exception as exc:
        message = _("The system keyring refused to keep the key ({error}); nothing was remembered.")
        raise JournalUnavailable(message.format(error=type(exc).__name__)) from None
    _mark(path, True)


def forget(path: Path) -> bool:
    """Remove the key remembered for the journal at ``path``; ``False`` if there was none."""
    if str(path) not in _marked():
        return False
    keyring = _keyring()
    if keyring is not None:
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(SERVICE, str(path))  # type: ignore[attr-defined]
        except PasswordDeleteError:
            pass  # removed from the keyring by other means: the mark goes all the same
        except Exception as exc:
            message = _(
                "The system keyring could not be reached ({error}); the key stays remembered."
            )
            raise JournalUnavailable(message.format(error=type(exc).__name__)) from None
    _mark(path, False)
    return True


def unlock(location: Location, passphrase: str | Passphrase | None, *, create: bool) -> Location:
    """``location`` with the key that opens it: from ``passphrase`` (a ``str`` counts as given
    by the caller), else the session unlock (:mod:`netjournal.session_keys`), else the keyring
    for an encrypted file. A plain journal needs no key; a
    passphrase given for a new or empty file makes it an encrypted journal.

    Raises :class:`~netjournal.cipher.PassphraseNeeded` for an encrypted journal with no
    passphrase given or remembered, and one-line errors for a passphrase that cannot apply (a
    plain file, PostgreSQL, an in-memory journal)."""
    if isinstance(passphrase, str):
        passphrase = Passphrase(passphrase)
    if location.backend != "sqlite":
        if passphrase is not None:
            raise InvalidInput(
                _(
                    "Encryption applies to SQLite journal files; a PostgreSQL journal is "
                    "protected by its server (disk encryption, TLS, roles), so no passphrase "
                    "is used."
                )
            )
        return location
    path = location.path
    if path is None:
        if passphrase is not None:
            raise InvalidInput(_("An in-memory journal has no file to encrypt."))
        return location
    state = cipher.file_state(path)
    if state == "plain":
        if passphrase is not None:
            message = _(
                "{journal} is not encrypted: open it without a passphrase "
                "(or encrypt it with 'netjournal db encrypt')."
            )
            raise JournalUnavailable(message.format(journal=location.display))
        return location
    if state in ("missing", "empty"):
        if passphrase is None:
            return location
        cipher.driver()
        return replace(location, key=cipher.new_key(passphrase.secret, passphrase.source))
    if state == "other" and passphrase is None:
        return location  # not a database: the plain open says so
    cipher.driver()  # an encrypted journal without SQLCipher: say which extra to install
    if passphrase is not None:
        key = cipher.derive(passphrase.secret, cipher.salt_of(path), passphrase.source)
    elif (session_key := session_keys.key_of(path)) is not None:
        if not _opens(path, session_key, location.display):
            session_keys.remove(path)
            message = _(
                "{journal}: the key of its session unlock no longer opens it (was its "
                "passphrase changed elsewhere?); the unlock was ended: run 'netjournal db "
                "unlock' again."
            )
            raise WrongPassphrase(message.format(journal=location.display)) from None
        key = session_key
    else:
        remembered_key = remembered(path)
        if remembered_key is None:
            message = _(
                "{journal} is encrypted: give its passphrase (--passphrase-file FILE, "
                "a terminal prompt, or remember it in the keyring with --remember)."
            )
            raise PassphraseNeeded(message.format(journal=location.display))
        if not _opens(path, remembered_key, location.display):
            message = _(
                "{journal}: the key remembered in the keyring no longer opens it (was its "
                "passphrase changed elsewhere?): run 'netjournal db forget-key', then give "
                "the passphrase."
            )
            raise WrongPassphrase(message.format(journal=location.display)) from None
        key = remembered_key
    return replace(location, key=key)


def _opens(path: Path, key: CipherKey, display: str) -> bool:
    """Whether a raw key kept aside (a session's, the keyring's) still opens the journal:
    checked in milliseconds (no derivation), so that a stale one can say what to do."""
    try:
        cipher.connect(path, key, timeout=5, display=display).close()
    except WrongPassphrase:
        return False
    return True
