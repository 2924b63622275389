"""Engagement phases and their guards."""

import pytest

from conftest import approve

SITE = ("--site", "north-miami")


def test_starts_in_assessment_or_planning(cli, north_miami):
    assert cli.json("show", *SITE)["engagement"]["phase"] == "assessment"
    cli.ok("new-engagement", "--site", "p", "--agency", "P PD", "--focus-area", "A", "--phase", "planning")
    assert cli.json("show", "--site", "p")["engagement"]["phase"] == "planning"
    cli.fails("log-finding", "--site", "p", "--focus-area", "1", "--title", "t", says="still in planning")
    cli.ok("advance", "--site", "p", "assessment")
    cli.ok("log-finding", "--site", "p", "--focus-area", "1", "--title", "t")


def test_phases_only_move_forward(north_miami):
    north_miami.fails("advance", *SITE, "planning", says="only move forward")
    north_miami.fails("advance", *SITE, "assessment", says="only move forward")
    north_miami.fails("advance", *SITE, "finished", code=2, says="PHASE")
    assert north_miami.ok("advance", *SITE, "implementation").strip() == "north-miami: assessment -> implementation"


def test_closing_needs_a_final_release_and_nothing_in_review(north_miami, isolated):
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "t")
    north_miami.ok("submit", *SITE, "1.1")
    north_miami.fails("advance", *SITE, "closed", says="in review")
    north_miami.ok("--as", "R", "review", *SITE, "1.1", "--decision", "approve")
    north_miami.fails("advance", *SITE, "closed", says="no published final report")
    north_miami.ok("publish", *SITE, "--kind", "status-update", "--output", isolated / "r1")
    north_miami.fails("advance", *SITE, "closed", says="no published final report")
    north_miami.ok("publish", *SITE, "--kind", "final", "--output", isolated / "r2")
    north_miami.ok("advance", *SITE, "closed")
    shown = north_miami.json("show", *SITE)
    assert [h["phase"] for h in shown["phase_history"]] == ["assessment", "closed"]


@pytest.fixture
def closed(north_miami, isolated):
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "t")
    north_miami.ok("recommend", *SITE, "--finding", "1.1", "--text", "r")
    approve(north_miami, "north-miami", "1.1", "1.1.1")
    north_miami.ok("publish", *SITE, "--kind", "final", "--output", isolated / "final")
    north_miami.ok("advance", *SITE, "closed")
    return north_miami


@pytest.mark.parametrize(
    "args",
    [
        ["log-finding", *SITE, "--focus-area", "1", "--title", "t"],
        ["recommend", *SITE, "--finding", "1.1", "--text", "x"],
        ["set-status", *SITE, "1.1.1", "complete"],
        ["edit", *SITE, "1.1", "--title", "x"],
        ["note", *SITE, "1.1", "x"],
        ["review", *SITE, "1.1", "--decision", "withdraw"],
        ["advance", *SITE, "closed"],
        ["submit", *SITE, "1.1"],
        ["protect", *SITE, "Some Name"],
        ["configure", *SITE, "--self-approval"],
    ],
)
def test_closed_refuses_changes(closed, args, isolated):
    closed.fails(*args, says="closed")


def test_closed_refuses_publishing(closed, isolated):
    closed.fails("publish", *SITE, "--output", isolated / "again", says="closed")


def test_reopen(closed):
    closed.fails("reopen", *SITE, "--reason", " ", says="needs --reason")
    closed.ok("reopen", *SITE, "--reason", "Sustainability review requested.")
    closed.ok("set-status", *SITE, "1.1.1", "complete")
    history = closed.json("show", *SITE)["phase_history"]
    assert history[-1] == {**history[-1], "phase": "implementation", "reason": "Sustainability review requested.",
                           "action": "reopen"}
    closed.fails("reopen", *SITE, "--reason", "again", says="not closed")
