"""What encryption costs a user: ``log``, ``search`` and ``people show`` on an encrypted journal
of 100,000 encounters beside the same commands on the same journal in clear.

    python benchmarks/encrypted.py [--runs 15] [--db /tmp/netjournal-bench.db]

The plain journal is the one of ``cli_latency.py`` (built there, or here when missing); a copy
of it is encrypted once (``Journal.encrypt``) beside it. Each command runs as a fresh process,
the plain and encrypted runs interleaved so that machine noise hits both alike, with the
passphrase from ``--passphrase-file`` (the key derived in each process, as a user running
commands one by one pays it), unlocked for the session (``netjournal db unlock``: the key
derived once before the timing, read from a private runtime folder; the session is locked
after) and, with ``--keyring``, with the key remembered in the keyring (no derivation). Prints
a Markdown table of medians and the ratio to the plain command; the issue's target is 1.3x.

Where ``$XDG_RUNTIME_DIR`` is not a private folder (a container, a CI runner), the session unlock
is timed with a private folder made for the run on ``/dev/shm`` (a tmpfs, as the runtime folder
is on Linux).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from _timing import installed_script, sample
from _where import in_temp, journal_location, shown
from cli_latency import ENCOUNTERS, build, person_name

from netjournal import Journal, cipher
from netjournal.errors import JournalUnavailable

PASSPHRASE = "benchmark passphrase, not a secret"


def encrypted_copy(plain: str) -> Path:
    """The encrypted copy of ``plain`` beside it, made once."""
    target = Path(plain).with_name(Path(plain).stem + "-encrypted.db")
    if cipher.file_state(target) != "encrypted":
        for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            stale.unlink(missing_ok=True)
        with Journal.open(plain) as journal:
            journal.backup(target)
        Journal.encrypt(target, PASSPHRASE)
    return target


def shm_or_temp() -> str | None:
    """``/dev/shm`` (memory) where it is a folder, else the temporary folder."""
    return "/dev/shm" if Path("/dev/shm").is_dir() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--db", help="the plain journal (default: cli_latency.py's)")
    parser.add_argument(
        "--keyring",
        action="store_true",
        help="also time the encrypted journal opened with its key remembered in the keyring",
    )
    args = parser.parse_args()
    where, origin = journal_location(args.db, in_temp("netjournal-bench.db"))
    print(f"journal: {shown(where, origin)}")
    build(where)
    locked = encrypted_copy(where)
    print(f"encrypted copy: {locked}")
    folder = Path(tempfile.mkdtemp(prefix="netjournal-bench-"))
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    secret.chmod(0o600)
    script = installed_script()
    who = person_name(42)
    actions = {
        "log": ["log", who, "--date", "2024-05-06", "--note", "benchmark", "--again"],
        "search": ["search", "boxes"],
        "people show": ["people", "show", who],
    }
    ways = {
        "plain": ["--db", where],
        "encrypted, --passphrase-file": ["--db", str(locked), "--passphrase-file", str(secret)],
    }
    runtime = None
    keyring_env: list[str] = []
    try:
        Journal.unlock_session(locked, passphrase=PASSPHRASE, minutes=60)
    except JournalUnavailable:  # no private runtime folder here: one for this run
        runtime = tempfile.mkdtemp(prefix="netjournal-bench-run-", dir=shm_or_temp())
        os.environ["XDG_RUNTIME_DIR"] = runtime  # inherited by the timed processes
        Journal.unlock_session(locked, passphrase=PASSPHRASE, minutes=60)
    ways["encrypted, unlocked for the session"] = ["--db", str(locked)]
    if args.keyring:
        try:
            with Journal.open(locked, passphrase=PASSPHRASE) as journal:
                journal.remember_key()
        except JournalUnavailable as exc:  # a keyring in clear is refused (docs/reliability.md)
            sys.exit(f"--keyring: {exc}")
        # Without the session's folder: the session unlock would come before the keyring.
        ways["encrypted, key in the keyring"] = ["--db", str(locked)]
        keyring_env = ["env", "-u", "XDG_RUNTIME_DIR"]
    commands = {
        f"{action} ({way})": [*(keyring_env if "keyring" in way else []), script, *options, *argv]
        for action, argv in actions.items()
        for way, options in ways.items()
    }
    try:
        samples = sample(commands, args.runs)
    finally:
        Journal.lock_session(locked)
        if runtime is not None:
            shutil.rmtree(runtime)
        if args.keyring:
            Journal.forget_key(locked)
        shutil.rmtree(folder)
    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"\n{args.runs} runs each, {ENCOUNTERS:,} encounters, Python {sys.version.split()[0]}\n")
    print("| command | median (ms) | min (ms) | ratio to plain |")
    print("|---|---:|---:|---:|")
    for name, values in samples.items():
        plain = median[f"{name.split(' (')[0]} (plain)"]
        print(
            f"| `netjournal {name}` | {median[name] * 1000:.0f} | {min(values) * 1000:.0f} "
            f"| {median[name] / plain:.2f}x |"
        )


if __name__ == "__main__":
    main()
