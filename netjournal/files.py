"""The one way netjournal writes a file or makes a folder: private, whole, never by surprise.

Every output (``export -o``, ``report -o``, ``backup``, an upgrade's ``.bak``) goes through
:func:`private_output` (a text stream) or :func:`private_file` (a path to fill, for SQLite's
backup), and every folder netjournal creates goes through :func:`private_folder`. The rules:

- A regular file is written under a temporary name beside it, mode 0600, and renamed into place
  only once complete: an error (a full disk, ``ulimit -f``) leaves the old file, or none, and no
  ``.part``. An existing file is replaced only with ``overwrite=True``, only if it belongs to
  you and you may write it; otherwise the call is refused before anything is written.
- A character device or a FIFO (``/dev/null``, ``/dev/stdout`` in a pipe, a named pipe) is
  written to in place: never replaced, never truncated, never chmod-ed, and needs no
  ``overwrite`` since nothing is replaced.
- A symbolic link is not written through, except to a device or a FIFO (``/dev/stdout``): a
  link to a file (or to nothing) is refused, so a link planted in a shared folder cannot
  redirect an export into another file.
- Missing folders, intermediate ones included, are created 0700; existing ones are left as they
  are.

Refusals raise :class:`~netjournal.errors.InvalidInput`, write failures
:class:`~netjournal.errors.OutputError`: one sentence each, never a bare ``OSError``.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .errors import InvalidInput, OutputError
from .i18n import _

#: errno values for which a filesystem has no hard links: the no-clobber rename falls back.
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.EOPNOTSUPP}


@dataclass(frozen=True)
class Target:
    """Where an output goes: ``path``, and whether it is a ``stream`` (a device or a FIFO,
    written in place) rather than a regular file (written beside it and renamed)."""

    path: Path
    stream: bool = False


def private_folder(path: str | os.PathLike[str]) -> None:
    """Create the folder ``path`` and every missing parent, each mode 0700 whatever the umask;
    folders that already exist are left as they are. Raises :class:`OutputError`."""
    missing: list[Path] = []
    folder = Path(path)
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by someone else: theirs, left as it is
        except OSError as exc:
            message = _("Cannot create the folder {folder}: {reason}.")
            raise OutputError(message.format(folder=folder, reason=_reason(exc))) from exc
        os.chmod(folder, 0o700)  # the umask may have narrowed it; make it exact


def check_target(
    path: str | os.PathLike[str], *, overwrite: bool = False, streams: bool = True
) -> Target:
    """Check that ``path`` may be written, before anything is: raise
    :class:`InvalidInput` for a folder, a link to a file, a socket, another user's or a
    read-only file, or an existing file without ``overwrite``. ``streams=False`` refuses
    devices and FIFOs too (a backup must be a file of its own)."""
    target = Path(path).expanduser()
    try:
        info = target.lstat()
    except FileNotFoundError:
        return Target(target)
    except OSError as exc:  # a parent that is a file, a folder you cannot enter, ...
        message = _("Cannot write {target}: {reason}.")
        raise InvalidInput(message.format(target=target, reason=_reason(exc))) from exc
    if stat.S_ISLNK(info.st_mode):
        try:
            linked = target.stat()
        except OSError:
            linked = None
        if streams and linked is not None and _is_stream(linked.st_mode):
            return Target(target, stream=True)
        message = _(
            "{target} is a symbolic link: netjournal writes no file through a link; "
            "give the path of the file itself."
        )
        raise InvalidInput(message.format(target=target))
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(_("{target} is a directory: give a file name.").format(target=target))
    if _is_stream(info.st_mode):
        if not streams:
            message = _("{target} is a device or a pipe: give the name of a file.")
            raise InvalidInput(message.format(target=target))
        return Target(target, stream=True)
    if not stat.S_ISREG(info.st_mode):
        message = _("{target} is not a regular file, a device or a pipe.")
        raise InvalidInput(message.format(target=target))
    if not overwrite:
        message = _("{target} already exists (replace it with --overwrite, or pick another name).")
        raise InvalidInput(message.format(target=target))
    if info.st_uid != os.geteuid():
        message = _("{target} belongs to another user: it was not replaced.")
        raise InvalidInput(message.format(target=target))
    if not os.access(target, os.W_OK):
        message = _("{target} is read-only: it was not replaced.")
        raise InvalidInput(message.format(target=target))
    return Target(target)


@contextmanager
def private_file(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[Path]:
    """A new empty 0600 file beside ``path`` to fill, renamed to ``path`` when the block ends
    without error (removed otherwise). ``path`` must be a regular file or not exist yet (see
    :func:`check_target`); missing folders are created 0700. Returns the final path."""
    target = check_target(path, overwrite=overwrite, streams=False).path
    fd, temp = _temporary(target)
    os.close(fd)
    try:
        yield temp
        _place(temp, target, overwrite=overwrite)
    except OSError as exc:
        if os.path.lexists(target):
            message = _("Cannot write {target}: {reason}; it was left as it was.")
        else:
            message = _("Cannot write {target}: {reason}; nothing was written.")
        raise OutputError(message.format(target=target, reason=_reason(exc))) from exc
    finally:
        temp.unlink(missing_ok=True)


@contextmanager
def private_output(path: str | os.PathLike[str], *, overwrite: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text stream to ``path`` (no newline translation): a regular file is written
    0600 under a temporary name and renamed into place when the block ends without error; a
    device or a FIFO is written in place. See :func:`check_target` for what is refused."""
    target = check_target(path, overwrite=overwrite)
    if target.stream:
        with _stream(target.path) as stream:
            yield stream
        return
    with (
        private_file(target.path, overwrite=overwrite) as temp,
        open(temp, "w", encoding="utf-8", newline="") as stream,
    ):
        yield stream


