"""Every door checks the same rules: whatever field a hostile value arrives in, and whichever way
(options, --body-file, stdin, --edit, a TOML engagement file, a CSV or XLSX import, bulk-status),
it is refused with one line naming the field, and nothing is written.

The rules live in model/text.py (clean_title, clean_name, clean_body, clean_actor, clean_int);
these tests attack them through the real CLI, door by door."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import EXAMPLES, Cli, dump, examples
from reformctl.errors import Invalid
from reformctl.model import text as T
from reformctl.reports.public import redact

SITE = ("--site", "north-miami")
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
CONTROLS = {
    "nul-ish C0 (SOH)": "\x01",
    "ESC": "\x1b[31m",
    "VT (Python whitespace)": "\x0b",
    "unit separator": "\x1f",
    "DEL": "\x7f",
    "C1 NEL": "\x85",
    "C1 CSI": "\x9b",
    **{f"bidi U+{ord(c):04X}": c for c in BIDI},
}
MALFORMED = {
    "unclosed": "[[a",
    "stray close": "a]]",
    "nested": "[[a [[b]] c]]",
    "empty": "[[]]",
    "blank": "[[  ]]",
}
# openpyxl cannot write C0 characters into a workbook, so the XLSX door is attacked with the rest.
XLSX_UNWRITABLE = {"nul-ish C0 (SOH)", "ESC", "VT (Python whitespace)", "unit separator"}
XLSX_CELL = 32_767  # and it cuts a cell to Excel's limit, so a longer value cannot reach the import


def hostile(kind: str, limit: int) -> list[tuple[str, str]]:
    """(id, value) for a field of KIND ('line', 'name' or 'body') bounded at LIMIT characters."""
    values = [(name, f"Word {c} word") for name, c in CONTROLS.items()]
    values += [(name, f"Word {m} word") for name, m in MALFORMED.items()]
    values.append(("over-long", "x" * (limit + 1)))
    if kind == "name":
        values.append(("any marker", "Word [[x]] word"))
    return values


# --- The template store: an engagement with a draft finding, one in review, a recommendation and a
# team member, built once and copied for each case (hundreds of cases, each with a fresh store).
_TEMPLATE: list[Path] = []


@pytest.fixture
def store(cli: Cli, tmp_path_factory) -> Cli:
    if not _TEMPLATE:
        cli.ok("new-engagement", "--from", EXAMPLES / "north-miami.toml")
        cli.ok(
            "log-finding", *SITE, "--focus-area", "1", "--title", "Draft finding", "--body", "Body."
        )
        cli.ok("recommend", *SITE, "--finding", "1.1", "--text", "Do it.", "--owner", "Records")
        cli.ok("log-finding", *SITE, "--focus-area", "1", "--title", "In review", "--body", "Body.")
        cli.ok("submit", *SITE, "1.2")
        cli.ok("team", "add", *SITE, "Dana Reyes", "--role", "lead")
        saved = tmp_path_factory.mktemp("template") / "test.db"
        shutil.copy(cli.db, saved)
        _TEMPLATE.append(saved)
    else:
        shutil.copy(_TEMPLATE[0], cli.db)
    return cli


def toml_str(value: str) -> str:
    """A TOML basic string holding VALUE exactly (every control and non-ASCII character escaped)."""
    return (
        '"'
        + "".join(
            c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else f"\\u{ord(c):04x}" for c in value
        )
        + '"'
    )


def toml_engagement(
    tmp: Path,
    *,
    agency="Agency",
    focus="Area",
    title="Title",
    body="Body.",
    text="Do it.",
    owner="Unit",
    protected="Jane Roe",
    note="Checked.",
    raw: dict | None = None,
) -> Path:
    """An engagement file with a finding, a recommendation and a status; RAW holds keys as TOML written."""
    finding = {
        "focus_area": "1",
        "dated": "2026-01-01",
        "title": toml_str(title),
        "body": toml_str(body),
    }
    rec = {"text": toml_str(text), "owner": toml_str(owner)}
    for key, value in (raw or {}).items():
        (rec if key in rec else finding)[key] = value
    path = tmp / "eng.toml"
    path.write_text(
        "\n".join(
            [
                'site = "toml-site"',
                f"agency = {toml_str(agency)}",
                f"focus_areas = [{toml_str(focus)}]",
                f"protected = [{toml_str(protected)}]",
                "[[findings]]",
                *(f"{k} = {v}" for k, v in finding.items()),
                "  [[findings.recommendations]]",
                *(f"  {k} = {v}" for k, v in rec.items()),
                "    [[findings.recommendations.statuses]]",
                '    status = "in-progress"',
                "    as_of = 2026-01-05",
                f"    note = {toml_str(note)}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return path


SHEET_COLUMNS = [
    "finding",
    "finding_title",
    "finding_body",
    "recommendation",
    "recommendation_text",
    "owner",
    "status",
    "status_as_of",
    "note",
    "evidence",
]


def sheet_row(**hostile_cell) -> list[str]:
    row = {
        "finding": "1.5",
        "finding_title": "Imported",
        "finding_body": "Body.",
        "recommendation": "1.5.1",
        "recommendation_text": "Do it.",
        "owner": "Unit",
        "status": "in-progress",
        "status_as_of": "2026-01-05",
        "note": "Checked.",
        "evidence": "Policy.",
    }
    row.update(hostile_cell)
    return [row[c] for c in SHEET_COLUMNS]


def write_csv(tmp: Path, column: str, value: str) -> Path:
    path = tmp / "sheet.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([SHEET_COLUMNS, sheet_row(**{column: value})])
    return path


def write_xlsx(tmp: Path, column: str, value: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(SHEET_COLUMNS)
    book.active.append(sheet_row(**{column: value}))
    path = tmp / "sheet.xlsx"
    book.save(path)
    return path


def editor_writing(tmp: Path, value: str, monkeypatch) -> None:
    """$EDITOR replaced by a script that writes VALUE into the file (as a user would, in the editor)."""
    (tmp / "edited.txt").write_text(value, encoding="utf-8")
    script = tmp / "editor.sh"
    script.write_text(f'#!/bin/sh\ncat "{tmp / "edited.txt"}" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.setattr("reformctl.cli.prompts.interactive", lambda: True)


def body_file(tmp: Path, value: str) -> Path:
    path = tmp / "body.txt"
    path.write_text(f"First line.\n\n{value}\n", encoding="utf-8")
    return path


# Each door: (id, field kind, bound, word the error must name, how to send VALUE through it).
# A builder returns the CLI arguments, or (arguments, stdin).
DOORS = [
    (
        "new-engagement --agency",
        "name",
        T.MAX_NAME,
        "agency",
        lambda v, tmp, mp: ["new-engagement", "--site", "x-pd", "--agency", v, "--focus-area", "A"],
    ),
    (
        "new-engagement --city",
        "name",
        T.MAX_NAME,
        "city",
        lambda v, tmp, mp: [
            "new-engagement",
            "--site",
            "x-pd",
            "--agency",
            "A",
            "--city",
            v,
            "--focus-area",
            "A",
        ],
    ),
    (
        "new-engagement --focus-area",
        "name",
        T.MAX_NAME,
        "focus area title",
        lambda v, tmp, mp: ["new-engagement", "--site", "x-pd", "--agency", "A", "--focus-area", v],
    ),
    (
        "new-engagement --public-url",
        "name",
        T.MAX_URL,
        "public url",
        lambda v, tmp, mp: [
            "new-engagement",
            "--site",
            "x-pd",
            "--agency",
            "A",
            "--focus-area",
            "A",
            "--public-url",
            "https://example.org/" + v,
        ],
    ),
    (
        "log-finding --title",
        "line",
        T.MAX_TITLE,
        "finding title",
        lambda v, tmp, mp: ["log-finding", *SITE, "--focus-area", "1", "--title", v],
    ),
    (
        "log-finding --body",
        "body",
        T.MAX_BODY,
        "finding body",
        lambda v, tmp, mp: ["log-finding", *SITE, "--focus-area", "1", "--title", "T", "--body", v],
    ),
    (
        "log-finding --body-file",
        "body",
        T.MAX_BODY,
        "finding body",
        lambda v, tmp, mp: [
            "log-finding",
            *SITE,
            "--focus-area",
            "1",
            "--title",
            "T",
            "--body-file",
            body_file(tmp, v),
        ],
    ),
    (
        "log-finding --body-file -",
        "body",
        T.MAX_BODY,
        "finding body",
        lambda v, tmp, mp: (
            ["log-finding", *SITE, "--focus-area", "1", "--title", "T", "--body-file", "-"],
            v,
        ),
    ),
    (
        "recommend --text",
        "body",
        T.MAX_TEXT,
        "recommendation text",
        lambda v, tmp, mp: ["recommend", *SITE, "--finding", "1.1", "--text", v],
    ),
    (
        "recommend --owner",
        "name",
        T.MAX_NAME,
        "owner",
        lambda v, tmp, mp: ["recommend", *SITE, "--finding", "1.1", "--text", "T", "--owner", v],
    ),
    (
        "edit --title",
        "line",
        T.MAX_TITLE,
        "finding title",
        lambda v, tmp, mp: ["edit", *SITE, "1.1", "--title", v],
    ),
    (
        "edit --body",
        "body",
        T.MAX_BODY,
        "finding body",
        lambda v, tmp, mp: ["edit", *SITE, "1.1", "--body", v],
    ),
    (
        "edit --edit",
        "body",
        T.MAX_BODY,
        "finding body",
        lambda v, tmp, mp: editor_writing(tmp, v, mp) or ["edit", *SITE, "1.1", "--edit"],
    ),
    (
        "edit --text",
        "body",
        T.MAX_TEXT,
        "recommendation text",
        lambda v, tmp, mp: ["edit", *SITE, "1.1.1", "--text", v],
    ),
    (
        "edit --owner",
        "name",
        T.MAX_NAME,
        "owner",
        lambda v, tmp, mp: ["edit", *SITE, "1.1.1", "--owner", v],
    ),
    (
        "set-status --note",
        "body",
        T.MAX_TEXT,
        "note",
        lambda v, tmp, mp: ["set-status", *SITE, "1.1.1", "in-progress", "--note", v],
    ),
    (
        "set-status --evidence",
        "body",
        T.MAX_TEXT,
        "evidence",
        lambda v, tmp, mp: ["set-status", *SITE, "1.1.1", "in-progress", "--evidence", v],
    ),
    ("note", "body", T.MAX_NOTE, "note", lambda v, tmp, mp: ["note", *SITE, "1.1", v]),
    ("protect", "name", T.MAX_NAME, "protected term", lambda v, tmp, mp: ["protect", *SITE, v]),
    (
        "team add NAME",
        "name",
        T.MAX_NAME,
        "team member name",
        lambda v, tmp, mp: ["team", "add", *SITE, v, "--role", "lead"],
    ),
    (
        "team add --expertise",
        "line",
        T.MAX_TITLE,
        "expertise",
        lambda v, tmp, mp: ["team", "add", *SITE, "Sam Lee", "--role", "lead", "--expertise", v],
    ),
    (
        "activity --summary",
        "body",
        T.MAX_NOTE,
        "activity summary",
        lambda v, tmp, mp: [
            "activity",
            *SITE,
            "--method",
            "interview",
            "--date",
            "2026-01-05",
            "--summary",
            v,
        ],
    ),
    (
        "review --comment",
        "body",
        5_000,
        "comment",
        lambda v, tmp, mp: [
            "--as",
            "A. Reviewer",
            "review",
            *SITE,
            "1.2",
            "--decision",
            "return",
            "--comment",
            v,
        ],
    ),
    (
        "bulk-status note",
        "body",
        T.MAX_TEXT,
        "note",
        lambda v, tmp, mp: (
            ["bulk-status", *SITE, "-"],
            _csv_text(
                [
                    ["recommendation", "status", "as_of", "note", "reason"],
                    ["1.1.1", "in-progress", "2026-11-27", v, ""],
                ]
            ),
        ),
    ),
    *[
        (
            f"toml {key}",
            kind,
            limit,
            word,
            (
                lambda key: (
                    lambda v, tmp, mp: [
                        "new-engagement",
                        "--from",
                        toml_engagement(tmp, **{key: v}),  # noqa: B023 (bound by the outer lambda)
                    ]
                )
            )(key),
        )
        for key, kind, limit, word in [
            ("agency", "name", T.MAX_NAME, "agency"),
            ("focus", "name", T.MAX_NAME, "focus area title"),
            ("protected", "name", T.MAX_NAME, "protected term"),
            ("title", "line", T.MAX_TITLE, "finding title"),
            ("body", "body", T.MAX_BODY, "finding body"),
            ("text", "body", T.MAX_TEXT, "recommendation text"),
            ("owner", "name", T.MAX_NAME, "owner"),
            ("note", "body", T.MAX_TEXT, "note"),
        ]
    ],
    *[
        (
            f"{fmt} {column}",
            kind,
            limit,
            column,
            (
                lambda fmt, column: (
                    lambda v, tmp, mp: [
                        "import",
                        *SITE,
                        (write_csv if fmt == "csv" else write_xlsx)(tmp, column, v),  # noqa: B023 (bound by the outer lambda)
                    ]
                )
            )(fmt, column),
        )
        for fmt in ("csv", "xlsx")
        for column, kind, limit in [
            ("finding_title", "line", T.MAX_TITLE),
            ("finding_body", "body", T.MAX_BODY),
            ("recommendation_text", "body", T.MAX_TEXT),
            ("owner", "name", T.MAX_NAME),
            ("note", "body", T.MAX_TEXT),
            ("evidence", "body", T.MAX_TEXT),
        ]
    ],
]


def _csv_text(rows: list[list[str]]) -> str:
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


CASES = [
    pytest.param(door, value, id=f"{door[0]} / {name}")
    for door in DOORS
    for name, value in hostile(door[1], door[2])
    if not (
        door[0].startswith("xlsx")
        and (name in XLSX_UNWRITABLE or (name == "over-long" and door[2] >= XLSX_CELL))
    )
]


@pytest.mark.slow
@pytest.mark.parametrize(("door", "value"), CASES)
def test_every_door_refuses_hostile_text(store, isolated, monkeypatch, door, value):
    _, _, _, word, build = door
    built = build(value, isolated, monkeypatch)
    args, stdin = built if isinstance(built, tuple) else (built, None)
    if door[0] == "bulk-status note":  # its documented form: a line a bad row, then the count
        before = dump(store.db)
        result = store(*args, input=stdin)
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [
            result.stderr.splitlines()[0],
            "error: 1 row has errors; nothing was changed",
        ]
        assert result.stderr.startswith(f"error: row 2: {word}"), result.stderr
        assert dump(store.db) == before
        return
    store.fails(
        *args, input=stdin, says=word
    )  # exit 1, one line naming the field, the store unchanged


@pytest.mark.matrix
@pytest.mark.parametrize("door", DOORS, ids=[d[0] for d in DOORS])
def test_every_door_accepts_plain_text_with_a_well_formed_marker(
    store, isolated, monkeypatch, door
):
    """The same doors let ordinary text in, so the refusals above are about the value, not the door."""
    _, kind, _, _, build = door
    value = "Plain words" if kind == "name" else "Plain words [[withheld part]] more"
    if door[0] == "new-engagement --public-url":
        value = "page"
    built = build(value, isolated, monkeypatch)
    args, stdin = built if isinstance(built, tuple) else (built, None)
    store.ok(*args, input=stdin)


def test_the_error_names_the_line_and_column_of_a_bad_marker(store, isolated):
    path = isolated / "body.md"
    path.write_text("Intro.\n\nSecond paragraph.\nAnd [[an aside with no end.\n", encoding="utf-8")
    line = store.fails(
        "log-finding", *SITE, "--focus-area", "1", "--title", "T", "--body-file", path
    )
    assert (
        line
        == "error: finding body: unclosed [[ at line 4, column 5; close it with ]] or remove it"
    )
    line = store.fails(
        "log-finding", *SITE, "--focus-area", "1", "--title", "Keep [[a [[b]] c]] out"
    )
    assert line == (
        "error: finding title: nested [[ at character 10 (inside the [[ at character 6); "
        "a redaction cannot hold another"
    )


def test_an_agency_with_a_c1_control_is_refused_before_it_can_break_xlsx_and_publish(
    store, isolated
):
    for char in ("\x1b", "\x9b", "\u202e"):
        store.fails(
            "new-engagement",
            "--site",
            "x-pd",
            "--agency",
            f"Police{char}Dept",
            "--focus-area",
            "A",
            says="agency contains a control character",
        )
    assert [e["site"] for e in store.json("engagements")] == ["north-miami"]


def test_single_line_fields_fold_line_breaks_and_tabs_into_one_space(store):
    store.ok("log-finding", *SITE, "--focus-area", "1", "--title", "Two\nlines\tand  spaces")
    titles = [f["title"] for f in store.json("findings", *SITE)]
    assert "Two lines and spaces" in titles


# --- Identities (--as, REFORMCTL_USER, author in reformctl.toml, --approved-by) ---------------------
DISGUISES = {
    "zero-width space": "tes\u200bter",
    "soft hyphen": "tes\u00adter",
    "word joiner": "tes\u2060ter",
    "BOM": "\ufefftester",
    "zero-width joiner": "tes\u200dter",
    "upper case": "TESTER",
    "full width": "\uff54\uff45\uff53\uff54\uff45\uff52",
    "spaces": "  tester ",
    "RLO": "tes\u202eter",
    "control": "tes\x1bter",
    "newline": "tes\nter",
}


@pytest.mark.matrix
@pytest.mark.parametrize("disguise", DISGUISES.values(), ids=DISGUISES.keys())
@pytest.mark.parametrize("door", ["--as", "REFORMCTL_USER", "author in reformctl.toml"])
def test_a_disguised_author_cannot_approve_their_own_record(
    store, isolated, monkeypatch, door, disguise
):
    """1.2 was written by 'tester'; no spelling of that name may approve it (four eyes)."""
    args = ["review", *SITE, "1.2", "--decision", "approve"]
    if door == "--as":
        args = ["--as", disguise, *args]
    elif door == "REFORMCTL_USER":
        monkeypatch.setenv("REFORMCTL_USER", disguise)
    else:
        monkeypatch.delenv("REFORMCTL_USER")
        (isolated / "reformctl.toml").write_text(
            f"author = {toml_str(disguise)}\n", encoding="utf-8"
        )
    line = store.fails(*args)
    assert (
        "four eyes" in line or "must be what it looks like" in line or "control character" in line
    ), line


@pytest.mark.parametrize("stored", ["tes\u200bter", "\uff54ester", "TES\u00adTER"])
def test_four_eyes_compares_names_as_a_reader_sees_them_even_as_stored_before(store, stored):
    """A record written under a disguised name by an older version is still its author's record."""
    import sqlite3

    with sqlite3.connect(store.db) as conn:
        conn.execute("UPDATE findings SET created_by = ?", (stored,))
    store.fails("review", *SITE, "1.2", "--decision", "approve", says="four eyes")


