"""Writing a checked spreadsheet import: the plan importer.py makes, as rows and audit events.

Everything goes in one transaction with executemany, findings first, each new record with its
review history (and, with a reviewer, its approval and approved wording) and one audit event per
created record and per status, as every other command writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _string

from reformctl.model.ids import ordered_id
from reformctl.store import Store


@dataclass
class Plan:
    """What an import will write, as compact tuples; apply_plan turns them into rows and events.

    findings: (id, focus_area_id, number, title, body, dated, ref);
    steps, in the file's order: (REC, id, finding_id, number, text, priority, owner, due, dated, ref)
    and (STATUS, id, recommendation_id, status, as_of, note, reason, evidence, ref, before),
    before being (status, as_of) or None for a new recommendation's first status. (Flat tuples,
    because a big file's plan holds one for every row.)
    """

    engagement_id: str = ""
    actor: str = ""
    approved_by: str | None = None
    stamp: str = ""
    rows: int = 0  # data rows read
    findings: list[tuple] = field(default_factory=list)
    steps: list[tuple] = field(default_factory=list)
    recommendations: int = 0
    status_updates: int = 0
    unchanged: int = 0
    # Rows dated before their recommendation's current status, which stays current:
    # (row, ref, status, as_of, current status, its as_of).
    superseded: list[tuple] = field(default_factory=list)

    def counts(self) -> dict:
        return {
            "findings": len(self.findings),
            "recommendations": self.recommendations,
            "status_updates": self.status_updates,
            "unchanged": self.unchanged,
        }

    def superseded_rows(self) -> list[dict]:
        """Each back-dated row, as set-status and bulk-status report one (`superseded_by`)."""
        return [
            {
                "sheet": row[0] if isinstance(row, tuple) else None,
                "row": row[1] if isinstance(row, tuple) else row,
                "number": ref,
                "status": status,
                "as_of": as_of,
                "superseded_by": {"status": later, "as_of": later_as_of},
            }
            for row, ref, status, as_of, later, later_as_of in self.superseded
        ]


REC, STATUS = "recommendation", "status"


# The audit trail keeps one event per created record and per status, with its before and after
# values, as every other command writes them. An import writes several events a row, so
# json.dumps would be much of its time: these templates write the same bytes that
# json.dumps(..., sort_keys=True) does (keys in sorted order, ", " and ": ", ASCII escapes),
# with the C string encoder. A test checks they agree.
def _j(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _string(value)
    return str(value)  # the ints: numbers and the internal flag


# STAMP, ACTOR and EID come already encoded (the same for every event of an import);
# ids, dates and statuses are always strings.
def _finding_json(f: tuple, stamp: str, actor: str, eid: str) -> str:
    id_, area, number, title, body, dated, _ = f
    return (
        f'{{"body": {_j(body)}, "created_at": {stamp}, "created_by": {actor}, "dated": {_string(dated)}, '
        f'"engagement_id": {eid}, "focus_area_id": {_string(area)}, "id": {_string(id_)}, "internal": 0, '
        f'"methods": "[]", "number": {number}, "review": "draft", "title": {_j(title)}}}'
    )


def _rec_json(r: tuple, stamp: str, actor: str, eid: str) -> str:
    _, id_, finding_id, number, text, priority, owner, due, dated, _ = r
    return (
        f'{{"created_at": {stamp}, "created_by": {actor}, "dated": {_string(dated)}, "due": {_j(due)}, '
        f'"engagement_id": {eid}, "finding_id": {_string(finding_id)}, "id": {_string(id_)}, "internal": 0, '
        f'"number": {number}, "owner": {_j(owner)}, "priority": {_j(priority)}, "review": "draft", '
        f'"text": {_j(text)}}}'
    )


def _status_json(u: tuple, stamp: str, actor: str) -> str:
    _, id_, rec_id, status, as_of, note, reason, evidence, _, _ = u
    return (
        f'{{"as_of": {_string(as_of)}, "evidence": {_j(evidence)}, "id": {_string(id_)}, "note": {_j(note)}, '
        f'"reason": {_j(reason)}, "recommendation_id": {_string(rec_id)}, "recorded_at": {stamp}, '
        f'"recorded_by": {actor}, "status": {_string(status)}}}'
    )


def _records(plan: Plan):
    """Each new record as (kind, id, ref, dated, title, body, text, priority, owner, due), findings first."""
    for f in plan.findings:
        yield "finding", f[0], f[6], f[5], f[3], f[4], None, None, None, None
    for r in plan.steps:
        if r[0] is REC:
            yield "recommendation", r[1], r[9], r[8], None, None, r[4], r[5], r[6], r[7]


def _review_history(plan: Plan):
    """A new record's review history: a draft, then (with a reviewer) submitted and approved on its date."""
    eid, stamp, actor, reviewer = plan.engagement_id, plan.stamp, plan.actor, plan.approved_by
    for kind, id_, _, dated, *_ in _records(plan):
        yield ordered_id(), eid, kind, id_, "draft", dated, stamp, actor, None
        if reviewer:
            yield ordered_id(), eid, kind, id_, "in-review", dated, stamp, actor, None
            yield ordered_id(), eid, kind, id_, "approved", dated, stamp, reviewer, None


