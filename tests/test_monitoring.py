"""Status reasons and evidence, a recommendation's timeline, and a quarter's review from CSV."""

import pytest

SITE = ("--site", "brightwater-demo")


def test_reason_and_evidence_are_recorded(demo):
    out = demo.ok(
        "set-status",
        *SITE,
        "1.1.2",
        "partially-complete",
        "--as-of",
        "2026-10-15",
        "--reason",
        "collective-bargaining",
        "--evidence",
        "Side letter of 2026-10-01",
    )
    assert "Partially Complete as of 2026-10-15" in out
    assert "decided not to pursue further efforts" in out
    history = demo.json("status-history", *SITE, "1.1.2")
    last = history["history"][-1]
    assert last["status"] == "partially-complete" and last["reason"] == "collective-bargaining"
    assert last["evidence"] == "Side letter of 2026-10-01" and last["recorded_by"] == "tester"
    assert [u["status"] for u in history["history"]] == [
        "not-started",
        "in-progress",
        "partially-complete",
    ]
    data = demo.json(
        "set-status",
        *SITE,
        "1.1.2",
        "not-started",
        "--as-of",
        "2026-10-16",
        "--reason",
        "resources",
    )
    assert data["reason"] == "resources" and data["meaning"] is None


def test_reason_refusals(demo):
    demo.fails(
        "set-status",
        *SITE,
        "1.1.2",
        "in-progress",
        "--reason",
        "resources",
        says="only for not-started or partially-complete",
    )
    demo.fails(
        "set-status",
        *SITE,
        "1.1.2",
        "complete",
        "--reason",
        "other",
        says="only for not-started or partially-complete",
    )
    demo.fails(
        "set-status", *SITE, "1.1.2", "not-started", "--reason", "money", code=2, says="--reason"
    )
    demo.fails("status-history", *SITE, "9.9.9", says="no recommendation 9.9.9")
    demo.fails("status-history", *SITE, "1.1", says="not a recommendation number")


def test_status_history_table(demo):
    out = demo.ok("status-history", *SITE, "1.1.3")
    history = demo.json("status-history", *SITE, "1.1.3")["history"]
    assert len(history) == 3
    # One table row per update, oldest first: its date, then its status label.
    dated = [line for line in out.splitlines() if line[:4].isdigit()]
    assert [line[:10] for line in dated] == [u["as_of"] for u in history]
    assert [
        line[12:].startswith(u["status_label"]) for line, u in zip(dated, history, strict=False)
    ] == [True] * 3
    assert (
        "Subject to collective bargaining" in dated[2]
    )  # the reason's label sits on its update's row


def write(tmp_path, text, name="review.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bulk_status_applies_all(demo, isolated):
    path = write(
        isolated,
        "recommendation,status,as_of,note,reason,evidence\n"
        "1.1.2,complete,2026-10-31,Measures published,,Annual report 2026\n"
        "1.1.3,partially-complete,2026-10-31,,collective-bargaining,\n",
    )
    dry = demo.json("bulk-status", *SITE, path, "--dry-run")
    assert (
        dry["dry_run"]
        and dry["applied"] == 0
        and [r["number"] for r in dry["rows"]] == ["1.1.2", "1.1.3"]
    )
    assert demo.json("status-history", *SITE, "1.1.2")["history"][-1]["status"] == "in-progress"
    done = demo.json("bulk-status", *SITE, path)
    assert done["applied"] == 2 and done["rows"][0]["previous"] == "in-progress"
    last = demo.json("status-history", *SITE, "1.1.2")["history"][-1]
    assert last["status"] == "complete" and last["evidence"] == "Annual report 2026"
    assert "Applied 1 status update to brightwater-demo" in demo.ok(
        "bulk-status",
        *SITE,
        write(
            isolated,
            "recommendation,status,as_of,note,reason\n1.2.1,complete,2026-11-01,,\n",
            "b.csv",
        ),
    )


def test_bulk_status_lists_every_bad_row_and_writes_nothing(demo, isolated):
    from helpers import dump

    path = write(
        isolated,
        "recommendation,status,as_of,note,reason\n"
        "1.1.2,complete,2026-10-31,fine,\n"
        "9.9.9,complete,2026-10-31,,\n"
        "1.1.3,done,2026-10-31,,\n"
        "1.2.1,in-progress,2026-10-31,,resources\n"
        "1.2.2,complete,2030-01-01,,\n"
        "1.2.1,complete,,,\n",
    )
    before = dump(demo.db)
    result = demo("bulk-status", *SITE, path)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[1].strip() for line in lines[:-1]] == [
        "row 3",
        "row 4",
        "row 5",
        "row 6",
        "row 7",
    ]
    assert all(line.startswith("error: ") for line in lines)
    assert "nothing was changed" in lines[-1]
    assert dump(demo.db) == before
    # Each row's problem is worded for the command line, as set-status words it.
    assert lines[0] == (
        "error: row 3: brightwater-demo has no recommendation 9.9.9; "
        "`reformctl findings --site brightwater-demo` lists findings and their recommendations"
    )
    assert lines[3] == "error: row 6: as_of 2030-01-01 is in the future; today is 2026-11-27"


