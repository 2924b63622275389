"""Two team members working offline, merged through a real git repository."""

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,  # git in subprocesses
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
]

SITE = "nm"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    return result.stdout + result.stderr


@pytest.fixture
def team(cli, tmp_path):
    """Alice's store with a shared engagement, a git repository holding its bundle, and Bob's store from it."""
    alice, bob = tmp_path / "alice.db", tmp_path / "bob.db"
    repo = tmp_path / "repo"

    def a(*args):
        return ["--db", alice, "--as", "alice", *args]

    def b(*args):
        return ["--db", bob, "--as", "bob", *args]

    cli.ok(
        *a(
            "new-engagement",
            "--site",
            SITE,
            "--agency",
            "North PD",
            "--focus-area",
            "One",
            "--focus-area",
            "Two",
        )
    )
    cli.ok(
        *a(
            "log-finding",
            "--site",
            SITE,
            "--focus-area",
            "1",
            "--title",
            "Shared finding",
            "--body",
            "Shared body",
        )
    )
    cli.ok(*a("recommend", "--site", SITE, "--finding", "1.1", "--text", "Shared rec"))
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "team@example.org")
    git(repo, "config", "user.name", "Team")
    cli.ok(*a("export", "--site", SITE, "--bundle", repo / SITE))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Shared start")
    git(repo, "branch", "bob")
    git(repo, "checkout", "-q", "bob")
    cli.ok(*b("import", "--bundle", repo / SITE))
    git(repo, "checkout", "-q", "main")
    cli.db = alice  # refusals are checked against Alice's store
    return cli, a, b, repo


def commit(cli, who, repo, branch, message):
    git(repo, "checkout", "-q", branch)
    cli.ok(*who("export", "--site", SITE, "--bundle", repo / SITE))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def numbers(cli, who):
    return {
        f["title"]: (f["number"], [r["number"] for r in f["recommendations"]])
        for f in cli.json(*who("findings", "--site", SITE))
    }


