"""A seeded, deterministic synthetic store at national scale, for the benchmarks.

1,000 engagements holding 50,000 findings, 150,000 recommendations and 600,000
status updates, plus two named engagements:
  - `big-3000`: one engagement of 3,000 recommendations (report timings);
  - `sf-size`: San Francisco's size, 5 focus areas, 94 findings, 272
    recommendations and two years of quarterly history (PDF timing).

The store is created with reformctl.store.open_store, so every migration
applies, then filled with executemany in a few transactions. It is cached under
benchmarks/.cache/ keyed by a hash of this file and the schema version, so a
change to either builds a fresh one.

Approved records (90%) have an approved review history and approved wording
(schemas 2 and 3), so they are public.
The audit trail (events) is left empty: no timed command reads it, and at this
scale it would triple the build time without changing any figure.

Example: python benchmarks/synth.py            # build (or reuse) and print the path
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
SEED = 20261127
TODAY = dt.date(2026, 11, 27)

ENGAGEMENTS = 1_000
FINDINGS = 50_000
RECOMMENDATIONS = 150_000
STATUS_UPDATES = 600_000
BIG_SITE, BIG_RECS = "big-3000", 3_000
SF_SITE, SF_AREAS, SF_FINDINGS, SF_RECS, SF_QUARTERS = "sf-size", 5, 94, 272, 8

STATUSES = ("not-started", "in-progress", "partially-complete", "complete")
PROGRAMS = ("technical-assistance",) * 8 + ("organizational-assessment",) + ("critical-response",)
STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR"
).split()
AREA_TITLES = (
    "Community Engagement and Problem Solving",
    "Accountability and Oversight",
    "Recruitment, Hiring, Retention and Promotion",
    "Officer Safety and Wellness",
    "Data, Technology and Organizational Learning",
    "Use of Force Policy and Training",
    "Crime Prevention and Analysis",
    "Resource Analysis and Strategic Planning",
    "Internal and External Communications",
    "Crisis Intervention and Behavioral Health Response",
    "Records Management and Transparency",
    "Supervision and Early Intervention",
)
OWNERS = (
    "Office of the Chief",
    "Patrol Division",
    "Training Unit",
    "Internal Affairs",
    "Records Unit",
    "Planning and Research Unit",
    "Human Resources",
    "Community Services Unit",
    None,
)
WORDS = (
    "the department agency officers supervisors command staff policy general order training "
    "community residents complaints data analysis records body-worn camera video retention "
    "schedule review process accountability oversight board wellness program peer support "
    "recruitment hiring retention promotion evaluation performance measures crime prevention "
    "strategy patrol shift roll-call field interviews documented reviewed team found that "
    "no consistent written procedure guides how and when they should report annual quarterly "
    "public dashboard transparency trust engagement problem-solving partnerships youth schools "
    "mental health crisis intervention de-escalation use of force reporting investigations "
    "timelines discipline matrix early intervention system analysts dispatch staffing overtime"
).split()


def cache_key() -> str:
    from reformctl.store.db import SCHEMA_VERSION

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"schema={SCHEMA_VERSION}".encode())
    return digest.hexdigest()[:16]


def store_path() -> Path:
    return CACHE / f"national-{cache_key()}.db"


class Gen:
    """Deterministic ids, dates and text from one seeded generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        # A pool of sentences, combined into texts of realistic length at little cost.
        # Words with the skewed frequencies of real prose (Zipf): the domain words above are
        # the common ones, and 4,000 made-up words form the long tail, so that a full-text
        # search meets doclists of realistic length rather than one word in every document.
        vocabulary = list(WORDS) + [self._word() for _ in range(4_000)]
        weights = [1 / (rank + 20) for rank in range(len(vocabulary))]
        self.sentences = []
        for _ in range(6_000):
            words = self.rng.choices(vocabulary, weights, k=self.rng.randint(8, 22))
            self.sentences.append(" ".join(words).capitalize() + ".")

    def _word(self) -> str:
        syllables = (
            "ca",
            "lo",
            "mer",
            "tin",
            "dra",
            "vel",
            "os",
            "ri",
            "pen",
            "sul",
            "ta",
            "gor",
            "ni",
            "bex",
        )
        return "".join(self.rng.choices(syllables, k=self.rng.randint(2, 4)))

    def id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def text(self, low: int, high: int) -> str:
        """Sentences until the text is between LOW and HIGH characters long."""
        target = self.rng.randint(low, high)
        parts, size = [], 0
        while size < target:
            sentence = self.sentences[self.rng.randrange(len(self.sentences))]
            parts.append(sentence)
            size += len(sentence) + 1
        return " ".join(parts)

    def title(self) -> str:
        return self.text(40, 160)[:200].rstrip(" .") + "."

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))


def split(rng: random.Random, total: int, parts: int, minimum: int = 1) -> list[int]:
    """TOTAL split into PARTS uneven positive counts (at least MINIMUM each) that add up exactly."""
    weights = [rng.lognormvariate(0, 0.6) for _ in range(parts)]
    spare = total - minimum * parts
    scale = spare / sum(weights)
    counts = [minimum + int(w * scale) for w in weights]
    for i in rng.sample(range(parts), total - sum(counts)):
        counts[i] += 1
    return counts