def test_bulk_status_file_refusals(demo, isolated):
    demo.fails(
        "bulk-status",
        *SITE,
        write(isolated, "rec,status\n1.1.1,complete\n"),
        says="lacks the columns recommendation, as_of, note, reason;",
    )
    demo.fails("bulk-status", *SITE, write(isolated, "", "empty.csv"), says="is empty")
    demo.fails(
        "bulk-status",
        *SITE,
        write(isolated, "recommendation,status,as_of,note,reason\n", "h.csv"),
        says="no rows",
    )
    demo.fails("bulk-status", *SITE, isolated / "missing.csv", says="missing.csv")
    demo.fails(
        "bulk-status",
        "--site",
        "nowhere",
        write(
            isolated,
            "recommendation,status,as_of,note,reason\n1.1.1,complete,2026-01-01,,\n",
            "x.csv",
        ),
        says="no engagement",
    )


def test_schedule_and_dashboard(demo):
    demo.ok(
        "new-engagement", "--site", "quiet", "--agency", "Quiet PD", "--focus-area", "Only area"
    )
    assert (
        demo.json("schedule", *SITE, "--next-update", "2026-12-31")["next_update"] == "2026-12-31"
    )
    demo.fails("schedule", *SITE, "--next-update", "2026-01-01", says="in the past")
    demo.fails("schedule", *SITE, "--next-update", "soon", says="not a real date")
    rows = demo.json("status")
    assert [r["site"] for r in rows] == ["brightwater-demo", "quiet"]
    bright = rows[0]
    assert bright["next_update"] == "2026-12-31" and not bright["update_overdue"]
    assert [a["number"] for a in bright["focus_areas"]] == [1, 2, 3, 4, 5]
    overview = demo.json("show", *SITE)
    assert bright["total"] == sum(s["count"] for s in overview["status_summary"])
    assert rows[1]["total"] == 0 and rows[1]["next_update"] is None
    only = demo.json("status", *SITE)
    assert only == [bright]
    text = demo.ok("status")
    assert (
        "brightwater-demo" in text
        and "next update: 2026-12-31" in text
        and "under development" in text
    )
    for area in bright["focus_areas"]:  # every focus area of the JSON is on the dashboard
        assert area["title"][:30] in text, area["title"]
    assert "█" in text and "░" in text
    demo.fails("status", "--site", "nowhere", says="no engagement")


@pytest.mark.slow
def test_dashboard_across_a_thousand_engagements(cli):
    import sqlite3

    from reformctl.store import open_store

    open_store(cli.db).close()  # creates and migrates the store
    conn = sqlite3.connect(cli.db)
    with conn:
        for e in range(1000):
            eid = f"e{e}"
            conn.execute(
                "INSERT INTO engagements (id, site, agency, program, phase, next_update, created_at, created_by) "
                "VALUES (?, ?, ?, 'organizational-assessment', 'implementation', ?, 'x', 't')",
                (eid, f"site-{e:04d}", f"Agency {e}", "2026-01-01" if e % 2 else None),
            )
            for a in range(1, 6):
                conn.execute(
                    "INSERT INTO focus_areas VALUES (?, ?, ?, ?, ?)",
                    (f"{eid}a{a}", eid, a, f"Area {a}", f"area-{a}"),
                )
                conn.execute(
                    "INSERT INTO findings (id, engagement_id, focus_area_id, number, title, dated, created_at, created_by) "
                    "VALUES (?, ?, ?, 1, 't', '2025-01-01', 'x', 't')",
                    (f"{eid}a{a}f", eid, f"{eid}a{a}"),
                )
                for r in (1, 2):
                    rid = f"{eid}a{a}r{r}"
                    conn.execute(
                        "INSERT INTO recommendations (id, engagement_id, finding_id, number, text, dated, created_at, created_by) "
                        "VALUES (?, ?, ?, ?, 't', '2025-01-01', 'x', 't')",
                        (rid, eid, f"{eid}a{a}f", r),
                    )
                    conn.execute(
                        "INSERT INTO status_updates (id, recommendation_id, status, as_of, recorded_at, recorded_by) "
                        "VALUES (?, ?, ?, '2025-06-30', 'x', 't')",
                        (rid + "s", rid, "complete" if r == 1 else "in-progress"),
                    )
    conn.close()
    rows = cli.json("status")
    assert len(rows) == 1000 and all(len(r["focus_areas"]) == 5 and r["total"] == 10 for r in rows)
    assert rows[1]["update_overdue"] and not rows[0]["update_overdue"]
    area = rows[0]["focus_areas"][0]
    assert {s["status"]: s["count"] for s in area["statuses"]}["complete"] == 1
    assert cli.ok("status").count("next update:") == 1000


