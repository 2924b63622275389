"""exchange/bundle_checks.py, called directly: each column rule a bundle's value goes through before
a merge or an import writes anything, at its edges and with its refusal word for word, and how a
record's problems are named (file, field). test_trust_bundles.py shows the same through the CLI,
one hostile field of one file at a time."""

from __future__ import annotations

import json

import pytest

from reformctl.cli.errors import message
from reformctl.errors import Invalid
from reformctl.exchange import bundle_checks as B

ID = "0b7e9a52-3f4c-4d8e-9a1b-2c3d4e5f6a7b"
ID2 = "1c8f0b63-4a5d-4e9f-8b2c-3d4e5f6a7b8c"


def refused(rule, value) -> str:
    with pytest.raises(Invalid) as caught:
        rule(value)
    return message(caught.value)


def test_shown_is_the_repr_cut_at_60_characters():
    assert B._shown("a" * 58) == "'" + "a" * 58 + "'"  # 60 characters: whole
    assert B._shown("a" * 59) == "'" + "a" * 56 + "..."  # 61: cut to 57 and an ellipsis
    assert B._shown("\x1b[2J") == "'\\x1b[2J'"
    assert B._shown(None) == "None"


def test_number_takes_whole_numbers_between_its_bounds_only():
    rule = B.number()
    for good in (1, 999_999):
        assert rule(good) is None
    assert refused(rule, 0) == "must be a whole number from 1 to 999999, got 0"
    assert refused(rule, 1_000_000) == "must be a whole number from 1 to 999999, got 1000000"
    for bad in (True, 2.0, "3", None):
        assert refused(rule, bad) == f"must be a whole number from 1 to 999999, got {bad!r}"
    assert B.number(optional=True)(None) is None
    assert refused(B.number(optional=True), 0).startswith("must be a whole number from 1 ")
    low = B.number(0, 10)
    assert low(0) is None and low(10) is None
    assert refused(low, -1) == "must be a whole number from 0 to 10, got -1"
    assert refused(low, 11) == "must be a whole number from 0 to 10, got 11"


def test_flag_is_0_or_1_and_nothing_like_them():
    assert B.flag(0) is None and B.flag(1) is None
    for bad in (2, -1, True, False, 0.0, "1", None):
        assert refused(B.flag, bad) == f"must be 0 or 1, got {bad!r}"


class _Equal:
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0

    def __repr__(self):
        return "<anything>"


def test_one_of_takes_a_listed_string_only():
    rule = B.one_of(("a", "b"))
    assert rule("a") is None and rule("b") is None
    assert refused(rule, "c") == "'c' is unknown; expected one of a, b"
    assert refused(rule, None) == "None is unknown; expected one of a, b"
    assert B.one_of(("a",), optional=True)(None) is None
    assert refused(B.one_of(("a",), optional=True), "A") == "'A' is unknown; expected one of a"
    # a value that is not text is refused even when it compares equal to a listed one
    assert refused(B.one_of(("a",)), _Equal()) == "<anything> is unknown; expected one of a"


def test_an_id_has_the_form_of_an_id():
    assert B.an_id(ID) is None
    assert refused(B.an_id, "../x") == "'../x' is not an id"
    assert refused(B.an_id, 5) == "5 is not an id"


def test_dates_are_real_and_between_1900_and_2200():
    rule = B.date()
    for good in ("1900-01-01", "2200-12-31", "2024-02-29"):
        assert rule(good) is None
    # parse_date bounds the years itself, with its own wording
    assert refused(rule, "1899-12-31") == (
        "date 1899-12-31 is out of range; years run from 1900 to 2200"
    )
    assert refused(rule, 20250101) == "20250101 is not a date; use YYYY-MM-DD"
    assert refused(rule, None) == "None is not a date; use YYYY-MM-DD"
    assert refused(rule, "2025-02-30") == (
        "date '2025-02-30' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28"
    )
    assert B.date(optional=True)(None) is None
    assert refused(B.date(optional=True), "1899-01-01").startswith("date 1899-01-01 is out")


