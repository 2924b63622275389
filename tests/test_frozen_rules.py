"""model/frozen.py's pure rules, directly: which date of a row from elsewhere decides what a past
report shows, the boundary of the freeze (a release on its own as-of day is fine, any other row
is not), and the refusal as the user reads it. test_trust_frozen*.py show the same through the CLI."""

from __future__ import annotations

import datetime

import pytest

from reformctl.cli.errors import message
from reformctl.errors import Invalid, Refused
from reformctl.model import frozen as F

FREEZE = {"number": 2, "as_of": "2024-06-30", "published": False}


def test_the_refusal_says_what_and_until_when():
    assert str(F.Frozen("approve 2.1", "2024-06-01", 3, "2024-06-30", True, "decision")) == (
        "cannot approve 2.1 on 2024-06-01: release 3 (as of 2024-06-30) already published it; "
        "date the decision after 2024-06-30"
    )
    refusal = F.Frozen(
        "publish a release", "2024-05-01", 1, "2024-06-30", False, "release", "on or after"
    )
    assert str(refusal) == (
        "cannot publish a release on 2024-05-01: release 1 (as of 2024-06-30) froze everything "
        "dated up to then; date the release on or after 2024-06-30"
    )
    assert isinstance(refusal, Refused)
    assert (refusal.doing, refusal.day, refusal.release, refusal.as_of, refusal.published) == (
        "publish a release",
        "2024-05-01",
        1,
        "2024-06-30",
        False,
    )


@pytest.mark.parametrize(
    "kind, changed, before, day",
    [
        (
            "findings",
            {"dated": "2024-05-01", "title": "x"},
            None,
            "2024-05-01",
        ),  # a new row: its own date
        ("status_updates", {"as_of": "2024-05-02"}, None, "2024-05-02"),
        ("review_history", {"on_date": "2024-05-03"}, None, "2024-05-03"),
        ("approved_versions", {"on_date": "2024-05-04"}, None, "2024-05-04"),
        ("internal_history", {"on_date": "2024-05-05"}, None, "2024-05-05"),
        ("releases", {"as_of": "2024-05-06"}, None, "2024-05-06"),
        ("activities", {"dated": "2024-05-07"}, None, "2024-05-07"),
        ("recommendations", {"dated": "2024-05-08"}, None, "2024-05-08"),
        ("engagements", {"announced": "2024-01-01"}, None, None),  # no dated kind
        ("findings", {}, None, None),  # nothing changed
        ("status_updates", {}, {"as_of": "2024-03-01"}, None),  # nothing taken into a history row
        # a change to a history row touches its old date and its new one, whichever is earlier
        ("status_updates", {"note": "x"}, {"as_of": "2024-03-01"}, "2024-03-01"),
        ("status_updates", {"as_of": "2024-02-01"}, {"as_of": "2024-03-01"}, "2024-02-01"),
        ("status_updates", {"as_of": "2024-04-01"}, {"as_of": "2024-03-01"}, "2024-03-01"),
        # a finding's other fields show by its date only when the date itself changes
        ("findings", {"title": "x"}, {"dated": "2024-03-01"}, None),
        ("findings", {"dated": "2024-04-01"}, {"dated": "2024-03-01"}, "2024-03-01"),
        (
            "recommendations",
            {"dated": "2024-02-01", "text": "y"},
            {"dated": "2024-03-01"},
            "2024-02-01",
        ),
    ],
)
def test_incoming_day(kind, changed, before, day):
    assert F.incoming_day(kind, changed, before) == day


def test_a_row_from_elsewhere_is_refused_up_to_and_on_the_freeze():
    F.require_unfrozen_incoming(None, "findings", "k", {"dated": "2020-01-01"}, "b.zip")
    F.require_unfrozen_incoming(FREEZE, "findings", "k", {"dated": "2024-07-01"}, "b.zip")
    F.require_unfrozen_incoming(
        FREEZE, "findings", "k", {"title": "x"}, "b.zip", {"dated": "2024-01-01"}
    )
    with pytest.raises(F.Frozen) as caught:
        F.require_unfrozen_incoming(FREEZE, "findings", "abc", {"dated": "2024-06-30"}, "their.zip")
    assert str(caught.value) == (
        "cannot bring in findings/abc.json from their.zip on 2024-06-30: release 2 "
        "(as of 2024-06-30) froze everything dated up to then; date the record after 2024-06-30"
    )
    with pytest.raises(F.Frozen) as caught:
        F.require_unfrozen_incoming(
            {**FREEZE, "published": True}, "status_updates", "s", {"as_of": "2024-06-29"}, "x"
        )
    assert "release 2 (as of 2024-06-30) already published it" in str(caught.value)
    # a change to an existing history row is dated by its old date too
    with pytest.raises(F.Frozen) as caught:
        F.require_unfrozen_incoming(
            FREEZE, "status_updates", "s", {"note": "x"}, "b.zip", {"as_of": "2024-06-01"}
        )
    assert str(caught.value).startswith(
        "cannot bring in status_updates/s.json from b.zip on 2024-06-01"
    )
    # another release as of the same day is fine, an earlier one is not
    F.require_unfrozen_incoming(FREEZE, "releases", "r", {"as_of": "2024-06-30"}, "b.zip")
    with pytest.raises(F.Frozen):
        F.require_unfrozen_incoming(FREEZE, "releases", "r", {"as_of": "2024-06-29"}, "b.zip")


