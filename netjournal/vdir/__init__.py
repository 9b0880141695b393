"""Two-way sync with a vdir: a folder of one ``.vcf`` per contact, as vdirsyncer and khard keep
it (vdirsyncer's storage format), so that the journal's people and an address book (CardDAV
through vdirsyncer, khard, a phone) stay in step.

- :mod:`netjournal.vdir.cards`: what netjournal models of a card, and how its text is edited
  without touching what it does not model;
- :mod:`netjournal.vdir.state`: the state of the last sync kept in the journal, and the lock;
- :mod:`netjournal.vdir.plan`: what changed on each side, and what to do about it;
- :mod:`netjournal.vdir.sync`: one run, planned then applied (:mod:`netjournal.vdir.report`:
  what it did).

Reach it as :meth:`Journal.sync_vdir <netjournal.journal.Journal.sync_vdir>`.
"""

from .report import Conflict, Item, Refused, SyncReport

__all__ = ["Conflict", "Item", "Refused", "SyncReport"]
