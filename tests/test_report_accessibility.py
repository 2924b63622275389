"""The HTML report in headless Chromium at 1280 and 390 px: nothing overflows the viewport
sideways, the focus-area table fits a phone, and axe-core finds no WCAG 2.1 A or AA violation.
Also: the chart's text-width estimate (reports/chart_text.py) holds for the font Chromium uses.

axe-core comes from the PyPI package axe-playwright-python (a pinned test dependency), which
ships axe.min.js; only that file is used, not the package's Playwright driver. As in
test_browser.py, the report is shown in an iframe exactly as wide as the screen being tried; for
the test a copy of it gets axe and a small probe script, which write their findings into the
wrapper page for --dump-dom to return. The report itself carries no script.
"""

from __future__ import annotations

import html as _html
import importlib.util
import json
import re
from pathlib import Path

import pytest

from histories import QUARTERS, load_histories
from reformctl.reports.chart_text import text_width
from test_browser import CHROMIUM, chromium

pytestmark = [
    pytest.mark.slow,  # chromium and axe
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (.ci/run installs it with apt-get)"
    ),
]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SITE = ("--site", "brightwater-demo")


def axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(
            "axe-playwright-python is not installed (it is in the test extra: pip install -e '.[test]')"
        )
    return (Path(spec.submodule_search_locations[0]) / "axe.min.js").read_text(encoding="utf-8")


PROBE = """<script>
(async () => {
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right}; };
  const table = document.querySelector('table.by-area');
  const out = {scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
    byArea: table && box(table),
    scrollers: [...document.querySelectorAll('.scroll')].map(el => ({
      label: el.getAttribute('aria-labelledby') || el.getAttribute('aria-label'), scrollWidth: el.scrollWidth, clientWidth: el.clientWidth}))};
  try {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: TAGS}, resultTypes: ['violations']});
    out.axe = axe.version;
    out.violations = result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
  } catch (e) { out.error = String(e); }
  const pre = parent.document.createElement('pre');
  pre.id = 'probe'; pre.textContent = JSON.stringify(out); parent.document.body.appendChild(pre);
})();
</script>"""


def probe(isolated: Path, page: str, width: int, script: str) -> dict:
    """Show PAGE, with SCRIPT added before </body>, in a frame WIDTH px wide; return what it wrote."""
    framed = page.replace("</body>", script + "</body>")
    wrapper = isolated / f"probe-{width}.html"
    wrapper.write_text(
        f"<!DOCTYPE html><html><body style='margin:0'><iframe style='border:0;display:block' width='{width}' "
        f"height='2000' srcdoc=\"{_html.escape(framed, quote=True)}\"></iframe></body></html>",
        encoding="utf-8",
    )
    dom = chromium(
        isolated,
        "--dump-dom",
        f"--window-size={max(width, 500)},2000",
        "--virtual-time-budget=30000",
        wrapper.as_uri(),
    ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    return json.loads(_html.unescape(found.group(1)))


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("view", ["public", "internal"])
@pytest.mark.parametrize("kind", ["final", "assessment"])
def test_report_fits_the_screen_and_passes_axe(demo, isolated, kind, view, width):
    # The final report holds every section the status update and progress report have; the
    # assessment report adds the narrative sections, rendered Markdown (lists, tables, links) and its
    # contents list; the internal view adds the team's notes, review states and its marking.
    internal = ["--internal"] if view == "internal" else []
    page = demo.ok("report", *SITE, "--kind", kind, "--format", "html", *internal)
    assert ("INTERNAL" in page) == bool(internal)
    assert "<script" not in page
    # Every box that may scroll sideways can be reached with the keyboard and is named by its heading.
    scrollers = re.findall(r'<div class="scroll"[^>]*>', page)
    # (A Markdown table in a body has no heading of its own: its box is named by its columns.)
    assert scrollers and all('tabindex="0"' in s and 'role="region"' in s for s in scrollers), (
        scrollers
    )
    named = [re.search(r'aria-labelledby="([^"]+)"', s) for s in scrollers]
    assert all(f'<h2 id="{n.group(1)}">' in page for n in named if n), named
    assert all(
        re.search(r'aria-label="Table[^"]*"', s)
        for s, n in zip(scrollers, named, strict=False)
        if not n
    ), scrollers
    labels = [
        n.group(1) if n else re.search(r'aria-label="([^"]*)"', s).group(1)
        for s, n in zip(scrollers, named, strict=False)
    ]

    axe = axe_source().replace("</script", "<\\/script")
    m = probe(
        isolated, page, width, f"<script>{axe}</script>" + PROBE.replace("TAGS", json.dumps(TAGS))
    )
    assert "error" not in m, m["error"]
    assert m["axe"].startswith("4.") and m["viewport"] == width
    assert m["scrollWidth"] <= m["viewport"], f"the page overflows sideways at {width}px: {m}"
    assert m["violations"] == [], json.dumps(m["violations"], indent=1)
    assert [s["label"] for s in m["scrollers"]] == labels
    if m["byArea"]:
        # The focus-area table fits without scrolling, at a phone's width too (it reflows).
        assert 0 <= m["byArea"]["left"] and m["byArea"]["right"] <= width, m
        by_area = [s for s in m["scrollers"] if s["label"] == "by-focus-area"]
        assert len(by_area) == 1 and by_area[0]["scrollWidth"] <= by_area[0]["clientWidth"], m


MEASURE_TEXT = """<script>
window.addEventListener('load', () => {
  const texts = [...document.querySelectorAll('svg.chart text')].map(t => ({
    text: t.textContent, size: Number(t.getAttribute('font-size')), weight: t.getAttribute('font-weight'),
    width: t.getComputedTextLength()}));
  const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(texts);
  document.body.appendChild(pre);
});
</script>"""


def test_chart_text_is_no_wider_than_the_estimate_it_was_placed_by(cli, isolated):
    """The geometry test proves the estimated boxes apart; this proves each real text inside its
    estimated box, in the font Chromium picks from the chart's font list."""
    load_histories(cli.db)
    charts = []
    for n in QUARTERS:
        page = cli.ok("report", "--site", f"q{n}", "--kind", "progress", "--format", "html")
        charts += re.findall(r'<svg [^>]*class="chart".*?</svg>', page, re.S)
    page = isolated / "charts.html"
    page.write_text(
        f"<!DOCTYPE html><html lang='en'><body>{''.join(charts)}{MEASURE_TEXT}</body></html>",
        encoding="utf-8",
    )
    dom = chromium(isolated, "--dump-dom", "--window-size=1280,2000", page.as_uri()).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    texts = json.loads(_html.unescape(found.group(1)))
    assert len(texts) > 200 and {t["text"] for t in texts} >= {
        "Q1",
        "2020",
        "Nov 27",
        "Nov 27, 2026",
    }
    for t in texts:
        estimate = text_width(t["text"], t["size"], t["weight"])
        assert 0 < t["width"] <= estimate, t
