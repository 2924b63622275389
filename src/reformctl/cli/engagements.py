"""Commands about whole engagements: new-engagement, engagements, show, where, demo."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from reformctl.cli import context, prompts
from reformctl.cli.errors import CliError, message
from reformctl.cli.formats import Format, print_json
from reformctl.cli.options import FormatOption, SiteOption, choice
from reformctl.cli.terminal import WRAP, columns, counted
from reformctl.config import key_lines, load_toml
from reformctl.errors import ReformError
from reformctl.model.engagements import (
    EngagementSpec,
    clean_announced,
    clean_program,
    clean_public_url,
    clean_state,
    create_engagement,
    engagement_overview,
    list_engagements,
    spec_from_mapping,
)
from reformctl.model.text import clean_optional_name
from reformctl.model.vocab import PHASES, PROGRAMS

Program = choice("Program", PROGRAMS)
StartPhase = choice("StartPhase", PHASES[:2])  # a new engagement starts in planning or assessment


SiteSlugOption = Annotated[
    Optional[str],
    typer.Option(
        metavar="SLUG", help="Short unique slug: lowercase letters, digits, hyphens (north-miami)."
    ),
]
AgencyOption = Annotated[Optional[str], typer.Option(help="The agency's name, as announced.")]
CityOption = Annotated[Optional[str], typer.Option(help="City or county.")]
StateOption = Annotated[
    Optional[str], typer.Option(metavar="XX", help="Two-letter state or territory code (FL).")
]
ProgramOption = Annotated[
    Optional[Program], typer.Option(help="Which Collaborative Reform program.")
]
AnnouncedOption = Annotated[
    Optional[str], typer.Option(metavar="YYYY-MM-DD", help="Date of the public announcement.")
]
PublicUrlOption = Annotated[
    Optional[str], typer.Option(metavar="URL", help="Address of the public engagement page.")
]
FocusAreaOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--focus-area",
        metavar="TITLE",
        help="A focus area; repeat for each, in announced order.",
    ),
]
StartPhaseOption = Annotated[
    Optional[StartPhase], typer.Option(help="Start in planning instead of assessment.")
]
SelfApprovalOption = Annotated[
    Optional[bool],
    typer.Option(
        "--self-approval/--four-eyes", help="Whether authors may approve their own records."
    ),
]
AliasOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--alias",
        metavar="NAME",
        help="Another name writers use for the agency (its initials, 'DHPD'); repeat for each. `check` flags it in other engagements' public text.",
    ),
]
FromFileOption = Annotated[
    Optional[Path],
    typer.Option(
        "--from",
        metavar="FILE.toml",
        help="Read the fields from a TOML file (options given as well override it).",
    ),
]


def new_engagement(
    ctx: typer.Context,
    site: SiteSlugOption = None,
    agency: AgencyOption = None,
    city: CityOption = None,
    state: StateOption = None,
    program: ProgramOption = None,
    announced: AnnouncedOption = None,
    public_url: PublicUrlOption = None,
    focus_area: FocusAreaOption = None,
    phase: StartPhaseOption = None,
    self_approval: SelfApprovalOption = None,
    alias: AliasOption = None,
    from_: FromFileOption = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Create an engagement with its focus areas.

    Focus areas are numbered in the order announced.

    Example: reformctl new-engagement --from examples/north-miami.toml
    """
    data: dict = load_toml(from_) if from_ is not None else {}
    overrides = {
        "site": site,
        "agency": agency,
        "city": city,
        "state": state,
        "program": program.value if program else None,
        "announced": announced,
        "public_url": public_url,
        "focus_areas": focus_area or None,
        "phase": phase.value if phase else None,
        "self_approval": self_approval,
        "aliases": [*data.get("aliases", []), *alias]
        if alias and isinstance(data.get("aliases", []), list)
        else None,
    }
    data.update({k: v for k, v in overrides.items() if v is not None})
    if (
        from_ is None or prompts.interactive()
    ):  # a file read without a terminal reports its own missing keys
        _ask_for_missing(data)
    result = _create(ctx, data, from_)
    _print_created(ctx, result, fmt)


def _create(ctx: typer.Context, data: dict, from_: Path | None) -> dict:
    """Create the engagement DATA describes (with its records, for a whole-engagement file)."""
    source = str(from_) if from_ is not None else "options"
    who = context.actor(ctx)
    if "findings" in data or "protected" in data:
        from reformctl.exchange.engagement_file import (
            load_engagement,
        )  # only a whole-engagement file needs it

        return load_engagement(context.store(ctx, create=True), data, source, who)
    # Validate before opening the store, so a refused command creates nothing at all.
    spec = spec_from_mapping(data, source, key_lines(from_)) if from_ is not None else _spec(data)
    store = context.store(ctx, create=True)
    engagement = create_engagement(store, spec, who)
    return {"engagement": engagement, "findings": 0, "recommendations": 0}


