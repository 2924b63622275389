"""Commands for going public: check, publish, releases, verify, diff."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.errors import CliUsageError
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption, SiteOption, choice
from reformctl.cli.terminal import WRAP, counted, print_table
from reformctl.model.vocab import REPORT_KINDS

AsOfOption = Annotated[
    Optional[str],
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="Check or publish the record as it stood on this date (default today).",
    ),
]


Kind = choice("Kind", REPORT_KINDS)


def check(
    ctx: typer.Context,
    site: SiteOption,
    as_of: AsOfOption = None,
    allow: Annotated[
        Optional[list[str]],
        typer.Option(
            "--allow",
            metavar="TERM",
            help="Record TERM as allowed in this engagement's public text although it reads as another engagement's initials or alias; repeat for each.",
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Check what would be published: errors and warnings.

    Errors make it exit 1.

    Example: reformctl check --site north-miami
    Example: reformctl check --site north-miami --allow DH
    """
    from reformctl.cli.errors import problem_line
    from reformctl.errors import ReformError
    from reformctl.model.frozen import report_date
    from reformctl.publishing.releases import check_release

    store = context.store(
        ctx, readonly=not allow
    )  # --allow records its terms; a plain check only reads
    if allow:
        from reformctl.model.check_terms import add_check_terms
        from reformctl.model.guards import require_open
        from reformctl.model.sites import get_engagement

        engagement = get_engagement(store, site)
        require_open(engagement)
        add_check_terms(store, engagement, "allow", allow, context.actor(ctx))
    try:
        actor = context.actor(ctx)
    except ReformError:  # who would publish is unknown here; publish itself will say why
        actor = None
    result = check_release(store, site, report_date(store, site, as_of), actor)
    for problem in result["problems"]:
        problem["message"] = problem_line(problem, site)
    if fmt is Format.json:
        print_json(result)
    elif result["problems"]:
        print_table(
            None,
            ["Level", "Where", ("Problem", "left", WRAP)],
            [[p["level"], p["where"], p["message"]] for p in result["problems"]],
        )
        typer.echo(
            f"{counted(result['errors'], 'error')}, {counted(result['warnings'], 'warning')}"
        )
    else:
        typer.echo(f"{site}: no problems in what would be published as of {result['as_of']}")
    if result["errors"]:
        raise typer.Exit(1)


KindOption = Annotated[Kind, typer.Option("--kind", help="Which kind of report this release is.")]


def _override_reason(override_check: bool, reason: str | None) -> str | None:
    """The reason recorded for publishing despite check errors: --reason, only with --override-check."""
    if override_check and not reason:
        raise CliUsageError("--override-check needs --reason TEXT saying why")
    if reason and not override_check:
        raise CliUsageError("--reason goes with --override-check")
    return reason if override_check else None


