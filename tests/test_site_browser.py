"""The public site in headless Chromium at 1280 and 390 px: axe-core finds no WCAG 2.1 A or AA
violation on the index and on an engagement page, nothing overflows sideways, and site.js runs
under the page's own Content-Security-Policy (the filter appears and filters).

Each page is shown in an iframe exactly as wide as the screen being tried (headless Chromium's
window cannot be narrower than 500 px). For axe, a copy of the site gets axe.min.js and a probe
script as files, with the CSP meta tag taken out of the copy only (it would refuse them);
--allow-file-access-from-files lets the probe write its findings into the wrapper page.
"""

from __future__ import annotations

import html as _html
import json
import re
import shutil
from pathlib import Path

import pytest

from site_helpers import published, quick  # noqa: F401 (fixtures)
from test_browser import CHROMIUM, chromium
from test_report_accessibility import TAGS, axe_source

pytestmark = [
    pytest.mark.slow,  # chromium and axe
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (.ci/run installs it with apt-get)"
    ),
]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PROBE = """
window.addEventListener('load', () => setTimeout(async () => {
  const form = document.getElementById('filter');
  const out = {scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
    filterShown: form ? !form.hidden : null};
  if (form) {
    const phase = document.getElementById('f-phase');
    phase.value = 'closed'; phase.dispatchEvent(new Event('input'));
    out.shownWhenClosed = document.querySelectorAll('.card:not([hidden])').length;
    phase.value = ''; phase.dispatchEvent(new Event('input'));
    out.shownWhenAll = document.querySelectorAll('.card:not([hidden])').length;
  }
  try {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: TAGS}, resultTypes: ['violations']});
    out.violations = result.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
  } catch (e) { out.error = String(e); }
  const pre = parent.document.createElement('pre');
  pre.id = 'probe'; pre.textContent = JSON.stringify(out); parent.document.body.appendChild(pre);
}, 100));
"""
FLAGS = ("--allow-file-access-from-files",)


def framed(isolated: Path, page: Path, width: int) -> Path:
    wrapper = isolated / f"frame-{width}-{page.parent.name}.html"
    wrapper.write_text(
        f"<!DOCTYPE html><html><body style='margin:0'><iframe style='border:0;display:block' "
        f"width='{width}' height='1400' src='{page.as_uri()}'></iframe></body></html>",
        encoding="utf-8",
    )
    return wrapper


def probe(isolated: Path, page: Path, width: int) -> dict:
    dom = chromium(
        isolated,
        *FLAGS,
        "--dump-dom",
        f"--window-size={max(width, 500)},1400",
        "--virtual-time-budget=30000",
        framed(isolated, page, width).as_uri(),
    ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, dom[-500:]
    return json.loads(_html.unescape(found.group(1)))


@pytest.fixture
def probed_site(published, isolated):
    """The built site, and a copy of it instrumented for axe."""
    site = isolated / "site"
    published.ok("site", "build", site)
    copy = isolated / "probed"
    shutil.copytree(site, copy)
    (copy / "assets/axe.min.js").write_text(axe_source(), encoding="utf-8")
    (copy / "assets/probe.js").write_text(
        f"const TAGS = {json.dumps(TAGS)};\n{PROBE}", encoding="utf-8"
    )
    for page in (copy / "index.html", copy / "brightwater-demo/index.html"):
        root = "" if page.parent == copy else "../"
        text = re.sub(
            r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", page.read_text("utf-8")
        )
        text = text.replace(
            "</body>",
            f'<script src="{root}assets/axe.min.js"></script>'
            f'<script src="{root}assets/probe.js"></script></body>',
        )
        page.write_text(text, encoding="utf-8")
    return site, copy


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("page", ["index.html", "brightwater-demo/index.html"])
def test_site_pages_fit_the_screen_and_pass_axe(probed_site, isolated, page, width):
    _site, copy = probed_site
    found = probe(isolated, copy / page, width)
    assert "error" not in found, found
    assert found["viewport"] == width
    assert found["scrollWidth"] <= width, f"{page} overflows sideways at {width}px: {found}"
    assert found["violations"] == [], json.dumps(found["violations"], indent=1)
    if page == "index.html":
        assert (
            found["filterShown"] is True
            and found["shownWhenAll"] == 2
            and found["shownWhenClosed"] == 0
        )


@pytest.mark.parametrize("width", [1280, 390])
def test_site_js_runs_under_the_csp_and_the_index_screenshot(probed_site, isolated, width):
    site, _copy = probed_site
    shot = isolated / f"site-index-{width}.png"
    chromium(
        isolated,
        *FLAGS,
        f"--screenshot={shot}",
        f"--window-size={max(width, 500)},1400",
        framed(isolated, site / "index.html", width).as_uri(),
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    wrapper = (
        isolated / f"read-{width}.html"
    )  # the unmodified page, its CSP in force: did site.js run?
    wrapper.write_text(
        f"<!DOCTYPE html><html><body><iframe id='f' width='{width}' height='900' "
        f"src='{(site / 'index.html').as_uri()}'></iframe><script>"
        "window.addEventListener('load', () => setTimeout(() => {const d = document.getElementById('f')"
        ".contentDocument; const p = document.createElement('pre'); p.id = 'probe'; p.textContent = "
        "d.getElementById('f-count').textContent + '|' + d.getElementById('filter').hidden;"
        " document.body.appendChild(p);}, 200));</script></body></html>",
        encoding="utf-8",
    )
    dom = chromium(
        isolated, *FLAGS, "--dump-dom", "--virtual-time-budget=5000", wrapper.as_uri()
    ).stdout
    assert '<pre id="probe">2 of 2 engagements shown|false</pre>' in dom, dom[-400:]


def test_the_index_without_javascript_lists_every_engagement(probed_site, isolated):
    site, _copy = probed_site
    # A sandboxed frame without allow-scripts runs no script: the index as a reader with JavaScript off sees it.
    wrapper = isolated / "no-js.html"
    wrapper.write_text(
        "<!DOCTYPE html><html><body><iframe id='f' sandbox='allow-same-origin' width='390' "
        f"height='900' src='{(site / 'index.html').as_uri()}'></iframe><script>"
        "window.addEventListener('load', () => setTimeout(() => {const d = document.getElementById('f')"
        ".contentDocument; const shown = [...d.querySelectorAll('.card')].filter(c => c.offsetParent)"
        ".length; const p = document.createElement('pre'); p.id = 'probe'; p.textContent = shown + '|' +"
        " (d.getElementById('filter').offsetParent === null); document.body.appendChild(p);}, 200));"
        "</script></body></html>",
        encoding="utf-8",
    )
    dom = chromium(
        isolated, *FLAGS, "--dump-dom", "--virtual-time-budget=5000", wrapper.as_uri()
    ).stdout
    assert '<pre id="probe">2|true</pre>' in dom, dom[-400:]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_committed_index_screenshots_exist(width):
    shot = EXAMPLES / f"site-index-{width}.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
