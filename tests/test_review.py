"""The review workflow: transitions, four eyes, withdrawal, edits, notes, the audit trail."""

import json

import pytest

from helpers import approve

SITE = ("--site", "north-miami")


@pytest.fixture
def drafted(north_miami):
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "3",
        "--title",
        "No retention schedule",
        "--date",
        "2024-06-01",
    )
    north_miami.ok(
        "recommend",
        *SITE,
        "--finding",
        "3.1",
        "--text",
        "Adopt one.",
        "--owner",
        "Records",
        "--date",
        "2024-06-01",
    )
    return north_miami


def states(cli, **filters):
    return {
        f["number"]: f["review"]
        for f in cli.json(
            "findings", *SITE, *[x for k, v in filters.items() for x in (f"--{k}", v)]
        )
    }


def public_numbers(cli):
    data = json.loads(cli.ok("report", *SITE, "--format", "json"))
    return [f["number"] for a in data["focus_areas"] for f in a["findings"]], [
        r["number"]
        for a in data["focus_areas"]
        for f in a["findings"]
        for r in f["recommendations"]
    ]


def test_draft_to_review_to_approved(drafted):
    assert states(drafted) == {"3.1": "draft"}
    assert public_numbers(drafted) == ([], [])
    assert drafted.ok("submit", *SITE, "3.1").strip() == "3.1: draft -> in-review"
    assert states(drafted, status="in-review") == {"3.1": "in-review"}
    assert states(drafted, status="draft") == {}
    result = drafted.json("--as", "Reviewer", "review", *SITE, "3.1", "--decision", "approve")
    assert (result["previous"], result["review"]) == ("in-review", "approved")
    assert public_numbers(drafted) == (["3.1"], [])  # its recommendation is still a draft
    approve(drafted, "north-miami", "3.1.1")
    assert public_numbers(drafted) == (["3.1"], ["3.1.1"])


def test_four_eyes(drafted):
    drafted.ok("submit", *SITE, "3.1")
    drafted.fails("review", *SITE, "3.1", "--decision", "approve", says="cannot also approve it")
    drafted.ok("configure", *SITE, "--self-approval")
    drafted.ok("review", *SITE, "3.1", "--decision", "approve")
    assert states(drafted) == {"3.1": "approved"}


def test_self_approval_from_creation(cli):
    cli.ok(
        "new-engagement",
        "--site",
        "solo",
        "--agency",
        "Solo PD",
        "--focus-area",
        "A",
        "--self-approval",
    )
    cli.ok("log-finding", "--site", "solo", "--focus-area", "1", "--title", "t")
    cli.ok("submit", "--site", "solo", "1.1")
    result = cli.json("review", "--site", "solo", "1.1", "--decision", "approve")
    assert (result["previous"], result["review"]) == ("in-review", "approved")
    assert [f["review"] for f in cli.json("findings", "--site", "solo")] == ["approved"]
    # Self-approval is this engagement's choice only: elsewhere four eyes still holds.
    cli.ok("new-engagement", "--site", "team", "--agency", "Team PD", "--focus-area", "A")
    cli.ok("log-finding", "--site", "team", "--focus-area", "1", "--title", "t")
    cli.ok("submit", "--site", "team", "1.1")
    cli.fails("review", "--site", "team", "1.1", "--decision", "approve", says="four eyes")


def test_an_editor_cannot_approve_either(drafted):
    drafted.ok("--as", "Editor", "edit", *SITE, "3.1", "--title", "Better title")
    drafted.ok("submit", *SITE, "3.1")
    drafted.fails(
        "--as",
        "Editor",
        "review",
        *SITE,
        "3.1",
        "--decision",
        "approve",
        says="cannot also approve",
    )


def test_actor_from_config_file(drafted, isolated, monkeypatch):
    monkeypatch.delenv("REFORMCTL_USER")
    (isolated / "reformctl.toml").write_text('author = "Config Author"\n')
    drafted.ok("submit", *SITE, "3.1")
    history = drafted.json("history", *SITE, "--ref", "3.1")
    assert history[-1]["actor"] == "Config Author"


def test_return_needs_a_comment_and_goes_back_to_draft(drafted):
    drafted.ok("submit", *SITE, "3.1")
    drafted.fails(
        "--as", "R", "review", *SITE, "3.1", "--decision", "return", says="needs --comment"
    )
    drafted.ok(
        "--as", "R", "review", *SITE, "3.1", "--decision", "return", "--comment", "Cite the policy."
    )
    assert states(drafted) == {"3.1": "draft"}
    last = drafted.json("history", *SITE, "--ref", "3.1")[-1]
    assert (last["actor"], last["after"]["comment"]) == ("R", "Cite the policy.")


@pytest.mark.parametrize(
    "args, says",
    [
        (["review", "3.1", "--decision", "approve"], "only a record in review can be approved"),
        (["review", "3.1", "--decision", "return", "--comment", "x"], "only a record in review"),
        (["submit", "3.9"], "no finding 3.9"),
        (["submit", "3"], "neither a finding"),
        (["submit", "3.1.1.1"], "neither a finding"),
    ],
)
def test_forbidden_transitions(drafted, args, says):
    drafted.fails(args[0], *SITE, *args[1:], says=says)


