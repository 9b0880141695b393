"""What ``pip install .`` installs: every package of the source tree (the list in
``pyproject.toml`` is explicit, so a new subpackage must be added to it), and the data files
the code reads at run time."""

from __future__ import annotations

import tomllib
from pathlib import Path

import netjournal
from netjournal.demo import demo_data
from netjournal.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_of_the_source_is_listed() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    listed = set(setuptools["packages"])
    folders = {"netjournal": "netjournal", **setuptools["package-dir"]}
    found = set()
    for name, folder in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((name, *parts)))
    assert found - listed == set(), "add them to [tool.setuptools] packages"


def test_the_installed_package_holds_its_data() -> None:
    installed = Path(netjournal.__file__).parent
    assert (installed / "py.typed").is_file()
    assert (LOCALE_DIR / "fr" / "LC_MESSAGES" / "netjournal.mo").is_file()
    for language in ("en", "fr"):
        assert (demo_data(language) / "season.toml").is_file()
    from netjournal import vdir  # a subpackage: installed as the others

    assert Path(vdir.__file__).parent.parent == installed
