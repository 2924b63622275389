"""The library's exceptions, in the library's language. Only the CLI edge turns them into
messages with option names and command syntax, and into exit codes.

An error's message may be a template whose fields are facts given as keywords: the record, the
value, and what would be right. Two kinds of fact are words the edge chooses: an Option (a
parameter the caller gave or left out, e.g. as_of) and a Remedy (an action from REMEDIES that would
set things right, e.g. reopen). str() renders them in library terms (`as_of`, `reopen()`); the CLI
renders them as `--as-of` and `reformctl reopen --site north-miami --reason TEXT`
(cli/errors.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 finding', '2 findings', '0 status updates': a count in a message, never 'finding(s)'."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


class Option(str):
    """A parameter named in a message, by its library name (as_of, reason, approved_by)."""


class Options(tuple):
    """Several parameters named together ("give title, body or owner"); rendered as a list."""

    def __new__(cls, *names: str) -> Options:
        return super().__new__(cls, (Option(name) for name in names))


# The actions a message may offer as the way out, each with the library call that performs it
# ({fact} fields come from the Remedy's facts). The CLI keeps one command line for each.
REMEDIES: dict[str, str] = {
    "reopen": "`reopen()`",
    "advance": "`advance(..., {phase!r})`",
    "submit": "`submit(..., {ref!r})`",
    "withdraw": "`review(..., {ref!r}, 'withdraw')`",
    "new_engagement": "`create_engagement()`",
    "show_engagement": "`engagement_overview()`",
    "add_member": "`add_member()`",
    "list_activities": "`list_activities()`",
    "list_findings": "`findings_with_recommendations()`",
    "write_section": "`write_section(..., {name!r})`",
    "list_sections": "`list_sections()`",
    "list_conflicts": "`list_conflicts()`",
    "resolve_conflicts": "`resolve()`",
    "upgrade_store": "`open_store({path!r})`",
    "merge": "`merge()`",
    "export_bundle": "`export_bundle()`",
    "check": "`check(..., as_of={as_of!r})`",
    "override_check": "`publish(..., override_reason=...)`",
    "publish": "`publish()`",
    "publish_final": "`publish(..., kind='final')`",
    "list_releases": "`list_releases()`",
    "allow_term": "`add_check_terms(..., 'allow', [{term!r}])`",
    "force": "`force=True`",
}


class Remedy:
    """What would set things right: an ACTION from REMEDIES and the facts it needs."""

    def __init__(self, action: str, **facts: Any):
        if action not in REMEDIES:
            raise KeyError(f"unknown remedy {action!r}")
        self.action = action
        self.facts = facts

    def __repr__(self) -> str:
        return f"Remedy({self.action!r}, **{self.facts!r})"


class Words:
    """How a message names options and remedies: the library's words by default."""

    def option(self, name: str) -> str:
        return name

    def remedy(self, remedy: Remedy) -> str:
        return REMEDIES[remedy.action].format_map(_Blank(remedy.facts))


class _Blank(dict):
    """Facts for a remedy's wording: one the raise site did not know reads as an ellipsis."""

    def __missing__(self, key: str) -> str:
        return "..."


LIBRARY = Words()


def render(template: str, facts: Mapping[str, Any], words: Words = LIBRARY) -> str:
    """TEMPLATE with its fields filled from FACTS, options and remedies in WORDS."""
    if not facts:
        return template
    shown: dict[str, Any] = {}
    for key, value in facts.items():
        if isinstance(value, Options):
            names = [words.option(name) for name in value]
            shown[key] = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        elif isinstance(value, Option):
            shown[key] = words.option(value)
        elif isinstance(value, Remedy):
            shown[key] = words.remedy(value)
        else:
            shown[key] = value
    return template.format_map(shown)


class Message:
    """A message that is not an exception (a problem in a row of a file, a hint): a template and
    its facts, rendered as ReformError renders its own."""

    def __init__(self, template: str, **facts: Any):
        self.template = template
        self.facts = facts

    def render(self, words: Words = LIBRARY) -> str:
        return render(self.template, self.facts, words)

    def __str__(self) -> str:
        return self.render()


