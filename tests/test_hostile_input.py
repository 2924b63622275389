"""Hostile input: whatever arrives in arguments or files, reformctl answers with exit 0, 1 or 2,
never a traceback, and the store stays intact (and unchanged when the command is refused)."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Cli, examples

NORTH_MIAMI = ("--site", "north-miami")

TABLES = ("engagements", "focus_areas", "findings", "recommendations", "status_updates", "events")
SITE = "brightwater-demo"

METACHARACTERS = [
    "'",
    '"',
    ";",
    "--",
    "/*",
    "*/",
    "' OR 1=1 --",
    "'); DROP TABLE findings; --",
    "%",
    "_",
    "\\",
    "<",
    ">",
    "&",
    "&amp;",
    "<script>alert(1)</script>",
    "<!--",
    "]]>",
    "{{ 7*7 }}",
    "{% raw %}",
    "[bold]x[/bold]",
    "[[secret]]",
    "$(id)",
    "`id`",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\U0001f600",
    "０",
    "Ⅻ",
    "ß",
    "İ",
    "\u0301",
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+1",
    "-1",
]
DATES = [
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "0000-01-01",
    "9999-12-31",
    "2024-2-3",
    "2024/02/03",
    "20240203",
    "2024-02-03T10:00",
    " 2024-02-03 ",
    "2024-02-03\n",
    "2030-01-01",
    "1900-01-01",
    "yesterday",
    "",
]
NUMBERS = [
    "3.1.1.1",
    "1",
    "1.1",
    "1.1.1",
    "0",
    "0.0",
    "-1",
    "1e9",
    "1.",
    ".1",
    "01.01",
    "1..1",
    "999999.1",
    "99999999999999999999.1.1",
    "１.１",
    "1.1.1 ",
    "NaN",
    "inf",
    "3,1",
]

# Unicode of every category, surrogates and controls included.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)
HOSTILE = st.one_of(
    ANY_TEXT,
    st.sampled_from(METACHARACTERS),
    st.sampled_from(DATES),
    st.sampled_from(NUMBERS),
    st.lists(st.sampled_from(METACHARACTERS + NUMBERS), max_size=6).map("".join),
    st.sampled_from(["x" * 1_000_000, "é" * 300_001, "<" * 1_000_000, "a\n" * 500_000]),
)
SETTINGS = settings(
    max_examples=examples(35),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def snapshot(db) -> dict[str, set]:
    conn = sqlite3.connect(db)
    try:
        return {t: set(conn.execute(f"SELECT * FROM {t}")) for t in TABLES}
    finally:
        conn.close()


def check(cli: Cli, before: dict[str, set], args: list[str], input: str | None = None) -> None:
    """Run ARGS; the exit code, the output and the store must be as the module docstring says."""
    result = cli(*args, input=input)
    output = (result.stdout or "") + (result.stderr or "")
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, output[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
    )
    assert "Traceback" not in output, output[-2000:]
    # check exits 1 on its findings, having recorded any --allow term: not a refusal.
    refused = result.exit_code != 0 and not (args[0] == "check" and not result.stderr)
    if refused:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr[-2000:])
    conn = sqlite3.connect(cli.db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    after = snapshot(cli.db)
    for table in TABLES:
        assert before[table] <= after[table], f"{table}: rows changed or vanished after {args!r}"
        if refused:
            assert before[table] == after[table], f"{table}: a refused command wrote after {args!r}"
    before.update(after)


@pytest.fixture
def hostile_store(demo):
    return demo, snapshot(demo.db)


def opt(name: str, value) -> list[str]:
    return [] if value is None else [name, value]


MAYBE = st.one_of(st.none(), HOSTILE)


@SETTINGS
@given(
    area=st.one_of(HOSTILE, st.sampled_from(["1", "2", "tech", "accountability"])),
    title=HOSTILE,
    body=MAYBE,
    date=MAYBE,
    method=MAYBE,
    internal=st.booleans(),
)
def test_log_finding(hostile_store, area, title, body, date, method, internal):
    cli, before = hostile_store
    args = [
        "log-finding",
        "--site",
        SITE,
        "--focus-area",
        area,
        "--title",
        title,
        *opt("--body", body),
        *opt("--date", date),
        *opt("--method", method),
        *(["--internal"] if internal else []),
    ]
    check(cli, before, args)


@SETTINGS
@given(
    finding=st.one_of(HOSTILE, st.sampled_from(["1.1", "2.1", "5.2"])),
    text=HOSTILE,
    priority=MAYBE,
    owner=MAYBE,
    due=MAYBE,
    date=MAYBE,
    fmt=st.sampled_from(["text", "json"]),
)
def test_recommend(hostile_store, finding, text, priority, owner, due, date, fmt):
    cli, before = hostile_store
    args = [
        "recommend",
        "--site",
        SITE,
        "--finding",
        finding,
        "--text",
        text,
        *opt("--priority", priority),
        *opt("--owner", owner),
        *opt("--due", due),
        *opt("--date", date),
        "--format",
        fmt,
    ]
    check(cli, before, args)


@SETTINGS
@given(
    rec=st.one_of(HOSTILE, st.sampled_from(["1.1.1", "2.1.1", "1.1.9"])),
    status=st.one_of(HOSTILE, st.sampled_from(["complete", "in-progress", "Complete"])),
    as_of=MAYBE,
    note=MAYBE,
)
def test_set_status(hostile_store, rec, status, as_of, note):
    cli, before = hostile_store
    check(
        cli,
        before,
        ["set-status", "--site", SITE, rec, status, *opt("--as-of", as_of), *opt("--note", note)],
    )


@SETTINGS
@given(
    command=st.sampled_from(["show", "findings", "report", "engagements", "where"]),
    site=st.one_of(st.just(SITE), HOSTILE),
    value=MAYBE,
    fmt=st.one_of(st.sampled_from(["json", "table", "csv", "html", "markdown"]), HOSTILE),
)
def test_read_commands(hostile_store, command, site, value, fmt):
    cli, before = hostile_store
    args = {
        "show": ["show", "--site", site, *opt("--as-of", value), "--format", fmt],
        "findings": ["findings", "--site", site, *opt("--focus-area", value), "--format", fmt],
        "report": ["report", "--site", site, *opt("--as-of", value), "--format", fmt],
        "engagements": ["engagements", "--format", fmt],
        "where": ["--db", value or "x.db", "where"],
    }[command]
    check(cli, before, args)


@SETTINGS
@given(
    site=HOSTILE,
    agency=HOSTILE,
    city=MAYBE,
    state=MAYBE,
    program=MAYBE,
    announced=MAYBE,
    url=MAYBE,
    areas=st.lists(HOSTILE, max_size=4),
)
def test_new_engagement_options(
    hostile_store, site, agency, city, state, program, announced, url, areas
):
    cli, before = hostile_store
    args = [
        "new-engagement",
        "--site",
        site,
        "--agency",
        agency,
        *opt("--city", city),
        *opt("--state", state),
        *opt("--program", program),
        *opt("--announced", announced),
        *opt("--public-url", url),
    ]
    for area in areas:
        args += ["--focus-area", area]
    check(cli, before, args)


def toml_string(value: str) -> str:
    """A TOML basic string; JSON's escapes are all valid TOML ones (DEL is escaped by hand)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


