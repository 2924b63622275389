"""publishing/check.py, called directly on a store built once per module: every problem the
pre-publication check reports, field by field (level, code, where, message, and for a span its
record, field, span and what the record says), which records and texts it reads (approved, public,
dated by the as-of date), the order of the list, and the terms it lets through (this
engagement's own names, its allowed terms and aliases). test_check_prose.py, test_releases.py and
test_notes_and_protect.py show the same through the CLI."""

from __future__ import annotations

import shutil

import pytest

from helpers import TODAY, template_store
from reformctl.model import findings as F
from reformctl.model import recommendations as R
from reformctl.model.check_terms import add_check_terms
from reformctl.model.confidential import protect
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.review import review, submit
from reformctl.model.sections import write_section
from reformctl.model.sites import get_engagement
from reformctl.model.statuses import set_status
from reformctl.publishing.check import check, public_texts
from reformctl.store import open_store

AREAS = [
    "Community Engagement",
    "Use of Force",
    "Recruitment and Hiring",
    "Officer Wellness",
    "Accountability",
]
SITE = "north-miami"
AS_OF = "2024-07-01"
ENGAGEMENTS = [
    (SITE, "North Miami Police Department", "North Miami"),
    ("miami", "Miami Police Department", "Miami"),
    ("harbor-vale", "Harbor Vale Police Department", "Harbor Vale"),
    ("ada", "Ada Police Department", "Ada"),  # a name of three letters, inside 'Adams'
    ("new-madrid", "New Madrid Police Department", "New Madrid"),  # NMPD, as ours
]


INTRODUCTION = (
    "Our opening words.\n\nMet **Jane** Roe at the station, then the whole team met the command "
    "staff for the day."
)


def _approve(store, e, ref, dated="2024-06-02"):
    submit(store, e, ref, "ann", dated=dated)
    review(store, e, ref, "approve", "bob", dated=dated)


def _build(store):
    for site, agency, city in ENGAGEMENTS:
        spec = EngagementSpec(
            site=site, agency=agency, city=city, focus_areas=AREAS, announced="2024-03-28"
        )
        create_engagement(store, spec, "setup")
    e = get_engagement(store, SITE)
    protect(store, e, "Jane Roe", "ann")
    body = "Jane Roe met the chief at chief@nmpd.org or (305) 555-1234; JANE ROE agreed."
    F.log_finding(store, e, "1", "No written strategy", body, "ann", dated="2024-06-01")
    R.recommend(store, e, "1.1", "Write a strategy with HVPD.", "ann", dated="2024-06-01")
    R.recommend(store, e, "1.1", "[[Train J. Roe]]", "ann", owner="Chief", dated="2024-06-01")
    R.recommend(store, e, "1.1", "Hold a forum.", "ann", owner="Chief", dated="2024-06-01")
    for ref in ("1.1", "1.1.1", "1.1.2", "1.1.3"):
        _approve(store, e, ref)
    set_status(store, e, "1.1.2", "in-progress", "ann", as_of="2024-06-03")
    body = (
        "North Miami agreed. Miami said so, and so did NMPD and Adams County; Ada did not. "
        "The assessment was announced on March 1, 2024. Six focus areas; 4 of 13 (28.6%)."
    )
    F.log_finding(store, e, "2", "[[Hidden]]", body, "ann", dated="2024-06-01")
    _approve(store, e, "2.1")
    # Not checked: internal, not approved, or dated after the as-of date.
    F.log_finding(store, e, "3", "[[Internal]]", None, "ann", internal=True, dated="2024-06-01")
    _approve(store, e, "3.1")
    F.log_finding(store, e, "4", "[[Draft]] jane roe", None, "ann", dated="2024-06-01")
    F.log_finding(store, e, "5", "[[Later]]", None, "ann", dated="2024-07-02")
    _approve(store, e, "5.1", dated="2024-07-02")
    write_section(store, e, "introduction", INTRODUCTION, "ann", title="Intro", dated="2024-06-01")
    write_section(store, e, "methodology", "[[all withheld]]", "ann", dated="2024-06-01")
    write_section(store, e, "background", "Fine.", "ann", title="[[Gone]]", dated="2024-06-01")
    write_section(store, e, "focus-area-1", "Area one in brief.", "ann", dated="2024-06-01")
    for name in ("introduction", "methodology", "background", "focus-area-1"):
        _approve(store, e, name)
    with store.write():
        # As an import may leave them: a recommendation with no status, a malformed marker.
        store.execute(
            "UPDATE status_updates SET as_of = '2024-08-01' WHERE recommendation_id = "
            "(SELECT r.id FROM recommendations r JOIN engagements e ON e.id = r.engagement_id "
            "WHERE e.site = ? AND r.number = 3)",
            (SITE,),
        )
        store.execute(
            "UPDATE focus_areas SET title = 'Accountability [[x' WHERE number = 5 "
            "AND engagement_id = ?",
            (e["id"],),
        )


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return template_store(tmp_path_factory.mktemp("check") / "template.db", _build)


