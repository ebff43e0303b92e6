"""The import graph of the portal's apps, from the code, as a Mermaid picture in
docs/ARCHITECTURE.md (between its ``import-graph`` markers).

    python scripts/import_graph.py          # rewrite the picture (make architecture)
    python scripts/import_graph.py --check  # exit 1 if the picture is out of date

The floors come from the import contract in pyproject.toml, so the picture and the test that
keeps imports flowing down (tests/test_architecture.py) read the same list."""

import re
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ARCHITECTURE.md"
START, END = "<!-- import-graph:start -->", "<!-- import-graph:end -->"


def floors() -> list[list[str]]:
    """The contract's layers, bottom first; a floor may hold independent apps (``a | b``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "floors"]
    return [[app.strip() for app in layer.split("|")] for layer in reversed(contract["layers"])]


def app_imports() -> set[tuple[str, str]]:
    """The pairs (importer, imported) of apps, counting imports inside functions too."""
    apps = [app for floor in floors() for app in floor]
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*apps, cache_dir=None)
    edges = set()
    for importer in apps:
        for imported in apps:
            if importer != imported and any(
                graph.find_matching_direct_imports(import_expression=expression)
                for expression in (f"{importer}.** -> {imported}.**", f"{importer} -> {imported}")
            ):
                edges.add((importer, imported))
    return edges


def mermaid() -> str:
    lines = ["```mermaid", "flowchart BT"]
    for number, floor in enumerate(floors()):
        lines.append(f'    subgraph floor{number}["floor {number}"]')
        lines += [f"        {app}" for app in floor]
        lines.append("    end")
    lines += [f"    {importer} --> {imported}" for importer, imported in sorted(app_imports())]
    lines.append("```")
    return "\n".join(lines)


def document_with_graph(text: str) -> str:
    block = f"{START}\n{mermaid()}\n{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)


def main() -> int:
    text = DOC.read_text()
    updated = document_with_graph(text)
    if "--check" in sys.argv:
        if updated != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run `make architecture`.")
            return 1
        return 0
    DOC.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
