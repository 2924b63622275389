"""What changed between two releases of an engagement, from the snapshots they recorded: findings
and recommendations added, reworded, with a new status, or no longer public, and sections."""

from __future__ import annotations

import json

from reformctl.errors import NotFound, Remedy
from reformctl.model.engagements import get_engagement
from reformctl.model.sections import print_order
from reformctl.publishing.releases import release_number
from reformctl.store import Store


def _index(snapshot: dict) -> tuple[dict, dict]:
    findings, recs = {}, {}
    for area in snapshot["focus_areas"]:
        for f in area["findings"]:
            findings[f["number"]] = f
            for r in f.get("recommendations", []):
                recs[r["number"]] = r
    return findings, recs


def _sections(snapshot: dict) -> dict[str, dict]:
    """The narrative sections a release printed, by name (focus-area narratives included)."""
    found = {s["name"]: s for s in snapshot.get("sections", [])}
    for area in snapshot["focus_areas"]:
        if area.get("narrative"):
            found[area["narrative"]["name"]] = area["narrative"]
    return found


def _section_changes(before: dict, after: dict) -> tuple[list, list, list]:
    sa, sb = _sections(before), _sections(after)
    added = [
        {"name": n, "title": sb[n].get("title")} for n in sorted(set(sb) - set(sa), key=print_order)
    ]
    reworded = [
        {"number": n, "kind": "section"}
        for n in sorted(set(sa) & set(sb), key=print_order)
        if (sa[n].get("title"), sa[n].get("body")) != (sb[n].get("title"), sb[n].get("body"))
    ]
    dropped = [{"number": n, "kind": "section"} for n in sorted(set(sa) - set(sb), key=print_order)]
    return added, reworded, dropped


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def diff(store: Store, site: str, a: int, b: int) -> dict:
    engagement = get_engagement(store, site)
    snapshots = {}
    for number in (release_number(a), release_number(b)):
        row = store.row(
            "SELECT snapshot, as_of FROM releases WHERE engagement_id = ? AND number = ?",
            (engagement["id"], number),
        )
        if row is None:
            raise NotFound(
                "{site} has no release {number}; {remedy} lists them",
                site=site,
                number=number,
                remedy=Remedy("list_releases", site=site),
            )
        snapshots[number] = json.loads(row["snapshot"])
    fa, ra = _index(snapshots[a])
    fb, rb = _index(snapshots[b])
    new_sections, reworded_sections, dropped_sections = _section_changes(snapshots[a], snapshots[b])
    changes = {
        "new_findings": [],
        "new_recommendations": [],
        "new_sections": new_sections,
        "status_changes": [],
        "withdrawn": [],
        "reworded": [],
        "no_longer_public": [],
    }
    _finding_changes(fa, fb, changes)
    _recommendation_changes(ra, rb, changes)
    # Published before but absent now. Approved wording stays public through later edits and
    # withdrawals keep their numbers, so this only happens to releases dated before an approval.
    for number in sorted(set(fa) - set(fb), key=_key):
        changes["no_longer_public"].append({"number": number, "kind": "finding"})
    for number in sorted(set(ra) - set(rb), key=_key):
        changes["no_longer_public"].append({"number": number, "kind": "recommendation"})
    # Sections differ between kinds too (an assessment prints them all, a status update none).
    changes["reworded"] += reworded_sections
    changes["no_longer_public"] += dropped_sections
    return {
        "site": site,
        "from": {"release": a, "as_of": snapshots[a]["as_of"]},
        "to": {"release": b, "as_of": snapshots[b]["as_of"]},
        **changes,
    }


def _finding_changes(before: dict, after: dict, changes: dict) -> None:
    """Add to CHANGES the findings new, withdrawn or reworded between two releases' findings."""
    for number in sorted(after, key=_key):
        was, now_ = before.get(number), after[number]
        if now_.get("withdrawn"):
            if was is not None and not was.get("withdrawn"):
                changes["withdrawn"].append({"number": number, "kind": "finding"})
        elif was is None:
            changes["new_findings"].append({"number": number, "title": now_["title"]})
        elif (was.get("title"), was.get("body")) != (now_.get("title"), now_.get("body")):
            changes["reworded"].append({"number": number, "kind": "finding"})


def _recommendation_changes(before: dict, after: dict, changes: dict) -> None:
    """Add to CHANGES the recommendations new, withdrawn, moved in status or reworded between two
    releases' recommendations."""
    for number in sorted(after, key=_key):
        was, now_ = before.get(number), after[number]
        if now_.get("withdrawn"):
            if was is not None and not was.get("withdrawn"):
                changes["withdrawn"].append({"number": number, "kind": "recommendation"})
        elif was is None:
            changes["new_recommendations"].append(
                {"number": number, "text": now_["text"], "status": now_["status"]}
            )
        else:
            if was.get("status") != now_.get("status"):
                changes["status_changes"].append(
                    {"number": number, "from": was.get("status"), "to": now_["status"]}
                )
            if was.get("text") != now_.get("text"):
                changes["reworded"].append({"number": number, "kind": "recommendation"})