TOML_VALUE = st.one_of(
    HOSTILE.map(toml_string),
    st.sampled_from(
        [
            "1",
            "-0",
            "3.1",
            "true",
            "2024-02-29",
            "1979-05-27T07:32:00Z",
            "[]",
            "{}",
            "[1, 'a']",
            "nan",
            "inf",
            "2024-02-30",
            "'''x'''",
            '"""\n"""',
        ]
    ),
)


@SETTINGS
@given(
    site=TOML_VALUE,
    agency=TOML_VALUE,
    areas=st.lists(TOML_VALUE, max_size=3),
    extra_key=MAYBE,
    finding=st.fixed_dictionaries(
        {"focus_area": TOML_VALUE, "title": TOML_VALUE, "dated": TOML_VALUE}
    ),
    rec_text=TOML_VALUE,
    status=TOML_VALUE,
    as_of=TOML_VALUE,
)
def test_new_engagement_from_structured_toml(
    hostile_store,
    tmp_path_factory,
    site,
    agency,
    areas,
    extra_key,
    finding,
    rec_text,
    status,
    as_of,
):
    cli, before = hostile_store
    lines = [f"site = {site}", f"agency = {agency}", f"focus_areas = [{', '.join(areas)}]"]
    if extra_key is not None:
        lines.append(f"{toml_string(extra_key)} = 1")
    lines += [
        "[[findings]]",
        *(f"{k} = {v}" for k, v in finding.items()),
        "  [[findings.recommendations]]",
        f"  text = {rec_text}",
        f"  statuses = [{{ status = {status}, as_of = {as_of} }}]",
    ]
    path = tmp_path_factory.mktemp("toml") / "hostile.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    check(cli, before, ["new-engagement", "--from", str(path)])


