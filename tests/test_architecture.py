"""ARCHITECTURE.md's layers are the import contract, and the code keeps it.

The layers are written in ARCHITECTURE.md (the fenced block under "## Layers") and in
pyproject.toml's import-linter contract; this test holds the two equal, checks that the
diagram names every app, and runs import-linter, which fails on any import from a lower
layer into a higher one, between siblings of one layer, or from a module no layer
places (the contract is exhaustive).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return layers


def _documented_layers() -> list[str]:
    section = ARCHITECTURE.split("\n## Layers\n", 1)[1]
    block = section.split("```", 2)[1]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def _names(layers: list[str]) -> set[str]:
    return {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}


def test_the_document_and_the_contract_list_the_same_layers():
    assert _documented_layers() == _contract()["layers"]


def test_the_diagram_shows_every_app():
    diagram = ARCHITECTURE.split("```", 2)[1]
    apps = sorted(
        p.name for p in (ROOT / "src" / "jaring").iterdir() if (p / "apps.py").exists() or p.name == "web"
    )
    assert apps, "no app found"
    missing = [app for app in apps if not re.search(rf"\b{app}\b", diagram)]
    assert not missing, f"the diagram in ARCHITECTURE.md does not show {missing}"


def test_every_documented_layer_names_a_module():
    package = ROOT / "src" / "jaring"
    unknown = [
        name
        for name in _names(_contract()["layers"])
        if not (package / name).is_dir() and not (package / f"{name}.py").exists()
    ]
    assert not unknown


def test_the_imports_keep_the_layers():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter), str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