def test_announcement_bounds_entry_dates():
    engagement = {"site": "north-miami", "announced": "2024-03-28"}
    F.require_announced(engagement, "2024-03-28", "date")
    F.require_announced({"site": "x", "announced": None}, "1990-01-01", "date")
    with pytest.raises(Invalid) as caught:
        F.require_announced(engagement, "2024-03-27", "--date")
    assert str(caught.value) == (
        "--date 2024-03-27 is before north-miami was announced (2024-03-28); "
        "use a date on or after 2024-03-28"
    )
    assert F.entry_date(engagement, "2024-03-28", "--date") == "2024-03-28"
    with pytest.raises(
        Invalid, match="decision date 2024-01-01 is before north-miami was announced"
    ):
        F.entry_date(engagement, "2024-01-01", "decision date")


def test_an_entry_date_must_be_a_real_date():
    with pytest.raises(Invalid) as caught:
        F.entry_date({"site": "x", "announced": None}, "2024-02-30", "--date")
    assert (
        str(caught.value)
        == "--date '2024-02-30' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28"
    )


@pytest.fixture
def store(north_miami):
    from reformctl.store import open_store

    store = open_store(north_miami.db)
    yield store
    store.close()


def engagement(store):
    from reformctl.model.engagements import get_engagement

    return get_engagement(store, "north-miami")


def add_release(store, number, as_of, *published_refs):
    with store.write():
        store.execute(
            """INSERT INTO releases (id, engagement_id, number, kind, as_of, published_at,
                   published_by, output_dir, files, snapshot)
               SELECT ?, id, ?, 'interim', ?, '2026-01-01T00:00:00Z', 'x', 'out', '[]', '{}'
               FROM engagements WHERE site = 'north-miami'""",
            (f"r{number}", number, as_of),
        )
        for ref in published_refs:
            store.execute(
                "INSERT INTO release_items (release_id, record_type, record_id, ref) "
                "VALUES (?, 'finding', ?, ?)",
                (f"r{number}", f"id-{ref}", ref),
            )


def test_frozen_before_is_the_latest_release_by_date_then_number(store):
    assert F.frozen_before(store, engagement(store)) is None
    add_release(store, 1, "2024-06-30", "3.1")
    assert F.frozen_before(store, engagement(store)) == {
        "number": 1,
        "as_of": "2024-06-30",
        "published": False,
    }
    assert F.frozen_before(store, engagement(store), ["id-3.1"])["published"] is True
    assert F.frozen_before(store, engagement(store), ["id-9.9", "id-3.1"])["published"] is True
    assert F.frozen_before(store, engagement(store), ["id-9.9"])["published"] is False
    add_release(store, 2, "2024-05-31")  # numbered later, dated earlier
    add_release(store, 3, "2024-06-30")  # the same date as release 1, numbered after it
    assert F.frozen_before(store, engagement(store), ["id-3.1"]) == {
        "number": 3,
        "as_of": "2024-06-30",
        "published": False,  # release 3 did not publish 3.1; release 1 did
    }


def test_require_unfrozen_up_to_and_on_the_release_date(store):
    F.require_unfrozen(store, engagement(store), "2000-01-01", "approve 3.1", "decision")
    add_release(store, 1, "2024-06-30", "3.1")
    F.require_unfrozen(store, engagement(store), "2024-07-01", "approve 3.1", "decision")
    with pytest.raises(F.Frozen) as caught:
        F.require_unfrozen(store, engagement(store), "2024-06-30", "approve 3.1", "decision")
    assert str(caught.value) == (
        "cannot approve 3.1 on 2024-06-30: release 1 (as of 2024-06-30) froze everything dated "
        "up to then; date the decision after 2024-06-30"
    )
    with pytest.raises(F.Frozen) as caught:
        F.require_unfrozen(store, engagement(store), "2024-01-01", "edit 3.1", "edit", ["id-3.1"])
    assert str(caught.value) == (
        "cannot edit 3.1 on 2024-01-01: release 1 (as of 2024-06-30) already published it; "
        "date the edit after 2024-06-30"
    )


def test_a_release_is_dated_on_or_after_the_latest(store):
    F.require_release_in_order(store, engagement(store), "2000-01-01")
    add_release(store, 1, "2024-06-30")
    F.require_release_in_order(store, engagement(store), "2024-06-30")
    with pytest.raises(F.Frozen) as caught:
        F.require_release_in_order(store, engagement(store), "2024-06-29")
    assert str(caught.value) == (
        "cannot publish a release on 2024-06-29: release 1 (as of 2024-06-30) froze everything "
        "dated up to then; date the release on or after 2024-06-30"
    )
    assert caught.value.published is False  # a release publishes no record of its own


def test_report_date(store):
    announced = engagement(store)["announced"]
    assert F.report_date(store, "north-miami", announced) == announced
    assert F.report_date(store, None, announced) == announced
    assert F.report_date(store, None, None) == F.past_date(None, "--as-of")  # today
    day_before = (datetime.date.fromisoformat(announced) - datetime.timedelta(days=1)).isoformat()
    with pytest.raises(Invalid) as caught:
        F.report_date(store, "north-miami", day_before)
    assert message(caught.value) == (
        f"--as-of {day_before} is before north-miami was announced ({announced}); "
        f"use a date on or after {announced}"
    )
    with pytest.raises(Invalid) as caught:
        F.report_date(store, None, day_before, "--date")
    assert str(caught.value) == (
        f"--date {day_before} is before any engagement was announced (the first: {announced}); "
        f"use a date on or after {announced}"
    )
    with pytest.raises(Invalid) as caught:
        F.report_date(store, None, "2024-02-30")
    assert message(caught.value).startswith("--as-of '2024-02-30' is not a real date")
