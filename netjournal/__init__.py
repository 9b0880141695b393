"""netjournal: turn networking events into evidence.

    from netjournal import Journal

    with Journal.open() as journal:            # $NETJOURNAL_DB or the user data folder
        journal.log("Hélène Dubois", event="Lyon Tech Meetup", organization="Emballix",
                    questions=[("Who supplies your packaging?", "A Lyon firm, 20% cheaper")],
                    leads=[("supplier", "Packaging supplier in Lyon")])

This module stays import-light: ``Journal`` (and SQLAlchemy with it) loads on first use, so
``netjournal --help`` starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .journal import Journal

__all__ = ["Journal", "__version__", "migrations_path"]


def migrations_path() -> Path:
    """The Alembic environment shipped inside the package (``netjournal.migrations``)."""
    from importlib.util import find_spec

    spec = find_spec("netjournal.migrations")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("netjournal.migrations is not installed; reinstall netjournal")
    return Path(next(iter(spec.submodule_search_locations)))


def __getattr__(name: str) -> Any:
    if name == "Journal":
        from .journal import Journal

        return Journal
    raise AttributeError(f"module 'netjournal' has no attribute {name!r}")
