"""new-engagement, engagements and show; the two real engagements exactly as announced."""

import pytest

from helpers import EXAMPLES

NORTH_MIAMI = ("--site", "north-miami")

NORTH_MIAMI_AREAS = [
    "Crime Prevention and Analysis",
    "Community Engagement",
    "Technology",
    "Employee Wellness, Training and Development, and Retention",
    "Resource Analysis and Strategic Planning",
    "Oversight and Accountability",
]
DEARBORN_AREAS = [
    "Community-engagement and problem-solving strategies",
    "Accountability and oversight systems",
    "Recruitment, hiring, retention, and promotion practices",
    "Employee safety and wellness",
    "Organizational learning and data-informed practices",
    "Internal and external communication",
]


def test_north_miami_as_announced(north_miami):
    shown = north_miami.json("show", "--site", "north-miami")
    e = shown["engagement"]
    assert (e["agency"], e["city"], e["state"], e["program"], e["announced"]) == (
        "North Miami Police Department",
        "North Miami",
        "FL",
        "organizational-assessment",
        "2024-03-28",
    )
    assert (
        e["public_url"] == "https://cops.usdoj.gov/active-oa-site-north-miami-fl-police-department"
    )
    assert [a["title"] for a in shown["focus_areas"]] == NORTH_MIAMI_AREAS
    assert [a["number"] for a in shown["focus_areas"]] == [1, 2, 3, 4, 5, 6]
    assert e["phase"] == "assessment"


def test_dearborn_heights_as_announced(cli):
    cli.ok("new-engagement", "--from", EXAMPLES / "dearborn-heights.toml")
    shown = cli.json("show", "--site", "dearborn-heights")
    assert shown["engagement"]["state"] == "MI"
    assert [a["title"] for a in shown["focus_areas"]] == DEARBORN_AREAS


def test_new_engagement_from_options(cli):
    out = cli.json(
        "new-engagement",
        "--site",
        "river-city",
        "--agency",
        "River City Police Department",
        "--state",
        "tx",
        "--program",
        "technical-assistance",
        "--announced",
        "2025-02-01",
        "--public-url",
        "example.org/river",
        "--focus-area",
        "Use of Force",
        "--focus-area",
        "Community Policing",
    )
    assert out["engagement"]["state"] == "TX"
    assert out["engagement"]["public_url"] == "https://example.org/river"
    assert [a["slug"] for a in out["focus_areas"]] == ["use-of-force", "community-policing"]
    listed = cli.json("engagements")
    assert [r["site"] for r in listed] == ["river-city"]
    assert listed[0]["focus_areas"] == 2


def test_engagements_table_and_empty_store(cli):
    assert "No engagements yet" in cli.ok("engagements")
    cli.ok("new-engagement", "--from", EXAMPLES / "north-miami.toml")
    [row] = cli.json("engagements")
    lines = cli.ok("engagements").splitlines()
    assert len(lines) == 3  # header, rule, one engagement
    assert lines[2].split()[0] == row["site"] == "north-miami" and row["agency"] in lines[2]


