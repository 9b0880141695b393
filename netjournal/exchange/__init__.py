"""Getting a journal out (JSON, vCard, CSV, iCalendar) and a JSON export back in.

Each format has its own module; :class:`~netjournal.journal.Journal` exposes them as
``export_json``, ``import_json``, ``export_vcard``, ``export_csv`` and ``export_ical``, which
write to any text stream. Files are written through :func:`netjournal.files.private_output`:
mode 0600 whatever the umask, and only renamed into place once complete, so a failed export
never leaves a half-written file under the wanted name.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


__all__ = ["ExportStats", "ImportStats"]
