"""model/matching.py, the pure functions under every protected-name match and every redaction:
what each character folds to, where a match in the normalised text sits in the original, and how
[[markers]] nest. Direct unit tests (the CLI tests reach these only through whole reports), so a
one-character change to a table or a bound fails here by name."""

from __future__ import annotations

import pytest

from reformctl.model import matching as M


@pytest.mark.parametrize(
    "char",
    [
        "\u200b",
        "\u00ad",
        "\u2060",
        "\ufeff",
        "\x07",
        "\x00",
        "\u034f",
        "\u115f",
        "\u1160",
        "\u17b4",
        "\u17b5",
        "\u3164",
        "\uffa0",
        "\ufe00",
        "\ufe0f",
        "\U000e0100",
        "\U000e01ef",
    ],
)
def test_invisible_characters(char):
    assert M.is_invisible(char)


@pytest.mark.parametrize(
    "char", ["a", " ", "-", "\ufe10", "\u2800", "\u00e9", "\U000e01f0", "\u0350"]
)
def test_visible_characters(char):
    assert not M.is_invisible(char)


@pytest.mark.parametrize(
    "char", [" ", "\t", "\u00a0", "\u2003", "-", "\u2010", "\u2013", "\u2014", "\u2212"]
)
def test_separators(char):
    assert M._is_separator(char)


@pytest.mark.parametrize("char", ["a", "_", "'", ".", "\u200b", "\u00ad"])
def test_not_separators(char):
    assert not M._is_separator(char)


@pytest.mark.parametrize(
    "char, folded",
    [
        ("\u00c9", "e"),  # accent dropped, casefolded
        ("\u0130", "i"),  # Turkish dotted capital I: the dot casefold leaves goes too
        ("\uff2a", "j"),  # full-width
        ("\u2019", "'"),
        ("\u2018", "'"),
        ("\u02bc", "'"),
        ("\u2032", "'"),
        ("`", "'"),
        ("\u00b4", " "),
        ("\uff07", "'"),
        ("\u0430", "a"),
        ("\u0435", "e"),
        ("\u043e", "o"),
        ("\u0440", "p"),
        ("\u0441", "c"),
        ("\u0443", "y"),
        ("\u0445", "x"),
        ("\u0456", "i"),
        ("\u0458", "j"),
        ("\u0455", "s"),
        ("\u0501", "d"),
        ("\u051b", "q"),
        ("\u051d", "w"),
        ("\u04bb", "h"),
        ("\u04cf", "l"),
        ("\u0410", "a"),
        ("\u03b1", "a"),
        ("\u03bf", "o"),
        ("\u03c1", "p"),
        ("\u03bd", "v"),
        ("\u03b9", "i"),
        ("\u03ba", "k"),
        ("\u03c4", "t"),
        ("\u03c5", "y"),
        ("\u039f", "o"),
        ("\u2800", " "),
        ("\u2013", " "),
        ("\u2212", " "),
        ("\u00a0", " "),
        ("\u200b", ""),
        ("\u00ad", ""),
        ("\ufe0f", ""),
        ("\u0301", ""),
        ("\ufb01", "fi"),  # a ligature is its letters
        ("\u00df", "ss"),  # casefold, not lower
    ],
)
def test_fold_one_character(char, folded):
    assert M._fold(char) == folded


@pytest.mark.parametrize(
    "text, norm",
    [
        ("JANE\u00a0ROE", "jane roe"),
        ("Jane-\nRoe", "jane roe"),
        ("\uff4a\uff41\uff4e\uff45 roe", "jane roe"),
        ("Ja\u00adne\u200bRoe", "janeroe"),
        ("  a \t-- b  ", "a b"),
        (
            "a -\u200b\u2013 b",
            "a b",
        ),  # a run of separators, invisible characters inside it too, is one space
        ("O\u2019Brien", "o'brien"),
        ("\u0160ahin", "sahin"),
        ("", ""),
    ],
)
def test_normalise(text, norm):
    assert M.normalise(text) == norm


def test_fold_keeps_the_leading_and_trailing_separator_normalise_strips():
    assert M.fold(" Ab-").norm == " ab "
    assert M.fold("\u00a0\u00a0x").norm == " x"


def test_fold_maps_each_piece_to_where_it_came_from():
    folded = M.fold("Ab \u00c9\u200bc  d")
    assert folded.text == "Ab \u00c9\u200bc  d"
    assert folded.norm == "ab ec d"
    # 'Ab' (plain: a run of ASCII, single spaces inside it), ' ', 'É', 'c' (the zero-width space
    # folds to nothing, so no piece), the two spaces as one, 'd'
    assert folded.at == [0, 2, 3, 4, 5, 6]
    assert folded.starts == [0, 2, 3, 5, 6, 8]
    assert folded.ends == [2, 3, 4, 6, 8, 9]
    assert folded.plain == [True, False, False, True, False, True]
    assert M.fold("a b  c").plain == [True, False, True]
    assert M.fold("a b  c").at == [0, 3, 4]


