"""One word per concept: --format text|json everywhere, findings --status/--review, dashboard."""

import json

import pytest

SITE = ("--site", "brightwater-demo")


@pytest.mark.parametrize(
    "args",
    [
        ("engagements",),
        ("show", *SITE),
        ("findings", *SITE),
        ("status-history", *SITE, "1.1.1"),
        ("sections", *SITE),
    ],
)
def test_listings_print_text_and_still_accept_table(demo, args):
    text = demo.ok(*args, "--format", "text")
    assert text == demo.ok(*args) == demo.ok(*args, "--format", "table")
    assert json.loads(demo.ok(*args, "--format", "json"))


def test_a_bad_format_names_the_two_choices(demo):
    result = demo("findings", *SITE, "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: Invalid value for '--format': 'xml' is not one of 'text', 'json'. "
        "(see `reformctl findings --help`)"
    )
    assert "[text|json]" in demo.ok("findings", "--help") and "table" not in demo.ok(
        "findings", "--help"
    )


def test_findings_status_filters_by_implementation_status(demo):
    every = demo.json("findings", *SITE)
    complete = demo.json("findings", *SITE, "--status", "complete")
    expected = [
        (f["number"], [r["number"] for r in f["recommendations"] if r["status"] == "complete"])
        for f in every
    ]
    assert [(f["number"], [r["number"] for r in f["recommendations"]]) for f in complete] == [
        pair for pair in expected if pair[1]
    ]
    assert complete and all(
        r["status"] == "complete" for f in complete for r in f["recommendations"]
    )
    assert (
        demo.json("findings", *SITE, "--status", "Complete") == complete
    )  # a label works as in set-status
    demo.fails("findings", *SITE, "--status", "done", code=2, says="'done' is not a status")


def test_findings_review_filters_by_review_state_and_status_draft_still_does(demo):
    demo.ok("log-finding", *SITE, "--focus-area", "1", "--title", "A fresh draft")
    drafts = demo.json("findings", *SITE, "--review", "draft")
    assert [f["title"] for f in drafts] == ["A fresh draft"]
    result = demo("findings", *SITE, "--status", "draft", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == drafts
    assert result.stderr.strip() == "note: --status draft is a review state; say --review draft"


def test_dashboard_is_the_dashboard_and_status_still_runs_it_unlisted(demo):
    assert demo.json("dashboard") == demo.json("status")
    assert demo.json("dashboard", *SITE)[0]["site"] == "brightwater-demo"
    listed = demo.ok("--help")
    assert "  dashboard " in listed and "\n  status " not in listed


def test_every_choice_on_the_command_line_comes_from_the_vocabulary():
    """A command's choices (--kind, --review, --priority, ...) are words of model/vocab.py, so a
    word added or renamed there reaches every command and cannot drift apart from it."""
    import typer.main

    from reformctl.cli.app import app
    from reformctl.model import vocab

    words = [set(v) for v in vars(vocab).values() if isinstance(v, (dict, tuple))]
    command_line_only = [{"text", "json"}, {"ours", "theirs"}]  # --format of listings, resolve
    root = typer.main.get_command(app)
    ctx = root.make_context("reformctl", ["--help"], resilient_parsing=True)
    offered = []
    for name in root.list_commands(ctx):
        command = root.get_command(ctx, name)
        for sub in getattr(command, "commands", {}).values() or [command]:
            for param in sub.params:
                enum = _enum(param.type_descriptor.annotation)
                if enum is not None:
                    offered.append((name, param.name, {member.value for member in enum}))
    assert len(offered) >= 10
    for name, param, choices in offered:
        assert any(choices <= known for known in words + command_line_only), (name, param, choices)


def _enum(annotation):
    """The Enum a parameter's annotation (Optional[X], list[X] or X) chooses from, if any."""
    import enum
    import typing

    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    return next(filter(None, map(_enum, typing.get_args(annotation))), None)
