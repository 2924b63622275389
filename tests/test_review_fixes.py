"""Rules found by trying to break the review and release workflow."""

import json
import stat

import pytest

from conftest import approve

SITE = ("--site", "north-miami")


@pytest.fixture
def published(north_miami, isolated, monkeypatch):
    north_miami.ok(
        "log-finding", *SITE, "--focus-area", "3", "--title", "Old title", "--body", "Old body."
    )
    north_miami.ok(
        "recommend", *SITE, "--finding", "3.1", "--text", "Adopt one.", "--owner", "Records"
    )
    north_miami.ok(
        "recommend", *SITE, "--finding", "3.1", "--text", "Train staff.", "--owner", "Training"
    )
    approve(north_miami, "north-miami", "3.1", "3.1.1", "3.1.2")
    north_miami.ok("publish", *SITE, "--output", isolated / "r1")
    # Release 1 froze everything dated up to today; the work after it happens on a later day.
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-28")
    return north_miami


def release_json(isolated, n):
    return json.loads((isolated / f"r{n}" / f"north-miami-release-{n}.json").read_text())


def test_an_edit_in_review_leaves_the_approved_wording_public(published, isolated):
    published.ok("edit", *SITE, "3.1", "--title", "New title", "--body", "New body.")
    data = json.loads(published.ok("report", *SITE, "--format", "json"))
    finding = data["focus_areas"][2]["findings"][0]
    assert (finding["title"], finding["body"]) == ("Old title", "Old body.")
    assert len(finding["recommendations"]) == 2
    published.ok("--as", "R", "review", *SITE, "3.1", "--decision", "approve")
    data = json.loads(published.ok("report", *SITE, "--format", "json"))
    assert data["focus_areas"][2]["findings"][0]["title"] == "New title"


def test_withdrawing_a_published_finding_keeps_every_number(published, isolated):
    published.ok(
        "--as", "R", "review", *SITE, "3.1", "--decision", "withdraw", "--comment", "Out of scope"
    )
    published.ok("publish", *SITE, "--output", isolated / "r2")
    finding = release_json(isolated, 2)["focus_areas"][2]["findings"][0]
    assert finding == {
        "number": "3.1",
        "withdrawn": True,
        "recommendations": [
            {"number": "3.1.1", "withdrawn": True},
            {"number": "3.1.2", "withdrawn": True},
        ],
    }
    md = (isolated / "r2" / "north-miami-release-2.md").read_text()
    assert "Finding 3.1: withdrawn" in md and "Recommendation 3.1.2:** _withdrawn_" in md
    assert "under development" in md  # nothing live in focus area 3, but the numbers stay
    html = (isolated / "r2" / "north-miami-release-2.html").read_text()
    assert "Finding 3.1: withdrawn" in html and 'id="recommendation-3.1.2"' in html
    csv_rows = (isolated / "r2" / "north-miami-release-2.csv").read_text().splitlines()
    assert len(csv_rows) == 3 and all(",Withdrawn," in row for row in csv_rows[1:])
    changes = published.json("diff", *SITE, "1", "2")
    assert {(w["number"], w["kind"]) for w in changes["withdrawn"]} == {
        ("3.1", "finding"),
        ("3.1.1", "recommendation"),
        ("3.1.2", "recommendation"),
    }
    assert changes["no_longer_public"] == []


def test_an_author_cannot_withdraw_an_approved_record_alone(published):
    published.fails("review", *SITE, "3.1.1", "--decision", "withdraw", says="cannot also withdraw")


def test_four_eyes_ignores_case_and_spacing(north_miami):
    north_miami.ok("--as", "A. Analyst", "log-finding", *SITE, "--focus-area", "1", "--title", "t")
    north_miami.ok("submit", *SITE, "1.1")
    for name in ("a. analyst", "A.  Analyst", " A. ANALYST "):
        north_miami.fails(
            "--as", name, "review", *SITE, "1.1", "--decision", "approve", says="four eyes"
        )


def test_past_reviews_can_be_entered(north_miami):
    north_miami.ok(
        "log-finding", *SITE, "--focus-area", "1", "--title", "Back then", "--date", "2025-02-01"
    )
    north_miami.ok("recommend", *SITE, "--finding", "1.1", "--text", "r", "--date", "2025-02-01")
    north_miami.ok("set-status", *SITE, "1.1.1", "in-progress", "--as-of", "2025-05-01")
    for ref in ("1.1", "1.1.1"):
        north_miami.ok(
            "submit", *SITE, ref, "--date", "2025-02-15"
        )  # a decision follows its submission
        north_miami.ok(
            "--as", "R", "review", *SITE, ref, "--decision", "approve", "--date", "2025-03-01"
        )
    data = json.loads(north_miami.ok("report", *SITE, "--format", "json", "--as-of", "2025-06-30"))
    assert data["total_findings"] == 1 and data["status_summary"][2]["count"] == 1
    before = json.loads(
        north_miami.ok("report", *SITE, "--format", "json", "--as-of", "2025-02-15")
    )
    assert before["total_findings"] == 0
    north_miami.ok(
        "log-finding", *SITE, "--focus-area", "1", "--title", "Later", "--date", "2025-04-01"
    )
    north_miami.ok("submit", *SITE, "1.2")
    north_miami.fails(
        "--as",
        "R",
        "review",
        *SITE,
        "1.2",
        "--decision",
        "approve",
        "--date",
        "2025-03-01",
        says="before finding 1.2 was made",
    )


