"""Every value of a bundle, or of another store's copy of an engagement, checked before a merge
or an import writes anything.

A bundle is text anyone can edit, so each field of each record goes through the rule its column
holds in the store: ids have the form of model/ids.py, the site is a slug (it becomes part of file
names when a release is published), numbers are positive and bounded, flags are 0 or 1, every
vocabulary is the one of model/vocab.py, dates are real and between 1900 and 2200, and text goes
through model/text.py's validators, as it does when typed at the command line. A problem is
(file, field, message); the caller refuses the whole bundle with the first one named.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable

from reformctl.dates import parse_date
from reformctl.errors import Invalid
from reformctl.exchange.bundle import KINDS
from reformctl.model.engagements import validate_site
from reformctl.model.ids import is_id
from reformctl.model.text import (
    MAX_NAME,
    clean_actor,
    clean_body,
    clean_name,
    clean_section_name,
    clean_title,
)
from reformctl.model.vocab import (
    ACTIVITY_METHODS,
    METHODS,
    PHASES,
    PRIORITIES,
    PROGRAMS,
    REASONS,
    REPORT_KINDS,
    REVIEW_STATES,
    ROLES,
    STATES,
    STATUSES,
)

RECORD_TYPES = ("finding", "recommendation")
# The records that go through review (their review history, approved versions and notes).
REVIEWED_TYPES = RECORD_TYPES + ("section",)
RELEASE_KINDS = tuple(REPORT_KINDS)  # the kinds of report a release may be
MAX_NUMBER = 999_999  # focus areas, findings, recommendations, releases
MAX_PARTICIPANTS = 10_000_000
MAX_JSON = 20_000_000  # a release's snapshot: the whole report it published
YEARS = (1900, 2200)
FIELD_NAME = re.compile(
    r"[a-z_]{1,40}(?::[0-9a-f-]{32,36})?"
)  # a column, or kind:id of a held record
REF = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,6}){1,2}")

Rule = Callable[[object], None]


def _fail(message: str) -> None:
    raise Invalid(message)


def _shown(value) -> str:
    text = repr(value)  # repr escapes control, bidi and other unprintable characters: one safe line
    return text if len(text) <= 60 else text[:57] + "..."


def number(low: int = 1, high: int = MAX_NUMBER, optional: bool = False) -> Rule:
    def rule(value):
        if value is None and optional:
            return
        if type(value) is not int or not low <= value <= high:  # not True, not 2.0
            _fail(f"must be a whole number from {low} to {high}, got {_shown(value)}")

    return rule


def flag(value) -> None:
    if type(value) is not int or value not in (0, 1):  # not True, not 0.0
        _fail(f"must be 0 or 1, got {_shown(value)}")


def one_of(allowed, optional: bool = False) -> Rule:
    def rule(value):
        if value is None and optional:
            return
        if not isinstance(value, str) or value not in allowed:
            _fail(f"{_shown(value)} is unknown; expected one of {', '.join(allowed)}")

    return rule


def an_id(value) -> None:
    if not is_id(value):
        _fail(f"{_shown(value)} is not an id")


def _year_bound(day: _dt.date) -> None:
    if not YEARS[0] <= day.year <= YEARS[1]:
        _fail(f"year {day.year} is out of range; dates run from {YEARS[0]} to {YEARS[1]}")


def date(optional: bool = False) -> Rule:
    def rule(value):
        if value is None and optional:
            return
        if not isinstance(value, str):
            _fail(f"{_shown(value)} is not a date; use YYYY-MM-DD")
        _year_bound(_dt.date.fromisoformat(parse_date(value, "date")))

    return rule


def moment(optional: bool = False) -> Rule:
    """A timestamp of the audit kind (created_at, recorded_at): ISO date and time."""

    def rule(value):
        if value is None and optional:
            return
        try:
            if not isinstance(value, str) or len(value) > 40:
                raise ValueError
            stamp = _dt.datetime.fromisoformat(value)
        except ValueError:
            _fail(f"{_shown(value)} is not an ISO date and time")
        _year_bound(stamp.date())

    return rule


def _as_stored(value: str, cleaned: str) -> None:
    """Text arrives exactly as the validators would have stored it: a line break or a character
    they fold away (NEL, U+2028, runs of spaces) must not reach the store by the side door."""
    if cleaned != value:
        _fail(
            f"{_shown(value)} is not as reformctl stores text (line breaks, outer or repeated spaces); "
            f"write {_shown(cleaned)}"
        )


def _text(clean, what: str, limit: int, optional: bool) -> Rule:
    """A text rule through one of model/text.py's validators; the value must be as it stores it."""

    def rule(value):
        if value is None and optional:
            return
        if not isinstance(value, str):
            _fail(f"must be text, got {_shown(value)}")
        _as_stored(value, clean(value, what, limit))

    return rule