def _print_created(ctx: typer.Context, result: dict, fmt: Format) -> None:
    engagement = result["engagement"]
    overview = engagement_overview(context.store(ctx), engagement["site"])
    if fmt is Format.json:
        print_json({**overview, "loaded": {k: v for k, v in result.items() if k != "engagement"}})
        return
    typer.echo(
        f"Created {engagement['site']}: {engagement['agency']} ({PROGRAMS[engagement['program']]}), phase {engagement['phase']}"
    )
    for area in overview["focus_areas"]:
        typer.echo(f"  {area['number']}. {area['title']}  [{area['slug']}]")
    if result.get("findings"):
        typer.echo(
            f"Loaded {result['findings']} findings and {result['recommendations']} recommendations."
        )


# Asked for at a terminal after the agency, each may be left empty: (key, prompt, check).
OPTIONAL_PROMPTS = (
    ("city", "City or county", lambda v: clean_optional_name(v, "city")),
    ("state", "State (two letters, e.g. FL)", clean_state),
    (
        "program",
        f"Program ({', '.join(PROGRAMS)}; empty for organizational-assessment)",
        clean_program,
    ),
    ("announced", "Announcement date (YYYY-MM-DD)", clean_announced),
    ("public_url", "Public page (URL)", clean_public_url),
)


def _ask_for_missing(data: dict) -> None:
    """Without a terminal, refuse naming every missing required value; at one, ask for them and,
    while asking, for each optional value not given (an empty answer leaves it out)."""
    required = {
        "--site": data.get("site"),
        "--agency": data.get("agency"),
        "--focus-area": data.get("focus_areas"),
    }
    prompts.refuse_missing(required)
    if all(value not in (None, "", []) for value in required.values()):
        return  # a complete command is never held up by questions
    data["site"] = prompts.require(data.get("site"), "--site", "Site slug (e.g. north-miami)")
    data["agency"] = prompts.require(data.get("agency"), "--agency", "Agency name")
    unasked = [item for item in OPTIONAL_PROMPTS if data.get(item[0]) in (None, "")]
    if unasked:
        typer.echo("Optional: press Enter to leave one out.", err=True)
    for key, label, check in unasked:
        answer = prompts.ask(label, check)
        if answer is not None:
            data[key] = answer
    data["focus_areas"] = prompts.require_list(
        data.get("focus_areas") or [], "--focus-area", "Focus areas"
    )


def _spec(data: dict) -> EngagementSpec:
    from reformctl.model.engagements import normalise_spec

    return normalise_spec(
        EngagementSpec(
            site=data["site"],
            agency=data["agency"],
            focus_areas=list(data["focus_areas"]),
            city=data.get("city"),
            state=data.get("state"),
            program=data.get("program") or "organizational-assessment",
            announced=data.get("announced"),
            public_url=data.get("public_url"),
            phase=data.get("phase") or "assessment",
            self_approval=bool(data.get("self_approval")),
            aliases=list(data.get("aliases") or []),
        )
    )


def engagements(
    ctx: typer.Context,
    fmt: FormatOption = Format.text,
) -> None:
    """List the engagements in the store.

    Example: reformctl engagements --format json
    """
    rows = list_engagements(context.store(ctx)) if context.location(ctx).path.exists() else []
    if fmt is Format.json:
        print_json(rows)
        return
    if not rows:
        typer.echo(
            "No engagements yet. Create one with `reformctl new-engagement --from FILE.toml`."
        )
        return
    sys.stdout.write(
        columns(
            None,
            ["Site", ("Agency", "left", WRAP), "Phase", ("Findings", "right"), ("Recs", "right")],
            [
                [
                    r["site"],
                    r["agency"] + (f" ({r['state']})" if r["state"] else ""),
                    r["phase"],
                    r["findings"],
                    r["recommendations"],
                ]
                for r in rows
            ],
        )
    )


def show(
    ctx: typer.Context,
    site: SiteOption,
    as_of: Annotated[
        Optional[str],
        typer.Option(metavar="YYYY-MM-DD", help="Show statuses as they stood on this date."),
    ] = None,
    fmt: FormatOption = Format.text,
) -> None:
    """Show an engagement: focus areas and status counts.

    Its focus areas with their counts, and the status of its recommendations.

    Example: reformctl show --site north-miami
    """
    from reformctl.model.frozen import report_date

    store = context.store(ctx)
    overview = engagement_overview(store, site, report_date(store, site, as_of))
    if fmt is Format.json:
        print_json(overview)
        return
    sys.stdout.write("\n".join([*_facts(overview), "", *_tables(overview)]))


