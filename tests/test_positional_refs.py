"""A reference that names the record acted on is positional (`history 1.1`); the old option
spelling (`history --ref 1.1`) still works for scripts, hidden from help, and both at once is a
usage error."""

SITE = ("--site", "brightwater-demo")


def test_history_takes_the_reference_as_an_argument(demo):
    everything = demo.json("history", *SITE)
    only = demo.json("history", *SITE, "1.1")
    assert only == [e for e in everything if e["ref"] == "1.1"]
    assert [e["action"] for e in only] == ["create", "submit", "review"]
    assert {e["record_type"] for e in only} == {"finding"}


def test_history_keeps_the_old_option_spelling(demo):
    assert demo.json("history", *SITE, "--ref", "1.1") == demo.json("history", *SITE, "1.1")
    assert demo.ok("history", *SITE, "--ref", "1.1") == demo.ok("history", *SITE, "1.1")


def test_history_refuses_the_reference_given_both_ways(demo):
    line = demo.fails("history", *SITE, "1.1", "--ref", "1.2", code=2)
    assert line == (
        "error: REF given twice, as an argument and as --ref; give it once, as the argument "
        "(see `reformctl history --help`)"
    )


def test_help_shows_the_argument_not_the_old_option(demo):
    out = demo.ok("history", "--help")
    assert out.splitlines()[0] == "Usage: reformctl history [OPTIONS] [REF]"
    assert "--ref" not in out
    assert "Example: reformctl history --site north-miami 3.1" in out


def test_history_names_an_unknown_reference_given_as_an_argument(demo):
    line = demo.fails("history", *SITE, "9.9")
    assert (
        line
        == "error: brightwater-demo has no finding 9.9; `reformctl findings --site brightwater-demo` lists them"
    )
