"""Paths shared by the importer tests: our own small files, and the third-party corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
# The corpus sits next to the repository: <repo>/../shared/corpus (never copied into the repo).
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared import corpus is not available at {CORPUS}")
    return CORPUS
