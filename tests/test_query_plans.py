"""The hot queries use indexes: no one-site command scans findings, recommendations or status updates.

Every statement the one-site commands run is captured from SQLite's trace hook,
then explained. SQLite plans without table statistics as if every table were
large, so a plan seen on the small demo store is the plan at national scale.
"""

import re
import sqlite3

import pytest

import reformctl.store.db as db

BIG_TABLES = (
    "findings",
    "recommendations",
    "status_updates",
    "events",
    "review_history",
    "approved_versions",
    "release_items",
    "notes",
)

# Each one-site command: what a team member runs at the terminal, several times a day.
HOT_COMMANDS = [
    ("log-finding", "--site", "brightwater-demo", "--focus-area", "2", "--title", "Traced finding"),
    (
        "recommend",
        "--site",
        "brightwater-demo",
        "--finding",
        "2.1",
        "--text",
        "Traced recommendation.",
    ),
    ("set-status", "--site", "brightwater-demo", "2.1.1", "complete", "--note", "Traced."),
    ("findings", "--site", "brightwater-demo"),
    ("findings", "--site", "brightwater-demo", "--focus-area", "3"),
    ("show", "--site", "brightwater-demo"),
    ("show", "--site", "brightwater-demo", "--as-of", "2025-12-31"),
    ("report", "--site", "brightwater-demo", "--format", "json"),
    ("report", "--site", "brightwater-demo", "--format", "csv", "--as-of", "2025-06-30"),
    ("report", "--site", "brightwater-demo", "--internal", "--format", "json"),
    ("note", "--site", "brightwater-demo", "2.1.1", "Traced note."),
    ("edit", "--site", "brightwater-demo", "2.1", "--title", "Traced edit"),
    ("history", "--site", "brightwater-demo"),
    ("check", "--site", "brightwater-demo"),
    ("status", "--site", "brightwater-demo"),
]


@pytest.fixture
def traced(demo, monkeypatch):
    statements: list[str] = []

    def tracer(connect):
        def tracing(path):
            conn = connect(path)
            conn.set_trace_callback(statements.append)
            return conn

        return tracing

    # Writing commands connect by path, reading ones by a read-only file: URI.
    monkeypatch.setattr(db, "_connect", tracer(db._connect))
    monkeypatch.setattr(db, "_connect_uri", tracer(db._connect_uri))
    return demo, statements


def aliases(sql: str) -> dict[str, str]:
    """Alias -> table for 'FROM findings f' / 'JOIN recommendations AS r' in SQL."""
    found = {}
    for table, alias in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", sql, re.I):
        found[table] = table
        if alias and alias.upper() not in (
            "WHERE",
            "JOIN",
            "ON",
            "ORDER",
            "GROUP",
            "LEFT",
            "INNER",
            "LIMIT",
        ):
            found[alias] = table
    return found


def full_scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    names = aliases(sql)
    bad = []
    for step in plan:
        match = re.match(r"SCAN (\w+)", step)
        if match and names.get(match[1], match[1]) in BIG_TABLES:
            bad.append(step)
    return bad


@pytest.mark.parametrize("args", HOT_COMMANDS, ids=[" ".join(a) for a in HOT_COMMANDS])
def test_one_site_commands_use_indexes(traced, args):
    cli, statements = traced
    cli.ok(*args)
    selects = [
        s
        for s in statements
        if s.lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE"))
    ]
    assert selects, "no statements were traced"
    conn = sqlite3.connect(cli.db)
    try:
        problems = {sql: bad for sql in selects if (bad := full_scans(conn, sql))}
    finally:
        conn.close()
    assert not problems, "full table scans:\n" + "\n\n".join(
        f"{sql}\n  -> {bad}" for sql, bad in problems.items()
    )


def test_the_trace_sees_bound_values(traced):
    """The check above explains real statements, so the hook must hand over the values bound."""
    cli, statements = traced
    cli.ok("show", "--site", "brightwater-demo")
    assert any("'brightwater-demo'" in s for s in statements)


def test_the_check_catches_a_full_scan(demo):
    conn = sqlite3.connect(demo.db)
    try:
        assert full_scans(conn, "SELECT * FROM findings f WHERE f.title = 'x'") == ["SCAN f"]
        assert full_scans(conn, "SELECT r.id FROM recommendations AS r WHERE r.owner = 'x'")
        assert not full_scans(conn, "SELECT * FROM findings WHERE id = 'x'")
    finally:
        conn.close()


def test_search_site_drives_from_the_index(traced):
    """search --site: FTS5 takes the engagement in MATCH and is the outer loop; its records are reached
    by rowid. Driven the other way (each of the engagement's records joined to the index), FTS5 re-ran
    the whole query once per record."""
    cli, statements = traced
    cli.ok("search", "camera", "--site", "brightwater-demo")
    sql = next(s for s in statements if "MATCH" in s)
    assert (
        sql.count("engagement_id : ") == 5
    )  # findings, recommendations, notes, activities, sections
    conn = sqlite3.connect(cli.db)
    try:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    finally:
        conn.close()
    scans = [i for i, step in enumerate(plan) if "VIRTUAL TABLE" in step]
    assert len(scans) == 5, plan
    assert all(
        re.match(r"SEARCH \w+ USING INTEGER PRIMARY KEY \(rowid=\?\)", plan[i + 1]) for i in scans
    ), plan
    assert not any("engagement_id=?" in step for step in plan), plan


def test_the_dashboard_reads_only_covering_indexes(traced):
    """status across every engagement walks all findings and recommendations; it must do so through
    the two covering indexes of migration m008 and read each latest status by integer key, never
    the records' text or their histories."""
    cli, statements = traced
    cli.ok("status")
    sql = next(s for s in statements if "current_statuses" in s)
    conn = sqlite3.connect(cli.db)
    try:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    finally:
        conn.close()
    assert "SCAN f USING COVERING INDEX findings_focus_area_review" in plan, plan
    assert any(
        step.startswith("SEARCH r USING COVERING INDEX recommendations_finding_review")
        for step in plan
    ), plan
    assert any(step.startswith("SEARCH cs USING INTEGER PRIMARY KEY") for step in plan), plan
    assert not any("B-TREE" in step for step in plan), plan  # counted per focus area in index order
