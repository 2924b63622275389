"""Hostile bundles: one field of one file changed at a time, and every import and merge refuses it
with one line naming the file and field, writing nothing."""

import json
from pathlib import Path

import pytest

from helpers import dump

SITE = "brightwater-demo"
LONG = "x" * 301

# (file: "engagement.json" or the kind whose first record is changed, field, hostile value).
# Dropped marks a missing field.
DROPPED = object()
MUTATIONS = [
    # The site becomes part of file names when a release is published.
    ("engagement.json", "site", "../x"),
    ("engagement.json", "site", "/etc/cron.d/x"),
    ("engagement.json", "site", "a/b"),
    ("engagement.json", "site", ".."),
    ("engagement.json", "site", "C:\\x"),
    ("engagement.json", "site", "Upper-Case"),
    ("engagement.json", "site", ""),
    ("engagement.json", "program", "secret-program"),
    ("engagement.json", "phase", "done"),
    ("engagement.json", "self_approval", 2),
    ("engagement.json", "announced", "2025-13-01"),
    ("engagement.json", "state", "XX"),
    ("engagement.json", "public_url", "javascript:alert(1)"),
    ("engagement.json", "agency", "Brightwater \u202eDP"),
    ("engagement.json", "agency", "\x1b[2J"),
    ("focus_areas", "slug", "../x"),
    ("focus_areas", "number", 0),
    ("focus_areas", "title", "Title\x00"),
    ("findings", "number", -1),
    ("findings", "number", 0),
    ("findings", "number", 2**63),
    ("findings", "number", 2**64),
    ("findings", "number", 1.5),
    ("findings", "number", "3"),
    ("findings", "number", True),
    ("findings", "number", None),
    ("findings", "internal", 7),
    ("findings", "internal", 2),
    ("findings", "internal", -1),
    ("findings", "internal", "yes"),
    ("findings", "internal", True),
    ("findings", "internal", 0.0),
    ("findings", "review", "published"),
    ("findings", "review", "APPROVED"),
    ("findings", "methods", "notjson"),
    ("findings", "methods", '["telepathy"]'),
    ("findings", "methods", '{"interview": 1}'),
    ("findings", "methods", '"interview"'),
    ("findings", "methods", ["interview"]),
    ("findings", "dated", "2025-02-30"),
    ("findings", "dated", "0001-01-01"),
    ("findings", "dated", "9999-12-31"),
    ("findings", "dated", "1899-12-31"),
    ("findings", "dated", "2025-1-1"),
    ("findings", "dated", 20250101),
    ("findings", "dated", "2025-01-01T00:00:00"),
    ("findings", "focus_area_id", "../../x"),
    ("findings", "focus_area_id", "not-an-id"),
    ("findings", "focus_area_id", 5),
    ("findings", "title", LONG),
    ("findings", "title", "\x1b[31mred"),
    ("findings", "title", "invoice\u202egnp.exe"),
    ("findings", "title", "C1 \x85 control"),
    ("findings", "title", "DEL \x7f"),
    ("findings", "title", ""),
    ("findings", "title", 42),
    ("findings", "title", DROPPED),
    ("findings", "colour", "red"),
    ("findings", "body", "nul \x00 byte"),
    ("findings", "body", "isolate \u2066 here"),
    ("findings", "created_at", "yesterday"),
    ("findings", "created_at", "0001-01-01T00:00:00"),
    ("findings", "created_by", "\x07bell"),
    ("findings", "created_by", ""),
    ("recommendations", "priority", "urgent"),
    ("recommendations", "due", "soon"),
    ("recommendations", "owner", "Unit\x07"),
    ("recommendations", "text", "x" * 5_001),
    ("recommendations", "internal", "0"),
    ("recommendations", "finding_id", None),
    ("status_updates", "status", "done"),
    ("status_updates", "reason", "because"),
    ("status_updates", "as_of", "9999-01-01"),
    ("status_updates", "note", "\x1b]0;title\x07"),
    ("review_history", "review", "approved!"),
    ("review_history", "record_type", "engagement"),
    ("review_history", "on_date", "2201-01-01"),
    ("approved_versions", "priority", "urgent"),
    ("approved_versions", "on_date", "0000-00-00"),
    ("approved_versions", "title", "\u202etitle"),
    ("protected_terms", "term", ""),
    # Names always public in full hold no [[...]] at all (model/text.py's clean_name), and actors
    # are what they look like (clean_actor): invisible and compatibility characters are refused.
    ("engagement.json", "agency", "Agency [[x]]"),
    ("engagement.json", "city", "[[Springfield]]"),
    ("focus_areas", "title", "Area [[x]]"),
    ("recommendations", "owner", "Unit [[x]]"),
    ("approved_versions", "owner", "[[x]]"),
    ("protected_terms", "term", "[[Dana]]"),
    ("findings", "created_by", "A.\u200bAnalyst"),
    ("status_updates", "recorded_by", "\uff21. Analyst"),
    ("review_history", "actor", "A.\u00adAnalyst"),
    ("approved_versions", "actor", "A. Analyst\ufeff"),
]
# Records the demo does not have: the `rich` bundle adds a team member, an activity, evidence, a
# note and a release.
RICH = [
    ("team_members", "role", "boss"),
    ("team_members", "name", "Dana\u202eReyes"),
    ("activities", "participants", -1),
    ("activities", "participants", 2**63),
    ("activities", "method", "seance"),
    ("activities", "team", ["../x"]),
    ("activities", "team", "Dana Reyes"),
    ("activities", "summary", "\x1b[8m hidden"),
    ("evidence", "activity_id", "../x"),
    ("evidence", "created_at", "2025-02-30T00:00:00"),
    ("notes", "text", "nul \x00"),
    ("notes", "record_type", "secret"),
    ("releases", "number", 0),
    ("releases", "number", 2**64),
    ("releases", "kind", "leak"),
    ("releases", "as_of", "2025-02-29"),
    ("releases", "files", '{"../../x.html": "00"}'),
    ("releases", "snapshot", "notjson"),
    ("releases", "items", [{"record_type": "finding", "record_id": "../x", "ref": "1.1"}]),
    ("releases", "items", "all of them"),
    ("releases", "output_dir", "\x1b]8;;evil\x07"),
    ("releases", "published_by", ""),
    ("team_members", "name", "Dana [[Reyes]]"),
    ("releases", "published_by", "Dana\u200bReyes"),
    ("activities", "created_by", "Dana\u2060Reyes"),
]
MARKERS = [  # refused once model/text.py checks [[...]] markers (the validators' part of issue 10)
    ("findings", "title", "a [[b [[c]] d]]"),
    ("findings", "body", "unclosed [[ secret"),
    ("findings", "body", "empty [[]] marker"),
]


