"""Open data: a SQLite file holding only the public record, with Datasette metadata."""

import json
import sqlite3

SITE = "brightwater-demo"


def everything(path) -> str:
    """Every value in every table of a database, as one string to search."""
    conn = sqlite3.connect(path)
    parts = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in conn.execute(f"SELECT * FROM [{table}]"):
            parts.extend("" if v is None else str(v) for v in row)
    conn.close()
    return "\n".join(parts)


def test_public_db_holds_the_public_record(demo, tmp_path):
    out = tmp_path / "open" / "tracker.db"
    out.parent.mkdir()
    done = demo.json("export", "--public-db", out, "--site", SITE)
    report = json.loads(demo.ok("report", "--site", SITE, "--format", "json"))
    conn = sqlite3.connect(out)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {
        "engagements",
        "focus_areas",
        "findings",
        "recommendations",
        "status_summary",
        "data_collection",
        "status_definitions",
    }
    assert (
        conn.execute("SELECT COUNT(*) FROM recommendations").fetchone()[0]
        == report["total_recommendations"]
    )
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == report["total_findings"]
    assert done["counts"]["recommendations"] == report["total_recommendations"]
    meta = json.loads((tmp_path / "open" / "metadata.json").read_text())
    assert meta["license"] and meta["source"] and meta["title"]
    assert set(meta["databases"]["tracker"]["tables"]) == tables
    assert all(t["description"] for t in meta["databases"]["tracker"]["tables"].values())


def test_nothing_internal_reaches_the_public_db(demo, tmp_path):
    demo.ok("team", "add", "--site", SITE, "Quentin Blackwood", "--role", "lead")
    act = demo.json(
        "activity",
        "--site",
        SITE,
        "--method",
        "interview",
        "--date",
        "2025-03-01",
        "--participants",
        "3",
        "--summary",
        "Interviewed Sgt. Wilhelmina Frost",
        "--team",
        "Quentin Blackwood",
    )
    demo.ok("cite", "--site", SITE, "1.1", act["id"])
    secret = demo.json(
        "log-finding",
        "--site",
        SITE,
        "--focus-area",
        "1",
        "--title",
        "Secret internal finding Zanzibar",
        "--internal",
    )
    demo.ok(
        "recommend",
        "--site",
        SITE,
        "--finding",
        secret["number"],
        "--text",
        "Zanzibar recommendation",
    )
    public = demo.json(
        "log-finding",
        "--site",
        SITE,
        "--focus-area",
        "2",
        "--title",
        "Public finding",
        "--body",
        "Visible text [[Complainant Rutherford Vane said so]] continues. Officer Ignatius Pell.",
    )
    demo.ok("submit", "--site", SITE, public["number"])
    demo.ok("--as", "reviewer", "review", "--site", SITE, public["number"], "--decision", "approve")
    demo.ok("note", "--site", SITE, "1.1", "Internal note about Theodora Quince")
    demo.ok("protect", "--site", SITE, "Ignatius Pell")
    demo.ok(
        "--as",
        "reviewer",
        "review",
        "--site",
        SITE,
        "1.2",
        "--decision",
        "withdraw",
        "--comment",
        "dup",
    )
    out = tmp_path / "all.db"
    demo.ok("export", "--public-db", out)
    text = everything(out)
    internal = [f for f in demo.json("findings", "--site", SITE) if f["internal"]]
    assert len(internal) == 3
    for f in internal:
        assert f["title"] not in text and (not f["body"] or f["body"][:60] not in text)
    for needle in (
        "Zanzibar",
        "Rutherford Vane",
        "[[",
        "Quentin Blackwood",
        "Wilhelmina Frost",
        act["id"],
        "Marisol Tennant",
        "Kasprzak",
        "tester",
        "Theodora Quince",
        "Ignatius Pell",
        "reviewer",
    ):
        assert needle not in text, needle
    assert "Visible text continues. Officer [withheld]." in text
    assert "1 interview" in text


def test_export_refusals(demo, tmp_path):
    demo.fails("export", "--public-db", tmp_path / "nope" / "x.db", says="does not exist")
    demo.fails(
        "export", "--public-db", tmp_path / "x.db", "--site", "nowhere", says="no engagement"
    )
    demo.fails("export", code=2, says="exactly one")
    demo.fails("export", "--public-db", tmp_path, says="directory")


# Random engagements with field work: its secrets never reach a public report or the public database.
import itertools  # noqa: E402
import string  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from helpers import examples  # noqa: E402

NAME = st.text(alphabet=string.ascii_letters, min_size=3, max_size=8)
METHOD = st.sampled_from(
    ["interview", "focus-group", "listening-session", "site-visit", "observation"]
)
COUNTER = itertools.count(1)


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    members=st.lists(NAME, min_size=1, max_size=3, unique=True),
    activities=st.lists(st.tuples(METHOD, st.integers(0, 500)), min_size=1, max_size=6),
)
def test_field_work_never_goes_public(isolated, members, activities):
    from typer.testing import CliRunner

    from reformctl.cli import app
    from reformctl.model.engagements import EngagementSpec, create_engagement
    from reformctl.model.fieldwork import add_member, cite, log_activity
    from reformctl.model.findings import log_finding
    from reformctl.model.recommendations import recommend
    from reformctl.model.review import review, submit
    from reformctl.store import open_store

    n = next(COUNTER)
    store = open_store(isolated / "test.db")
    store.execute("PRAGMA synchronous = OFF")
    site = f"field-{n}"
    e = create_engagement(
        store,
        EngagementSpec(site=site, agency="Field PD", focus_areas=["One"], self_approval=True),
        "author",
    )
    secrets = []
    for i, name in enumerate(members):
        member = f"QQ{name}{i}MEMBER"
        add_member(store, e, member, "researcher", "author", expertise=f"XP{n}{i}SECRET")
        secrets += [member, f"XP{n}{i}SECRET"]
    finding = log_finding(store, e, "1", "Response times lag", "Public body.", "author")
    rec = recommend(store, e, finding["ref"], "Measure response times.", "author")
    for ref in (finding["ref"], rec["ref"]):
        submit(store, e, ref, "author")
        review(store, e, ref, "approve", "reviewer")
    ids = []
    for j, (method, people) in enumerate(activities):
        summary = f"SUMMARY{n}x{j}SECRET"
        done = log_activity(
            store,
            e,
            method,
            "2025-01-01",
            "author",
            participants=people,
            summary=summary,
            team=[f"QQ{members[0]}0MEMBER"],
        )
        ids.append(done["id"])
        secrets += [summary, done["id"]]
    cite(store, e, finding, ids, "author")
    store.close()
    runner = CliRunner()
    outputs = []
    for fmt in ("markdown", "html", "json", "csv"):
        result = runner.invoke(app, ["report", "--site", site, "--format", fmt])
        assert result.exit_code == 0, result.stderr
        outputs.append(result.stdout)
    public = isolated / f"public-{n}.db"
    assert runner.invoke(app, ["export", "--public-db", str(public), "--site", site]).exit_code == 0
    outputs.append(everything(public))
    for text in outputs:
        for secret in secrets:
            assert secret not in text
    data = json.loads(outputs[2])
    assert sum(row["count"] for row in data["data_collection"]) == len(activities)
