"""model/confidential.py through the CLI: what `note` and `protect` write, refuse and answer, at
the edges of their rules (the shortest name that can be protected, the longest note), and what
the audit trail keeps of them."""

from __future__ import annotations

from helpers import approve, dump

SITE = ("--site", "north-miami")


def with_finding(cli) -> None:
    cli.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--date",
        "2024-06-03",
        "--title",
        "Dispatch lags",
        "--body",
        "Response times lag.",
    )
    cli.ok(
        "recommend", *SITE, "--finding", "1.1", "--date", "2024-06-03", "--text", "Staff the desk"
    )


def test_protect_answers_and_lists_in_alphabetical_order_whatever_the_case(north_miami):
    assert north_miami.json("protect", *SITE, "beta Person") == {
        "term": "beta Person",
        "added": True,
    }
    assert north_miami.json("protect", *SITE, "  Alpha  Person ") == {
        "term": "Alpha Person",
        "added": True,
    }
    assert north_miami.json("protect", *SITE, "Charlie Person") == {
        "term": "Charlie Person",
        "added": True,
    }
    assert north_miami.json("protect", *SITE, "BETA PERSON") == {
        "term": "BETA PERSON",
        "added": False,
    }
    assert north_miami.json("protect", *SITE) == ["Alpha Person", "beta Person", "Charlie Person"]
    assert north_miami.ok("protect", *SITE, "Delta Person").strip() == "protected"
    assert north_miami.ok("protect", *SITE, "delta-person").strip() == "already protected"


def test_the_shortest_protected_name_is_three_characters(north_miami):
    assert north_miami.json("protect", *SITE, "Abe") == {"term": "Abe", "added": True}
    line = north_miami.fails("protect", *SITE, "Al")
    assert line == (
        "error: protected term 'Al' is too short to match safely; give at least 3 characters"
    )
    # what counts is the name's letters: separators do not make it longer
    north_miami.fails("protect", *SITE, "A - l", says="protected term 'A - l' is too short")
    assert north_miami.json("protect", *SITE) == ["Abe"]


def test_a_protected_name_cannot_hold_markers(north_miami):
    assert north_miami.fails("protect", *SITE, "Jane [[Roe]]") == (
        "error: protected term cannot hold [[ (at character 6): it is always public in full, "
        "so there is nothing to redact; remove the brackets"
    )


def test_protecting_is_in_the_audit_trail_without_the_name(north_miami):
    north_miami.ok("protect", *SITE, "Secret Person")
    events = [e for e in north_miami.json("history", *SITE) if e["action"] == "protect"]
    assert len(events) == 1
    [event] = events
    assert (
        event["record_type"] == "protected_term"
        and event["actor"] == "tester"
        and event["ref"] is None
    )
    assert list(event["after"]) == ["id"]
    assert "Secret Person" not in str(event)


def test_a_note_is_recorded_on_its_record(north_miami):
    with_finding(north_miami)
    added = north_miami.json("note", *SITE, "1.1", "  Confirm the 2023 figures.  ")
    assert added["number"] == "1.1" and added["kind"] == "finding" and len(added["id"]) == 36
    on_rec = north_miami.json("note", *SITE, "1.1.1", "Ask the union.")
    assert on_rec["number"] == "1.1.1" and on_rec["kind"] == "recommendation"
    assert north_miami.ok("note", *SITE, "1.1", "Third.").strip() == "1.1: note added"
    notes = [e for e in north_miami.json("history", *SITE) if e["action"] == "note"]
    assert [(e["record_type"], e["ref"], e["actor"]) for e in notes] == [
        ("finding", "1.1", "tester"),
        ("recommendation", "1.1.1", "tester"),
        ("finding", "1.1", "tester"),
    ]
    assert notes[0]["after"] == {"note_id": added["id"]}
    internal = north_miami.ok("report", *SITE, "--internal", "--format", "json")
    assert "Confirm the 2023 figures." in internal and "Ask the union." in internal
    assert "  Confirm" not in internal  # stored stripped


def test_an_empty_or_too_long_note_is_refused(north_miami):
    with_finding(north_miami)
    assert north_miami.fails("note", *SITE, "1.1", " \n\t ") == "error: a note must not be empty"
    north_miami.ok("note", *SITE, "1.1", "x" * 20_000)
    before = dump(north_miami.db)
    assert north_miami.fails("note", *SITE, "1.1", "x" * 20_001) == (
        "error: note is 20001 characters long; keep it to 20000"
    )
    assert dump(north_miami.db) == before
    north_miami.fails("note", *SITE, "1.1", "a [[b", says="note: unclosed [[ at character 3")


def test_protected_names_match_across_any_whitespace(north_miami):
    north_miami.ok("protect", *SITE, "Jane Roe")
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "t",
        "--body-file",
        "-",
        input="Sgt. Jane\nRoe and JANE\u00a0ROE and jane\troe spoke.\n",
    )
    approve(north_miami, "north-miami", "1.1")
    text = north_miami.ok("report", *SITE, "--format", "json").lower()
    assert "roe" not in text
    result = north_miami("check", *SITE, "--format", "json")
    assert result.exit_code == 1 and "protected-name" in result.stdout
