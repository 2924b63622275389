"""The report's charts stay legible from 2 to 40 quarters of history: no two texts overlap, every
text lies inside the picture, the report's date is labelled as a date, and the totals sit above
the columns without touching one another.

Each text's box is computed from its font size, weight, anchor and characters by the same
estimate the chart code places it with (reports/chart_text.py); tests/test_browser.py checks
that estimate against the widths Chromium measures.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import examples
from histories import AREAS, AS_OF, QUARTERS, load_histories
from reformctl.reports.chart_text import Box, Label

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def quarters() -> int:
    return 8  # a test parametrized on quarters overrides this


@pytest.fixture
def histories(cli, quarters):
    """The store with the engagement whose chart has QUARTERS columns (site qQUARTERS)."""
    load_histories(cli.db, (quarters,))
    return cli


def chart(html: str, name: str) -> ET.Element:
    found = re.search(rf'<svg [^>]*id="{name}".*?</svg>', html, re.S)
    assert found, f"no chart {name}"
    return ET.fromstring(found.group(0))


def label(text: ET.Element) -> Label:
    return Label(
        float(text.get("x")),
        float(text.get("y")),
        text.text or "",
        int(text.get("font-size")),
        text.get("text-anchor", "start"),
        text.get("font-weight", "normal"),
    )


def texts(svg: ET.Element) -> list[Label]:
    return [label(t) for t in svg.iter(f"{SVG}text")]


def rects(svg: ET.Element) -> list[Box]:
    """The boxes of the chart's status segments (each carries a tooltip)."""
    return [
        Box(
            float(r.get("x")),
            float(r.get("y")),
            float(r.get("x")) + float(r.get("width")),
            float(r.get("y")) + float(r.get("height")),
        )
        for r in svg.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]


def group(svg: ET.Element, name: str) -> list[Label]:
    found = svg.find(f"{SVG}g[@class='{name}']")
    assert found is not None, f"no group {name}"
    return [label(t) for t in found.iter(f"{SVG}text")]


def assert_legible(svg: ET.Element) -> list[Label]:
    """No two texts overlap and each lies inside the viewBox; returns the texts."""
    _, _, width, height = (float(v) for v in svg.get("viewBox").split())
    labels = texts(svg)
    assert labels
    for a in labels:
        box = a.box()
        assert (
            box.left >= -0.01
            and box.right <= width + 0.01
            and box.top >= 0
            and box.bottom <= height
        ), (a, box)
    for a, b in itertools.combinations(labels, 2):
        assert not a.box().intersects(b.box()), f"{a} overlaps {b}"
    return labels


def report(cli, site: str, *extra: str) -> tuple[dict, str]:
    data = cli.json("report", "--site", site, "--kind", "progress", *extra)
    html = cli.ok("report", "--site", site, "--kind", "progress", "--format", "html", *extra)
    return data, html


@pytest.mark.parametrize("quarters", QUARTERS)
def test_status_over_time_labels_never_overlap(histories, quarters):
    data, html = report(histories, f"q{quarters}")
    points = data["timeline"]
    assert len(points) == quarters and points[-1]["date"] == AS_OF
    assert points[-1]["total"] == data["total_recommendations"] > 0
    svg = chart(html, "timeline")
    assert_legible(svg)

    # The report's date is labelled as a date under the last column, never as a quarter.
    as_of = group(svg, "as-of")
    text = " ".join(t.text for t in as_of).replace(", ", " ")
    assert _dt.datetime.strptime(text, "%b %d %Y").date().isoformat() == AS_OF, text
    last = max(rects(svg), key=lambda b: b.left)
    assert all(t.box().left <= (last.left + last.right) / 2 <= t.box().right for t in as_of)

    # Totals: the report's date always has its own, each is a column's, and none touches a column.
    totals = group(svg, "totals")
    assert totals[0].text == str(points[-1]["total"])  # placed first, so it is never crowded out
    for total in totals:
        assert total.text in {str(p["total"]) for p in points}
        assert not any(total.box().intersects(b) for b in rects(svg)), total
    assert len(totals) >= min(quarters, 5), [t.text for t in totals]

    # The axis: quarters as Q1..Q4 while they fit, and years from the history.
    axis = [t.text for t in group(svg, "quarters")]
    years = {p["date"][:4] for p in points[:-1]}
    assert set(axis) <= {"Q1", "Q2", "Q3", "Q4"} | years, axis
    assert len(set(axis) & years) >= len(years) - 1, axis  # a year of one quarter may give way
    if quarters <= 8:
        assert sum(t.startswith("Q") for t in axis) == quarters - 1, axis

    # The text alternative names every point with its count.
    desc = svg.find(f"{SVG}desc").text
    assert all(f"{p['total']} (" in desc for p in points) and desc.count(";") == quarters - 1


