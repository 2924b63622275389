"""Looking engagements up by site slug and focus areas by number, slug or title.

Every command makes these lookups; they live apart from engagement creation (with its
dataclass and validation) so that a command that only reads loads only this.
"""

from __future__ import annotations

import re

from reformctl.errors import Invalid, NotFound, Refused, Remedy
from reformctl.model.vocab import choices
from reformctl.store import Store


def list_engagements(store: Store) -> list[dict]:
    return store.rows(
        """SELECT e.site, e.agency, e.city, e.state, e.program, e.announced, e.phase,
                  (SELECT COUNT(*) FROM focus_areas fa WHERE fa.engagement_id = e.id) AS focus_areas,
                  (SELECT COUNT(*) FROM findings f WHERE f.engagement_id = e.id
                      AND f.review != 'withdrawn') AS findings,
                  (SELECT COUNT(*) FROM recommendations r WHERE r.engagement_id = e.id
                      AND r.review != 'withdrawn') AS recommendations
           FROM engagements e ORDER BY e.site"""
    )


def site_slugs(store: Store, limit: int = 1000) -> list[str]:
    """The engagements' site slugs, in order, at most LIMIT of them."""
    return [
        r["site"]
        for r in store.rows("SELECT site FROM engagements ORDER BY site LIMIT ?", (limit,))
    ]


def get_engagement(store: Store, site: str) -> dict:
    found = store.row("SELECT * FROM engagements WHERE site = ?", (site,))
    if found is None:
        sites = [
            r["site"] for r in store.rows("SELECT site FROM engagements ORDER BY site LIMIT 20")
        ]
        if sites:
            raise NotFound(f"no engagement with site {site!r}; known sites: {choices(sites)}")
        raise NotFound(
            "no engagement with site {site!r}; create one with {remedy}",
            site=site,
            remedy=Remedy("new_engagement"),
        )
    phases_read(store).seen[found["id"]] = (found["site"], found["phase"])
    return found


class PhasesRead:
    """Engagement id -> (site, phase) as this command read them (get_engagement). A command checks
    the phase (closed? still planning?) before it takes the write lock; the store runs under_lock
    at the start of the write, under the lock, so a phase changed in between by another process
    cannot let a write through."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str]] = {}

    def _current(self, store: Store) -> dict[str, tuple[str, str]]:
        ids = list(self.seen)
        marks = ", ".join("?" for _ in ids)
        return {
            row["id"]: (row["site"], row["phase"])
            for row in store.rows(
                f"SELECT id, site, phase FROM engagements WHERE id IN ({marks})", ids
            )
        }

    def under_lock(self, store: Store) -> None:
        if not self.seen:
            return
        for eid, (site, phase) in self._current(store).items():
            if phase != self.seen[eid][1]:
                raise Refused(
                    f"{site} moved from {self.seen[eid][1]} to {phase} while this command was "
                    "starting; nothing was written; run the command again"
                )

    def committed(self, store: Store) -> None:
        """The command's own transaction may have changed a phase (advance, close, reopen)."""
        if self.seen:
            self.seen.update(self._current(store))


def phases_read(store: Store) -> PhasesRead:
    """The phases this STORE's command has read, watched by the store's writes."""
    watch = store.write_guards.get("phases")
    if watch is None:
        watch = store.write_guards["phases"] = PhasesRead()
    return watch


def focus_areas(store: Store, engagement_id: str) -> list[dict]:
    return store.rows(
        "SELECT * FROM focus_areas WHERE engagement_id = ? ORDER BY number", (engagement_id,)
    )


def resolve_focus_area(store: Store, engagement: dict, ref: str) -> dict:
    """A focus area by number ('3'), slug ('technology') or unambiguous title prefix ('tech')."""
    areas = focus_areas(store, engagement["id"])
    text = (ref or "").strip()
    listing = "; ".join(f"{a['number']} {a['title']}" for a in areas)
    if re.fullmatch(r"[0-9]{1,6}", text):  # ASCII digits only: '²'.isdigit() is true too
        for area in areas:
            if area["number"] == int(text):
                return area
        raise NotFound(
            f"{engagement['site']} has no focus area {text}; its focus areas are: {listing}"
        )
    for area in areas:
        if area["slug"] == text.lower():
            return area
    matches = [a for a in areas if a["title"].lower().startswith(text.lower())] if text else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = "; ".join(f"{a['number']} {a['title']}" for a in matches)
        raise Invalid(f"focus area {ref!r} is ambiguous: it matches {names}; give its number")
    raise NotFound(
        f"{engagement['site']} has no focus area {ref!r}; its focus areas are: {listing}"
    )


def record_refs(store: Store, site: str) -> dict[str, list[str]]:
    """An engagement's finding and recommendation numbers and section names, for completion."""
    found = store.row("SELECT id FROM engagements WHERE site = ?", (site,))
    if found is None:
        return {"findings": [], "recommendations": [], "sections": []}
    params = {"eid": found["id"]}
    findings = store.rows(
        """SELECT fa.number || '.' || f.number AS ref FROM findings f JOIN focus_areas fa ON fa.id = f.focus_area_id
           WHERE f.engagement_id = :eid ORDER BY fa.number, f.number""",
        params,
    )
    recs = store.rows(
        """SELECT fa.number || '.' || f.number || '.' || r.number AS ref FROM recommendations r
           JOIN findings f ON f.id = r.finding_id JOIN focus_areas fa ON fa.id = f.focus_area_id
           WHERE r.engagement_id = :eid ORDER BY fa.number, f.number, r.number""",
        params,
    )
    sections = store.rows(
        "SELECT name AS ref FROM sections WHERE engagement_id = :eid ORDER BY name", params
    )
    return {
        "findings": [r["ref"] for r in findings],
        "recommendations": [r["ref"] for r in recs],
        "sections": [r["ref"] for r in sections],
    }