@pytest.mark.parametrize(
    "char",
    ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\x1b", "\x85", "\t"],
)
@pytest.mark.parametrize("door", ["--as", "REFORMCTL_USER"])
def test_an_actor_name_holding_an_invisible_or_control_character_is_refused(
    store, monkeypatch, door, char
):
    args = ["log-finding", *SITE, "--focus-area", "1", "--title", "T"]
    if door == "--as":
        args = ["--as", f"Ann{char}Lee", *args]
    else:
        monkeypatch.setenv("REFORMCTL_USER", f"Ann{char}Lee")
    store.fails(*args, says=f"{door} contains")


def test_names_are_stored_normalised(store):
    store.ok("--as", "\uff21. Reviewer", "review", *SITE, "1.2", "--decision", "approve")
    assert store.json("history", *SITE)[-1]["actor"] == "A. Reviewer"


@pytest.mark.parametrize("reviewer", ["TESTER", "tes\u200bter", " tester", "\uff54ester"])
def test_an_import_cannot_name_its_importer_as_the_reviewer(store, isolated, reviewer):
    sheet = write_csv(isolated, "owner", "Unit")
    store.fails("import", *SITE, sheet, "--approved-by", reviewer, says="reviewer")


def test_an_undecodable_user_is_one_line_through_the_console_script(store, isolated):
    env = {**os.environ, "REFORMCTL_DB": str(store.db)}
    env = {k.encode(): v.encode("utf-8", "surrogateescape") for k, v in env.items()}
    env[b"REFORMCTL_USER"] = b"\xff\xfetester"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reformctl",
            "log-finding",
            *SITE,
            "--focus-area",
            "1",
            "--title",
            "T",
        ],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.decode().strip().splitlines() == [
        "error: REFORMCTL_USER is not valid UTF-8 text; check the terminal's or the environment's encoding"
    ]