def test_moments_are_iso_date_and_time_up_to_40_characters():
    rule = B.moment()
    assert rule("2025-01-01T00:00:00") is None
    forty = "2025-01-01T00:00:00.0000+00:00:00.000000"
    assert len(forty) == 40 and rule(forty) is None
    assert refused(rule, forty + "0") == f"{forty + '0'!r} is not an ISO date and time"
    assert refused(rule, "yesterday") == "'yesterday' is not an ISO date and time"
    assert refused(rule, 5) == "5 is not an ISO date and time"
    assert refused(rule, None) == "None is not an ISO date and time"
    year = "year {} is out of range; dates run from 1900 to 2200"
    assert refused(rule, "1899-12-31T23:59:59") == year.format(1899)
    assert refused(rule, "2201-01-01T00:00:00") == year.format(2201)
    assert rule("1900-01-01T00:00:00") is None and rule("2200-12-31T23:59:59") is None
    assert B.moment(optional=True)(None) is None


def test_text_arrives_exactly_as_it_would_be_stored():
    assert refused(B.line(), "a  b") == (
        "'a  b' is not as reformctl stores text (line breaks, outer or repeated spaces); "
        "write 'a b'"
    )
    assert B.line()("a b") is None
    assert B.body()("two\nlines") is None
    assert "is not as reformctl stores text" in refused(B.line(), "two\nlines")


def test_text_rules_keep_their_limits_and_names():
    assert B.line()("x" * 300) is None
    assert refused(B.line(), "x" * 301) == "the text is 301 characters long; keep it to 300"
    assert refused(B.line(10), "x" * 11) == "the text is 11 characters long; keep it to 10"
    assert B.name()("x" * 200) is None
    assert refused(B.name(), "x" * 201) == "the name is 201 characters long; keep it to 200"
    assert refused(B.name(), "[[x]]").startswith("the name ")
    assert B.body()("x" * 200_000) is None
    assert refused(B.body(), "x" * 200_001) == (
        "the text is 200001 characters long; keep it to 200000"
    )
    assert refused(B.line(), "") == "the text must not be empty"
    for rule in (B.line(), B.name(), B.body()):
        assert refused(rule, None) == "must be text, got None"
        assert refused(rule, 42) == "must be text, got 42"
    for rule in (B.line(optional=True), B.name(optional=True), B.body(optional=True)):
        assert rule(None) is None
        assert refused(rule, 42) == "must be text, got 42"


def test_an_actor_is_text_with_no_invisible_character():
    assert B.actor("A. Analyst") is None
    assert refused(B.actor, 5) == "must be text, got 5"
    assert refused(B.actor, None) == "must be text, got None"
    assert refused(B.actor, "A.\u200bAnalyst").startswith("the name contains an invisible")
    assert "is not as reformctl stores text" in refused(B.actor, " A. Analyst")


def test_a_site_is_a_slug():
    assert B.site("north-miami") is None
    bad = "is not a site slug; use lowercase letters, digits and single hyphens"
    assert refused(B.site, 5) == f"5 {bad}"
    assert refused(B.site, None) == f"None {bad}"
    assert "is not a valid slug" in refused(B.site, "Upper")


def test_a_url_is_a_web_address_on_one_line():
    assert B.url(None) is None
    assert B.url("https://example.org/a?b=c") is None
    assert B.url("http://example.org") is None
    for bad in ("javascript:alert(1)", "https://a b", "ftp://x", "https://a<b", 'https://a"b'):
        assert refused(B.url, bad) == f"{bad!r} is not a web address"
    assert B.url("https://" + "x" * 492) is None  # 500 characters
    assert refused(B.url, "https://" + "x" * 493) == (
        "the text is 501 characters long; keep it to 500"
    )


def test_methods_are_a_json_list_of_known_methods():
    assert B.methods('["interview", "survey"]') is None
    assert B.methods("[]") is None
    hint = 'must be a JSON list of methods such as ["interview"], got '
    for bad in ("notjson", '{"interview": 1}', '"interview"', ["interview"], None):
        assert refused(B.methods, bad) == hint + repr(bad)[:57] + (
            "..." if len(repr(bad)) > 60 else ""
        )
    long = json.dumps(["interview"] * 200)
    assert len(long) >= 2_000 and refused(B.methods, long).startswith(hint)
    fits = '["interview"' + " " * 1_986 + "]"
    assert len(fits) == 1_999 and B.methods(fits) is None
    assert refused(B.methods, fits[:-1] + " ]").startswith(hint)  # 2,000 characters
    known = ", ".join(B.METHODS)
    assert refused(B.methods, '["telepathy"]') == (
        f"'telepathy' is not a method; expected some of {known}"
    )
    assert refused(B.methods, "[1]") == f"1 is not a method; expected some of {known}"