@pytest.fixture
def bundle(demo, tmp_path):
    path = tmp_path / "bundle"
    demo.ok("export", "--site", SITE, "--bundle", path)
    return path


@pytest.fixture
def rich(demo, tmp_path):
    """The demo with every kind of record a bundle carries (a release takes a few seconds)."""
    demo.ok("team", "add", "--site", SITE, "Dana Reyes", "--role", "lead")
    act = demo.json(
        "activity",
        "--site",
        SITE,
        "--method",
        "interview",
        "--date",
        "2025-03-01",
        "--team",
        "Dana Reyes",
        "--participants",
        "4",
    )
    demo.ok("cite", "--site", SITE, "1.1", act["id"])
    demo.ok("note", "--site", SITE, "1.1", "A note")
    demo.ok("publish", "--site", SITE, "--output", tmp_path / "release-1")
    path = tmp_path / "rich"
    demo.ok("export", "--site", SITE, "--bundle", path)
    return path


def target(bundle: Path, which: str) -> tuple[Path, str]:
    if which == "engagement.json":
        return bundle / which, which
    path = sorted((bundle / which).glob("*.json"))[0]
    return path, f"{which}/{path.name}"


def mutate(bundle: Path, which: str, field: str, value) -> tuple[str, str]:
    """Change one field of one file; returns (the file as named in errors, its original text)."""
    path, name = target(bundle, which)
    original = path.read_text()
    record = json.loads(original)
    if value is DROPPED:
        record.pop(field)
    else:
        record[field] = value
    path.write_text(json.dumps(record, sort_keys=True, indent=2) + "\n")
    if (
        which == "engagement.json" and field == "site"
    ):  # bundle.json repeats the site: keep them agreeing
        head = json.loads((bundle / "bundle.json").read_text())
        (bundle / "bundle.json").write_text(json.dumps({**head, "site": value}) + "\n")
    return name, original


