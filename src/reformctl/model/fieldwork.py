"""The team in the field: its members, the data-collection activities it logs, and which
activities a finding cites as evidence. All of it is internal; public reports show only
counts of activities by method (see reports/public.py)."""

from __future__ import annotations

from reformctl.dates import now
from reformctl.errors import Invalid, NotFound, Remedy
from reformctl.model.events import record_event
from reformctl.model.frozen import entry_date, require_unfrozen
from reformctl.model.guards import require_open
from reformctl.model.ids import new_id
from reformctl.model.text import (
    MAX_COUNT,
    MAX_NOTE,
    clean_body,
    clean_int,
    clean_name,
    clean_optional,
)
from reformctl.model.vocab import ACTIVITY_METHODS, ROLES, choices
from reformctl.store import Store

MIN_ID_PREFIX = 4
MAX_PARTICIPANTS = 1_000_000  # a city's listening sessions, not a 64-bit overflow


def add_member(
    store: Store, engagement: dict, name: str, role: str, actor: str, expertise: str | None = None
) -> dict:
    """Add a person to the engagement's team; names are unique within an engagement."""
    require_open(engagement)
    name = clean_name(name, "team member name")
    if role not in ROLES:
        raise Invalid(f"role {role!r} is unknown; choose one of {choices(ROLES)}")
    expertise = clean_optional(expertise, "expertise")
    with store.write():
        if store.value(
            "SELECT 1 FROM team_members WHERE engagement_id = ? AND name = ?",
            (engagement["id"], name),
        ):
            raise Invalid(f"{name!r} is already on the {engagement['site']} team")
        member = {
            "id": new_id(),
            "engagement_id": engagement["id"],
            "name": name,
            "role": role,
            "expertise": expertise,
            "created_at": now(),
            "created_by": actor,
        }
        store.insert("team_members", member)
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type="team_member",
            record_id=member["id"],
            ref=name,
            action="create",
            after=member,
        )
    return member


def list_members(store: Store, engagement: dict) -> list[dict]:
    return store.rows(
        """SELECT m.id, m.name, m.role, m.expertise,
                  (SELECT COUNT(*) FROM activity_team t WHERE t.member_id = m.id) AS activities
           FROM team_members m WHERE m.engagement_id = ? ORDER BY m.name""",
        (engagement["id"],),
    )


def _members_by_name(store: Store, engagement: dict, names: list[str]) -> list[dict]:
    known = {
        m["name"]: m
        for m in store.rows(
            "SELECT id, name FROM team_members WHERE engagement_id = ?", (engagement["id"],)
        )
    }
    found = []
    for name in names:
        cleaned = " ".join(name.split())
        if cleaned not in known:
            hint = f"; the team is: {choices(sorted(known))}" if known else ""
            raise NotFound(
                "{name!r} is not on the {site} team (add them with {remedy}){hint}",
                name=cleaned,
                site=engagement["site"],
                remedy=Remedy("add_member", site=engagement["site"]),
                hint=hint,
            )
        if known[cleaned] not in found:
            found.append(known[cleaned])
    return found


def log_activity(
    store: Store,
    engagement: dict,
    method: str,
    dated: str,
    actor: str,
    participants: int | None = None,
    summary: str | None = None,
    team: list[str] | None = None,
) -> dict:
    """Log one data-collection activity (a site visit, an interview, a focus group, ...)."""
    require_open(engagement)
    if method not in ACTIVITY_METHODS:
        raise Invalid(f"method {method!r} is unknown; choose one of {choices(ACTIVITY_METHODS)}")
    if not dated:  # an activity always has its date; past_date would default to today
        raise Invalid("activity date is missing; use YYYY-MM-DD, e.g. 2024-05-14")
    dated = entry_date(engagement, dated, "activity date")
    if participants is not None:
        participants = clean_int(participants, "participants", 0, MAX_COUNT)
    summary = clean_body(summary, "activity summary", limit=MAX_NOTE)
    with store.write():
        # Public reports count activities up to their date, so a release freezes them too.
        require_unfrozen(store, engagement, dated, f"log a {method} activity", "activity")
        members = _members_by_name(store, engagement, team or [])
        activity = {
            "id": new_id(),
            "engagement_id": engagement["id"],
            "method": method,
            "dated": dated,
            "participants": participants,
            "summary": summary,
            "created_at": now(),
            "created_by": actor,
        }
        store.insert("activities", activity)
        store.conn.executemany(
            "INSERT INTO activity_team (activity_id, member_id) VALUES (?, ?)",
            [(activity["id"], m["id"]) for m in members],
        )
        record_event(
            store,
            actor=actor,
            engagement_id=engagement["id"],
            record_type="activity",
            record_id=activity["id"],
            ref=activity["id"][:8],
            action="create",
            after={**activity, "team": [m["name"] for m in members]},
        )
    return {**activity, "team": [m["name"] for m in members]}


