"""Team mode (issue 13 §5): logins on a shared PostgreSQL database, and what each may do.

The rights are the database's (group roles, row-level security, a trigger), so
these tests connect as the logins `team add-user` made, through the real CLI,
against the server of `SALESPROC_TEST_PG` (a superuser URL). Logins are
server-wide: each test's carry its database's random suffix, and are removed.
"""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from helpers import ok, rejected
from salesproc.cli import app


@dataclass(frozen=True)
class Team:
    admin: str  #: the owner's URL (init, team commands)
    supervisor: str
    rep_a: str  #: logs as zhang
    rep_b: str  #: logs as li
    logins: dict[str, str]  #: role in the test → login name


def _invoke(*args: str, password: str | None = None):  # type: ignore[no-untyped-def]
    """The CLI with a password on stdin, as a script pipes it."""
    result = CliRunner().invoke(app, list(args), input=password, catch_exceptions=False)
    return result


def _login_url(admin: str, login: str, password: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(admin).set(username=login, password=password)
    return url.render_as_string(hide_password=False)


@pytest.fixture
def team(cli, monkeypatch) -> Iterator[Team]:
    """A fresh database with `init`, two reps with a customer each, and three logins."""
    server = os.environ.get("SALESPROC_TEST_PG")
    if not server:
        pytest.skip("logins and row-level security need PostgreSQL: set SALESPROC_TEST_PG")
    import psycopg
    from sqlalchemy.engine import make_url

    # the database's clock decides the edit window: the tool's "today" must be the real one
    monkeypatch.setenv("SALESPROC_NOW", datetime.now().strftime("%Y-%m-%dT%H:%M"))
    url = make_url(server)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    suffix = uuid.uuid4().hex[:8]
    name = f"team_t_{suffix}"
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    admin = url.set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("SALESPROC_DB", admin)
    logins = {"supervisor": f"sup_{suffix}", "a": f"zhang_{suffix}", "b": f"li_{suffix}"}
    try:
        ok(cli("init"))
        ok(cli("rep", "add", "zhang", "--name", "张伟"))
        ok(cli("rep", "add", "li", "--name", "李娜"))
        ok(cli("customer", "add", "万家超市", "--grade", "A", "--rep", "zhang", "--phone", "111"))
        ok(cli("customer", "add", "兴隆商行", "--grade", "B", "--rep", "li", "--phone", "13899"))
        passwords = {"supervisor": "boss pw", "a": "a'pw:1%", "b": "b-pw"}
        ok(_invoke("team", "add-user", logins["supervisor"], "--role", "supervisor",
                   password=passwords["supervisor"] + "\n"))  # fmt: skip
        for who, rep in (("a", "zhang"), ("b", "li")):
            ok(_invoke("team", "add-user", logins[who], "--role", "rep", "--rep", rep,
                       password=passwords[who] + "\n"))  # fmt: skip
        yield Team(
            admin,
            *(_login_url(admin, logins[w], passwords[w]) for w in ("supervisor", "a", "b")),
            logins,
        )
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for login in logins.values():
                connection.execute(f'DROP ROLE IF EXISTS "{login}"')


def _days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def _visit(cli, url: str, rep: str, customer: str, *more: str):  # type: ignore[no-untyped-def]
    return cli("--db", url, "log-visit", "--rep", rep, "--customer", customer,
               "--purpose", "order", *more)  # fmt: skip


def _visit_id(run) -> str:  # type: ignore[no-untyped-def]
    return run.stdout.split("#", 1)[1].split(":", 1)[0]


def test_team_commands_say_that_an_sqlite_file_has_no_users(cli, tmp_path):
    path = str(tmp_path / "lite.db")
    ok(cli("--db", path, "init"))
    result = _invoke("--db", path, "team", "add-user", "zhangwei", "--role", "rep",
                     "--rep", "zhangwei", password="pw\n")  # fmt: skip
    rejected(result, "SQLite file has no users")
    rejected(cli("--db", path, "team", "list"), "SQLite file has no users")


def test_a_rep_logs_its_own_visit_and_not_as_a_colleague(cli, team):
    ok(_visit(cli, team.rep_a, "zhang", "万家超市", "--amount", "100"))
    rejected(_visit(cli, team.rep_a, "li", "万家超市"), "you can log visits only as zhang")
    sales = ok(cli("--db", team.supervisor, "sale", "list", "--format", "json")).json()
    assert [s["rep"] for s in sales] == ["zhang"]


def test_a_rep_cannot_see_edit_or_delete_a_colleagues_visit(cli, team):
    theirs = _visit_id(ok(_visit(cli, team.rep_b, "li", "兴隆商行")))
    rejected(cli("--db", team.rep_a, "visit", "edit", theirs, "--note", "x"), f"#{theirs}")
    rejected(cli("--db", team.rep_a, "visit", "delete", theirs), f"#{theirs}")
    listed = ok(cli("--db", team.supervisor, "visit", "list", "--format", "json")).json()
    assert [(v["rep"], v["note"]) for v in listed] == [("li", None)]


def test_a_rep_edits_its_own_recent_visit_but_not_one_older_than_edit_days(cli, team):
    recent = _visit_id(ok(_visit(cli, team.rep_a, "zhang", "万家超市", "--date", _days_ago(1))))
    old = _visit_id(ok(_visit(cli, team.rep_a, "zhang", "万家超市", "--date", _days_ago(10))))
    ok(cli("--db", team.rep_a, "visit", "edit", recent, "--note", "fixed"))
    rejected(cli("--db", team.rep_a, "visit", "edit", old, "--note", "x"), "within 3 days")
    rejected(cli("--db", team.rep_a, "visit", "delete", old), "delete visits only within 3 days")
    # nor moved back out of the window, or a recent one moved into the past
    rejected(cli("--db", team.rep_a, "visit", "edit", recent, "--date", _days_ago(9)), "3 days")


def test_a_rep_sees_only_its_own_customers_but_the_whole_board(cli, team):
    ok(_visit(cli, team.rep_a, "zhang", "万家超市", "--amount", "100"))
    ok(_visit(cli, team.rep_b, "li", "兴隆商行", "--amount", "300"))
    customers = ok(cli("--db", team.rep_a, "customer", "list", "--format", "json")).json()
    assert [(c["name"], c["phone"]) for c in customers] == [("万家超市", "111")]
    due = ok(cli("--db", team.rep_a, "due", "--ahead", "60", "--format", "json")).json()
    assert "兴隆商行" not in str(due) and "13899" not in str(due)
    board = ok(cli("--db", team.rep_a, "rank", "--cumulative", "--format", "json")).json()
    assert [(r["rep"], r["amount"]) for r in board] == [("li", 300.0), ("zhang", 100.0)]
    assert board == ok(cli("--db", team.admin, "rank", "--cumulative", "--format", "json")).json()


def test_a_rep_cannot_set_targets_add_reps_or_assign_customers(cli, team):
    rejected(cli("--db", team.rep_a, "target", "set", "--rep", "zhang", "--amount", "1000"),
             "targets are the supervisor's")  # fmt: skip
    rejected(cli("--db", team.rep_a, "rep", "add", "wang", "--name", "王"), "reps")
    rejected(cli("--db", team.rep_a, "customer", "add", "新店", "--grade", "A", "--rep", "li"),
             "you can add customers only as zhang")  # fmt: skip


def test_the_supervisor_can_do_all(cli, team):
    old = _visit_id(ok(_visit(cli, team.supervisor, "zhang", "万家超市", "--date", _days_ago(10))))
    ok(_visit(cli, team.supervisor, "li", "兴隆商行"))
    ok(cli("--db", team.supervisor, "visit", "edit", old, "--note", "checked"))
    ok(cli("--db", team.supervisor, "target", "set", "--rep", "zhang", "--amount", "1000"))
    ok(cli("--db", team.supervisor, "customer", "add", "新店", "--grade", "A", "--rep", "li"))
    customers = ok(cli("--db", team.supervisor, "customer", "list", "--format", "json")).json()
    assert len(customers) == 3
    history = ok(cli("--db", team.supervisor, "history", "--format", "json")).json()
    assert [h["user"] for h in history] == [team.logins["supervisor"]]  # the login, not the OS


def test_a_rep_cannot_alter_the_policies_or_read_password_hashes(team):
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(team.rep_a).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain, autocommit=True) as connection:
        for statement in (
            "ALTER TABLE visits DISABLE ROW LEVEL SECURITY",
            "DROP POLICY rep_read ON visits",
            "CREATE OR REPLACE FUNCTION salesproc_edit_days() RETURNS integer "
            "LANGUAGE sql AS 'SELECT 9999'",
            "SELECT rolpassword FROM pg_authid",
            "UPDATE team_users SET rep_id = NULL",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement)
        rows = connection.execute("SELECT login FROM team_users").fetchall()
        assert rows == [(team.logins["a"],)]  # its own row only