class Builder:
    """Rows for each table, appended in order and flushed with executemany."""

    def __init__(self, gen: Gen):
        self.gen = gen
        self.engagements: list[tuple] = []
        self.areas: list[tuple] = []
        self.findings: list[tuple] = []
        self.recs: list[tuple] = []
        self.updates: list[tuple] = []
        self.reviews: list[tuple] = []  # review_history (schema 2): each record's review state
        self.versions: list[tuple] = []  # approved_versions (schema 3): the wording the public sees

    def engagement(
        self,
        site: str,
        n_areas: int,
        n_findings: int,
        n_recs: int,
        n_updates: int | None,
        quarters: int | None = None,
        program: str | None = None,
    ) -> None:
        g = self.gen
        rng = g.rng
        announced = g.date_between(
            dt.date(2015, 1, 1), TODAY - dt.timedelta(days=3 * 365 if quarters else 120)
        )
        eid = g.id()
        state = rng.choice(STATES)
        city = f"City {len(self.engagements) + 1}"
        self.engagements.append(
            (
                eid,
                site,
                f"{city} Police Department",
                city,
                state,
                program or rng.choice(PROGRAMS),
                announced.isoformat(),
                f"https://example.org/{site}",
                rng.choice(("assessment", "implementation")),
                0,
                None,
                f"{announced.isoformat()}T12:00:00.000000+00:00",
                "synth",
            )
        )
        area_ids = []
        for number, title in enumerate(rng.sample(AREA_TITLES, n_areas), start=1):
            aid = g.id()
            area_ids.append(aid)
            self.areas.append((aid, eid, number, title, _slug(title)))
        per_area = split(rng, n_findings, n_areas) if n_findings >= n_areas else [1] * n_findings
        recs_per_finding = split(rng, n_recs, n_findings)
        released = announced + dt.timedelta(days=rng.randint(60, 120))
        if quarters:
            released = TODAY - dt.timedelta(days=91 * quarters + 10)
        finding_index = 0
        rec_rows: list[tuple[str, dt.date]] = []
        for area_id, count in zip(area_ids, per_area, strict=False):
            for number in range(1, count + 1):
                fid = g.id()
                dated = min(g.date_between(released, released + dt.timedelta(days=90)), TODAY)
                review = "approved" if rng.random() < 0.9 else "draft"
                title, body = g.title(), g.text(300, 1500)
                self.findings.append(
                    (
                        fid,
                        eid,
                        area_id,
                        number,
                        title,
                        body,
                        '["document-review", "interview"]',
                        int(rng.random() < 0.05),
                        review,
                        dated.isoformat(),
                        f"{dated.isoformat()}T12:00:00.000000+00:00",
                        "synth",
                    )
                )
                self._review(
                    eid, "finding", fid, review, dated, (title, body, None, None, None, None)
                )
                for rec_number in range(1, recs_per_finding[finding_index] + 1):
                    rid = g.id()
                    due = dated + dt.timedelta(days=rng.randint(180, 720))
                    text, priority, owner = (
                        g.text(80, 400),
                        rng.choice(("high", "medium", "low")),
                        rng.choice(OWNERS),
                    )
                    self.recs.append(
                        (
                            rid,
                            eid,
                            fid,
                            rec_number,
                            text,
                            priority,
                            owner,
                            due.isoformat(),
                            0,
                            review,
                            dated.isoformat(),
                            f"{dated.isoformat()}T12:00:00.000000+00:00",
                            "synth",
                        )
                    )
                    rec_rows.append((rid, dated))
                    self._review(
                        eid,
                        "recommendation",
                        rid,
                        review,
                        dated,
                        (None, None, text, priority, owner, due.isoformat()),
                    )
                finding_index += 1
        # Each recommendation starts Not Started; the rest of the history is quarterly reviews.
        if quarters:
            extra = [quarters - 1] * len(rec_rows)
        else:
            extra = split(rng, n_updates - len(rec_rows), len(rec_rows), minimum=0)
        for (rid, dated), more in zip(rec_rows, extra, strict=False):
            self._update(rid, "not-started", dated, None)
            level, day = 0, dated
            for _ in range(more):
                day = min(day + dt.timedelta(days=rng.randint(80, 100)), TODAY)
                level = min(level + (rng.random() < 0.45), 3)
                self._update(rid, STATUSES[level], day, g.text(60, 240))

    def _review(
        self, eid: str, kind: str, record_id: str, review: str, day: dt.date, wording: tuple
    ) -> None:
        iso = day.isoformat()
        at = f"{iso}T12:00:00.000000+00:00"
        self.reviews.append(
            (self.gen.id(), eid, kind, record_id, review, iso, at, "synth-reviewer")
        )
        if review == "approved":
            self.versions.append(
                (self.gen.id(), eid, kind, record_id, iso, at, "synth-reviewer", *wording)
            )

    def _update(self, rid: str, status: str, day: dt.date, note: str | None) -> None:
        iso = day.isoformat()
        self.updates.append(
            (
                self.gen.id(),
                rid,
                status,
                iso,
                note,
                None,
                None,
                f"{iso}T12:00:00.000000+00:00",
                "synth",
            )
        )


