"""Build a realistic journal of N encounters for the benchmarks, through the public API.

    python benchmarks/generate.py --encounters 100000 --db /tmp/bench-100k.db

Without ``--db``, the journal is ``$NETJOURNAL_DB`` (as for ``netjournal``), else
``netjournal-bench-N.db`` in the temporary folder; it must be new or empty, and the last line
says where it was written.

About five encounters per person and fifty per event; notes of two to four sentences mixing
French and English with a long-tailed vocabulary (a few words everywhere, most words rare),
zero to three questions, a lead every third encounter, a tag every tenth. Deterministic
(``--seed``). Events are added one by one; encounters go through ``Journal.bulk_log``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from _where import in_temp, journal_location, require_empty, shown

from netjournal import Journal
from netjournal.specs import EncounterSpec, LeadSpec
from netjournal.vocab import LEAD_KINDS


def _split(text: str) -> list[str]:
    return text.split()


FIRST = _split(
    "Hélène Zoé Marc Paul Camille Léa Chloé Émile Jérôme François Agnès Björn Ana Sofia "
    "Noah Liam Olivia Emma Ava Lucas Hugo Inès Manon Théo Nathan Sarah Maël Aurélie Céline "
    "Raphaël Gaëlle Anaïs Benoît Cécile Priya Kenji Mei Tomás Joaquín Dmitri Ingrid Oskar"
)
LAST = _split(
    "Dubois Martin Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia Müller "
    "Smith Johnson Brown Taylor Wilson Nguyen Rossi Ferrari Novak Kowalski Jensen Silva "
    "Fontaine Chevalier Robin Gauthier Perrin Morel Girard André Mercier Dupont Lambert "
    "Bonnet François Faure Rousseau Blanc Guérin Boyer Garnier Chevallier Clément Lucas"
)
ORGS = _split(
    "Emballix Brightwave Atelier-Cœur Nordlys Tidewave Carto&Co Logistika Verdure Octave "
    "Pixelmine Quantiq Boulangerie-Réunie Helios Maison-Ferrand Scalewise Rivière-Conseil"
)
FIELDS = _split(
    "packaging logistics fintech design recruiting legal accounting marketing robotics "
    "biotech retail énergie agriculture éducation santé immobilier"
)
CITIES = _split("Lyon Paris Nantes Lille Bordeaux Genève Bruxelles London Berlin Montréal")
TOPICS = _split("Tech Startup Packaging Logistique Design Fintech Climate Data Café Réseau")
KINDS = ("meetup", "conference", "trade show", "dinner", "online", "other")
SENTENCES_EN = (
    "She is looking for a {w} supplier and asked about our {w} process.",
    "He mentioned they need a CTO hire before the {w} round.",
    "Talked about {w} and {w} for almost an hour, send a follow-up next week.",
    "Their team struggles with {w}; maybe an intro to someone in {w}.",
    "Interesting take on {w} pricing, they cut costs by switching {w} vendors.",
    "Wants a demo of the {w} dashboard and a quote for {w}.",
)
SENTENCES_FR = (
    "Elle cherche un réseau de fournisseurs pour le {w} et le {w}.",
    "Il a parlé de {w} pendant le café, à relancer après l'été.",
    "Très intéressé par notre offre {w}; prévoir un rendez-vous sur {w}.",
    "Son équipe recrute en {w}, elle connaît bien le marché du {w}.",
    "Échange sur les coûts de {w} et les délais de {w} à Lyon.",
)
QUESTIONS = (
    ("Who makes your {w}?", "A small firm near {c}, 20% cheaper"),
    ("Comment trouvez-vous vos clients en {w} ?", "Surtout par le bouche-à-oreille"),
    ("What is your biggest problem with {w}?", "Lead times on {w}"),
    ("Quel budget pour le {w} cette année ?", None),
)
# A long-tailed vocabulary: word i is drawn with weight 1/(i+1).
VOCAB = [
    *_split("cardboard pallets shipping invoices hiring pricing onboarding packaging compliance"),
    *_split("emballage carton livraison facturation recrutement tarifs conformité logistique"),
    *(f"{stem}{i}" for i in range(4000) for stem in ("mot", "term")),
]
CUMULATIVE = list(itertools.accumulate(1 / (i + 1) for i in range(len(VOCAB))))


def _words(rng: random.Random, count: int) -> list[str]:
    return rng.choices(VOCAB, cum_weights=CUMULATIVE, k=count)


def _sentence(rng: random.Random) -> str:
    template = rng.choice(SENTENCES_FR if rng.random() < 0.4 else SENTENCES_EN)
    words = iter(_words(rng, template.count("{w}")))
    return template.replace("{w}", "{}").format(*words)


def specs(rng: random.Random, encounters: int, event_ids: list[int], start: dt.date) -> Iterator:
    people = max(20, encounters // 5)
    seen: set[int] = set()
    for n in range(encounters):
        who = rng.randrange(people)
        first, last = FIRST[who % len(FIRST)], LAST[(who // len(FIRST)) % len(LAST)]
        name = f"{first} {last}" + (f" {who // (len(FIRST) * len(LAST))}" if who >= 1806 else "")
        new = who not in seen
        seen.add(who)
        event = rng.choice(event_ids) if event_ids and rng.random() < 0.8 else None
        questions = []
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            asked, learned = rng.choice(QUESTIONS)
            word = _words(rng, 1)[0]
            questions.append(
                (asked.format(w=word), learned and learned.format(w=word, c=rng.choice(CITIES)))
            )
        leads = []
        if n % 3 == 0:
            kind = rng.choice(LEAD_KINDS)
            leads.append(LeadSpec(kind, f"{kind.capitalize()} lead about {_words(rng, 1)[0]}"))
        yield EncounterSpec(
            person=name,
            new_person=new,
            again=True,  # random draws may meet someone twice at one event
            event=event,
            date=None if event else start + dt.timedelta(days=rng.randrange(5 * 365)),
            notes=" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))),
            organization=rng.choice(ORGS) if new else None,
            field=rng.choice(FIELDS) if new else None,
            questions=questions,
            leads=leads,
            tags=[rng.choice(("warm", "investor", "chaud", "à-relancer"))] if n % 10 == 0 else (),
        )


def generate(db: str, encounters: int, seed: int = 7, chunk: int = 5000) -> dict[str, float]:
    rng = random.Random(seed)
    start = dt.date(2021, 1, 1)
    began = time.perf_counter()
    with Journal.open(db) as journal:
        event_ids = []
        for i in range(max(5, encounters // 50)):
            day = start + dt.timedelta(days=rng.randrange(5 * 365))
            name = f"{rng.choice(CITIES)} {rng.choice(TOPICS)} {rng.choice(KINDS).title()} {i}"
            event = journal.events.add(name, day, kind=rng.choice(KINDS), location="Centre")
            event_ids.append(event.id)
        events_done = time.perf_counter()
        logged = journal.encounters.bulk(specs(rng, encounters, event_ids, start), chunk=chunk)
        counts = journal.counts()
    finished = time.perf_counter()
    return {
        **{k: float(v) for k, v in counts.items()},
        "logged": float(logged),
        "events_s": events_done - began,
        "encounters_s": finished - events_done,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encounters", type=int, required=True)
    parser.add_argument(
        "--db",
        default=None,
        help="a new journal's path or URL (default: $NETJOURNAL_DB, else "
        "netjournal-bench-N.db in the temporary folder)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=5000)
    args = parser.parse_args(argv)
    db, origin = journal_location(args.db, in_temp(f"netjournal-bench-{args.encounters}.db"))
    if "://" not in db and Path(db).exists():
        sys.exit(f"{shown(db, origin)} already exists; remove it first or give --db a new file.")
    require_empty(db, origin)
    stats = generate(db, args.encounters, args.seed, args.chunk)
    rate = stats["logged"] / stats["encounters_s"]
    print(
        f"wrote {shown(db, origin)}: {int(stats['encounters'])} encounters, "
        f"{int(stats['people'])} people, "
        f"{int(stats['events'])} events, {int(stats['questions'])} questions, "
        f"{int(stats['leads'])} leads; events {stats['events_s']:.1f} s, "
        f"encounters {stats['encounters_s']:.1f} s ({rate:,.0f}/s)"
    )


if __name__ == "__main__":
    main()
