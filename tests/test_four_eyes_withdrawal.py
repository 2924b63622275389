"""Taking back a record that was ever approved is a review decision: its author cannot do it alone,
whatever state an edit has since put it in."""

from helpers import approve

SITE = ("--site", "north-miami")


def review_state(cli, ref: str) -> str:
    found = {f["number"]: f["review"] for f in cli.json("findings", *SITE)}
    return found[ref]


def test_the_author_alone_cannot_withdraw_an_approved_then_edited_finding(north_miami):
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "Published once")
    approve(north_miami, "north-miami", "3.1")
    north_miami.ok("edit", *SITE, "3.1", "--title", "Edited after approval")
    assert review_state(north_miami, "3.1") == "in-review"
    north_miami.fails(
        "review", *SITE, "3.1", "--decision", "withdraw", "--comment", "gone", says="four eyes"
    )
    assert review_state(north_miami, "3.1") == "in-review"
    # Another team member can.
    north_miami.ok(
        "--as", "A. Reviewer", "review", *SITE, "3.1", "--decision", "withdraw", "--comment", "gone"
    )
    assert review_state(north_miami, "3.1") == "withdrawn"


def test_the_author_alone_cannot_withdraw_an_approved_finding_returned_to_draft(north_miami):
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "Published once")
    approve(north_miami, "north-miami", "3.1")
    north_miami.ok("edit", *SITE, "3.1", "--title", "Edited after approval")
    north_miami.ok(
        "--as", "A. Reviewer", "review", *SITE, "3.1", "--decision", "return", "--comment", "redo"
    )
    assert review_state(north_miami, "3.1") == "draft"
    north_miami.fails("review", *SITE, "3.1", "--decision", "withdraw", says="four eyes")


def test_the_author_may_withdraw_a_draft_never_approved(north_miami):
    north_miami.ok("log-finding", *SITE, "--focus-area", "technology", "--title", "Never approved")
    north_miami.ok("review", *SITE, "3.1", "--decision", "withdraw", "--comment", "duplicate")
    assert review_state(north_miami, "3.1") == "withdrawn"


def test_an_author_cannot_withdraw_an_approved_record_alone(north_miami_released):
    north_miami_released.fails(
        "review", *SITE, "3.1.1", "--decision", "withdraw", says="cannot also withdraw"
    )
