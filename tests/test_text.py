"""model/text.py, the validators every door calls: the exact line each refusal prints (it is what
the user reads), the bounds at their edges, and who counts as the same person for four eyes.
Direct unit tests; test_trust_validators.py attacks the same rules through the CLI, door by door."""

from __future__ import annotations

import unicodedata

import pytest

from reformctl.errors import Invalid
from reformctl.model import text as T


def refusal(fn, *args, **kwargs) -> str:
    with pytest.raises(Invalid) as caught:
        fn(*args, **kwargs)
    return str(caught.value)


def test_bounds():
    assert (T.MAX_NAME, T.MAX_TITLE, T.MAX_ACTOR, T.MAX_INT) == (200, 300, 100, 2**63 - 1)
    assert T.BIDI_CONTROLS == {
        0x202A,
        0x202B,
        0x202C,
        0x202D,
        0x202E,
        0x2066,
        0x2067,
        0x2068,
        0x2069,
    }


def test_require_text():
    assert T._require_text(None, "x") == ""
    assert T._require_text("a", "x") == "a"
    assert refusal(T._require_text, 7, "owner") == "owner must be text, not int 7"
    assert (
        refusal(T._require_text, ["y" * 400], "owner")
        == ("owner must be text, not list " + repr(["y" * 400]))[:300]
    )


def test_clean_title():
    assert T.clean_title("  A\n title\t here ") == "A title here"
    assert T.clean_title("x" * 300) == "x" * 300
    assert refusal(T.clean_title, "x" * 301) == "title is 301 characters long; keep it to 300"
    assert (
        refusal(T.clean_title, "x" * 11, "agency", 10)
        == "agency is 11 characters long; keep it to 10"
    )
    assert refusal(T.clean_title, " \n ", "agency") == "agency must not be empty"
    assert refusal(T.clean_title, None) == "title must not be empty"
    assert T.clean_title("a [[b]] c") == "a [[b]] c"
    assert (
        refusal(T.clean_title, "a [[b", "title")
        == "title: unclosed [[ at character 3; close it with ]] or remove it"
    )
    assert (
        refusal(T.clean_title, "a\x1bb")
        == "title contains a control character (U+001B) at character 2; remove it"
    )


def test_clean_title_checks_the_raw_text():
    # positions count in the text as typed, before its whitespace is collapsed
    assert (
        refusal(T.clean_title, "  a\x7f")
        == "title contains a control character (U+007F) at character 4; remove it"
    )


def test_clean_name():
    assert T.clean_name(" Jane  Roe ", "owner") == "Jane Roe"
    assert T.clean_name("x" * 200, "owner") == "x" * 200
    assert (
        refusal(T.clean_name, "x" * 201, "owner") == "owner is 201 characters long; keep it to 200"
    )
    assert refusal(T.clean_name, "ab [[c]]", "agency") == (
        "agency cannot hold [[ (at character 4): it is always public in full, so there is nothing to "
        "redact; remove the brackets"
    )
    assert refusal(T.clean_name, "a]]", "city").startswith("city cannot hold ]] (at character 2)")


def test_clean_optional():
    assert T.clean_optional(None, "owner") is None
    assert T.clean_optional(" \t", "owner") is None
    assert T.clean_optional(" a ", "owner") == "a"
    assert T.clean_optional("a [[b]]", "owner") == "a [[b]]"
    assert (
        refusal(T.clean_optional, "x" * 301, "owner")
        == "owner is 301 characters long; keep it to 300"
    )
    assert (
        refusal(T.clean_optional, "x" * 6, "owner", 5) == "owner is 6 characters long; keep it to 5"
    )
    assert refusal(T.clean_optional, "[[b]]", "owner", 50, False).startswith("owner cannot hold [[")
    assert refusal(T.clean_optional, 3, "owner") == "owner must be text, not int 3"


def test_clean_optional_name():
    assert T.clean_optional_name(None, "city") is None
    assert T.clean_optional_name(" a  b ", "city") == "a b"
    assert T.clean_optional_name("x" * 200, "city") == "x" * 200
    assert (
        refusal(T.clean_optional_name, "x" * 201, "city")
        == "city is 201 characters long; keep it to 200"
    )
    assert refusal(T.clean_optional_name, "[[b]]", "city").startswith("city cannot hold [[")


