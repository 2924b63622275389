"""new-engagement at a terminal asks for what is missing: the required values, and while asking,
city, state, program, announcement date and public page, each of which may be left empty. A bad
answer is asked again with the reason. A complete command, or one without a terminal, asks nothing."""

import pytest


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr("reformctl.cli.prompts.interactive", lambda: True)


PROGRAM = (
    "Program (organizational-assessment, technical-assistance, critical-response; "
    "empty for organizational-assessment)"
)


def test_a_terminal_is_asked_for_every_value(cli, terminal):
    answers = [
        "miami-dade",
        "Miami-Dade Police Department",
        "Miami",
        "Florida",
        "fl",
        "technical-assistance",
        "2024-13-01",
        "2024-03-28",
        "cops.usdoj.gov/md",
        "Use of force",
        "Training",
        "",
    ]
    result = cli("new-engagement", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.stderr
    # The questions go to stderr (the terminal echoes the answers), so stdout is only the result.
    assert result.stderr == (
        "Site slug (e.g. north-miami): "
        "Agency name: "
        "Optional: press Enter to leave one out.\n"
        "City or county: "
        "State (two letters, e.g. FL): "
        "Error: state 'Florida' is not a US state or territory code; use two letters, e.g. FL or MI\n"
        "State (two letters, e.g. FL): "
        f"{PROGRAM}: "
        "Announcement date (YYYY-MM-DD): "
        "Error: announcement date '2024-13-01' is not a real date; use YYYY-MM-DD, e.g. 2024-03-28\n"
        "Announcement date (YYYY-MM-DD): "
        "Public page (URL): "
        "Focus areas: one per line, in the order announced; an empty line ends the list.\n"
        "  1:   2:   3: "
    )
    assert result.stdout == (
        "Created miami-dade: Miami-Dade Police Department (Technical Assistance), phase assessment\n"
        "  1. Use of force  [use-of-force]\n"
        "  2. Training  [training]\n"
    )
    engagement = cli.json("show", "--site", "miami-dade")["engagement"]
    assert {
        k: engagement[k] for k in ("agency", "city", "state", "program", "announced", "public_url")
    } == {
        "agency": "Miami-Dade Police Department",
        "city": "Miami",
        "state": "FL",
        "program": "technical-assistance",
        "announced": "2024-03-28",
        "public_url": "https://cops.usdoj.gov/md",
    }


def test_empty_answers_leave_the_optional_values_out(cli, terminal):
    result = cli("new-engagement", "--site", "quiet", input="Quiet PD\n\n\n\n\n\nOne\n\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "Agency name: Optional: press Enter to leave one out.\n"
        "City or county: "
        "State (two letters, e.g. FL): "
        f"{PROGRAM}: "
        "Announcement date (YYYY-MM-DD): "
        "Public page (URL): "
        "Focus areas:"
    )
    assert result.stdout.startswith("Created quiet: Quiet PD")
    engagement = cli.json("show", "--site", "quiet")["engagement"]
    assert {k: engagement[k] for k in ("city", "state", "program", "announced", "public_url")} == {
        "city": None,
        "state": None,
        "program": "organizational-assessment",
        "announced": None,
        "public_url": None,
    }


def test_values_given_as_options_are_not_asked(cli, terminal):
    result = cli(
        "new-engagement",
        "--site",
        "given",
        "--city",
        "Doral",
        "--program",
        "critical-response",
        input="Given PD\nFL\n\n\nOne\n\n",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "Agency name: Optional: press Enter to leave one out.\n"
        "State (two letters, e.g. FL): "
        "Announcement date (YYYY-MM-DD): "
        "Public page (URL): "
        "Focus areas:"
    )
    engagement = cli.json("show", "--site", "given")["engagement"]
    assert (engagement["city"], engagement["state"], engagement["program"]) == (
        "Doral",
        "FL",
        "critical-response",
    )


def test_a_complete_command_at_a_terminal_asks_nothing(cli, terminal):
    result = cli(
        "new-engagement", "--site", "whole", "--agency", "Whole PD", "--focus-area", "One", input=""
    )
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout
        == "Created whole: Whole PD (Organizational Assessment), phase assessment\n  1. One  [one]\n"
    )


def test_without_a_terminal_nothing_is_asked(cli):
    result = cli("new-engagement", "--agency", "Lone PD", input="lone\n\n\n\n\n\nOne\n\n")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "error: missing --site and --focus-area (stdin is not a terminal, so reformctl "
        "cannot ask for them) (see `reformctl new-engagement --help`)\n"
    )
    assert cli.json("engagements") == []


def test_input_ending_mid_question_aborts_and_writes_nothing(cli, terminal):
    result = cli("new-engagement", "--site", "cut", input="Cut PD\n")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.endswith("City or county: \nAborted!\n")
    assert cli.json("engagements") == []
