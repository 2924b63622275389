"""Getting long text from a file, stdin or the user's editor."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from reformctl.cli import prompts
from reformctl.cli.errors import CliError, CliUsageError


def read_text_file(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a directory, not a text file") from None
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text") from None


def _check_editor(editor: str, variable: str | None) -> None:
    import shlex
    import shutil

    program = (shlex.split(editor) or [""])[0]
    if shutil.which(program):
        return
    if variable is None:
        raise CliError(
            "no editor: $EDITOR is not set and vi was not found; set EDITOR "
            "(e.g. export EDITOR=nano), or use --body or --body-file"
        )
    raise CliError(
        f"the editor in ${variable} ({program!r}) was not found; set ${variable} to an "
        "installed editor, or use --body or --body-file"
    )


def edit_text(initial: str = "", hint: str = "") -> str:
    """Open $VISUAL/$EDITOR on a temporary file and return what was saved (comment lines dropped)."""
    # Only --edit pays for these: imported at the top, they would slow every command's start-up.
    import shlex
    import subprocess
    import tempfile

    variable = next(
        (name for name in ("VISUAL", "EDITOR") if os.environ.get(name, "").strip()), None
    )
    editor = os.environ[variable] if variable else "vi"
    if not prompts.interactive():
        raise CliUsageError("--edit needs a terminal; use --body or --body-file instead")
    _check_editor(editor, variable)
    with tempfile.NamedTemporaryFile("w+", suffix=".md", delete=False, encoding="utf-8") as handle:
        if hint:
            handle.write(f"# {hint}\n# Lines starting with '#' are ignored.\n")
        handle.write(initial)
        name = handle.name
    try:
        result = subprocess.run([*shlex.split(editor), name])
        if result.returncode != 0:
            raise CliError(
                f"the editor ({editor}) exited with status {result.returncode}; nothing was saved"
            )
        text = Path(name).read_text(encoding="utf-8")
    finally:
        os.unlink(name)
    # split("\n"), not splitlines(): that also breaks at VT, FF, NEL and other controls, which
    # would turn them into line breaks here instead of letting model/text.py refuse them.
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line for line in lines if not line.startswith("#")).strip()


def one_body(body: str | None, body_file: Path | None, edit: bool, hint: str) -> str | None:
    given = [
        name
        for name, value in (("--body", body), ("--body-file", body_file), ("--edit", edit))
        if value
    ]
    if len(given) > 1:
        raise CliUsageError(
            f"give only one of --body, --body-file and --edit (got {' and '.join(given)})"
        )
    if body_file is not None:
        return read_text_file(body_file)
    if edit:
        return edit_text(hint=hint)
    return body
