"""Commands for the record itself: log-finding, findings, recommend, set-status."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption, RecArgument, SiteOption, choice
from reformctl.cli.terminal import WRAP, columns
from reformctl.model.sites import get_engagement
from reformctl.model.vocab import (
    METHODS,
    PARTIALLY_COMPLETE_MEANING,
    PRIORITIES,
    REASONS,
    REVIEW_STATES,
    STATUSES,
    choices,
    reason_key,
    status_key,
)

Method = choice("Method", METHODS)


# set-status takes a status or reason as import and bulk-status do: its key or its label, in
# any case. A parser rather than an Enum choice, which would refuse "Partially Complete"; a
# bad value is still a usage error (exit 2), as the Enum made it.
def _status(value: str) -> str:
    key = status_key(value)
    if key is None:
        raise typer.BadParameter(
            f"{value!r} is not a status; choose one of {choices(STATUSES)} (or its label)"
        )
    return key


def _reason(value: str) -> str:
    key = reason_key(value)
    if key is None:
        raise typer.BadParameter(
            f"{value!r} is not a reason; choose one of {choices(REASONS)} (or its label)"
        )
    return key


ReviewState = choice("ReviewState", REVIEW_STATES)


def _status_or_review(value: str) -> str:
    """An implementation status, or (the older meaning of findings --status) a review state."""
    return value if value in REVIEW_STATES else _status(value)


Priority = choice("Priority", PRIORITIES)


DateOption = Annotated[
    Optional[str],
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        help="When it was made, for entering past work (default today).",
    ),
]


FocusAreaOption = Annotated[
    str,
    typer.Option(
        "--focus-area",
        metavar="FA",
        help="Focus area: its number (3), slug (technology) or a unique title prefix (tech).",
    ),
]
TitleOption = Annotated[str, typer.Option(help="One-line title of the finding.")]
BodyOption = Annotated[
    Optional[str], typer.Option(help="What the team found and the evidence behind it.")
]
BodyFileOption = Annotated[
    Optional[Path],
    typer.Option(metavar="PATH", help="Read the body from a file ('-' for stdin)."),
]
EditOption = Annotated[bool, typer.Option("--edit", help="Write the body in $EDITOR.")]
MethodOption = Annotated[
    Optional[list[Method]],
    typer.Option("--method", help="How it was found; repeat for several."),
]
InternalOption = Annotated[
    bool, typer.Option("--internal", help="Team-only: never appears in any report.")
]
EvidenceOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--evidence",
        metavar="ACTIVITY_ID",
        help="An activity the finding rests on (internal); repeat for several.",
    ),
]


def log_finding(
    ctx: typer.Context,
    site: SiteOption,
    focus_area: FocusAreaOption,
    title: TitleOption,
    body: BodyOption = None,
    body_file: BodyFileOption = None,
    edit: EditOption = False,
    method: MethodOption = None,
    internal: InternalOption = False,
    date: DateOption = None,
    evidence: EvidenceOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Log a finding under a focus area; print its number.

    Numbers run 3.1, 3.2, ... within the focus area.

    Example: reformctl log-finding --site north-miami --focus-area technology --title "No records retention schedule for body-worn camera video" --method document-review
    """
    from reformctl.cli.editing import one_body  # here: only log-finding reads a body
    from reformctl.model.findings import log_finding as log

    text = one_body(body, body_file, edit, f"Body of the finding: {title}")
    store = context.store(ctx)
    engagement = get_engagement(store, site)
    with store.write():  # the finding and its evidence land together, or neither does
        finding = log(
            store,
            engagement,
            focus_area,
            title,
            text,
            context.actor(ctx),
            methods=[m.value for m in method or []],
            internal=internal,
            dated=date,
        )
        if evidence:
            from reformctl.model.fieldwork import cite

            cite(store, engagement, finding, evidence, context.actor(ctx))
    _print_finding(finding, fmt)


def _print_finding(finding: dict, fmt: Format) -> None:
    if fmt is Format.json:
        print_json(
            {
                "number": finding["ref"],
                "id": finding["id"],
                "focus_area": finding["focus_area"],
                "focus_area_title": finding["focus_area_title"],
                "title": finding["title"],
                "internal": bool(finding["internal"]),
                "methods": finding["methods"],
                "dated": finding["dated"],
            }
        )
    else:
        typer.echo(finding["ref"])


FocusAreaFilterOption = Annotated[
    Optional[str], typer.Option("--focus-area", metavar="FA", help="Only this focus area.")
]
StatusFilterOption = Annotated[
    Optional[str],
    typer.Option(
        "--status",
        metavar="STATUS",
        parser=_status_or_review,
        help="Only recommendations with this implementation status (the Status column): not-started, in-progress, partially-complete or complete, or a label.",
    ),
]
ReviewFilterOption = Annotated[
    Optional[ReviewState], typer.Option("--review", help="Only findings in this review state.")
]