def test_clean_body():
    assert T.clean_body("\r\n a\r\n\tb\rc \n") == "a\n\tb\nc"
    assert refusal(T.clean_body, 7, "evidence") == "evidence must be text, not int 7"
    assert T.clean_body(None) == ""
    assert T.clean_body("x" * 200_000) == "x" * 200_000
    assert (
        refusal(T.clean_body, "x" * 200_001) == "body is 200001 characters long; keep it to 200000"
    )
    assert (
        refusal(T.clean_body, " " + "x" * 5, "text", 4) == "text is 5 characters long; keep it to 4"
    )
    assert (
        refusal(T.clean_body, "a\n\x00", "note")
        == "note contains a control character (U+0000) at line 2, column 1; remove it"
    )
    assert (
        refusal(T.clean_body, "\n\nab [[c", "body")
        == "body: unclosed [[ at line 3, column 4; close it with ]] or remove it"
    )
    assert T.clean_body("a [[b]] c") == "a [[b]] c"


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\x08",
        "\x0b",
        "\x0c",
        "\x0e",
        "\x1f",
        "\x7f",
        "\x80",
        "\x9f",
        "\ud800",
        "\udfff",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
    ],
)
def test_controls_refused(char):
    assert refusal(T.clean_body, "ab" + char, "note") == (
        f"note contains a control character (U+{ord(char):04X}) at character 3; remove it"
    )


@pytest.mark.parametrize(
    "char", ["\t", "\n", "\r", " ", "\u00a0", "\u00a1", "\u2065", "\u2029", "\ue000"]
)
def test_not_controls(char):
    T.clean_body("ab" + char)


def test_position():
    assert T.position("\nab", 2) == "line 2, column 2"  # a line break first of all
    assert T.position("abc", 0) == "character 1"
    assert T.position("abc", 2) == "character 3"
    assert T.position("ab\ncd\nef", 0) == "line 1, column 1"
    assert T.position("ab\ncd\nef", 4) == "line 2, column 2"
    assert T.position("ab\ncd\nef", 6) == "line 3, column 1"
    assert T.position("ab\n", 1) == "line 1, column 2"


def test_marker_problems():
    assert T.marker_problems(None) == []
    assert T.marker_problems("") == []
    assert T.marker_problems("no markers [ ] here") == []
    assert T.marker_problems("a [[b]] c [[d]]") == []
    assert T.marker_problems("[[a") == [
        (0, "unclosed [[ at character 1; close it with ]] or remove it")
    ]
    assert T.marker_problems("a]]") == [
        (1, "]] at character 2 closes nothing; remove it or add [[ before it")
    ]
    assert T.marker_problems("x[[ \n ]]") == [
        (1, "empty [[]] at line 1, column 2; put the withheld text inside it or remove it")
    ]
    assert T.marker_problems("[[a [[b]] c]]") == [
        (
            4,
            "nested [[ at character 5 (inside the [[ at character 1); a redaction cannot hold another",
        )
    ]
    # the nested span is not itself reported empty: only the outermost is checked
    assert T.marker_problems("[[a [[]] c]]") == [
        (
            4,
            "nested [[ at character 5 (inside the [[ at character 1); a redaction cannot hold another",
        )
    ]
    assert T.marker_problems("[[ [[a]]]]") == [
        (
            3,
            "nested [[ at character 4 (inside the [[ at character 1); a redaction cannot hold another",
        )
    ]
    assert T.marker_problems("]] [[") == [
        (0, "]] at character 1 closes nothing; remove it or add [[ before it"),
        (3, "unclosed [[ at character 4; close it with ]] or remove it"),
    ]
    assert T.marker_problems("[[ a [[") == [
        (0, "unclosed [[ at character 1; close it with ]] or remove it"),
        (
            5,
            "nested [[ at character 6 (inside the [[ at character 1); a redaction cannot hold another",
        ),
        (5, "unclosed [[ at character 6; close it with ]] or remove it"),
    ]


def test_check_markers():
    T.check_markers(None, "body")
    T.check_markers("[[fine]]", "body")
    assert (
        refusal(T.check_markers, "a]]", "body")
        == "body: ]] at character 2 closes nothing; remove it or add [[ before it"
    )
    assert refusal(T.check_markers, "]] ]] [[", "body") == (
        "body: ]] at character 1 closes nothing; remove it or add [[ before it (and 2 more)"
    )
    assert refusal(T.check_markers, "]] ]]", "body").endswith("(and 1 more)")


