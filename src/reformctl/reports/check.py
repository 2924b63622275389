"""The pre-publication check: what would go public, read the way a careful reviewer would."""

from __future__ import annotations

import re

from reformctl.dates import today
from reformctl.model.confidential import protected_terms
from reformctl.model.engagements import get_engagement
from reformctl.model.internal_flag import internal_at
from reformctl.model.statuses import status_at
from reformctl.reports.public import build_public_report, redact, term_pattern
from reformctl.store import Store

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_RE = re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?![\d-])")


def public_strings(report: dict):
    """Every string that would be published, with where it stands."""
    e = report["engagement"]
    for key in ("agency", "city", "state", "public_url"):
        if e.get(key):
            yield f"engagement {key}", e[key]
    for area in report["focus_areas"]:
        yield f"focus area {area['number']} title", area["title"]
        for f in area["findings"]:
            for key in ("title", "body"):
                if f.get(key):
                    yield f"finding {f['number']} {key}", f[key]
            for r in f["recommendations"]:
                for key in ("text", "owner"):
                    if r.get(key):
                        yield f"recommendation {r['number']} {key}", r[key]


def _open_redaction(text: str) -> bool:
    """A [[ that no ]] closes: the rest of the text would be withheld."""
    return bool(re.search(r"\[\[(?!.*?\]\])", text or "", re.S))


def _problem(level: str, code: str, where: str, message: str) -> dict:
    return {"level": level, "code": code, "where": where, "message": message}


def check(store: Store, site: str, as_of: str | None = None) -> dict:
    engagement = get_engagement(store, site)
    as_of = as_of or today()
    report = build_public_report(store, site, as_of, scrub=False)
    problems: list[dict] = []
    terms = protected_terms(store, engagement["id"])
    others = store.rows("SELECT site, agency, city FROM engagements WHERE id != ?", (engagement["id"],))
    own = {(engagement.get(k) or "").lower() for k in ("site", "agency", "city")}
    foreign = []
    for other in others:
        for key in ("agency", "site", "city"):
            value = other[key]
            if value and value.lower() not in own and len(value) >= 3:
                foreign.append((other["site"], key, value, re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.I)))

    own_names = [v for v in (engagement["agency"], engagement["city"], engagement["site"]) if v]
    own_pattern = re.compile("|".join(re.escape(v) for v in sorted(own_names, key=len, reverse=True)), re.I)
    for where, text in public_strings(report):
        for term in terms:
            if term_pattern([term]).search(text):
                problems.append(_problem("error", "protected-name", where, f"protected name {term!r} appears in {where}"))
        for match in EMAIL_RE.findall(text):
            problems.append(_problem("error", "email", where, f"e-mail address {match!r} in {where}"))
        for match in PHONE_RE.findall(text):
            problems.append(_problem("error", "phone", where, f"phone number {match.strip()!r} in {where}"))
        if where.startswith("engagement "):
            continue  # the engagement's own identity, checked when it was created
        # "Miami" inside this engagement's own "North Miami" is not another site's name.
        masked = own_pattern.sub(" ", text)
        for other_site, key, value, pattern in foreign:
            if pattern.search(masked):
                problems.append(_problem("error", "other-engagement", where,
                                         f"{where} names {value!r}, the {key} of another engagement ({other_site}); "
                                         "a template copy mistake?"))

    params = {"eid": engagement["id"], "as_of": as_of}
    for row in store.rows(
        f"""SELECT r.id, fa.number AS a, f.number AS f, r.number AS n, r.owner, r.text,
                   {status_at('status')} AS status
            FROM recommendations r JOIN findings f ON f.id = r.finding_id JOIN focus_areas fa ON fa.id = f.focus_area_id
            WHERE r.engagement_id = :eid AND r.dated <= :as_of AND r.review = 'approved'""", params):
        ref = f"{row['a']}.{row['f']}.{row['n']}"
        if row["status"] is None:
            problems.append(_problem("error", "no-status", f"recommendation {ref}",
                                     f"approved recommendation {ref} has no status as of {as_of}"))
        if not row["owner"]:
            problems.append(_problem("warning", "no-owner", f"recommendation {ref}",
                                     f"recommendation {ref} has no owner (--owner UNIT)"))
        if _open_redaction(row["text"]):
            problems.append(_problem("warning", "open-redaction", f"recommendation {ref}",
                                     f"recommendation {ref} has a [[ without ]]; everything after it is withheld"))
        if not redact(row["text"]):
            problems.append(_problem("error", "empty-once-redacted", f"recommendation {ref}",
                                     f"recommendation {ref} has no public text once [[...]] is removed"))
    for row in store.rows(
        f"""SELECT fa.number AS a, f.number AS f, f.title, f.body,
                   (SELECT COUNT(*) FROM recommendations r WHERE r.finding_id = f.id AND r.review = 'approved') AS recs
            FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id
            WHERE f.engagement_id = :eid AND f.dated <= :as_of AND f.review = 'approved' AND {internal_at('f')} = 0""", params):
        ref = f"{row['a']}.{row['f']}"
        if not row["recs"]:
            problems.append(_problem("warning", "no-recommendation", f"finding {ref}",
                                     f"approved finding {ref} has no approved recommendation"))
        if not redact(row["title"]):
            problems.append(_problem("error", "empty-once-redacted", f"finding {ref}",
                                     f"finding {ref} has no public title once [[...]] is removed"))
        if _open_redaction(row["body"]) or _open_redaction(row["title"]):
            problems.append(_problem("warning", "open-redaction", f"finding {ref}",
                                     f"finding {ref} has a [[ without ]]; everything after it is withheld"))
    for area in report["focus_areas"]:
        if area["under_development"]:
            problems.append(_problem("warning", "under-development", f"focus area {area['number']}",
                                     f"focus area {area['number']} ({area['title']}) has nothing approved; "
                                     "it will show as under development"))
    errors = sum(1 for p in problems if p["level"] == "error")
    return {"site": site, "as_of": as_of, "errors": errors, "warnings": len(problems) - errors,
            "problems": sorted(problems, key=lambda p: (p["level"] != "error", p["where"]))}