def test_name_key_drops_separators():
    assert M.name_key(" Jane-Roe ") == "janeroe"
    assert M.name_key("JANE ROE") == M.name_key("jane\u00a0roe")


def spans(text: str, *terms: str, whole_words: bool = False) -> list[str]:
    found = M.find_spans(M.fold(text), M.term_regex(list(terms), whole_words))
    return [text[a:b] for a, b in found]


def test_match_reported_as_written():
    assert spans("Ask Dr. J\u00c1NE\u00a0ro\u00ade today", "Jane Roe") == [
        "J\u00c1NE\u00a0ro\u00ade"
    ]
    assert spans("Call jane roe now", "Jane Roe") == ["jane roe"]
    assert M.find_spans(M.fold("Call jane roe now"), M.term_regex(["Jane Roe"])) == [(5, 13)]


def test_match_inside_plain_text_maps_character_for_character():
    assert M.find_spans(M.fold("xx janeroe yy"), M.term_regex(["roe"])) == [(7, 10)]
    assert M.find_spans(M.fold("xx janeroe yy"), M.term_regex(["jane"])) == [(3, 7)]


def test_match_ending_in_a_folded_piece_takes_the_whole_piece():
    text = "a Jane \uff32\uff2f\uff25\u200b b"
    assert spans(text, "Jane Roe") == ["Jane \uff32\uff2f\uff25"]


def test_a_match_inside_a_folded_piece_takes_the_whole_character():
    # 'ﬁ' folds to 'fi' and 'ﬃ' to 'ffi': a match starting or ending inside one covers that one
    # character of the original, no more and no less
    assert M.find_spans(M.fold("\ufb01sh"), M.term_regex(["ish"])) == [(0, 3)]
    assert M.find_spans(M.fold("\ufb03x"), M.term_regex(["ff"])) == [(0, 1)]


def test_words_of_a_term_may_touch():
    assert spans("JaneRoe and Jane-Roe and Jane\u200bRoe", "Jane Roe") == [
        "JaneRoe",
        "Jane-Roe",
        "Jane\u200bRoe",
    ]


def test_longer_terms_match_first():
    assert spans("Jane Roe", "Jane", "Jane Roe") == ["Jane Roe"]
    assert spans("Jane Roe", "Jane Roe", "Jane") == ["Jane Roe"]


def test_whole_words():
    assert spans("Janet and Jane", "Jane", whole_words=True) == ["Jane"]
    assert spans("Janet and Jane", "Jane") == ["Jane", "Jane"]
    assert spans("xJane", "Jane", whole_words=True) == []


def test_term_regex_without_words_is_none():
    assert M.term_regex([]) is None
    assert M.term_regex(["", " - ", "\u200b"]) is None
    assert M.term_regex(["", "Roe"]).pattern == "roe"
    assert M.term_regex(["Jane  Roe"]).pattern == "jane ?roe"


def test_term_regex_escapes_terms():
    assert spans("a.b and axb", "a.b") == ["a.b"]


def test_find_spans():
    folded = M.fold("ab ab")
    assert M.find_spans(folded, None) == []
    import re

    assert M.find_spans(folded, re.compile("x?")) == []  # empty matches are no spans
    assert M.find_spans(folded, re.compile("ab"), masked="ab __") == [(0, 2)]
    assert M.find_spans(folded, re.compile("ab")) == [(0, 2), (3, 5)]


def test_replace_spans():
    assert M.replace_spans("abcdef", [(1, 3), (4, 5)], "X") == "aXdXf"
    assert (
        M.replace_spans("abcdef", [(0, 3), (2, 4), (4, 6)], "X") == "XdX"
    )  # an overlap is skipped
    assert M.replace_spans("abc", [], "X") == "abc"
    assert (
        M.replace_spans("abcd", [(0, 2), (2, 4)], "X") == "XX"
    )  # spans that touch are both replaced
    assert M.replace_spans("abc", [(0, 3)], "[w]") == "[w]"


def test_visible():
    assert M.visible("a b") == "a b"
    assert M.visible("a\u200bb\u00a0c\td\ne\u00ad") == "a\\u200bb\\u00a0c\\u0009d\\u000ae\\u00ad"
    assert M.visible("\u034f") == "\\u034f"
    assert M.visible("\u00e9") == "\u00e9"


@pytest.mark.parametrize(
    "text, pieces",
    [
        ("plain", [(0, 5, 0)]),
        ("a[[b]]c", [(0, 1, 0), (3, 4, 1), (6, 7, 0)]),
        ("a]]b", [(0, 1, 0), (3, 4, 0)]),
        ("[[a[[b]]c]]d", [(0, 0, 0), (2, 3, 1), (5, 6, 2), (8, 9, 1), (11, 12, 0)]),
        ("x[[never", [(0, 1, 0), (3, 8, 1)]),
        ("]][[a]]]]", [(0, 0, 0), (2, 2, 0), (4, 5, 1), (7, 7, 0), (9, 9, 0)]),
    ],
)
def test_marker_depths(text, pieces):
    assert list(M.marker_depths(text)) == pieces