def publish(
    ctx: typer.Context,
    site: SiteOption,
    output: Annotated[
        Path,
        typer.Option("--output", metavar="DIR", help="A new (or empty) folder for the release."),
    ],
    kind: KindOption = Kind.status_update,
    as_of: AsOfOption = None,
    override_check: Annotated[
        bool,
        typer.Option("--override-check", help="Publish despite check errors (needs --reason)."),
    ] = False,
    reason: Annotated[
        Optional[str], typer.Option(help="Why the check is overridden; recorded with the release.")
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Publish a frozen release of the public report.

    Every public format, a manifest of SHA-256 hashes, recorded in the store.

    Example: reformctl publish --site north-miami --kind status-update --output releases/north-miami-1
    """
    from reformctl.model.frozen import report_date, require_release_in_order
    from reformctl.model.sites import get_engagement
    from reformctl.publishing.releases import publish as do_publish

    override_reason = _override_reason(override_check, reason)
    store = context.store(ctx)
    day = report_date(store, site, as_of)
    # In the same transaction as the publish (nested writes join it), so no release slips in between.
    from reformctl.cli.terminal import working

    with store.write(), working(f"Checking what {site} would publish") as stage:
        require_release_in_order(store, get_engagement(store, site), day)
        result = do_publish(
            store,
            site,
            output,
            context.actor(ctx),
            kind.value,
            day,
            override_reason,
            progress=stage,
        )
    if fmt is Format.json:
        print_json(result)
        return
    typer.echo(
        f"Published release {result['release']} of {site} ({result['kind']}, as of {result['as_of']}) "
        f"to {result['output']}:"
    )
    for name, digest in result["files"].items():
        typer.echo(f"  {name}  sha256:{digest[:16]}...")
    if result["override_reason"]:
        typer.echo(
            f"  check overridden ({result['check']['errors']} errors): {result['override_reason']}"
        )


def releases(ctx: typer.Context, site: SiteOption, fmt: FormatOption = Format.text) -> None:
    """List an engagement's published releases.

    Example: reformctl releases --site north-miami
    """
    from reformctl.publishing.releases import list_releases

    rows = list_releases(context.store(ctx), site)
    if fmt is Format.json:
        print_json(rows)
    elif not rows:
        typer.echo(
            f"No releases of {site} yet. Publish one with `reformctl publish --site {site} --output DIR`."
        )
    else:
        print_table(
            None,
            [
                ("No.", "right"),
                "Kind",
                "As of",
                "Published (UTC)",
                "By",
                ("Files", "right"),
                ("Override", "left", WRAP),
            ],
            [
                [
                    r["number"],
                    r["kind"],
                    r["as_of"],
                    r["published_at"][:19].replace("T", " "),
                    r["published_by"],
                    len(r["files"]),
                    r["override_reason"] or "",
                ]
                for r in rows
            ],
        )


def verify(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="A release folder written by publish.")
    ],
    fmt: FormatOption = Format.text,
) -> None:
    """Verify a release folder against its manifest.

    Every file must match its manifest and the store's record (exit 1 if not).

    Example: reformctl verify releases/north-miami-1
    """
    from reformctl.publishing.releases import verify as do_verify

    where = context.location(ctx)
    if where.path.exists():
        result = do_verify(context.store(ctx), folder)
    else:  # the files can still be checked against their manifest
        result = do_verify(None, folder, f"no store at {where.path}")
    if fmt is Format.json:
        print_json(result)
    elif result["ok"]:
        typer.echo(
            f"OK: release {result['release']} of {result['site']}, {len(result['files'])} files match"
        )
    else:
        for problem in result["problems"]:
            print(f"error: {problem['file']}: {problem['problem']}", file=sys.stderr)
    if fmt is not Format.json:
        for what in result["unchecked"]:
            print(f"not checked: {what}", file=sys.stderr)
    if not result["ok"]:
        raise typer.Exit(1)


def diff(
    ctx: typer.Context,
    site: SiteOption,
    a: Annotated[int, typer.Argument(metavar="A", help="The earlier release number.")],
    b: Annotated[int, typer.Argument(metavar="B", help="The later release number.")],
    fmt: FormatOption = Format.text,
) -> None:
    """Show what changed between two releases.

    New records, status changes, withdrawals.

    Example: reformctl diff --site north-miami 1 2
    """
    from reformctl.model.vocab import STATUSES
    from reformctl.publishing.release_diff import diff as do_diff

    result = do_diff(context.store(ctx), site, a, b)
    if fmt is Format.json:
        print_json(result)
        return
    rows = [["new finding", f["number"], f["title"]] for f in result["new_findings"]]
    rows += [
        ["new recommendation", r["number"], f"{r['text'][:60]} ({STATUSES[r['status']]})"]
        for r in result["new_recommendations"]
    ]
    rows += [["new section", s["name"], s["title"] or ""] for s in result["new_sections"]]
    rows += [
        ["status", c["number"], f"{STATUSES[c['from']]} -> {STATUSES[c['to']]}"]
        for c in result["status_changes"]
    ]
    rows += [["withdrawn", w["number"], w["kind"]] for w in result["withdrawn"]]
    rows += [["reworded", w["number"], w["kind"]] for w in result["reworded"]]
    rows += [["no longer public", w["number"], w["kind"]] for w in result["no_longer_public"]]
    title = f"Release {a} (as of {result['from']['as_of']}) -> release {b} (as of {result['to']['as_of']})"
    if rows:
        print_table(title, ["Change", "No.", ("Detail", "left", WRAP)], rows)
    else:
        typer.echo(f"{title}: no changes")
