"""Pre-publication check, frozen releases, verify and diff."""

import json

import pytest

from helpers import EXAMPLES, approve, retention_finding

SITE = ("--site", "north-miami")


@pytest.fixture
def ready(north_miami):
    retention_finding(north_miami)
    north_miami.ok(
        "recommend", *SITE, "--finding", "3.1", "--text", "Train staff.", "--date", "2024-06-01"
    )
    approve(north_miami, "north-miami", "3.1", "3.1.1", "3.1.2")
    return north_miami


def codes(cli, *extra):
    result = cli("check", *SITE, "--format", "json", *extra)
    data = json.loads(result.stdout)
    return result.exit_code, {(p["level"], p["code"]) for p in data["problems"]}


def test_clean_check_has_only_warnings(ready):
    code, found = codes(ready)
    assert code == 0
    assert ("warning", "no-owner") in found and ("warning", "under-development") in found
    assert all(level == "warning" for level, _ in found)


@pytest.mark.matrix
@pytest.mark.parametrize(
    "edit, code",
    [
        (["--body", "Call 305-555-0123 for details."], "phone"),
        (["--body", "Write to chief@example.org."], "email"),
        (["--body", "As in Dearborn Heights, the unit lacks a plan."], "other-engagement"),
        (["--title", "Same issue as dearborn-heights"], "other-engagement"),
    ],
)
def test_check_errors(ready, edit, code):
    ready.ok("new-engagement", "--from", EXAMPLES / "dearborn-heights.toml")
    ready.ok("edit", *SITE, "3.1", *edit)
    # Editing sent it back to review; approve it again so it would be published.
    ready.ok("--as", "R", "review", *SITE, "3.1", "--decision", "approve")
    exit_code, found = codes(ready)
    assert exit_code == 1 and ("error", code) in found
    assert "error" in ready("check", *SITE).stdout


def test_check_finds_protected_names(ready):
    ready.ok("protect", *SITE, "Officer Example")
    ready.ok("edit", *SITE, "3.1", "--body", "Officer Example said so.")
    ready.ok("--as", "R", "review", *SITE, "3.1", "--decision", "approve")
    assert codes(ready)[1] >= {("error", "protected-name")}


def test_publish_writes_every_format_with_a_manifest(ready, isolated):
    out = isolated / "rel1"
    result = ready.json("publish", *SITE, "--output", out, "--as-of", "2026-11-01")
    assert result["release"] == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {
        f"north-miami-release-1.{ext}"
        for ext in ("md", "html", "json", "csv", "pdf", "xlsx", "docx")
    }
    assert (manifest["kind"], manifest["as_of"], manifest["published_by"]) == (
        "status-update",
        "2026-11-01",
        "tester",
    )
    import hashlib

    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    released = json.loads((out / "north-miami-release-1.json").read_text())
    assert released["release"] == {"number": 1, "kind": "status-update"}
    listed = ready.json("releases", *SITE)
    assert [(r["number"], r["kind"]) for r in listed] == [(1, "status-update")]
    assert listed[0]["files"] == manifest["files"]
    assert "OK" in ready.ok("verify", out)


def test_an_altered_release_file_fails_verify(ready, isolated):
    out = isolated / "rel"
    ready.ok("publish", *SITE, "--output", out)
    html = out / "north-miami-release-1.html"
    html.write_text(html.read_text().replace("North Miami", "South Miami"))
    (out / "extra.txt").write_text("x")
    result = ready("verify", out)
    assert result.exit_code == 1
    assert "north-miami-release-1.html" in result.stderr and "extra.txt" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_forged_manifest_fails_against_the_store(ready, isolated):
    out = isolated / "rel"
    ready.ok("publish", *SITE, "--output", out)
    md = out / "north-miami-release-1.md"
    md.write_text("forged")
    manifest = json.loads((out / "manifest.json").read_text())
    import hashlib

    manifest["files"][md.name] = hashlib.sha256(b"forged").hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest))
    result = ready("verify", out)
    assert result.exit_code == 1 and "store's record" in result.stderr


