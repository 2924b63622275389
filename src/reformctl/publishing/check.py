"""The pre-publication check: what would go public, read the way a careful reviewer would."""

from __future__ import annotations

import re

from reformctl.dates import today
from reformctl.model.confidential import protected_terms
from reformctl.model.engagements import get_engagement
from reformctl.model.matching import find_spans, fold, name_key, term_regex, visible
from reformctl.model.text import marker_problems
from reformctl.publishing.check_claims import (
    count_claims,
    counts_of,
    date_claims,
    percent_claims,
    sentence_at,
)
from reformctl.publishing.check_initials import foreign_terms, initials_problems, own_terms
from reformctl.reports.public import build_public_report, is_code, redact
from reformctl.reports.reader_view import disguised_names
from reformctl.store import Store

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?![\d-])")


# The record a list's items are, in the report's shape, and the key that names one, for saying
# where a string stands. A list of records added to the public report gets its line here (for
# narrative sections: "sections": ("section", "name")), and every rule of check reads its text.
RECORD_LABELS = {
    "focus_areas": ("focus area", "number"),
    "findings": ("finding", "number"),
    "recommendations": ("recommendation", "number"),
    "sections": ("section", "name"),
}
# Made from another field of the same record when published (a focus area's slug from its title):
# a problem there is reported once, on that field.
DERIVED_KEYS = frozenset(["slug"])


def public_texts(report: dict, record: str = "report"):
    """Every string the public report holds (as built with scrub=False, before redaction), as
    (record, field, text) ('recommendation 1.2.1', 'owner', ...): a walk over the whole report,
    skipping codes exactly as the scrub does, so a field added later is checked as it is
    published. Every rule of check reads public text from here and only here."""
    for key, value in report.items():
        yield from _texts(value, record, key)


def _texts(value, record: str, key: str):
    if isinstance(value, str):
        if value and key not in DERIVED_KEYS and not is_code(key, value):
            yield record, key, value
    elif isinstance(value, dict):
        label = "engagement" if key == "engagement" else record
        if key == "narrative" and isinstance(value.get("name"), str):  # a focus area's section
            label = f"section {value['name']}"
        for k, v in value.items():
            yield from _texts(v, label, k)
    elif isinstance(value, list):
        for item in value:
            label, id_key = RECORD_LABELS.get(key, (None, None))
            if isinstance(item, dict) and label and id_key in item:
                yield from public_texts(item, f"{label} {item[id_key]}")
            else:
                yield from _texts(item, record, key)


def _problem(level: str, code: str, where: str, message: str, **detail) -> dict:
    return {"level": level, "code": code, "where": where, "message": message, **detail}


def _span_problem(
    level: str, code: str, record: str, field: str, span: str, says: str, message: str
) -> dict:
    """A problem at a span of one public text: the record, field, span as written and what the record says."""
    return _problem(
        level, code, f"{record} {field}", message, record=record, field=field, span=span, says=says
    )


def _prose_problems(
    store: Store, engagement: dict, report: dict, texts: list[tuple[str, str, str]]
) -> list[dict]:
    """What the public prose claims that the record contradicts: another engagement's initials,
    counts, percentages and the announcement date, in what would be published of each text."""
    from reformctl.model.check_terms import aliases_by_engagement, check_terms

    aliases = aliases_by_engagement(store)
    own = own_terms(
        engagement["agency"],
        engagement["city"],
        aliases.get(engagement["id"], []),
        check_terms(store, engagement["id"], "allow"),
    )
    others = store.rows(
        "SELECT id, site, agency FROM engagements WHERE id != ? ORDER BY site", (engagement["id"],)
    )
    foreign = foreign_terms(others, aliases, own)
    counts, as_of = counts_of(report), report["as_of"]
    problems = []
    for record, field, raw in texts:
        text = redact(raw)
        for term, (start, end) in initials_problems(text, foreign):
            span = visible(text[start:end])
            says = f"{term.term!r} is {term.how}, another engagement ({term.site})"
            problems.append(
                _span_problem(
                    "error",
                    "other-initials",
                    record,
                    field,
                    span,
                    says,
                    f"{record} {field}: {span!r}: {says}; a template copy mistake?",
                )
                | {"allow": term.term}  # the term to allow if it belongs here (cli/errors.py)
            )
        for claim in (
            count_claims(text, counts, as_of)
            + percent_claims(text)
            + date_claims(text, engagement["announced"])
        ):
            span = " ".join(text[claim.span[0] : claim.span[1]].split())
            # A count is named with its sentence ('six focus areas' alone does not say which claim).
            context = f' in "{sentence_at(text, *claim.span)}"' if claim.code == "count" else ""
            problems.append(
                _span_problem(
                    claim.level,
                    claim.code,
                    record,
                    field,
                    span,
                    claim.says,
                    f"{record} {field}: {span!r}{context}: {claim.says}",
                )
            )
    return problems