def test_json_text_has_a_limit_and_a_kind():
    rule = B.json_text(dict, 10)
    assert rule('{"a": 1}') is None
    assert refused(rule, "notjson") == "must be JSON text of at most 10 characters, got 'notjson'"
    assert refused(rule, '{"a": 12345}') == (
        "must be JSON text of at most 10 characters, got '{\"a\": 12345}'"
    )
    assert rule('{"a":123}') is None  # 9
    assert rule('{"a":1234}') is None  # 10
    assert refused(rule, '{"a":12345}').startswith("must be JSON text of at most 10 ")
    assert refused(rule, "[]") == "must be a JSON dict, got '[]'"
    assert refused(rule, 5).startswith("must be JSON text")
    assert refused(rule, None).startswith("must be JSON text")
    assert B.json_text()("[1]") is None
    assert B.json_text(optional=True)(None) is None
    assert B.json_text(list, optional=True)("[]") is None


def test_files_name_plain_files_with_sha256_digests():
    digest = "0" * 64
    assert B.files(json.dumps({"index.html": digest, "a.b-c_d": digest})) is None
    for name in ("../x.html", "a/b", ".hidden", "a..b", "x" * 202):
        assert (
            refused(B.files, json.dumps({name: digest}))
            == f"{B._shown(name)} is not a plain file name"
        )
    assert B.files(json.dumps({"x" * 201: digest})) is None
    for bad in ("00", "0" * 63 + "G", 5, None):
        assert refused(B.files, json.dumps({"a": bad})) == f"{B._shown(bad)} is not a sha256 digest"
    assert refused(B.files, "[]") == "must be a JSON dict, got '[]'"


def test_files_take_upper_case_names_lower_case_digests_and_100000_characters():
    assert B.files(json.dumps({"Index.HTML": "a" * 64, "9.csv": "f" * 64})) is None
    assert (
        refused(B.files, json.dumps({"a": "A" * 64}))
        == f"{B._shown('A' * 64)} is not a sha256 digest"
    )
    entry = '{"a": "' + "0" * 64 + '"'
    fits = entry + " " * (100_000 - len(entry) - 1) + "}"
    assert len(fits) == 100_000 and B.files(fits) is None
    assert refused(B.files, fits[:-1] + " }").startswith(
        "must be JSON text of at most 100000 characters, got "
    )


def test_a_record_key_is_an_id_or_two_joined_by_a_plus():
    assert B.record_key(ID) is None
    assert B.record_key(f"{ID}+{ID2}") is None
    for bad in (f"{ID}+x", f"{ID}+{ID2}+{ID}", "x", 5):
        assert refused(B.record_key, bad) == f"{B._shown(bad)} is not a record id"


def test_a_history_key_is_an_id_and_a_change_number():
    assert B.history_key(f"{ID}.1") is None
    assert B.history_key(f"{ID}.999999") is None
    for bad in (f"{ID}.0", f"{ID}.01", f"{ID}.1000000", f"{ID}.x", "x.1", f"{ID}", 5, None):
        assert refused(B.history_key, bad) == (
            f"{B._shown(bad)} is not a record id and a change number such as <id>.1"
        )


def test_a_field_name_is_a_column_or_a_held_kind_and_id():
    for good in ("review", "a" * 40, f"approved_versions:{ID}", "x:" + ID.replace("-", "")):
        assert B.field_name(good) is None
    for bad in ("Review", "a" * 41, "review:../x", "", 5, None, f"review:{ID}:x"):
        assert refused(B.field_name, bad) == f"{B._shown(bad)} is not a field name"


