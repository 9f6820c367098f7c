"""The module map in the README is true: every module is on it, and imports only from its own
layer or the layers below (imports for type hints aside); only the engine imports experta and
only the command line imports click."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "livertriage"
ENTRY_POINTS = {"__init__", "__main__"}


def layers() -> dict[str, int]:
    """Module -> layer number, 0 for the top layer, from the README's project layout."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("## Project layout") :].split("```")[1]
    found: dict[str, int] = {}
    layer = -1
    for line in block.splitlines():
        match = re.match(r"^(\S[^ ]*(?: \S+)?)?\s+(\w+)\.py\s", line)
        if not match:
            continue
        if match.group(1):
            layer += 1
        found[match.group(2)] = layer
    return found


def imports(module: Path) -> set[str]:
    """The top-level modules of every import in ``module``, outside ``if TYPE_CHECKING:``."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    hinted = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hinted:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "livertriage":
                names.update(f"livertriage.{alias.name}" for alias in node.names)
    return names


def test_every_module_is_on_the_map() -> None:
    on_disk = {path.stem for path in PACKAGE.glob("*.py")} - ENTRY_POINTS
    assert on_disk == set(layers())


def test_modules_import_only_from_their_layer_or_below() -> None:
    layer = layers()
    upward = [
        (path.stem, name)
        for path in PACKAGE.glob("*.py")
        if path.stem not in ENTRY_POINTS
        for name in imports(path)
        if name.startswith("livertriage.")
        and name.split(".")[1] in layer
        and layer[name.split(".")[1]] < layer[path.stem]
    ]
    assert upward == []


def test_only_the_engine_imports_experta_and_only_the_command_line_imports_click() -> None:
    for path in PACKAGE.glob("*.py"):
        found = imports(path)
        if any(name.split(".")[0] == "experta" for name in found):
            assert path.stem in {"engine", "_experta"}, path.name
        if any(name.split(".")[0] == "click" for name in found):
            assert path.stem == "cli", path.name
