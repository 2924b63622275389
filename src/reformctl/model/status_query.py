"""The SQL for a recommendation's status on a date, apart from the status model so that
listings can use it without loading the code that records statuses."""

# The status of recommendation r as of :as_of. Uses the (recommendation_id, as_of) index.
STATUS_AT_SQL = """(SELECT su.{column} FROM status_updates su
    WHERE su.recommendation_id = {recommendation} AND su.as_of <= :as_of
    ORDER BY su.as_of DESC, su.rowid DESC LIMIT 1)"""


def status_at(column: str = "status", recommendation: str = "r.id") -> str:
    """SQL for a column of recommendation r's latest status update on or before :as_of."""
    return STATUS_AT_SQL.format(column=column, recommendation=recommendation)
