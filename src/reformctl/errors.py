"""The library's exceptions. Only the CLI edge turns them into messages and exit codes."""


class ReformError(Exception):
    """Something the user can fix: the message says what was wrong and what would be right."""


class NotFound(ReformError):
    """A site, focus area, finding or recommendation that is not in the store."""


class Invalid(ReformError):
    """A value that breaks a rule of the domain (a bad date, an empty title, a duplicate site)."""


class Refused(ReformError):
    """An action the record's current state does not allow (a forbidden transition, a guard)."""


class StoreError(ReformError):
    """The store cannot be opened or written (locked, read-only, full disk, newer schema)."""


class RowErrors(Invalid):
    """Several problems in an input file, each at a row and column; nothing was written."""

    outcome = "nothing was imported"

    def __init__(
        self,
        source: str | None,
        errors: list[tuple[int | tuple[str, int] | None, str | None, str]],
        outcome: str | None = None,
    ):
        self.source = source  # None when the rows are all there is to name (a file read from stdin)
        self.errors = errors
        self.outcome = outcome or self.outcome
        first = errors[0] if errors else (None, None, "no errors")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{self.where(first)}{first[2]}{more}; {self.outcome}")

    def where(self, error: tuple[int | tuple[str, int] | None, str | None, str]) -> str:
        row, column, _ = error
        parts = [self.source] if self.source else []
        if isinstance(row, tuple):  # (sheet, row) in a workbook read sheet by sheet
            parts += [f"sheet {row[0]}", f"row {row[1]}"]
        elif row is not None:
            parts.append(f"row {row}")
        if column:
            parts.append(f"column {column}")
        return ", ".join(parts) + ": "

    def lines(self, limit: int = 50) -> list[str]:
        if len(self.errors) == 1:
            return [f"{self.where(self.errors[0])}{self.errors[0][2]}; {self.outcome}"]
        shown = [f"{self.where(e)}{e[2]}" for e in self.errors[:limit]]
        source = f"{self.source}: " if self.source else ""
        if len(self.errors) > limit:
            shown.append(f"{source}... and {len(self.errors) - limit} more errors")
        shown.append(
            f"{source}{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}; {self.outcome}"
        )
        return shown
