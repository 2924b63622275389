"""Shared by the public-site tests: a demo store with releases, published in the quick formats."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import EXAMPLES

# PDF and Word take seconds a release; the site treats every format alike, so the tests publish
# the text formats and one binary one.
QUICK_FORMATS = ("markdown", "html", "json", "csv", "xlsx")
NORTH_MIAMI_PATH = "active-oa-site-north-miami-fl-police-department"


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr("reformctl.publishing.releases.PUBLISHED_FORMATS", QUICK_FORMATS)


@pytest.fixture
def published(demo, quick, isolated):
    """The demo published twice (2026-06-30 and today) and North Miami once, into releases/."""
    demo.ok("new-engagement", "--from", EXAMPLES / "north-miami.toml")
    demo.ok(
        "publish",
        "--site",
        "brightwater-demo",
        "--as-of",
        "2026-06-30",
        "--output",
        isolated / "releases/bw-1",
    )
    demo.ok("publish", "--site", "brightwater-demo", "--output", isolated / "releases/bw-2")
    demo.ok("publish", "--site", "north-miami", "--output", isolated / "releases/nm-1")
    return demo


def tree(folder: Path) -> dict[str, str]:
    """Every file of the site under FOLDER, by relative path, as its SHA-256 (not the build's
    cache of file sizes and times, .reformctl-site.json, which is no part of the site)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".reformctl-site.json"
    }


class Page(HTMLParser):
    """The links, ids, scripts and attributes of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for key in ("href", "src"):
            if attributes.get(key) is not None:
                self.links.append(attributes[key])
