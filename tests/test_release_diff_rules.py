"""publishing/release_diff.py, called directly: the whole diff between two releases' snapshots,
entry by entry and in order, for snapshots written by hand to hold every kind of change (and
none), then for two releases published from the store built once per module
(tests/release_store.py). test_releases.py shows the same through the CLI."""

from __future__ import annotations

import json
import shutil

import pytest

from reformctl.cli.errors import CLI
from reformctl.errors import Invalid, NotFound
from reformctl.model.review import review
from reformctl.model.sites import get_engagement
from reformctl.model.statuses import set_status
from reformctl.publishing import releases
from reformctl.publishing.release_diff import diff
from reformctl.store import open_store
from release_store import AS_OF, PUBLISHED_AT, SITE, fast_render, make_template


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return make_template(tmp_path_factory.mktemp("diff"))


@pytest.fixture
def store(template, isolated, monkeypatch):
    monkeypatch.setattr(releases, "render", fast_render)
    monkeypatch.setattr(releases, "now", lambda: PUBLISHED_AT)
    shutil.copyfile(template, isolated / "store.db")
    store = open_store(isolated / "store.db")
    yield store
    store.close()


def add_release(store, number: int, snapshot: dict) -> None:
    """A release of north-miami recording SNAPSHOT, as publish would have (diff reads no more)."""
    store.insert(
        "releases",
        {
            "id": f"hand-{number}",
            "engagement_id": get_engagement(store, SITE)["id"],
            "number": number,
            "kind": "status-update",
            "as_of": snapshot["as_of"],
            "published_at": PUBLISHED_AT,
            "published_by": "ann",
            "output_dir": "/nowhere",
            "files": "{}",
            "snapshot": json.dumps(snapshot),
        },
    )


def rec(number, text="Same.", status="not-started", **more) -> dict:
    return {"number": number, "text": text, "status": status, **more}


def finding(number, title="Same", body="Same.", recs=None, **more) -> dict:
    found = {"number": number, "title": title, "body": body, **more}
    if recs is not None:  # a finding without the key: as an older snapshot may have it
        found["recommendations"] = recs
    return found


def section(name, title="Same", body="Same.") -> dict:
    return {"name": name, "title": title, "body": body}


BEFORE = {
    "as_of": "2024-07-01",
    "focus_areas": [
        {
            "number": 1,
            "narrative": section("focus-area-1", "Area one", "Old."),
            "findings": [
                finding(
                    "1.1",
                    recs=[
                        rec("1.1.1"),
                        rec("1.1.2", "Old text.", "in-progress"),
                        rec("1.1.3"),
                        rec("1.1.4", "Old.", "in-progress"),
                        rec("1.1.5", withdrawn=True),
                        rec("1.1.6", withdrawn=False),
                        rec("1.1.9", status="in-progress"),
                    ],
                ),
                finding("1.2", "Old title"),
                finding("1.3", body="Old body."),
                finding("1.4"),
                finding("1.9", withdrawn=True),
                finding("1.10"),
                finding("1.11"),
            ],
        },
        {"number": 2, "narrative": None, "findings": [finding("2.1")]},
        {"number": 10, "findings": [finding("10.1", recs=[])]},
    ],
    "sections": [
        section("introduction", "Intro"),
        section("methodology"),
        section("background"),
        section("appendix-a"),
    ],
}

AFTER = {
    "as_of": "2024-08-01",
    "focus_areas": [
        {
            "number": 1,
            "narrative": section("focus-area-1", "Area one", "New."),
            "findings": [
                finding(
                    "1.1",
                    recs=[
                        rec("1.1.1"),
                        rec("1.1.2", "New text.", "in-progress"),
                        rec("1.1.4", "New.", "complete"),
                        rec("1.1.5", withdrawn=True),
                        rec("1.1.6", withdrawn=True),
                        rec("1.1.7", "Added.", "in-progress"),
                        rec("1.1.8", withdrawn=True),
                        rec("1.1.9", status="complete"),
                        rec("1.1.10", "Tenth.", "complete"),
                    ],
                ),
                finding("1.2", "New title"),
                finding("1.3", body="New body."),
                finding("1.5", "Fresh"),
                finding("1.6", "Withdrawn unseen", withdrawn=True),
                finding("1.9", withdrawn=True),
                finding("1.10", withdrawn=True),
                finding("1.12", "Twelfth", recs=[rec("1.12.1", "Under it.")]),
            ],
        },
        {
            "number": 2,
            "narrative": section("focus-area-2", "Area two"),
            "findings": [finding("2.1")],
        },
        {"number": 10, "narrative": section("focus-area-10", "Area ten"), "findings": []},
    ],
    "sections": [
        {"name": "appendix-b", "body": "No title."},
        section("conclusion", "The end"),
        section("introduction", "Introduction"),
        section("methodology"),
        section("appendix-a"),
        section("executive-summary", "Summary"),
    ],
}