@pytest.fixture(scope="module")
def result(template):
    store = open_store(template)
    try:
        return check(store, SITE, AS_OF)
    finally:
        store.close()


@pytest.fixture
def store(template, isolated):
    shutil.copyfile(template, isolated / "check.db")
    store = open_store(isolated / "check.db")
    yield store
    store.close()


PROBLEMS = [
    {
        "level": "error",
        "code": "protected-name",
        "where": "finding 1.1 body",
        "message": "finding 1.1 body: protected name 'Jane Roe' appears as 'Jane Roe' (and 1 more)",
    },
    {
        "level": "error",
        "code": "email",
        "where": "finding 1.1 body",
        "message": "finding 1.1 body: e-mail address 'chief@nmpd.org'",
    },
    {
        "level": "error",
        "code": "phone",
        "where": "finding 1.1 body",
        "message": "finding 1.1 body: phone number '(305) 555-1234'",
    },
    {
        "level": "error",
        "code": "empty-once-redacted",
        "where": "finding 2.1",
        "message": "finding 2.1 has no public title once [[...]] is removed",
    },
    {
        "level": "error",
        "code": "other-engagement",
        "where": "finding 2.1 body",
        "message": "finding 2.1 body names 'Miami' as 'Miami', the city of another engagement (miami); a template copy mistake?",
    },
    {
        "level": "error",
        "code": "other-engagement",
        "where": "finding 2.1 body",
        "message": "finding 2.1 body names 'Ada' as 'Ada', the city of another engagement (ada); a template copy mistake?",
    },
    {
        "level": "error",
        "code": "count",
        "where": "finding 2.1 body",
        "message": "finding 2.1 body: 'Six focus areas' in \"Six focus areas; 4 of 13 (28.6%).\": the record has 5 focus areas as of 2024-07-01",
        "record": "finding 2.1",
        "field": "body",
        "span": "Six focus areas",
        "says": "the record has 5 focus areas as of 2024-07-01",
    },
    {
        "level": "error",
        "code": "percentage",
        "where": "finding 2.1 body",
        "message": "finding 2.1 body: '4 of 13 (28.6%)': 4 of 13 is 30.8%",
        "record": "finding 2.1",
        "field": "body",
        "span": "4 of 13 (28.6%)",
        "says": "4 of 13 is 30.8%",
    },
    {
        "level": "error",
        "code": "malformed-marker",
        "where": "focus area 5 title",
        "message": "focus area 5 title: unclosed [[ at character 16; close it with ]] or remove it",
    },
    {
        "level": "error",
        "code": "other-initials",
        "where": "recommendation 1.1.1 text",
        "message": "recommendation 1.1.1 text: 'HVPD.': 'HVPD' is the initials of Harbor Vale Police Department, another engagement (harbor-vale); a template copy mistake?",
        "record": "recommendation 1.1.1",
        "field": "text",
        "span": "HVPD.",
        "says": "'HVPD' is the initials of Harbor Vale Police Department, another engagement (harbor-vale)",
        "allow": "HVPD",
    },
    {
        "level": "error",
        "code": "empty-once-redacted",
        "where": "recommendation 1.1.2",
        "message": "recommendation 1.1.2 has no public text once [[...]] is removed",
    },
    {
        "level": "error",
        "code": "no-status",
        "where": "recommendation 1.1.3",
        "message": "approved recommendation 1.1.3 has no status as of 2024-07-01",
    },
    {
        "level": "error",
        "code": "empty-once-redacted",
        "where": "section background",
        "message": "section background has no public title or text once [[...]] is removed",
    },
    {
        "level": "error",
        "code": "protected-name",
        "where": "section introduction body",
        "message": "section introduction body: protected name 'Jane Roe' shows once the Markdown is rendered, in 'Met **Jane** Roe at the station, then the whole team met the command staff for t'; write it "
        "plainly, or leave it out",
    },
    {
        "level": "error",
        "code": "empty-once-redacted",
        "where": "section methodology",
        "message": "section methodology has no public title or text once [[...]] is removed",
    },
    {
        "level": "warning",
        "code": "no-recommendation",
        "where": "finding 2.1",
        "message": "approved finding 2.1 has no approved recommendation",
    },
    {
        "level": "warning",
        "code": "date",
        "where": "finding 2.1 body",
        "message": "finding 2.1 body: 'announced on March 1, 2024': the record says the engagement was announced on 2024-03-28",
        "record": "finding 2.1",
        "field": "body",
        "span": "announced on March 1, 2024",
        "says": "the record says the engagement was announced on 2024-03-28",
    },
    {
        "level": "warning",
        "code": "under-development",
        "where": "focus area 3",
        "message": "focus area 3 (Recruitment and Hiring) has nothing approved; it will show as under development",
    },
    {
        "level": "warning",
        "code": "under-development",
        "where": "focus area 4",
        "message": "focus area 4 (Officer Wellness) has nothing approved; it will show as under development",
    },
    {
        "level": "warning",
        "code": "under-development",
        "where": "focus area 5",
        "message": "focus area 5 (Accountability [[x) has nothing approved; it will show as under development",
    },
    {
        "level": "warning",
        "code": "no-owner",
        "where": "recommendation 1.1.1",
        "message": "recommendation 1.1.1 has no owner",
    },
]


