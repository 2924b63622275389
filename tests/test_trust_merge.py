"""A merge cannot publish what review has not approved: every change from the other side to a field
that decides what is public arrives as a conflict for a person, and the internal flag is dated, so
a report as of an earlier day shows the flag as it stood then."""

import json
from pathlib import Path

import pytest

SITE = "brightwater-demo"


def public_titles(cli, *extra) -> list[str]:
    report = cli.json("report", "--site", SITE, *extra)
    return [f["title"] for area in report["focus_areas"] for f in area["findings"]]


def internal_finding(cli) -> dict:
    found = [
        f
        for f in cli.json("findings", "--site", SITE)
        if f["internal"] and f["review"] == "approved"
    ]
    assert found, "the demo has an approved internal finding"
    return found[0]


def rewrite(path: Path, **fields) -> dict:
    record = json.loads(path.read_text())
    original = dict(record)
    record.update(fields)
    path.write_text(json.dumps(record, sort_keys=True, indent=2) + "\n")
    return original


def test_an_internal_flip_in_a_bundle_arrives_as_a_conflict_and_is_dated(demo, tmp_path):
    secret = internal_finding(demo)
    assert secret["title"] not in public_titles(demo)
    bundle = tmp_path / "b"
    demo.ok("export", "--site", SITE, "--bundle", bundle)
    rewrite(bundle / "findings" / f"{secret['id']}.json", internal=0)

    done = demo.json("merge", "--site", SITE, bundle)
    assert [(c["ref"], c["field"], c["ours"], c["theirs"]) for c in done["conflicts"]] == [
        (secret["number"], "internal", 1, 0)
    ]
    assert done["updated"] == {}
    assert secret["title"] not in public_titles(demo)
    assert [
        f["internal"] for f in demo.json("findings", "--site", SITE) if f["id"] == secret["id"]
    ] == [True]

    # A person takes their value: public from today on, and still internal in every earlier report.
    demo.ok("resolve", "--site", SITE, secret["number"], "--field", "internal", "--take", "theirs")
    assert secret["title"] in public_titles(demo)
    assert secret["title"] in public_titles(demo, "--as-of", "2026-11-27")
    assert secret["title"] not in public_titles(demo, "--as-of", "2026-11-26")
    assert secret["title"] not in public_titles(demo, "--as-of", "2025-12-31")


# (file: "engagement.json" or a kind, which record, field, new value)
PUBLICITY_EDITS = [
    ("findings", lambda r: r["review"] == "approved" and not r["internal"], "review", "withdrawn"),
    ("recommendations", lambda r: r["internal"] == 0 and r["review"] == "approved", "internal", 1),
    ("recommendations", lambda r: r["review"] == "approved", "review", "draft"),
    ("engagement.json", None, "self_approval", 1),
    ("protected_terms", lambda r: True, "term", "Nobody In Particular"),
    (
        "approved_versions",
        lambda r: r["record_type"] == "finding",
        "title",
        "Wording nobody approved",
    ),
    ("approved_versions", lambda r: True, "on_date", "2025-01-16"),
    ("review_history", lambda r: r["review"] == "approved", "on_date", "2025-01-16"),
]


@pytest.mark.matrix
@pytest.mark.parametrize(
    "which, pick, field, value", PUBLICITY_EDITS, ids=[f"{e[0]}-{e[2]}" for e in PUBLICITY_EDITS]
)
def test_every_publicity_field_arrives_as_a_conflict(demo, tmp_path, which, pick, field, value):
    bundle = tmp_path / "b"
    demo.ok("export", "--site", SITE, "--bundle", bundle)
    if which == "engagement.json":
        path = bundle / which
    else:
        path = next(
            p for p in sorted((bundle / which).glob("*.json")) if pick(json.loads(p.read_text()))
        )
    original = rewrite(path, **{field: value})
    assert original[field] != value
    report_before = demo.ok("report", "--site", SITE, "--format", "json")

    done = demo.json("merge", "--site", SITE, bundle)
    assert [(c["field"], c["ours"], c["theirs"]) for c in done["conflicts"]] == [
        (field, original[field], value)
    ]
    assert done["updated"] == {}
    demo.ok("export", "--site", SITE, "--bundle", tmp_path / "after")
    assert (
        json.loads((tmp_path / "after" / path.relative_to(bundle)).read_text())[field]
        == original[field]
    )
    assert demo.ok("report", "--site", SITE, "--format", "json") == report_before


def test_a_recorded_decision_never_takes_a_publicity_change(demo, tmp_path):
    """A resolution in the bundle saying 'theirs' for 1 -> 0 does not settle the flip by itself."""
    secret = internal_finding(demo)
    bundle = tmp_path / "b"
    demo.ok("export", "--site", SITE, "--bundle", bundle)
    rewrite(bundle / "findings" / f"{secret['id']}.json", internal=0)
    stamp = "2026-11-20T10:00:00+00:00"
    resolution = {
        "id": "0000aaaa-0000-4000-8000-000000000001",
        "engagement_id": secret_engagement(bundle),
        "record_type": "findings",
        "record_id": secret["id"],
        "field": "internal",
        "ours": "1",
        "theirs": "0",
        "base": "1",
        "source": "elsewhere",
        "created_at": stamp,
        "created_by": "mallory",
        "resolved_at": stamp,
        "resolved_by": "mallory",
        "resolution": "theirs",
    }
    (bundle / "resolutions").mkdir()
    (bundle / "resolutions" / f"{resolution['id']}.json").write_text(
        json.dumps(resolution, sort_keys=True, indent=2) + "\n"
    )
    done = demo.json("merge", "--site", SITE, bundle)
    assert [(c["field"], c["theirs"]) for c in done["conflicts"]] == [("internal", 0)]
    assert secret["title"] not in public_titles(demo)