def _spans_phrase(text: str, spans: list[tuple[int, int]]) -> str:
    """'JANE\\u00adROE' (and 2 more): the first span as written, invisible characters spelled out."""
    start, end = spans[0]
    more = f" (and {len(spans) - 1} more)" if len(spans) > 1 else ""
    return f"'{visible(text[start:end])}'{more}"


def _foreign_names(store: Store, engagement: dict) -> list[tuple[str, str, str, object]]:
    """The agency, site and city of every other engagement, with a whole-word pattern over
    normalised text; a name this engagement shares ('Miami' in 'North Miami') is left out."""
    own = {name_key(engagement.get(k) or "") for k in ("site", "agency", "city")}
    foreign = []
    for other in store.rows(
        "SELECT site, agency, city FROM engagements WHERE id != ?", (engagement["id"],)
    ):
        seen = set(
            own
        )  # a site slug that reads as the city ('dearborn-heights') is named once, as the city
        for key in ("agency", "city", "site"):
            value = other[key]
            if value and len(name_key(value)) >= 3 and name_key(value) not in seen:
                seen.add(name_key(value))
                foreign.append((other["site"], key, value, term_regex([value], whole_words=True)))
    return foreign


def _text_problems(
    where: str, raw: str, terms: list[tuple[str, object]], foreign: list, own_pattern
) -> list[dict]:
    """What is wrong with one public string: malformed markers in it as stored, and, in what
    would be published of it, protected names, contact details and other engagements' names."""
    problems = [
        _problem("error", "malformed-marker", where, f"{where}: {message}")
        for _, message in marker_problems(raw)
    ]
    text = redact(raw)
    folded = fold(text)
    for term, pattern in terms:
        spans = find_spans(folded, pattern)
        if spans:
            problems.append(
                _problem(
                    "error",
                    "protected-name",
                    where,
                    f"{where}: protected name {term!r} appears as {_spans_phrase(text, spans)}",
                )
            )
        elif disguised := disguised_names(text, pattern):
            first = text.split("\n")[disguised[0][0]].strip()
            problems.append(
                _problem(
                    "error",
                    "protected-name",
                    where,
                    f"{where}: protected name {term!r} shows once the Markdown is rendered, in "
                    f"{visible(first[:80])!r}; write it plainly, or leave it out",
                )
            )
    for match in EMAIL_RE.findall(text):
        problems.append(_problem("error", "email", where, f"{where}: e-mail address {match!r}"))
    for match in PHONE_RE.findall(text):
        problems.append(
            _problem("error", "phone", where, f"{where}: phone number {match.strip()!r}")
        )
    if where.startswith("engagement "):
        return problems  # the engagement's own identity, checked when it was created
    # "Miami" inside this engagement's own "North Miami" is not another site's name.
    masked = (
        own_pattern.sub(lambda m: " " * len(m.group()), folded.norm) if own_pattern else folded.norm
    )
    for other_site, key, value, pattern in foreign:
        spans = find_spans(folded, pattern, masked)
        if spans:
            problems.append(
                _problem(
                    "error",
                    "other-engagement",
                    where,
                    f"{where} names {value!r} as {_spans_phrase(text, spans)}, the {key} of "
                    f"another engagement ({other_site}); a template copy mistake?",
                )
            )
    return problems


