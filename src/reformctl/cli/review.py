"""Commands for review and the engagement's life: submit, review, edit, note, protect,
advance, reopen, configure, history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.editing import edit_text, read_text_file
from reformctl.cli.errors import CliUsageError
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import (
    FormatOption,
    OldRefOption,
    RefArgument,
    RefFilterArgument,
    SiteOption,
    choice,
    given_once,
)
from reformctl.cli.terminal import WRAP, print_table
from reformctl.model.engagements import get_engagement
from reformctl.model.vocab import DECISIONS, PHASES

Decision = choice("Decision", DECISIONS)
Phase = choice("Phase", PHASES)


def _engagement(ctx: typer.Context, site: str):
    store = context.store(ctx)
    return store, get_engagement(store, site)


def submit(
    ctx: typer.Context,
    site: SiteOption,
    ref: RefArgument,
    date: Annotated[
        Optional[str],
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="When it was submitted, for entering past reviews (default today).",
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Submit a draft record for review.

    A finding, recommendation or section.

    Example: reformctl submit --site north-miami 3.1
    """
    from reformctl.model.review import submit as do_submit

    store, engagement = _engagement(ctx, site)
    result = do_submit(store, engagement, ref, context.actor(ctx), date)
    print_json(result) if fmt is Format.json else typer.echo(
        f"{result['number']}: draft -> in-review"
    )


