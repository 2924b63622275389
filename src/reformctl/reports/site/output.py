"""Writing a planned site into its folder: only the files whose bytes differ, each replaced whole,
and the files a previous build left that the plan no longer holds removed. With check=True the
same comparison is made and nothing is written."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from reformctl.errors import Refused
from reformctl.reports.releases import sha256

# The mark every page of a built site carries; a folder whose index.html lacks it is not ours to tidy.
GENERATOR = "reformctl site build"


@dataclass
class Stored:
    """A published file, fetched from the store only when the site's copy differs from it."""
    digest: str
    fetch: Callable[[], bytes | None]


def check_folder(out: Path, store_path: Path) -> None:
    """Refuse a folder that holds the store, or that holds something other than a built site."""
    store_path = Path(store_path).resolve()
    resolved = out.resolve()
    if store_path == resolved or resolved in store_path.parents:
        raise Refused(f"{out} holds the store {store_path}; build the site into another folder")
    if out.exists() and not out.is_dir():
        raise Refused(f"{out} is a file; give a folder for the site")
    if out.is_dir() and any(out.iterdir()):
        index = out / "index.html"
        if not (index.is_file() and GENERATOR.encode() in index.read_bytes()[:4000]):
            raise Refused(f"{out} is not empty and holds no site built by reformctl; give a new or empty folder")


def _same(path: Path, content) -> bool:
    if not path.is_file():
        return False
    if isinstance(content, Stored):
        return sha256(path.read_bytes()) == content.digest
    return path.stat().st_size == len(content) and path.read_bytes() == content


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def apply(out: Path, plan: dict[str, bytes | Stored], check: bool) -> dict:
    """Bring OUT in line with PLAN (relative path -> bytes): what was (or would be) written or removed."""
    written, missing = [], []
    unchanged = 0
    for rel in sorted(plan):
        content, path = plan[rel], out / rel
        if _same(path, content):
            unchanged += 1
            continue
        if isinstance(content, Stored):
            data = content.fetch()
            if data is None:
                missing.append(rel)
                continue
            content = data
        written.append(rel)
        if not check:
            _write(path, content)
    removed = sorted(rel for rel in _existing(out) if rel not in plan and rel not in missing)
    if not check:
        for rel in removed:
            (out / rel).unlink()
        _prune(out)
    return {"written": written, "removed": removed, "unchanged": unchanged, "missing": missing}


def _existing(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    return [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()]


def _prune(out: Path) -> None:
    """Remove folders left empty, deepest first."""
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
