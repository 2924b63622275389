"""`check` reads public prose the way the mistakes on real public pages call for: another
engagement's initials, counts the prose gets wrong, percentages and the announcement date.

The agencies are invented (Lakemont City, Harbor Vale); the mistakes are the three a real
organizational-assessment page shipped with: the agency called by another site's initials,
'six focus areas' over a list of five, and '4 of 13 (28.6%)'.
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import approve, examples
from reformctl.publishing.check_claims import Counts, count_claims, percent_claims

SITE = ("--site", "lakemont")
AREAS = [
    "Community Engagement",
    "Use of Force",
    "Recruitment and Hiring",
    "Officer Wellness",
    "Accountability",
]


def engagement(cli, site, agency, *extra):
    args = [
        "new-engagement",
        "--site",
        site,
        "--agency",
        agency,
        "--announced",
        "2024-03-28",
        *extra,
    ]
    for area in AREAS:
        args += ["--focus-area", area]
    cli.ok(*args)


@pytest.fixture
def two(cli):
    """Lakemont City PD (ours) with one approved finding and two approved recommendations, and
    Harbor Vale PD, another engagement in the same store."""
    engagement(cli, "lakemont", "Lakemont City Police Department", "--city", "Lakemont")
    engagement(cli, "harbor-vale", "Harbor Vale Police Department", "--city", "Harbor Vale")
    cli.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "No written strategy",
        "--date",
        "2024-06-01",
    )
    for text in ("Write a strategy.", "Train every shift."):
        cli.ok(
            "recommend",
            *SITE,
            "--finding",
            "1.1",
            "--text",
            text,
            "--owner",
            "Chief",
            "--date",
            "2024-06-01",
        )
    approve(cli, "lakemont", "1.1", "1.1.1", "1.1.2")
    return cli


def say(cli, body, ref="1.1"):
    """Make BODY the approved public body of finding REF."""
    cli.ok("edit", *SITE, ref, "--body", body)
    cli.ok("--as", "R", "review", *SITE, ref, "--decision", "approve")


def problems(cli, *extra):
    result = cli("check", *SITE, "--format", "json", *extra)
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    found = [
        p
        for p in data["problems"]
        if p["code"] in ("other-initials", "count", "percentage", "date")
    ]
    assert result.exit_code == (1 if data["errors"] else 0)
    return result.exit_code, found


def test_another_engagements_initials_are_an_error_naming_it(two):
    say(two, "The HVPD has no written community policing strategy.")
    code, found = problems(two)
    assert code == 1
    [p] = found
    assert (p["level"], p["code"], p["record"], p["field"], p["span"]) == (
        "error",
        "other-initials",
        "finding 1.1",
        "body",
        "HVPD",
    )
    assert "harbor-vale" in p["says"] and "Harbor Vale Police Department" in p["says"]
    assert "'HVPD'" in p["message"] and "harbor-vale" in p["message"]


def test_the_way_out_is_worded_by_the_command_line_not_the_library(two):
    """The library's problem names the term to allow; the CLI adds the command that allows it."""
    from reformctl.publishing.check import check
    from reformctl.store import open_store

    say(two, "The HVPD has no written community policing strategy.")
    [p] = problems(two)[1]
    assert p["message"].endswith(
        "; a template copy mistake? If it belongs here, `reformctl check --site lakemont --allow HVPD`"
    )
    store = open_store(two.db)
    try:
        [library] = [
            q for q in check(store, "lakemont")["problems"] if q["code"] == "other-initials"
        ]
    finally:
        store.close()
    assert library["message"].endswith("a template copy mistake?") and library["allow"] == "HVPD"


@pytest.mark.parametrize("written", ["HV", "H.V.P.D.", "(HVPD)"])
def test_initials_without_the_agency_type_and_dotted_are_found(two, written):
    say(two, f"The department, unlike {written} officers say, lacks a plan.")
    code, found = problems(two)
    assert code == 1 and [p["code"] for p in found] == ["other-initials"]


@pytest.mark.parametrize(
    "body",
    [
        "The LCPD and the LPD lack a plan; Lakemont City (LC) officers agree.",
        "The DOJ, the COPS Office, the CRI team and the FBI were consulted.",
        "HVPDX and hvpd and THVPD are no initials of anyone.",
    ],
)
def test_own_and_common_initialisms_are_not_flagged(two, body):
    say(two, body)
    assert problems(two) == (0, [])


def test_initials_this_engagement_shares_with_another_are_not_flagged(two):
    engagement(
        two, "lake-city", "Lake City Police Department"
    )  # LCPD, LC and LPD, as Lakemont City's
    say(two, "The LCPD, the LPD and LC officers agree; the LKCPD does not exist.")
    assert problems(two) == (0, [])


