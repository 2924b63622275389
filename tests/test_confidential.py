"""Confidentiality: internal records, notes, [[redactions]] and protected names never go public."""

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import approve
from reformctl.cli import app

SITE = ("--site", "north-miami")


def test_protect_lists_and_withholds(north_miami):
    north_miami.ok("protect", *SITE, "Jane Q. Witness")
    assert "already protected" in north_miami.ok("protect", *SITE, "jane q. witness")
    assert north_miami.json("protect", *SITE) == ["Jane Q. Witness"]
    north_miami.fails("protect", *SITE, "Al", says="too short")
    north_miami.ok("log-finding", *SITE, "--focus-area", "1", "--title", "Interview with JANE Q. WITNESS",
                   "--body", "As Jane Q. Witness said, [[interviewed 2024-05-01 at home]] response times lag.")
    approve(north_miami, "north-miami", "1.1")
    for fmt in ("markdown", "html", "json", "csv"):
        text = north_miami.ok("report", *SITE, "--format", fmt)
        assert "witness" not in text.lower() and "interviewed 2024-05-01" not in text
    data = json.loads(north_miami.ok("report", *SITE, "--format", "json"))
    body = data["focus_areas"][0]["findings"][0]["body"]
    assert body == "As [withheld] said, response times lag."
    internal = north_miami.ok("report", *SITE, "--internal")
    assert "Jane Q. Witness" in internal and "[[interviewed 2024-05-01 at home]]" in internal.replace("\\", "")


def test_the_audit_trail_does_not_repeat_a_protected_name(north_miami):
    north_miami.ok("protect", *SITE, "Secret Person")
    assert "Secret Person" not in json.dumps(north_miami.json("history", *SITE))


# Random engagements: public text around secrets, which must never reach a public output.
WORD = st.text(alphabet=string.ascii_letters + "éß中", min_size=3, max_size=10)
PUBLIC_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,;-'\"<>&", max_size=60)


def secret_token(i: int) -> str:
    return f"ZQX{i}SECRET"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    findings=st.lists(st.tuples(st.integers(1, 6), PUBLIC_TEXT, PUBLIC_TEXT, st.booleans(), st.booleans()),
                      min_size=1, max_size=4),
    protected_name=WORD,
)
def test_no_secret_reaches_any_public_format(isolated, tmp_path_factory, findings, protected_name):
    runner = CliRunner()
    db = tmp_path_factory.mktemp("prop") / "p.db"

    def ok(*args):
        result = runner.invoke(app, ["--db", str(db), *map(str, args)])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    ok("new-engagement", "--site", "prop", "--agency", "Prop PD", "--focus-area", "One", "--focus-area", "Two",
       "--focus-area", "Three", "--focus-area", "Four", "--focus-area", "Five", "--focus-area", "Six",
       "--self-approval")
    name = f"Q{protected_name}Z"
    ok("protect", "--site", "prop", name)
    secrets = [name]
    for i, (area, title, body, internal, with_note) in enumerate(findings):
        redacted, note_text = secret_token(2 * i), secret_token(2 * i + 1)
        finding_body = f"{body} [[{redacted}]] {name.upper() if i % 2 else name} {body}"
        args = ["log-finding", "--site", "prop", "--focus-area", area, "--title", title or "t",
                "--body", finding_body]
        if internal:
            args.append("--internal")
            args[args.index("--title") + 1] = secret_token(100 + i)
            secrets.append(secret_token(100 + i))
        number = ok(*args).strip()
        ok("recommend", "--site", "prop", "--finding", number, "--text", f"Do {title} [[{redacted}]]")
        for ref in (number, f"{number}.1"):
            ok("submit", "--site", "prop", ref)
            ok("review", "--site", "prop", ref, "--decision", "approve")
        if with_note:
            ok("note", "--site", "prop", number, note_text)
            secrets.append(note_text)
        secrets.append(redacted)
    for fmt in ("markdown", "html", "json", "csv"):
        text = ok("report", "--site", "prop", "--format", fmt)
        for secret in secrets:
            assert secret.lower() not in text.lower(), (fmt, secret)
