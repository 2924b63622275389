"""Where the store lives: --db, REFORMCTL_DB, reformctl.toml here or in the config dir, the default."""

from pathlib import Path

from reformctl.cli.context import app_dir


def lines(cli, *args):
    return cli.ok(*args).splitlines()


def test_db_flag_wins(cli, isolated):
    out = lines(cli, "--db", "flag.db", "where")
    assert out[0].endswith("flag.db") and out[1] == "chosen by: --db option"


def test_environment_variable(cli, isolated):
    out = lines(cli, "where")
    assert out[0] == str(isolated / "test.db") and "REFORMCTL_DB" in out[1]


def test_toml_in_current_directory(cli, isolated, monkeypatch):
    monkeypatch.delenv("REFORMCTL_DB")
    (isolated / "reformctl.toml").write_text('db = "team.db"\n')
    out = lines(cli, "where")
    assert out[0] == str(isolated / "team.db")
    assert "reformctl.toml" in out[1]


def test_toml_in_config_directory(cli, isolated, monkeypatch):
    monkeypatch.delenv("REFORMCTL_DB")
    config = Path(app_dir())
    config.mkdir(parents=True)
    (config / "reformctl.toml").write_text('db = "shared.db"\n')
    out = lines(cli, "where")
    assert out[0] == str(config / "shared.db")


def test_default_is_the_config_directory(cli, isolated, monkeypatch):
    monkeypatch.delenv("REFORMCTL_DB")
    out = lines(cli, "where")
    assert out[0] == str(Path(app_dir()) / "reformctl.db")
    assert out[1].startswith("chosen by: default")
    cli.ok("demo")  # the first engagement creates the directory and the store
    assert (Path(app_dir()) / "reformctl.db").exists()


def test_malformed_config_names_the_line(cli, isolated, monkeypatch):
    monkeypatch.delenv("REFORMCTL_DB")
    (isolated / "reformctl.toml").write_text('db = "unterminated\n')
    line = cli.fails("where", says="reformctl.toml")
    assert "line 1" in line