def test_clean_actor():
    assert T.clean_actor("  A.\u00a0Analyst ") == "A. Analyst"
    assert T.clean_actor("\uff21. Analyst") == "A. Analyst"  # NFKC: full-width letters are letters
    assert (
        T.clean_actor("\u0418\u0432\u0430\u043d") == "\u0418\u0432\u0430\u043d"
    )  # Cyrillic alone is a name
    assert T.clean_actor("x" * 100) == "x" * 100
    assert refusal(T.clean_actor, "x" * 101) == "actor is 101 characters long; keep it to 100"
    assert refusal(T.clean_actor, None, "--as") == "--as must not be empty"
    assert refusal(T.clean_actor, "\u3000", "--as") == "--as must not be empty"
    assert refusal(T.clean_actor, 5, "--as") == "--as must be text, not int 5"
    assert refusal(T.clean_actor, "A\ud800", "REFORMCTL_USER") == (
        "REFORMCTL_USER is not valid UTF-8 text; check the terminal's or the environment's encoding"
    )
    assert refusal(T.clean_actor, "\udfff").endswith("environment's encoding")
    assert refusal(T.clean_actor, "Ann\x07", "--as") == (
        "--as contains a control character (U+0007) at character 4; a name must be what it looks like"
    )
    assert refusal(T.clean_actor, "A\u200bnn") == (
        "actor contains an invisible character (U+200B) at character 2; a name must be what it looks like"
    )
    assert refusal(T.clean_actor, "Ann\u3164") == (
        "actor contains an invisible character (U+3164) at character 4; a name must be what it looks like"
    )
    assert refusal(T.clean_actor, "Ann\u2800") == (
        "actor contains an invisible character (U+2800) at character 4; a name must be what it looks like"
    )
    assert refusal(T.clean_actor, "[[Ann]]").startswith("actor cannot hold [[")


def test_clean_actor_refuses_mixed_scripts():
    assert (
        refusal(T.clean_actor, "\u0410nn")
        == "actor mixes Latin with CYRILLIC letters; a name must be what it looks like"
    )
    assert refusal(T.clean_actor, "\u0391nn \u0410") == (
        "actor mixes Latin with CYRILLIC and GREEK letters; a name must be what it looks like"
    )
    assert T.clean_actor("\u0391\u03b8\u03b7\u03bd\u03ac") == "\u0391\u03b8\u03b7\u03bd\u03ac"
    assert T.clean_actor("\u00c9lodie 1") == "\u00c9lodie 1"  # accents are Latin
    assert (
        refusal(T.clean_actor, "\u03bfmar")  # a Greek omicron for the o
        == "actor mixes Latin with GREEK letters; a name must be what it looks like"
    )
    # Other scripts may stand beside Latin, and are not named among the look-alikes
    assert T.clean_actor("Ann \u0639\u0644\u064a") == "Ann \u0639\u0644\u064a"
    assert refusal(T.clean_actor, "\u0410nn \u0639\u0644\u064a") == (
        "actor mixes Latin with CYRILLIC letters; a name must be what it looks like"
    )


def test_a_letter_without_a_unicode_name_is_a_letter_like_any_other():
    tangut = "\U00017000"  # alphabetic, but unicodedata has no name for it
    assert T._letter_scripts("A" + tangut) == {"LATIN", "?"}
    assert T.clean_actor("Ann " + tangut) == "Ann " + tangut
    assert refusal(T.clean_actor, "\u0410nn " + tangut) == (
        "actor mixes Latin with CYRILLIC letters; a name must be what it looks like"
    )


def test_actor_key_and_same_actor():
    assert T.actor_key("  A.  ANALYST ") == "a. analyst"
    assert T.actor_key(None) == ""
    assert T.actor_key("a.\u200banalyst") == "a.analyst"
    assert T.same_actor("A. Analyst", "a.\u00a0 ANALYST")
    assert T.same_actor("Ann", "\u0410nn")  # look-alike letters are the same person
    assert not T.same_actor("Ann", "Anne")
    assert T.same_actor(None, "")


def test_letter_scripts():
    assert T._letter_scripts("Ab 1 \u0410") == {"LATIN", "CYRILLIC"}
    assert T._letter_scripts("1 2 -") == set()


