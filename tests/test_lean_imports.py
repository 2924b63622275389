"""Hot commands load only what they use: start-up is most of what an interactive command costs."""

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys

import pytest
import typer

import reformctl.cli
from reformctl.cli.app import COMMANDS
from reformctl.cli.app import app as root_app

pytestmark = pytest.mark.slow  # a fresh interpreter per command

HEAVY = ("jinja2", "weasyprint", "typst", "openpyxl", "sqlite_utils", "rich")

# Runs the app in-process as the console script would, then reports every module loaded.
PROBE = """
import json, sys
from reformctl.cli import main
sys.argv = ["reformctl", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def loaded(*args: str, full: bool = False) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), result.stderr
    return set(report["modules"]) if full else {name.split(".")[0] for name in report["modules"]}


@pytest.fixture
def demo_store(demo):
    return demo


@pytest.mark.parametrize(
    "args",
    [
        ("log-finding", "--site", "brightwater-demo", "--focus-area", "1", "--title", "Lean"),
        ("recommend", "--site", "brightwater-demo", "--finding", "1.1", "--text", "Lean."),
        ("set-status", "--site", "brightwater-demo", "1.1.1", "in-progress"),
        ("show", "--site", "brightwater-demo", "--format", "json"),
        ("findings", "--site", "brightwater-demo", "--format", "json"),
        ("show", "--site", "brightwater-demo"),  # the listings print plain columns, without Rich
        ("findings", "--site", "brightwater-demo"),
        ("engagements",),
        ("search", "complaint", "--site", "brightwater-demo"),
    ],
    ids=lambda a: " ".join(a[:1] + a[3:]),
)
def test_hot_commands_load_no_heavy_module(demo_store, args):
    heavy = loaded(*args) & set(HEAVY)
    assert not heavy, f"{args[0]} imported {sorted(heavy)}"


def test_json_reports_need_no_template_engine(demo_store):
    modules = loaded("report", "--site", "brightwater-demo", "--format", "json")
    assert not modules & {"jinja2", "weasyprint", "typst", "openpyxl", "sqlite_utils"}


def test_the_pdf_report_needs_no_weasyprint(demo_store, tmp_path):
    # WeasyPrint lays out a team's HTML template only; the default PDF is Typst's.
    modules = loaded(
        "report",
        "--site",
        "brightwater-demo",
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "r.pdf"),
    )
    assert "typst" in modules and not modules & {"weasyprint", "jinja2"}


def test_one_command_imports_only_its_own_command_module(demo_store):
    modules = loaded(
        "log-finding",
        "--site",
        "brightwater-demo",
        "--focus-area",
        "1",
        "--title",
        "Lean",
        full=True,
    )
    command_modules = {
        m.split(".")[2] for m in modules if m.startswith("reformctl.cli.") and m.count(".") == 2
    }
    table_modules = {entry.target.split(":")[0] for entry in COMMANDS.values()}
    assert command_modules & table_modules == {"findings"}, sorted(command_modules)


# Everything `findings` may load of reformctl. Start-up is most of what it costs (the modules
# are compiled afresh when bytecode is not written), so a new import here must earn its place:
# engagement creation (model.engagements), the status model (model.statuses, with text checks
# and guards) and the body editor (cli.editing) are for other commands.
FINDINGS_MODULES = {
    "reformctl",
    "reformctl.cli",
    "reformctl.cli.app",
    "reformctl.cli.context",
    "reformctl.cli.errors",
    "reformctl.cli.lazy",
    "reformctl.cli.options",
    "reformctl.cli.findings",
    "reformctl.cli.formats",
    "reformctl.cli.terminal",
    "reformctl.config",
    "reformctl.dates",
    "reformctl.errors",
    "reformctl.model",
    "reformctl.model.listing",
    "reformctl.model.refs",
    "reformctl.model.sites",
    "reformctl.model.status_query",
    "reformctl.model.vocab",
    "reformctl.store",
    "reformctl.store.db",
}


@pytest.mark.parametrize(
    "args",
    [
        ("findings", "--site", "brightwater-demo"),
        ("findings", "--site", "brightwater-demo", "--format", "json"),
        (
            "findings",
            "--site",
            "brightwater-demo",
            "--focus-area",
            "1",
            "--review",
            "draft",
            "--status",
            "complete",
        ),
    ],
    ids=lambda a: " ".join(a[3:]) or "table",
)
def test_findings_loads_only_what_it_uses(demo_store, args):
    modules = loaded(*args, full=True)
    extra = {m for m in modules if m.startswith("reformctl")} - FINDINGS_MODULES
    assert not extra, f"findings imported {sorted(extra)}"
    assert "getpass" not in modules  # only needed to name the actor, and a listing acts as no one


@pytest.mark.parametrize(
    "args",
    [
        ("log-finding", "--site", "brightwater-demo", "--focus-area", "1", "--title", "Lean"),
        ("search", "complaint", "--site", "brightwater-demo"),
    ],
    ids=lambda a: a[0],
)
def test_commands_that_look_an_engagement_up_do_not_load_engagement_creation(demo_store, args):
    modules = loaded(*args, full=True)
    assert "reformctl.model.sites" in modules
    assert not modules & {"reformctl.model.engagements", "reformctl.model.statuses"}, sorted(
        modules
    )


def test_the_command_table_names_every_command_and_nothing_else():
    """app.COMMANDS is the one list of commands: each entry names a command function or a Typer
    sub-app, and every command function (its help has an Example:) is reachable from it."""
    targets = set()
    for name, entry in COMMANDS.items():
        module, _, attribute = entry.target.partition(":")
        target = getattr(importlib.import_module(f"reformctl.cli.{module}"), attribute)
        assert isinstance(target, typer.Typer) or "Example:" in (target.__doc__ or ""), name
        targets.add(target)
    commands = set()
    for info in pkgutil.iter_modules(reformctl.cli.__path__):
        module = importlib.import_module(f"reformctl.cli.{info.name}")
        assert not hasattr(module, "register"), (
            f"{info.name} registers itself; add it to app.COMMANDS"
        )
        for value in vars(module).values():
            if isinstance(value, typer.Typer) and value is not root_app:
                commands.add(value)
            elif (
                inspect.isfunction(value)
                and value.__module__ == module.__name__
                and "Example:" in (value.__doc__ or "")
                and not _subcommand(value)
            ):
                commands.add(value)
    assert commands == targets, sorted(getattr(c, "__name__", repr(c)) for c in commands ^ targets)


def _subcommand(function) -> bool:
    """A function registered on a Typer sub-app (team add): reached through its group."""
    for module in (importlib.import_module(function.__module__),):
        for value in vars(module).values():
            if isinstance(value, typer.Typer):
                callbacks = [c.callback for c in value.registered_commands]
                if function in callbacks or function is getattr(
                    value.registered_callback, "callback", None
                ):
                    return True
    return False


def test_search_highlights_on_a_terminal_only(demo_store, monkeypatch):
    from reformctl.cli.terminal import columns

    rows = [["2.1", "Complaint \x02intake\x03 procedures"]]
    assert "intake procedures" in columns(None, ["Ref", "Match"], rows, marks=("\x02", "\x03"))
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    shown = columns(None, ["Ref", "Match"], rows, marks=("\x02", "\x03"))
    assert "\x1b[1;7mintake\x1b[0m procedures" in shown
    assert "\x02" not in columns(
        None, ["Ref", "Match"], rows
    )  # without marks, controls are shown as U+FFFD
