"""model/matching.py's rules for all inputs: the fast path of fold (runs of plain ASCII and of ASCII
separators, matched by one regular expression) agrees with folding one character at a time; every
piece maps back to the text it came from; and a protected name is found, as written, however it
is disguised (case, full-width letters, soft hyphens, zero-width and other invisible characters,
no-break spaces, line breaks and dashes between its words), among ordinary text with brackets and
[[markers]]. test_matching.py pins each table and bound case by case."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers import examples
from reformctl.model import matching as M

# Characters and short runs that take each path through fold: plain ASCII (with the backtick,
# which reads as an apostrophe), ASCII separators, other separators, invisible characters,
# full-width letters, ligatures, combining marks and pieces that fold to several characters.
_ALPHABET = [
    "a",
    "B",
    "x y",
    "`",
    "'",
    ".",
    "[",
    "]",
    " ",
    "  ",
    "-",
    "\t",
    "\n",
    "\u00a0",
    "\u2013",
    "\u2212",
    "\u00ad",
    "\u200b",
    "\ufe0f",
    "\uff2a",
    "\ufb01",
    "\u00c9",
    "e\u0301",
    "\u037a",
    "\u0430",
    "\u2800",
    "\u2019",
]
_TEXT = st.lists(st.sampled_from(_ALPHABET), max_size=12).map("".join)


def reference(text: str) -> str:
    """TEXT normalised one character at a time: the rule fold's fast path must agree with."""
    out: list[str] = []
    for c in text:
        piece = M._fold(c)
        if piece == M.SEPARATOR and out and out[-1] == M.SEPARATOR:
            continue
        if piece:
            out.append(piece)
    return "".join(out)


@settings(max_examples=examples(100), deadline=None)
@given(_TEXT)
@example("O`Brien")
@example("a -\u2013 b")
@example("\u00c9a \u2013b")
def test_fold_agrees_with_folding_one_character_at_a_time(text):
    folded = M.fold(text)
    assert folded.norm == reference(text)
    assert folded.text == text
    # pieces in order, each from the text right after the previous one (or invisible characters)
    assert folded.at == sorted(set(folded.at)) and folded.at[:1] in ([], [0])
    for k, (start, end) in enumerate(zip(folded.starts, folded.ends, strict=True)):
        following = folded.at[k + 1] if k + 1 < len(folded.at) else len(folded.norm)
        assert reference(text[start:end]) == folded.norm[folded.at[k] : following]
        if folded.plain[k]:  # a plain piece maps character for character
            assert folded.norm[folded.at[k] : following] == text[start:end].lower()
    assert M.normalise(text) == reference(text).strip(" ")


def test_a_run_of_separators_is_one_piece_from_its_first_to_its_last_character():
    # 'x', ' -' (one token), the en dash joins it, then ' ' joins it too, 'y'
    folded = M.fold("\u00c9x -\u2013 y")
    assert (folded.norm, folded.at, folded.starts, folded.ends, folded.plain) == (
        "ex y",
        [0, 1, 2, 3],
        [0, 1, 2, 6],
        [1, 2, 6, 7],
        [False, True, False, True],
    )
    folded = M.fold("\u00c9\u00c9x\u00a0\u200b\u2013y\u2013\u2013")
    assert (folded.norm, folded.at, folded.starts, folded.ends, folded.plain) == (
        "eex y ",
        [0, 1, 2, 3, 4, 5],
        [0, 1, 2, 3, 6, 7],
        [1, 2, 3, 6, 7, 9],
        [False, False, True, False, True, False],
    )


def test_a_backtick_is_an_apostrophe_in_plain_text_too():
    # '`' is in _LOOKALIKES; the plain-ASCII fast path must not keep it as it is
    assert M.normalise("O`Brien") == "o'brien" == M.normalise("O\u2019Brien")
    assert M.find_spans(M.fold("Met O`Brien today"), M.term_regex(["O'Brien"])) == [(4, 11)]
    assert M.name_key("o`brien") == M.name_key("O'Brien")


def test_term_regex_puts_longer_terms_first_and_keeps_the_order_of_equal_ones():
    assert M.term_regex(["Roe", "Jane Roe", "Abe", "J. R."]).pattern == (
        "jane ?roe|j\\. ?r\\.|roe|abe"
    )
    assert M.term_regex(["Jane Roe"], whole_words=True).pattern == r"(?<!\w)(?:jane ?roe)(?!\w)"


# -- a protected name in disguise ----------------------------------------------------------------

_INVISIBLE = ["\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff", "\u034f", "\ufe0f"]
_BETWEEN = [" ", "\u00a0", "-", "\n", "\r\n", "\u2013", " - ", "", "\u00ad", "\u200b", "\t", "  "]
_AROUND = st.sampled_from(["", "Met ", "[x] ", "(", "a. ", "[[y]] ", "\u00c9 ", "] "])
_AFTER = st.sampled_from(["", " today", ".", ")", " [[z]]", " [", "'s", "\u2019s"])


@st.composite
def disguised(draw, word: str) -> str:
    out = []
    for i, c in enumerate(word):
        if draw(st.booleans()):
            c = c.swapcase()
        if draw(st.booleans()):
            c = chr(ord(c) + 0xFEE0)  # full-width
        out.append(c)
        if i < len(word) - 1 and draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(_INVISIBLE)))
    return "".join(out)


@settings(max_examples=examples(100), deadline=None)
@given(_AROUND, disguised("Jane"), st.sampled_from(_BETWEEN), disguised("Roe"), _AFTER)
@example("Met ", "J\u00adane", "\u00a0", "R\u200boe", ".")
@example("", "\uff2a\uff41\uff4e\uff45", "-\n", "ROE", "")
def test_a_disguised_name_is_found_as_written(before, first, between, last, after):
    name = first + between + last
    text = before + name + after
    found = M.find_spans(M.fold(text), M.term_regex(["Jane Roe"]))
    assert found == [(len(before), len(before) + len(name))]
    assert M.replace_spans(text, found, "[w]") == before + "[w]" + after
    assert M.name_key(name) == "janeroe"