def test_bulk_status_from_stdin(demo):
    import json

    out = demo.ok(
        "bulk-status",
        *SITE,
        "-",
        "--format",
        "json",
        input="recommendation,status,as_of,note,reason\n1.2.1,complete,2026-11-01,,\n",
    )
    data = json.loads(out)
    assert data["applied"] == 1 and data["rows"][0]["number"] == "1.2.1"


def test_status_history_shows_every_column_at_80_columns(demo, monkeypatch):
    evidence = "Signed side letter with the union and the revised complaint intake form"
    demo.ok(
        "--as",
        "Dana Whitfield",
        "set-status",
        *SITE,
        "2.1.1",
        "partially-complete",
        "--as-of",
        "2026-11-01",
        "--reason",
        "collective-bargaining",
        "--note",
        "Union agreed in part",
        "--evidence",
        evidence,
    )
    monkeypatch.setenv("COLUMNS", "80")
    out = demo.ok("status-history", *SITE, "2.1.1")
    assert all(len(line) <= 80 for line in out.splitlines()), out
    header = out.splitlines()[1]
    assert all(
        name in header for name in ("As of", "Status", "Reason", "Note", "Evidence", "Recorded by")
    )
    words = " ".join(out.split())
    for word in evidence.split() + ["Dana", "Whitfield", "tester", "collective", "bargaining"]:
        assert word in words, word


def test_set_status_back_dated_says_a_later_update_stands(demo):
    out = demo.ok("set-status", *SITE, "4.2.2", "not-started", "--as-of", "2026-01-15")
    assert "Not Started as of 2026-01-15" in out
    assert "note: a later update (In Progress as of 2026-06-30) remains the current status" in out
    data = demo.json("set-status", *SITE, "4.2.2", "not-started", "--as-of", "2026-02-15")
    assert data["superseded_by"] == {"status": "in-progress", "as_of": "2026-06-30"}
    assert data["status"] == "not-started" and data["previous"] == "not-started"
    current = demo.json("set-status", *SITE, "4.2.2", "complete", "--as-of", "2026-06-30")
    assert current["superseded_by"] is None  # the same date: the update recorded last wins
    assert "remains the current status" not in demo.ok(
        "set-status", *SITE, "4.2.2", "complete", "--as-of", "2026-11-01"
    )


def test_bulk_status_back_dated_row_says_a_later_update_stands(demo, isolated):
    path = write(
        isolated, "recommendation,status,as_of,note,reason\n4.2.2,not-started,2026-01-15,,\n"
    )
    assert demo.json("bulk-status", *SITE, path, "--dry-run")["rows"][0]["superseded_by"] == {
        "status": "in-progress",
        "as_of": "2026-06-30",
    }
    out = demo.ok("bulk-status", *SITE, path)
    assert (
        "note: row 2: a later update of 4.2.2 (In Progress as of 2026-06-30) remains the current status"
        in out
    )