def test_common_initialisms_are_not_flagged_when_another_agencys_initials_match_them(two):
    engagement(
        two, "fair-borough", "Fair Borough Inlet Police Department"
    )  # FBIPD, and FBI without PD
    engagement(
        two, "fort-lauderdale", "Fort Lauderdale Police Department"
    )  # FLPD, and FL (Florida)
    say(two, "The FBI and FL state law; the FBIPD and FLPD are another story.")
    code, found = problems(two)
    assert code == 1 and sorted(p["span"] for p in found) == ["FBIPD", "FLPD"]


def test_aliases_from_the_file_and_configure_are_another_engagements_initials(two, isolated):
    (isolated / "ridge.toml").write_text(
        'site = "ridgeway"\nagency = "Ridgeway Police Department"\n'
        'focus_areas = ["Technology"]\naliases = ["Ridge PD", "RWPD"]\n'
    )
    two.ok("new-engagement", "--from", isolated / "ridge.toml")
    two.ok("configure", "--site", "harbor-vale", "--alias", "Valers")
    say(two, "Like Ridge PD, RWPD and the Valers, the department lacks a plan.")
    code, found = problems(two)
    assert code == 1
    assert sorted((p["span"], p["says"].split(",")[-1].strip()) for p in found) == [
        ("RWPD", "another engagement (ridgeway)"),
        ("Ridge PD", "another engagement (ridgeway)"),
        ("Valers", "another engagement (harbor-vale)"),
    ]


def test_an_engagements_own_alias_is_never_flagged_in_its_own_text(two):
    two.ok("configure", *SITE, "--alias", "HV")  # ours too, say, by an accident of names
    say(two, "The HV district has no plan.")
    assert problems(two) == (0, [])


def test_allow_is_recorded_for_the_engagement_and_silences_the_term(two):
    say(two, "The HVPD has no plan.")
    assert problems(two)[0] == 1
    code, found = problems(two, "--allow", "HVPD")
    assert (code, found) == (0, [])
    assert problems(two) == (0, [])  # recorded: a later check needs no --allow
    assert [
        e["action"] for e in two.json("history", *SITE) if e["record_type"] == "check_term"
    ] == ["allow"]


def test_a_bad_alias_or_allowed_term_is_one_line(two, isolated):
    two.fails("check", *SITE, "--allow", "  ", says="allowed term")
    two.fails("configure", *SITE, "--alias", "X", says="too short")
    (isolated / "bad.toml").write_text(
        'site = "bad"\nagency = "Bad PD"\nfocus_areas = ["A"]\naliases = "BPD"\n'
    )
    two.fails("new-engagement", "--from", isolated / "bad.toml", says="'aliases' must be a list")


def test_six_focus_areas_over_five_is_an_error_naming_the_sentence_and_the_number(two):
    say(two, "The assessment covers six focus areas. Officers were interviewed.")
    code, found = problems(two)
    assert code == 1
    [p] = found
    assert (p["code"], p["span"]) == ("count", "six focus areas")
    assert p["says"] == "the record has 5 focus areas as of 2026-11-27"
    assert '"The assessment covers six focus areas."' in p["message"]


@pytest.mark.matrix
@pytest.mark.parametrize(
    "body, wrong",
    [
        ("The team made five focus areas, one finding and 2 recommendations.", []),
        ("The team made 3 recommendations.", ["3 recommendations"]),
        ("It lists 15 findings across Five Focus Areas.", ["15 findings"]),
        (
            "Of the two recommendations, both are in progress; thirty-six recommendations in all.",
            ["thirty-six recommendations"],
        ),
    ],
)
def test_counts_in_prose_are_read_against_the_record(two, body, wrong):
    say(two, body)
    assert sorted(p["span"] for p in problems(two)[1]) == sorted(wrong)


def test_a_count_of_a_part_is_no_error_but_a_count_above_the_whole_is(two):
    two.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "2",
        "--title",
        "No force review",
        "--date",
        "2024-06-01",
    )
    two.ok(
        "recommend",
        *SITE,
        "--finding",
        "2.1",
        "--text",
        "Review force.",
        "--owner",
        "Chief",
        "--date",
        "2024-06-01",
    )
    approve(two, "lakemont", "2.1", "2.1.1")
    say(
        two,
        "This finding's two recommendations are not started, of three recommendations in all; "
        "the team made 4 recommendations.",
    )
    assert [p["span"] for p in problems(two)[1]] == ["4 recommendations"]


def test_four_of_thirteen_printed_as_28_6_percent_is_an_error_with_the_true_figure(two):
    say(
        two, "Of the team's recommendations, 4 of 13 (28.6%) are complete; 9 of 13 (69.2%) are not."
    )
    code, found = problems(two)
    assert code == 1
    [p] = found
    assert (p["code"], p["span"], p["says"]) == (
        "percentage",
        "4 of 13 (28.6%)",
        "4 of 13 is 30.8%",
    )


