"""The site's HTML pages: Jinja2 with autoescaping and without the |safe filter, so every text
from a release prints escaped."""

from __future__ import annotations

from reformctl.publishing.site.output import GENERATOR

# Only the site's own files: no inline script or style, no other origin.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)
SITE_TITLE = "Collaborative Reform Initiative: engagements and public reports"
COLOURS = {
    "complete": "#00a91c",
    "partially-complete": "#5c4fd1",
    "in-progress": "#e5a000",
    "not-started": "#d83933",
}
PHASES = (("active", "Active"), ("closed", "Closed"))


class Lazy:
    """The Jinja environment, made (and its templates compiled) only when a page is rendered."""

    def __init__(self, make):
        self.make, self.made = make, None

    def get_template(self, name: str):
        if self.made is None:
            self.made = self.make()
        return self.made.get_template(name)


def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from reformctl.reports.wording import long_date

    # Our own templates, as for the HTML report (html.py): autoescaping on for every template, and
    # no |safe filter, so no text from a release reaches a page unescaped. (custom.py's sandbox
    # guards templates a user writes; it would make a national index several times slower.)
    env = Environment(
        loader=PackageLoader("reformctl", "publishing/site/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    del env.filters["safe"]
    env.globals.update(csp=CSP, generator=GENERATOR, site_title=SITE_TITLE, colours=COLOURS)
    return env


def decorate(item: dict) -> None:
    """Fields the templates show, computed once per engagement."""
    from reformctl.reports.wording import location

    e = item["engagement"]
    item["location"] = location(e)
    item["summary"] = [{**row, "share": row["percent"]} for row in item["summary"]]
    item["text"] = " ".join(
        str(part) for part in (e["agency"], e.get("city"), e.get("state"), item["site"]) if part
    ).lower()


def index_page(env, base: str, items: list[dict], kept=None, cards: dict | None = None) -> bytes:
    """The index. KEPT(item) gives an unchanged card as the last build rendered it (or None);
    CARDS, when given, receives each card's input hash and the hash of its HTML."""
    from markupsafe import Markup

    from reformctl.publishing.digests import sha256

    card_template = env.get_template("card.html.j2")

    def card(item: dict, phase: str) -> Markup:
        html = (kept(item) if kept else None) or card_template.render(
            item=item, phase={"key": phase}
        )
        if cards is not None:
            cards[item["site"]] = [item.get("key"), sha256(html.encode("utf-8"))]
        # Rendered by our own autoescaping template, so already escaped: printed as it is.
        return Markup(html)

    programs = []
    for key in sorted({i["engagement"]["program"] for i in items}):
        mine = [i for i in items if i["engagement"]["program"] == key]
        phases = []
        for phase, name in PHASES:
            found = sorted(
                (i for i in mine if i["closed"] == (phase == "closed")),
                key=lambda i: (i["engagement"]["agency"].lower(), i["site"]),
            )
            if found:
                phases.append(
                    {"key": phase, "name": name, "cards": [card(i, phase) for i in found]}
                )
        programs.append(
            {"key": key, "name": mine[0]["engagement"]["program_name"], "phases": phases}
        )
    states = sorted({i["engagement"]["state"] for i in items if i["engagement"].get("state")})
    html = env.get_template("index.html.j2").render(
        root="",
        canonical=base,
        feed="feed.xml",
        feed_title="Every release (Atom)",
        programs=programs,
        states=states,
        count=len(items),
    )
    return html.encode("utf-8")


def engagement_page(env, base: str, item: dict, report: dict, available: dict[int, bool]) -> bytes:
    releases = [
        {**r, "folder_rel": f"releases/{r['number']}", "available": available[r["number"]]}
        for r in reversed(item["releases"])
    ]
    latest = releases[0]
    if not latest["available"]:
        latest = {**latest, "html": None}
    html = env.get_template("engagement.html.j2").render(
        root="../",
        canonical=f"{base}{item['path']}/",
        feed=f"{item['path']}/feed.xml",
        feed_title=f"{item['engagement']['agency']}: releases (Atom)",
        item=item,
        e=item["engagement"],
        report=report,
        latest=latest,
        releases=releases,
    )
    return html.encode("utf-8")


def asset(name: str) -> bytes:
    from importlib.resources import files

    return (files("reformctl.publishing.site") / "templates" / name).read_bytes()


def templates_version() -> str:
    """A hash of the templates and the version of reformctl, part of every page's input hash."""
    import hashlib
    from importlib.resources import files

    from reformctl import __version__

    digest = hashlib.sha256(__version__.encode("utf-8"))
    folder = files("reformctl.publishing.site") / "templates"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        digest.update(entry.name.encode("utf-8") + b"\0" + entry.read_bytes())
    return digest.hexdigest()
