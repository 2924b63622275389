"""Confidentiality: internal records, notes, [[redactions]] and protected names never go public."""

import itertools
import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from helpers import approve, examples
from reformctl.cli import app
from reformctl.model.confidential import add_note, protect
from reformctl.model.engagements import EngagementSpec, create_engagement
from reformctl.model.findings import log_finding
from reformctl.model.recommendations import recommend
from reformctl.model.review import review, submit
from reformctl.store import open_store

SITE = ("--site", "north-miami")


def test_protect_lists_and_withholds(north_miami):
    north_miami.ok("protect", *SITE, "Jane Q. Witness")
    assert "already protected" in north_miami.ok("protect", *SITE, "jane q. witness")
    assert north_miami.json("protect", *SITE) == ["Jane Q. Witness"]
    north_miami.fails("protect", *SITE, "Al", says="too short")
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "Interview with JANE Q. WITNESS",
        "--body",
        "As Jane Q. Witness said, [[interviewed 2024-05-01 at home]] response times lag.",
    )
    approve(north_miami, "north-miami", "1.1")
    for fmt in ("markdown", "html", "json", "csv"):
        text = north_miami.ok("report", *SITE, "--format", fmt)
        assert "witness" not in text.lower() and "interviewed 2024-05-01" not in text
    data = json.loads(north_miami.ok("report", *SITE, "--format", "json"))
    body = data["focus_areas"][0]["findings"][0]["body"]
    assert body == "As [withheld] said, response times lag."
    internal = north_miami.ok("report", *SITE, "--internal")
    assert (
        "Jane Q. Witness" in internal
        and "[[interviewed 2024-05-01 at home]]" in internal.replace("\\", "")
    )


def test_the_audit_trail_does_not_repeat_a_protected_name(north_miami):
    north_miami.ok("protect", *SITE, "Secret Person")
    assert "Secret Person" not in json.dumps(north_miami.json("history", *SITE))


# Random engagements: public text around secrets, which must never reach a public output.
WORD = st.text(alphabet=string.ascii_letters + "éß中", min_size=3, max_size=10)
PUBLIC_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,;-'\"<>&", max_size=60)
SITES = itertools.count(1)


def secret_token(i: int) -> str:
    return f"ZQX{i}SECRET"


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    findings=st.lists(
        st.tuples(st.integers(1, 4), PUBLIC_TEXT, PUBLIC_TEXT, st.booleans(), st.booleans()),
        min_size=1,
        max_size=4,
    ),
    protected_name=WORD,
)
def test_no_secret_reaches_any_public_format(isolated, findings, protected_name):
    """Each example builds an engagement through the library (fast), then renders it through the CLI."""
    store = open_store(isolated / "test.db")
    store.execute(
        "PRAGMA synchronous = OFF"
    )  # this connection only: hundreds of examples, no fsync each
    site = f"prop-{next(SITES)}"
    engagement = create_engagement(
        store,
        EngagementSpec(
            site=site,
            agency="Prop PD",
            focus_areas=["One", "Two", "Three", "Four"],
            self_approval=True,
        ),
        "author",
    )
    name = f"Q{protected_name}Z"
    protect(store, engagement, name, "author")
    secrets = [name]
    for i, (area, title, body, internal, with_note) in enumerate(findings):
        redacted, note_text = secret_token(2 * i), secret_token(2 * i + 1)
        title = title.strip() or "Untitled"
        if internal:
            title = secret_token(100 + i)
            secrets.append(title)
        finding = log_finding(
            store,
            engagement,
            str(area),
            title,
            f"{body} [[{redacted}]] {name.upper() if i % 2 else name} {body}",
            "author",
            internal=internal,
        )
        rec = recommend(
            store,
            engagement,
            finding["ref"],
            f"Do {title} [[{redacted}]] {name}",
            "author",
            owner=f"Unit of {name}",
        )
        for ref in (finding["ref"], rec["ref"]):
            submit(store, engagement, ref, "author")
            review(store, engagement, ref, "approve", "reviewer")
        if with_note:
            add_note(store, engagement, finding["ref"], note_text, "author")
            secrets.append(note_text)
        secrets.append(redacted)
    store.close()
    runner = CliRunner()
    for fmt in ("markdown", "html", "json", "csv"):
        # The final kind holds every section the other kinds have, and the whole history.
        result = runner.invoke(app, ["report", "--site", site, "--format", fmt, "--kind", "final"])
        assert result.exit_code == 0, result.stderr
        for secret in secrets:
            assert secret.lower() not in result.stdout.lower(), (fmt, secret)