def test_numbers_that_are_no_count_and_quoted_percentages_are_not_flagged(two):
    say(
        two,
        "Use of force in 2023 rose; General Order 24-11 allows 30 days. The agency cites a 56 percent "
        "drop in use of force, and 14 percent of sworn officers; Focus Area 3 findings follow in 2025.",
    )
    assert problems(two) == (0, [])


def test_a_wrong_announcement_date_is_a_warning(two):
    say(
        two,
        "The COPS Office announced the assessment on March 29, 2024. The agency announced on May 2, 2024 "
        "a new policy. The engagement was announced in March 2024.",
    )
    code, found = problems(two)
    assert code == 0  # a warning does not stop publishing
    [p] = found
    assert (p["level"], p["code"], p["span"]) == (
        "warning",
        "date",
        "announced the assessment on March 29, 2024",
    )
    assert "2024-03-28" in p["says"]


def test_every_public_text_is_read_focus_area_titles_too(cli):
    engagement(cli, "harbor-vale", "Harbor Vale Police Department")
    cli.ok(
        "new-engagement",
        "--site",
        "lakemont",
        "--agency",
        "Lakemont Police Department",
        "--focus-area",
        "HVPD Community Engagement",
    )
    code, found = problems(cli)
    assert code == 1 and [(p["record"], p["field"], p["span"]) for p in found] == [
        ("focus area 1", "title", "HVPD")
    ]


def test_publish_refuses_while_a_prose_error_stands_unless_overridden(two, isolated):
    say(two, "The assessment covers six focus areas.")
    two.fails("publish", *SITE, "--output", isolated / "r", says="the check found 1 error")
    result = two.json(
        "publish",
        *SITE,
        "--output",
        isolated / "r",
        "--override-check",
        "--reason",
        "Six is right.",
    )
    assert result["check"]["errors"] == 1 and result["override_reason"] == "Six is right."


def test_the_table_names_record_field_span_and_what_the_record_says(two):
    say(two, "The assessment covers six focus areas.")
    out = two("check", *SITE).stdout
    assert (
        "finding 1.1 body" in out
        and "'six focus areas'" in out
        and "the record has 5 focus areas" in out
    )


@settings(max_examples=examples(300), deadline=None)
@given(
    y=st.integers(1, 5000),
    data=st.data(),
    places=st.integers(0, 3),
    style=st.sampled_from(
        [
            "{x} of {y} ({z}%)",
            "{x} out of {y}, or {z} percent",
            "{z}% ({x} of {y})",
            "{x} of the {y} recommendations ({z}%)",
        ]
    ),
)
def test_a_correct_percentage_at_any_precision_is_never_flagged(y, data, places, style):
    x = data.draw(st.integers(0, y))
    z = f"{100 * x / y:.{places}f}"
    assert percent_claims(f"As of today, {style.format(x=x, y=y, z=z)} are complete.") == []


@settings(max_examples=examples(300), deadline=None)
@given(y=st.integers(1, 5000), data=st.data(), places=st.integers(0, 2))
def test_a_percentage_off_by_more_than_its_rounding_is_always_flagged(y, data, places):
    x = data.draw(st.integers(0, y))
    # Two units of the last place away, so rounding can never bring it back within half a unit.
    off = 2 * 10**-places * (1 if 100 * x / y < 50 else -1)
    z = f"{100 * x / y + off:.{places}f}"
    [claim] = percent_claims(f"{x} of {y} ({z}%)")
    assert claim.says == f"{x} of {y} is {100 * x / y:.{places}f}%"


@settings(max_examples=examples(200), deadline=None)
@given(
    n=st.integers(2, 99),
    noun=st.sampled_from(["focus areas", "findings", "recommendations"]),
    words=st.booleans(),
)
def test_a_count_is_flagged_exactly_when_the_record_shows_no_such_number(n, noun, words):
    from reformctl.publishing.check_claims import _TENS, _UNITS

    word = (
        (_UNITS[n] if n < 20 else _TENS[n // 10 - 2] + (f"-{_UNITS[n % 10]}" if n % 10 else ""))
        if words
        else str(n)
    )
    counts = Counts(5, 15, 36, frozenset([3, 4]), frozenset([2, 22, 14]))
    claims = count_claims(f"The team made {word} {noun}.", counts, "2026-11-27")
    assert bool(claims) == (not counts.accepts(noun, n))


def test_configure_needs_something_to_change(two):
    two.fails("configure", *SITE, code=2, says="--alias")
    assert two.json("configure", *SITE, "--alias", "LKPD", "--alias", "lkpd")["aliases"] == ["LKPD"]