def test_two_members_offline_through_git(team, tmp_path):
    cli, a, b, repo = team
    # Bob, offline on his branch: a new finding (takes 1.2), a new one in area 2, an edit, a status.
    git(repo, "checkout", "-q", "bob")
    cli.ok(*b("log-finding", "--site", SITE, "--focus-area", "1", "--title", "Bob finding"))
    cli.ok(*b("log-finding", "--site", SITE, "--focus-area", "2", "--title", "Bob area two"))
    cli.ok(*b("edit", "--site", SITE, "1.1", "--title", "Bob title", "--body", "Bob body"))
    cli.ok(
        *b(
            "set-status",
            "--site",
            SITE,
            "1.1.1",
            "in-progress",
            "--note",
            "Bob saw the draft policy",
        )
    )
    commit(cli, b, repo, "bob", "Bob's site visit")
    # Alice, offline on main: also a new finding 1.2, a conflicting title edit, a new recommendation.
    cli.ok(*a("log-finding", "--site", SITE, "--focus-area", "1", "--title", "Alice finding"))
    cli.ok(*a("edit", "--site", SITE, "1.1", "--title", "Alice title"))
    cli.ok(*a("recommend", "--site", SITE, "--finding", "1.1", "--text", "Alice rec"))
    commit(cli, a, repo, "main", "Alice's analysis")

    # git merges the bundles record by record; the one record both edited conflicts in git.
    out = git(repo, "merge", "bob", "-m", "Merge Bob")
    assert "CONFLICT" in out
    done = cli.json(*a("merge", "--site", SITE, repo / SITE))
    assert done["renumbered"] == [
        {"kind": "finding", "id": done["renumbered"][0]["id"], "from": "1.2", "to": "1.3"}
    ]
    assert [(c["ref"], c["field"], c["ours"], c["theirs"]) for c in done["conflicts"]] == [
        ("1.1", "title", "Alice title", "Bob title")
    ]
    assert done["added"]["findings"] == 2 and done["git_conflicts"]
    # Bob's body change did not conflict (only he changed it): it was taken.
    found = {f["number"]: f for f in cli.json(*a("findings", "--site", SITE))}
    assert (
        found["1.1"]["body"] == "Bob body" and found["1.1"]["title"] == "Alice title"
    )  # ours until resolved
    assert found["1.1"]["recommendations"][0]["status"] == "in-progress"
    listed = cli.json(*a("conflicts", "--site", SITE))
    assert [(c["ref"], c["field"], c["base"]) for c in listed] == [
        ("1.1", "title", "Shared finding")
    ]
    # Nothing more can be merged until a person settles it.
    cli.fails(*a("merge", "--site", SITE, repo / SITE), says="unresolved merge conflict")
    cli.fails(
        *a("resolve", "--site", SITE, "1.1", "--field", "colour", "--take", "theirs"),
        says="no open conflict",
    )
    cli.fails(
        *a("resolve", "--site", SITE, "9.9", "--take", "theirs"), says="no open merge conflict"
    )
    took = cli.json(*a("resolve", "--site", SITE, "1.1", "--field", "title", "--take", "theirs"))
    assert took == [{"field": "title", "took": "theirs", "value": "Bob title"}]
    assert cli.json(*a("conflicts", "--site", SITE)) == []
    history = cli.json(*a("history", "--site", SITE, "--ref", "1.1"))
    assert {"merge", "resolve"} <= {h["action"] for h in history}
    commit(cli, a, repo, "main", "Merged Bob's work")
    assert "UU" not in git(repo, "status", "--short")

    # Bob brings main in: git merges cleanly now, and his store takes the merged record.
    git(repo, "checkout", "-q", "bob")
    assert "CONFLICT" not in git(repo, "merge", "main", "-m", "Merge main")
    back = cli.json(*b("merge", "--site", SITE, repo / SITE))
    assert back["conflicts"] == []
    expected = {
        "Bob title": ("1.1", ["1.1.1", "1.1.2"]),
        "Alice finding": ("1.2", []),
        "Bob finding": ("1.3", []),
        "Bob area two": ("2.1", []),
    }
    assert numbers(cli, a) == numbers(cli, b) == expected
    # Both stores now export the same bundle, byte for byte.
    cli.ok(*a("export", "--site", SITE, "--bundle", tmp_path / "a-out"))
    cli.ok(*b("export", "--site", SITE, "--bundle", tmp_path / "b-out"))

    def files(d):
        return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*.json"))}

    assert files(tmp_path / "a-out") == files(tmp_path / "b-out")


def test_a_published_number_never_changes(team, tmp_path):
    cli, a, b, repo = team
    # Bob's draft takes 1.2 offline; Alice's 1.2 is approved and published.
    git(repo, "checkout", "-q", "bob")
    cli.ok(*b("log-finding", "--site", SITE, "--focus-area", "1", "--title", "Bob draft"))
    commit(cli, b, repo, "bob", "Bob")
    cli.ok(*a("log-finding", "--site", SITE, "--focus-area", "1", "--title", "Alice published"))
    for ref in ("1.1", "1.1.1", "1.2"):
        cli.ok(*a("submit", "--site", SITE, ref))
        cli.ok(
            "--db",
            tmp_path / "alice.db",
            "--as",
            "rita",
            "review",
            "--site",
            SITE,
            ref,
            "--decision",
            "approve",
        )
    cli.ok(
        *a(
            "publish",
            "--site",
            SITE,
            "--output",
            tmp_path / "release-1",
            "--override-check",
            "--reason",
            "test",
        )
    )
    commit(cli, a, repo, "main", "Alice publishes")
    # Bob merges main: Alice's published 1.2 arrives, and it is Bob's own draft that moves.
    git(repo, "checkout", "-q", "bob")
    git(repo, "merge", "main", "-m", "Merge main")
    done = cli.json(*b("merge", "--site", SITE, repo / SITE))
    assert [(r["from"], r["to"]) for r in done["renumbered"]] == [("1.2", "1.3")]
    assert (
        numbers(cli, b)["Alice published"][0] == "1.2" and numbers(cli, b)["Bob draft"][0] == "1.3"
    )


