"""The published past is frozen, and the dates of the record are sane.

A report as of D is built from what is dated on or before D: records, approvals, review
decisions, statuses and activities. A release as of A is therefore reproduced by
`report --as-of A` only while nothing new is dated on or before A. Every dated write passes its
date through entry_date (outside the transaction: format, range, future, announcement) and
require_unfrozen (inside it, so that a publish by another process cannot slip in between);
this module is the one place that holds those rules.
"""

from __future__ import annotations

from reformctl.dates import past_date
from reformctl.errors import Invalid, Option, Refused
from reformctl.store import Store


class Frozen(Refused):
    """A dated write that would change what a published release said."""

    def __init__(
        self,
        doing: str,
        day: str,
        release: int,
        as_of: str,
        published: bool,
        noun: str,
        after: str = "after",
    ):
        self.doing, self.day, self.release, self.as_of, self.published = (
            doing,
            day,
            release,
            as_of,
            published,
        )
        what = "already published it" if published else "froze everything dated up to then"
        super().__init__(
            f"cannot {doing} on {day}: release {release} (as of {as_of}) {what}; "
            f"date the {noun} {after} {as_of}"
        )


def frozen_before(
    store: Store, engagement: dict, record_ids: tuple[str, ...] | list[str] = ()
) -> dict | None:
    """The engagement's release with the latest as-of date, as {number, as_of, published}, or None.

    Nothing may be dated on or before that as_of. `published` says whether that release
    published one of RECORD_IDS (it only changes how a refusal is worded)."""
    release = store.row(
        "SELECT id, number, as_of FROM releases WHERE engagement_id = ? ORDER BY as_of DESC, number DESC LIMIT 1",
        (engagement["id"],),
    )
    if release is None:
        return None
    published = False
    if record_ids:
        marks = ", ".join("?" for _ in record_ids)
        published = bool(
            store.value(
                f"SELECT 1 FROM release_items WHERE release_id = ? AND record_id IN ({marks}) LIMIT 1",
                (release["id"], *record_ids),
            )
        )
    return {"number": release["number"], "as_of": release["as_of"], "published": published}


def require_unfrozen(
    store: Store,
    engagement: dict,
    day: str,
    doing: str,
    noun: str,
    record_ids: tuple[str, ...] | list[str] = (),
) -> None:
    """Refuse DAY when a release as of DAY or later exists. Call it inside the write transaction.

    DOING says what was attempted ('approve 2.1'), NOUN what to re-date ('decision')."""
    freeze = frozen_before(store, engagement, record_ids)
    if freeze is not None and day <= freeze["as_of"]:
        raise Frozen(doing, day, freeze["number"], freeze["as_of"], freeze["published"], noun)


def require_release_in_order(store: Store, engagement: dict, as_of: str) -> None:
    """Refuse a release dated before the latest one. Its records would count as published in a
    report as of the later release's date (withdrawn numbers stay; 'changes since the last
    update' would compare with it), so that report would no longer be what the release said.
    Another release as of the same date is fine: nothing dated up to then can have changed."""
    freeze = frozen_before(store, engagement)
    if freeze is not None and as_of < freeze["as_of"]:
        raise Frozen(
            "publish a release",
            as_of,
            freeze["number"],
            freeze["as_of"],
            False,
            "release",
            "on or after",
        )


def require_announced(engagement: dict, day: str, what: str) -> None:
    """Refuse DAY when it is before the engagement's announcement (when that date is known)."""
    announced = engagement.get("announced")
    if announced and day < announced:
        raise Invalid(
            "{what} {day} is before {site} was announced ({announced}); "
            "use a date on or after {announced}",
            what=what,
            day=day,
            site=engagement["site"],
            announced=announced,
        )


def entry_date(engagement: dict, value: str | None, what: str) -> str:
    """The date of a new entry (default today): a real date, not in the future, not before the
    engagement was announced. The release freeze is checked later, under the write lock."""
    day = past_date(value, what)
    require_announced(engagement, day, what)
    return day


def report_date(
    store: Store, site: str | None, value: str | None, what: str = Option("as_of")
) -> str:
    """The as-of date of a report, check, publish or dashboard (default today).

    Before the engagement's announcement there is nothing to report; without a site, before
    the first engagement's announcement."""
    day = past_date(value, what)
    if site is not None:
        from reformctl.model.sites import get_engagement

        require_announced(get_engagement(store, site), day, what)
        return day
    first = store.value("SELECT MIN(announced) FROM engagements")
    if first and day < first:
        raise Invalid(
            "{what} {day} is before any engagement was announced (the first: {first}); "
            "use a date on or after {first}",
            what=what,
            day=day,
            first=first,
        )
    return day


# Rows that come from elsewhere (a merge, a resolve of a held record): the date of each kind that
# decides on which day a report shows it. Histories are shown by their dated rows, so any change
# to a row dated in the frozen past changes that past; a finding or recommendation only by its date.
INCOMING_DATES = {
    "activities": "dated",
    "findings": "dated",
    "recommendations": "dated",
    "sections": "dated",
    "status_updates": "as_of",
    "review_history": "on_date",
    "approved_versions": "on_date",
    "internal_history": "on_date",
    "releases": "as_of",
}
HISTORIES = frozenset(
    {"activities", "status_updates", "review_history", "approved_versions", "internal_history"}
)


def incoming_day(kind: str, changed: dict, before: dict | None = None) -> str | None:
    """The earliest report date a change from elsewhere touches: CHANGED is a new row (BEFORE None)
    or the fields taken into an existing one. None when no public report can show the change."""
    column = INCOMING_DATES.get(kind)
    if column is None or not changed:
        return None
    if before is None:
        return changed.get(column)
    if kind in HISTORIES or column in changed:
        return min(before[column], changed.get(column, before[column]))
    return None


def require_unfrozen_incoming(
    freeze: dict | None, kind: str, key: str, changed: dict, source: str, before: dict | None = None
) -> None:
    """Refuse a row from elsewhere dated in the frozen past (FREEZE: frozen_before's answer)."""
    day = incoming_day(kind, changed, before)
    if freeze is None or day is None:
        return
    # A release says what was published up to its date ("changes since the last release" and the
    # numbers it published are read from it): one dated before ours would rewrite that past, and
    # one on the same day is fine, as for publish (require_release_in_order).
    if day < freeze["as_of"] or (day == freeze["as_of"] and kind != "releases"):
        raise Frozen(
            f"bring in {kind}/{key}.json from {source}",
            day,
            freeze["number"],
            freeze["as_of"],
            freeze["published"],
            "record",
        )
