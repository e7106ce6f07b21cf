"""Every test runs the real CLI on its own temporary database and a pinned clock.

No test can touch a real user's data: the data and config dirs point into the
test's temporary folder, and `SALESPROC_NOW` pins "today" to 2026-11-30.

The `db` and `team` databases are built once per session, by the same commands,
and copied into each test's folder: a copy takes a fraction of a millisecond where
`init` (an Alembic migration) and the team's five commands take tens. A test whose
environment could make those commands do anything else (no SALESPROC_DB, a config
file, another clock) gets them run for it, as before.

`python -m pytest` runs everything; `python -m pytest -m "not slow"` leaves out the
end-to-end tests marked slow (demo builds, the example script, the real dataset).
"""

import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesproc import i18n
from salesproc.cli import app

TODAY = "2026-11-30"
NOW = f"{TODAY}T18:30"

#: The `team` fixture's reps and customers.
TEAM_REPS = [("zhang", "张伟", "杭州"), ("li", "李娜", "宁波")]
TEAM_CUSTOMERS = [
    ("万家超市", "A", "zhang", "13800000001"),
    ("华联便利店", "B", "zhang", "13800000002"),
    ("兴隆商行", "C", "li", "13800000003"),
]

#: Slow tests in files this conftest does not own, marked here: (file, test function).
SLOW_ELSEWHERE = {
    # examples/*.sh end to end: a dozen `salesproc` processes
    ("test_architecture.py", "test_examples_run"),
    # hypothesis: eight random stories, each logged and imported into two databases
    ("test_import_visits.py", "test_any_story_imports_as_it_logs"),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if (item.path.name, getattr(item, "originalname", item.name)) in SLOW_ELSEWHERE:
            item.add_marker(pytest.mark.slow)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def _isolate(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data"))
    monkeypatch.setenv("SALESPROC_DB", str(folder / "sales.db"))
    monkeypatch.setenv("SALESPROC_NOW", NOW)
    monkeypatch.delenv("SALESPROC_CONFIG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")  # English unless a test asks for Chinese
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    i18n.use("en")


@pytest.fixture(scope="session", autouse=True)
def _command_built_once() -> Iterator[None]:
    """Typer's CliRunner turns the app into its click command afresh on every `invoke`
    (8 ms, more than most commands take to run); the command is the same every time, so
    build it once. Without the hook (another Typer), every invoke builds it as before."""
    import typer.main
    import typer.testing

    if not hasattr(typer.testing, "_get_command"):
        yield
        return
    build = typer.main.get_command
    command = build(app)

    def get_command(typer_app: Any) -> Any:
        return command if typer_app is app else build(typer_app)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(typer.testing, "_get_command", get_command)
        yield


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _isolate(tmp_path, monkeypatch)
    return tmp_path


def _runner() -> Callable[..., Run]:
    runner = CliRunner()

    def run(*args: str) -> Run:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def cli() -> Callable[..., Run]:
    """`cli("due", "--format", "json")` runs salesproc in-process, stdout and stderr apart."""
    return _runner()


def _init(run: Callable[..., Run]) -> None:
    assert run("init").exit_code == 0


def _add_team(run: Callable[..., Run]) -> None:
    for code, name, region in TEAM_REPS:
        assert run("rep", "add", code, "--name", name, "--region", region).exit_code == 0
    for name, grade, rep, phone in TEAM_CUSTOMERS:
        result = run("customer", "add", name, "--grade", grade, "--rep", rep, "--phone", phone)
        assert result.exit_code == 0, result.stderr


def _companions(path: Path) -> list[Path]:
    """SQLite's write-ahead log, its shared-memory index and a rollback journal."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _settled(path: Path) -> Path:
    """The file holds every change: the WAL is checkpointed into it and gone, so a copy of
    this one file is the whole database."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()  # the last connection: SQLite removes the -wal and -shm files
    left = [p.name for p in _companions(path) if p.exists()]
    assert left == [], f"{path}: {left} left beside the database"
    return path


@dataclass(frozen=True)
class Templates:
    empty: Path
    team: Path


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """An initialised empty database and the `team` one, made once by the same commands the
    fixtures ran, in an environment like every test's."""
    folder = tmp_path_factory.mktemp("templates")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(folder, monkeypatch)
        run = _runner()
        built = folder / "sales.db"
        _init(run)
        empty = shutil.copyfile(_settled(built), folder / "empty.db")
        _add_team(run)
        team = shutil.copyfile(_settled(built), folder / "team.db")
    i18n.use("en")
    return Templates(empty, team)


@dataclass(frozen=True)
class Demo:
    path: Path
    #: what `salesproc demo` printed: the day's due list and the cumulative leaderboard
    output: str


#: The seed of the demo the `demo_db` fixture copies.
DEMO_SEED = "3"


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(folder, monkeypatch)
        path = folder / "demo.db"
        result = _runner()("--db", str(path), "demo", "--seed", DEMO_SEED)
        assert result.exit_code == 0, result.stderr
    i18n.use("en")
    return Demo(_settled(path), result.stdout)


@pytest.fixture
def demo_db(_demo_template: Demo, tmp_path: Path) -> Demo:
    """`salesproc demo --seed 3`, built once per session: a copy at tmp_path/demo.db and what
    the command printed. For tests that only read the demo; one that checks `demo` itself
    builds its own."""
    path = shutil.copyfile(_demo_template.path, tmp_path / "demo.db")
    return Demo(path, _demo_template.output)


def _target(*, replacing: Path | None = None) -> Path | None:
    """Where the CLI would open the database, if copying a template there is exactly what
    `init` (or the team's commands) would leave; None when the commands must run."""
    from salesproc.config import default_config_path

    db = os.environ.get("SALESPROC_DB", "")
    if (
        not db
        or "://" in db
        or os.environ.get("SALESPROC_NOW") != NOW
        or os.environ.get("SALESPROC_CONFIG")
        or default_config_path().exists()
    ):
        return None
    path = Path(db).expanduser().resolve()
    if not path.parent.is_dir() or any(p.exists() for p in _companions(path)):
        return None
    if replacing is None:
        return None if path.exists() else path
    if path.is_file() and path.read_bytes() == replacing.read_bytes():
        return path
    return None


def _copied(template: Path, *, replacing: Path | None = None) -> bool:
    path = _target(replacing=replacing)
    if path is None:
        return False
    shutil.copyfile(template, path)
    # what each command's start does: the language of the locale (no config file here)
    i18n.use(i18n.from_locale(os.environ) or "en")
    return True


@pytest.fixture
def db(cli: Callable[..., Run], templates: Templates) -> Callable[..., Run]:
    """An initialised empty database; returns the same runner."""
    if not _copied(templates.empty):
        _init(cli)
    return cli


@pytest.fixture
def team(db: Callable[..., Run], templates: Templates) -> Callable[..., Run]:
    """Two reps and three customers of each grade in a fresh database."""
    if not _copied(templates.team, replacing=templates.empty):
        _add_team(db)
    return db
