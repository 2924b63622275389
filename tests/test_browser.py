"""The demo's HTML report as a reader sees it: headless Chromium at desktop and phone widths.

The report itself carries no script. The test shows it inside a test-only wrapper page, in an
iframe exactly as wide as the screen being tried (headless Chromium's window cannot be narrower
than 500 px, a phone's is 390), and a small script in the wrapper writes the report's scroll
width and the boxes of the charts and the status table into the DOM, which --dump-dom returns.
"""

import html as _html
import json
import re
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,  # chromium
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (.ci/run installs it with apt-get)"
    ),
]

MEASURE = """<script>
window.addEventListener('load', () => {
  const frame = document.getElementById('report');
  const doc = frame.contentDocument, win = frame.contentWindow;
  const box = el => { const r = el.getBoundingClientRect(); return {width: r.width, height: r.height, left: r.left, right: r.right}; };
  const out = {scrollWidth: doc.documentElement.scrollWidth, viewport: win.innerWidth,
    charts: [...doc.querySelectorAll('svg.chart')].map(box),
    table: box(doc.querySelector('table.status-table'))};
  const pre = document.createElement('pre'); pre.id = 'measure'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def wrapper(report_html: str, width: int, measure: bool) -> str:
    frame = (
        f'<iframe id="report" style="border:0;display:block" width="{width}" height="2000" '
        f'srcdoc="{_html.escape(report_html, quote=True)}"></iframe>'
    )
    return f"<!DOCTYPE html><html><body style='margin:0'>{frame}{MEASURE if measure else ''}</body></html>"


def chromium(tmp_path, *args):
    profile = tmp_path / "chromium-profile"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_demo_html_in_chromium(demo, isolated, width):
    page = isolated / "report.html"
    demo.ok(
        "report",
        "--site",
        "brightwater-demo",
        "--kind",
        "progress",
        "--format",
        "html",
        "--as-of",
        "2026-09-30",
        "--output",
        page,
    )
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html

    window = f"--window-size={max(width, 500)},2000"
    framed = isolated / "framed.html"
    framed.write_text(wrapper(html, width, measure=False), encoding="utf-8")
    shot = isolated / f"report-{width}.png"
    chromium(isolated, f"--screenshot={shot}", window, framed.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000

    probe = isolated / "probe.html"
    probe.write_text(wrapper(html, width, measure=True), encoding="utf-8")
    dom = chromium(
        isolated, "--dump-dom", window, "--virtual-time-budget=2000", probe.as_uri()
    ).stdout
    found = re.search(r'<pre id="measure">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    m = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert m["viewport"] == width
    assert m["scrollWidth"] <= m["viewport"], f"the page overflows horizontally at {width}px: {m}"
    assert len(m["charts"]) == 2
    for box in m["charts"] + [m["table"]]:
        assert box["width"] > 100 and box["height"] > 50, m
        assert box["left"] >= 0 and box["right"] <= m["viewport"] + 0.5, m