def list_activities(store: Store, engagement: dict) -> list[dict]:
    rows = store.rows(
        """SELECT a.id, a.method, a.dated, a.participants, a.summary, a.created_by,
                  (SELECT json_group_array(m.name) FROM activity_team t JOIN team_members m ON m.id = t.member_id
                    WHERE t.activity_id = a.id) AS team,
                  (SELECT COUNT(*) FROM finding_evidence e WHERE e.activity_id = a.id) AS cited_by
           FROM activities a WHERE a.engagement_id = ? ORDER BY a.dated, a.created_at""",
        (engagement["id"],),
    )
    import json

    for row in rows:
        row["team"] = sorted(json.loads(row["team"]))
    return rows


def resolve_activity(store: Store, engagement: dict, ref: str) -> dict:
    """An activity by its id or a unique prefix of it (as `reformctl activities` shows: 8 characters)."""
    text = (ref or "").strip().lower()
    if len(text) < MIN_ID_PREFIX:
        raise Invalid(
            f"activity id {ref!r} is too short; give at least {MIN_ID_PREFIX} characters of it"
        )
    matches = store.rows(
        "SELECT * FROM activities WHERE engagement_id = ? AND id >= ? AND id < ? LIMIT 2",
        (engagement["id"], text, text + "\uffff"),
    )
    if not matches:
        raise NotFound(
            "{site} has no activity {ref!r}; {remedy} lists them",
            site=engagement["site"],
            ref=ref,
            remedy=Remedy("list_activities", site=engagement["site"]),
        )
    if len(matches) > 1:
        raise Invalid(f"activity id {ref!r} is ambiguous; give more of it")
    return matches[0]


def cite(
    store: Store, engagement: dict, finding: dict, activity_refs: list[str], actor: str
) -> list[dict]:
    """Record that FINDING rests on these activities; citing one twice is harmless."""
    if not activity_refs:
        raise Invalid("give at least one activity id to cite")
    with store.write():
        activities = [resolve_activity(store, engagement, ref) for ref in activity_refs]
        already = {
            r["activity_id"]
            for r in store.rows(
                "SELECT activity_id FROM finding_evidence WHERE finding_id = ?", (finding["id"],)
            )
        }
        added = []
        for activity in activities:
            if activity["id"] in already:
                continue
            already.add(activity["id"])
            link = {
                "finding_id": finding["id"],
                "activity_id": activity["id"],
                "created_at": now(),
                "created_by": actor,
            }
            store.insert("finding_evidence", link)
            added.append(activity)
        if added:
            record_event(
                store,
                actor=actor,
                engagement_id=engagement["id"],
                record_type="finding",
                record_id=finding["id"],
                ref=finding["ref"],
                action="cite",
                after={"activities": [a["id"] for a in added]},
            )
    return activities


def evidence_of(store: Store, finding_id: str) -> list[dict]:
    return store.rows(
        """SELECT a.id, a.method, a.dated, a.participants, a.summary FROM finding_evidence e
           JOIN activities a ON a.id = e.activity_id WHERE e.finding_id = ? ORDER BY a.dated, a.id""",
        (finding_id,),
    )