def line(limit: int = 300, optional: bool = False) -> Rule:
    """One line of text (titles), through clean_title."""
    return _text(clean_title, "the text", limit, optional)


def name(limit: int = MAX_NAME, optional: bool = False) -> Rule:
    """A name that is always public in full (owner, agency, city, focus-area title, protected term,
    team member), through clean_name: no [[...]] at all, as at the command line."""
    return _text(clean_name, "the name", limit, optional)


def actor(value) -> None:
    """A person acting (created_by, decided_by, published_by...), through clean_actor: a name with
    an invisible character would pass four eyes as someone else."""
    if not isinstance(value, str):
        _fail(f"must be text, got {_shown(value)}")
    _as_stored(value, clean_actor(value, "the name"))


def body(limit: int = 200_000, optional: bool = False) -> Rule:
    """Text that may hold line breaks, through clean_body."""
    return _text(clean_body, "the text", limit, optional)


def site(value) -> None:
    if not isinstance(value, str) or validate_site(value) != value:
        _fail(
            f"{_shown(value)} is not a site slug; use lowercase letters, digits and single hyphens"
        )


def url(value) -> None:
    if value is None:
        return
    line(500)(value)
    if not re.fullmatch(r"https?://[^\s<>\"']+", value):
        _fail(f"{_shown(value)} is not a web address")


def methods(value) -> None:
    """A JSON list of known finding methods, held as text (the column is TEXT)."""
    try:
        parsed = json.loads(value) if isinstance(value, str) and len(value) < 2_000 else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, list):
        _fail(f'must be a JSON list of methods such as ["interview"], got {_shown(value)}')
    for item in parsed:
        if not isinstance(item, str) or item not in METHODS:
            _fail(f"{_shown(item)} is not a method; expected some of {', '.join(METHODS)}")


def json_text(kind: type | None = None, limit: int = MAX_JSON, optional: bool = False) -> Rule:
    def rule(value):
        if value is None and optional:
            return
        try:
            if not isinstance(value, str) or len(value) > limit:
                raise ValueError
            parsed = json.loads(value)
        except ValueError:
            _fail(f"must be JSON text of at most {limit} characters, got {_shown(value)}")
        if kind is not None and not isinstance(parsed, kind):
            _fail(f"must be a JSON {kind.__name__}, got {_shown(value)}")

    return rule


def files(value) -> None:
    """A release's files: {name: sha256}. A name is a plain file name, never a path."""
    json_text(dict, 100_000)(value)
    for name, digest in json.loads(value).items():
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}", name) or ".." in name:
            _fail(f"{_shown(name)} is not a plain file name")
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            _fail(f"{_shown(digest)} is not a sha256 digest")


def record_key(value) -> None:
    """The record a settled conflict is about: an id, or finding+activity for evidence."""
    if not isinstance(value, str) or not all(is_id(part) for part in value.split("+", 1)):
        _fail(f"{_shown(value)} is not a record id")


def history_key(value) -> None:
    """A flag change's name in a bundle: its record's id and its place in that record's history."""
    record_id, _, place = value.rpartition(".") if isinstance(value, str) else ("", "", "")
    if not is_id(record_id) or not re.fullmatch(r"[1-9][0-9]{0,5}", place):
        _fail(f"{_shown(value)} is not a record id and a change number such as <id>.1")


