"""What goes public is scrubbed at one place: every string of the public report is redacted and
cleared of protected names however they are written, and `check` says where each problem is.

Single-line fields (agency, city, focus-area titles, owner) are given their hostile values
straight in the store, as a store written before input validation holds them: what is tested
here is the public side, whatever the doors let in.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from helpers import EXAMPLES, approve, dump
from public_outputs import assert_no_secret, open_data_texts, publish_texts, report_texts
from reformctl.reports.public import redact

SITE = ("--site", "north-miami")


def legacy(cli, sql: str, *params) -> None:
    """Write to the store directly, as an old store holds values no door accepts today."""
    conn = sqlite3.connect(cli.db)
    with conn:
        conn.execute(sql, params)
    conn.close()


def engagement_with(
    cli, agency=None, city=None, area=None, owner=None, title="A finding", body="", text="Do it."
):
    """north-miami with finding 1.1 and recommendation 1.1.1 approved, their fields as given."""
    cli.ok("new-engagement", "--from", EXAMPLES / "north-miami.toml")
    for column, value in (("agency", agency), ("city", city)):
        if value is not None:
            legacy(cli, f"UPDATE engagements SET {column} = ? WHERE site = 'north-miami'", value)
    if area is not None:
        legacy(cli, "UPDATE focus_areas SET title = ? WHERE number = 1", area)
    cli.ok("log-finding", *SITE, "--focus-area", "1", "--title", "placeholder")
    cli.ok(
        "recommend", *SITE, "--finding", "1.1", "--text", "placeholder", "--owner", "placeholder"
    )
    legacy(cli, "UPDATE findings SET title = ?, body = ?", title, body)
    legacy(cli, "UPDATE recommendations SET text = ?, owner = ?", text, owner)
    approve(cli, "north-miami", "1.1", "1.1.1")
    cli.ok("set-status", *SITE, "1.1.1", "in-progress")


def problems(cli) -> list[dict]:
    result = cli("check", *SITE, "--format", "json")
    return json.loads(result.stdout)["problems"]


@pytest.mark.slow
def test_every_public_field_is_redacted_in_every_format_and_the_open_data(cli, isolated):
    secrets = [f"ZQXLEAK{i}" for i in range(8)]
    engagement_with(
        cli,
        agency=f"North Miami [[{secrets[0]}]] Police Department",
        city=f"[[{secrets[1]}]]North Miami",
        area=f"Crime Prevention [[{secrets[2]}]]",
        owner=f"Patrol Unit [[{secrets[3]}]]",
        title=f"[[{secrets[4]}]] Response times lag",
        body=f"Response [[{secrets[5]}]] times.",
        text=f"Publish response times. [[{secrets[6]}",
    )
    cli.ok("note", *SITE, "1.1", secrets[7])
    data = cli.json("report", *SITE)
    rec = data["focus_areas"][0]["findings"][0]["recommendations"][0]
    assert (data["engagement"]["agency"], data["engagement"]["city"]) == (
        "North Miami Police Department",
        "North Miami",
    )
    assert (data["focus_areas"][0]["title"], data["focus_areas"][0]["slug"]) == (
        "Crime Prevention",
        "crime-prevention",
    )
    assert (rec["owner"], rec["text"]) == ("Patrol Unit", "Publish response times.")
    texts = {}
    for kind in ("status-update", "progress", "final"):
        texts.update(
            {f"{kind} {k}": v for k, v in report_texts("north-miami", isolated, kind).items()}
        )
    texts.update(open_data_texts(isolated / "open"))
    assert_no_secret(texts, secrets)
    release = publish_texts(
        "north-miami", isolated / "release", "--override-check", "--reason", "malformed legacy"
    )
    assert_no_secret({k: v for k, v in release.items() if not k.endswith("manifest.json")}, secrets)


def test_the_release_manifest_is_scrubbed_too(cli, isolated):
    engagement_with(cli, agency="North Miami [[ZQXLEAK0]] Police Department")
    release = publish_texts(
        "north-miami", isolated / "release", "--override-check", "--reason", "legacy"
    )
    assert_no_secret({"manifest": release["publish manifest.json"]}, ["ZQXLEAK0"])


def test_nested_and_unbalanced_markers_publish_nothing_inside(cli):
    engagement_with(
        cli,
        body="Before [[a [[b]] c]] after.",
        text="Act ]] now [[secret",
        owner="[[x [[y]] z]] Unit",
    )
    data = cli.json("report", *SITE)
    finding = data["focus_areas"][0]["findings"][0]
    rec = finding["recommendations"][0]
    assert (finding["body"], rec["text"], rec["owner"]) == ("Before after.", "Act now", "Unit")
    assert [redact(t) for t in ("[[a]]]]b", "a]][[x]]]]b", "[[[x]]]", "x [[]] y")] == [
        "b",
        "ab",
        "]",
        "x y",
    ]


def test_check_flags_malformed_markers_with_field_and_position(cli):
    engagement_with(
        cli,
        owner="Unit [[a [[b]] c]]",
        title="Title ]] here",
        body="Body [[ ]] and [[open",
        city="North Miami",
    )
    before = dump(cli.db)
    found = {(p["level"], p["code"], p["where"], p["message"]) for p in problems(cli)}
    assert dump(cli.db) == before
    assert found >= {
        (
            "error",
            "malformed-marker",
            "recommendation 1.1.1 owner",
            "recommendation 1.1.1 owner: nested [[ at character 10 (inside the [[ at character 6); "
            "a redaction cannot hold another",
        ),
        (
            "error",
            "malformed-marker",
            "finding 1.1 title",
            "finding 1.1 title: ]] at character 7 closes nothing; remove it or add [[ before it",
        ),
        (
            "error",
            "malformed-marker",
            "finding 1.1 body",
            "finding 1.1 body: empty [[]] at character 6; put the withheld "
            "text inside it or remove it",
        ),
        (
            "error",
            "malformed-marker",
            "finding 1.1 body",
            "finding 1.1 body: unclosed [[ at character 16; close it with ]] or remove it",
        ),
    }
    assert cli("check", *SITE).exit_code == 1


DISGUISES = [
    "JANE\u00adROE",
    "\uff2a\uff41\uff4e\uff45\u3000\uff32\uff4f\uff45",
    "Jane\u200b Roe",
    "jane -- roe",
    "Jane\nRoe",
    "Ja\u2060ne\u200dRoe",
    "\ufeffJane Roe",
    "Jane\u00a0Roe",
    "JANE\u2014ROE",
]


def test_protected_names_in_disguise_are_withheld_as_written(cli, isolated):
    engagement_with(
        cli,
        body="; ".join(DISGUISES) + ".",
        owner="JANE\u00adROE",
        city="Jane\u200bRoe City",
        area="Roe, Jane",
    )
    cli.ok("protect", *SITE, "Jane Roe")
    data = cli.json("report", *SITE)
    finding = data["focus_areas"][0]["findings"][0]
    # A span is replaced as written, from its first visible character: the BOM before it stays.
    assert (
        finding["body"]
        == "; ".join(
            "\ufeff[withheld]" if d.startswith("\ufeff") else "[withheld]" for d in DISGUISES
        )
        + "."
    )
    assert finding["recommendations"][0]["owner"] == "[withheld]"
    assert data["engagement"]["city"] == "[withheld] City"
    assert data["focus_areas"][0]["title"] == "Roe, Jane"  # another order is another string
    texts = report_texts("north-miami", isolated, "final")
    texts.update(open_data_texts(isolated / "open"))
    assert_no_secret(texts, ["Jane Roe"])


def test_check_reports_each_disguised_name_by_record_field_and_span(cli):
    engagement_with(
        cli, body="; ".join(DISGUISES), owner="JANE\u00adROE", city="Jane\u200bRoe City"
    )
    cli.ok("protect", *SITE, "Jane Roe")
    found = {p["where"]: p["message"] for p in problems(cli) if p["code"] == "protected-name"}
    assert found == {
        "recommendation 1.1.1 owner": "recommendation 1.1.1 owner: protected name 'Jane Roe' appears as 'JANE\\u00adROE'",
        "engagement city": "engagement city: protected name 'Jane Roe' appears as 'Jane\\u200bRoe'",
        "finding 1.1 body": f"finding 1.1 body: protected name 'Jane Roe' appears as 'JANE\\u00adROE' "
        f"(and {len(DISGUISES) - 1} more)",
    }


def test_a_redacted_name_is_not_reported(cli):
    engagement_with(cli, body="The witness [[Jane Roe]] spoke.", owner="[[JANE ROE]] Unit")
    cli.ok("protect", *SITE, "Jane Roe")
    assert [p for p in problems(cli) if p["code"] == "protected-name"] == []


@pytest.mark.parametrize(
    "again",
    [
        "jane roe",
        "JANE\u00a0ROE",
        "\uff2a\uff41\uff4e\uff45 \uff32\uff4f\uff45",
        "Jane-Roe",
        "Jane\u00adRoe",
        "Jane \u200bRoe",
    ],
)
def test_protect_knows_a_name_however_it_is_written(north_miami, again):
    north_miami.ok("protect", *SITE, "Jane Roe")
    before = dump(north_miami.db)
    assert "already protected" in north_miami.ok("protect", *SITE, again)
    assert dump(north_miami.db) == before
    assert north_miami.json("protect", *SITE) == ["Jane Roe"]


def test_a_name_of_invisible_characters_is_too_short(north_miami):
    north_miami.fails("protect", *SITE, "A\u00ad\u200bl\u200b", says="too short")


def test_another_engagements_name_is_found_in_disguise(cli):
    engagement_with(cli, body="Copied from the DEARBORN\u00a0HEIGHTS plan.")
    cli.ok("new-engagement", "--from", EXAMPLES / "dearborn-heights.toml")
    found = [p for p in problems(cli) if p["code"] == "other-engagement"]
    assert [(p["where"], p["message"]) for p in found] == [
        (
            "finding 1.1 body",
            "finding 1.1 body names 'Dearborn Heights' as 'DEARBORN\\u00a0HEIGHTS', the city of another engagement "
            "(dearborn-heights); a template copy mistake?",
        )
    ]


def test_a_similar_name_is_not_another_engagement(north_miami):
    north_miami.ok(
        "new-engagement",
        "--site",
        "miami",
        "--agency",
        "Miami Police Department",
        "--city",
        "Miami",
        "--focus-area",
        "X",
    )
    north_miami.ok(
        "log-finding",
        *SITE,
        "--focus-area",
        "1",
        "--title",
        "The North Miami Police Department plan",
    )
    north_miami.ok(
        "recommend", *SITE, "--finding", "1.1", "--text", "Update it.", "--owner", "Chief"
    )
    approve(north_miami, "north-miami", "1.1", "1.1.1")
    assert north_miami("check", *SITE).exit_code == 0
    north_miami.ok("edit", *SITE, "1.1", "--body", "Copied from the Miami Police Department page.")
    north_miami.ok("--as", "R", "review", *SITE, "1.1", "--decision", "approve")
    assert "other-engagement" in north_miami("check", *SITE, "--format", "json").stdout
