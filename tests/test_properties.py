"""Rules that must hold for all inputs, checked with hypothesis."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import examples
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.findings import log_finding
from reformctl.model.recommendations import recommend
from reformctl.model.statuses import percentages, set_status, status_at
from reformctl.model.vocab import STATUSES
from reformctl.reports.public import redact
from reformctl.store import open_store


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=6))
def test_percentages_add_up_to_100(counts):
    result = percentages(counts)
    assert sum(result) == (100 if sum(counts) else 0)
    for count, percent in zip(counts, result, strict=False):
        exact = count * 100 / sum(counts) if sum(counts) else 0
        assert abs(percent - exact) < 1


# Ordinary text may hold single brackets ("[1]", "a[b", "c]d"), never a marker: no token starts
# with "]" or ends with "[", so no two pieces can join into "[[" or "]]".
PLAIN_TOKENS = st.sampled_from(
    ["word", "Chief", "[1]", "a[b", "c]d", "(see [note])", "x", ".", ",", "\n", "é漢"]
)
PLAIN = st.lists(PLAIN_TOKENS, min_size=1, max_size=6).map(" ".join)
# Inside a span: anything but a marker ("[[" would open a nested span, which input refuses).
SPAN_TEXT = st.text(alphabet="abcXYZ \n[", max_size=12).filter(lambda t: "[[" not in t)


@st.composite
def marked_fields(draw):
    """(field, the plain text it keeps, the canaries it hides): several spans in one field, spans at
    the very start and end, spans next to each other, brackets in the ordinary text between them."""
    parts, plain, canaries = [], [], []
    for i in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            canary = f"CANARY{i}Q"
            canaries.append(canary)
            parts.append(f"[[{draw(SPAN_TEXT)}{canary}{draw(SPAN_TEXT)}]]")
        else:
            piece = draw(PLAIN)
            plain.append(piece)
            parts.append(piece)
    return "".join(parts), "".join(plain), canaries


@given(marked_fields())
def test_redaction_leaves_no_marked_text(field):
    text, plain, canaries = field
    cleaned = redact(text)
    assert not [c for c in canaries if c in cleaned] and "[[" not in cleaned and "]]" not in cleaned
    # Only spans and whitespace go: every character of the ordinary text stays, in order.
    assert "".join(cleaned.split()) == "".join(plain.split())
    assert "[[" not in redact(f"a [[{plain}")


DAYS = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 11, 27))


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    updates=st.lists(st.tuples(st.sampled_from(list(STATUSES)), DAYS), max_size=8), data=st.data()
)
def test_status_on_a_date_is_the_latest_update_on_or_before_it(
    tmp_path_factory, monkeypatch, updates, data
):
    # Dates on the boundary are the hard cases: an update's own day, and the day before it.
    edges = [
        e for _, d in updates for e in (d - dt.timedelta(days=1), d) if e >= dt.date(2024, 1, 1)
    ]
    probe = data.draw(st.sampled_from(edges) | DAYS if edges else DAYS, label="probe")
    monkeypatch.setenv("REFORMCTL_TODAY", "2026-11-27")
    store = open_store(tmp_path_factory.mktemp("p") / "s.db")
    engagement = create_engagement(
        store, EngagementSpec(site="p", agency="P", focus_areas=["A"]), "t"
    )
    log_finding(store, engagement, "1", "F", "", "t", dated="2024-01-01")
    recommend(store, engagement, "1.1", "R", "t", dated="2024-01-01")
    for status, day in updates:
        set_status(store, engagement, "1.1.1", status, "t", as_of=day.isoformat())
    history = [("not-started", dt.date(2024, 1, 1), -1)] + [
        (s, d, i) for i, (s, d) in enumerate(updates)
    ]
    eligible = [h for h in history if h[1] <= probe]
    expected = max(eligible, key=lambda h: (h[1], h[2]))[0]
    got = store.value(f"SELECT {status_at()} FROM recommendations r", {"as_of": probe.isoformat()})
    assert got == expected
    store.close()


@given(
    text=st.text(alphabet=st.sampled_from("abcd- "), max_size=120)
    | st.text(alphabet=st.sampled_from("abc-é漢 \t")),
    width=st.integers(min_value=1, max_value=40),
)
def test_wrapped_text_is_a_greedy_fill_of_the_same_words(text, width):
    from reformctl.cli.terminal import _width, _wrap

    body = text.lstrip(" ")
    indent = text[: len(text) - len(body)]
    room = max(2, width - len(indent))
    lines = _wrap(text, width)
    if _width(text) <= width:
        assert lines == [text]
        return
    assert all(line.startswith(indent) for line in lines)
    pieces = [line[len(indent) :] for line in lines]
    assert "".join("".join(p.split()) for p in pieces) == "".join(
        body.split()
    )  # nothing lost or added
    assert all(_width(p) <= room for p in pieces)
    if all(_width(word) <= room for word in body.split()):  # then lines break between words only,
        assert " ".join(pieces).split() == body.split()
        for piece, following in zip(
            pieces, pieces[1:], strict=False
        ):  # and each line takes all the words that fit
            assert _width(piece) + 1 + _width(following.split()[0]) > room