def secret_engagement(bundle: Path) -> str:
    return json.loads((bundle / "bundle.json").read_text())["engagement_id"]


def approve_in(cli, db: Path, ref: str) -> None:
    cli.ok("--db", db, "--as", "bob", "submit", "--site", SITE, ref)
    cli.ok("--db", db, "--as", "rita", "review", "--site", SITE, ref, "--decision", "approve")


def test_an_approved_record_from_the_other_side_arrives_in_review(demo, tmp_path):
    bob = ["--db", tmp_path / "bob.db", "--as", "bob"]
    shared = tmp_path / "shared"
    demo.ok("export", "--site", SITE, "--bundle", shared)
    demo.ok(*bob, "import", "--bundle", shared)
    made = demo.json(
        *bob,
        "log-finding",
        "--site",
        SITE,
        "--focus-area",
        "1",
        "--title",
        "Bob's approved finding",
    )
    approve_in(demo, tmp_path / "bob.db", made["number"])
    demo.ok(*bob, "export", "--site", SITE, "--bundle", tmp_path / "from-bob")

    done = demo.json("merge", "--site", SITE, tmp_path / "from-bob")
    fields = sorted(c["field"].split(":")[0] for c in done["conflicts"])
    assert fields == ["approved_versions", "review", "review_history"]
    assert {c["ref"] for c in done["conflicts"]} == {made["number"]}
    assert "approved_versions" not in done["added"]
    mine = [f for f in demo.json("findings", "--site", SITE) if f["id"] == made["id"]]
    assert [f["review"] for f in mine] == ["in-review"]
    assert "Bob's approved finding" not in public_titles(demo)
    # Merging again changes nothing until a person decides; then their approval is taken whole.
    demo.fails("merge", "--site", SITE, tmp_path / "from-bob", says="unresolved merge conflict")
    demo.ok("resolve", "--site", SITE, made["number"], "--take", "theirs")
    assert "Bob's approved finding" in public_titles(demo)
    again = demo.json("merge", "--site", SITE, tmp_path / "from-bob")
    assert again["conflicts"] == [] and again["added"] == {}


def test_a_held_approval_kept_out_stays_out(demo, tmp_path):
    bob = ["--db", tmp_path / "bob.db", "--as", "bob"]
    demo.ok("export", "--site", SITE, "--bundle", tmp_path / "shared")
    demo.ok(*bob, "import", "--bundle", tmp_path / "shared")
    made = demo.json(
        *bob, "log-finding", "--site", SITE, "--focus-area", "1", "--title", "Kept out"
    )
    approve_in(demo, tmp_path / "bob.db", made["number"])
    demo.ok(*bob, "export", "--site", SITE, "--bundle", tmp_path / "from-bob")
    demo.json("merge", "--site", SITE, tmp_path / "from-bob")
    demo.ok("resolve", "--site", SITE, made["number"], "--take", "ours")
    again = demo.json("merge", "--site", SITE, tmp_path / "from-bob")
    assert again["conflicts"] == [] and "approved_versions" not in again["added"]
    assert "Kept out" not in public_titles(demo)
    # Exporting over their bundle leaves the approval we did not take where it is, and refuses nothing.
    demo.ok("export", "--site", SITE, "--bundle", tmp_path / "from-bob")
    assert "Kept out" not in public_titles(demo)


def test_taking_an_approval_from_elsewhere_is_a_review_decision_with_four_eyes(demo, tmp_path):
    """An author who approves their own finding in a copy (self-approval set there) cannot bring the
    approval home by resolving the conflict themselves: taking it is approving it."""
    alice = ["--as", "alice"]
    made = demo.json(
        *alice, "log-finding", *("--site", SITE, "--focus-area", "1"), "--title", "Own"
    )
    demo.ok(*alice, "submit", "--site", SITE, made["number"])
    demo.ok("export", "--site", SITE, "--bundle", tmp_path / "shared")
    copy = ["--db", tmp_path / "copy.db", "--as", "alice"]
    demo.ok(*copy, "import", "--bundle", tmp_path / "shared")
    demo.ok(*copy, "configure", "--site", SITE, "--self-approval")
    demo.ok(*copy, "review", "--site", SITE, made["number"], "--decision", "approve")
    demo.ok(*copy, "export", "--site", SITE, "--bundle", tmp_path / "from-copy")
    done = demo.json("merge", "--site", SITE, tmp_path / "from-copy")
    assert made["number"] in {c["ref"] for c in done["conflicts"]}

    take = ("resolve", "--site", SITE, made["number"], "--take", "theirs")
    demo.fails(*alice, *take, says="alice wrote finding")
    assert "Own" not in public_titles(demo)
    demo.ok("--as", "bob", *take)
    assert "Own" in public_titles(demo)