# --- Numbers beyond 64 bits ---------------------------------------------------------------------------
BIG = "99999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ["activity", *SITE, "--method", "interview", "--date", "2026-01-05", "--participants", BIG],
        [
            "activity",
            *SITE,
            "--method",
            "interview",
            "--date",
            "2026-01-05",
            "--participants",
            "-1",
        ],
        ["diff", *SITE, BIG, "1"],
        ["log-finding", *SITE, "--focus-area", BIG, "--title", "T"],
        ["recommend", *SITE, "--finding", f"{BIG}.1", "--text", "T"],
    ],
    ids=["participants", "negative participants", "diff", "focus area", "finding number"],
)
def test_numbers_beyond_64_bits_on_the_command_line_are_one_line(store, args):
    store.fails(*args)


def test_numbers_beyond_64_bits_in_files_are_one_line(store, isolated):
    path = toml_engagement(isolated, raw={"focus_area": BIG})
    store.fails("new-engagement", "--from", path, says="'focus_area' must be at most 999,999")
    path = toml_engagement(isolated, raw={"focus_area": "9" * 5000})
    store.fails("new-engagement", "--from", path, says="too many digits")
    sheet = write_csv(isolated, "finding", f"{BIG}.1")
    store.fails("import", *SITE, sheet, says="not a finding number")


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("title", "5", "'title' must be text"),
        ("internal", '"no"', "'internal' must be true or false"),
        ("methods", '"interview"', "'methods' must be an array"),
        ("methods", "[1]", "'methods' must be an array of method names"),
        ("owner", "[1]", "'owner' must be text"),
    ],
)
def test_a_toml_value_of_the_wrong_type_is_one_line(store, isolated, key, value, says):
    store.fails("new-engagement", "--from", toml_engagement(isolated, raw={key: value}), says=says)