NOTHING = {"as_of": "2024-09-01", "focus_areas": []}  # no sections key at all


@pytest.fixture
def hand(store):
    for number, snapshot in enumerate([BEFORE, AFTER, NOTHING], start=1):
        add_release(store, number, snapshot)
    return store


def section_entries(*names) -> list[dict]:
    return [{"number": n, "kind": "section"} for n in names]


def test_every_kind_of_change_in_order(hand):
    assert diff(hand, SITE, 1, 2) == {
        "site": SITE,
        "from": {"release": 1, "as_of": "2024-07-01"},
        "to": {"release": 2, "as_of": "2024-08-01"},
        "new_findings": [
            {"number": "1.5", "title": "Fresh"},
            {"number": "1.12", "title": "Twelfth"},
        ],
        "new_recommendations": [
            {"number": "1.1.7", "text": "Added.", "status": "in-progress"},
            {"number": "1.1.10", "text": "Tenth.", "status": "complete"},
            {"number": "1.12.1", "text": "Under it.", "status": "not-started"},
        ],
        "new_sections": [
            {"name": "executive-summary", "title": "Summary"},
            {"name": "focus-area-2", "title": "Area two"},
            {"name": "focus-area-10", "title": "Area ten"},
            {"name": "conclusion", "title": "The end"},
            {"name": "appendix-b", "title": None},
        ],
        "status_changes": [
            {"number": "1.1.4", "from": "in-progress", "to": "complete"},
            {"number": "1.1.9", "from": "in-progress", "to": "complete"},
        ],
        "withdrawn": [
            {"number": "1.10", "kind": "finding"},
            {"number": "1.1.6", "kind": "recommendation"},
        ],
        "reworded": [
            {"number": "1.2", "kind": "finding"},
            {"number": "1.3", "kind": "finding"},
            {"number": "1.1.2", "kind": "recommendation"},
            {"number": "1.1.4", "kind": "recommendation"},
            *section_entries("introduction", "focus-area-1"),
        ],
        "no_longer_public": [
            {"number": "1.4", "kind": "finding"},
            {"number": "1.11", "kind": "finding"},
            {"number": "10.1", "kind": "finding"},
            {"number": "1.1.3", "kind": "recommendation"},
            *section_entries("background"),
        ],
    }


EMPTY = {
    "new_findings": [],
    "new_recommendations": [],
    "new_sections": [],
    "status_changes": [],
    "withdrawn": [],
    "reworded": [],
    "no_longer_public": [],
}


def test_a_release_against_itself_has_no_change(hand):
    assert diff(hand, SITE, 2, 2) == {
        "site": SITE,
        "from": {"release": 2, "as_of": "2024-08-01"},
        "to": {"release": 2, "as_of": "2024-08-01"},
        **EMPTY,
    }


def test_from_nothing_everything_public_is_new(hand):
    forward = diff(hand, SITE, 3, 2)
    assert forward == {
        "site": SITE,
        "from": {"release": 3, "as_of": "2024-09-01"},
        "to": {"release": 2, "as_of": "2024-08-01"},
        **EMPTY,
        "new_findings": [
            {"number": n, "title": t}
            for n, t in [
                ("1.1", "Same"),
                ("1.2", "New title"),
                ("1.3", "Same"),
                ("1.5", "Fresh"),
                ("1.12", "Twelfth"),
                ("2.1", "Same"),
            ]
        ],
        "new_recommendations": [
            {"number": n, "text": t, "status": s}
            for n, t, s in [
                ("1.1.1", "Same.", "not-started"),
                ("1.1.2", "New text.", "in-progress"),
                ("1.1.4", "New.", "complete"),
                ("1.1.7", "Added.", "in-progress"),
                ("1.1.9", "Same.", "complete"),
                ("1.1.10", "Tenth.", "complete"),
                ("1.12.1", "Under it.", "not-started"),
            ]
        ],
        "new_sections": [
            {"name": n, "title": t}
            for n, t in [
                ("executive-summary", "Summary"),
                ("introduction", "Introduction"),
                ("methodology", "Same"),
                ("focus-area-1", "Area one"),
                ("focus-area-2", "Area two"),
                ("focus-area-10", "Area ten"),
                ("conclusion", "The end"),
                ("appendix-a", "Same"),
                ("appendix-b", None),
            ]
        ],
    }