def test_bulk_status_takes_labels_as_import_does(demo, isolated):
    path = write(
        isolated,
        "recommendation,status,as_of,note,reason\n"
        "1.1.2,Complete,2026-10-31,,\n"
        "1.1.3,Partially Complete,2026-10-31,,Resources not available\n"
        "1.2.1,in progress,2026-10-31,,\n"
        "1.2.2,NOT-STARTED,2026-10-31,,subject to collective  bargaining\n",
    )
    rows = demo.json("bulk-status", *SITE, path)["rows"]
    assert [(r["status"], r["reason"]) for r in rows] == [
        ("complete", None),
        ("partially-complete", "resources"),
        ("in-progress", None),
        ("not-started", "collective-bargaining"),
    ]
    bad = write(
        isolated, "recommendation,status,as_of,note,reason\n1.1.2,Done,2026-11-01,,\n", "bad.csv"
    )
    result = demo("bulk-status", *SITE, bad)
    assert (
        result.exit_code == 1
        and "row 2: status 'Done' is unknown; choose one of complete" in result.stderr
    )


def test_set_status_takes_labels_in_any_case(demo):
    assert (
        demo.json("set-status", *SITE, "1.1.2", "Complete", "--as-of", "2026-10-01")["status"]
        == "complete"
    )
    assert (
        demo.json("set-status", *SITE, "1.1.2", "in progress", "--as-of", "2026-10-02")["status"]
        == "in-progress"
    )
    data = demo.json(
        "set-status",
        *SITE,
        "1.1.2",
        "Partially Complete",
        "--as-of",
        "2026-10-03",
        "--reason",
        "Resources not available",
    )
    assert data["status"] == "partially-complete" and data["reason"] == "resources"
    assert (
        demo.json("set-status", *SITE, "1.1.2", "NOT-STARTED", "--reason", "OTHER")["reason"]
        == "other"
    )
    # A bad status or reason stays a usage error (exit 2, as the choice list made it), in one line.
    line = demo.fails("set-status", *SITE, "1.1.2", "done", code=2, says="'done' is not a status")
    assert "complete, partially-complete, in-progress, not-started" in line
    demo.fails(
        "set-status",
        *SITE,
        "1.1.2",
        "not-started",
        "--reason",
        "Money",
        code=2,
        says="'Money' is not a reason",
    )
    help_text = demo.ok("set-status", "--help")
    assert "not-started, in-progress, partially-complete or complete" in " ".join(help_text.split())
    assert "collective-bargaining" in help_text


def test_a_reason_with_the_wrong_status_is_worded_for_where_it_came_from(demo, isolated):
    demo.fails(
        "set-status",
        *SITE,
        "1.1.2",
        "complete",
        "--reason",
        "other",
        says="leave --reason out or change the status",
    )
    path = write(
        isolated, "recommendation,status,as_of,note,reason\n1.1.2,complete,2026-10-31,,other\n"
    )
    result = demo("bulk-status", *SITE, path)
    assert result.exit_code == 1
    assert (
        "row 2: a reason is given only for not-started or partially-complete, not complete; "
        "leave the reason column empty or change the status" in result.stderr
    )
    assert "--reason" not in result.stderr


def test_bulk_status_names_the_file_as_import_does(demo, isolated):
    missing = isolated / "review.csv"
    assert (
        demo.fails("bulk-status", *SITE, missing, says="no such file")
        == f"error: {missing}: no such file"
    )
    assert (
        demo.fails("import", "--site", "brightwater-demo", missing, says="no such file")
        == f"error: {missing}: no such file"
    )
    demo.fails("bulk-status", *SITE, isolated, says=f"{isolated}: no such file")  # a folder
    latin = isolated / "latin.csv"
    latin.write_bytes(
        b"recommendation,status,as_of,note,reason\n1.1.2,complete,2026-10-31,Caf\xe9,\n"
    )
    demo.fails("bulk-status", *SITE, latin, says=f"{latin}: not UTF-8 text")
    empty = write(isolated, "", "empty.csv")
    demo.fails("bulk-status", *SITE, empty, says=f"{empty}: the file is empty")
    header = write(isolated, "rec,status\n1.1.1,complete\n", "header.csv")
    demo.fails(
        "bulk-status",
        *SITE,
        header,
        says=f"{header}: lacks the columns recommendation, as_of, note, reason;",
    )
    one = write(isolated, "status,as_of,note,reason\n", "one.csv")
    demo.fails("bulk-status", *SITE, one, says=f"{one}: lacks the column recommendation;")
    extra = write(isolated, "recommendation,status,as_of,note,reason,owner\n", "extra.csv")
    demo.fails("bulk-status", *SITE, extra, says=f"{extra}: has an unknown column owner;")
    rowless = write(isolated, "recommendation,status,as_of,note,reason\n", "rowless.csv")
    demo.fails("bulk-status", *SITE, rowless, says=f"{rowless}: the file has a header but no rows")
