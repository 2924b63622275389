"""Narrative sections: written, reviewed, versioned and published like findings."""

from __future__ import annotations

import json
import re

import pytest

from helpers import EXAMPLES, approve
from public_outputs import TEXT_FORMATS, assert_no_secret, run

SITE = ("--site", "north-miami")


def names(cli, kind="assessment", *extra) -> list[str]:
    return [s["name"] for s in report(cli, kind, *extra)["sections"]]


def report(cli, kind="assessment", *extra) -> dict:
    return json.loads(cli.ok("report", *SITE, "--kind", kind, "--format", "json", *extra))


def test_a_section_is_written_listed_and_changed(north_miami):
    cli = north_miami
    made = cli.json(
        "section", *SITE, "methodology", "--body", "We read *policies*.", "--date", "2024-05-01"
    )
    assert (made["number"], made["review"], made["title"], made["dated"]) == (
        "methodology",
        "draft",
        "Methodology",
        "2024-05-01",
    )
    cli.ok("section", *SITE, "focus-area-3", "--body", "Technology matters.")
    cli.ok("section", *SITE, "appendix-data-sources", "--body", "CAD, RMS.")
    cli.ok("section", *SITE, "executive-summary", "--body", "In short.", "--title", "Summary")
    listed = cli.json("sections", *SITE)
    assert [(s["name"], s["title"], s["review"]) for s in listed] == [
        ("executive-summary", "Summary", "draft"),
        ("methodology", "Methodology", "draft"),
        ("focus-area-3", "Focus area 3: Technology", "draft"),
        ("appendix-data-sources", "Appendix: data sources", "draft"),
    ]
    changed = cli.json("section", *SITE, "methodology", "--body", "We read policies and data.")
    assert (changed["changed"], changed["review"], changed["created"]) == (["body"], "draft", False)
    assert cli.json("section", *SITE, "methodology", "--title", "How we worked")["changed"] == [
        "title"
    ]
    history = cli.json("history", *SITE, "--ref", "methodology")
    assert [h["action"] for h in history] == ["create", "edit", "edit"]
    assert history[1]["after"] == {"body": "We read policies and data."}


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["bogus", "--body", "x"], 1, "not a section"),
        (["Methodology", "--body", "x"], 1, "not a section"),
        (["appendix-", "--body", "x"], 1, "not a section"),
        (["appendix-Data_Sources", "--body", "x"], 1, "not a section"),
        (["focus-area-9", "--body", "x"], 1, "no focus area 9"),
        (["focus-area-0", "--body", "x"], 1, "not a section"),
        (["methodology", "--body", "  \n "], 1, "must not be empty"),
        (["methodology", "--body", "x" * 200_001], 1, "keep it to 200000"),
        (["methodology", "--body", "a [[secret"], 1, "unclosed [["),
        (["methodology", "--body", "a\u202eb"], 1, "control character"),
        (["methodology", "--body", "x", "--title", " "], 1, "section title must not be empty"),
        (
            ["methodology", "--body", "x", "--date", "2020-01-01"],
            1,
            "before north-miami was announced",
        ),
        (["methodology"], 2, "give the section's text"),
        (["methodology", "--body", "x", "--edit"], 2, "only one of"),
    ],
)
def test_each_bad_section_is_refused_with_one_line(north_miami, args, code, says):
    north_miami.fails("section", *SITE, *args, code=code, says=says)


def test_a_change_is_not_backdated_and_a_missing_section_is_named(north_miami):
    north_miami.ok("section", *SITE, "conclusion", "--body", "Done.")
    north_miami.fails(
        "section",
        *SITE,
        "conclusion",
        "--body",
        "Done again.",
        "--date",
        "2026-01-01",
        says="a date is given only for a new section",
    )
    north_miami.fails(
        "edit", *SITE, "conclusion", "--body", " ", says="section body must not be empty"
    )
    north_miami.fails("edit", *SITE, "conclusion", "--text", "x", says="a section has no text")
    north_miami.fails("submit", *SITE, "background", says="has no section background")
    north_miami.fails("note", *SITE, "introduction", "x", says="has no section introduction")


