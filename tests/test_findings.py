"""log-finding and findings: numbering per focus area, focus-area references, bad input."""

import pytest


def log(cli, area, title="A finding", *extra):
    return cli.ok(
        "log-finding", "--site", "north-miami", "--focus-area", area, "--title", title, *extra
    ).strip()


def test_numbered_per_focus_area(north_miami):
    assert log(north_miami, "3") == "3.1"
    assert log(north_miami, "3") == "3.2"
    assert log(north_miami, "1") == "1.1"
    assert log(north_miami, "technology") == "3.3"
    assert log(north_miami, "TECH") == "3.4"  # case-insensitive title prefix
    assert log(north_miami, "Oversight") == "6.1"


def test_json_output_and_listing(north_miami):
    made = north_miami.json(
        "log-finding",
        "--site",
        "north-miami",
        "--focus-area",
        "2",
        "--title",
        "Few listening sessions",
        "--body",
        "Only one session in 2023.",
        "--method",
        "interview",
        "--method",
        "document-review",
        "--method",
        "interview",
    )
    assert made["number"] == "2.1" and made["methods"] == ["interview", "document-review"]
    assert len(made["id"]) == 36  # a stable UUID besides the public number
    listed = north_miami.json("findings", "--site", "north-miami")
    assert [(f["number"], f["title"], f["body"]) for f in listed] == [
        ("2.1", "Few listening sessions", "Only one session in 2023.")
    ]
    assert north_miami.json("findings", "--site", "north-miami", "--focus-area", "1") == []
    assert "Few listening sessions" in north_miami.ok("findings", "--site", "north-miami")


def test_body_from_file_and_stdin(north_miami, isolated):
    (isolated / "body.md").write_text("Line one.\n\nLine two.\n")
    log(north_miami, "1", "From a file", "--body-file", isolated / "body.md")
    north_miami.ok(
        "log-finding",
        "--site",
        "north-miami",
        "--focus-area",
        "1",
        "--title",
        "From stdin",
        "--body-file",
        "-",
        input="Piped body.\n",
    )
    bodies = [f["body"] for f in north_miami.json("findings", "--site", "north-miami")]
    assert bodies == ["Line one.\n\nLine two.", "Piped body."]


def test_edit_uses_the_editor(north_miami, isolated, monkeypatch):
    editor = isolated / "editor.sh"
    editor.write_text('#!/bin/sh\necho "Written in the editor." >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setattr("reformctl.cli.prompts.interactive", lambda: True)
    log(north_miami, "1", "Edited", "--edit")
    assert (
        north_miami.json("findings", "--site", "north-miami")[0]["body"] == "Written in the editor."
    )


def test_internal_flag_is_recorded(north_miami):
    log(north_miami, "1", "Team only", "--internal")
    assert north_miami.json("findings", "--site", "north-miami")[0]["internal"] is True


def test_every_change_is_in_the_audit_trail(north_miami, isolated):
    import sqlite3

    log(north_miami, "1")
    conn = sqlite3.connect(isolated / "test.db")
    actions = conn.execute(
        "SELECT actor, record_type, action, ref FROM events WHERE record_type = 'finding'"
    ).fetchall()
    assert actions == [("tester", "finding", "create", "1.1")]


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["--focus-area", "9", "--title", "t"], 1, "no focus area 9"),
        (["--focus-area", "policing", "--title", "t"], 1, "no focus area 'policing'"),
        (["--focus-area", "", "--title", "t"], 1, "no focus area"),
        (["--focus-area", "1", "--title", "   "], 1, "title must not be empty"),
        (["--focus-area", "1", "--title", "t", "--method", "seance"], 2, "--method"),
        (
            ["--focus-area", "1", "--title", "t", "--body", "b", "--body-file", "x"],
            2,
            "only one of",
        ),
        (["--focus-area", "1", "--title", "t", "--body-file", "missing.md"], 1, "no such file"),
        (["--focus-area", "1", "--title", "t", "--date", "2024-13-01"], 1, "not a real date"),
        (["--focus-area", "1", "--title", "t", "--date", "2027-01-01"], 1, "in the future"),
        (["--focus-area", "1", "--title", "bell\x07"], 1, "control character"),
        (["--focus-area", "1", "--title", "t", "--edit"], 2, "--edit needs a terminal"),
    ],
)
def test_bad_findings(north_miami, args, code, says):
    north_miami.fails("log-finding", "--site", "north-miami", *args, code=code, says=says)


def test_ambiguous_prefix(cli):
    cli.ok(
        "new-engagement",
        "--site",
        "x",
        "--agency",
        "X PD",
        "--focus-area",
        "Community Engagement",
        "--focus-area",
        "Community Policing",
    )
    line = cli.fails(
        "log-finding", "--site", "x", "--focus-area", "comm", "--title", "t", says="ambiguous"
    )
    assert "Community Engagement" in line and "Community Policing" in line


def test_unknown_site(north_miami):
    north_miami.fails(
        "log-finding",
        "--site",
        "nowhere",
        "--focus-area",
        "1",
        "--title",
        "t",
        says="no engagement",
    )
    north_miami.fails("findings", "--site", "nowhere", says="no engagement")