def test_every_problem_field_by_field_errors_first_then_by_place(result):
    assert result["problems"] == PROBLEMS
    assert {k: result[k] for k in ("site", "as_of", "errors", "warnings")} == {
        "site": SITE,
        "as_of": AS_OF,
        "errors": 15,
        "warnings": 6,
    }


def without(*codes):
    return [p for p in PROBLEMS if p["code"] not in codes]


@pytest.mark.parametrize("kind", ["allow", "alias"])
def test_an_allowed_term_or_an_alias_of_this_engagement_is_not_another_engagements(store, kind):
    add_check_terms(store, get_engagement(store, SITE), kind, ["H.V.P.D."], "ann")
    got = check(store, SITE, AS_OF)
    assert got["problems"] == without("other-initials")
    assert (got["errors"], got["warnings"]) == (14, 6)


def test_an_alias_of_another_engagement_is_named_with_whose_it_is(store):
    add_check_terms(store, get_engagement(store, "harbor-vale"), "alias", ["Vale Force"], "ann")
    e = get_engagement(store, SITE)
    F.log_finding(store, e, "4", "Met the vale force", None, "ann", dated="2024-06-01")
    _approve(store, e, "4.2")
    got = check(store, SITE, AS_OF)["problems"]
    says = "'Vale Force' is an alias of Harbor Vale Police Department, another engagement (harbor-vale)"
    assert [p for p in got if p["where"].startswith("finding 4")] == [
        {
            "level": "error",
            "code": "other-initials",
            "where": "finding 4.2 title",
            "message": f"finding 4.2 title: 'vale force': {says}; a template copy mistake?",
            "record": "finding 4.2",
            "field": "title",
            "span": "vale force",
            "says": says,
            "allow": "Vale Force",
        },
        {
            "level": "warning",
            "code": "no-recommendation",
            "where": "finding 4.2",
            "message": "approved finding 4.2 has no approved recommendation",
        },
    ]