def field_name(value) -> None:
    if not isinstance(value, str) or not FIELD_NAME.fullmatch(value):
        _fail(f"{_shown(value)} is not a field name")


def team(value) -> None:
    if (
        not isinstance(value, list)
        or len(value) > 1_000
        or len(set(map(json.dumps, value))) != len(value)
    ):
        _fail(f"must be a list of distinct team member ids, got {_shown(value)}")
    for member in value:
        an_id(member)


def items(value) -> None:
    """What a release published: [{record_type, record_id, ref}]."""
    if not isinstance(value, list) or len(value) > 100_000:
        _fail(f"must be a list of published records, got {_shown(value)}")
    for item in value:
        if not isinstance(item, dict) or sorted(item) != ["record_id", "record_type", "ref"]:
            _fail(f"{_shown(item)} is not a published record (record_type, record_id, ref)")
        one_of(RECORD_TYPES)(item["record_type"])
        an_id(item["record_id"])
        if not isinstance(item["ref"], str) or not REF.fullmatch(item["ref"]):
            _fail(f"{_shown(item['ref'])} is not a record number such as 2.1 or 2.1.3")


def section_name(value) -> None:
    """A section's name, through clean_section_name: a standard name, focus-area-N or appendix-SLUG."""
    if not isinstance(value, str):
        _fail(f"must be text, got {_shown(value)}")
    _as_stored(value, clean_section_name(value, "the name")[0])


def section_body(value) -> None:
    """A section's text, through the rule `reformctl section` applies: required, as long as a body."""
    from reformctl.model.sections import clean_section_body

    if not isinstance(value, str):
        _fail(f"must be text, got {_shown(value)}")
    _as_stored(value, clean_section_body(value))


ACTOR = actor
STAMP = moment()
RECORD = {"created_at": STAMP, "created_by": ACTOR}
# Every kind a bundle carries but the settled conflicts themselves.
BUNDLE_KINDS = tuple(kind.name for kind in KINDS if kind.name != "resolutions")

