"""Options many commands share, defined once."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Iterable, Optional

import typer

from reformctl.cli.errors import CliUsageError
from reformctl.cli.formats import FORMAT_ALIASES, Format

try:  # Typer 0.29 vendors Click as typer._click; earlier releases run on the click package
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover
    from click import get_current_context


def choice(name: str, values: Iterable[str]) -> type[Enum]:
    """A Typer choice of VALUES, taken from the domain's vocabulary (model/vocab.py) so that the
    command line and the library cannot drift apart; a member's name is its value with '_' for '-'."""
    return Enum(name, {value.replace("-", "_"): value for value in values}, type=str)


# Shell completion that knows the store (`reformctl --install-completion` installs it). A
# completion never fails: whatever goes wrong, it offers nothing.
def _opened(ctx):
    from reformctl.cli import context

    root = ctx.find_root()
    context.settings(ctx).db = context.settings(ctx).db or root.params.get("db")
    if not context.location(ctx).path.exists():
        return None
    return context.store(ctx, readonly=True)


def complete_site(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        from reformctl.model.sites import site_slugs

        opened = _opened(ctx)
        return [s for s in site_slugs(opened) if s.startswith(incomplete)] if opened else []
    except Exception:
        return []


def _refs(ctx: typer.Context, incomplete: str, kinds: tuple[str, ...]) -> list[str]:
    try:
        from reformctl.cli import context
        from reformctl.model.sites import record_refs

        opened = _opened(ctx)
        if opened is None:
            return []
        site = ctx.params.get("site") or context.choose_site(ctx).site
        found = record_refs(opened, site) if site else {}
        return [ref for kind in kinds for ref in found.get(kind, []) if ref.startswith(incomplete)]
    except Exception:
        return []


def complete_ref(ctx: typer.Context, incomplete: str) -> list[str]:
    return _refs(ctx, incomplete, ("findings", "recommendations", "sections"))


def complete_rec(ctx: typer.Context, incomplete: str) -> list[str]:
    return _refs(ctx, incomplete, ("recommendations",))


def complete_finding(ctx: typer.Context, incomplete: str) -> list[str]:
    return _refs(ctx, incomplete, ("findings",))


def complete_section(ctx: typer.Context, incomplete: str) -> list[str]:
    return _refs(ctx, incomplete, ("sections",))


def _default_site() -> str | None:
    from reformctl.cli import context

    ctx = get_current_context()
    if ctx.resilient_parsing:  # shell completion: an unresolved site is no error
        return None
    return context.default_site(ctx)


SITE_HELP = (
    "The engagement's site slug; may be left out when the store holds one engagement or "
    "REFORMCTL_SITE or site in reformctl.toml names one (see `reformctl where`)."
)

# The engagement a command acts on. Left out, it is chosen once for every command by
# context.choose_site: REFORMCTL_SITE, site in reformctl.toml, or the store's only engagement.
SiteOption = Annotated[
    str,
    typer.Option(
        "--site",
        metavar="SLUG",
        default_factory=_default_site,
        show_default=False,
        autocompletion=complete_site,
        help=SITE_HELP,
    ),
]

# The option of a command that reads every engagement unless given one (dashboard, search).
SiteFilterOption = Annotated[
    Optional[str],
    typer.Option(
        "--site",
        metavar="SLUG",
        show_default=False,
        autocompletion=complete_site,
        help="Only this engagement (default: every engagement).",
    ),
]

# The same option for a command group's own action (`team` lists the team, `team add` adds to it):
# a group's options are read before its subcommand is known, so the default site cannot be chosen
# then; the group chooses it with context.default_site when it runs without a subcommand.
GroupSiteOption = Annotated[
    Optional[str],
    typer.Option(
        "--site",
        metavar="SLUG",
        show_default=False,
        autocompletion=complete_site,
        help=SITE_HELP,
    ),
]


def _format(value: str | Format) -> Format:
    if isinstance(value, Format):
        return value
    if value in FORMAT_ALIASES:
        return FORMAT_ALIASES[value]
    try:
        return Format(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not one of {', '.join(repr(f.value) for f in Format)}."
        ) from None


# text for people, json for programs; `table`, the listings' old name for text, still works.
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format", parser=_format, metavar="[text|json]", help="Output format: text or json."
    ),
]


RefArgument = Annotated[
    str,
    typer.Argument(
        metavar="REF",
        autocompletion=complete_ref,
        help="A finding (3.1), a recommendation (3.1.2) or a section's NAME (methodology).",
    ),
]
RecArgument = Annotated[
    str,
    typer.Argument(
        metavar="REC", autocompletion=complete_rec, help="The recommendation, e.g. 3.1.2."
    ),
]
FindingArgument = Annotated[
    str,
    typer.Argument(
        metavar="FINDING", autocompletion=complete_finding, help="The finding, e.g. 3.1."
    ),
]


# `history` once took its reference as --ref; scripts still use it, so it is accepted, hidden from help.
RefFilterArgument = Annotated[
    Optional[str],
    typer.Argument(
        metavar="REF",
        autocompletion=complete_ref,
        help="Only this finding (3.1), recommendation (3.1.2) or section (methodology).",
    ),
]
OldRefOption = Annotated[
    Optional[str],
    typer.Option(
        "--ref", hidden=True, autocompletion=complete_ref, help="The former spelling of REF."
    ),
]


def given_once(
    ctx: typer.Context, positional: str | None, old: str | None, name: str, option: str
) -> str | None:
    """The value given as the argument NAME or by its old OPTION spelling; both is a usage error."""
    if positional is not None and old is not None:
        raise CliUsageError(
            f"{name} given twice, as an argument and as {option}; give it once, as the argument",
            ctx,
        )
    return positional if positional is not None else old