@SETTINGS
@given(
    content=st.one_of(
        st.binary(max_size=400), HOSTILE.map(lambda s: s.encode("utf-8", "surrogatepass"))
    )
)
def test_new_engagement_from_any_file(hostile_store, tmp_path_factory, content):
    cli, before = hostile_store
    path = tmp_path_factory.mktemp("toml") / "any.toml"
    path.write_bytes(content)
    check(cli, before, ["new-engagement", "--from", str(path)])
    check(
        cli,
        before,
        [
            "log-finding",
            "--site",
            SITE,
            "--focus-area",
            "1",
            "--title",
            "From a file",
            "--body-file",
            str(path),
        ],
    )


SCRIPT_ARGS = [
    [
        b"log-finding",
        b"--site",
        SITE.encode(),
        b"--focus-area",
        b"1",
        b"--title",
        b"\xff\xfe bad bytes",
    ],
    [b"log-finding", b"--site", b"\xc3\x28", b"--focus-area", b"1", b"--title", b"x"],
    [b"set-status", b"--site", SITE.encode(), b"1.1.1", b"\xed\xa0\x80"],
    [b"report", b"--site", SITE.encode(), b"--as-of", b"2024-02-30"],
    [b"recommend", b"--site", SITE.encode(), b"--finding", b"3.1.1.1", b"--text", b"x"],
]


@pytest.mark.slow
@pytest.mark.parametrize("argv", SCRIPT_ARGS, ids=range(len(SCRIPT_ARGS)))
def test_undecodable_arguments_through_the_console_script(demo, argv):
    """Bytes that are not UTF-8 only reach a real process (as surrogate escapes)."""
    result = subprocess.run(
        [sys.executable, "-m", "reformctl", *argv],
        capture_output=True,
        env=os.environ.copy(),
        timeout=60,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode in (0, 1, 2), stderr
    assert "Traceback" not in stderr
    if result.returncode:
        assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("error: "), stderr


REFS = st.one_of(HOSTILE, st.sampled_from(["1.1", "1.1.1", "2.1", "2.1.2", "9.9"]))


@SETTINGS
@given(
    command=st.sampled_from(["submit", "review", "edit", "note", "protect", "check", "history"]),
    ref=REFS,
    text=HOSTILE,
    other=MAYBE,
)
def test_review_commands(hostile_store, command, ref, text, other):
    cli, before = hostile_store
    args = {
        "submit": ["submit", "--site", SITE, ref],
        "review": [
            "review",
            "--site",
            SITE,
            ref,
            "--decision",
            other or "approve",
            "--comment",
            text,
        ],
        "edit": ["edit", "--site", SITE, ref, "--title", text, *opt("--due", other)],
        "note": ["note", "--site", SITE, ref, text],
        "protect": ["protect", "--site", SITE, text],
        "check": ["check", "--site", SITE, *opt("--as-of", other)],
        "history": ["history", "--site", SITE],
    }[command]
    check(cli, before, args)


@SETTINGS
@given(command=st.sampled_from(["check", "configure", "new-engagement"]), term=HOSTILE)
def test_allowed_terms_and_aliases(hostile_store, command, term):
    cli, before = hostile_store
    args = {
        "check": ["check", "--site", SITE, "--allow", term],
        "configure": ["configure", "--site", SITE, "--alias", term],
        "new-engagement": [
            "new-engagement",
            "--site",
            "aliased",
            "--agency",
            "Aliased Police Department",
            "--focus-area",
            "Area",
            "--alias",
            term,
        ],
    }[command]
    check(cli, before, args)


def test_odd_input_never_tracebacks(north_miami, isolated):
    north_miami.fails(
        "log-finding", *NORTH_MIAMI, "--focus-area", "²", "--title", "x", says="no focus area"
    )
    north_miami.fails("findings", *NORTH_MIAMI, "--focus-area", "٣", says="no focus area")
    north_miami.fails(
        "log-finding", *NORTH_MIAMI, "--focus-area", "1", "--title", "abc\u202edcba", says="U+202E"
    )
    (isolated / "rel").mkdir()
    (isolated / "rel" / "manifest.json").write_text(
        '{"site": "north-miami", "release": 1, "files": ["a"]}'
    )
    north_miami.fails("verify", isolated / "rel", says="not a reformctl release manifest")
    (isolated / "rel" / "manifest.json").write_text(
        '{"site": "north-miami", "release": 1, "files": {"../x": "0"}}'
    )
    north_miami.fails("verify", isolated / "rel", says="not a reformctl release manifest")
    north_miami.fails("report", *NORTH_MIAMI, "--as-of", "2099-01-01", says="in the future")