def test_review_is_four_eyes_and_an_edit_keeps_the_approved_wording_public(north_miami):
    cli = north_miami
    cli.ok("section", *SITE, "methodology", "--body", "First wording.", "--date", "2026-01-05")
    assert names(cli) == []  # a draft is not public
    cli.ok("submit", *SITE, "methodology", "--date", "2026-01-06")
    cli.fails("review", *SITE, "methodology", "--decision", "approve", says="four eyes")
    cli.ok(
        "--as",
        "R. Viewer",
        "review",
        *SITE,
        "methodology",
        "--decision",
        "approve",
        "--date",
        "2026-01-07",
    )
    assert report(cli)["sections"] == [
        {"name": "methodology", "title": "Methodology", "body": "First wording."}
    ]
    edited = cli.json("section", *SITE, "methodology", "--body", "Second wording.")
    assert edited["review"] == "in-review" and edited["previous_review"] == "approved"
    assert report(cli)["sections"][0]["body"] == "First wording."
    # The editor now counts as an author: someone else approves.
    cli.fails(
        "--as", "tester", "review", *SITE, "methodology", "--decision", "approve", says="four eyes"
    )
    cli.ok("--as", "R. Viewer", "review", *SITE, "methodology", "--decision", "approve")
    assert report(cli)["sections"][0]["body"] == "Second wording."
    # As of a date between the two approvals, the first wording; before the first, nothing.
    assert (
        report(cli, "assessment", "--as-of", "2026-06-30")["sections"][0]["body"]
        == "First wording."
    )
    assert report(cli, "assessment", "--as-of", "2026-01-06")["sections"] == []
    # Withdrawn, it leaves the report.
    cli.ok("--as", "R. Viewer", "review", *SITE, "methodology", "--decision", "withdraw")
    assert report(cli)["sections"] == []
    assert (
        report(cli, "assessment", "--as-of", "2026-06-30")["sections"][0]["body"]
        == "First wording."
    )


def test_each_kind_prints_its_sections(north_miami):
    cli = north_miami
    for name in (
        "executive-summary",
        "introduction",
        "conclusion",
        "appendix-b",
        "appendix-a",
        "background",
        "focus-area-2",
    ):
        cli.ok("section", *SITE, name, "--body", f"Text of {name}.")
        approve(cli, "north-miami", name)
    assert names(cli) == [
        "executive-summary",
        "introduction",
        "background",
        "conclusion",
        "appendix-a",
        "appendix-b",
    ]
    full = report(cli)
    narratives = {a["number"]: a.get("narrative") for a in full["focus_areas"]}
    assert narratives[2] == {
        "name": "focus-area-2",
        "title": "Focus area 2: Community Engagement",
        "body": "Text of focus-area-2.",
    }
    assert all(narratives[n] is None for n in narratives if n != 2)
    assert names(cli, "final") == ["executive-summary", "conclusion"]
    for kind in ("status-update", "progress", "final"):
        assert all("narrative" not in a for a in report(cli, kind)["focus_areas"])
    assert names(cli, "status-update") == [] and names(cli, "progress") == []


def test_the_assessment_lists_every_live_recommendation(north_miami):
    cli = north_miami
    cli.ok(
        "log-finding", *SITE, "--focus-area", "3", "--title", "No schedule", "--date", "2024-06-03"
    )
    cli.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--text",
        "Adopt one.",
        "--owner",
        "Records Unit",
        "--priority",
        "high",
        "--date",
        "2024-06-03",
    )
    cli.ok("recommend", *SITE, "--finding", "3.1", "--text", "Train staff.", "--date", "2024-06-03")
    approve(cli, "north-miami", "3.1", "3.1.1", "3.1.2")
    cli.ok("--as", "R", "review", *SITE, "3.1.2", "--decision", "withdraw")
    assert report(cli)["all_recommendations"] == [
        {
            "number": "3.1.1",
            "text": "Adopt one.",
            "owner": "Records Unit",
            "priority": "high",
            "finding": "3.1",
            "focus_area": 3,
        }
    ]
    assert "all_recommendations" not in report(cli, "final")