def test_as_of_on_a_quarter_end_is_still_a_date(histories):
    data, html = report(histories, "q8", "--as-of", "2026-09-30")
    assert data["timeline"][-1]["date"] == "2026-09-30"
    as_of = " ".join(t.text for t in group(chart(html, "timeline"), "as-of")).replace(", ", " ")
    assert as_of == "Sep 30 2026"


def test_focus_area_bars_wrap_long_titles(histories):
    _, html = report(histories, "q8")
    svg = chart(html, "areas")
    labels = assert_legible(svg)
    titles = [t.text for t in labels if t.weight == "600"]
    # Long titles wrap (the unbroken one is cut) and nothing of any title is lost.
    assert len(titles) > len(AREAS) + 4
    assert "".join(titles).replace(" ", "") == "".join(
        f"{n}.{t}" for n, t in enumerate(AREAS, 1)
    ).replace(" ", "")


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 20_000), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)
        ),
        min_size=1,
        max_size=60,
    ),
    st.dates(_dt.date(2001, 1, 1), _dt.date(2030, 12, 31)),
)
def test_any_history_keeps_its_labels_apart(columns, as_of):
    """Any number of columns up to 60 and totals up to 20,000 (shares of each status at random):
    the same rules hold for the chart as drawn by the library."""
    from reformctl.model.statuses import summarise_counts
    from reformctl.reports.charts import status_over_time
    from reformctl.reports.periods import quarter_ends

    days = quarter_ends("1980-01-01", as_of.isoformat())[-len(columns) :]
    points = []
    for day, (total, *weights) in zip(days, columns, strict=False):
        shares = [total * w // (sum(weights) or 1) for w in weights]
        counts = dict(zip(["complete", "partially-complete", "in-progress"], shares, strict=False))
        counts["not-started"] = total - sum(shares)
        points.append({"date": day, "total": total, "statuses": summarise_counts(counts)})
    svg = ET.fromstring(status_over_time(points))
    assert_legible(svg)
    text = " ".join(t.text for t in group(svg, "as-of")).replace(", ", " ")
    assert _dt.datetime.strptime(text, "%b %d %Y").date() == as_of
    assert group(svg, "totals")[0].text == str(points[-1]["total"])
    for total in group(svg, "totals"):
        assert not any(total.box().intersects(b) for b in rects(svg)), total


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(
                st.characters(codec="utf-8", exclude_categories=["C", "Z"]) | st.just(" "),
                min_size=1,
                max_size=200,
            ).filter(str.strip),
            st.lists(st.integers(0, 400), min_size=4, max_size=4),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_focus_area_titles_and_counts_stay_inside_the_bars_chart(areas):
    from reformctl.model.statuses import summarise_counts
    from reformctl.reports.charts import focus_area_bars

    rows = [
        {
            "number": n,
            "title": title,
            "total": sum(counts),
            "statuses": summarise_counts(
                dict(
                    zip(
                        ["complete", "partially-complete", "in-progress", "not-started"],
                        counts,
                        strict=False,
                    )
                )
            ),
        }
        for n, (title, counts) in enumerate(areas, 1)
    ]
    assert_legible(ET.fromstring(focus_area_bars(rows)))