def test_protected_names_match_across_any_whitespace(north_miami):
    north_miami.ok("protect", *SITE, "Jane Roe")
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "t",
        "--body-file",
        "-",
        input="Sgt. Jane\nRoe and JANE\u00a0ROE and jane\troe spoke.\n",
    )
    approve(north_miami, "north-miami", "1.1")
    text = north_miami.ok("report", *SITE, "--format", "json").lower()
    assert "roe" not in text
    result = north_miami("check", *SITE, "--format", "json")
    assert result.exit_code == 1 and "protected-name" in result.stdout


def test_a_similar_name_is_not_another_engagement(north_miami):
    north_miami.ok(
        "new-engagement",
        "--site",
        "miami",
        "--agency",
        "Miami Police Department",
        "--city",
        "Miami",
        "--focus-area",
        "X",
    )
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "The North Miami Police Department plan",
    )
    north_miami.ok(
        "recommend", *SITE, "--finding", "1.1", "--text", "Update it.", "--owner", "Chief"
    )
    approve(north_miami, "north-miami", "1.1", "1.1.1")
    assert north_miami("check", *SITE).exit_code == 0
    north_miami.ok("edit", *SITE, "1.1", "--body", "Copied from the Miami Police Department page.")
    north_miami.ok("--as", "R", "review", *SITE, "1.1", "--decision", "approve")
    assert "other-engagement" in north_miami("check", *SITE, "--format", "json").stdout


def test_redaction_problems_are_checked(north_miami):
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "[[only secret]]")
    # An unclosed [[ is refused on input now (model/text.py); one that reached a store before
    # that still has to be flagged by check, so it is written here as an older version did.
    north_miami.fails(
        "recommend", *SITE, "--finding", "1.1", "--text", "Do X [[secret plan", says="unclosed [["
    )
    north_miami.ok(
        "recommend", *SITE, "--finding", "1.1", "--text", "Do X secret plan", "--owner", "U"
    )
    import sqlite3

    with sqlite3.connect(north_miami.db) as conn:
        conn.execute("UPDATE recommendations SET text = 'Do X [[secret plan'")
    approve(north_miami, "north-miami", "1.1", "1.1.1")
    codes = {
        (p["level"], p["code"], p["where"])
        for p in json.loads(north_miami("check", *SITE, "--format", "json").stdout)["problems"]
    }
    assert ("error", "empty-once-redacted", "finding 1.1") in codes
    # An unclosed [[ is a malformed marker: an error naming the field (it was a warning on the record).
    assert ("error", "malformed-marker", "recommendation 1.1.1 text") in codes


def test_odd_input_never_tracebacks(north_miami, isolated):
    north_miami.fails(
        "log-finding", *SITE, "--focus-area", "²", "--title", "x", says="no focus area"
    )
    north_miami.fails("findings", *SITE, "--focus-area", "٣", says="no focus area")
    north_miami.fails(
        "log-finding", *SITE, "--focus-area", "1", "--title", "abc\u202edcba", says="U+202E"
    )
    (isolated / "rel").mkdir()
    (isolated / "rel" / "manifest.json").write_text(
        '{"site": "north-miami", "release": 1, "files": ["a"]}'
    )
    north_miami.fails("verify", isolated / "rel", says="not a reformctl release manifest")
    (isolated / "rel" / "manifest.json").write_text(
        '{"site": "north-miami", "release": 1, "files": {"../x": "0"}}'
    )
    north_miami.fails("verify", isolated / "rel", says="not a reformctl release manifest")
    north_miami.fails("report", *SITE, "--as-of", "2099-01-01", says="in the future")


def test_verify_compares_the_manifest_details_with_the_store(published, isolated):
    manifest_path = isolated / "r1" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["as_of"] = "2020-01-01"
    manifest["published_by"] = "someone else"
    manifest_path.write_text(json.dumps(manifest))
    result = published("verify", isolated / "r1")
    # The store keeps the manifest's hash: any edit fails it; the recorded dates are still named.
    assert result.exit_code == 1 and "as_of differs" in result.stderr
    assert "manifest.json: differs from the manifest published with this release" in result.stderr


def test_report_files_are_readable_like_other_files(north_miami, isolated):
    north_miami.ok("report", *SITE, "--format", "html", "--output", isolated / "r.html")
    mode = stat.S_IMODE((isolated / "r.html").stat().st_mode)
    assert mode & 0o044 == 0o044


def test_closing_again_after_reopening_needs_a_new_final_report(published, isolated):
    published.ok("publish", *SITE, "--kind", "final", "--output", isolated / "final")
    published.ok("advance", *SITE, "closed")
    published.ok("reopen", *SITE, "--reason", "Sustainability review")
    published.fails("advance", *SITE, "closed", says="since it was last reopened")
    published.ok("publish", *SITE, "--kind", "final", "--output", isolated / "final2")
    published.ok("advance", *SITE, "closed")


def test_published_numbers_cannot_change_even_in_sql(published, isolated):
    import sqlite3

    conn = sqlite3.connect(isolated / "test.db")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE findings SET number = 9")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE recommendations SET number = 9")


def test_slugs_keep_accented_letters(cli):
    made = cli.json(
        "new-engagement",
        "--site",
        "u",
        "--agency",
        "U PD",
        "--focus-area",
        "Überprüfung & Åccountability",
    )
    assert made["focus_areas"][0]["slug"] == "uberprufung-accountability"