def test_the_assessment_markdown_prints_the_document_in_order(demo):
    demo.ok(
        "activity", "--site", "brightwater-demo", "--method", "interview", "--date", "2025-03-11"
    )
    text = demo.ok(
        "report", "--site", "brightwater-demo", "--kind", "assessment", "--as-of", "2026-09-30"
    )
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Contents",
        "## Executive summary",
        "## Introduction",
        "## Methodology",
        "## Background",
        "## Acknowledgments",
        *[h for h in headings if h.startswith("## Focus area")],
        "## Conclusion",
        "## Appendix: list of recommendations",
        "## Appendix: glossary",
    ]
    assert len([h for h in headings if h.startswith("## Focus area")]) == 5
    assert "- **As of:** September 30, 2026" in text and "- **Announced:** January 15, 2025" in text
    # The team's text as written (CommonMark), then the data-collection counts under the methodology.
    methodology = text.split("## Methodology")[1].split("## Background")[0]
    assert "1. **Document review**:" in methodology and "| interview | 1 |" in methodology
    assert "| Sworn officers | 180 |" in text and "(see Finding 1.1)" in text
    chapter = text.split("## Focus area 1:")[1].split("## Focus area 2:")[0]
    assert chapter.index("absence of a written strategy") < chapter.index("### Finding 1.1:")
    appendix = text.split("## Appendix: list of recommendations")[1]
    assert (
        "| 1.1.1 | Develop and implement a department-wide community policing strategy" in appendix
    )
    assert "| Office of the Chief | high |" in appendix
    # The liaison's name sits inside [[...]] in the demo: redacted, as everywhere.
    assert "Marisol" not in text and "department's liaison for arranging" in text


def test_raw_html_and_character_references_in_a_section_stay_inert(north_miami):
    body = "Text <script>alert(1)</script> and <img src=x onerror=y> <!-- c --> Ja&shy;ne <https://example.org>"
    north_miami.ok("section", *SITE, "background", "--body", body)
    approve(north_miami, "north-miami", "background")
    text = north_miami.ok("report", *SITE, "--kind", "assessment")
    assert re.search(r"(?<!\\)<(script|/script|img|!--)", text) is None and "&shy;" not in text
    assert "\\<script>" in text and "Ja&amp;shy;ne" in text and "<https://example.org>" in text


def test_redacted_text_and_protected_names_in_sections_never_go_public(north_miami, isolated):
    cli = north_miami
    cli.ok("protect", *SITE, "Jane Roe")
    cli.ok(
        "section",
        *SITE,
        "executive-summary",
        "--body",
        "Public words. [[zqxspanleak]] Interviewed J\u00adANE roe.",
    )
    cli.ok(
        "section",
        *SITE,
        "focus-area-1",
        "--body",
        "Chapter [[zqxchapterleak]] text; jane-roe said.",
    )
    cli.ok(
        "section", *SITE, "conclusion", "--body", "Ends.", "--title", "Conclusion [[zqxtitleleak]]"
    )
    cli.ok("section", *SITE, "methodology", "--body", "zqxdraftleak")  # a draft: never public
    approve(cli, "north-miami", "executive-summary", "focus-area-1", "conclusion")
    cli.ok("section", *SITE, "conclusion", "--body", "zqxpendingleak")  # an edit in review
    cli.ok("note", *SITE, "executive-summary", "zqxnoteleak")
    texts = {}
    for kind in ("assessment", "final"):
        for fmt in TEXT_FORMATS:
            texts[f"{kind} {fmt}"] = run("report", *SITE, "--kind", kind, "--format", fmt)
    assert (
        "Public words." in texts["assessment markdown"]
        and "Chapter text" in texts["assessment json"]
    )
    assert "[withheld]" in texts["final json"]
    assert_no_secret(
        texts,
        [
            "Jane Roe",
            "zqxspanleak",
            "zqxchapterleak",
            "zqxtitleleak",
            "zqxdraftleak",
            "zqxpendingleak",
            "zqxnoteleak",
        ],
    )
    # The team's internal view shows all of it, with each section's review state and notes.
    internal = json.loads(
        cli.ok("report", *SITE, "--kind", "assessment", "--internal", "--format", "json")
    )
    by_name = {s["name"]: s for s in internal["sections"]}
    assert (
        by_name["methodology"]["review"] == "draft"
        and by_name["methodology"]["body"] == "zqxdraftleak"
    )
    assert by_name["conclusion"]["review"] == "in-review"
    assert [n["text"] for n in by_name["executive-summary"]["notes"]] == ["zqxnoteleak"]
    markdown = cli.ok("report", *SITE, "--kind", "assessment", "--internal")
    assert "## Methodology `[draft]`" in markdown and "zqxnoteleak" in markdown


