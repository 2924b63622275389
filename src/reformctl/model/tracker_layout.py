"""The XLSX tracker's layout, shared by its writer (reports/xlsx.py) and the importer (exchange/sheets.py).

Each column is written under a label people read and read back in as an import column; the
pairs live here, once, so the tracker and the importer cannot drift apart.
"""

from __future__ import annotations

SUMMARY_SHEET = "Summary"  # the first sheet: counts for readers, never imported

COLUMNS = (
    ("Focus area", "focus_area"),
    ("Finding", "finding"),
    ("Finding text", "finding_title"),
    ("Recommendation", "recommendation"),
    ("Recommendation text", "recommendation_text"),
    ("Priority", "priority"),
    ("Owner", "owner"),
    ("Due", "due"),
    ("Status", "status"),
    ("As of", "status_as_of"),
    ("Reason", "reason"),
)
LABELS = tuple(label for label, _ in COLUMNS)
COLUMN_OF_LABEL = {label.lower(): column for label, column in COLUMNS}
