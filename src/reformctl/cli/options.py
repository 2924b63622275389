"""Options many commands share, defined once."""

from __future__ import annotations

from typing import Annotated

import typer

from reformctl.cli.output import FORMAT_ALIASES, Format

try:  # Typer 0.29 vendors Click as typer._click; earlier releases run on the click package
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover
    from click import get_current_context


def _default_site() -> str:
    from reformctl.cli import context

    return context.default_site(get_current_context())


# The engagement a command acts on. Left out, it is chosen once for every command by
# context.choose_site: REFORMCTL_SITE, site in reformctl.toml, or the store's only engagement.
SiteOption = Annotated[str, typer.Option(
    "--site", metavar="SLUG", default_factory=_default_site, show_default=False,
    help="The engagement's site slug; may be left out when the store holds one engagement or "
         "REFORMCTL_SITE or site in reformctl.toml names one (see `reformctl where`).")]


def _format(value: str | Format) -> Format:
    if isinstance(value, Format):
        return value
    if value in FORMAT_ALIASES:
        return FORMAT_ALIASES[value]
    try:
        return Format(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(repr(f.value) for f in Format)}.") from None


# text for people, json for programs; `table`, the listings' old name for text, still works.
FormatOption = Annotated[Format, typer.Option(
    "--format", parser=_format, metavar="[text|json]", help="Output format: text or json.")]
