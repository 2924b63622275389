"""`site build`: the public site, from the store's recorded releases only."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import approve
from site_helpers import NORTH_MIAMI_PATH, Page, published, quick, tree  # noqa: F401 (fixtures)

# Each test publishes three releases and builds the site from them.
pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)


def build(cli, folder, *extra) -> dict:
    return cli.json("site", "build", folder, *extra)


def test_every_release_on_the_site_is_byte_identical_to_what_publish_wrote_and_verifies(
    published, isolated
):
    done = build(published, isolated / "site")
    assert done["engagements"] == 2 and done["unavailable"] == [] and done["written"]
    site = isolated / "site"
    for published_folder, on_site in (
        ("bw-1", "brightwater-demo/releases/1"),
        ("bw-2", "brightwater-demo/releases/2"),
        ("nm-1", f"{NORTH_MIAMI_PATH}/releases/1"),
    ):
        assert tree(site / on_site) == tree(isolated / "releases" / published_folder)
        assert len(tree(site / on_site)) == 6  # five formats and the manifest
        checked = published.json("verify", site / on_site)
        assert checked["ok"] and checked["problems"] == [] and checked["unchecked"] == []


def test_the_site_rebuilds_from_the_store_alone_byte_for_byte(published, isolated):
    build(published, isolated / "first")
    shutil.rmtree(
        isolated / "releases"
    )  # the published folders are gone; the store keeps the bytes
    moved = isolated / "elsewhere" / "copy.db"
    moved.parent.mkdir()
    shutil.copy(isolated / "test.db", moved)
    published.ok("--db", moved, "site", "build", isolated / "second")
    assert tree(isolated / "second") == tree(isolated / "first")
    assert len(tree(isolated / "first")) > 25


def test_a_finding_approved_after_the_last_release_stays_off_until_the_next_publish(
    published, isolated, monkeypatch
):
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-12-15")  # the releases froze everything up to today
    found = published.json(
        "log-finding",
        "--site",
        "north-miami",
        "--focus-area",
        "1",
        "--title",
        "Zqxlater finding approved after the release",
        "--body",
        "Approved later.",
    )
    approve(published, "north-miami", found["number"])
    build(published, isolated / "site")
    assert not any(
        "zqxlater" in p.read_bytes().decode("utf-8", "replace").lower()
        for p in (isolated / "site").rglob("*")
        if p.suffix in (".html", ".json", ".xml")
    )
    published.ok("publish", "--site", "north-miami", "--output", isolated / "releases/nm-2")
    build(published, isolated / "site")
    page = (isolated / "site" / NORTH_MIAMI_PATH / "index.html").read_text("utf-8")
    assert "Zqxlater finding approved after the release" in page
    search = json.loads((isolated / "site/search.json").read_text("utf-8"))
    assert any("Zqxlater" in entry["text"] for entry in search)


def test_a_rebuild_writes_only_what_changed_and_check_reports_it_without_writing(
    published, isolated
):
    site = isolated / "site"
    first = build(published, site)
    again = build(published, site)
    assert (
        again["written"] == [] and again["removed"] == [] and again["unchanged"] == first["files"]
    )
    result = published("site", "build", site, "--check")
    assert result.exit_code == 0, result.stdout
    old_release = site / "brightwater-demo/releases/1/manifest.json"
    stamp = os.stat(old_release).st_mtime_ns

    published.ok(
        "publish",
        "--site",
        "brightwater-demo",
        "--kind",
        "progress",
        "--output",
        isolated / "releases/bw-3",
    )
    before = tree(site)
    result = published("site", "build", site, "--check", "--format", "json")
    assert result.exit_code == 1
    pending = json.loads(result.stdout)
    assert tree(site) == before  # --check wrote nothing
    new_release = {
        f"brightwater-demo/releases/3/{name}"
        for name in [
            "manifest.json",
            *(f"brightwater-demo-release-3.{e}" for e in ("md", "html", "json", "csv", "xlsx")),
        ]
    }
    # Release 3 is as of the same day as release 2, so the search index, open data and sitemap
    # (which carry its records and date, not its kind) stay as they are.
    expected = new_release | {
        "index.html",
        "feed.xml",
        "brightwater-demo/index.html",
        "brightwater-demo/feed.xml",
    }
    assert set(pending["written"]) == expected and pending["removed"] == []
    done = build(published, site)
    assert set(done["written"]) == expected
    assert os.stat(old_release).st_mtime_ns == stamp  # an unchanged file is not rewritten
    assert published("site", "build", site, "--check").exit_code == 0


def test_a_file_no_longer_part_of_the_site_is_removed_and_a_damaged_one_rewritten(
    published, isolated
):
    site = isolated / "site"
    build(published, site)
    (site / "stale.html").write_text("old", encoding="utf-8")
    damaged = site / "brightwater-demo/releases/1/brightwater-demo-release-1.csv"
    damaged.write_text("tampered", encoding="utf-8")
    done = build(published, site)
    assert done["removed"] == ["stale.html"] and done["written"] == [
        "brightwater-demo/releases/1/brightwater-demo-release-1.csv"
    ]
    assert published.json("verify", damaged.parent)["ok"]


def test_an_unchanged_index_card_is_read_back_from_the_last_index_only_while_intact(
    published, isolated, monkeypatch
):
    import jinja2

    site = isolated / "site"
    build(published, site)
    rendered: list[str] = []
    render = jinja2.Template.render

    def counting(self, *args, **kwargs):
        if self.name == "card.html.j2":
            rendered.append(kwargs["item"]["site"])
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    published.ok(
        "publish",
        "--site",
        "brightwater-demo",
        "--kind",
        "progress",
        "--output",
        isolated / "releases/bw-3",
    )
    assert "index.html" in build(published, site)["written"]
    assert rendered == ["brightwater-demo"]  # North Miami's card is taken from the last index.html
    build(published, isolated / "fresh")
    assert (site / "index.html").read_bytes() == (isolated / "fresh/index.html").read_bytes()

    # A card whose bytes are not what the last build recorded is rendered again, not copied.
    index = site / "index.html"
    index.write_bytes(
        index.read_bytes().replace(b"North Miami Police Department</a>", b"Tampered</a>")
    )
    published.ok(
        "publish",
        "--site",
        "brightwater-demo",
        "--kind",
        "progress",
        "--output",
        isolated / "releases/bw-4",
    )
    rendered.clear()
    build(published, site)
    assert sorted(rendered) == ["brightwater-demo", "north-miami"]
    build(published, isolated / "fresh")
    assert (site / "index.html").read_bytes() == (isolated / "fresh/index.html").read_bytes()


def test_the_same_store_gives_byte_identical_sites(published, isolated):
    build(published, isolated / "a")
    build(published, isolated / "b")
    assert tree(isolated / "a") == tree(isolated / "b")


def test_the_atom_feeds_parse_as_xml_newest_first_with_one_entry_per_release(published, isolated):
    site = isolated / "site"
    build(published, site, "--base-url", "https://reports.example.gov/cri")
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == updated[0]
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert href.startswith("https://reports.example.gov/cri/")
        assert (site / href.removeprefix("https://reports.example.gov/cri/")).is_file(), href
        assert entry.find(f"{ATOM}category").get("term") == "status-update"
    own = ET.parse(site / "brightwater-demo/feed.xml").getroot()
    assert len(own.findall(f"{ATOM}entry")) == 2
    assert (
        ET.parse(site / "sitemap.xml").getroot().tag
        == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    )
    assert "Sitemap: https://reports.example.gov/cri/sitemap.xml" in (
        site / "robots.txt"
    ).read_text("utf-8")
    index = Page((site / "index.html").read_text("utf-8"))
    assert ("link", {"rel": "canonical", "href": "https://reports.example.gov/cri/"}) in index.tags


def test_no_relative_link_or_anchor_on_the_site_is_broken(published, isolated):
    site = isolated / "site"
    build(published, site)
    pages = {
        p: Page(p.read_text("utf-8")) for p in site.rglob("*.html") if "releases" not in p.parts
    }
    ids = {p.resolve(): page.ids for p, page in pages.items()}
    checked = 0
    for path, page in pages.items():
        for link in page.links:
            if link.startswith(("http://", "https://")):
                continue
            target, _, anchor = link.partition("#")
            resolved = (path.parent / target).resolve() if target else path.resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            assert resolved.is_file(), f"{path.relative_to(site)}: {link}"
            if anchor:
                assert anchor in ids[resolved], f"{path.relative_to(site)}: {link}"
            checked += 1
    assert checked > 50


def test_pages_carry_the_csp_no_inline_script_style_or_handler_and_escape_text(published, isolated):
    legacy = sqlite3.connect(isolated / "test.db")
    with legacy:  # as an old store could hold it, whatever the doors accept today
        legacy.execute(
            "UPDATE engagements SET agency = ? WHERE site = 'north-miami'",
            ('North Miami <img src=x onerror="alert(1)"> PD',),
        )
    published.ok("publish", "--site", "north-miami", "--output", isolated / "releases/nm-2")
    site = isolated / "site"
    build(published, site)
    for path in [site / "index.html", *site.glob("*/index.html")]:
        text = path.read_text("utf-8")
        page = Page(text)
        metas = [
            a
            for t, a in page.tags
            if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
        ]
        assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}], path
        for tag, attributes in page.tags:
            assert not any(name.startswith("on") for name in attributes), (path, tag, attributes)
            assert "style" not in attributes and tag != "style", (path, tag)
            if tag == "script":
                assert attributes.get("src"), path
        assert "<img" not in text
    assert "North Miami &lt;img src=x onerror=&#34;alert(1)&#34;&gt; PD" in (
        site / "index.html"
    ).read_text("utf-8")


def test_the_index_groups_by_program_and_phase_and_is_a_plain_list_without_javascript(
    published, isolated
):
    published.ok(
        "publish",
        "--site",
        "brightwater-demo",
        "--kind",
        "final",
        "--output",
        isolated / "releases/bw-3",
    )
    site = isolated / "site"
    build(published, site)
    page = Page((site / "index.html").read_text("utf-8"))
    form = next(a for t, a in page.tags if t == "form")
    assert (
        "hidden" in form and form["id"] == "filter"
    )  # site.js shows it; without JS it stays hidden
    cards = [a for t, a in page.tags if t == "li" and a.get("class") == "card"]
    assert [(c["data-phase"], c["data-state"]) for c in cards] == [("active", "FL"), ("closed", "")]
    assert not any("hidden" in c for c in cards)
    assert {
        "p-organizational-assessment",
        "p-organizational-assessment-active",
        "p-organizational-assessment-closed",
    } <= page.ids
    assert ("script", {"src": "assets/site.js", "defer": None}) in page.tags
    text = (site / "brightwater-demo/index.html").read_text("utf-8")
    assert "None: the engagement is closed" in text


def test_an_engagement_page_has_its_report_focus_areas_next_update_and_archive(published, isolated):
    published.ok("schedule", "--site", "north-miami", "--next-update", "2026-12-31")
    site = isolated / "site"
    build(published, site)
    assert not (site / "north-miami").exists()
    text = (site / NORTH_MIAMI_PATH / "index.html").read_text("utf-8")
    assert "December 31, 2026" in text and "Crime Prevention and Analysis" in text
    demo = Page((site / "brightwater-demo/index.html").read_text("utf-8"))
    assert {"finding-1.1", "recommendation-1.1.1", "area-5", "archive-h"} <= demo.ids
    archive = [link for link in demo.links if link.startswith("releases/")]
    assert (
        "releases/1/brightwater-demo-release-1.xlsx" in archive
        and "releases/2/manifest.json" in archive
    )


def test_open_data_and_search_come_from_the_latest_releases(published, isolated):
    site = isolated / "site"
    build(published, site)
    conn = sqlite3.connect(site / "open-data/public.db")
    sites = [row[0] for row in conn.execute("SELECT site FROM engagements ORDER BY site")]
    recs = conn.execute(
        "SELECT COUNT(*) FROM recommendations WHERE site = 'brightwater-demo'"
    ).fetchone()[0]
    conn.close()
    assert sites == ["brightwater-demo", "north-miami"]
    latest = json.loads(
        (isolated / "releases/bw-2/brightwater-demo-release-2.json").read_text("utf-8")
    )
    assert recs == sum(
        len(f["recommendations"]) for a in latest["focus_areas"] for f in a["findings"]
    )
    meta = json.loads((site / "open-data/metadata.json").read_text("utf-8"))
    assert set(meta["databases"]["public"]["tables"]) >= {
        "engagements",
        "findings",
        "recommendations",
    }
    search = json.loads((site / "search.json").read_text("utf-8"))
    numbers = {
        e["number"]
        for e in search
        if e["site"] == "brightwater-demo" and e["type"] == "recommendation"
    }
    assert numbers and "1.1.1" in numbers


def test_site_build_refuses_a_folder_it_did_not_build_and_one_holding_the_store(
    published, isolated
):
    other = isolated / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    published.fails("site", "build", other, says="not empty")
    assert (other / "notes.txt").read_text("utf-8") == "mine"
    published.fails("site", "build", isolated, says="holds the store")
    published.fails("site", "build", isolated / "site", "--base-url", "ftp://x", says="base url")
    assert not (isolated / "site").exists()


def test_a_store_without_releases_builds_an_empty_site(cli, isolated):
    cli.ok("demo")
    done = build(cli, isolated / "site")
    assert done["engagements"] == 0
    assert "No engagement has published a release yet." in (isolated / "site/index.html").read_text(
        "utf-8"
    )


def test_published_bytes_are_kept_once_and_never_change(published, isolated):
    conn = sqlite3.connect(isolated / "test.db")
    count = conn.execute("SELECT COUNT(*) FROM published_files").fetchone()[0]
    assert count == 3 * 6  # three releases of five files and a manifest, all different
    for statement in ("DELETE FROM published_files", "UPDATE published_files SET data = x'00'"):
        try:
            conn.execute(statement)
            raise AssertionError(statement)
        except sqlite3.IntegrityError as exc:
            assert "published" in str(exc)
    conn.close()


def test_the_readme_first_command_builds_the_site(isolated):
    text = Path(__file__).resolve().parents[1].joinpath("examples/run.sh").read_text("utf-8")
    assert "reformctl site build" in text and "python -m http.server -d" in text