def test_check_flags_another_engagements_name_in_a_section(north_miami):
    cli = north_miami
    cli.ok("new-engagement", "--from", EXAMPLES / "dearborn-heights.toml")
    cli.ok("section", *SITE, "focus-area-2", "--body", "As in Dearborn Heights, outreach lags.")
    cli.ok("section", *SITE, "background", "--body", "Write to chief@example.org.")
    cli.ok("section", *SITE, "introduction", "--body", "[[All of it is confidential.]]")
    approve(cli, "north-miami", "focus-area-2", "background", "introduction")
    result = cli("check", *SITE, "--format", "json")
    assert result.exit_code == 1
    found = {(p["code"], p["where"]) for p in json.loads(result.stdout)["problems"]}
    assert ("other-engagement", "section focus-area-2 body") in found
    assert ("email", "section background body") in found
    assert ("empty-once-redacted", "section introduction") in found


def test_search_finds_sections_and_their_notes(north_miami):
    north_miami.ok("section", *SITE, "introduction", "--body", "The quokka survey.")
    north_miami.ok("note", *SITE, "introduction", "Check the wombat figures.")
    hits = north_miami.json("search", "quokka", *SITE)
    assert [(h["kind"], h["ref"]) for h in hits] == [("section", "introduction")]
    assert [(h["kind"], h["ref"]) for h in north_miami.json("search", "wombat", *SITE)] == [
        ("note", "introduction")
    ]


def test_publish_holds_the_sections_of_its_kind(north_miami, isolated):
    cli = north_miami
    cli.ok("section", *SITE, "executive-summary", "--body", "The summary, published.")
    cli.ok("section", *SITE, "appendix-terms", "--body", "Terms, published.")
    approve(cli, "north-miami", "executive-summary", "appendix-terms")
    out = isolated / "release"
    cli.ok(
        "publish",
        *SITE,
        "--kind",
        "assessment",
        "--output",
        out,
        "--override-check",
        "--reason",
        "test",
    )
    published = json.loads(
        next(out.glob("*.json")).read_text()
        if not (out / "manifest.json").exists()
        else next(p for p in out.glob("*.json") if p.name != "manifest.json").read_text()
    )
    assert [s["name"] for s in published["sections"]] == ["executive-summary", "appendix-terms"]
    markdown = next(out.glob("*.md")).read_text()
    assert "The summary, published." in markdown and "Terms, published." in markdown
    assert cli.json("releases", *SITE)[0]["kind"] == "assessment"


def test_sections_travel_in_bundles_and_merge(north_miami, tmp_path):
    cli = north_miami
    cli.ok("section", *SITE, "methodology", "--body", "Shared text.")
    approve(cli, "north-miami", "methodology")
    bundle = tmp_path / "bundle"
    cli.ok("export", *SITE, "--bundle", bundle)
    assert (bundle / "sections").is_dir() and len(list((bundle / "sections").glob("*.json"))) == 1
    other = tmp_path / "other.db"
    cli.ok("--db", other, "import", "--bundle", bundle)
    assert (
        json.loads(
            cli.ok("--db", other, "report", *SITE, "--kind", "assessment", "--format", "json")
        )["sections"]
        == report(cli)["sections"]
    )
    # A colleague changes the text offline and writes a new section; the merge brings both in,
    # and the colleague's approval waits for a person here (it decides what is public).
    cli.ok("--db", other, "--as", "bob", "section", *SITE, "methodology", "--body", "Better text.")
    cli.ok(
        "--db", other, "--as", "bob", "section", *SITE, "conclusion", "--body", "Bob's conclusion."
    )
    cli.ok("--db", other, "--as", "bob", "submit", *SITE, "conclusion")
    cli.ok("--db", other, "--as", "carol", "review", *SITE, "conclusion", "--decision", "approve")
    back = tmp_path / "back"
    cli.ok("--db", other, "export", *SITE, "--bundle", back)
    merged = cli.json("merge", *SITE, back)
    assert merged["added"]["sections"] == 1
    assert {(c["ref"], c["field"].split(":")[0]) for c in merged["conflicts"]} >= {
        ("conclusion", "review"),
        ("methodology", "review"),
    }
    listed = {s["name"]: s["review"] for s in cli.json("sections", *SITE)}
    assert listed == {"methodology": "approved", "conclusion": "in-review"}
    assert report(cli)["sections"] == [
        {"name": "methodology", "title": "Methodology", "body": "Shared text."}
    ]
    bodies = {
        s["name"]: s
        for s in json.loads(
            cli.ok("report", *SITE, "--kind", "assessment", "--internal", "--format", "json")
        )["sections"]
    }
    assert bodies["methodology"]["body"] == "Better text."


