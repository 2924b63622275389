"""A number is never reused: the next finding or recommendation follows the highest number taken,
whatever gaps imports or withdrawals have left."""

import csv

SITE = ("--site", "brightwater-demo")
HEADER = [
    "focus_area",
    "finding",
    "finding_title",
    "recommendation",
    "recommendation_text",
    "priority",
    "owner",
    "due",
    "status",
    "status_as_of",
]


def numbers(cli, area: str) -> list[str]:
    return [f["number"] for f in cli.json("findings", *SITE, "--focus-area", area)]


def test_the_next_numbers_follow_the_highest_after_an_import_with_gaps(demo, tmp_path):
    assert numbers(demo, "5") == ["5.1", "5.2", "5.3"]
    sheet = tmp_path / "gaps.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(
            ["5", "5.7", "Imported with a gap", "5.7.3", "Imported third.", "", "", "", "", ""]
        )
    demo.ok("import", *SITE, sheet)
    assert numbers(demo, "5") == ["5.1", "5.2", "5.3", "5.7"]
    # COUNT(*) + 1 would give 5.5 and 5.7.2 here.
    assert (
        demo.json("log-finding", *SITE, "--focus-area", "5", "--title", "Next")["number"] == "5.8"
    )
    assert (
        demo.json("recommend", *SITE, "--finding", "5.7", "--text", "Next one.")["number"]
        == "5.7.4"
    )


def test_a_withdrawn_number_is_retired(demo):
    demo.ok("log-finding", *SITE, "--focus-area", "5", "--title", "To withdraw")
    demo.ok("review", *SITE, "5.4", "--decision", "withdraw", "--comment", "duplicate")
    assert (
        demo.json("log-finding", *SITE, "--focus-area", "5", "--title", "After it")["number"]
        == "5.5"
    )
    assert numbers(demo, "5") == ["5.1", "5.2", "5.3", "5.4", "5.5"]
