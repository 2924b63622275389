"""Full-text search over findings, recommendations, sections, notes and activities (FTS5, ranked by bm25).

Internal: it sees everything, as the team does.
"""

from __future__ import annotations

import sqlite3

from reformctl.errors import Invalid
from reformctl.store import Store

# Marks around matching words: control characters that never occur in stored text
# (model/text.py refuses them), turned into Rich styles or plain markers at the edge.
START, END = "\x02", "\x03"
SNIPPET_TOKENS = 24

# One SELECT per indexed table; each yields kind, ref, text with marks, and its bm25 rank.
# CROSS JOIN keeps the index as the outer loop: joined the other way round, SQLite walks an
# engagement's records and re-runs the whole MATCH (and bm25's statistics) once for each.
# The index's last column, engagement_id (weight 0), is what --site matches on (m007).
_SOURCES = {
    "finding": """SELECT 'finding' AS kind, e.site, fa.number || '.' || f.number AS ref,
            highlight(findings_fts, 0, :s, :e) AS title,
            snippet(findings_fts, 1, :s, :e, ' … ', {n}) AS text, bm25(findings_fts, 3.0, 1.0, 0.0) AS rank
        FROM findings_fts CROSS JOIN findings f ON f.rowid = findings_fts.rowid
        JOIN focus_areas fa ON fa.id = f.focus_area_id JOIN engagements e ON e.id = f.engagement_id
        WHERE findings_fts MATCH :q_finding {site}""",
    "recommendation": """SELECT 'recommendation' AS kind, e.site,
            fa.number || '.' || f.number || '.' || r.number AS ref, NULL AS title,
            snippet(recommendations_fts, -1, :s, :e, ' … ', {n}) AS text, bm25(recommendations_fts, 1.0, 1.0, 0.0) AS rank
        FROM recommendations_fts CROSS JOIN recommendations r ON r.rowid = recommendations_fts.rowid
        JOIN findings f ON f.id = r.finding_id JOIN focus_areas fa ON fa.id = f.focus_area_id
        JOIN engagements e ON e.id = r.engagement_id
        WHERE recommendations_fts MATCH :q_recommendation {site}""",
    "section": """SELECT 'section' AS kind, e.site, s.name AS ref,
            highlight(sections_fts, 0, :s, :e) AS title,
            snippet(sections_fts, 1, :s, :e, ' … ', {n}) AS text, bm25(sections_fts, 3.0, 1.0, 0.0) AS rank
        FROM sections_fts CROSS JOIN sections s ON s.rowid = sections_fts.rowid
        JOIN engagements e ON e.id = s.engagement_id
        WHERE sections_fts MATCH :q_section {site}""",
    "note": """SELECT 'note' AS kind, e.site,
            COALESCE(fa.number || '.' || f.number, rfa.number || '.' || rf.number || '.' || r.number, ns.name,
                     n.record_id) AS ref,
            n.created_by || ', ' || substr(n.created_at, 1, 10) AS title,
            snippet(notes_fts, 0, :s, :e, ' … ', {n}) AS text, bm25(notes_fts, 1.0, 0.0) AS rank
        FROM notes_fts CROSS JOIN notes n ON n.rowid = notes_fts.rowid
        JOIN engagements e ON e.id = n.engagement_id
        LEFT JOIN findings f ON n.record_type = 'finding' AND f.id = n.record_id
        LEFT JOIN focus_areas fa ON fa.id = f.focus_area_id
        LEFT JOIN recommendations r ON n.record_type = 'recommendation' AND r.id = n.record_id
        LEFT JOIN findings rf ON rf.id = r.finding_id
        LEFT JOIN focus_areas rfa ON rfa.id = rf.focus_area_id
        LEFT JOIN sections ns ON n.record_type = 'section' AND ns.id = n.record_id
        WHERE notes_fts MATCH :q_note {site}""",
    "activity": """SELECT 'activity' AS kind, e.site, substr(a.id, 1, 8) AS ref,
            a.method || ', ' || a.dated AS title,
            snippet(activities_fts, 0, :s, :e, ' … ', {n}) AS text, bm25(activities_fts, 1.0, 0.0) AS rank
        FROM activities_fts CROSS JOIN activities a ON a.rowid = activities_fts.rowid
        JOIN engagements e ON e.id = a.engagement_id
        WHERE activities_fts MATCH :q_activity {site}""",
}


# The indexed text columns of each source: the user's query is confined to them, so that
# words never match the engagement_id column.
_COLUMNS = {
    "finding": "title body",
    "recommendation": "text owner",
    "section": "title body",
    "note": "text",
    "activity": "summary",
}


def _balanced(query: str) -> bool:
    """Whether the parentheses outside "strings" pair up: the query goes inside parentheses of our own."""
    depth, quoted = 0, False
    for char in query:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
            if depth < 0:
                return False
    return depth == 0


def _invalid(query: str, message: str) -> Invalid:
    return Invalid(
        f"search query {query!r} is not valid search syntax ({message}); "
        "put words in double quotes to search for them as they are, e.g. '\"use of force\"'"
    )


def search(store: Store, query: str, engagement: dict | None = None, limit: int = 50) -> list[dict]:
    """Records matching QUERY (FTS5 syntax: words, "phrases", OR, NOT, prefix*), best first."""
    query = (query or "").strip()
    if not query:
        raise Invalid("give some words to search for")
    if not _balanced(query):
        raise _invalid(query, "unbalanced parentheses")
    # With --site the engagement goes into the MATCH too, so FTS5 ranks only that engagement's
    # matches; the join's e.id test stays as the exact check.
    scope = (
        'engagement_id : "{}" AND '.format(engagement["id"].replace('"', '""'))
        if engagement
        else ""
    )
    site = "AND e.id = :eid" if engagement else ""
    # Each source's best LIMIT first (by the same order as the whole), so that a common word
    # nationally does not carry every match into the final sort.
    sql = " UNION ALL ".join(
        f"SELECT * FROM ({part.format(site=site, n=SNIPPET_TOKENS)} ORDER BY rank, ref LIMIT :limit)"
        for part in _SOURCES.values()
    )
    params = {
        "s": START,
        "e": END,
        "eid": engagement["id"] if engagement else None,
        "limit": limit,
        **{
            f"q_{kind}": f"{scope}({{{columns}}} : ({query}))" for kind, columns in _COLUMNS.items()
        },
    }
    try:
        return store.rows(f"{sql} ORDER BY rank, kind, ref LIMIT :limit", params)
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "locked" not in message and "busy" not in message:  # the query itself is at fault
            raise _invalid(query, message) from None
        raise


def plain(text: str | None, start: str = "**", end: str = "**") -> str | None:
    """The marked text with plain markers, for JSON."""
    if text is None:
        return None
    return text.replace(START, start).replace(END, end)