def test_clean_int():
    assert T.clean_int(0, "n") == 0
    assert T.clean_int(2**63 - 1, "n") == 2**63 - 1
    assert T.clean_int(5, "n", 5, 5) == 5
    assert refusal(T.clean_int, True, "count") == "count must be a whole number, not True"
    assert refusal(T.clean_int, "3", "count") == "count must be a whole number, not '3'"
    assert refusal(T.clean_int, 1.5, "count") == "count must be a whole number, not 1.5"
    assert (
        refusal(T.clean_int, "x" * 300, "count")
        == f"count must be a whole number, not {'x' * 300!r}"[:200]
    )
    assert refusal(T.clean_int, -1, "count") == "count must be 0 or more, not -1"
    assert refusal(T.clean_int, 4, "count", 5) == "count must be 5 or more, not 4"
    assert (
        refusal(T.clean_int, 2**63, "count")
        == "count must be at most 9,223,372,036,854,775,807, not 9223372036854775808"
    )
    assert refusal(T.clean_int, 2**63, "count", 0, 2**70) == (
        "count must be at most 9,223,372,036,854,775,807, not 9223372036854775808"
    )
    assert refusal(T.clean_int, 1001, "count", 0, 1000) == "count must be at most 1,000, not 1001"


def test_shown():
    assert T._shown(10**29) == str(10**29)  # 30 digits shown as they are
    assert T._shown(-(10**29)) == str(-(10**29))
    assert T._shown(10**30) == "a 31-digit number"
    assert T._shown(-(10**30)) == "a 31-digit number"
    assert T._shown(10**4000 - 1) == "a 4000-digit number"
    assert T._shown(10**4000) == "a number of more than 4,000 digits"
    assert T._shown(-(10**5000)) == "a number of more than 4,000 digits"
    assert refusal(T.clean_int, 10**4000, "count") == (
        "count must be at most 9,223,372,036,854,775,807, not a number of more than 4,000 digits"
    )


def test_the_encoding_check_ends_with_the_surrogates():
    # U+E000, just past the surrogates, is a private-use character: valid text, whatever else
    # is said of it
    assert T.clean_actor("Ann\ue000") == "Ann\ue000"
    assert T.clean_actor("Ann\ud7ff") == "Ann\ud7ff"


@pytest.mark.parametrize("name", ["executive-summary", "introduction", "conclusion"])
def test_standard_section_names(name):
    assert T.clean_section_name(f"  {name} ") == (name, None)


def test_focus_area_and_appendix_section_names():
    assert T.clean_section_name("focus-area-3") == ("focus-area-3", 3)
    assert T.clean_section_name("focus-area-999999") == ("focus-area-999999", 999999)
    assert T.clean_section_name("appendix-data-2024") == ("appendix-data-2024", None)
    assert T.clean_section_name("appendix-" + "a" * 71) == ("appendix-" + "a" * 71, None)


@pytest.mark.parametrize(
    "name",
    [
        "focus-area-0",
        "focus-area-03",
        "focus-area-1000000",
        "focus-area-",
        "appendix-",
        "appendix-Data",
        "appendix-a--b",
        "appendix-a-",
        "appendix-a b",
        "summary",
        "",
    ],
)
def test_other_section_names_are_refused(name):
    assert refusal(T.clean_section_name, name, "--section") == (
        f"--section {name!r} is not a section; use one of executive-summary, introduction, "
        "methodology, background, acknowledgments, conclusion, focus-area-N (N a focus area's "
        "number) or appendix-SLUG (lowercase words and hyphens, up to 80 characters in all)"
    )


def test_a_long_section_name_is_cut_in_the_refusal():
    name = "appendix-" + "a" * 72  # a slug, but 81 characters
    assert refusal(T.clean_section_name, name).startswith(
        f"section name {name[:57] + '...'!r} is not a section;"
    )
    name = "x" * 61
    assert refusal(T.clean_section_name, name).startswith(
        f"section name {'x' * 57 + '...'!r} is not a section;"
    )
    assert refusal(T.clean_section_name, "x" * 60).startswith(f"section name {'x' * 60!r} is")
    assert refusal(T.clean_section_name, 4).startswith("section name must be text, not int 4")


def test_every_control_and_format_character_is_refused_in_a_name():
    # tests/mutation-equivalent.txt leans on this: is_invisible covers all of Cc and Cf
    found = [
        chr(c)
        for c in range(0x110000)
        if unicodedata.category(chr(c)) in ("Cc", "Cf") and not 0xD800 <= c <= 0xDFFF
    ]
    assert len(found) > 200
    for char in found:
        assert "character (U+" in refusal(T.clean_actor, "Ann" + char), hex(ord(char))
