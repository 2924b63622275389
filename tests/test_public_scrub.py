"""reports/public.py's string rules, directly: redaction of every [[span]], the spaces it leaves,
which values are codes left alone, and withholding protected names as written. The CLI tests
(test_redaction_spans.py, test_trust_public.py) show the same rules in the published report;
these pin each rule's edge so a one-character change to it fails by name."""

from __future__ import annotations

import pytest

from reformctl.reports import public as P


@pytest.mark.parametrize(
    "text, public",
    [
        ("plain text", "plain text"),
        ("a [[x]] b [[y]] c", "a b c"),
        ("[[x]]start and end[[y]]", "start and end"),
        ("a [[x [[y]] z]] b", "a b"),  # nothing inside the outermost span shows
        ("keep [[never closed", "keep"),
        ("stray ]] close", "stray close"),
        ("a [[x]]]]b", "a b"),
        ("[[a]][[b]]", ""),
        ("a[[x]] .", "a."),  # no space left before punctuation
        ("a [[x]], b [[y]]; c [[z]]: d [[w]]! e [[v]]? (f [[u]])", "a, b; c: d! e? (f)"),
        ("a\t\t[[x]]\tb", "a b"),
        (
            "line one\n\nline two",
            "line one\n\nline two",
        ),  # line breaks are kept, only runs of spaces go
        ("a  b", "a b"),
        ("a . b", "a. b"),
        ("  padded  ", "padded"),
        ("[ single ] brackets", "[ single ] brackets"),
        ("]][[x]]", ""),
        ("[]]x]]", "[x"),  # '[' + stray ']]' + 'x' + stray ']]'
        ("[[x]]]]]", "]"),
        ("[[[x]]", ""),
        ("[[x]]] y", "] y"),
        ("[[x]][[", ""),
        ("a [[x]]", "a"),
        ("", ""),
        (None, ""),
    ],
)
def test_redact(text, public):
    assert P.redact(text) == public


def test_redact_goes_again_when_joining_makes_a_marker():
    # removing '[[x]]' joins ']' and ']' into a new ']]', which is dropped in a second pass
    assert P.redact("a ][[x]]] b") == "a b"


@pytest.mark.parametrize(
    "key, value, code",
    [
        ("status", "in-progress", True),
        ("number", "2.1.3", True),
        ("as_of", "2024-06-30", True),
        ("site", "north-miami", True),
        ("schema_version", "1+x:y_z", True),
        ("status", "Jane Roe", False),  # a code key with a value that is not a code is scrubbed
        ("status", "[[x]]", False),
        ("status", "", True),
        ("title", "closed", False),
        (None, "closed", False),
    ],
)
def test_is_code(key, value, code):
    assert P.is_code(key, value) is code


def test_code_keys():
    assert P.CODE_KEYS == {
        "site",
        "state",
        "program",
        "number",
        "status",
        "from",
        "to",
        "final_status",
        "reason",
        "priority",
        "methods",
        "method",
        "as_of",
        "status_as_of",
        "announced",
        "due",
        "since",
        "date",
        "start",
        "end",
        "previous_report",
        "kind",
        "schema_version",
        "open_recommendations",
    }


def test_map_public_strings_reaches_every_string_but_codes():
    value = {
        "title": "t",
        "status": "open",
        "number": "x y",
        "n": 3,
        "none": None,
        "flag": True,
        "items": ["a", {"status": "closed", "text": "b"}, ["c"]],
        "methods": ["interview", "a b"],
    }
    assert P.map_public_strings(value, str.upper) == {
        "title": "T",
        "status": "open",
        "number": "X Y",
        "n": 3,
        "none": None,
        "flag": True,
        "items": ["A", {"status": "closed", "text": "B"}, ["C"]],
        "methods": ["interview", "A B"],
    }
    assert P.map_public_strings("plain", str.upper) == "PLAIN"
    assert P.map_public_strings("open", str.upper, "status") == "open"


def test_withhold_as_written():
    value = {"title": "Met JANE\u00a0ROE and Jane-Roe", "status": "open", "list": ["jane roe", 1]}
    assert P.withhold(value, ["Jane Roe"]) == {
        "title": "Met [withheld] and [withheld]",
        "status": "open",
        "list": ["[withheld]", 1],
    }
    assert P.withhold(value, []) is value
    assert P.withhold({"title": "[[x]] a"}, ["Zed Zed"]) == {
        "title": "[[x]] a"
    }  # withholding does not redact
    assert P.WITHHELD == "[withheld]"


def test_term_pattern():
    assert P.term_pattern([]) is None
    assert P.term_pattern(["Jane Roe"]).search("x jane roe y")


def test_scrub_public_redacts_then_withholds():
    value = {
        "body": "Ask [[Jane Roe's office]] or Jane\u200bRoe .",
        "number": "1.2",
        "status": "open",
        "notes": ["[[a]]b", "c [[d]]"],
    }
    assert P.scrub_public(value, ["Jane Roe"]) == {
        "body": "Ask or [withheld].",
        "number": "1.2",
        "status": "open",
        "notes": ["b", "c"],
    }
    assert P.scrub_public(value, []) == {
        "body": "Ask or Jane\u200bRoe.",
        "number": "1.2",
        "status": "open",
        "notes": ["b", "c"],
    }
    # a name split by a redaction is joined by it, and then withheld
    assert P.scrub_public({"t": "Jane [[x]]Roe"}, ["Jane Roe"]) == {"t": "[withheld]"}
