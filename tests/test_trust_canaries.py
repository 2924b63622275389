"""Canaries: hypothesis builds engagements whose every text field carries secrets inside
[[redactions]] (several spans a field, at its start and end, nested, unclosed), protected names
in invisible-character disguises, internal records, drafts, notes and status notes, narrative
sections approved, drafted and in review; every public output (the public site built from the
release included) is rendered and searched for them, as written and normalised.

The engagement's free text is written straight into the store (as an old store, from before
input validation, may hold it), so the test attacks the public side whatever the doors accept.
"""

from __future__ import annotations

import itertools
import sqlite3
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import examples
from public_outputs import assert_no_secret, open_data_texts, publish_texts, run, site_texts
from reformctl.model.confidential import add_note, protect
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.findings import log_finding
from reformctl.model.matching import name_key
from reformctl.model.recommendations import recommend
from reformctl.model.review import review, submit
from reformctl.model.sections import write_section
from reformctl.model.statuses import set_status
from reformctl.model.text import marker_problems
from reformctl.reports.public import redact, withhold
from reformctl.store import open_store

# The heavy test renders PDF and XLSX for each example: a few examples, no deadline.
HEAVY = settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
SITES = itertools.count(1)

INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u034f", "\ufe0f"]
SEPARATORS = [
    " ",
    "\u00a0",
    " - ",
    "--",
    "\u2014",
    "\u2010",
    "\u00ad",
    "\u200b",
    "\u2060",
    "",
    "\u3000",
    "  ",
]
LINE_SEPARATORS = SEPARATORS + ["\n", "-\n", " \n ", "\r\n"]
PUBLIC = st.text(alphabet=string.ascii_letters + string.digits + " .,;'\"<>&[]", max_size=16)
NAME_WORD = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=6)


@st.composite
def disguised(draw, name: str, multiline: bool) -> str:
    """NAME as it might be typed or pasted: any case, full-width letters, invisible characters
    inside, and whatever separates its words (nothing, hyphens, no-break or line breaks)."""
    words = []
    for word in name.split():
        chars = []
        for c in word:
            style = draw(st.sampled_from(["plain", "upper", "wide", "invisible"]))
            chars.append(
                c.upper()
                if style == "upper"
                else chr(ord(c) + 0xFEE0)
                if style == "wide"
                else draw(st.sampled_from(INVISIBLE)) + c
                if style == "invisible"
                else c
            )
        words.append("".join(chars))
    out = words[0]
    for word in words[1:]:
        out += draw(st.sampled_from(LINE_SEPARATORS if multiline else SEPARATORS)) + word
    return out


@st.composite
def field(draw, canaries: list[str], name: str, multiline: bool = False) -> str:
    """Public words, redacted canaries (at the start, the end, nested, unclosed) and the name."""

    def canary() -> str:
        canaries.append(f"zqx{len(canaries)}leak")
        return canaries[-1]

    kinds = draw(
        st.lists(st.sampled_from(["public", "span", "name", "nested"]), min_size=1, max_size=4)
    )
    kinds = (
        (["span"] if draw(st.booleans()) else [])
        + kinds
        + (["span"] if draw(st.booleans()) else [])
    )
    parts = []
    for kind in kinds:
        if kind == "public":
            parts.append(draw(PUBLIC))
        elif kind == "name":
            parts.append(draw(disguised(name, multiline)))
        elif kind == "span":
            parts.append(f"[[{canary()}]]")
        else:
            parts.append(f"[[{canary()} [[{canary()}]] {canary()}]]")
    if draw(st.booleans()):
        parts.append(f"[[{canary()}")
    return draw(st.sampled_from([" ", ""])).join(parts)


@st.composite
def engagements(draw) -> dict:
    canaries: list[str] = []
    name = f"qv{draw(NAME_WORD)} {draw(NAME_WORD)}zk"
    one_line = lambda: field(canaries, name)  # noqa: E731
    findings = []
    for _ in range(draw(st.integers(1, 3))):
        recs = [
            {"text": draw(field(canaries, name, True)), "owner": draw(one_line())}
            for _ in range(draw(st.integers(1, 2)))
        ]
        findings.append(
            {
                "area": draw(st.integers(1, 2)),
                "title": draw(one_line()),
                "body": draw(field(canaries, name, True)),
                "recs": recs,
            }
        )
    sections = {
        section: (draw(one_line()), draw(field(canaries, name, True)))
        for section in ("executive-summary", "focus-area-1", "appendix-notes")
    }
    return {
        "name": name,
        "agency": draw(one_line()),
        "city": draw(one_line()),
        "areas": [draw(one_line()), draw(one_line())],
        "findings": findings,
        "sections": sections,
        "canaries": canaries,
    }


