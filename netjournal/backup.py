"""Consistent copies of a live SQLite journal, private like the journal itself."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .errors import JournalUnavailable


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (or reset an existing file to 0600)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)


def sqlite_backup(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target`` with SQLite's online backup: safe while others write."""
    if target.exists() and target.is_dir():
        raise JournalUnavailable(f"{target} is a directory.")
    try:
        private_file(target)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except (OSError, sqlite3.Error) as exc:
        raise JournalUnavailable(f"Cannot write the backup {target}: {exc}") from exc
    return target