def test_show_table(north_miami):
    out = north_miami.ok("show", "--site", "north-miami")
    shown = north_miami.json("show", "--site", "north-miami")
    assert "Status of recommendations" in out and "Oversight and Accountability" in out
    # The focus-area table lists every area of the JSON, in order, with its number.
    table = out.split("\nFocus areas\n", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    assert [
        (int(line.split()[0]), line.split(None, 1)[1].startswith(a["title"][:40]))
        for line, a in zip(table, shown["focus_areas"], strict=False)
    ] == [(a["number"], True) for a in shown["focus_areas"]]
    assert len(table) == len(shown["focus_areas"]) >= 6


def test_options_override_the_file(cli):
    out = cli.json(
        "new-engagement", "--from", EXAMPLES / "north-miami.toml", "--site", "north-miami-2"
    )
    assert out["engagement"]["site"] == "north-miami-2"


def test_prompts_on_a_terminal(cli, monkeypatch):
    monkeypatch.setattr("reformctl.cli.prompts.interactive", lambda: True)
    # site, agency, five optional values left empty (city, state, program, date, page), focus areas
    cli.ok(
        "new-engagement",
        input="prompted-site\nPrompted Police Department\n\n\n\n\n\nFirst area\nSecond area\n\n",
    )
    shown = cli.json("show", "--site", "prompted-site")
    assert [a["title"] for a in shown["focus_areas"]] == ["First area", "Second area"]


@pytest.mark.parametrize(
    "args, says",
    [
        (["--agency", "A", "--focus-area", "X"], "missing --site"),
        (["--site", "x", "--focus-area", "X"], "missing --agency"),
        (["--site", "x", "--agency", "A"], "missing --focus-area"),
    ],
)
def test_missing_required_values_without_a_terminal(cli, args, says):
    cli.fails("new-engagement", *args, code=2, says=says)


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["--site", "North Miami"], 1, "not a valid slug"),
        (["--site", "-x"], 1, "not a valid slug"),
        (["--site", "ok", "--state", "ZZ"], 1, "state"),
        (["--site", "ok", "--announced", "2024-02-30"], 1, "not a real date"),
        (["--site", "ok", "--announced", "28/03/2024"], 1, "YYYY-MM-DD"),
        (["--site", "ok", "--program", "consent-decree"], 2, "--program"),
        (["--site", "ok", "--public-url", "not a url"], 1, "web address"),
        (["--site", "ok", "--agency", "   "], 1, "agency must not be empty"),
        (["--site", "ok", "--focus-area", " "], 1, "must not be empty"),
        (["--site", "ok", "--focus-area", "Tech", "--focus-area", "tech"], 1, "repeats"),
    ],
)
def test_bad_engagement_values(cli, args, code, says):
    cli.ok("engagements")
    base = {"--agency": "Agency", "--focus-area": "Area"}
    given = set(args[::2])
    extra = [x for k, v in base.items() if k not in given for x in (k, v)]
    cli.fails("new-engagement", *args, *extra, code=code, says=says)


def test_duplicate_site(north_miami):
    north_miami.fails(
        "new-engagement", "--from", EXAMPLES / "north-miami.toml", says="already exists"
    )


def test_missing_toml_file(cli):
    cli.fails("new-engagement", "--from", "nope.toml", says="no such file")


def test_malformed_toml_names_the_line(cli, isolated):
    bad = isolated / "bad.toml"
    bad.write_text('site = "x"\nagency = North Miami\nfocus_areas = ["one"]\n')
    line = cli.fails("new-engagement", "--from", bad, says="bad.toml")
    assert "line" in line


@pytest.mark.parametrize(
    "content, says",
    [
        ('agency = "A"\nfocus_areas = ["one"]\n', "missing key 'site'"),
        ('site = "x"\nfocus_areas = ["one"]\n', "missing key 'agency'"),
        ('site = "x"\nagency = "A"\nfocus_areas = "one"\n', "'focus_areas' must be a list"),
        (
            'site = "x"\nagency = "A"\nfocus_areas = ["one"]\ncolour = "red"\n',
            "unknown key 'colour'",
        ),
        (
            'site = "x"\nagency = "A"\nfocus_areas = ["one"]\nannounced = 5\n',
            "'announced' must be a date",
        ),
        ('site = "x"\nagency = "A"\nfocus_areas = ["one"]\nstate = "Florida"\n', "state"),
    ],
)
def test_bad_toml_keys(cli, isolated, content, says):
    path = isolated / "e.toml"
    path.write_text(content)
    cli.fails("new-engagement", "--from", path, says=says)


def test_unknown_site(north_miami):
    north_miami.fails("show", "--site", "atlantis", says="no engagement with site 'atlantis'")


def test_reading_never_creates_a_store(cli, isolated):
    cli.fails("--db", "typo.db", "show", "--site", "north-miami", says="no store at")
    cli.fails("--db", "typo.db", "report", "--site", "north-miami", says="no store at")
    assert "No engagements yet" in cli.ok("--db", "typo.db", "engagements")
    assert not (isolated / "typo.db").exists()


def test_slugs_keep_accented_letters(cli):
    made = cli.json(
        "new-engagement",
        "--site",
        "u",
        "--agency",
        "U PD",
        "--focus-area",
        "Überprüfung & Åccountability",
    )
    assert made["focus_areas"][0]["slug"] == "uberprufung-accountability"


def test_the_demo_loaded_twice_says_how_to_use_it_and_writes_nothing(demo):
    from helpers import dump

    before = dump(demo.db)
    assert demo.fails("demo") == (
        "error: the demo engagement brightwater-demo is already in this store; see it with "
        "`reformctl show --site brightwater-demo`, or load another copy into another store "
        "(`reformctl --db FILE demo`)"
    )
    assert dump(demo.db) == before