def _approved_versions(plan: Plan):
    """The approved wording is what the public sees (reports/public.py)."""
    for kind, id_, _, dated, title, body, text, priority, owner, due in _records(plan):
        yield (
            ordered_id(),
            plan.engagement_id,
            kind,
            id_,
            dated,
            plan.stamp,
            plan.approved_by,
            title,
            body,
            text,
            priority,
            owner,
            due,
        )


def _review_events(plan: Plan, kind: str, id_: str, ref: str):
    """A new record's submission and approval, when the import names its reviewer."""
    if plan.approved_by:
        head = (plan.stamp, plan.actor, plan.engagement_id, kind, id_, ref)
        yield *head, "submit", '{"review": "draft"}', '{"comment": null, "review": "in-review"}'
        head = (plan.stamp, plan.approved_by, *head[2:])
        yield *head, "review", '{"review": "in-review"}', '{"comment": null, "review": "approved"}'


def _events(plan: Plan):
    """The audit events, in the order the records were made: each record's create, review steps, statuses."""
    eid, stamp, actor = plan.engagement_id, plan.stamp, plan.actor
    coded = _string(stamp), _string(actor), _string(eid)
    for f in plan.findings:
        yield stamp, actor, eid, "finding", f[0], f[6], "create", None, _finding_json(f, *coded)
        yield from _review_events(plan, "finding", f[0], f[6])
    for step in plan.steps:
        if step[0] is REC:
            rec = (stamp, actor, eid, "recommendation", step[1], step[9])
            yield *rec, "create", None, _rec_json(step, *coded)
            yield from _review_events(plan, "recommendation", step[1], step[9])
        else:
            before = (
                None
                if step[9] is None
                else f'{{"as_of": {_j(step[9][1])}, "status": {_j(step[9][0])}}}'
            )
            update = (stamp, actor, eid, "recommendation", step[2], step[8])
            yield *update, "status", before, _status_json(step, *coded[:2])


def _insert(store: Store, table: str, columns: str, rows) -> None:
    # executemany takes the generator row by row: the import never holds its rows twice.
    store.conn.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(columns.split(',')))})", rows
    )


def apply_plan(store: Store, plan: Plan) -> None:
    """Write a checked plan in one transaction."""
    eid, stamp, actor = plan.engagement_id, plan.stamp, plan.actor
    review = "approved" if plan.approved_by else "draft"
    with store.write():
        from reformctl.store.fts import indexed_in_bulk

        with indexed_in_bulk(store, "findings"), indexed_in_bulk(store, "recommendations"):
            _insert(
                store,
                "findings",
                "id, engagement_id, focus_area_id, number, title, body, methods, internal, "
                "review, dated, created_at, created_by",
                (
                    (f[0], eid, f[1], f[2], f[3], f[4], "[]", 0, review, f[5], stamp, actor)
                    for f in plan.findings
                ),
            )
            _insert(
                store,
                "recommendations",
                "id, engagement_id, finding_id, number, text, priority, owner, due, "
                "internal, review, dated, created_at, created_by",
                (
                    (r[1], eid, r[2], r[3], r[4], r[5], r[6], r[7], 0, review, r[8], stamp, actor)
                    for r in plan.steps
                    if r[0] is REC
                ),
            )
        _insert(
            store,
            "status_updates",
            "id, recommendation_id, status, as_of, note, reason, evidence, recorded_at, "
            "recorded_by",
            (
                (u[1], u[2], u[3], u[4], u[5], u[6], u[7], stamp, actor)
                for u in plan.steps
                if u[0] is STATUS
            ),
        )
        _insert(
            store,
            "review_history",
            "id, engagement_id, record_type, record_id, review, on_date, at, actor, comment",
            _review_history(plan),
        )
        if plan.approved_by:
            _insert(
                store,
                "approved_versions",
                "id, engagement_id, record_type, record_id, on_date, at, actor, "
                "title, body, text, priority, owner, due",
                _approved_versions(plan),
            )
        _insert(
            store,
            "events",
            "at, actor, engagement_id, record_type, record_id, ref, action, before, after",
            _events(plan),
        )
