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