def review(
    ctx: typer.Context,
    site: SiteOption,
    ref: RefArgument,
    decision: Annotated[
        Decision, typer.Option("--decision", help="approve, return (to draft) or withdraw.")
    ],
    comment: Annotated[
        Optional[str], typer.Option(help="Why; required when returning a record to draft.")
    ] = None,
    date: Annotated[
        Optional[str],
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="When the decision was made, for entering past reviews (default today).",
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Approve, return or withdraw a record in review.

    Approve it, return it to draft with a comment, or withdraw it.

    Example: reformctl --as "J. Rivera" review --site north-miami 3.1 --decision approve
    """
    from reformctl.model.review import review as do_review

    store, engagement = _engagement(ctx, site)
    result = do_review(store, engagement, ref, decision.value, context.actor(ctx), comment, date)
    if fmt is Format.json:
        print_json(result)
    else:
        typer.echo(f"{result['number']}: {result['previous']} -> {result['review']}")


NewTitleOption = Annotated[Optional[str], typer.Option(help="New title (findings, sections).")]
NewBodyOption = Annotated[Optional[str], typer.Option(help="New body (findings, sections).")]
NewBodyFileOption = Annotated[
    Optional[Path],
    typer.Option(metavar="PATH", help="Read the new body from a file ('-' for stdin)."),
]
NewTextOption = Annotated[Optional[str], typer.Option(help="New text (recommendations).")]
NewPriorityOption = Annotated[
    Optional[str], typer.Option(help="New priority (recommendations): high, medium or low.")
]
NewOwnerOption = Annotated[
    Optional[str], typer.Option(metavar="UNIT", help="New responsible unit (recommendations).")
]
NewDueOption = Annotated[
    Optional[str], typer.Option(metavar="YYYY-MM-DD", help="New target date (recommendations).")
]
EditInEditorOption = Annotated[
    bool, typer.Option("--edit", help="Edit the body (or text) in $EDITOR.")
]


def edit(
    ctx: typer.Context,
    site: SiteOption,
    ref: RefArgument,
    title: NewTitleOption = None,
    body: NewBodyOption = None,
    body_file: NewBodyFileOption = None,
    text: NewTextOption = None,
    priority: NewPriorityOption = None,
    owner: NewOwnerOption = None,
    due: NewDueOption = None,
    edit_: EditInEditorOption = False,
    fmt: FormatOption = Format.text,
) -> None:
    """Change a finding, recommendation or section.

    Editing an approved record sends it back to review.

    Example: reformctl edit --site north-miami 3.1 --title "No retention schedule for camera video"
    """
    from reformctl.model.edits import edit_record
    from reformctl.model.records import resolve_record

    store, engagement = _engagement(ctx, site)
    if sum(x is not None and x is not False for x in (body, body_file, edit_ or None)) > 1:
        raise CliUsageError("give only one of --body, --body-file and --edit")
    if body_file is not None:
        body = read_text_file(body_file)
    if edit_:
        kind, record = resolve_record(store, engagement, ref)
        field = "text" if kind == "recommendation" else "body"
        edited = edit_text(record[field], hint=f"{kind} {record['ref']}")
        if field == "body":
            body = edited
        else:
            text = edited
    changes = {
        "title": title,
        "body": body,
        "text": text,
        "priority": priority,
        "owner": owner,
        "due": due,
    }
    result = edit_record(store, engagement, ref, changes, context.actor(ctx))
    if fmt is Format.json:
        print_json(result)
        return
    if not result["changed"]:
        typer.echo(f"{result['number']}: nothing changed")
        return
    sent = " (sent back to review)" if result.get("previous_review") == "approved" else ""
    typer.echo(f"{result['number']}: changed {', '.join(result['changed'])}{sent}")


def note(
    ctx: typer.Context,
    site: SiteOption,
    ref: RefArgument,
    text: Annotated[
        str, typer.Argument(metavar="TEXT", help="The note; internal, never published.")
    ],
    fmt: FormatOption = Format.text,
) -> None:
    """Add an internal note to a record.

    A note on a finding, recommendation or section is shown only in `report --internal`.

    Example: reformctl note --site north-miami 3.1 "Confirm the 2023 figures with the records unit."
    """
    from reformctl.model.confidential import add_note

    store, engagement = _engagement(ctx, site)
    result = add_note(store, engagement, ref, text, context.actor(ctx))
    print_json(result) if fmt is Format.json else typer.echo(f"{result['number']}: note added")


def protect(
    ctx: typer.Context,
    site: SiteOption,
    term: Annotated[
        Optional[str],
        typer.Argument(
            metavar="TERM", help="A name that must never appear publicly; omit to list them."
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Protect a name from every public output.

    An interviewee, complainant or officer: the name never appears in a public output.

    Example: reformctl protect --site north-miami "Jane Doe"
    """
    from reformctl.model.confidential import protect as do_protect
    from reformctl.model.confidential import protected_terms

    store, engagement = _engagement(ctx, site)
    if term is not None:
        result = do_protect(store, engagement, term, context.actor(ctx))
        if fmt is Format.json:
            print_json(result)
        else:
            typer.echo("protected" if result["added"] else "already protected")
        return
    terms = protected_terms(store, engagement["id"])
    if fmt is Format.json:
        print_json(terms)
    else:
        typer.echo("\n".join(terms) if terms else "No protected names yet.")


def advance(
    ctx: typer.Context,
    site: SiteOption,
    phase: Annotated[
        Phase,
        typer.Argument(metavar="PHASE", help="planning, assessment, implementation or closed."),
    ],
    fmt: FormatOption = Format.text,
) -> None:
    """Move an engagement to its next phase.

    Phases: planning -> assessment -> implementation -> closed.

    Example: reformctl advance --site north-miami implementation
    """
    from reformctl.model.phases import advance as do_advance

    store, engagement = _engagement(ctx, site)
    result = do_advance(store, engagement, phase.value, context.actor(ctx))
    print_json(result) if fmt is Format.json else typer.echo(
        f"{site}: {result['previous']} -> {result['phase']}"
    )


def reopen(
    ctx: typer.Context,
    site: SiteOption,
    reason: Annotated[str, typer.Option(help="Why the closed engagement is reopened.")],
    fmt: FormatOption = Format.text,
) -> None:
    """Reopen a closed engagement, recording why.

    It goes back to implementation.

    Example: reformctl reopen --site north-miami --reason "Sustainability review requested."
    """
    from reformctl.model.phases import reopen as do_reopen

    store, engagement = _engagement(ctx, site)
    result = do_reopen(store, engagement, reason, context.actor(ctx))
    print_json(result) if fmt is Format.json else typer.echo(f"{site}: closed -> implementation")


def configure(
    ctx: typer.Context,
    site: SiteOption,
    self_approval: Annotated[
        Optional[bool],
        typer.Option(
            "--self-approval/--four-eyes",
            help="Allow authors to approve their own records, or not.",
        ),
    ] = None,
    alias: Annotated[
        Optional[list[str]],
        typer.Option(
            "--alias",
            metavar="NAME",
            help="Add another name writers use for the agency (its initials, 'NMPD'); repeat for each.",
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Change the review rule or add agency aliases.

    The review rule is four eyes (the default) or self-approval.

    Example: reformctl configure --site north-miami --self-approval
    Example: reformctl configure --site north-miami --alias NMPD
    """
    from reformctl.model.check_terms import add_check_terms, check_terms
    from reformctl.model.guards import require_open
    from reformctl.model.phases import set_self_approval

    if self_approval is None and not alias:
        raise CliUsageError("say what to change: --self-approval, --four-eyes or --alias NAME")
    store, engagement = _engagement(ctx, site)
    actor = context.actor(ctx)
    result: dict = {"site": site}
    with store.write():  # one command, one transaction
        if self_approval is not None:
            result = set_self_approval(store, engagement, self_approval, actor)
        if alias:
            require_open(engagement)
            add_check_terms(store, engagement, "alias", alias, actor)
            result["aliases"] = check_terms(store, engagement["id"], "alias")
    if fmt is Format.json:
        print_json(result)
        return
    if "self_approval" in result:
        rule = (
            "self-approval allowed"
            if result["self_approval"]
            else "four eyes (authors cannot approve their own records)"
        )
        typer.echo(f"{site}: {rule}")
    if alias:
        typer.echo(f"{site}: aliases {', '.join(result['aliases'])}")


def history(
    ctx: typer.Context,
    site: SiteOption,
    ref: RefFilterArgument = None,
    old_ref: OldRefOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Show the audit trail of changes.

    Every change, when, by whom, and the values before and after.

    Example: reformctl history --site north-miami 3.1
    """
    from reformctl.model.audit import history as read_history

    ref = given_once(ctx, ref, old_ref, "REF", "--ref")
    store, engagement = _engagement(ctx, site)
    rows = read_history(store, engagement, ref)
    if fmt is Format.json:
        print_json(rows)
        return
    print_table(
        None,
        [("#", "right"), "When (UTC)", "Who", "Record", "Action", ("Change", "left", WRAP)],
        [
            [
                r["id"],
                r["at"][:16].replace("T", " "),
                r["actor"],
                f"{r['record_type'].replace('recommendation', 'rec.')} {r['ref'] or ''}",
                r["action"],
                _summary(r),
            ]
            for r in rows
        ],
    )


def _summary(row: dict) -> str:
    before, after = row["before"] or {}, row["after"] or {}
    if row["action"] == "create":
        return ""
    keys = [
        k
        for k in after
        if k not in ("id", "recommendation_id", "recorded_at", "recorded_by")
        and after.get(k) is not None
        and before.get(k) != after[k]
    ]
    parts = []
    for key in keys:
        value = str(after[key])
        value = value if len(value) <= 40 else value[:37] + "..."
        parts.append(f"{key}: {before[key]} -> {value}" if key in before else f"{key}: {value}")
    return "; ".join(parts)
