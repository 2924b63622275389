"""The layers import downwards only: store → model → reports and exchange (side by side) →
publishing → cli, and the library (everything but cli/) never imports Typer or Rich."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "reformctl"
LAYERS = ("store", "model", "reports", "exchange", "publishing", "cli")
# What each layer may import besides itself: reports and exchange stand side by side.
BELOW = {
    "store": set(),
    "model": {"store"},
    "reports": {"store", "model"},
    "exchange": {"store", "model"},
    "publishing": {"store", "model", "reports", "exchange"},
}


def imports(path: Path) -> set[str]:
    """Every module PATH imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_a_layer_imports_no_layer_above_it(layer):
    barred = set(LAYERS) - BELOW[layer] - {layer}
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / layer).rglob("*.py")
        for name in imports(path)
        if name.split(".")[:2] in (["reformctl", other] for other in barred)
    }
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_the_library_never_imports_typer_or_rich(layer):
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / layer).rglob("*.py")
        for name in imports(path)
        if name.split(".")[0] in ("typer", "click", "rich")
    }
    assert not wrong, sorted(wrong)