# --- Properties of the validators themselves -----------------------------------------------------------
MARKERY = st.lists(
    st.sampled_from(list("[] ab\n\t") + ["[[", "]]", "\x1b", "\u202e", "\x85"]), max_size=30
).map("".join)


@settings(max_examples=examples(400), deadline=None)
@given(text=st.one_of(st.text(max_size=60), MARKERY))
def test_clean_body_returns_well_formed_markers_or_refuses(text):
    try:
        cleaned = T.clean_body(text, "body")
    except Invalid as exc:
        assert str(exc).startswith("body")
        return
    assert T.marker_problems(cleaned) == []
    assert "[[" not in redact(cleaned) and "]]" not in redact(cleaned)
    assert not T._CONTROL.search(cleaned)


@settings(max_examples=examples(400), deadline=None)
@given(text=st.one_of(st.text(max_size=60), MARKERY))
def test_clean_name_never_returns_a_marker_or_a_control(text):
    try:
        cleaned = T.clean_name(text, "agency")
    except Invalid as exc:
        assert str(exc).startswith("agency")
        return
    assert "[[" not in cleaned and "]]" not in cleaned and "\n" not in cleaned
    assert (
        not T._CONTROL.search(cleaned)
        and cleaned == cleaned.strip()
        and 0 < len(cleaned) <= T.MAX_NAME
    )


@settings(max_examples=examples(300), deadline=None)
@given(a=st.text(max_size=20))
def test_an_actor_key_ignores_what_a_reader_cannot_see(a):
    assert T.same_actor(a, "\u200b".join(a)) and T.same_actor(a, f" \u00ad{a}\u2060 ")
    assert T.same_actor(a.casefold(), a)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[a", [(0, "unclosed [[ at character 1; close it with ]] or remove it")]),
        ("a]]", [(1, "]] at character 2 closes nothing; remove it or add [[ before it")]),
        ("[[]]", [(0, "empty [[]] at character 1; put the withheld text inside it or remove it")]),
        (
            "x\n[[a [[b]] c]]",
            [
                (
                    6,
                    "nested [[ at line 2, column 5 (inside the [[ at line 2, column 1); "
                    "a redaction cannot hold another",
                )
            ],
        ),
        ("[[a]] and [[b]]", []),
        ("[[[a]]", []),
        ("a [b] c", []),
        (None, []),
    ],
)
def test_marker_problems_names_each_problem_and_its_place(text, expected):
    assert T.marker_problems(text) == expected
