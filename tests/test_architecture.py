"""Properties of the codebase a user feels: fast start-up, help everywhere, schema in step."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from helpers import WRITE_SIDE, drain, run_loading
from salesproc.cli import app
from salesproc.db import migrate
from salesproc.db.models import Base

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "alembic", "rich", "pydantic", "openpyxl", "httpx")


def test_help_loads_no_heavy_module():
    code = (
        "import sys\n"
        "from salesproc.cli import main\n"
        "sys.argv = ['salesproc', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert "log-visit" in out


@pytest.mark.parametrize(
    "command",
    [
        ("due",), ("due", "--rep", "zhang"), ("rank", "--cumulative"), ("four-visit",),
        ("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
         "--amount", "300", "--weather", "晴"),
        ("sale", "add", "--rep", "zhang", "--customer", "万家超市", "--amount", "300"),
    ],
    ids=" ".join,
)  # fmt: skip
def test_the_daily_reads_load_no_orm_nor_models_nor_alembic(team, command):
    """The daily commands read through Core (`db.reads`): an import of the ORM, the models or
    Alembic on their way (a module-level import in engine, context, a use case) fails here."""
    printed, loaded = run_loading(command, WRITE_SIDE)
    assert printed  # the command printed its rows
    assert loaded == []


@pytest.mark.sqlite_only("on a server the statements run through SQLAlchemy")
@pytest.mark.parametrize(
    "command",
    [
        ("due",), ("due", "--rep", "zhang", "--date", "-3"), ("rank", "--cumulative"),
        ("rank", "--by", "region", "--metric", "visits"), ("four-visit",), ("progress",),
        ("report", "daily"), ("broadcast", "--dry-run"),
        ("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
         "--amount", "300", "--collected", "100", "--weather", "晴", "--again"),
        ("sale", "add", "--rep", "zhang", "--customer", "万家超市", "--amount", "300"),
        ("report", "header", "--rep", "li", "--weather", "雨"),
    ],
    ids=" ".join,
)  # fmt: skip
def test_the_daily_commands_on_an_sqlite_file_load_no_sqlalchemy_once_compiled(team, command):
    """Their statements are compiled on the first run and kept (`db.prepared`): the next runs
    send the kept SQL through `sqlite3`, and SQLAlchemy's import (half of `due`) is skipped."""
    if command[0] == "progress":
        assert team("target", "set", "--team", "--amount", "1200000").exit_code == 0
    first, loaded = run_loading(command, ("sqlalchemy",))
    assert loaded == ["sqlalchemy"]  # compiled, and kept in the test's cache folder
    again, loaded = run_loading(command, ("sqlalchemy",))
    assert len(again) == len(first) and loaded == []


@pytest.mark.parametrize(
    "command",
    [("audit",), ("audit", "--all", "--format", "json"), ("audit", "--by", "rep"), ("call-plan",)],
    ids=" ".join,
)
def test_the_audit_and_the_call_plan_load_no_orm(team, command):
    """They read through Core too (`db.audit_reads`), and on a server look the login up through
    Core (`db.team_login`): the ORM would be a sixth of their time."""
    printed, loaded = run_loading(command, WRITE_SIDE)
    assert printed and loaded == []


def _commands(group, prefix=()):
    import typer.main

    command = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, sub in command.commands.items():
        yield (*prefix, name), sub
        if hasattr(sub, "commands"):
            yield from _commands(sub, (*prefix, name))


def test_every_command_has_help_text():
    missing = [" ".join(path) for path, cmd in _commands(app) if not (cmd.help or "").strip()]
    assert missing == []