def under_development(number, title):
    return {
        "level": "warning",
        "code": "under-development",
        "where": f"focus area {number}",
        "message": f"focus area {number} ({title}) has nothing approved; it will show as "
        "under development",
    }


def test_nothing_dated_after_the_date_is_read(template):
    store = open_store(template)
    try:
        got = check(store, SITE, "2024-05-31")
    finally:
        store.close()
    malformed = [p for p in PROBLEMS if p["code"] == "malformed-marker"]
    titles = [*AREAS[:4], "Accountability [[x"]
    assert got["problems"] == malformed + [under_development(n, t) for n, t in enumerate(titles, 1)]
    assert (got["errors"], got["warnings"]) == (1, 5)


def test_records_and_statuses_are_read_as_of_the_date(template):
    store = open_store(template)
    try:
        got = check(store, SITE, "2024-08-01")
    finally:
        store.close()
    places = [(p["code"], p["where"]) for p in got["problems"]]
    # 1.1.3's status is dated 2024-08-01 (so it has one now); finding 5.1 is dated 2024-07-02.
    assert ("no-status", "recommendation 1.1.3") not in places
    assert ("empty-once-redacted", "finding 5.1") in places
    assert ("no-recommendation", "finding 5.1") in places
    assert [p for p in got["problems"] if p["code"] == "under-development"] == [
        under_development(3, AREAS[2]),
        under_development(4, AREAS[3]),
    ]
    assert (got["errors"], got["warnings"]) == (15, 6)


def test_the_date_defaults_to_today(store):
    assert check(store, SITE)["as_of"] == TODAY


def test_public_texts_walks_every_string_under_its_record_and_skips_codes_and_slugs():
    report = {
        "as_of": "2024-07-01",
        "title": "",
        "engagement": {"agency": "North Miami PD", "site": "north-miami"},
        "author": {"name": "A. Writer"},  # a name, but not a focus area's section
        "tags": ["first", "", "second"],
        "focus_areas": [
            {
                "number": 1,
                "title": "Use of Force",
                "slug": "use-of-force [[x",
                "narrative": {"name": "focus-area-1", "body": "Area one."},
                "findings": [{"number": 2, "title": "A finding", "notes": ["a note"]}],
            }
        ],
        "sections": [{"name": "introduction", "body": "Intro."}],
        "unlabelled": [{"text": "no record of its own"}],
    }
    assert list(public_texts(report)) == [
        ("engagement", "agency", "North Miami PD"),
        ("report", "name", "A. Writer"),
        ("report", "tags", "first"),
        ("report", "tags", "second"),
        ("focus area 1", "title", "Use of Force"),
        ("section focus-area-1", "name", "focus-area-1"),
        ("section focus-area-1", "body", "Area one."),
        ("finding 2", "title", "A finding"),
        ("finding 2", "notes", "a note"),
        ("section introduction", "name", "introduction"),
        ("section introduction", "body", "Intro."),
        ("report", "text", "no record of its own"),
    ]


def test_initials_of_our_own_city_are_ours(isolated):
    store = open_store(isolated / "city.db")
    for site, agency, city in (
        ("metro", "Metro Police Department", "Harbor Vale"),
        ("harbor-vale", "Harbor Vale Police Department", "Harbor Vale"),
    ):
        spec = EngagementSpec(site=site, agency=agency, city=city, focus_areas=AREAS[:1])
        create_engagement(store, spec, "setup")
    e = get_engagement(store, "metro")
    F.log_finding(store, e, "1", "The HV and HVPD talks", None, "ann", dated="2024-06-01")
    _approve(store, e, "1.1")
    got = check(store, "metro", AS_OF)["problems"]
    store.close()
    # HV is our city's; HVPD only the other agency's.
    assert [(p["code"], p["span"]) for p in got if p["code"] == "other-initials"] == [
        ("other-initials", "HVPD")
    ]


