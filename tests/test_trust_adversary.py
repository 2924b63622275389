"""What an adversary tried after issue 10 landed, each now refused or withheld."""

from __future__ import annotations

import json
import sqlite3

import pytest

from helpers import approve

SITE = ("--site", "north-miami")


@pytest.mark.parametrize(
    "disguise", ["tester\u3164", "tester\u2800", "tes\u034fter", "t\u0435ster", "\u0442ester"]
)
def test_a_blank_filler_or_a_look_alike_letter_does_not_make_another_reviewer(
    north_miami, disguise
):
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "Cameras")
    north_miami.ok("submit", *SITE, "3.1")
    result = north_miami("--as", disguise, "review", *SITE, "3.1", "--decision", "approve")
    assert result.exit_code == 1, result.stdout
    findings = north_miami.json("findings", *SITE)
    assert [f["review"] for f in findings] == ["in-review"]


def test_names_are_withheld_across_dotted_capitals_accents_and_apostrophes(north_miami):
    for name in ("İlker Şahin", "Sean O'Brien"):
        north_miami.ok("protect", *SITE, name)
    body = "A: ILKER ŞAHIN B: ilker şahin C: Ilker Sahin D: Sean O\u2019Brien E: kept"
    north_miami.ok(
        "log-finding", *SITE, "--focus-area", "technology", "--title", "Cameras", "--body", body
    )
    north_miami.ok("recommend", *SITE, "--finding", "3.1", "--text", "Act.", "--owner", "Unit")
    approve(north_miami, "north-miami", "3.1", "3.1.1")
    report = json.loads(north_miami.ok("report", *SITE, "--format", "json"))
    published = report["focus_areas"][2]["findings"][0]["body"]
    assert published == "A: [withheld] B: [withheld] C: [withheld] D: [withheld] E: kept"


def test_markdown_never_turns_an_entity_into_a_character(north_miami):
    north_miami.ok("protect", *SITE, "Jane Roe")
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "technology",
        "--title",
        "Cameras",
        "--body",
        "Ja&shy;ne Roe and Jane&nbsp;Roe",
    )
    north_miami.ok("recommend", *SITE, "--finding", "3.1", "--text", "Act.", "--owner", "Unit")
    approve(north_miami, "north-miami", "3.1", "3.1.1")
    markdown = north_miami.ok("report", *SITE, "--format", "markdown")
    assert "Ja&amp;shy;ne Roe and Jane&amp;nbsp;Roe" in markdown
    assert "&shy;" not in markdown.replace("&amp;shy;", "")


def test_a_foreign_sqlite_file_is_not_made_a_store(cli, isolated):
    path = isolated / "theirs.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE mydata (a)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for args in (
        ("engagements",),
        (
            "new-engagement",
            "--site",
            "x-y",
            "--agency",
            "A",
            "--state",
            "FL",
            "--focus-area",
            "One",
        ),
    ):
        line = cli.fails("--db", path, *args, says="not a reformctl store")
        assert "mydata" in line
    assert path.read_bytes() == before


def test_a_bundle_file_nested_too_deeply_is_one_line(cli, isolated, tmp_path):
    cli.ok("demo")
    cli.ok("export", "--site", "brightwater-demo", "--bundle", tmp_path / "b")
    target = sorted((tmp_path / "b" / "findings").glob("*.json"))[0]
    target.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    cli.fails("merge", "--site", "brightwater-demo", tmp_path / "b", says="nested too deeply")


def test_an_engagement_file_that_is_not_utf8_says_so(cli, isolated):
    path = isolated / "u.toml"
    path.write_bytes(b'site = "abc"\nagency = "A\xff"\nfocus_areas = ["x"]\n')
    cli.fails("new-engagement", "--from", path, says="not UTF-8")
