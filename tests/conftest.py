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

`SALESPROC_TEST_DB=postgresql://…` (a superuser URL) runs the same tests on PostgreSQL:
the templates are PostgreSQL databases, and each test gets its own database copied from
one (`CREATE DATABASE … TEMPLATE …`) where SQLite tests get a file. A copy costs ~0.4 s, so
after a test its database is made like a fresh copy again and handed, renamed, to the next
test of the same template, unless the test changed its schema (tests/pg_pool.py). A
test that cannot apply there (it opens the SQLite file itself, tests SQLite's locking or
file permissions…) or only works on SQLite files of its own is listed in SQLITE_ONLY or
marked `sqlite_only(reason)`, and skips saying why. PostgreSQL-only tests read
`SALESPROC_TEST_PG`, set here from it too.
"""

import functools
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import pg_pool
from salesproc import i18n
from salesproc.cli import app

#: A PostgreSQL superuser URL runs the suite on PostgreSQL; empty, on SQLite files.
TEST_DB = os.environ.get("SALESPROC_TEST_DB", "")
ON_PG = TEST_DB.startswith(("postgresql:", "postgresql+"))
if ON_PG:
    os.environ["SALESPROC_TEST_PG"] = TEST_DB  # for the PostgreSQL-only tests

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


#: Tests in files this conftest does not own that only mean something on an SQLite file:
#: (file, test function) -> why. They skip on PostgreSQL, saying so.
SQLITE_ONLY: dict[tuple[str, str], str] = {
    ("test_cli_setup.py", "test_init_creates_the_database_and_is_idempotent"): (
        "init creates the file (test_postgres.py inits an empty PostgreSQL database)"
    ),
    ("test_cli_setup.py", "test_a_database_from_a_newer_salesproc_exits_1"): (
        "stamps a newer revision with sqlite3 (test_postgres.py does it on PostgreSQL)"
    ),
    **{
        ("test_cli_names.py", test): (
            "builds a release-0005 file with sqlite3 (test_postgres.py upgrades every revision)"
        )
        for test in (
            "test_an_0005_database_gets_its_name_keys_recomputed",
            "test_look_alikes_on_file_survive_the_upgrade_the_first_on_the_new_key",
        )
    },
    ("test_import_sales.py", "test_a_big_load_sets_the_indexes_aside_and_builds_them_again"): (
        "reads the indexes SQLite's bulk path sets aside from sqlite_master"
    ),
    # Tests whose every command runs on SQLite files of their own (`--db FILE`, a script
    # that sets SALESPROC_DB, the default location): on PostgreSQL they would only repeat
    # the SQLite run, seconds to a minute each. PostgreSQL's side of each is elsewhere.
    **{
        key: f"works on SQLite files of its own whatever SALESPROC_TEST_DB says ({why})"
        for key, why in {
            ("test_cli_setup.py", "test_demo_is_deterministic_for_a_seed"): (
                "the demo on PostgreSQL: test_demo_builds_in_an_initialised_empty_database"
            ),
            ("test_cli_setup.py", "test_demo_uses_the_default_location"): (
                "the default location is a file"
            ),
            ("test_cli_setup.py", "test_the_demo_ends_with_next_commands_that_work_as_printed"): (
                "the next commands print `export SALESPROC_DB=FILE`"
            ),
            ("test_architecture.py", "test_examples_run"): "the example makes its own file",
            ("test_architecture.py", "test_the_python_example_runs_on_its_own_database_twice"): (
                "the example's argument is a file"
            ),
            ("test_many_writers.py", "test_four_writers_and_a_reader_lose_no_visit_on_sqlite"): (
                "the PostgreSQL case is its own test"
            ),
            ("test_import_visits.py", "test_any_story_imports_as_it_logs"): (
                "both teams are --db files; the import on PostgreSQL is test_pg_copy.py's"
            ),
        }.items()
    },
}


#: Fixtures of files this conftest does not own that build an SQLite file: fixture -> why.
SQLITE_ONLY_FIXTURES = {
    "look_alikes": "builds a release-0005 file with sqlite3 and works on it",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): the test means something only on an SQLite file"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        key = (item.path.name, getattr(item, "originalname", item.name))
        if key in SLOW_ELSEWHERE:
            item.add_marker(pytest.mark.slow)
        if not ON_PG:
            continue
        marker = item.get_closest_marker("sqlite_only")
        reason = SQLITE_ONLY.get(key)
        for fixture in set(getattr(item, "fixturenames", ())) & SQLITE_ONLY_FIXTURES.keys():
            reason = SQLITE_ONLY_FIXTURES[fixture]
        if reason is None and marker is not None:
            reason = marker.args[0] if marker.args else "(no reason given)"
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=f"SQLite file: {reason}"))


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
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "cache"))  # `db.prepared`'s
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


class _Server:
    """The PostgreSQL server of SALESPROC_TEST_DB: databases named t13_<pid>_… made from
    templates (a file-level copy, where `init` takes seconds) and dropped; or, for a test,
    the database the last test of the same template left, its rows made again like the
    template's (tests/pg_pool.py: tens of milliseconds, where a copy takes hundreds)."""

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self._url = make_url(url)
        #: psycopg, kept: a test may hide the module (None in sys.modules) until it ends
        self._psycopg = psycopg
        self._connect = functools.partial(psycopg.connect, autocommit=True)
        admin = self._url.set(drivername="postgresql")
        self._admin = psycopg.connect(admin.render_as_string(hide_password=False))
        self._admin.autocommit = True
        self._prefix = f"t13_{os.getpid()}_"
        self._numbers = count(1)
        #: template -> what a fresh copy of it holds (None: it cannot be made again)
        self._learnt: dict[str, pg_pool.Template | None] = {}
        #: template -> the database made like a fresh copy of it, ready for the next test
        self._ready: dict[str, str] = {}
        #: template -> the name of its ready database
        self._spares: dict[str, str] = {}

    def name(self, what: str = "") -> str:
        return self._prefix + (what or str(next(self._numbers)))

    def url(self, name: str) -> str:
        return self._url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str = "template0") -> str:
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        return self.url(name)

    def drop(self, name: str) -> None:
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def take(self, name: str, template: str) -> str:
        """Database `name` as a fresh copy of `template` would be: the one a finished test
        left ready, renamed, or else a copy."""
        ready = self._ready.pop(template, None)
        if ready is not None:
            try:
                self._admin.execute(f'ALTER DATABASE "{ready}" RENAME TO "{name}"')
                return self.url(name)
            except self._psycopg.Error:
                self.drop(ready)
        url = self.create(name, template)
        if template not in self._learnt:
            try:
                self._learnt[template] = pg_pool.learn(self._connect, self._plain(name))
            except self._psycopg.Error:
                self._learnt[template] = None
        return url

    def give_back(self, name: str, template: str) -> None:
        """The test is over: its database made like a fresh copy of `template` again, ready
        for the next test of that template, or dropped if it cannot be."""
        learnt = self._learnt.get(template)
        ready = self._spares.setdefault(template, self.name(f"ready_{len(self._spares)}"))
        try:
            if (
                learnt is not None
                and template not in self._ready
                and pg_pool.wait_until_alone(self._admin, name)
                and pg_pool.restore(self._connect, self._plain(name), learnt)
                and pg_pool.wait_until_alone(self._admin, name)  # the restoring session
            ):
                self._admin.execute(f'ALTER DATABASE "{name}" RENAME TO "{ready}"')
                self._ready[template] = ready
                return
        except self._psycopg.Error:
            pass
        self.drop(name)

    def close(self) -> None:
        """The session is over: the databases left ready go."""
        for name in self._ready.values():
            self.drop(name)
        self._ready.clear()

    def _plain(self, name: str) -> str:
        """The URL of database `name` as psycopg takes it."""
        url = self._url.set(drivername="postgresql", database=name)
        return url.render_as_string(hide_password=False)