def test_bad_decision_is_a_usage_error(drafted):
    drafted.fails("review", *SITE, "3.1", "--decision", "maybe", code=2, says="--decision")


def test_withdrawn_keeps_its_number(drafted):
    drafted.ok("review", *SITE, "3.1", "--decision", "withdraw", "--comment", "Duplicate of 1.1")
    assert states(drafted) == {"3.1": "withdrawn"}
    assert (
        drafted.ok("log-finding", *SITE, "--focus-area", "3", "--title", "Next").strip() == "3.2"
    )  # 3.1 retired
    drafted.fails("submit", *SITE, "3.1", says="only a draft")
    drafted.fails("review", *SITE, "3.1", "--decision", "withdraw", says="already withdrawn")
    drafted.fails("edit", *SITE, "3.1", "--title", "x", says="withdrawn")
    assert drafted.json("show", *SITE)["focus_areas"][2]["findings"] == 1


def test_editing_an_approved_record_sends_it_back_to_review(drafted):
    approve(drafted, "north-miami", "3.1")
    out = drafted.ok("edit", *SITE, "3.1", "--body", "New evidence.")
    assert "sent back to review" in out
    assert states(drafted) == {"3.1": "in-review"}
    events = drafted.json("history", *SITE, "--ref", "3.1")
    edit = [e for e in events if e["action"] == "edit"][0]
    assert edit["before"] == {"body": ""} and edit["after"] == {"body": "New evidence."}


def test_edit_recommendation_fields(drafted):
    result = drafted.json(
        "edit", *SITE, "3.1.1", "--text", "Adopt and publish one.", "--priority", "high"
    )
    assert result["changed"] == ["priority", "text"]
    drafted.fails("edit", *SITE, "3.1.1", "--title", "x", says="has no title")
    drafted.fails("edit", *SITE, "3.1", "--text", "x", says="has no text")
    drafted.fails("edit", *SITE, "3.1", says="nothing to change")
    drafted.fails("edit", *SITE, "3.1.1", "--priority", "urgent", says="priority")
    assert "nothing changed" in drafted.ok(
        "edit", *SITE, "3.1.1", "--text", "Adopt and publish one."
    )


def test_notes_are_internal(drafted):
    approve(drafted, "north-miami", "3.1", "3.1.1")
    drafted.ok("note", *SITE, "3.1", "Check the 2023 figures with Lt. Smith.")
    drafted.ok("note", *SITE, "3.1.1", "Chief is reluctant.")
    for fmt in ("markdown", "html", "json", "csv"):
        public = drafted.ok("report", *SITE, "--format", fmt)
        assert "Lt. Smith" not in public and "reluctant" not in public
    internal = json.loads(drafted.ok("report", *SITE, "--format", "json", "--internal"))
    finding = internal["focus_areas"][2]["findings"][0]
    assert finding["notes"][0]["text"] == "Check the 2023 figures with Lt. Smith."
    assert finding["recommendations"][0]["notes"][0]["text"] == "Chief is reluctant."
    drafted.fails("note", *SITE, "3.1", "   ", says="must not be empty")


def test_internal_report_is_marked_in_every_format(drafted):
    drafted.ok("log-finding", *SITE, "--focus-area", "1", "--title", "Team only", "--internal")
    mark = "INTERNAL — NOT FOR RELEASE"
    md = drafted.ok("report", *SITE, "--internal")
    assert (
        md.startswith(f"**{mark}**") and md.rstrip().endswith(f"**{mark}**") and "Team only" in md
    )
    html = drafted.ok("report", *SITE, "--internal", "--format", "html")
    assert html.count(mark) >= 2 and "position: fixed" in html
    data = json.loads(drafted.ok("report", *SITE, "--internal", "--format", "json"))
    assert data["classification"] == mark
    assert data["focus_areas"][0]["findings"][0]["review"] == "draft"
    rows = drafted.ok("report", *SITE, "--internal", "--format", "csv").splitlines()
    assert rows[0] == f"# {mark}" and rows[1].startswith("classification,")
    assert len(rows) > 2 and all(r.startswith(mark) for r in rows[2:])


def test_history_lists_every_change(drafted):
    approve(drafted, "north-miami", "3.1")
    drafted.ok("set-status", *SITE, "3.1.1", "in-progress", "--as-of", "2024-09-26")
    events = drafted.json("history", *SITE)
    actions = [(e["record_type"], e["ref"], e["action"]) for e in events]
    assert ("engagement", "north-miami", "create") in actions
    assert ("finding", "3.1", "create") in actions and ("finding", "3.1", "review") in actions
    assert ("recommendation", "3.1.1", "status") in actions
    status = [e for e in events if e["action"] == "status"][-1]
    assert (
        status["before"]["status"] == "not-started" and status["after"]["status"] == "in-progress"
    )
    assert "submit" in drafted.ok("history", *SITE, "--ref", "3.1")
    drafted.fails("history", *SITE, "--ref", "9.9", says="no finding 9.9")


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
