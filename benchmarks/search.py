"""Search latency on journals built by ``benchmarks/generate.py``.

    python benchmarks/search.py /tmp/bench-10k.db /tmp/bench-100k.db [--repeat 30]

In-process: each query goes through ``Journal.search`` (a connection per call, as the
library does) and is timed ``--repeat`` times; the median and 95th percentile are reported
per kind of query and over all of them. Whole process: ``netjournal search`` run as a
command, against ``python -c "import sqlalchemy.orm"`` measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netjournal import Journal

QUERIES: dict[str, list[dict[str, Any]]] = {
    "rare word": [{"query": "mot3517"}, {"query": "term2999"}, {"query": "Kowalski"}],
    "common word": [{"query": "supplier"}, {"query": "réseau"}, {"query": "cardboard"}],
    "prefix": [{"query": "fourn"}, {"query": "pack"}, {"query": "recru"}],
    "phrase": [{"query": '"CTO hire"'}, {"query": '"réseau de fournisseurs"'}],
    "several words": [{"query": "Lyon packaging supplier"}, {"query": "cafe -ete"}],
    "filters only": [
        {"kinds": "encounter"},
        {"since": "2023-01-01", "until": "2023-03-31"},
        {"lead_kind": "supplier", "lead_status": "open"},
        {"tags": "warm"},
    ],
    "text + filters": [
        {"query": "supplier", "kinds": "lead"},
        {"query": "réseau", "since": "2024-01-01"},
    ],
}


def _timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm the page cache and the statement cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def in_process(db: str, repeat: int) -> dict[str, tuple[float, float]]:
    results: dict[str, tuple[float, float]] = {}
    everything: list[float] = []
    with Journal.open(db) as journal:
        for kind, variants in QUERIES.items():
            times: list[float] = []
            for args in variants:
                times += _timed(lambda a=args: journal.search(**a), repeat)  # type: ignore[misc]
            results[kind] = (statistics.median(times), _p95(times))
            everything += times
        results["all"] = (statistics.median(everything), _p95(everything))
    return results


def whole_process(db: str, repeat: int) -> tuple[float, float]:
    """Median wall time of ``netjournal search`` and of importing sqlalchemy.orm, in ms."""
    exe = Path(sys.executable).parent / "netjournal"
    search = [str(exe), "--db", db, "search", "réseau fournisseurs"]
    baseline = [sys.executable, "-c", "import sqlalchemy.orm"]

    def run(cmd: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return (time.perf_counter() - start) * 1000

    run(search), run(baseline)
    cli, base = [], []
    for _ in range(repeat):  # interleaved, so both see the same machine load
        cli.append(run(search))
        base.append(run(baseline))
    return statistics.median(cli), statistics.median(base)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("databases", nargs="+")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--process-repeat", type=int, default=15)
    args = parser.parse_args(argv)
    for db in args.databases:
        with Journal.open(db) as journal:
            size = journal.counts()
        print(f"\n{db}: {size['encounters']:,} encounters, {size['people']:,} people")
        print(f"  {'query':<16}{'median ms':>10}{'p95 ms':>10}")
        for kind, (median, p95) in in_process(db, args.repeat).items():
            print(f"  {kind:<16}{median:>10.2f}{p95:>10.2f}")
        cli, base = whole_process(db, args.process_repeat)
        print(
            f"  whole process: netjournal search {cli:.0f} ms, "
            f"python -c 'import sqlalchemy.orm' {base:.0f} ms, ratio {cli / base:.2f}"
        )


if __name__ == "__main__":
    main()