def _facts(overview: dict) -> list[str]:
    """The engagement's name and facts, as lines."""
    e = overview["engagement"]
    rule = "self-approval allowed" if e["self_approval"] else "four eyes"
    lines = [f"{e['agency']}  ({e['site']})"]
    facts = [
        ("Program", PROGRAMS[e["program"]]),
        ("Location", ", ".join(p for p in (e["city"], e["state"]) if p)),
        ("Announced", e["announced"]),
        ("Phase", e["phase"]),
        ("Review", rule),
        ("Public page", e["public_url"]),
        ("As of", overview["as_of"]),
    ]
    lines += [f"  {label}: {value}" for label, value in facts if value]
    return [
        line.rstrip()
        for line in columns(None, ["Facts"], [[line] for line in lines]).splitlines()[2:]
    ]


def _tables(overview: dict) -> list[str]:
    """The phase history, focus areas and status tables."""
    history = columns(
        "Phase history",
        ["When (UTC)", "Who", "Phase", ("Reason", "left", WRAP)],
        [
            [h["at"][:19].replace("T", " "), h["actor"], h["phase"], h["reason"] or ""]
            for h in overview["phase_history"]
        ],
    )
    areas = columns(
        "Focus areas",
        [
            ("No.", "right"),
            ("Title", "left", WRAP),
            ("Findings", "right"),
            ("Recommendations", "right"),
        ],
        [
            [a["number"], a["title"], a["findings"], a["recommendations"]]
            for a in overview["focus_areas"]
        ],
    )
    summary = overview["status_summary"]
    total = sum(row["count"] for row in summary)
    rows = [[row["label"], row["count"], f"{row['percent']}%"] for row in summary]
    rows.append(["Total", total, "100%" if total else "0%"])
    statuses = columns(
        "Status of recommendations", ["Status", ("Count", "right"), ("Percent", "right")], rows
    )
    return [history, areas, statuses]


def where(ctx: typer.Context) -> None:
    """Print the store and engagement in use, and why.

    The engagement is the one commands act on when --site is left out.

    Example: REFORMCTL_DB=team.db reformctl where
    """
    found = context.location(ctx)
    typer.echo(str(found.path.resolve() if found.path.exists() else found.path))
    typer.echo(f"chosen by: {found.source}")
    try:
        choice = context.choose_site(ctx)
    except (ReformError, sqlite3.Error) as exc:  # where still says where, whatever the store holds
        typer.echo(f"engagement: none; the store cannot be read: {' '.join(message(exc).split())}")
        return
    if choice.site is None:
        typer.echo(f"engagement: none; {choice.source}")
    else:
        typer.echo(f"engagement: {choice.site}")
        typer.echo(f"engagement chosen by: {choice.source}")


def _refuse_a_second_demo(store, site: str) -> None:
    """The demo has one slug: loaded already, there is nothing to choose, only to use it."""
    from reformctl.errors import NotFound
    from reformctl.model.sites import get_engagement

    try:
        get_engagement(store, site)
    except NotFound:
        return
    raise CliError(
        f"the demo engagement {site} is already in this store; see it with "
        f"`reformctl show --site {site}`, or load another copy into another store "
        "(`reformctl --db FILE demo`)"
    )


def demo(
    ctx: typer.Context,
    fmt: FormatOption = Format.text,
) -> None:
    """Load the fictional Brightwater demo engagement.

    It comes with findings, recommendations and a status history.

    Example: reformctl --db demo.db demo && reformctl --db demo.db report --site brightwater-demo
    """
    from importlib import resources

    from reformctl.exchange.engagement_file import load_engagement

    source = resources.files("reformctl.demo").joinpath("brightwater.toml")
    with resources.as_file(source) as path:
        data = load_toml(path)
    store = context.store(ctx, create=True)
    _refuse_a_second_demo(store, data["site"])
    # The demo arrives reviewed (approved by a fictional reviewer) and in its implementation phase.
    result = load_engagement(
        store,
        data,
        "demo engagement",
        context.actor(ctx),
        approved_by="Demo Reviewer",
        phase="implementation",
    )
    if fmt is Format.json:
        print_json(
            {
                "site": result["engagement"]["site"],
                "findings": result["findings"],
                "recommendations": result["recommendations"],
                "status_updates": result["status_updates"],
            }
        )
        return
    # The demo's agency name already says it is fictional.
    typer.echo(
        f"Loaded {result['engagement']['site']} ({result['engagement']['agency']}): "
        f"{counted(result['findings'], 'finding')}, {counted(result['recommendations'], 'recommendation')}, "
        f"{counted(result['status_updates'], 'status update')}."
    )
