"""Script injection: payloads in every text field never become markup in the HTML report.

Each payload of tests/data/xss_payloads.txt goes into every text field of an
engagement (agency, city, focus areas, finding title and body, recommendation
text and owner, status note). The HTML report, parsed, must have exactly the
elements and attributes that the same report of harmless text has: no script
element, no event-handler attribute and no javascript: URL can have come from data.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "data" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(name for name, _ in attrs)))
        assert tag not in ("script", "iframe", "object", "embed"), f"a <{tag}> element"
        for name, value in attrs:
            self.check(tag, name, value)

    handle_startendtag = handle_starttag

    def check(self, tag, name, value):
        assert not name.startswith("on"), f"event handler {name} on <{tag}>"
        squashed = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
        assert "javascript:" not in squashed and "vbscript:" not in squashed, (
            f"{name}={value!r} on <{tag}>"
        )
        if name in ("href", "src", "action", "formaction", "xlink:href"):
            assert squashed.startswith(("#", "https://", "http://")), f"{name}={value!r} on <{tag}>"


def elements(html: str) -> list[tuple[str, tuple]]:
    """The page's elements in order, a run of alike SVG <text> elements counted once: a chart
    wraps a long title onto more lines (each line still checked above), so only their number
    depends on the text's length."""
    parser = Elements()
    parser.feed(html)
    parser.close()
    return [
        tag
        for i, tag in enumerate(parser.tags)
        if not (tag[0] == "text" and i and parser.tags[i - 1] == tag)
    ]


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def engagement_toml(site: str, text: str) -> str:
    s = toml_string(text)
    return f"""
site = "{site}"
agency = {s}
city = {s}
announced = 2025-01-15
focus_areas = [{s}, {toml_string("Second area " + text)}]

[[findings]]
focus_area = 1
title = {s}
body = {s}
dated = 2025-03-01

  [[findings.recommendations]]
  text = {s}
  owner = {s}
  statuses = [{{ status = "in-progress", as_of = 2025-06-30, note = {s} }}]
"""


def report_html(cli, tmp_path, site: str, text: str) -> str:
    source = tmp_path / f"{site}.toml"
    source.write_text(engagement_toml(site, text), encoding="utf-8")
    cli.ok("new-engagement", "--from", source)
    return cli.ok("report", "--site", site, "--format", "html")


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.slow
def test_no_payload_in_any_text_field_becomes_markup(cli, tmp_path):
    expected = elements(report_html(cli, tmp_path, "harmless", "Harmless text for the record"))
    assert ("script", ()) not in expected
    for i, payload in enumerate(PAYLOADS):
        if "[[" in payload or "]]" in payload:
            # A stray ]] (the CDATA payload) is a malformed redaction marker, and the agency, city and
            # owner may hold no marker at all: it is refused on input, so nothing reaches a page.
            source = tmp_path / f"xss-{i}.toml"
            source.write_text(engagement_toml(f"xss-{i}", payload), encoding="utf-8")
            cli.fails("new-engagement", "--from", source, says="]]")
            continue
        html = report_html(cli, tmp_path, f"xss-{i}", payload)
        assert elements(html) == expected, f"payload {i} {payload!r} changed the page's elements"


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if "script" in p.lower()][:15])
def test_a_script_payload_as_public_url_is_refused(cli, payload):
    cli.fails(
        "new-engagement",
        "--site",
        "url-test",
        "--agency",
        "Agency",
        "--focus-area",
        "One",
        "--public-url",
        payload,
        says="is not a web address",
    )


@pytest.mark.parametrize(
    "url", ["https://example.org/crt?a=1&b=%3Cx%3E", "http://example.org/#top"]
)
def test_a_web_address_as_public_url_is_linked_as_given(cli, url):
    cli.ok(
        "new-engagement",
        "--site",
        "url-test",
        "--agency",
        "Agency",
        "--focus-area",
        "One",
        "--public-url",
        url,
    )
    html = cli.ok("report", "--site", "url-test", "--format", "html")
    hrefs = [dict(attrs).get("href") for tag, attrs in Linked.of(html) if tag == "a"]
    assert url in hrefs
    elements(html)  # and every href of the page passes the checks


class Linked(HTMLParser):
    """Each element with its attributes and values (Elements keeps only the names)."""

    @classmethod
    def of(cls, html: str) -> list:
        parser = cls(convert_charrefs=True)
        parser.found = []
        parser.feed(html)
        parser.close()
        return parser.found

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


@pytest.mark.parametrize(
    "markup",
    [
        "<script>x</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=' JaVa\tScRiPt:alert(1)'>x</a>",
        "<iframe src=data:text/html,x>",
    ],
)
def test_the_parser_check_catches_injected_markup(markup):
    with pytest.raises(AssertionError):
        elements(markup)
