"""The floors of docs/ARCHITECTURE.md hold: every app imports only from the floors below it
(the contract in pyproject.toml, checked by import-linter), every app of the portal has a floor,
and the picture of the import graph in the document is the one the code draws."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def contract_apps() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return config["root_packages"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "lint-imports", "--no-cache"],
        cwd=cwd,
        env={"PATH": str(BIN), "COLUMNS": "200", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_imports_flow_down_the_floors():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_against_the_floors_breaks_the_contract(tmp_path):
    """The contract is not vacuous: the same code with one upward import fails it."""
    for app in contract_apps():
        shutil.copytree(
            ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "core" / "probe.py").write_text("from kim_portal import urls  # noqa\n")
    (tmp_path / "regions" / "probe.py").write_text(
        "def later():\n    from news.models import Post  # noqa\n"
    )

    result = lint_imports(tmp_path)

    assert result.returncode == 1
    assert "core is not allowed to import kim_portal" in result.stdout
    assert "core.probe -> kim_portal.urls" in result.stdout
    # An import inside a function counts as much as one at the top of a module.
    assert "regions.probe -> news.models" in result.stdout


def test_every_app_of_the_portal_has_a_floor():
    ours = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT.resolve()
    }
    assert ours == set(contract_apps())


def test_the_import_graph_in_the_architecture_document_is_drawn_from_the_code():
    result = subprocess.run(
        [sys.executable, ROOT / "scripts" / "import_graph.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
