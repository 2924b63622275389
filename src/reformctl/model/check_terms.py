"""Per-engagement words for the pre-publication check: aliases of the agency and allowed terms.

An alias ('DHPD', 'Dearborn PD') is another name a writer uses for this engagement's agency:
the check flags it in every other engagement's public text, and never in this one's. An allowed
term is one this engagement's public text may use although it reads as another engagement's
initials (a shared initialism that is not a copy mistake). Both are added, never removed.
"""

from __future__ import annotations

from reformctl.dates import now
from reformctl.errors import Invalid
from reformctl.model.events import record_event
from reformctl.model.ids import new_id
from reformctl.model.text import clean_name
from reformctl.store import Store

TERM_KINDS = {"alias": "alias", "allow": "allowed term"}
MAX_TERM = 120


def clean_term(term: str, kind: str) -> str:
    """A term as it will be matched: one public line, no [[...]], at least two letters or digits."""
    term = clean_name(term, TERM_KINDS[kind], MAX_TERM)
    if sum(c.isalnum() for c in term) < 2:
        raise Invalid(
            f"{TERM_KINDS[kind]} {term!r} is too short to match safely; give at least two letters"
        )
    return term


def add_check_terms(
    store: Store, engagement: dict, kind: str, terms: list[str], actor: str
) -> list[str]:
    """Record TERMS of KIND for ENGAGEMENT (in the caller's transaction, or one of its own); returns
    the terms that were new."""
    cleaned = [clean_term(t, kind) for t in terms]  # all checked before anything is written
    added = []
    with store.write():
        have = {t.casefold() for t in check_terms(store, engagement["id"], kind)}
        for term in cleaned:
            if term.casefold() in have:
                continue
            have.add(term.casefold())
            row = {
                "id": new_id(),
                "engagement_id": engagement["id"],
                "kind": kind,
                "term": term,
                "created_at": now(),
                "created_by": actor,
            }
            store.insert("check_terms", row)
            record_event(
                store,
                actor=actor,
                engagement_id=engagement["id"],
                record_type="check_term",
                record_id=row["id"],
                ref=engagement["site"],
                action=kind,
                after={"term": term},
            )
            added.append(term)
    return added


def check_terms(store: Store, engagement_id: str, kind: str) -> list[str]:
    return [
        r["term"]
        for r in store.rows(
            "SELECT term FROM check_terms WHERE engagement_id = ? AND kind = ? ORDER BY created_at, term",
            (engagement_id, kind),
        )
    ]


def aliases_by_engagement(store: Store) -> dict[str, list[str]]:
    """Every engagement's aliases, by engagement id."""
    out: dict[str, list[str]] = {}
    for row in store.rows(
        "SELECT engagement_id, term FROM check_terms WHERE kind = 'alias' ORDER BY created_at"
    ):
        out.setdefault(row["engagement_id"], []).append(row["term"])
    return out