def test_merge_from_another_store_file(team, tmp_path):
    cli, a, b, repo = team
    cli.ok(*b("log-finding", "--site", SITE, "--focus-area", "2", "--title", "From Bob's laptop"))
    cli.ok(*b("note", "--site", SITE, "1.1", "Bob's note"))
    done = cli.json(*a("merge", "--site", SITE, tmp_path / "bob.db"))
    assert done["added"] == {"findings": 1, "notes": 1, "review_history": 1}
    assert numbers(cli, a)["From Bob's laptop"][0] == "2.1"
    again = cli.json(*a("merge", "--site", SITE, tmp_path / "bob.db"))
    assert again["added"] == {} and again["updated"] == {} and again["conflicts"] == []


def test_merge_from_a_store_file_whose_name_holds_a_hash_or_question_mark(team, tmp_path):
    """SQLite reads a file: name as a URI: unquoted, '#' or '?' would end the path there."""
    cli, a, b, repo = team
    cli.ok(*b("log-finding", "--site", SITE, "--focus-area", "2", "--title", "From Bob's copy"))
    for name in ("bob#1.db", "bob?.db"):
        odd = tmp_path / name
        odd.write_bytes((tmp_path / "bob.db").read_bytes())
        cli.json(*a("merge", "--site", SITE, odd))
        assert numbers(cli, a)["From Bob's copy"][0] == "2.1"
        assert not (tmp_path / "bob").exists()


def test_merge_refusals(team, tmp_path):
    cli, a, b, repo = team
    cli.fails(*a("merge", "--site", SITE, tmp_path / "nothing-here"), says="no such")
    cli.ok(
        "--db",
        tmp_path / "other.db",
        "new-engagement",
        "--site",
        SITE,
        "--agency",
        "Other",
        "--focus-area",
        "X",
    )
    cli.fails(*a("merge", "--site", SITE, tmp_path / "other.db"), says="no copy")
    cli.ok(
        "--db",
        tmp_path / "other.db",
        "export",
        "--site",
        SITE,
        "--bundle",
        tmp_path / "other-bundle",
    )
    cli.fails(*a("merge", "--site", SITE, tmp_path / "other-bundle"), says="matched by id")
    cli.fails(*a("merge", "--site", "nowhere", repo / SITE), says="no engagement")
    broken = tmp_path / "broken"
    shutil.copytree(repo / SITE, broken)
    path = sorted((broken / "findings").glob("*.json"))[0]
    path.write_text(path.read_text()[:50])
    result = cli(*a("merge", "--site", SITE, broken))
    assert (
        result.exit_code == 1 and "truncated" in result.stderr and "Traceback" not in result.stderr
    )


def test_one_decision_settles_a_conflict_on_both_sides(team, tmp_path):
    cli, a, b, repo = team
    git(repo, "checkout", "-q", "bob")
    cli.ok(*b("edit", "--site", SITE, "1.1.1", "--text", "Bob's wording"))
    commit(cli, b, repo, "bob", "Bob")
    cli.ok(*a("edit", "--site", SITE, "1.1.1", "--text", "Alice's wording"))
    commit(cli, a, repo, "main", "Alice")
    git(repo, "merge", "bob", "-m", "Merge Bob")
    done = cli.json(*a("merge", "--site", SITE, repo / SITE))
    assert [(c["ref"], c["field"]) for c in done["conflicts"]] == [("1.1.1", "text")]
    cli.ok(*a("resolve", "--site", SITE, "1.1.1", "--take", "ours"))
    commit(cli, a, repo, "main", "Merged Bob, kept Alice's wording")
    assert list((repo / SITE / "resolutions").glob("*.json"))
    # Bob brings main in: Alice already chose between exactly these two values, so Bob is not asked again.
    git(repo, "checkout", "-q", "bob")
    git(repo, "merge", "main", "-m", "Merge main")
    back = cli.json(*b("merge", "--site", SITE, repo / SITE))
    assert back["conflicts"] == [] and back["updated"] == {"recommendations": 1}

    def texts(who):
        return [
            r["text"]
            for f in cli.json(*who("findings", "--site", SITE))
            for r in f["recommendations"]
        ]

    assert texts(a) == texts(b) == ["Alice's wording"]
    cli.ok(*a("export", "--site", SITE, "--bundle", tmp_path / "a-out"))
    cli.ok(*b("export", "--site", SITE, "--bundle", tmp_path / "b-out"))

    def files(d):
        return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*.json"))}

    assert files(tmp_path / "a-out") == files(tmp_path / "b-out")