def _record_codes(got: dict) -> list[tuple[str, str]]:
    return [
        (p["code"], p["where"])
        for p in got["problems"]
        if p["code"] in ("no-status", "no-owner", "empty-once-redacted", "no-recommendation")
    ]


def test_a_record_the_report_leaves_out_is_never_judged(store):
    """Internal records, and recommendations under a draft or internal finding, are not
    published: an empty text or a missing owner of theirs blocks nothing."""
    e = get_engagement(store, SITE)
    before = _record_codes(check(store, SITE, AS_OF))
    R.recommend(store, e, "1.1", "[[all secret]]", "ann", internal=True, dated="2024-06-01")
    _approve(store, e, "1.1.4")
    R.recommend(store, e, "3.1", "[[under an internal finding]]", "ann", dated="2024-06-01")
    _approve(store, e, "3.1.1")
    R.recommend(store, e, "4.1", "[[under a draft finding]]", "ann", dated="2024-06-01")
    _approve(store, e, "4.1.1")
    assert _record_codes(check(store, SITE, AS_OF)) == before


def test_a_published_record_is_judged_in_its_approved_wording(store):
    """An edit waiting for review does not change what is published: the approved wording is
    judged, not the working text, and the record is judged though it is back in draft."""
    from reformctl.model.edits import edit_record

    e = get_engagement(store, SITE)
    before = _record_codes(check(store, SITE))
    edit_record(store, e, "1.1.3", {"text": "[[now all withheld]]"}, "ann")
    edit_record(store, e, "1.1.1", {"owner": "Chief"}, "ann")
    assert _record_codes(check(store, SITE)) == before
    assert ("no-owner", "recommendation 1.1.1") in before


def test_a_focus_areas_narrative_with_nothing_left_once_redacted_is_an_error(store):
    e = get_engagement(store, SITE)
    write_section(store, e, "focus-area-2", "[[all withheld]]", "ann", dated="2024-06-01")
    _approve(store, e, "focus-area-2")
    got = check(store, SITE, AS_OF)["problems"]
    assert [p for p in got if p["where"] == "section focus-area-2"] == [
        {
            "level": "error",
            "code": "empty-once-redacted",
            "where": "section focus-area-2",
            "message": "section focus-area-2 has no public title or text once [[...]] is removed",
        }
    ]


def test_a_number_kept_for_a_withdrawn_record_is_not_judged():
    """A record withdrawn after a release keeps its number on the page with nothing else: no
    title, text or status to judge, and it is no recommendation of its finding."""
    from reformctl.publishing.check import _record_problems

    def rec(number, **more):
        return {
            "number": number,
            "text": "Do it.",
            "owner": "Chief",
            "status_as_of": "2024-06-01",
            **more,
        }

    report = {
        "as_of": AS_OF,
        "sections": [],
        "focus_areas": [
            {
                "findings": [
                    {
                        "number": "1.1",
                        "withdrawn": True,
                        "recommendations": [{"number": "1.1.1", "withdrawn": True}],
                    },
                    {
                        "number": "1.2",
                        "title": "Kept",
                        "recommendations": [{"number": "1.2.1", "withdrawn": True}],
                    },
                    {"number": "1.3", "title": "Fine", "recommendations": [rec("1.3.1")]},
                ]
            }
        ],
    }
    assert _record_problems(report) == [
        {
            "level": "warning",
            "code": "no-recommendation",
            "where": "finding 1.2",
            "message": "approved finding 1.2 has no approved recommendation",
        }
    ]