def _slug(title: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def generate(path: Path) -> dict:
    """Build the synthetic store at PATH (which must not exist) and return its row counts."""
    from reformctl.store import open_store

    gen = Gen(SEED)
    rng = gen.rng
    builder = Builder(gen)
    findings = split(rng, FINDINGS, ENGAGEMENTS, minimum=5)
    recs = [3 * f for f in findings]  # 150,000 in all
    updates = [4 * r for r in recs]  # 600,000 in all, the first of each Not Started
    for i in range(ENGAGEMENTS):
        areas = min(rng.randint(2, 8), findings[i])
        builder.engagement(f"site-{i + 1:04d}", areas, findings[i], recs[i], updates[i])
    builder.engagement(
        BIG_SITE, 8, 900, BIG_RECS, 4 * BIG_RECS, program="organizational-assessment"
    )
    builder.engagement(
        SF_SITE,
        SF_AREAS,
        SF_FINDINGS,
        SF_RECS,
        None,
        quarters=SF_QUARTERS,
        program="organizational-assessment",
    )

    store = open_store(path)
    conn = store.conn
    # A cache, rebuilt from its seed: durability during the load buys nothing.
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    tables = (
        (
            "engagements",
            "id, site, agency, city, state, program, announced, public_url, phase, "
            "self_approval, next_update, created_at, created_by",
            builder.engagements,
        ),
        ("focus_areas", "id, engagement_id, number, title, slug", builder.areas),
        (
            "findings",
            "id, engagement_id, focus_area_id, number, title, body, methods, internal, review, "
            "dated, created_at, created_by",
            builder.findings,
        ),
        (
            "recommendations",
            "id, engagement_id, finding_id, number, text, priority, owner, due, internal, "
            "review, dated, created_at, created_by",
            builder.recs,
        ),
        (
            "status_updates",
            "id, recommendation_id, status, as_of, note, reason, evidence, recorded_at, "
            "recorded_by",
            builder.updates,
        ),
    )
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'review_history'").fetchone():
        tables += (
            (
                "review_history",
                "id, engagement_id, record_type, record_id, review, on_date, at, actor",
                builder.reviews,
            ),
        )
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'approved_versions'").fetchone():
        tables += (
            (
                "approved_versions",
                "id, engagement_id, record_type, record_id, on_date, at, actor, title, body, "
                "text, priority, owner, due",
                builder.versions,
            ),
        )
    counts = {}
    for table, columns, rows in tables:
        marks = ", ".join("?" for _ in columns.split(","))
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        conn.execute("COMMIT")
        counts[table] = len(rows)
    conn.execute("PRAGMA journal_mode = WAL")
    store.close()
    return counts


def ensure_store(verbose: bool = True) -> Path:
    """The cached store's path, building it first when the generator or schema changed."""
    path = store_path()
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    for stale in CACHE.glob("national-*.db*"):
        stale.unlink()
    partial = path.with_suffix(".building")
    if partial.exists():
        partial.unlink()
    started = time.perf_counter()
    os.environ.setdefault("REFORMCTL_TODAY", TODAY.isoformat())
    counts = generate(partial)
    os.replace(partial, path)
    if verbose:
        print(
            f"built {path.name} in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{n:,} {t}" for t, n in counts.items()),
            file=sys.stderr,
        )
    return path


IMPORT_ROWS = 50_000


def write_import_csv(path: Path) -> None:
    """50,000 tracker rows in the columns `report --format csv` writes and `import` reads:
    5,000 findings over 8 focus areas, 10 recommendations each, text taken from the store."""
    import csv
    import sqlite3

    conn = sqlite3.connect(ensure_store(verbose=False))
    texts = conn.execute(
        "SELECT f.title, r.text, r.priority, r.owner FROM recommendations r "
        "JOIN findings f ON f.id = r.finding_id LIMIT ?",
        (IMPORT_ROWS,),
    ).fetchall()
    conn.close()
    header = (
        "focus_area",
        "focus_area_title",
        "finding",
        "finding_title",
        "recommendation",
        "recommendation_text",
        "priority",
        "owner",
        "due",
        "status",
        "status_as_of",
    )
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for i, (_, text, priority, owner) in enumerate(texts):
            finding, rec = divmod(i, 10)
            area, number = 1 + finding % 8, 1 + finding // 8
            title = texts[finding * 10][0]  # one title per finding, on each of its rows
            writer.writerow(
                [
                    area,
                    f"Focus area {area}",
                    f"{area}.{number}",
                    title,
                    f"{area}.{number}.{rec + 1}",
                    text,
                    priority,
                    owner or "",
                    "2027-06-30",
                    STATUSES[i % 4].replace("-", " ").title(),
                    "2026-06-30",
                ]
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import-csv"]:
        write_import_csv(Path(sys.argv[2]))
    else:
        print(ensure_store())
