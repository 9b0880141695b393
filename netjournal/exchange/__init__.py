"""Getting a journal out (JSON, vCard, CSV) and a JSON export back in.

Each format has its own module; :class:`~netjournal.journal.Journal` exposes them as
``export_json``, ``import_json``, ``export_vcard`` and ``export_csv``. Files are written
through :func:`private_output`: mode 0600 whatever the umask, and only renamed into place once
complete, so a failed export never leaves a half-written file under the wanted name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..errors import InvalidInput


@dataclass(frozen=True)
class ExportStats:
    """What an export wrote: the format and how many records of each kind."""

    format: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ImportStats:
    """What an import added, by kind of record."""

    source: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@contextmanager
def private_output(path: str | os.PathLike[str], *, overwrite: bool = True) -> Iterator[TextIO]:
    """A UTF-8 text stream to ``path``, created 0600 and moved into place only on success.

    The data goes to a temporary file beside ``path`` (so the final rename is atomic); on any
    error the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInput(f"{target} is a directory.")
    if target.exists() and not overwrite:
        raise InvalidInput(f"{target} already exists.")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"Cannot write to {folder}: {exc.strerror}.") from exc
    temp = Path(temp_name)
    try:
        os.fchmod(fd, 0o600)  # mkstemp already uses 0600; make it explicit
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


__all__ = ["ExportStats", "ImportStats", "private_output"]
