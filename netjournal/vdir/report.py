"""What a vdir sync did (or, for a dry run, would do): :class:`SyncReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Item:
    """One contact a sync changed: the person's name and the card's file name."""

    name: str
    href: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "file": self.href}


@dataclass(frozen=True)
class Conflict:
    """A contact changed differently on both sides: per field, (journal, vdir) values."""

    name: str
    href: str
    fields: dict[str, tuple[Any, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.href,
            "fields": {k: {"journal": j, "vdir": v} for k, (j, v) in self.fields.items()},
        }


@dataclass(frozen=True)
class Refused:
    """A card that was not synced (malformed, or not writable), and why."""

    href: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.href, "reason": self.reason}


@dataclass
class SyncReport:
    """What a sync changed (or, ``dry_run``, would change) on each side."""

    vdir: str
    dry_run: bool = False
    journal_added: list[Item] = field(default_factory=list)
    journal_updated: list[Item] = field(default_factory=list)
    journal_unlinked: list[Item] = field(default_factory=list)
    journal_deleted: list[Item] = field(default_factory=list)
    vdir_added: list[Item] = field(default_factory=list)
    vdir_updated: list[Item] = field(default_factory=list)
    vdir_deleted: list[Item] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    failed: list[Refused] = field(default_factory=list)

    SECTIONS = (
        "journal_added",
        "journal_updated",
        "journal_unlinked",
        "journal_deleted",
        "vdir_added",
        "vdir_updated",
        "vdir_deleted",
        "conflicts",
        "refused",
        "failed",
    )

    @property
    def clean(self) -> bool:
        """Whether every contact is in step (no conflict, refusal or failure)."""
        return not (self.conflicts or self.refused or self.failed)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"vdir": self.vdir, "dry_run": self.dry_run}
        for name in self.SECTIONS:
            out[name] = [item.to_dict() for item in getattr(self, name)]
        return out
