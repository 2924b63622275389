"""Engagements and their numbered focus areas."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from reformctl.dates import now, parse_date, today
from reformctl.errors import Invalid, Option, Remedy
from reformctl.model.events import record_event
from reformctl.model.ids import new_id

# The lookups live in model.sites (commands that only read load just that); re-exported here.
from reformctl.model.sites import focus_areas, get_engagement, list_engagements, resolve_focus_area  # noqa: F401
from reformctl.model.text import MAX_URL, clean_name, clean_optional_name
from reformctl.model.vocab import PROGRAMS, STATES, choices
from reformctl.store import Store

SITE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SITE = 60


def slugify(title: str) -> str:
    """'Employee Wellness, Training' -> 'employee-wellness-training'; 'Überprüfung' -> 'uberprufung'."""
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


@dataclass
class EngagementSpec:
    """What it takes to create an engagement, from options or a TOML file."""

    site: str
    agency: str
    focus_areas: list[str]
    city: str | None = None
    state: str | None = None
    program: str = "organizational-assessment"
    announced: str | None = None
    public_url: str | None = None
    phase: str = "assessment"
    self_approval: bool = False
    aliases: list[str] = field(
        default_factory=list
    )  # other names a writer uses for the agency (check)
    extra: dict = field(default_factory=dict)


SPEC_KEYS = (
    "site",
    "agency",
    "city",
    "state",
    "program",
    "announced",
    "public_url",
    "focus_areas",
    "phase",
    "self_approval",
    "aliases",
)


def validate_site(site: str) -> str:
    site = (site or "").strip() if isinstance(site, str) else ""
    if len(site) > MAX_SITE:
        raise Invalid(f"site is {len(site)} characters long; keep the slug to {MAX_SITE}")
    if not SITE_RE.match(site):
        raise Invalid(
            f"site {site!r} is not a valid slug; use lowercase letters, digits and single hyphens, "
            "e.g. north-miami"
        )
    return site


# One check per field, so a value asked for at a terminal is checked as it is typed.
def clean_state(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return None
    state = str(value).strip().upper()
    if state not in STATES:
        raise Invalid(
            f"state {value!r} is not a US state or territory code; use two letters, e.g. FL or MI"
        )
    return state


def clean_program(value: str) -> str:
    if value not in PROGRAMS:
        raise Invalid(f"program {value!r} is unknown; choose one of {choices(PROGRAMS)}")
    return value


def clean_announced(value: str | None) -> str | None:
    return parse_date(value, "announcement date") if value else None


def clean_public_url(value: str | None) -> str | None:
    if not clean_optional_name(value, "public URL", MAX_URL):
        return None
    public_url = value.strip()
    if not re.match(r"^https?://", public_url):
        public_url = "https://" + public_url
    if not re.match(r"^https?://[^\s/<>\"']+\.[^\s/<>\"']+(/[^\s<>\"']*)?$", public_url):
        raise Invalid(
            f"public URL {value!r} is not a web address; e.g. https://cops.usdoj.gov/page"
        )
    return public_url


def normalise_spec(spec: EngagementSpec) -> EngagementSpec:
    """Validate every field, returning a cleaned copy or raising Invalid naming the field."""
    site = validate_site(spec.site)
    # Everything here is public in full, in every report: no [[...]] (and nothing invisible).
    agency = clean_name(spec.agency, "agency")
    city = clean_optional_name(spec.city, "city")
    state = clean_state(spec.state)
    program = clean_program(spec.program)
    announced = clean_announced(spec.announced)
    public_url = clean_public_url(spec.public_url)
    if spec.phase not in ("planning", "assessment"):
        raise Invalid(f"a new engagement starts in planning or assessment, not {spec.phase!r}")
    titles = [clean_name(t, "focus area title") for t in spec.focus_areas]
    if not titles:
        raise Invalid(
            "an engagement needs at least one focus area; give {option} for each, in announced order",
            option=Option("focus_areas"),
        )
    seen: dict[str, str] = {}
    for title in titles:
        slug = slugify(title)
        if not slug:
            raise Invalid(f"focus area {title!r} needs at least one letter or digit")
        if slug in seen:
            raise Invalid(
                f"focus area {title!r} repeats {seen[slug]!r}; each focus area must be distinct"
            )
        seen[slug] = title
    from reformctl.model.check_terms import clean_term

    aliases = [clean_term(a, "alias") for a in spec.aliases]
    return EngagementSpec(
        site=site,
        agency=agency,
        focus_areas=titles,
        city=city,
        state=state,
        program=program,
        announced=announced,
        public_url=public_url,
        phase=spec.phase,
        self_approval=bool(spec.self_approval),
        aliases=aliases,
    )


def spec_from_mapping(
    data: dict, source: str, lines: dict[str, int] | None = None
) -> EngagementSpec:
    """Read an engagement from a parsed TOML mapping, naming the key that is wrong (and its line,
    when LINES gives the line of each key)."""
    unknown = sorted(set(data) - set(SPEC_KEYS) - {"findings", "protected"})
    if unknown:
        raise Invalid(f"{source}: unknown key {unknown[0]!r}; valid keys are {choices(SPEC_KEYS)}")
    values = {key: _spec_value(key, data[key], source) for key in SPEC_KEYS if key in data}
    for required in ("site", "agency", "focus_areas"):
        if required not in values:
            raise Invalid(f"{source}: missing key {required!r}")
    if "announced" in values:
        try:
            parse_date(values["announced"])
        except Invalid:
            line = f", line {lines['announced']}" if lines and "announced" in lines else ""
            raise Invalid(
                f"{source}: announced: {values['announced']} is not a date{line}; "
                "use YYYY-MM-DD, e.g. 2024-03-28"
            ) from None
    try:
        return normalise_spec(EngagementSpec(**values))
    except Invalid as exc:
        raise exc.at(source) from None


# What a list key holds, for its error: the key's example.
_LIST_KEYS = {
    "focus_areas": 'a list of titles, e.g. focus_areas = ["Technology"]',
    "aliases": 'a list of names, e.g. aliases = ["NMPD"]',
}


def _spec_value(key: str, value, source: str):
    """One key's value as EngagementSpec takes it, or Invalid naming the key and what it must be."""
    if key in _LIST_KEYS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(f"{source}: key {key!r} must be {_LIST_KEYS[key]}")
    elif key == "announced":
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            return value.isoformat()
        if not isinstance(value, str):
            raise Invalid(f"{source}: key 'announced' must be a date, e.g. announced = 2024-03-28")
    elif key == "self_approval":
        if not isinstance(value, bool):
            raise Invalid(f"{source}: key 'self_approval' must be true or false")
    elif not isinstance(value, str):
        raise Invalid(f"{source}: key {key!r} must be a string")
    return value