_server: _Server | None = None


def _pg() -> _Server:
    global _server
    if _server is None:
        _server = _Server(TEST_DB)
    return _server


@dataclass
class _PgTest:
    """The test's own PostgreSQL database and the template it was made from."""

    name: str
    url: str
    made_from: str
    #: the database it was copied from (or made like: `_Server.take`)
    template: str


#: tests by node id -> their database, while they run
_pg_tests: dict[str, _PgTest] = {}


@pytest.fixture(autouse=True)
def isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Path]:
    _isolate(tmp_path, monkeypatch)
    if not ON_PG:
        yield tmp_path
        return
    wanted = request.fixturenames
    if not {"cli", "db", "team", "demo_db"} & set(wanted) and not _may_open(request.path):
        yield tmp_path  # a test of pure functions: no database to make
        return
    # made at once from the template the test's fixtures would build, when they ask for one
    server = _pg()
    name = server.name()
    made_from = "team" if "team" in wanted else "empty" if "db" in wanted else "template0"
    source = "template0" if made_from == "template0" else _pg_templates(request)[made_from]
    url = server.take(name, source)
    monkeypatch.setenv("SALESPROC_DB", url)
    test = _pg_tests[request.node.nodeid] = _PgTest(name, url, made_from, source)
    try:
        yield tmp_path
    finally:
        del _pg_tests[request.node.nodeid]
        server.give_back(name, test.template)


@functools.cache
def _may_open(test_file: Path) -> bool:
    """Whether a test of this file could open SALESPROC_DB without the `cli` fixture."""
    source = test_file.read_text(encoding="utf-8")
    ways = ("Context", "SALESPROC_DB", "subprocess", "CliRunner", "cli", "getfixturevalue")
    return any(way in source for way in ways)


