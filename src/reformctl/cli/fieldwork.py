"""Commands for the team in the field: team, team add, activity, activities, cite."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from reformctl.cli import context
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FindingArgument, FormatOption, GroupSiteOption, SiteOption, choice
from reformctl.cli.terminal import print_table
from reformctl.model.engagements import get_engagement
from reformctl.model.vocab import ACTIVITY_METHODS, ROLES

Role = choice("Role", ROLES)
ActivityMethod = choice("ActivityMethod", ACTIVITY_METHODS)


team_app = typer.Typer(
    name="team",
    no_args_is_help=False,
    invoke_without_command=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@team_app.callback()
def team(
    ctx: typer.Context,
    site: GroupSiteOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """List an engagement's team; `team add` adds to it.

    Example: reformctl team --site north-miami --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    site = site or context.default_site(ctx)
    from reformctl.model.fieldwork import list_members

    store = context.store(ctx)
    rows = list_members(store, get_engagement(store, site))
    if fmt is Format.json:
        print_json([{k: v for k, v in r.items() if k != "id"} for r in rows])
        return
    if not rows:
        typer.echo(
            f"No team yet. Add someone with `reformctl team add --site {site} NAME --role lead`."
        )
        return
    print_table(
        None,
        ["Name", "Role", "Expertise", ("Activities", "right")],
        [[r["name"], ROLES[r["role"]], r["expertise"], r["activities"]] for r in rows],
    )


@team_app.command("add")
def team_add(
    ctx: typer.Context,
    site: SiteOption,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The team member's name.")],
    role: Annotated[Role, typer.Option("--role", help="Their role on the team.")],
    expertise: Annotated[
        Optional[str],
        typer.Option(
            "--expertise", metavar="TEXT", help="What they bring, e.g. 'use of force; training'."
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Add a member to an engagement's assessment team.

    Example: reformctl team add --site north-miami "Dana Reyes" --role civil-rights --expertise "bias-free policing"
    """
    from reformctl.model.fieldwork import add_member

    store = context.store(ctx)
    member = add_member(
        store, get_engagement(store, site), name, role.value, context.actor(ctx), expertise
    )
    if fmt is Format.json:
        print_json({k: member[k] for k in ("id", "name", "role", "expertise")})
    else:
        typer.echo(f"Added {member['name']} ({ROLES[member['role']]}) to the {site} team")


def activity(
    ctx: typer.Context,
    site: SiteOption,
    method: Annotated[
        ActivityMethod, typer.Option("--method", help="What kind of data collection it was.")
    ],
    date: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="When it took place.")],
    participants: Annotated[
        Optional[int],
        typer.Option("--participants", metavar="N", help="How many people took part (internal)."),
    ] = None,
    summary: Annotated[
        Optional[str],
        typer.Option("--summary", metavar="TEXT", help="What was done and learned (internal)."),
    ] = None,
    team: Annotated[
        Optional[list[str]],
        typer.Option(
            "--team", metavar="NAME", help="A team member who took part; repeat for several."
        ),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Log a data-collection activity and print its id.

    Cite it as evidence with `cite`.

    Example: reformctl activity --site north-miami --method focus-group --date 2024-05-14 --participants 9 --team "Dana Reyes"
    """
    from reformctl.model.fieldwork import log_activity

    store = context.store(ctx)
    done = log_activity(
        store,
        get_engagement(store, site),
        method.value,
        date,
        context.actor(ctx),
        participants=participants,
        summary=summary,
        team=team or [],
    )
    if fmt is Format.json:
        print_json(
            {k: done[k] for k in ("id", "method", "dated", "participants", "summary", "team")}
        )
    else:
        typer.echo(done["id"][:8])


def activities(
    ctx: typer.Context,
    site: SiteOption,
    fmt: FormatOption = Format.text,
) -> None:
    """List an engagement's data-collection activities.

    Oldest first.

    Example: reformctl activities --site north-miami
    """
    from reformctl.model.fieldwork import list_activities

    store = context.store(ctx)
    rows = list_activities(store, get_engagement(store, site))
    if fmt is Format.json:
        print_json(rows)
        return
    if not rows:
        typer.echo(
            f"No activities yet. Log one with `reformctl activity --site {site} --method interview --date YYYY-MM-DD`."
        )
        return
    print_table(
        None,
        ["Id", "Date", "Method", ("People", "right"), "Team", "Summary", ("Cited", "right")],
        [
            [
                r["id"][:8],
                r["dated"],
                r["method"],
                r["participants"],
                ", ".join(r["team"]),
                r["summary"],
                r["cited_by"],
            ]
            for r in rows
        ],
    )


def cite(
    ctx: typer.Context,
    site: SiteOption,
    finding: FindingArgument,
    activity_ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ACTIVITY_ID...", help="Activities it rests on (ids or unique prefixes)."
        ),
    ],
    fmt: FormatOption = Format.text,
) -> None:
    """Cite activities as the evidence behind a finding.

    Citations are internal: reports show only counts.

    Example: reformctl cite --site north-miami 3.1 1f3a9c2e 7b0d44a1
    """
    from reformctl.model.fieldwork import cite as add
    from reformctl.model.fieldwork import evidence_of
    from reformctl.model.findings import resolve_finding

    store = context.store(ctx)
    engagement = get_engagement(store, site)
    found = resolve_finding(store, engagement, finding)
    add(store, engagement, found, activity_ids, context.actor(ctx))
    evidence = evidence_of(store, found["id"])
    if fmt is Format.json:
        print_json({"finding": found["ref"], "evidence": evidence})
    else:
        typer.echo(
            f"Finding {found['ref']} cites {len(evidence)} "
            f"{'activity' if len(evidence) == 1 else 'activities'}"
        )