def check(store: Store, site: str, as_of: str | None = None) -> dict:
    engagement = get_engagement(store, site)
    as_of = as_of or today()
    report = build_public_report(store, site, as_of, scrub=False)
    terms = [(term, term_regex([term])) for term in protected_terms(store, engagement["id"])]
    own_pattern = term_regex(
        [v for v in (engagement["agency"], engagement["city"], engagement["site"]) if v]
    )
    foreign = _foreign_names(store, engagement)
    problems: list[dict] = []
    texts = list(public_texts(report))
    for record, field, text in texts:
        problems.extend(_text_problems(f"{record} {field}", text, terms, foreign, own_pattern))
    problems.extend(_prose_problems(store, engagement, report, texts))

    problems += _record_problems(report)
    problems += _area_problems(report)
    errors = sum(1 for p in problems if p["level"] == "error")
    return {
        "site": site,
        "as_of": as_of,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": sorted(problems, key=lambda p: (p["level"] != "error", p["where"])),
    }


def _record_problems(report: dict) -> list[dict]:
    """What the report would publish, record by record: recommendations without a status, an
    owner or public text, findings without a recommendation or a public title, sections with
    nothing left once redacted. Read from REPORT, the published selection (public records in their
    approved wording as of its date), so a record the report leaves out is never judged."""
    problems: list[dict] = []
    for area in report["focus_areas"]:
        for finding in _live(area["findings"]):
            problems += _finding_problems(finding)
            for rec in _live(finding["recommendations"]):
                problems += _recommendation_problems(rec, report["as_of"])
        if area.get("narrative"):
            problems += _section_problems(area["narrative"])
    for section in report["sections"]:
        problems += _section_problems(section)
    return problems


def _live(entries: list[dict]) -> list[dict]:
    """ENTRIES less those withdrawn after publication (a number kept on the page, nothing else)."""
    return [entry for entry in entries if not entry.get("withdrawn")]


def _recommendation_problems(rec: dict, as_of: str) -> list[dict]:
    where = f"recommendation {rec['number']}"
    problems: list[dict] = []
    if rec["status_as_of"] is None:
        problems.append(
            _problem(
                "error",
                "no-status",
                where,
                f"approved recommendation {rec['number']} has no status as of {as_of}",
            )
        )
    if not rec["owner"]:
        problems.append(
            _problem("warning", "no-owner", where, f"recommendation {rec['number']} has no owner")
        )
    if not redact(rec["text"]):
        problems.append(
            _problem(
                "error",
                "empty-once-redacted",
                where,
                f"recommendation {rec['number']} has no public text once [[...]] is removed",
            )
        )
    return problems


def _finding_problems(finding: dict) -> list[dict]:
    where = f"finding {finding['number']}"
    problems: list[dict] = []
    if not _live(finding["recommendations"]):
        problems.append(
            _problem(
                "warning",
                "no-recommendation",
                where,
                f"approved finding {finding['number']} has no approved recommendation",
            )
        )
    if not redact(finding["title"]):
        problems.append(
            _problem(
                "error",
                "empty-once-redacted",
                where,
                f"finding {finding['number']} has no public title once [[...]] is removed",
            )
        )
    return problems


def _section_problems(section: dict) -> list[dict]:
    if redact(section["body"]) and redact(section["title"]):
        return []
    return [
        _problem(
            "error",
            "empty-once-redacted",
            f"section {section['name']}",
            f"section {section['name']} has no public title or text once [[...]] is removed",
        )
    ]


def _area_problems(report: dict) -> list[dict]:
    """Focus areas that will show as under development."""
    problems: list[dict] = []
    for area in report["focus_areas"]:
        if area["under_development"]:
            problems.append(
                _problem(
                    "warning",
                    "under-development",
                    f"focus area {area['number']}",
                    f"focus area {area['number']} ({area['title']}) has nothing approved; "
                    "it will show as under development",
                )
            )
    return problems