def test_publish_refuses_on_errors_unless_overridden(ready, isolated):
    ready.ok("edit", *SITE, "3.1", "--body", "Call 305-555-0123.")
    ready.ok("--as", "R", "review", *SITE, "3.1", "--decision", "approve")
    ready.fails("publish", *SITE, "--output", isolated / "r", says="the check found 1 error")
    assert not (isolated / "r").exists()
    ready.fails(
        "publish",
        *SITE,
        "--output",
        isolated / "r",
        "--override-check",
        code=2,
        says="needs --reason",
    )
    result = ready.json(
        "publish",
        *SITE,
        "--output",
        isolated / "r",
        "--override-check",
        "--reason",
        "Number is public.",
    )
    assert result["override_reason"] == "Number is public."
    assert ready.json("releases", *SITE)[0]["override_reason"] == "Number is public."


def test_publish_refusals(ready, isolated):
    (isolated / "full").mkdir()
    (isolated / "full" / "x").write_text("x")
    ready.fails("publish", *SITE, "--output", isolated / "full", says="not an empty folder")
    ready.ok(
        "publish", *SITE, "--output", isolated / "new" / "folders" / "r"
    )  # parents are created
    ready.fails(
        "publish", *SITE, "--output", isolated / "r", "--kind", "annual", code=2, says="--kind"
    )
    ready.fails(
        "publish", *SITE, "--output", isolated / "r", "--as-of", "2027-01-01", says="future"
    )
    ready.fails("verify", isolated, says="no manifest.json")


def test_published_numbers_and_withdrawal_in_the_next_release(ready, isolated, monkeypatch):
    ready.ok("publish", *SITE, "--output", isolated / "r1")
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-28")  # release 1 froze everything up to today
    ready.ok("set-status", *SITE, "3.1.1", "in-progress")
    ready.ok(
        "--as",
        "R",
        "review",
        *SITE,
        "3.1.2",
        "--decision",
        "withdraw",
        "--comment",
        "Merged into 3.1.1",
    )
    ready.ok("log-finding", *SITE, "--focus-area", "1", "--title", "New")
    approve(ready, "north-miami", "1.1")
    ready.ok("publish", *SITE, "--output", isolated / "r2")
    second = json.loads((isolated / "r2" / "north-miami-release-2.json").read_text())
    recs = second["focus_areas"][2]["findings"][0]["recommendations"]
    assert recs[1] == {"number": "3.1.2", "withdrawn": True}
    assert second["total_recommendations"] == 1
    changes = ready.json("diff", *SITE, "1", "2")
    assert changes["new_findings"] == [{"number": "1.1", "title": "New"}]
    assert changes["status_changes"] == [
        {"number": "3.1.1", "from": "not-started", "to": "in-progress"}
    ]
    assert changes["withdrawn"] == [{"number": "3.1.2", "kind": "recommendation"}]
    assert "3.1.2" in ready.ok("diff", *SITE, "1", "2")
    ready.fails("diff", *SITE, "1", "7", says="no release 7")
    # The releases themselves are frozen in the store.
    import sqlite3

    conn = sqlite3.connect(isolated / "test.db")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE releases SET kind = 'final'")


def test_report_as_of_shows_what_was_approved_then(ready):
    # Everything was approved today (2026-11-27); a report as of yesterday has none of it.
    data = json.loads(ready.ok("report", *SITE, "--format", "json", "--as-of", "2026-11-26"))
    assert data["total_findings"] == 0


def release_json(isolated, n):
    return json.loads((isolated / f"r{n}" / f"north-miami-release-{n}.json").read_text())


def test_withdrawing_a_published_finding_keeps_every_number(north_miami_released, isolated):
    north_miami_released.ok(
        "--as", "R", "review", *SITE, "3.1", "--decision", "withdraw", "--comment", "Out of scope"
    )
    north_miami_released.ok("publish", *SITE, "--output", isolated / "r2")
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
    changes = north_miami_released.json("diff", *SITE, "1", "2")
    assert {(w["number"], w["kind"]) for w in changes["withdrawn"]} == {
        ("3.1", "finding"),
        ("3.1.1", "recommendation"),
        ("3.1.2", "recommendation"),
    }
    assert changes["no_longer_public"] == []


def test_verify_compares_the_manifest_details_with_the_store(north_miami_released, isolated):
    manifest_path = isolated / "r1" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["as_of"] = "2020-01-01"
    manifest["published_by"] = "someone else"
    manifest_path.write_text(json.dumps(manifest))
    result = north_miami_released("verify", isolated / "r1")
    # The store keeps the manifest's hash: any edit fails it; the recorded dates are still named.
    assert result.exit_code == 1 and "as_of differs" in result.stderr
    assert "manifest.json: differs from the manifest published with this release" in result.stderr
