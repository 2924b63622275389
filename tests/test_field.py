"""The team in the field: members, activities, evidence; public reports show only counts."""

import json

import pytest

from helpers import EXAMPLES

SITE = "brightwater-demo"


@pytest.fixture
def field(demo):
    demo.ok(
        "team",
        "add",
        "--site",
        SITE,
        "Dana Reyes",
        "--role",
        "civil-rights",
        "--expertise",
        "bias-free policing",
    )
    demo.ok("team", "add", "--site", SITE, "Sam Okafor", "--role", "researcher")
    ids = []
    for method, day, n in [
        ("listening-session", "2025-03-01", 40),
        ("interview", "2025-03-02", 1),
        ("interview", "2025-03-03", 1),
        ("focus-group", "2025-03-04", 9),
    ]:
        ids.append(
            demo.json(
                "activity",
                "--site",
                SITE,
                "--method",
                method,
                "--date",
                day,
                "--participants",
                str(n),
                "--summary",
                f"Confidential {method} with Officer Zed Quill",
                "--team",
                "Dana Reyes",
                "--team",
                "Sam Okafor",
            )["id"]
        )
    demo.ids = ids
    return demo


def test_team_add_and_list(field):
    team = field.json("team", "--site", SITE)
    assert [m["name"] for m in team] == ["Dana Reyes", "Sam Okafor"]
    assert team[0] == {
        "name": "Dana Reyes",
        "role": "civil-rights",
        "expertise": "bias-free policing",
        "activities": 4,
    }
    assert "Dana Reyes" in field.ok("team", "--site", SITE)


def test_team_refusals(field):
    field.fails("team", "add", "--site", SITE, "Dana Reyes", "--role", "lead", says="already on")
    field.fails("team", "add", "--site", SITE, "X", "--role", "boss", code=2, says="--role")
    field.fails("team", "add", "--site", "nowhere", "X", "--role", "lead", says="no engagement")
    assert field.json("team") == field.json("team", "--site", SITE)  # the store's only engagement
    field.ok("new-engagement", "--from", EXAMPLES / "north-miami.toml")
    field.fails("team", code=2, says="missing --site: the store holds several engagements")


def test_activities_listing(field):
    rows = field.json("activities", "--site", SITE)
    assert [r["method"] for r in rows] == [
        "listening-session",
        "interview",
        "interview",
        "focus-group",
    ]
    assert rows[0]["team"] == ["Dana Reyes", "Sam Okafor"] and rows[0]["participants"] == 40
    assert field.ids[0][:8] in field.ok("activities", "--site", SITE)


def test_activity_refusals(field):
    field.fails(
        "activity",
        "--site",
        SITE,
        "--method",
        "seance",
        "--date",
        "2025-01-01",
        code=2,
        says="--method",
    )
    field.fails(
        "activity",
        "--site",
        SITE,
        "--method",
        "interview",
        "--date",
        "2025-02-30",
        says="not a real date",
    )
    field.fails(
        "activity", "--site", SITE, "--method", "interview", "--date", "2030-01-01", says="future"
    )
    field.fails(
        "activity",
        "--site",
        SITE,
        "--method",
        "interview",
        "--date",
        "2025-02-01",
        "--team",
        "Nobody",
        says="not on the",
    )
    field.fails(
        "activity",
        "--site",
        SITE,
        "--method",
        "interview",
        "--date",
        "2025-02-01",
        "--participants",
        "-3",
        says="0 or more",
    )


def test_cite_and_log_finding_with_evidence(field):
    out = field.json("cite", "--site", SITE, "1.1", field.ids[0][:8], field.ids[1])
    assert {e["id"] for e in out["evidence"]} == {field.ids[0], field.ids[1]}
    again = field.json("cite", "--site", SITE, "1.1", field.ids[0])  # idempotent
    assert len(again["evidence"]) == 2
    made = field.json(
        "log-finding",
        "--site",
        SITE,
        "--focus-area",
        "1",
        "--title",
        "Evidence-backed",
        "--evidence",
        field.ids[3][:6],
    )
    assert made["number"] == "1.5"
    listed = {f["number"]: f["evidence"] for f in field.json("findings", "--site", SITE)}
    assert (
        listed["1.1"] == sorted(field.ids[:2])
        and listed["1.5"] == [field.ids[3]]
        and listed["1.2"] == []
    )


def test_cite_refusals(field):
    field.fails("cite", "--site", SITE, "1.1", "ffffffff", says="no activity")
    field.fails("cite", "--site", SITE, "1.1", "ab", says="too short")
    field.fails("cite", "--site", SITE, "9.9", field.ids[0], says="no finding")
    # A bad evidence id leaves no finding behind either.
    field.fails(
        "log-finding",
        "--site",
        SITE,
        "--focus-area",
        "1",
        "--title",
        "T",
        "--evidence",
        "ffffffff",
        says="no activity",
    )


def test_public_report_shows_only_counts_by_method(field):
    field.ok("cite", "--site", SITE, "1.1", field.ids[0])
    data = json.loads(field.ok("report", "--site", SITE, "--format", "json"))
    assert data["data_collection"] == [
        {"method": "interview", "count": 2, "text": "2 interviews"},
        {"method": "focus-group", "count": 1, "text": "1 focus group"},
        {"method": "listening-session", "count": 1, "text": "1 listening session"},
    ]
    for fmt in ("markdown", "html", "json", "csv"):
        text = field.ok("report", "--site", SITE, "--format", fmt)
        for secret in ("Zed Quill", "Dana Reyes", "Sam Okafor", "Confidential", field.ids[0][:8]):
            assert secret not in text, (fmt, secret)
    assert "2 interviews, 1 focus group, 1 listening session" in field.ok(
        "report", "--site", SITE, "--format", "markdown"
    )
    assert "2 interviews, 1 focus group, 1 listening session" in field.ok(
        "report", "--site", SITE, "--format", "html"
    )
    early = json.loads(
        field.ok("report", "--site", SITE, "--format", "json", "--as-of", "2025-03-02")
    )
    assert early["data_collection_text"] == "1 interview, 1 listening session"