def test_a_team_is_a_list_of_distinct_ids():
    assert B.team([]) is None
    assert B.team([ID, ID2]) is None
    bad = "must be a list of distinct team member ids, got "
    assert refused(B.team, [ID, ID]) == bad + B._shown([ID, ID])
    assert refused(B.team, "Dana") == bad + "'Dana'"
    assert refused(B.team, ["../x"]) == "'../x' is not an id"
    assert refused(B.team, [f"{i}" for i in range(1_001)]).startswith(bad)
    assert refused(B.team, [f"{i}" for i in range(1_000)]) == "'0' is not an id"


def test_release_items_are_published_records_with_their_numbers():
    item = {"record_type": "finding", "record_id": ID, "ref": "2.1"}
    assert B.items([item, {**item, "record_type": "recommendation", "ref": "2.1.3"}]) is None
    assert B.items([]) is None
    assert refused(B.items, "all") == "must be a list of published records, got 'all'"
    assert B.items([item] * 100_000) is None
    assert refused(B.items, [item] * 100_001).startswith("must be a list of published records")
    assert refused(B.items, [5]) == "5 is not a published record (record_type, record_id, ref)"
    extra = {**item, "x": 1}
    assert refused(B.items, [extra]).endswith(
        "is not a published record (record_type, record_id, ref)"
    )
    short = {"record_type": "finding", "record_id": ID}
    assert refused(B.items, [short]).endswith("(record_type, record_id, ref)")
    assert refused(B.items, [{**item, "record_type": "section"}]).startswith("'section' is unknown")
    assert refused(B.items, [{**item, "record_id": "x"}]) == "'x' is not an id"
    for ref in ("2", "2.1.3.4", "a.1", "1234567.1", 2.1):
        assert refused(B.items, [{**item, "ref": ref}]) == (
            f"{ref!r} is not a record number such as 2.1 or 2.1.3"
        )


def test_a_section_name_and_body_go_through_the_section_rules():
    assert B.section_name("introduction") is None
    assert B.section_name("appendix-data") is None
    assert refused(B.section_name, 5) == "must be text, got 5"
    assert refused(B.section_name, "Summary").startswith("the name 'Summary' is not a section")
    assert B.section_body("text") is None
    assert refused(B.section_body, 5) == "must be text, got 5"
    assert refused(B.section_body, "") == "section body must not be empty; write the section's text"
    assert "is not as reformctl stores text" in refused(B.section_body, "a\r\nb")


def test_a_column_without_a_rule_is_null_a_64_bit_number_or_clean_text():
    assert B.generic(None) is None
    assert B.generic(2**63 - 1) is None and B.generic(-(2**63) + 1) is None
    assert refused(B.generic, 2**63).startswith("must be a whole number from -9223372036854775807 ")
    assert refused(B.generic, -(2**63)).endswith(f"got {-(2**63)}")
    assert refused(B.generic, True) == "must be text, got True"
    assert B.generic("text") is None
    assert B.generic("x" * 1_000_000) is None
    assert refused(B.generic, "x" * 1_000_001) == (
        "the text is 1000001 characters long; keep it to 1000000"
    )
    assert refused(B.generic, "nul \x00").startswith("the text ")


def test_record_problems_name_the_file_and_each_bad_field_in_order():
    record = {"title": "", "number": 0, "internal": 1, "colour": 5.5, "id": ID}
    problems = B.record_problems("findings", record, "findings/x.json")
    assert [(where, name) for where, name, _ in problems] == [
        ("findings/x.json", "colour"),
        ("findings/x.json", "number"),
        ("findings/x.json", "title"),
    ]
    assert [message(exc) for *_, exc in problems] == [
        "must be text, got 5.5",
        "must be a whole number from 1 to 999999, got 0",
        "the text must not be empty",
    ]
    assert B.record_problems("findings", {"id": ID}, "f") == []


def test_records_problems_cover_the_engagement_and_every_kind_by_file():
    engagement = {"id": ID, "site": "Bad Site"}
    kinds = {
        "findings": {"b": {"number": 0}, "a": {"internal": 2}},
        "notes": {"n": {"text": "ok", "id": "x"}},
    }
    problems = B.records_problems(engagement, kinds)
    assert [(where, name) for where, name, _ in problems] == [
        ("engagement.json", "site"),
        ("findings/a.json", "internal"),
        ("findings/b.json", "number"),
        ("notes/n.json", "id"),
    ]
    assert B.records_problems({"id": ID}, {}) == []