# Per kind of record: the rule of each column. A column a later migration adds and that is not
# listed here still gets the generic rule below, so no value goes unchecked.
RULES: dict[str, dict[str, Rule]] = {
    "engagement": {
        "id": an_id,
        "site": site,
        "agency": name(),
        "city": name(optional=True),
        "state": one_of(sorted(STATES), optional=True),
        "program": one_of(tuple(PROGRAMS)),
        "announced": date(optional=True),
        "public_url": url,
        "phase": one_of(PHASES),
        "self_approval": flag,
        "next_update": date(optional=True),
        **RECORD,
    },
    "focus_areas": {
        "id": an_id,
        "engagement_id": an_id,
        "number": number(),
        "title": name(),
        "slug": site,
    },
    "team_members": {
        "id": an_id,
        "engagement_id": an_id,
        "name": name(),
        "role": one_of(tuple(ROLES)),
        "expertise": line(optional=True),
        **RECORD,
    },
    "activities": {
        "id": an_id,
        "engagement_id": an_id,
        "method": one_of(tuple(ACTIVITY_METHODS)),
        "dated": date(),
        "participants": number(0, MAX_PARTICIPANTS, optional=True),
        "summary": body(20_000),
        "team": team,
        **RECORD,
    },
    "findings": {
        "id": an_id,
        "engagement_id": an_id,
        "focus_area_id": an_id,
        "number": number(),
        "title": line(),
        "body": body(),
        "methods": methods,
        "internal": flag,
        "review": one_of(REVIEW_STATES),
        "dated": date(),
        **RECORD,
    },
    "evidence": {"finding_id": an_id, "activity_id": an_id, **RECORD},
    "recommendations": {
        "id": an_id,
        "engagement_id": an_id,
        "finding_id": an_id,
        "number": number(),
        "text": body(5_000),
        "priority": one_of(PRIORITIES, optional=True),
        "owner": name(optional=True),
        "due": date(optional=True),
        "internal": flag,
        "review": one_of(REVIEW_STATES),
        "dated": date(),
        **RECORD,
    },
    "status_updates": {
        "id": an_id,
        "recommendation_id": an_id,
        "status": one_of(tuple(STATUSES)),
        "as_of": date(),
        "note": body(5_000, optional=True),
        "reason": one_of(tuple(REASONS), optional=True),
        "evidence": body(5_000, optional=True),
        "recorded_at": STAMP,
        "recorded_by": ACTOR,
    },
    "sections": {
        "id": an_id,
        "engagement_id": an_id,
        "name": section_name,
        "title": line(),
        "body": section_body,
        "review": one_of(REVIEW_STATES),
        "dated": date(),
        **RECORD,
    },
    "review_history": {
        "id": an_id,
        "engagement_id": an_id,
        "record_type": one_of(REVIEWED_TYPES),
        "record_id": an_id,
        "review": one_of(REVIEW_STATES),
        "on_date": date(),
        "at": STAMP,
        "actor": ACTOR,
        "comment": body(5_000, optional=True),
    },
    "approved_versions": {
        "id": an_id,
        "engagement_id": an_id,
        "record_type": one_of(REVIEWED_TYPES),
        "record_id": an_id,
        "on_date": date(),
        "at": STAMP,
        "actor": ACTOR,
        "title": line(optional=True),
        "body": body(optional=True),
        "text": body(5_000, optional=True),
        "priority": one_of(PRIORITIES, optional=True),
        "owner": name(optional=True),
        "due": date(optional=True),
    },
    "internal_history": {
        "id": history_key,
        "record_type": one_of(RECORD_TYPES),
        "record_id": an_id,
        "was": flag,
        "internal": flag,
        "on_date": date(),
        "at": STAMP,
        "actor": ACTOR,
    },
    "notes": {
        "id": an_id,
        "engagement_id": an_id,
        "record_type": one_of(("engagement",) + REVIEWED_TYPES),
        "record_id": an_id,
        "text": body(20_000),
        **RECORD,
    },
    "protected_terms": {"id": an_id, "engagement_id": an_id, "term": name(), **RECORD},
    "releases": {
        "id": an_id,
        "engagement_id": an_id,
        "number": number(),
        "kind": one_of(RELEASE_KINDS),
        "as_of": date(),
        "published_at": STAMP,
        "published_by": ACTOR,
        "output_dir": line(4_096),
        "files": files,
        "snapshot": json_text(dict),
        "override_reason": body(2_000, optional=True),
        "items": items,
    },
    # Settled conflicts: a bundle never carries an open one (resolve would act on its field name).
    "resolutions": {
        "id": an_id,
        "engagement_id": an_id,
        "record_type": one_of(("engagement",) + BUNDLE_KINDS),
        "record_id": record_key,
        "field": field_name,
        "ours": json_text(limit=1_000_000, optional=True),
        "theirs": json_text(limit=1_000_000, optional=True),
        "base": json_text(limit=1_000_000, optional=True),
        "source": line(4_096),
        **RECORD,
        "resolved_at": STAMP,
        "resolved_by": ACTOR,
        "resolution": one_of(("ours", "theirs")),
    },
}


def generic(value) -> None:
    """A column without a rule of its own: nothing but null, a 64-bit number or clean text."""
    if value is None:
        return
    if isinstance(value, int) and not isinstance(value, bool):
        number(-(2**63) + 1, 2**63 - 1)(value)
        return
    body(1_000_000)(value)


def record_problems(kind: str, record: dict, where: str) -> list[tuple[str, str, str]]:
    """Every value of RECORD (of KIND, or "engagement") that breaks its column's rule."""
    rules = RULES[kind]
    problems = []
    for name in sorted(record):
        try:
            rules.get(name, generic)(record[name])
        except Invalid as exc:
            problems.append((where, name, exc))
    return problems


def records_problems(
    engagement: dict, kinds: dict[str, dict[str, dict]]
) -> list[tuple[str, str, str]]:
    """Every bad value in an engagement's records, each named by its bundle file and field."""
    problems = record_problems("engagement", engagement, "engagement.json")
    for kind, records in kinds.items():
        for key, record in sorted(records.items()):
            problems += record_problems(kind, record, f"{kind}/{key}.json")
    return problems
