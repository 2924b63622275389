"""House rules a reader can hold: no function in src/reformctl over 60 lines, counted from its
signature (decorators aside) to its last line, docstring included. Complexity (mccabe, at most 15)
is ruff's to check: C90 in pyproject.toml."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "reformctl"
MAX_LINES = 60


def long_functions(root: Path = PACKAGE) -> list[str]:
    """'path:line name (N lines)' for every function or method under ROOT over MAX_LINES."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_LINES:
                    where = path.relative_to(root.parent)
                    found.append(f"{where}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_is_over_60_lines():
    long = long_functions()
    assert not long, f"functions over {MAX_LINES} lines; split them:\n" + "\n".join(long)


def test_the_count_includes_signature_and_docstring_and_nested_functions(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(56))
    exactly = f'def f(\n    a,\n):\n    """Doc."""\n{body}\n'  # 3 + 1 + 56 = 60 lines
    (tmp_path / "ok.py").write_text(exactly, encoding="utf-8")
    assert long_functions(tmp_path) == []
    (tmp_path / "long.py").write_text(exactly + "    x = 0\n", encoding="utf-8")
    (tmp_path / "nested.py").write_text(
        "class C:\n    def m(self):\n" + "\n".join(f"        y{i} = {i}" for i in range(60)) + "\n",
        encoding="utf-8",
    )
    assert long_functions(tmp_path) == [
        f"{tmp_path.name}/long.py:1 f (61 lines)",
        f"{tmp_path.name}/nested.py:2 m (61 lines)",
    ]


MAX_MODULE_LINES = 500


def test_no_module_is_over_500_lines():
    """A module past 500 lines holds more than one thing: split it by what it holds."""
    long = [
        f"{path.relative_to(PACKAGE.parent)} ({n} lines)"
        for path in sorted(PACKAGE.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, "modules over 500 lines:\n" + "\n".join(long)
