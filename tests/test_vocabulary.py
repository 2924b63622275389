"""One word per concept: --format text|json everywhere, findings --status/--review, dashboard."""

import json

import pytest

SITE = ("--site", "brightwater-demo")


@pytest.mark.parametrize(
    "args",
    [
        ("engagements",),
        ("show", *SITE),
        ("findings", *SITE),
        ("status-history", *SITE, "1.1.1"),
        ("sections", *SITE),
    ],
)
def test_listings_print_text_and_still_accept_table(demo, args):
    text = demo.ok(*args, "--format", "text")
    assert text == demo.ok(*args) == demo.ok(*args, "--format", "table")
    assert json.loads(demo.ok(*args, "--format", "json"))


def test_a_bad_format_names_the_two_choices(demo):
    result = demo("findings", *SITE, "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: Invalid value for '--format': 'xml' is not one of 'text', 'json'. "
        "(see `reformctl findings --help`)"
    )
    assert "[text|json]" in demo.ok("findings", "--help") and "table" not in demo.ok(
        "findings", "--help"
    )


def test_findings_status_filters_by_implementation_status(demo):
    every = demo.json("findings", *SITE)
    complete = demo.json("findings", *SITE, "--status", "complete")
    expected = [
        (f["number"], [r["number"] for r in f["recommendations"] if r["status"] == "complete"])
        for f in every
    ]
    assert [(f["number"], [r["number"] for r in f["recommendations"]]) for f in complete] == [
        pair for pair in expected if pair[1]
    ]
    assert complete and all(
        r["status"] == "complete" for f in complete for r in f["recommendations"]
    )
    assert (
        demo.json("findings", *SITE, "--status", "Complete") == complete
    )  # a label works as in set-status
    demo.fails("findings", *SITE, "--status", "done", code=2, says="'done' is not a status")


def test_findings_review_filters_by_review_state_and_status_draft_still_does(demo):
    demo.ok("log-finding", *SITE, "--focus-area", "1", "--title", "A fresh draft")
    drafts = demo.json("findings", *SITE, "--review", "draft")
    assert [f["title"] for f in drafts] == ["A fresh draft"]
    result = demo("findings", *SITE, "--status", "draft", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == drafts
    assert result.stderr.strip() == "note: --status draft is a review state; say --review draft"


def test_dashboard_is_the_dashboard_and_status_still_runs_it_unlisted(demo):
    assert demo.json("dashboard") == demo.json("status")
    assert demo.json("dashboard", *SITE)[0]["site"] == "brightwater-demo"
    listed = demo.ok("--help")
    assert "  dashboard " in listed and "\n  status " not in listed