def _pg_templates(request: pytest.FixtureRequest) -> dict[str, str]:
    templates = request.getfixturevalue("templates")
    return {"empty": str(templates.empty), "team": str(templates.team)}


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
    """The template files; on PostgreSQL, the template databases' names."""

    empty: Path | str
    team: Path | str


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """An initialised empty database and the `team` one, made once by the same commands the
    fixtures ran, in an environment like every test's."""
    folder = tmp_path_factory.mktemp("templates")
    if ON_PG:
        return _pg_built_templates(folder)
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


def _pg_built_templates(folder: Path) -> Templates:
    server = _pg()
    empty, team = server.name("tmpl_empty"), server.name("tmpl_team")
    for name in (empty, team):
        server.drop(name)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(folder, monkeypatch)
        run = _runner()
        monkeypatch.setenv("SALESPROC_DB", server.create(empty))
        _init(run)
        monkeypatch.setenv("SALESPROC_DB", server.create(team, empty))
        _add_team(run)
    i18n.use("en")
    return Templates(empty, team)


@pytest.fixture(scope="session", autouse=True)
def _pg_templates_dropped() -> Iterator[None]:
    """The session's template databases go with it."""
    yield
    if _server is not None:
        _server.close()
        for what in ("tmpl_team", "tmpl_empty", "demo"):
            _server.drop(_server.name(what))


@dataclass(frozen=True)
class Demo:
    #: the file; on PostgreSQL, the database's URL
    path: Path | str
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
        where = _pg().create(_pg().name("demo")) if ON_PG else str(path)
        result = _runner()("--db", where, "demo", "--seed", DEMO_SEED)
        assert result.exit_code == 0, result.stderr
    i18n.use("en")
    if ON_PG:
        return Demo(_pg().name("demo"), result.stdout)
    return Demo(_settled(path), result.stdout)


@pytest.fixture
def demo_db(_demo_template: Demo, tmp_path: Path) -> Iterator[Demo]:
    """`salesproc demo --seed 3`, built once per session: a copy at tmp_path/demo.db and what
    the command printed. For tests that only read the demo; one that checks `demo` itself
    builds its own. On PostgreSQL, the URL of the test's copy of the demo database."""
    if ON_PG:
        server = _pg()
        name = server.name() + "_demo"
        template = str(_demo_template.path)
        try:
            yield Demo(server.take(name, template), _demo_template.output)
        finally:
            server.give_back(name, template)
        return
    path = shutil.copyfile(_demo_template.path, tmp_path / "demo.db")
    yield Demo(path, _demo_template.output)


def _target(*, replacing: Path | None = None) -> Path | None:
    """Where the CLI would open the database, if copying a template there is exactly what
    `init` (or the team's commands) would leave; None when the commands must run."""
    from salesproc.places import config_path

    db = os.environ.get("SALESPROC_DB", "")
    if (
        not db
        or "://" in db
        or os.environ.get("SALESPROC_NOW") != NOW
        or os.environ.get("SALESPROC_CONFIG")
        or config_path().exists()
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


def stored(sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of `sql` (named `:params`) on the test's database, SQLite file or PostgreSQL,
    read or written past the CLI; a statement that changes rows is committed."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from salesproc.db.engine import to_url

    url = make_url(to_url(os.environ["SALESPROC_DB"]))
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _pg_made(request: pytest.FixtureRequest, template: str) -> bool:
    """Whether the test's PostgreSQL database was made from `template` and the environment
    would have the commands build just that; if not, the database starts empty again and
    the commands run (what `_copied` decides for a file)."""
    test = _pg_tests[request.node.nodeid]
    from salesproc.places import config_path

    same = (
        os.environ.get("SALESPROC_DB") == test.url
        and os.environ.get("SALESPROC_NOW") == NOW
        and not os.environ.get("SALESPROC_CONFIG")
        and not config_path().exists()
    )
    if same and test.made_from in (template, "team"):
        i18n.use(i18n.from_locale(os.environ) or "en")
        return True
    if test.made_from != "template0":
        _pg().drop(test.name)
        _pg().create(test.name)
        test.made_from = test.template = "template0"
    return False


@pytest.fixture
def db(
    cli: Callable[..., Run], templates: Templates, request: pytest.FixtureRequest
) -> Callable[..., Run]:
    """An initialised empty database; returns the same runner."""
    made = _pg_made(request, "empty") if ON_PG else _copied(Path(templates.empty))
    if not made:
        _init(cli)
    return cli


@pytest.fixture
def team(
    db: Callable[..., Run], templates: Templates, request: pytest.FixtureRequest
) -> Callable[..., Run]:
    """Two reps and three customers of each grade in a fresh database."""
    if ON_PG:
        made = _pg_tests[request.node.nodeid].made_from == "team"
    else:
        made = _copied(Path(templates.team), replacing=Path(templates.empty))
    if not made:
        _add_team(db)
    return db
