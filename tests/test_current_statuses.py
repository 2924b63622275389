"""The dashboard reads each recommendation's latest status from current_statuses (migration m008),
which triggers keep in step with the history. Whatever order updates arrive in, whatever their
dates, and whatever a merge later edits, the dashboard must say what the history says."""

import sqlite3
from collections import Counter
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import examples
from reformctl.model.statuses import status_at
from reformctl.model.vocab import STATUSES

SITE = ("--site", "brightwater-demo")
# From the demo engagement's announcement: a dashboard of an earlier date is refused.
DATES = st.dates(min_value=date(2025, 1, 15), max_value=date(2026, 11, 27)).map(str)


def truth(db, as_of: str) -> dict[int, Counter]:
    """Status counts per focus area number of the demo, straight from the history."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            f"""SELECT fa.number, {status_at()} FROM recommendations r JOIN findings f ON f.id = r.finding_id
                JOIN focus_areas fa ON fa.id = f.focus_area_id JOIN engagements e ON e.id = r.engagement_id
                WHERE e.site = 'brightwater-demo' AND r.review != 'withdrawn' AND f.review != 'withdrawn'
                  AND r.dated <= :as_of""",
            {"as_of": as_of},
        ).fetchall()
    finally:
        conn.close()
    counts: dict[int, Counter] = {}
    for number, status in rows:
        counts.setdefault(number, Counter())[status or "not-started"] += 1
    return counts


def shown(cli, monkeypatch, as_of: str) -> dict[int, Counter]:
    monkeypatch.setenv("REFORMCTL_TODAY", as_of)
    (engagement,) = cli.json("status", *SITE)
    return {
        a["number"]: Counter({s["status"]: s["count"] for s in a["statuses"] if s["count"]})
        for a in engagement["focus_areas"]
        if a["total"]
    }


def recommendation_refs(db) -> dict[str, str]:
    """Each recommendation that can take a status (not withdrawn), with the date it was made."""
    conn = sqlite3.connect(db)
    try:
        return {
            f"{a}.{f}.{r}": dated
            for a, f, r, dated in conn.execute(
                """SELECT fa.number, f.number, r.number, r.dated FROM recommendations r JOIN findings f ON f.id = r.finding_id
               JOIN focus_areas fa ON fa.id = f.focus_area_id
               WHERE r.review != 'withdrawn' AND f.review != 'withdrawn' ORDER BY 1, 2, 3"""
            )
        }
    finally:
        conn.close()


def update_count(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM status_updates").fetchone()[0]
    finally:
        conn.close()


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_the_dashboard_agrees_with_the_history(demo, monkeypatch, data):
    monkeypatch.setenv(
        "REFORMCTL_TODAY", "2026-11-27"
    )  # the last example may have left a past date
    refs = recommendation_refs(demo.db)
    assert len(refs) >= 30
    for _ in range(data.draw(st.integers(1, 8), label="updates")):
        ref = data.draw(st.sampled_from(sorted(refs)), label="ref")
        status = data.draw(st.sampled_from(list(STATUSES)), label="status")
        # On or after the day the recommendation was made: every update drawn must land.
        made = date.fromisoformat(refs[ref])
        when = str(data.draw(st.dates(min_value=made, max_value=date(2026, 11, 27)), label="as_of"))
        before = update_count(demo.db)
        demo.ok("set-status", *SITE, ref, status, "--as-of", when)
        assert update_count(demo.db) == before + 1
    if data.draw(st.booleans(), label="a merge edits an update"):
        # What `merge`/`resolve` do when the other side changed an update's date or status.
        conn = sqlite3.connect(demo.db)
        with conn:
            # Drawn independently of the store (which grows from example to example), then mapped onto it.
            pick = data.draw(st.integers(0, 10**6), label="which update")
            rowid = 1 + pick % conn.execute("SELECT max(rowid) FROM status_updates").fetchone()[0]
            conn.execute(
                "UPDATE status_updates SET as_of = ?, status = ? WHERE rowid = ?",
                (data.draw(DATES), data.draw(st.sampled_from(list(STATUSES))), rowid),
            )
        conn.close()
    for as_of in ("2026-11-27", data.draw(DATES, label="a dashboard of the past")):
        assert shown(demo, monkeypatch, as_of) == truth(demo.db, as_of)


def test_upgrading_fills_the_cache_from_the_history(demo):
    """A store migrated to m008 gets its cache filled from the history, not left empty."""
    conn = sqlite3.connect(demo.db)
    try:
        cached = dict(conn.execute("SELECT recommendation, status FROM current_statuses"))
        conn.execute("DELETE FROM current_statuses")  # derived data: the cache may be rebuilt
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_current_statuses'")
        for statement in (
            "DROP TRIGGER status_updates_current_ai",
            "DROP TRIGGER status_updates_current_au",
            "DROP INDEX findings_focus_area_review",
            "DROP INDEX recommendations_finding_review",
            "DROP TABLE current_statuses",
            "PRAGMA user_version = 7",
        ):
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    demo.ok("status")  # opens the store, which applies m008 again
    conn = sqlite3.connect(demo.db)
    try:
        assert dict(conn.execute("SELECT recommendation, status FROM current_statuses")) == cached
        assert (
            len(cached)
            == conn.execute(
                "SELECT COUNT(DISTINCT recommendation_id) FROM status_updates"
            ).fetchone()[0]
        )
    finally:
        conn.close()


def test_an_import_brings_the_cache_up_to_date_and_keeps_its_trigger(demo, monkeypatch, tmp_path):
    """import writes its status updates in bulk (and sets the full-text triggers aside while it
    does): the cache must follow them, an imported update dated before a recommendation's latest
    one must not win, and the triggers must all be there afterwards."""
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "focus_area,finding,finding_title,recommendation,recommendation_text,status,status_as_of\n"
        "1,1.1,,1.1.1,,complete,2026-11-01\n"
        "2,2.1,,2.1.1,,not-started,2025-06-11\n"  # older than 2.1.1's latest update: the history keeps it, the dashboard does not show it
        "5,5.9,A new finding,5.9.1,Do the new thing.,in-progress,2026-09-01\n",
        encoding="utf-8",
    )
    demo.ok("import", "--site", "brightwater-demo", sheet)
    assert shown(demo, monkeypatch, "2026-11-27") == truth(demo.db, "2026-11-27")
    assert shown(demo, monkeypatch, "2025-06-30") == truth(demo.db, "2025-06-30")
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-27")
    demo.ok("set-status", "--site", "brightwater-demo", "5.9.1", "complete")
    conn = sqlite3.connect(demo.db)
    try:
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    finally:
        conn.close()
    assert {"status_updates_current_ai", "status_updates_current_au"} <= triggers
    assert shown(demo, monkeypatch, "2026-11-27") == truth(demo.db, "2026-11-27")


def test_status_as_of_a_past_date(demo, monkeypatch):
    (engagement,) = demo.json("status", *SITE, "--as-of", "2025-06-30")
    assert engagement["as_of"] == "2025-06-30"
    counts = {
        a["number"]: Counter({s["status"]: s["count"] for s in a["statuses"] if s["count"]})
        for a in engagement["focus_areas"]
        if a["total"]
    }
    assert counts == truth(demo.db, "2025-06-30") != truth(demo.db, "2026-11-27")
    demo.fails("status", "--as-of", "2026-11-28", says="in the future")
    demo.fails("status", "--as-of", "2025-02-30", says="not a real date")


def test_status_svg_to_a_missing_folder_prints_nothing(demo, tmp_path):
    result = demo("status", "--svg", tmp_path / "nowhere" / "dash.svg")
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        result.stderr.strip().startswith("error: cannot write")
        and len(result.stderr.strip().splitlines()) == 1
    )
