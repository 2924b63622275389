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
    assert tables == {"engagements", "focus_areas", "findings", "recommendations", "status_summary",
                      "data_collection", "status_definitions"}
    assert conn.execute("SELECT COUNT(*) FROM recommendations").fetchone()[0] == report["total_recommendations"]
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == report["total_findings"]
    assert done["counts"]["recommendations"] == report["total_recommendations"]
    meta = json.loads((tmp_path / "open" / "metadata.json").read_text())
    assert meta["license"] and meta["source"] and meta["title"]
    assert set(meta["databases"]["tracker"]["tables"]) == tables
    assert all(t["description"] for t in meta["databases"]["tracker"]["tables"].values())


def test_nothing_internal_reaches_the_public_db(demo, tmp_path):
    demo.ok("team", "add", "--site", SITE, "Quentin Blackwood", "--role", "lead")
    act = demo.json("activity", "--site", SITE, "--method", "interview", "--date", "2025-03-01",
                    "--participants", "3", "--summary", "Interviewed Sgt. Wilhelmina Frost", "--team", "Quentin Blackwood")
    demo.ok("cite", "--site", SITE, "1.1", act["id"])
    secret = demo.json("log-finding", "--site", SITE, "--focus-area", "1", "--title", "Secret internal finding Zanzibar",
                       "--internal")
    demo.ok("recommend", "--site", SITE, "--finding", secret["number"], "--text", "Zanzibar recommendation")
    public = demo.json("log-finding", "--site", SITE, "--focus-area", "2", "--title", "Public finding",
                       "--body", "Visible text [[Complainant Rutherford Vane said so]] continues. Officer Ignatius Pell.")
    demo.ok("submit", "--site", SITE, public["number"])
    demo.ok("--as", "reviewer", "review", "--site", SITE, public["number"], "--decision", "approve")
    demo.ok("note", "--site", SITE, "1.1", "Internal note about Theodora Quince")
    demo.ok("protect", "--site", SITE, "Ignatius Pell")
    demo.ok("--as", "reviewer", "review", "--site", SITE, "1.2", "--decision", "withdraw", "--comment", "dup")
    out = tmp_path / "all.db"
    demo.ok("export", "--public-db", out)
    text = everything(out)
    internal = [f for f in demo.json("findings", "--site", SITE) if f["internal"]]
    assert len(internal) == 3
    for f in internal:
        assert f["title"] not in text and (not f["body"] or f["body"][:60] not in text)
    for needle in ("Zanzibar", "Rutherford Vane", "[[", "Quentin Blackwood", "Wilhelmina Frost", act["id"],
                   "Marisol Tennant", "Kasprzak", "tester", "Theodora Quince", "Ignatius Pell", "reviewer"):
        assert needle not in text, needle
    assert "Visible text continues. Officer [withheld]." in text
    assert "1 interview" in text


def test_export_refusals(demo, tmp_path):
    demo.fails("export", "--public-db", tmp_path / "nope" / "x.db", says="does not exist")
    demo.fails("export", "--public-db", tmp_path / "x.db", "--site", "nowhere", says="no engagement")
    demo.fails("export", code=2, says="exactly one")
    demo.fails("export", "--public-db", tmp_path, says="directory")