def refusals(cli, bundle: Path, mutations, command) -> list[str]:
    """Each mutation through COMMAND; the list of those not refused as they should be."""
    wrong = []
    head = (bundle / "bundle.json").read_text()
    for which, field, value in mutations:
        name, original = mutate(bundle, which, field, value)
        before = dump(cli.db)
        result = cli(*command)
        lines = result.stderr.strip().splitlines()
        ok = (
            result.exit_code == 1
            and len(lines) == 1
            and lines[0].startswith("error: ")
            and name in lines[0]
            and f"field {field}" in lines[0]
            and "Traceback" not in result.output
            and dump(cli.db) == before
        )
        if not ok:
            wrong.append(
                f"{name} {field}={value!r}: exit {result.exit_code}, stderr {result.stderr!r}"
            )
        target(bundle, which)[0].write_text(original)
        (bundle / "bundle.json").write_text(head)
    return wrong


def test_the_list_is_long_enough():
    assert len(MUTATIONS) >= 40
    from reformctl.exchange.bundle_checks import RELEASE_KINDS
    from reformctl.model.vocab import REPORT_KINDS

    assert set(RELEASE_KINDS) == set(REPORT_KINDS)


@pytest.mark.slow
def test_import_refuses_every_hostile_value(demo, rich, tmp_path):
    demo.db = tmp_path / "fresh.db"
    assert (
        refusals(demo, rich, MUTATIONS + RICH, ["--db", demo.db, "import", "--bundle", rich]) == []
    )
    assert not demo.db.exists()
    # The untouched bundle still loads: the refusals were the values', not the bundle's.
    counts = demo.json("--db", demo.db, "import", "--bundle", rich)["counts"]
    assert (counts["findings"], counts["releases"], counts["activities"], counts["evidence"]) == (
        17,
        1,
        1,
        1,
    )


@pytest.mark.slow
def test_merge_refuses_every_hostile_value(demo, rich):
    assert refusals(demo, rich, MUTATIONS + RICH, ["merge", "--site", SITE, rich]) == []


def test_malformed_markers_are_refused(demo, bundle, tmp_path):
    from reformctl.errors import Invalid
    from reformctl.model.text import clean_body

    try:
        clean_body("unclosed [[ secret")
        pytest.skip("model/text.py does not check [[...]] markers yet")
    except Invalid:
        pass
    demo.db = tmp_path / "fresh.db"
    assert refusals(demo, bundle, MARKERS, ["--db", demo.db, "import", "--bundle", bundle]) == []


def test_links_in_a_bundle_are_neither_read_nor_written_through(demo, bundle, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    path, name = target(bundle, "findings")
    original = path.read_text()
    path.unlink()
    path.symlink_to("/dev/zero")
    demo.db = tmp_path / "fresh.db"
    line = demo.fails("--db", demo.db, "import", "--bundle", bundle, says=name)
    assert "link" in line
    demo.db = tmp_path / "test.db"
    demo.fails("export", "--site", SITE, "--bundle", bundle, says="is a link")
    path.unlink()
    path.write_text(original)
    (bundle / "notes").symlink_to(outside)  # git can carry a folder link into the repository
    demo.ok("note", "--site", SITE, "1.1", "A note for the team")
    demo.fails("export", "--site", SITE, "--bundle", bundle, says="is a link")
    assert list(outside.iterdir()) == []


def test_merge_from_another_store_checks_its_values_too(demo, tmp_path):
    import shutil
    import sqlite3

    other = tmp_path / "other.db"
    shutil.copy(demo.db, other)
    conn = sqlite3.connect(other)
    with conn:
        conn.execute(
            "UPDATE findings SET methods = 'notjson' WHERE rowid = (SELECT MIN(rowid) FROM findings)"
        )
    key = conn.execute("SELECT id FROM findings WHERE methods = 'notjson'").fetchone()[0]
    conn.close()
    demo.fails("merge", "--site", SITE, other, says=f"findings/{key}.json, field methods")
