"""Engagement phases and their guards."""

import pytest

from helpers import approve

SITE = ("--site", "north-miami")


def test_starts_in_assessment_or_planning(cli, north_miami):
    assert cli.json("show", *SITE)["engagement"]["phase"] == "assessment"
    cli.ok(
        "new-engagement",
        "--site",
        "p",
        "--agency",
        "P PD",
        "--focus-area",
        "A",
        "--phase",
        "planning",
    )
    assert cli.json("show", "--site", "p")["engagement"]["phase"] == "planning"
    cli.fails(
        "log-finding", "--site", "p", "--focus-area", "1", "--title", "t", says="still in planning"
    )
    cli.ok("advance", "--site", "p", "assessment")
    cli.ok("log-finding", "--site", "p", "--focus-area", "1", "--title", "t")


def test_phases_only_move_forward(north_miami):
    north_miami.fails("advance", *SITE, "planning", says="only move forward")
    north_miami.fails("advance", *SITE, "assessment", says="only move forward")
    north_miami.fails("advance", *SITE, "finished", code=2, says="PHASE")
    assert (
        north_miami.ok("advance", *SITE, "implementation").strip()
        == "north-miami: assessment -> implementation"
    )


def test_closing_needs_a_final_release_and_nothing_in_review(north_miami, isolated):
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "t")
    north_miami.ok("submit", *SITE, "1.1")
    north_miami.fails(
        "advance",
        *SITE,
        "closed",
        says="north-miami still has 1 record in review; approve, return or withdraw",
    )
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


@pytest.mark.matrix
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


def test_reopen(closed, monkeypatch):
    closed.fails("reopen", *SITE, "--reason", " ", says="needs --reason")
    closed.ok("reopen", *SITE, "--reason", "Sustainability review requested.")
    monkeypatch.setenv(
        "REFORMCTL_TODAY", "2026-11-28"
    )  # the final release froze everything up to today
    closed.ok("set-status", *SITE, "1.1.1", "complete")
    history = closed.json("show", *SITE)["phase_history"]
    assert history[-1] == {
        **history[-1],
        "phase": "implementation",
        "reason": "Sustainability review requested.",
        "action": "reopen",
    }
    closed.fails("reopen", *SITE, "--reason", "again", says="not closed")


def test_a_phase_changed_after_the_guard_stops_the_write(north_miami, isolated, monkeypatch):
    """Commands check the phase before they take the write lock; if another process closes the
    engagement in between, the write is refused under the lock and nothing lands."""
    from helpers import dump
    from reformctl.errors import Refused
    from reformctl.model.phases import reopen
    from reformctl.model.sites import get_engagement
    from reformctl.model.statuses import set_status
    from reformctl.store import open_store

    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "t")
    north_miami.ok("recommend", *SITE, "--finding", "1.1", "--text", "r")
    approve(north_miami, "north-miami", "1.1", "1.1.1")
    north_miami.ok("publish", *SITE, "--kind", "final", "--output", isolated / "final")
    store = open_store(north_miami.db)
    try:
        engagement = get_engagement(store, "north-miami")  # this command's read: still open
        north_miami.ok("advance", *SITE, "closed")  # another process closes it
        before = dump(north_miami.db)
        with pytest.raises(Refused, match="moved from assessment to closed"):
            set_status(store, engagement, "1.1.1", "complete", "tester")
        assert dump(north_miami.db) == before
        # Within one process, its own change of phase is not a race: reopen, then write (on a
        # later day: the final release froze everything up to today).
        monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-28")
        reopen(
            store,
            get_engagement(store, "north-miami"),
            "Sustainability review requested.",
            "tester",
        )
        set_status(store, get_engagement(store, "north-miami"), "1.1.1", "complete", "tester")
    finally:
        store.close()
    assert north_miami.json("show", *SITE)["engagement"]["phase"] == "implementation"


def test_closing_again_after_reopening_needs_a_new_final_report(north_miami_released, isolated):
    north_miami_released.ok("publish", *SITE, "--kind", "final", "--output", isolated / "final")
    north_miami_released.ok("advance", *SITE, "closed")
    north_miami_released.ok("reopen", *SITE, "--reason", "Sustainability review")
    north_miami_released.fails("advance", *SITE, "closed", says="since it was last reopened")
    north_miami_released.ok("publish", *SITE, "--kind", "final", "--output", isolated / "final2")
    north_miami_released.ok("advance", *SITE, "closed")
