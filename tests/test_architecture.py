"""Properties of the codebase a user feels: fast start-up, help everywhere, schema in step."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

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
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal is closed once everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
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