def write_text(text: str, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``text`` to ``path`` through :func:`private_output`; returns the path written."""
    with private_output(path, overwrite=overwrite) as stream:
        stream.write(text)
    return Path(path).expanduser()


# -- internals -------------------------------------------------------------------------------


def _is_stream(mode: int) -> bool:
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _temporary(target: Path) -> tuple[int, Path]:
    folder = target.parent
    private_folder(folder)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        message = _("Cannot write to {target}: {reason}.")
        raise OutputError(message.format(target=folder, reason=_reason(exc))) from exc
    os.fchmod(fd, 0o600)  # mkstemp makes it 0600, a strange umask narrower; make it exact
    return fd, Path(name)


def _place(temp: Path, target: Path, *, overwrite: bool) -> None:
    """Rename ``temp`` to ``target``; without ``overwrite``, never over a file that appeared
    since the check (a hard link fails if the name exists, where a rename would replace)."""
    if overwrite:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target, follow_symlinks=False)
    except FileExistsError as exc:
        message = _("{target} appeared meanwhile: it was not replaced.")
        raise InvalidInput(message.format(target=target)) from exc
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if os.path.lexists(target):
            message = _("{target} appeared meanwhile: it was not replaced.")
            raise InvalidInput(message.format(target=target)) from exc
        os.replace(temp, target)


@contextmanager
def _stream(target: Path) -> Iterator[TextIO]:
    """``target`` (a device or a FIFO) opened for writing in place: no creation, no
    truncation, no change of mode."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        message = _("Cannot write to {target}: {reason}.")
        raise OutputError(message.format(target=target, reason=_reason(exc))) from exc
    if not _is_stream(os.fstat(fd).st_mode):  # swapped for a file since the check
        os.close(fd)
        message = _("{target} changed while being opened: nothing written.")
        raise InvalidInput(message.format(target=target))
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
    except OSError as exc:
        message = _("Cannot write to {target}: {reason}; the output is cut.")
        raise OutputError(message.format(target=target, reason=_reason(exc))) from exc


__all__ = [
    "Target",
    "check_target",
    "private_file",
    "private_folder",
    "private_output",
    "write_text",
]
