"""Where a benchmark's journal is: found as the CLI finds it, and said out loud.

``--db`` first, then ``$NETJOURNAL_DB`` (as ``netjournal --db``), then a file in the temporary
folder: never the current folder, and never the user's own journal by surprise, since a
benchmark that fills a journal refuses one that already holds people or events.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from netjournal import Journal
from netjournal.db import ENV_VAR, resolve


def in_temp(name: str) -> Path:
    """``name`` in the temporary folder, the benchmarks' default place for a journal."""
    return Path(tempfile.gettempdir()) / name


def journal_location(given: str | None, default: str | os.PathLike[str]) -> tuple[str, str]:
    """The journal to use and where that choice came from: ``--db``, ``$NETJOURNAL_DB``, or
    ``default``."""
    if given:
        return given, "--db"
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR], f"${ENV_VAR}"
    return str(default), "the default"


def require_empty(url_or_path: str, origin: str) -> None:
    """Exit with one line if the journal exists and holds people or events: a benchmark fills
    a journal of its own, it does not add thousands of rows to yours."""
    if "://" not in url_or_path and not Path(url_or_path).exists():
        return
    with Journal.open(url_or_path) as journal:
        counts = journal.counts()
    if counts["people"] or counts["events"]:
        where = shown(url_or_path, origin)
        sys.exit(f"{where} already holds a journal; give --db a new or empty one.")


def shown(url_or_path: str, origin: str) -> str:
    """The journal as the CLI shows it (never a password), with where the choice came from."""
    return f"{resolve(url_or_path).display} ({origin})"