def findings(
    ctx: typer.Context,
    site: SiteOption,
    focus_area: FocusAreaFilterOption = None,
    status: StatusFilterOption = None,
    review: ReviewFilterOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """List findings with their recommendations and status.

    An engagement's findings, each with its recommendations and their current status.

    Example: reformctl findings --site north-miami --focus-area 3 --format json
    Example: reformctl findings --site north-miami --status in-progress --review approved
    """
    from reformctl.model.listing import findings_with_recommendations

    if status in REVIEW_STATES:  # --status once meant the review state: the values do not overlap
        review, status = ReviewState(status), None
        print(
            f"note: --status {review.value} is a review state; say --review {review.value}",
            file=sys.stderr,
        )
    store = context.store(ctx)
    rows = findings_with_recommendations(
        store, get_engagement(store, site), focus_area, review.value if review else None, status
    )
    if fmt is Format.json:
        print_json(rows)
        return
    if not rows:
        filtered = focus_area or status or review
        typer.echo(
            "No findings match."
            if filtered
            else "No findings yet. Log one with `reformctl log-finding`."
        )
        return
    sys.stdout.write(_findings_table(rows))


def _findings_table(rows: list[dict]) -> str:
    """Each finding, then its recommendations indented under it."""
    lines = []
    for f in rows:
        flags = ", ".join(x for x in ("internal" if f["internal"] else "", f["review"]) if x)
        lines.append([f["number"], f["title"], flags, ", ".join(f["methods"]), ""])
        for r in f["recommendations"]:
            lines.append(
                [
                    "  " + r["number"],
                    "  " + r["text"],
                    r["review"],
                    r["owner"] or "",
                    r["status_label"],
                ]
            )
    return columns(
        None,
        [
            "No.",
            ("Finding / recommendation", "left", WRAP),
            "State",
            ("Methods / owner", "left", WRAP),
            "Status",
        ],
        lines,
    )


def recommend(
    ctx: typer.Context,
    site: SiteOption,
    finding: Annotated[
        str, typer.Option("--finding", metavar="N.N", help="The finding it answers, e.g. 3.1.")
    ],
    text: Annotated[str, typer.Option(help="What the agency should do.")],
    priority: Annotated[
        Optional[Priority], typer.Option(help="Priority for the agency's tracker.")
    ] = None,
    owner: Annotated[
        Optional[str], typer.Option(metavar="UNIT", help="The responsible unit.")
    ] = None,
    due: Annotated[Optional[str], typer.Option(metavar="YYYY-MM-DD", help="Target date.")] = None,
    date: DateOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Add a recommendation to a finding; print its number.

    Numbers run 3.1.1, 3.1.2, ...; a new recommendation starts Not Started.

    Example: reformctl recommend --site north-miami --finding 3.1 --text "Adopt a retention schedule." --priority high --owner "Records Unit"
    """
    from reformctl.model.recommendations import recommend as add

    store = context.store(ctx)
    rec = add(
        store,
        get_engagement(store, site),
        finding,
        text,
        context.actor(ctx),
        priority=priority.value if priority else None,
        owner=owner,
        due=due,
        dated=date,
    )
    if fmt is Format.json:
        print_json(
            {
                "number": rec["ref"],
                "id": rec["id"],
                "finding": rec["finding"],
                "text": rec["text"],
                "priority": rec["priority"],
                "owner": rec["owner"],
                "due": rec["due"],
                "status": rec["status"],
                "status_as_of": rec["status_as_of"],
            }
        )
    else:
        typer.echo(rec["ref"])


StatusArgument = Annotated[
    str,
    typer.Argument(
        metavar="STATUS",
        parser=_status,
        help="not-started, in-progress, partially-complete or complete (a label such as 'Partially Complete', in any case, also works).",
    ),
]
StatusAsOfOption = Annotated[
    Optional[str],
    typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="The date the status holds from (default today)."
    ),
]
NoteOption = Annotated[
    Optional[str], typer.Option(help="What the team reviewed or why it changed.")
]
ReasonOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="REASON",
        parser=_reason,
        help=f"Why there is no progress, only with not-started or partially-complete: {', '.join(REASONS)} (or a label such as 'Resources not available').",
    ),
]
StatusEvidenceOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="TEXT", help="What the team reviewed to decide (policies, data, observations)."
    ),
]


def set_status(
    ctx: typer.Context,
    site: SiteOption,
    rec: RecArgument,
    status: StatusArgument,
    as_of: StatusAsOfOption = None,
    note: NoteOption = None,
    reason: ReasonOption = None,
    evidence: StatusEvidenceOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Record a recommendation's implementation status.

    The status as of a date, with the evidence reviewed.

    Example: reformctl set-status --site north-miami 3.1.1 partially-complete --as-of 2024-09-26 --reason collective-bargaining --evidence "Signed side letter"
    """
    from reformctl.model.statuses import set_status as record

    store = context.store(ctx)
    update = record(
        store,
        get_engagement(store, site),
        rec,
        status,
        context.actor(ctx),
        as_of=as_of,
        note=note,
        reason=reason,
        evidence=evidence,
    )
    _print_update(update, fmt)


def _print_update(update: dict, fmt: Format) -> None:
    if fmt is Format.json:
        print_json(
            {
                "number": update["ref"],
                "status": update["status"],
                "as_of": update["as_of"],
                "previous": update["previous"],
                "note": update["note"],
                "reason": update["reason"],
                "evidence": update["evidence"],
                "meaning": PARTIALLY_COMPLETE_MEANING
                if update["status"] == "partially-complete"
                else None,
                "superseded_by": update["superseded_by"],
            }
        )
        return
    was = f" (was {STATUSES[update['previous']]})" if update["previous"] else ""
    because = f"; reason: {REASONS[update['reason']]}" if update["reason"] else ""
    typer.echo(
        f"{update['ref']}: {STATUSES[update['status']]} as of {update['as_of']}{was}{because}"
    )
    if update["status"] == "partially-complete":
        typer.echo(PARTIALLY_COMPLETE_MEANING)
    if later := update["superseded_by"]:
        typer.echo(
            f"note: a later update ({STATUSES[later['status']]} as of {later['as_of']}) "
            "remains the current status"
        )