def rendered(text: str | Message | ReformError, words: Words = LIBRARY) -> str:
    """TEXT in WORDS: a Message or an error as a fact (a row's problem), or plain text."""
    return text.render(words) if isinstance(text, Message | ReformError) else str(text)


class ReformError(Exception):
    """Something the user can fix: the message says what was wrong and what would be right.

    MESSAGE is plain text, or, when FACTS are given, a template of them (str.format fields), so
    that the record, the value and the remedy stay facts the edge can word: e.g.
    Refused("{site} is closed; reopen it first with {remedy}", site=site, remedy=Remedy("reopen",
    site=site)). A template holds no user text: every value is a fact."""

    def __init__(self, message: str = "", /, **facts: Any):
        self.template = message
        self.facts = facts
        self.place = ""
        super().__init__(render(message, facts))

    def render(self, words: Words = LIBRARY) -> str:
        """The message, options and remedies in WORDS (the CLI's, or the library's)."""
        return f"{self.place}{render(self.template, self.facts, words)}"

    def __str__(self) -> str:
        return self.render()

    @property
    def remedy(self) -> Remedy | None:
        found = self.facts.get("remedy")
        return found if isinstance(found, Remedy) else None

    def at(self, place: str) -> ReformError:
        """This error, said of PLACE (a file, a line): "PLACE: message"."""
        self.place = f"{place}: {self.place}"
        self.args = (str(self),)
        return self


class NotFound(ReformError):
    """A site, focus area, finding or recommendation that is not in the store."""


class Invalid(ReformError):
    """A value that breaks a rule of the domain (a bad date, an empty title, a duplicate site)."""


class Refused(ReformError):
    """An action the record's current state does not allow (a forbidden transition, a guard)."""


class StoreError(ReformError):
    """The store cannot be opened or written (locked, read-only, full disk, newer schema)."""


Row = int | tuple[str, int] | None


class RowErrors(Invalid):
    """Several problems in an input file, each at a row and column; nothing was written. Each
    problem's text is plain, or a Message of facts."""

    outcome = "nothing was imported"

    def __init__(
        self,
        source: str | None,
        errors: list[tuple[Row, str | None, str | Message]],
        outcome: str | None = None,
    ):
        self.source = source  # None when the rows are all there is to name (a file read from stdin)
        self.errors = errors
        self.outcome = outcome or self.outcome
        super().__init__(self._summary(LIBRARY))

    def _summary(self, words: Words) -> str:
        first = self.errors[0] if self.errors else (None, None, "no errors")
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        return f"{self.where(first)}{rendered(first[2], words)}{more}; {self.outcome}"

    def render(self, words: Words = LIBRARY) -> str:
        return f"{self.place}{self._summary(words)}"

    def where(self, error: tuple[Row, str | None, str | Message]) -> str:
        row, column, _ = error
        parts = [self.source] if self.source else []
        if isinstance(row, tuple):  # (sheet, row) in a workbook read sheet by sheet
            parts += [f"sheet {row[0]}", f"row {row[1]}"]
        elif row is not None:
            parts.append(f"row {row}")
        if column:
            parts.append(f"column {column}")
        return ", ".join(parts) + ": "

    def lines(self, limit: int = 50, words: Words = LIBRARY) -> list[str]:
        if len(self.errors) == 1:
            first = self.errors[0]
            return [f"{self.where(first)}{rendered(first[2], words)}; {self.outcome}"]
        shown = [f"{self.where(e)}{rendered(e[2], words)}" for e in self.errors[:limit]]
        source = f"{self.source}: " if self.source else ""
        if len(self.errors) > limit:
            shown.append(f"{source}... and {len(self.errors) - limit} more errors")
        shown.append(
            f"{source}{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}; {self.outcome}"
        )
        return shown