def test_back_to_nothing_everything_is_no_longer_public(hand):
    back = diff(hand, SITE, 2, 3)
    findings = ["1.1", "1.2", "1.3", "1.5", "1.6", "1.9", "1.10", "1.12", "2.1"]
    recs = ["1.1.1", "1.1.2", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "1.1.9", "1.1.10"]
    assert back == {
        "site": SITE,
        "from": {"release": 2, "as_of": "2024-08-01"},
        "to": {"release": 3, "as_of": "2024-09-01"},
        **EMPTY,
        "no_longer_public": [
            *[{"number": n, "kind": "finding"} for n in findings],
            *[{"number": n, "kind": "recommendation"} for n in [*recs, "1.12.1"]],
            *section_entries(
                "executive-summary",
                "introduction",
                "methodology",
                "focus-area-1",
                "focus-area-2",
                "focus-area-10",
                "conclusion",
                "appendix-a",
                "appendix-b",
            ),
        ],
    }


@pytest.mark.parametrize("a, b", [(0, 1), (1, 0), (True, 1), (1, "2"), (2**63, 1)])
def test_diff_takes_only_release_numbers(hand, a, b):
    bad = a if not (type(a) is int and a >= 1 and a < 2**63) else b
    with pytest.raises(Invalid) as caught:
        diff(hand, SITE, a, b)
    assert str(caught.value) == f"release number {bad!r} is not a positive whole number (1, 2, ...)"


@pytest.mark.parametrize("a, b", [(4, 1), (1, 4)])
def test_diff_names_a_release_the_engagement_does_not_have(hand, a, b):
    with pytest.raises(NotFound) as caught:
        diff(hand, SITE, a, b)
    assert type(caught.value) is NotFound
    assert (str(caught.value), caught.value.render(CLI)) == (
        f"{SITE} has no release 4; `list_releases()` lists them",
        f"{SITE} has no release 4; `reformctl releases --site {SITE}` lists them",
    )
    # Miami has releases 1 and 2 of its own, and not north-miami's 3.
    with pytest.raises(NotFound) as caught:
        diff(hand, "miami", 1, 3)
    assert str(caught.value) == "miami has no release 3; `list_releases()` lists them"
    assert diff(hand, "miami", 1, 2)["from"] == {"release": 1, "as_of": AS_OF}


def test_the_diff_of_two_published_releases(store, isolated):
    e = get_engagement(store, SITE)
    releases.publish(store, SITE, isolated / "r1", "ann", as_of=AS_OF)
    review(store, e, "1.2", "withdraw", "bob", comment="Duplicate.", dated="2024-07-15")
    set_status(store, e, "1.1.1", "complete", "ann", as_of="2024-08-01")
    releases.publish(store, SITE, isolated / "r2", "ann", kind="assessment", as_of="2024-08-01")
    assert diff(store, SITE, 1, 2) == {
        "site": SITE,
        "from": {"release": 1, "as_of": AS_OF},
        "to": {"release": 2, "as_of": "2024-08-01"},
        **EMPTY,
        "new_findings": [{"number": "4.1", "title": "Dated the day after"}],
        "new_recommendations": [
            {"number": "1.1.4", "text": "Dated the day after.", "status": "not-started"}
        ],
        "new_sections": [{"name": "introduction", "title": "Introduction"}],
        "status_changes": [{"number": "1.1.1", "from": "in-progress", "to": "complete"}],
        "withdrawn": [{"number": "1.2", "kind": "finding"}],
    }
