"""The frozen past holds through merge and resolve: a bundle cannot bring in anything dated on or
before a release this store holds (a status, a decision, an approved version, an activity, a
record, or a change to one), and `resolve --take theirs` of a held approval keeps the other
side's date, so it is refused there too. `report --as-of` the release still says what it said."""

import json
import uuid
from pathlib import Path

import pytest

# `released` (release 1 as of AS_OF) is test_trust_frozen.py's fixture; its CLI is `north_miami`.
from test_trust_frozen import AS_OF, SITE, as_of_report, released, snapshot  # noqa: F401


def files(bundle: Path, kind: str) -> list[tuple[Path, dict]]:
    return [(p, json.loads(p.read_text())) for p in sorted((bundle / kind).glob("*.json"))]


def rec_id(bundle: Path, text: str) -> str:
    return next(r["id"] for _, r in files(bundle, "recommendations") if r["text"] == text)


def write(bundle: Path, kind: str, record: dict) -> str:
    (bundle / kind).mkdir(exist_ok=True)
    name = f"{kind}/{record['id']}.json"
    (bundle / name).write_text(json.dumps(record, sort_keys=True, indent=2) + "\n")
    return name


def copy(bundle: Path, kind: str, pick, **fields) -> str:
    """A new record of KIND: the first that PICK accepts, with a new id and FIELDS changed."""
    original = next(r for _, r in files(bundle, kind) if pick(r))
    return write(bundle, kind, {**original, "id": str(uuid.uuid4()), **fields})


def change(bundle: Path, kind: str, pick, **fields) -> str:
    path, record = next((p, r) for p, r in files(bundle, kind) if pick(r))
    path.write_text(json.dumps({**record, **fields}, sort_keys=True, indent=2) + "\n")
    return f"{kind}/{path.name}"


def approved(r) -> bool:
    return r["review"] == "approved" and r["record_type"] == "recommendation"


# Each: how the bundle is back-dated (returns the file it names).
BACKDATED = {
    "new-status": lambda b: copy(
        b, "status_updates", lambda r: True, as_of="2024-06-25", status="complete"
    ),
    "new-approval": lambda b: copy(
        b, "review_history", approved, record_id=rec_id(b, "Audit it."), on_date="2024-06-15"
    ),
    "new-approved-version": lambda b: copy(
        b,
        "approved_versions",
        lambda r: r["record_type"] == "recommendation",
        record_id=rec_id(b, "Audit it."),
        text="Audit it.",
        on_date="2024-06-15",
    ),
    "new-activity": lambda b: copy(b, "activities", lambda r: True, dated="2024-05-20"),
    "new-finding": lambda b: copy(
        b, "findings", lambda r: r["title"].startswith("A draft"), number=9, dated="2024-06-01"
    ),
    "new-release": lambda b: copy(b, "releases", lambda r: True, number=2, as_of="2024-06-15"),
    "status-redated": lambda b: change(
        b, "status_updates", lambda r: r["as_of"] == "2024-06-20", as_of="2024-06-02"
    ),
    "status-changed": lambda b: change(
        b, "status_updates", lambda r: r["as_of"] == "2024-06-20", status="complete"
    ),
    "approval-redated": lambda b: change(b, "review_history", approved, on_date="2024-06-11"),
}


@pytest.mark.matrix
@pytest.mark.parametrize("how", sorted(BACKDATED))
@pytest.mark.usefixtures("released")
def test_a_merge_refuses_what_is_dated_into_a_release(north_miami, isolated, how):
    cli = north_miami
    before = snapshot(isolated)
    bundle = isolated / "b"
    cli.ok("export", *SITE, "--bundle", bundle)
    named = BACKDATED[how](bundle)
    said = cli.fails("merge", *SITE, bundle, says="release 1 (as of 2024-06-30)")
    assert named in said
    assert as_of_report(cli) == before


@pytest.mark.usefixtures("released")
def test_a_merge_of_work_dated_after_the_release_goes_through(north_miami, isolated):
    cli = north_miami
    bundle = isolated / "b"
    cli.ok("export", *SITE, "--bundle", bundle)
    copy(bundle, "status_updates", lambda r: True, as_of="2024-07-01", status="complete")
    assert cli.json("merge", *SITE, bundle)["added"] == {"status_updates": 1}


@pytest.mark.usefixtures("released")
def test_taking_a_held_approval_keeps_its_date_and_is_refused_once_frozen(north_miami, isolated):
    cli = north_miami
    bundle = isolated / "b"
    cli.ok("export", *SITE, "--bundle", bundle)
    copy(
        bundle,
        "review_history",
        approved,
        record_id=rec_id(bundle, "Audit it."),
        on_date="2024-07-05",
    )
    done = cli.json("merge", *SITE, bundle)
    assert [c["field"].split(":")[0] for c in done["conflicts"]] == ["review_history"]
    cli.ok("publish", *SITE, "--as-of", "2024-07-10", "--output", isolated / "r2")
    second = json.loads(
        (isolated / "r2" / "north-miami-release-2.json").read_text(encoding="utf-8")
    )
    report = json.loads(cli.ok("report", *SITE, "--format", "json", "--as-of", "2024-07-10"))
    assert report == {k: v for k, v in second.items() if k != "release"}

    # A second person (the author taking an approval is refused for four eyes first).
    said = cli.fails(
        "--as",
        "rita",
        *("resolve", *SITE, "3.1.3", "--take", "theirs"),
        says="release 2 (as of 2024-07-10)",
    )
    assert "review_history/" in said and "2024-07-05" in said
    assert (
        json.loads(cli.ok("report", *SITE, "--format", "json", "--as-of", "2024-07-10")) == report
    )
