"""netjournal as a library: one evening, one lead that paid off, the follow-ups due.

Run it with ``python examples/quickstart.py``; it works in a temporary journal and prints
what it did.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from netjournal import Journal


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        Journal.open(Path(folder) / "journal.db") as journal,
    ):
        journal.set_profile(fields=["cosmetics"], hourly_rate=60, currency="EUR")
        journal.events.add(
            "Lyon Tech Meetup", "2026-11-20", kind="meetup", hours=3, location="Lyon"
        )
        encounter = journal.log(
            "Hélène Dubois",
            event="Lyon Tech Meetup",
            organization="Emballix",
            field="packaging",
            questions=[("Who makes your boxes?", "A Lyon firm, 20% cheaper")],
            leads=[("supplier", "Her carton maker")],
            followups=[("2026-11-27", "Send her our volumes")],
        )
        lead = encounter.leads[0]
        outcome = journal.outcomes.add(
            lead.id, "Switched supplier", value="1800", kind="savings", date="2026-12-15"
        )
        print(f"Logged {encounter.person.display_name} at {encounter.event.name}")
        print(f"Lead #{lead.id} paid off: {outcome.value} {outcome.currency} saved")
        for followup in journal.followups.due(on="2026-11-30"):
            print(f"Due {followup.due}: {followup.action} ({followup.person.display_name})")
        print(journal.counts())


if __name__ == "__main__":
    main()
