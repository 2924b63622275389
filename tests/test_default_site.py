"""--site may be left out when one engagement is the obvious one: REFORMCTL_SITE, site in
reformctl.toml, or the only engagement in the store; otherwise one line lists the known sites."""

import json

SEVERAL = (
    "error: missing --site: the store holds several engagements (brightwater-demo, north-miami); "
    'give --site SLUG, or name one in REFORMCTL_SITE or site = "..." in reformctl.toml '
    "(see `reformctl findings --help`)"
)


def test_the_only_engagement_is_used_without_site(north_miami):
    assert north_miami.json("findings") == north_miami.json("findings", "--site", "north-miami")
    logged = north_miami.json("log-finding", "--focus-area", "1", "--title", "No site given")
    assert logged["number"] == "1.1"
    assert north_miami.json("findings", "--site", "north-miami")[0]["title"] == "No site given"
    assert north_miami.ok("where").splitlines()[2:] == [
        "engagement: north-miami",
        "engagement chosen by: the only engagement in the store",
    ]


def test_several_engagements_without_site_list_them_in_one_line(north_miami):
    north_miami.ok("demo")
    result = north_miami("findings")
    assert result.exit_code == 2
    assert result.stderr.strip() == SEVERAL
    line = north_miami.fails("set-status", "1.1.1", "complete", code=2, says="missing --site")
    assert "(brightwater-demo, north-miami)" in line
    assert (
        north_miami.ok("where").splitlines()[2]
        == "engagement: none; "
        + SEVERAL[len("error: missing --site: ") : -len(" (see `reformctl findings --help`)")]
    )


def test_the_environment_variable_names_the_engagement(north_miami, monkeypatch):
    north_miami.ok("demo")
    monkeypatch.setenv("REFORMCTL_SITE", "brightwater-demo")
    assert north_miami.json("findings") == north_miami.json(
        "findings", "--site", "brightwater-demo"
    )
    assert north_miami.json("findings", "--site", "north-miami") == []  # --site still wins
    assert north_miami.ok("where").splitlines()[2:] == [
        "engagement: brightwater-demo",
        "engagement chosen by: REFORMCTL_SITE environment variable",
    ]
    monkeypatch.setenv("REFORMCTL_SITE", "nowhere")
    north_miami.fails(
        "findings",
        says="no engagement with site 'nowhere'; known sites: brightwater-demo, north-miami",
    )


def test_reformctl_toml_names_the_engagement(north_miami, isolated):
    north_miami.ok("demo")
    (isolated / "reformctl.toml").write_text('site = "brightwater-demo"\n')
    assert len(north_miami.json("findings")) == 17
    assert north_miami.ok("where").splitlines()[2:] == [
        "engagement: brightwater-demo",
        f"engagement chosen by: site in {isolated / 'reformctl.toml'}",
    ]
    (isolated / "reformctl.toml").write_text("site = 3\n")
    north_miami.fails(
        "findings",
        says="reformctl.toml: key 'site' must be a site slug, e.g. site = \"north-miami\"",
    )


def test_no_store_and_an_empty_store_say_how_to_begin(cli, isolated):
    result = cli("findings")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: missing --site: there is no store yet; create an engagement with "
        "`reformctl new-engagement` (see `reformctl findings --help`)"
    )
    assert not (isolated / "test.db").exists()
    assert cli.ok("where").splitlines()[2] == (
        "engagement: none; there is no store yet; create an engagement "
        "with `reformctl new-engagement`"
    )


def test_new_engagement_never_takes_a_default_site(north_miami):
    result = north_miami("new-engagement", "--agency", "X", "--focus-area", "A")
    assert result.exit_code == 2
    assert "--site" in result.stderr


def test_team_lists_the_only_engagements_team(north_miami):
    north_miami.ok("team", "add", "Ana Lee", "--role", "lead")
    assert [m["name"] for m in json.loads(north_miami.ok("team", "--format", "json"))] == [
        "Ana Lee"
    ]


def test_where_still_answers_when_the_store_cannot_be_read(cli, isolated):
    (isolated / "test.db").write_text("not a store\n")
    out = cli.ok("where").splitlines()
    assert out[:2] == [str(isolated / "test.db"), "chosen by: REFORMCTL_DB environment variable"]
    assert out[2] == (
        f"engagement: none; the store cannot be read: {isolated / 'test.db'} is not a "
        "reformctl store, or it is damaged (restore it from a backup)"
    )


# Commands whose --site is a target of their own, not the engagement acted on.
OWN_SITE = {
    "new-engagement": "it names the engagement it creates",
    "export": "left out, every engagement goes into the public database (--public-db)",
    "import": "a bundle names its engagement; a spreadsheet needs the option",
}
# Commands that read every engagement unless given one: the shared filter option.
FILTERS = {"dashboard", "status", "search"}


def _commands(group, ctx, path=()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name), command
        if hasattr(command, "list_commands"):
            yield from _commands(command, ctx, (*path, name))


def test_every_command_acting_on_an_engagement_shares_the_site_option():
    """One --site for every command that acts on an engagement (team included): the help and
    metavar of cli/options.py, so each says how the engagement is chosen when it is left out."""
    import typer

    from reformctl.cli import app
    from reformctl.cli.options import SITE_HELP, SiteFilterOption

    filter_help = SiteFilterOption.__metadata__[0].help

    root = typer.main.get_command(app)
    ctx = root.make_context("reformctl", ["--help"], resilient_parsing=True)
    checked = []
    for path, command in _commands(root, ctx):
        for param in command.params:
            if "--site" not in getattr(param, "opts", []) or path[-1] in OWN_SITE:
                continue
            checked.append(" ".join(path))
            shared = filter_help if path[-1] in FILTERS else SITE_HELP
            assert (param.help, param.metavar) == (shared, "SLUG"), path
    assert {"team", "team add", "findings", "set-status", "search", "dashboard"} <= set(checked)
