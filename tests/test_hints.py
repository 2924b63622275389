"""Common mistakes meet a hint: one line that says what was meant, never a traceback."""

import pytest

from helpers import EXAMPLES

SITE = ("--site", "north-miami")


@pytest.fixture
def two(north_miami):
    north_miami.ok("demo")  # two engagements: no default site to fall back on
    return north_miami


@pytest.mark.parametrize(
    "args",
    [
        ("set-status", "north-miami", "3.1.1", "complete"),
        ("history", "north-miami", "3.1"),
        ("submit", "north-miami", "3.1"),
    ],
)
def test_a_site_typed_where_a_reference_belongs(two, args):
    result = two(*args)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: 'north-miami' is an engagement, not a reference: "
        f"did you mean --site north-miami? (see `reformctl {args[0]} --help`)"
    )


def test_the_hint_needs_the_slug_to_be_a_site(two):
    result = two("set-status", "nowhere", "3.1.1", "complete")
    assert result.exit_code == 2 and "did you mean --site" not in result.stderr
    line = two.fails("set-status", *SITE, "9.9.9", "complete", says="has no recommendation 9.9.9")
    assert "did you mean" not in line


def test_new_engagement_without_a_terminal_names_every_missing_value(cli):
    result = cli("new-engagement", "--city", "Miami")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: missing --site, --agency and --focus-area (stdin is not a terminal, "
        "so reformctl cannot ask for them) (see `reformctl new-engagement --help`)"
    )
    cli.fails("new-engagement", "--site", "x", code=2, says="missing --agency and --focus-area (")


@pytest.mark.parametrize("value", ["2024-13-01", '"2024-13-01"'])
def test_an_engagement_file_names_the_bad_key_and_its_line(cli, isolated, value):
    path = isolated / "bad.toml"
    path.write_text(f'site = "bad"\nagency = "Bad PD"\nannounced = {value}\nfocus_areas = ["A"]\n')
    line = cli.fails("new-engagement", "--from", path)
    assert (
        line
        == f"error: {path}: announced: 2024-13-01 is not a date, line 3; use YYYY-MM-DD, e.g. 2024-03-28"
    )


def test_an_engagement_file_with_a_byte_order_mark_is_read(cli, isolated):
    path = isolated / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "north-miami.toml").read_bytes())
    cli.ok("new-engagement", "--from", path)
    assert (
        cli.json("show", "--site", "north-miami")["engagement"]["agency"]
        == "North Miami Police Department"
    )


def test_a_missing_editor_names_the_variable(north_miami, monkeypatch):
    monkeypatch.setattr("reformctl.cli.prompts.interactive", lambda: True)
    monkeypatch.setenv("EDITOR", "no-such-editor-here --wait")
    monkeypatch.delenv("VISUAL", raising=False)
    line = north_miami.fails("log-finding", *SITE, "--focus-area", "1", "--title", "T", "--edit")
    assert line == (
        "error: the editor in $EDITOR ('no-such-editor-here') was not found; set $EDITOR to an "
        "installed editor, or use --body or --body-file"
    )
    monkeypatch.delenv("EDITOR")
    monkeypatch.setenv("PATH", "/nonexistent")
    line = north_miami.fails("log-finding", *SITE, "--focus-area", "1", "--title", "T", "--edit")
    assert line == (
        "error: no editor: $EDITOR is not set and vi was not found; set EDITOR "
        "(e.g. export EDITOR=nano), or use --body or --body-file"
    )


def test_piped_tables_keep_every_column(demo, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    out = demo.ok("history", "--site", "brightwater-demo").splitlines()
    assert out[0].split() == ["#", "When", "(UTC)", "Who", "Record", "Action", "Change"]
    assert not any("…" in line for line in out)
    events = demo.json("history", "--site", "brightwater-demo")
    rows = [line.split() for line in out[2:] if line.split() and line.split()[0].isdigit()]
    assert [int(row[0]) for row in rows] == [e["id"] for e in events]
    assert "draft -> in-review" in " ".join(
        " ".join(out).split()
    )  # the Change column, wrapped not dropped


def test_no_hint_and_no_traceback_when_the_store_cannot_be_read(cli, isolated):
    (isolated / "test.db").write_text("not a store\n")
    result = cli("set-status", "north-miami", "3.1.1", "complete")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(
        "error: Invalid value for 'STATUS': '3.1.1' is not a status"
    )
    assert "Traceback" not in result.output + result.stderr