def test_python_m_salesproc_runs():
    out = subprocess.run(
        [sys.executable, "-m", "salesproc", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("salesproc ")


def test_head_constant_is_alembics_head():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert script.get_current_head() == migrate.HEAD
    assert migrate.KNOWN_REVISIONS[-1] == migrate.HEAD
    assert set(migrate.KNOWN_REVISIONS) == {r.revision for r in script.walk_revisions()}


def test_migrations_build_exactly_the_models(tmp_path):
    """A model changed without a migration would leave real databases behind."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


@pytest.mark.skipif(not (ROOT / "pyproject.toml").exists(), reason="needs the source tree")
def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("script", sorted((ROOT / "examples").glob("*.sh")), ids=lambda p: p.name)
def test_examples_run(script, monkeypatch):
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ["PATH"])
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_the_python_example_runs_on_its_own_database_twice(tmp_path):
    """The README's "Use from Python": no subprocess of the CLI, a real database, and a
    second run on the same file finds the team already there."""
    path = tmp_path / "team.db"
    runs = [
        subprocess.run(
            [sys.executable, str(ROOT / "examples" / "library.py"), str(path)],
            capture_output=True,
            text=True,
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert "logged visit #1" in runs[0].stdout
    assert "due: 万家超市" in runs[0].stdout and "#1 张伟 3,200.00" in runs[0].stdout
    assert "flag:" not in runs[0].stdout
    # the same visit again is refused: the order counts once, and no overlap
    assert "not logged: visit #1 is already on file" in runs[1].stdout
    assert "#1 张伟 3,200.00" in runs[1].stdout
    assert "flag:" not in runs[1].stdout


def test_debug_shows_the_traceback_that_is_otherwise_hidden(tmp_path):
    missing = str(tmp_path / "none.db")
    plain = subprocess.run(
        [sys.executable, "-m", "salesproc", "--db", missing, "due"], capture_output=True, text=True
    )
    debug = subprocess.run(
        [sys.executable, "-m", "salesproc", "--debug", "--db", missing, "due"],
        capture_output=True,
        text=True,
    )
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert plain.stderr.startswith("Error: no database at")
    assert debug.returncode == 1 and "Traceback" in debug.stderr
    assert "RuntimeFailure" in debug.stderr


def _on_a_terminal(args, env_extra, tmp_path):
    """Run salesproc with a pseudo-terminal as stdout, as a person at a shell sees it."""
    import pty

    env = {**os.environ, "COLUMNS": "120", **env_extra}
    env.pop("FORCE_COLOR", None)
    main, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "salesproc", *args],
            stdout=secondary,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
        )
        os.close(secondary)
        chunks: list[bytes] = []
        drain(main, chunks)
    finally:
        os.close(main)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode()


def test_a_terminal_gets_colour_unless_no_color(cli, tmp_path):
    cli("init")
    cli("rep", "add", "zhang", "--name", "张伟")
    cli("rep", "add", "li", "--name", "李娜")
    cli("sale", "add", "--rep", "zhang", "--amount", "500")
    coloured = _on_a_terminal(["rank"], {}, tmp_path)
    plain = _on_a_terminal(["rank"], {"NO_COLOR": "1"}, tmp_path)
    assert "\x1b[" in coloured
    assert "\x1b[" not in plain.replace("\x1b[1m", "").replace("\x1b[0m", "")
    for output in (coloured, plain):
        assert "张伟" in output and "500.00" in output


# --- the layers ---------------------------------------------------------------------------

PACKAGE = ROOT / "src" / "salesproc"
#: the CLI's shared helpers, which every command module may import
CLI_HELPERS = {
    "salesproc.cli.output", "salesproc.cli.runtime", "salesproc.cli.choices",
    "salesproc.cli.localized", "salesproc.cli.terminal",
}  # fmt: skip


def _imports(path: Path) -> set[str]:
    """Every module a file imports, wherever the import stands (in a function, under
    TYPE_CHECKING): a lazy import is still a dependency a reader must know of."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules(folder: str) -> list[tuple[str, set[str]]]:
    return [
        (str(path.relative_to(PACKAGE)), _imports(path))
        for path in sorted((PACKAGE / folder).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _offending(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{name} imports {module}"
        for name, imports in _modules(folder)
        for module in sorted(imports)
        if module.startswith(forbidden)
    ]


def test_the_rules_know_no_database_file_or_front_end():
    forbidden = ("sqlalchemy", "salesproc.db", "salesproc.adapters", "salesproc.service",
                 "salesproc.cli", "typer", "rich", "openpyxl", "httpx")  # fmt: skip
    assert _offending("rules", forbidden) == []


def test_adapters_write_no_sql_and_the_database_layer_calls_no_use_case():
    forbidden = ("sqlalchemy", "salesproc.db.models", "salesproc.service", "salesproc.cli")
    assert _offending("adapters", forbidden) == []
    assert _offending("db", ("salesproc.adapters", "salesproc.service", "salesproc.cli")) == []


def test_use_cases_neither_print_nor_parse_the_command_line_nor_write_sql():
    assert _offending("service", ("typer", "rich", "salesproc.cli", "click")) == []
    # a session (or a read's connection) passes through a use case on its way to db/; SQL
    # itself stays there
    types = {
        "sqlalchemy", "sqlalchemy.orm", "sqlalchemy.Engine", "sqlalchemy.orm.Session",
        "sqlalchemy.Connection",
    }  # fmt: skip
    sql = [
        f"{name} imports {module}"
        for name, imports in _modules("service")
        for module in sorted(imports - types)
        if module.startswith("sqlalchemy")
    ]
    assert sql == []


def test_no_command_module_imports_another():
    commands = {
        f"salesproc.cli.{path.stem}"
        for path in (PACKAGE / "cli").glob("*.py")
        if path.stem != "__init__"
    } - CLI_HELPERS
    offending = [
        f"{name} imports {module}"
        for name, imports in _modules("cli")
        for module in sorted(imports & (commands | {"salesproc.cli"}))
        if name != "cli/__init__.py"
    ]
    assert offending == []


def test_the_settings_import_no_adapter():
    assert [m for m in _imports(PACKAGE / "config.py") if m.startswith("salesproc.adapters")] == []


def test_the_root_table_of_commands_is_the_commands_themselves():
    """`salesproc --help` lists the commands from `registry.COMMANDS` without importing them:
    each entry must be the command its module registers, in Typer's order, with its help."""
    import importlib

    import typer
    import typer.main

    from salesproc.cli.localized import localize
    from salesproc.cli.registry import COMMANDS

    whole = typer.Typer()  # every command module registered, as the root once did
    for module in (
        "admin", "reps", "customers", "visits", "sales", "reports", "daily_report", "targets",
        "broadcast", "calls", "audit", "field", "imports", "exports", "collections", "history",
        "team",
    ):  # fmt: skip
        importlib.import_module(f"salesproc.cli.{module}").register(whole)
    localize(whole)
    built = typer.main.get_command(whole).commands
    assert list(built) == list(COMMANDS)
    modules = {n: c.callback.__module__ if c.callback else None for n, c in built.items()}
    for name, (module, help_text) in COMMANDS.items():
        command = built[name]
        assert (command.help, command.hidden) == (help_text, False), name
        assert modules[name] in (module, None), name  # a group's module: the tree below
    # and the root group built from the table is that tree
    root = typer.main.get_command(app).commands
    assert {n: (type(c), c.help) for n, c in root.items()} == {
        n: (type(c), c.help) for n, c in built.items()
    }


def _command_modules() -> list[str]:
    from salesproc.cli.registry import COMMANDS

    return sorted({module for module, _help in COMMANDS.values()})


COMMAND_MODULES = _command_modules()


@pytest.mark.parametrize(
    ("argv", "needed"),
    [
        (["--help"], set()),
        (["--lang", "zh", "--help"], set()),
        (["due", "--help"], {"salesproc.cli.reports"}),
        (["rep", "--help"], {"salesproc.cli.reps"}),
    ],
    ids=" ".join,
)
def test_a_run_imports_only_the_module_of_its_command(argv, needed):
    """A run builds the one command it runs (`registry.LazyCommands`): importing every command
    module and building ~57 commands cost more than `due` itself."""
    code = (
        "import sys\n"
        "from salesproc.cli import main\n"
        f"sys.argv = ['salesproc', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', sorted(m for m in {COMMAND_MODULES!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"LOADED {sorted(needed)!r}"


#: what a piped daily read must not load either: the channels' models (pydantic; a dry run
#: sends nothing) and Rich's console and tables (piped output is plain text)
NOT_WHEN_PIPED = ("pydantic", "rich.console", "rich.table")


@pytest.mark.parametrize(
    "command",
    [
        ("due",),
        ("rank", "--cumulative"),
        ("four-visit",),
        ("report", "daily"),
        ("broadcast", "--dry-run"),
    ],
    ids=" ".join,
)
def test_a_piped_daily_read_loads_no_pydantic_nor_rich_console(team, command):
    printed, loaded = run_loading(command, NOT_WHEN_PIPED)
    assert printed and loaded == []