def _password_hash(team: Team, login: str) -> str | None:
    """What the server keeps (a test server may trust every local login, so a password is
    checked by its stored hash here, not by connecting)."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(team.admin).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain) as connection:
        query = "SELECT rolpassword FROM pg_authid WHERE rolname = %s"
        row = connection.execute(query, (login,)).fetchone()
    return None if row is None else row[0]


def test_a_password_changes_and_a_removed_login_cannot_connect(cli, team):
    login = team.logins["b"]
    before = _password_hash(team, login)
    ok(_invoke("--db", team.admin, "team", "password", login, password="new pw\n"))
    assert before and _password_hash(team, login) not in (None, before)
    listed = ok(cli("--db", team.admin, "team", "list", "--format", "json")).json()
    assert [(m["login"], m["role"], m["rep"]) for m in listed] == [
        (team.logins["supervisor"], "supervisor", None),  # the supervisors first
        (login, "rep", "li"),
        (team.logins["a"], "rep", "zhang"),
    ]
    ok(cli("--db", team.admin, "team", "remove", login))
    assert _password_hash(team, login) is None
    rejected(cli("--db", team.rep_b, "rank"), "cannot open the database", code=1)
    assert login not in cli("--db", team.admin, "team", "list").stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["zhang2", "--role", "rep"], "needs the rep it logs as"),
        (["Bad-Name", "--role", "rep", "--rep", "zhang"], "cannot be a login"),
        (["boss2", "--role", "king"], "not a role"),
        (["postgres", "--role", "supervisor"], "cannot be a login"),
    ],
)
def test_add_user_refuses_what_cannot_be_a_login(team, args, words):
    rejected(_invoke("--db", team.admin, "team", "add-user", *args, password="pw\n"), words)


def test_add_user_refuses_a_login_the_server_has_and_an_empty_password(team):
    taken = team.logins["a"]
    rejected(_invoke("--db", team.admin, "team", "add-user", taken, "--role", "rep",
                     "--rep", "zhang", password="pw\n"), "already")  # fmt: skip
    rejected(_invoke("--db", team.admin, "team", "add-user", f"x{taken}", "--role", "rep",
                     "--rep", "zhang", password="\n"), "password")  # fmt: skip


def test_config_edit_days_is_the_window_the_database_enforces(cli, team, tmp_path, monkeypatch):
    old = _visit_id(ok(_visit(cli, team.rep_a, "zhang", "万家超市", "--date", _days_ago(8))))
    rejected(cli("--db", team.rep_a, "visit", "edit", old, "--note", "x"), "within 3 days")
    config = tmp_path / "config.toml"
    config.write_text("edit_days = 10\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    assert "for 10 days" in ok(cli("--db", team.admin, "team", "list")).stdout
    ok(cli("--db", team.rep_a, "visit", "edit", old, "--note", "late but allowed"))
