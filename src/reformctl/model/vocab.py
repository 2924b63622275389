"""The fixed vocabularies of the domain, with the exact wording the public pages use."""

from __future__ import annotations

PROGRAMS = {
    "organizational-assessment": "Organizational Assessment",
    "technical-assistance": "Technical Assistance",
    "critical-response": "Critical Response",
}

# Order as the public "Status of recommendations" table lists them.
STATUSES = {
    "complete": "Complete",
    "partially-complete": "Partially Complete",
    "in-progress": "In Progress",
    "not-started": "Not Started",
}

STATUS_DEFINITIONS = {
    "complete": (
        "Sufficiently demonstrated to be complete, based on the assessment team's review of "
        "submitted materials, observations and analysis."
    ),
    "partially-complete": (
        "Additional effort is needed, but the agency has decided not to pursue further efforts "
        "toward completion."
    ),
    "in-progress": (
        "Implementation is under way, based on the assessment team's review of submitted "
        "materials, observations and analysis."
    ),
    "not-started": "Progress toward implementation has not been sufficiently demonstrated.",
}

# Why a recommendation shows no progress (Not Started) or stopped short (Partially Complete),
# as older reports gave them: it depends on another body, on union negotiation, on money.
REASONS = {
    "outside-agency-control": "Outside the agency's control",
    "collective-bargaining": "Subject to collective bargaining",
    "resources": "Resources not available",
    "agency-declined": "The agency declined",
    "other": "Other",
}

# The statuses a reason may accompany.
REASON_STATUSES = ("not-started", "partially-complete")


def _spelling(value: str) -> str:
    return " ".join(value.replace("\u2019", "'").lower().split())


# A status or reason as people and spreadsheets write it: its key ("partially-complete") or its
# label ("Partially Complete"), in any case. One table each, for set-status, bulk-status and import.
_STATUS_SPELLINGS = {_spelling(label): key for key, label in STATUSES.items()} | {
    key: key for key in STATUSES
}
_REASON_SPELLINGS = {_spelling(label): key for key, label in REASONS.items()} | {
    key: key for key in REASONS
}


def status_key(value: str) -> str | None:
    """The status key a key or label stands for, in any case ('In Progress' -> 'in-progress'); None if none."""
    return _STATUS_SPELLINGS.get(_spelling(value))


def reason_key(value: str) -> str | None:
    """The reason key a key or label stands for ('Resources not available' -> 'resources'); None if none."""
    return _REASON_SPELLINGS.get(_spelling(value))


PARTIALLY_COMPLETE_MEANING = (
    "Partially Complete means the agency has decided not to pursue further efforts toward "
    "completion; it does not mean half done."
)

METHODS = {
    "document-review": "document review",
    "interview": "interviews",
    "focus-group": "focus groups",
    "observation": "observations",
    "data-analysis": "data analysis",
    "listening-session": "listening sessions",
    "survey": "surveys",
}

# Field activities: a site visit, or one use of a finding method. (singular, plural) as the
# public reports count them: "3 listening sessions, 42 interviews, 9 focus groups".
ACTIVITY_METHODS = {
    "site-visit": ("site visit", "site visits"),
    "document-review": ("document review", "document reviews"),
    "interview": ("interview", "interviews"),
    "focus-group": ("focus group", "focus groups"),
    "observation": ("observation", "observations"),
    "data-analysis": ("data analysis", "data analyses"),
    "listening-session": ("listening session", "listening sessions"),
    "survey": ("survey", "surveys"),
}

ROLES = {
    "lead": "Lead",
    "subject-matter-expert": "Subject-matter expert",
    "researcher": "Researcher",
    "program-manager": "Program manager",
    "community-engagement": "Community engagement",
    "civil-rights": "Civil rights",
}


def count_phrase(method: str, count: int) -> str:
    """'42 interviews', '1 site visit'."""
    singular, plural = ACTIVITY_METHODS[method]
    return f"{count} {singular if count == 1 else plural}"


PRIORITIES = ("high", "medium", "low")

# The report's standard narrative sections, in print order, with their default titles. Besides
# these, a section is named focus-area-N (the discussion opening focus area N's chapter) or
# appendix-SLUG (printed after the list of recommendations, by name).
SECTIONS = {
    "executive-summary": "Executive summary",
    "introduction": "Introduction",
    "methodology": "Methodology",
    "background": "Background",
    "acknowledgments": "Acknowledgments",
    "conclusion": "Conclusion",
}

# The marking of the team's internal report, in every format (reports/assemble.py decides when);
# the importer knows it too, so an internal tracker's marking line or row reads back as no data.
INTERNAL_MARK = "INTERNAL \u2014 NOT FOR RELEASE"

PHASES = ("planning", "assessment", "implementation", "closed")

# A record's place in review; only an approved record's approved wording is ever public.
REVIEW_STATES = ("draft", "in-review", "approved", "withdrawn")
# What a reviewer decides about a record in review: approve it, return it to draft, or withdraw it.
DECISIONS = ("approve", "return", "withdraw")

# The kinds of report, with the name each one's title and the public site give it.
REPORT_KINDS = {
    "status-update": "Status update",
    "progress": "Progress report",
    "final": "Final report",
    "assessment": "Assessment report",
}

# The formats a report is rendered in; the last three are files, never printed to a terminal.
REPORT_FORMATS = ("markdown", "html", "json", "csv", "pdf", "xlsx", "docx")

# USPS codes for the states, DC and the territories an agency may sit in.
STATES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP".split()
)


def choices(values) -> str:
    return ", ".join(values)