def test_a_bundle_with_a_bad_section_name_is_refused(north_miami, tmp_path):
    cli = north_miami
    cli.ok("section", *SITE, "methodology", "--body", "Text.")
    bundle = tmp_path / "bundle"
    cli.ok("export", *SITE, "--bundle", bundle)
    path = next((bundle / "sections").glob("*.json"))
    record = json.loads(path.read_text())
    path.write_text(json.dumps({**record, "name": "focus_area_1"}, indent=2, sort_keys=True) + "\n")
    cli.fails("merge", *SITE, bundle, says="field name: the name 'focus_area_1' is not a section")


def test_the_demo_arrives_with_its_sections_approved(demo):
    listed = demo.json("sections", "--site", "brightwater-demo")
    assert {s["review"] for s in listed} == {"approved"}
    assert [s["name"] for s in listed][:5] == [
        "executive-summary",
        "introduction",
        "methodology",
        "background",
        "acknowledgments",
    ]
    assert (
        "fictional"
        in demo.ok("report", "--site", "brightwater-demo", "--kind", "assessment").lower()
    )


def test_a_backup_holds_the_sections_and_their_search_index(north_miami, tmp_path):
    north_miami.ok("section", *SITE, "background", "--body", "The platypus district.")
    approve(north_miami, "north-miami", "background")
    north_miami.ok("backup", tmp_path / "copy.db")
    restored = tmp_path / "restored.db"
    north_miami.ok("--db", restored, "restore", tmp_path / "copy.db")
    listed = json.loads(north_miami.ok("--db", restored, "sections", *SITE, "--format", "json"))
    assert [(s["name"], s["review"]) for s in listed] == [("background", "approved")]
    hits = json.loads(north_miami.ok("--db", restored, "search", "platypus", "--format", "json"))
    assert [(h["kind"], h["ref"]) for h in hits] == [("section", "background")]


def test_diff_names_sections_added_reworded_and_dropped_between_releases(
    north_miami, isolated, monkeypatch
):
    cli = north_miami
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-10-01")
    cli.ok("section", *SITE, "executive-summary", "--body", "First summary.")
    cli.ok("section", *SITE, "appendix-terms", "--body", "Terms.")
    approve(cli, "north-miami", "executive-summary", "appendix-terms")
    publish = (
        "publish",
        *SITE,
        "--kind",
        "assessment",
        "--override-check",
        "--reason",
        "test",
        "--output",
    )
    cli.ok(*publish, isolated / "r1")
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-02")
    cli.ok("section", *SITE, "executive-summary", "--body", "Second summary.")
    cli.ok("section", *SITE, "methodology", "--body", "How we worked.")
    cli.ok("section", *SITE, "focus-area-1", "--body", "The chapter opens.")
    approve(cli, "north-miami", "methodology", "focus-area-1")
    # An approved section changed goes back to review; approved again, its new wording is public.
    cli.ok("--as", "A. Reviewer", "review", *SITE, "executive-summary", "--decision", "approve")
    cli.ok(*publish, isolated / "r2")
    changes = cli.json("diff", *SITE, "1", "2")
    assert [s["name"] for s in changes["new_sections"]] == ["methodology", "focus-area-1"]
    assert changes["new_sections"][0]["title"] == "Methodology"
    assert [c for c in changes["reworded"] if c["kind"] == "section"] == [
        {"number": "executive-summary", "kind": "section"}
    ]
    assert [c for c in changes["no_longer_public"] if c["kind"] == "section"] == []
    back = cli.json("diff", *SITE, "2", "1")
    assert [c["number"] for c in back["no_longer_public"] if c["kind"] == "section"] == [
        "methodology",
        "focus-area-1",
    ]
    text = cli.ok("diff", *SITE, "1", "2")
    assert "new section" in text and "methodology" in text
