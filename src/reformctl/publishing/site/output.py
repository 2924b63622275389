"""Writing a planned site into its folder: only the files whose bytes differ, each replaced whole,
and the files a previous build left that the plan no longer holds removed. With check=True the
same comparison is made and nothing is written."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from reformctl.errors import Refused
from reformctl.publishing.digests import sha256

# The mark every page of a built site carries; a folder whose index.html lacks it is not ours to tidy.
GENERATOR = "reformctl site build"
# What the last build rendered each page from (a hash of its inputs) and the hash of what it
# wrote, so that a rebuild renders again only the pages whose inputs changed.
STATE = ".reformctl-site.json"
# How an index card (templates/card.html.j2) begins and ends, to find it in the last index.html.
CARD_START, CARD_END = '<li class="card" ', "</div>\n\n</li>"


@dataclass
class Stored:
    """A published file, fetched from the store only when the site's copy differs from it."""

    digest: str
    fetch: Callable[[], bytes | None]


@dataclass
class Rendered:
    """A page rendered by MAKE from inputs whose hash is KEY, rendered only when KEY is new."""

    key: str
    make: Callable[[], bytes]


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
            raise Refused(
                f"{out} is not empty and holds no site built by reformctl; give a new or empty folder"
            )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def _load(out: Path) -> dict:
    try:
        found = json.loads((out / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


class Previous:
    """What the last build wrote, for a file made from parts: a part whose inputs are unchanged is
    read back from the site rather than made again."""

    def __init__(self, out: Path):
        found = _load(out)
        self.root = str(out)
        self.state = found.get("files") if isinstance(found.get("files"), dict) else {}
        self.cards = found.get("cards") if isinstance(found.get("cards"), dict) else {}
        self.index: dict[str, str] | None = None

    def card(self, site: str, key: str) -> str | None:
        """The index card of SITE as the last build rendered it from inputs KEY, read back from the
        site's index.html (and taken only if its hash is the one recorded)."""
        kept = self.cards.get(site)
        if not (isinstance(kept, list) and len(kept) == 2 and kept[0] == key):
            return None
        if self.index is None:
            self.index = self._index_cards()
        return self.index.get(kept[1])

    def _index_cards(self) -> dict[str, str]:
        try:
            text = _read(os.path.join(self.root, "index.html")).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return {}
        found = {}
        for chunk in text.split(CARD_START)[1:]:
            end = chunk.find(CARD_END)
            if end >= 0:
                card = CARD_START + chunk[: end + len(CARD_END)]
                found[sha256(card.encode("utf-8"))] = card
        return found

    def read(self, rel: str, key: str) -> bytes | None:
        kept = self.state.get(rel)
        if not (isinstance(kept, list) and len(kept) == 4 and kept[0] == key):
            return None
        try:
            data = _read(os.path.join(self.root, rel))
        except OSError:
            return None
        return data if sha256(data) == kept[1] else None


def _inventory(out: Path) -> dict[str, list[int]]:
    """Every file under OUT (relative path -> [size, modification time in ns]), in one walk."""
    found: dict[str, list[int]] = {}
    stack = [("", str(out))]
    while stack:
        prefix, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((rel + "/", entry.path))
            else:
                stat = entry.stat(follow_symlinks=False)
                found[rel] = [stat.st_size, stat.st_mtime_ns]
    return found


def _stat(path: str) -> list[int]:
    stat = os.stat(path)
    return [stat.st_size, stat.st_mtime_ns]


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class _Site:
    """The folder being built: what the last build recorded, what is there now, what this one records."""

    def __init__(self, out: Path, before: dict):
        self.root = str(out)
        self.before = before
        self.files = _inventory(out)
        self.after: dict[str, list] = {}

    def path(self, rel: str) -> str:
        return os.path.join(self.root, rel)

    def current(self, rel: str, key: str) -> bool:
        """Whether REL is what KEY names, as the last build recorded it: same key, and the file's
        size and time unchanged since (else its bytes' hash compared)."""
        kept, stat = self.before.get(rel), self.files.get(rel)
        if stat is None or not (isinstance(kept, list) and len(kept) == 4 and kept[0] == key):
            return False
        if stat != kept[2:] and sha256(_read(self.path(rel))) != kept[1]:
            return False
        self.after[rel] = [key, kept[1], *stat]
        return True

    def same(self, rel: str, data: bytes) -> bool:
        stat = self.files.get(rel)
        return stat is not None and stat[0] == len(data) and _read(self.path(rel)) == data

    def resolve(self, rel: str, content):
        """CONTENT as bytes to write, or None when the site's copy is current (made only if needed)."""
        if isinstance(content, bytes):
            return None if self.same(rel, content) else content
        key = content.digest if isinstance(content, Stored) else content.key
        if self.current(rel, key):
            return None
        data = content.fetch() if isinstance(content, Stored) else content.make()
        if data is None:
            raise LookupError(rel)
        digest = content.digest if isinstance(content, Stored) else sha256(data)
        if self.same(rel, data):
            self.after[rel] = [key, digest, *self.files[rel]]
            return None
        self.after[rel] = [key, digest]  # its size and time once written
        return data


def apply(
    out: Path, plan: dict, check: bool, previous: Previous, cards: dict | None = None
) -> dict:
    """Bring OUT in line with PLAN (relative path -> bytes, Stored or Rendered): what was (or would
    be) written or removed. PREVIOUS is what the last build recorded; CARDS what this one records
    of the index's cards."""
    site = _Site(out, previous.state)
    written, missing = [], []
    unchanged = 0
    for rel in sorted(plan):
        try:
            content = site.resolve(rel, plan[rel])
        except LookupError:
            missing.append(rel)
            continue
        if content is None:
            unchanged += 1
            continue
        written.append(rel)
        if not check:
            _write(out / rel, content)
            if rel in site.after:
                site.after[rel] = [*site.after[rel][:2], *_stat(site.path(rel))]
    removed = sorted(
        rel for rel in site.files if rel not in plan and rel not in missing and rel != STATE
    )
    if not check:
        for rel in removed:
            os.unlink(site.path(rel))
        if removed:
            _prune(out)
        state = {"files": site.after, "cards": cards or previous.cards}
        _write(out / STATE, (json.dumps(state, sort_keys=True) + "\n").encode("utf-8"))
    return {"written": written, "removed": removed, "unchanged": unchanged, "missing": missing}


def _prune(out: Path) -> None:
    """Remove folders left empty, deepest first."""
    for folder, _dirs, names in os.walk(out, topdown=False):
        if folder != str(out) and not names and not any(os.scandir(folder)):
            os.rmdir(folder)