def build(db, plan: dict) -> tuple[str, list[str]]:
    """The engagement in the store: its public records approved with the planned text, and
    beside them internal records, drafts, notes, status notes and pending edits, all secret."""
    store = open_store(db)
    store.execute("PRAGMA synchronous = OFF")
    site = f"canary-{next(SITES)}"
    engagement = create_engagement(
        store,
        EngagementSpec(site=site, agency="A", focus_areas=["One", "Two"], self_approval=True),
        "author",
    )
    protect(store, engagement, plan["name"], "author")
    secrets = [plan["name"], *plan["canaries"]]

    def secret(kind: str) -> str:
        secrets.append(f"zqx{kind}{len(secrets)}leak")
        return secrets[-1]

    legacy = sqlite3.connect(db)
    with legacy:
        legacy.execute(
            "UPDATE engagements SET agency = ?, city = ? WHERE id = ?",
            (plan["agency"], plan["city"], engagement["id"]),
        )
        for number, title in enumerate(plan["areas"], 1):
            legacy.execute(
                "UPDATE focus_areas SET title = ? WHERE engagement_id = ? AND number = ?",
                (title, engagement["id"], number),
            )
    for planned in plan["findings"]:
        finding = log_finding(store, engagement, str(planned["area"]), "t", "", "author")
        with legacy:
            legacy.execute(
                "UPDATE findings SET title = ?, body = ? WHERE id = ?",
                (planned["title"], planned["body"], finding["id"]),
            )
        refs = [finding["ref"]]
        for rec_plan in planned["recs"]:
            rec = recommend(store, engagement, finding["ref"], "t", "author", owner="o")
            with legacy:
                legacy.execute(
                    "UPDATE recommendations SET text = ?, owner = ? WHERE id = ?",
                    (rec_plan["text"], rec_plan["owner"], rec["id"]),
                )
            refs.append(rec["ref"])
        for ref in refs:
            submit(store, engagement, ref, "author")
            review(store, engagement, ref, "approve", "reviewer")
        add_note(store, engagement, finding["ref"], secret("note"), "author")
        set_status(store, engagement, refs[1], "in-progress", "author", note=secret("status"))
        with legacy:  # an edit in progress: not approved, so never public
            legacy.execute(
                "UPDATE recommendations SET text = ? WHERE id = (SELECT id FROM recommendations "
                "WHERE finding_id = ? LIMIT 1)",
                (secret("edit"), finding["id"]),
            )
    for name, (title, body) in plan["sections"].items():
        made = write_section(store, engagement, name, "t", "author")
        with legacy:
            legacy.execute(
                "UPDATE sections SET title = ?, body = ? WHERE engagement_id = ? AND name = ?",
                (title, body, engagement["id"], name),
            )
        submit(store, engagement, made["number"], "author")
        review(store, engagement, made["number"], "approve", "reviewer")
        add_note(store, engagement, name, secret("sectionnote"), "author")
    write_section(
        store, engagement, "executive-summary", secret("sectionedit"), "author"
    )  # in review
    write_section(store, engagement, "conclusion", secret("sectiondraft"), "author")  # a draft
    log_finding(
        store, engagement, "1", secret("internal"), secret("internal"), "author", internal=True
    )
    log_finding(store, engagement, "2", secret("draft"), secret("draft"), "author")
    legacy.close()
    store.close()
    return site, secrets


@HEAVY
@given(plan=engagements())
def test_no_canary_reaches_any_public_output(isolated, plan):
    site, secrets = build(isolated / "test.db", plan)
    folder = isolated / site
    # manifest.json is checked like every other file of the release (its agency and actor carry
    # canaries; a reason holding one is refused by publish, see test_trust_releases.py).
    texts = publish_texts(
        site, folder / "release", "--kind", "final", "--override-check", "--reason", "legacy data"
    )
    assert any(k.endswith("manifest.json") for k in texts)
    texts.update(open_data_texts(folder / "open", site))
    texts.update(site_texts(folder / "site"))  # the public site, built from the release
    # After the release, a progress report compares with the release's stored snapshot.
    texts["progress json"] = run("report", "--site", site, "--kind", "progress", "--format", "json")
    texts["markdown"] = run("report", "--site", site, "--format", "markdown")
    for fmt in ("markdown", "json", "html"):  # every narrative section, in the assessment report
        texts[f"assessment {fmt}"] = run(
            "report", "--site", site, "--kind", "assessment", "--format", fmt
        )
    assert_no_secret(texts, secrets)


@settings(max_examples=examples(300), deadline=None)
@given(data=st.data())
def test_redacted_text_keeps_nothing_inside_a_marker(data):
    canaries: list[str] = []
    text = data.draw(field(canaries, "qvab cdzk", multiline=True))
    cleaned = redact(text)
    assert "[[" not in cleaned and "]]" not in cleaned
    assert redact(cleaned) == cleaned
    assert marker_problems(cleaned) == []
    for canary in canaries:
        assert canary not in cleaned


@settings(max_examples=examples(500), deadline=None)
@given(text=st.text(alphabet="ab[] \n", max_size=40), secret_at=st.integers(0, 40))
def test_redaction_is_well_formed_and_final_for_any_brackets(text, secret_at):
    cleaned = redact(text)
    assert "[[" not in cleaned and "]]" not in cleaned and redact(cleaned) == cleaned
    hidden = redact(f"{text[:secret_at]}[[zqxleak]]{text[secret_at:]}")
    assert "zqxleak" not in hidden


@settings(max_examples=examples(300), deadline=None)
@given(first=NAME_WORD, last=NAME_WORD, around=PUBLIC, data=st.data())
def test_a_disguised_name_is_withheld_as_written(first, last, around, data):
    name = f"qv{first} {last}zk"
    typed = data.draw(disguised(name, multiline=True))
    cleaned = withhold({"x": f"{around}{typed}{around}"}, [name])["x"]
    assert name_key(name) not in name_key(cleaned)
    assert "[withheld]" in cleaned
