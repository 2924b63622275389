"""Shell completion knows the store: site slugs, finding and recommendation numbers, section names."""

import pytest


def complete(cli, line: str) -> list[str]:
    """What bash completion offers for the last word of LINE (a trailing space: a new word)."""
    words = line.split() + ([""] if line.endswith(" ") else [])
    result = cli.runner.invoke(
        cli_app(),
        [],
        env={
            "_REFORMCTL_COMPLETE": "complete_bash",
            "COMP_WORDS": " ".join(words),
            "COMP_CWORD": str(len(words) - 1),
        },
    )
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def cli_app():
    from reformctl.cli import app

    return app


@pytest.fixture
def two(demo, north_miami):
    return demo


def test_site_slugs(two):
    assert complete(two, "reformctl findings --site ") == ["brightwater-demo", "north-miami"]
    assert complete(two, "reformctl set-status --site n") == ["north-miami"]


def test_recommendation_numbers_for_the_site_typed(two):
    assert complete(two, "reformctl set-status --site brightwater-demo 1.1.") == [
        "1.1.1",
        "1.1.2",
        "1.1.3",
    ]
    assert complete(two, "reformctl status-history --site brightwater-demo 2.1.") == [
        "2.1.1",
        "2.1.2",
        "2.1.3",
    ]
    assert (
        complete(two, "reformctl set-status --site north-miami 1.") == []
    )  # it has no findings yet


def test_references_and_sections(two):
    assert complete(two, "reformctl note --site brightwater-demo 1.2") == ["1.2", "1.2.1", "1.2.2"]
    assert complete(two, "reformctl cite --site brightwater-demo 2.") == [
        "2.1",
        "2.2",
        "2.3",
        "2.4",
    ]
    assert complete(two, "reformctl history --site brightwater-demo --ref 1.3") == [
        "1.3",
        "1.3.1",
        "1.3.2",
    ]
    assert complete(two, "reformctl history --site brightwater-demo 1.3") == [
        "1.3",
        "1.3.1",
        "1.3.2",
    ]
    assert "methodology" in complete(two, "reformctl section --site brightwater-demo ")
    assert complete(two, "reformctl submit --site brightwater-demo meth") == ["methodology"]


def test_without_site_the_default_engagement_is_used(demo):
    assert complete(demo, "reformctl set-status 1.1.") == ["1.1.1", "1.1.2", "1.1.3"]


def test_completion_without_a_store_offers_nothing(cli):
    assert complete(cli, "reformctl findings --site ") == []
    assert complete(cli, "reformctl set-status ") == []