def create_engagement(store: Store, spec: EngagementSpec, actor: str) -> dict:
    """Create an engagement and its focus areas; returns the new engagement row."""
    spec = normalise_spec(spec)
    with store.write():
        if store.value("SELECT 1 FROM engagements WHERE site = ?", (spec.site,)):
            raise Invalid(
                "site {site!r} already exists; choose another slug or see {remedy}",
                site=spec.site,
                remedy=Remedy("show_engagement", site=spec.site),
            )
        engagement = {
            "id": new_id(),
            "site": spec.site,
            "agency": spec.agency,
            "city": spec.city,
            "state": spec.state,
            "program": spec.program,
            "announced": spec.announced,
            "public_url": spec.public_url,
            "phase": spec.phase,
            "self_approval": int(spec.self_approval),
            "next_update": None,
            "created_at": now(),
            "created_by": actor,
        }
        store.insert("engagements", engagement)
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type="engagement",
            record_id=engagement["id"],
            ref=spec.site,
            action="create",
            after=engagement,
        )
        for number, title in enumerate(spec.focus_areas, start=1):
            area = {
                "id": new_id(),
                "engagement_id": engagement["id"],
                "number": number,
                "title": title,
                "slug": slugify(title),
            }
            store.insert("focus_areas", area)
            record_event(
                store,
                actor=actor,
                engagement_id=engagement["id"],
                record_type="focus_area",
                record_id=area["id"],
                ref=str(number),
                action="create",
                after=area,
            )
        if spec.aliases:
            from reformctl.model.check_terms import add_check_terms

            add_check_terms(store, engagement, "alias", spec.aliases, actor)
    return engagement


def engagement_overview(store: Store, site: str, as_of: str | None = None) -> dict:
    """The engagement, its focus areas with counts, and the status table, for `show`."""
    from reformctl.model.statuses import status_summary

    engagement = get_engagement(store, site)
    as_of = as_of or today()
    areas = store.rows(
        """SELECT fa.number, fa.title, fa.slug,
                  (SELECT COUNT(*) FROM findings f WHERE f.focus_area_id = fa.id
                       AND f.review != 'withdrawn') AS findings,
                  (SELECT COUNT(*) FROM recommendations r JOIN findings f ON f.id = r.finding_id
                    WHERE f.focus_area_id = fa.id AND r.review != 'withdrawn') AS recommendations
           FROM focus_areas fa WHERE fa.engagement_id = ? ORDER BY fa.number""",
        (engagement["id"],),
    )
    summary = status_summary(store, engagement["id"], as_of)
    from reformctl.model.phases import phase_history

    return {
        "engagement": engagement,
        "as_of": as_of,
        "focus_areas": areas,
        "status_summary": summary,
        "phase_history": phase_history(store, engagement),
    }
