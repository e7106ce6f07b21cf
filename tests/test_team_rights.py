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
        ok(cli("rep", "add", "zhang", "--name", "张伟", "--phone", "13700000001"))
        ok(cli("rep", "add", "li", "--name", "李娜", "--phone", "13700000002"))
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
    refused = _visit(cli, team.rep_a, "li", "万家超市")
    rejected(refused, "you can act only as zhang", "li is another")
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
             "you can act only as zhang")  # fmt: skip


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


def _as_psql(url: str):  # type: ignore[no-untyped-def]
    """A login's own connection, as a rep with the URL and `psql` would have."""
    import psycopg
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    return psycopg.connect(
        host=parts.host, port=parts.port, dbname=parts.database, user=parts.username,
        password=parts.password, autocommit=True,
    )  # fmt: skip


# --- a rep reads of its colleagues only what the boards publish (migration 0011) -----------


def test_a_rep_reads_only_its_own_rep_row_but_the_board_names_everyone(cli, team):
    ok(_visit(cli, team.rep_b, "li", "兴隆商行", "--amount", "300"))
    reps = ok(cli("--db", team.rep_a, "rep", "list", "--format", "json")).json()
    assert [r["code"] for r in reps] == ["zhang"]
    with _as_psql(team.rep_a) as connection:
        assert connection.execute("SELECT code, phone FROM reps").fetchall() == [
            ("zhang", "13700000001")
        ]
        published = connection.execute("SELECT * FROM rep_names ORDER BY code").fetchall()
    assert "13700000002" not in str(published) and [p[1] for p in published] == ["li", "zhang"]
    for args in (["rank"], ["rank", "--cumulative"], ["rank", "--by", "region"]):
        board = ok(cli("--db", team.rep_a, *args, "--format", "json")).json()
        assert board == ok(cli("--db", team.admin, *args, "--format", "json")).json()
    names = ok(cli("--db", team.rep_a, "rank", "--format", "json")).json()
    assert [(r["rep"], r["name"]) for r in names] == [("li", "李娜"), ("zhang", "张伟")]


def test_a_rep_sees_the_teams_progress_as_the_supervisor_does(cli, team):
    ok(_visit(cli, team.rep_b, "li", "兴隆商行", "--amount", "300"))
    ok(cli("--db", team.supervisor, "collection", "add", "--rep", "li", "--customer", "兴隆商行",
           "--amount", "50"))  # fmt: skip
    ok(cli("--db", team.supervisor, "target", "set", "--team", "--amount", "9000"))
    ok(cli("--db", team.supervisor, "target", "set", "--rep", "li", "--amount", "1200"))
    ok(cli("--db", team.supervisor, "target", "set", "--rep", "li", "--amount", "600",
           "--metric", "collections"))  # fmt: skip
    mine = ok(cli("--db", team.rep_a, "progress", "--format", "json")).json()
    assert mine == ok(cli("--db", team.admin, "progress", "--format", "json")).json()
    li = [row["actual"] for row in mine if row["rep"] == "li"]
    assert li == [300.0] * 4 + [50.0] * 4  # sales, then collections: week to year


def test_a_rep_naming_a_colleague_is_told_it_acts_only_as_itself(cli, team):
    run = _visit(cli, team.rep_a, "李娜", "万家超市")  # by name, as --rep accepts
    rejected(run, "you can act only as zhang: li is another rep", team.logins["a"])
    rejected(cli("--db", team.rep_a, "due", "--rep", "li"), "only as zhang")
    rejected(cli("--db", team.rep_a, "due", "--rep", "nobody"), "unknown rep")


# --- passwords: only a SCRAM verifier reaches the server ----------------------------------


def _scram_matches(verifier: str, password: str) -> bool:
    """Whether `verifier` (SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey, RFC 5802/7677)
    was made from `password`: the check the server makes at login, which a test server that
    trusts every local connection does not."""
    import base64
    import hashlib
    import hmac

    method, rest = verifier.split("$", 1)
    assert method == "SCRAM-SHA-256"
    salt_part, keys = rest.split("$")
    iterations, salt = salt_part.split(":")
    stored = base64.b64decode(keys.split(":")[0])
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest() == stored


def test_a_password_reaches_the_server_only_as_a_scram_verifier(cli, team):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    login = "wang_" + team.logins["a"].split("_", 1)[1]
    team.logins["c"] = login  # the fixture drops it
    sent: list[str] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        sent.append(f"{statement} {parameters!r}")

    event.listen(Engine, "before_cursor_execute", record)
    try:
        ok(_invoke("--db", team.admin, "team", "add-user", login, "--role", "rep", "--rep", "li",
                   password="First secret 1\n"))  # fmt: skip
        first = _password_hash(team, login)
        ok(_invoke("--db", team.admin, "team", "password", login, password="Next secret 2\n"))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    made = [s for s in sent if "salesproc_add_login" in s or "salesproc_set_password" in s]
    assert len(made) == 2 and all("SCRAM-SHA-256$" in s for s in made)
    assert not [s for s in sent if "secret" in s]
    stored = _password_hash(team, login)
    assert first and first.startswith("SCRAM-SHA-256$") and _scram_matches(first, "First secret 1")
    assert stored and stored.startswith("SCRAM-SHA-256$")
    assert _scram_matches(stored, "Next secret 2") and not _scram_matches(stored, "First secret 1")
    url = _login_url(team.admin, login, "Next secret 2")
    assert [r["code"] for r in ok(cli("--db", url, "rep", "list", "--format", "json")).json()] == [
        "li"
    ]


# --- the supervisor's instruments ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["audit"], "the audit"),
        (["audit", "--by", "rep"], "the audit"),
        (["audit", "stats"], "the audit's statistics"),
        (["call-plan"], "the call plan"),
        (["call", "log", "--rep", "zhang", "--verdict", "ok"], "logging calls"),
    ],
)
def test_the_supervisors_instruments_are_refused_to_a_rep(cli, team, args, what):
    login = team.logins["a"]
    rejected(cli("--db", team.rep_a, *args), f"{what} is the supervisor's: your login {login}")
    ok(cli("--db", team.supervisor, *args))


def test_a_reps_export_is_its_own_rows_and_says_so(cli, team, tmp_path):
    ok(_visit(cli, team.rep_a, "zhang", "万家超市"))
    ok(_visit(cli, team.rep_b, "li", "兴隆商行"))
    mine, everyone = tmp_path / "mine.json", tmp_path / "all.json"
    run = ok(cli("--db", team.rep_a, "export", "visits", "--output", str(mine)))
    assert run.stderr.count("as rep zhang, only your own rows are exported") == 1
    quiet = ok(cli("--db", team.supervisor, "export", "visits", "--output", str(everyone)))
    assert "only your own rows" not in quiet.stderr
    assert "兴隆商行" not in mine.read_text(encoding="utf-8")
    assert "兴隆商行" in everyone.read_text(encoding="utf-8")


# --- the migration ------------------------------------------------------------------------


def test_0011_downgrades_to_0010_and_upgrades_again(cli, team):
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from salesproc.db import migrate

    engine = create_engine(make_url(team.admin).set(drivername="postgresql+psycopg"))
    try:
        with engine.begin() as connection:
            config = migrate.alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")
    finally:
        engine.dispose()
    with _as_psql(team.rep_a) as connection:
        assert len(connection.execute("SELECT phone FROM reps").fetchall()) == 2  # as in 0010
    ok(cli("--db", team.admin, "rep", "list"))  # opening upgrades to HEAD again
    with _as_psql(team.rep_a) as connection:
        assert connection.execute("SELECT code FROM reps").fetchall() == [("zhang",)]


# --- the supervisor manages the logins, and only team logins ------------------------------


def test_the_supervisor_adds_and_removes_a_reps_login(cli, team):
    login = "wang_" + team.logins["a"].split("_", 1)[1]
    team.logins["c"] = login  # the fixture drops it
    ok(_invoke("--db", team.supervisor, "team", "add-user", login, "--role", "rep",
               "--rep", "li", password="pw 3\n"))  # fmt: skip
    ok(_invoke("--db", team.supervisor, "team", "password", login, password="pw 4\n"))
    stored = _password_hash(team, login)
    assert stored and _scram_matches(stored, "pw 4")
    with _as_psql(team.admin) as connection:
        role = connection.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, ARRAY(SELECT g.rolname "
            "FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) "
            "FROM pg_roles r WHERE rolname = %s",
            (login,),
        ).fetchone()
    assert role == (False, False, False, False, ["salesproc_rep"])
    listed = ok(cli("--db", team.supervisor, "team", "list", "--format", "json")).json()
    assert (login, "li") in [(m["login"], m["rep"]) for m in listed]
    ok(cli("--db", team.supervisor, "team", "remove", login))
    assert _password_hash(team, login) is None


def test_the_supervisor_cannot_make_a_superuser_or_grant_other_roles(team):
    import psycopg

    scram = _password_hash(team, team.logins["b"])
    suffix = team.logins["a"].split("_", 1)[1]
    with _as_psql(team.supervisor) as connection:
        for statement, args in (
            (f"CREATE ROLE evil_{suffix} SUPERUSER LOGIN", ()),
            (f"CREATE ROLE evil_{suffix} LOGIN", ()),
            (f"GRANT pg_execute_server_program TO {team.logins['supervisor']}", ()),
            ("ALTER ROLE postgres PASSWORD 'x'", ()),
            (
                "CREATE OR REPLACE FUNCTION salesproc_add_login(text, text, integer, text, "
                "timestamp) RETURNS void LANGUAGE sql AS 'SELECT'",
                (),
            ),
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute(statement, args)
        add = "SELECT salesproc_add_login(%s, %s, %s, %s, now()::timestamp)"
        for args in (
            (f"evil_{suffix}", "pg_execute_server_program", None, scram),  # another role
            (f"evil_{suffix}", "salesproc_supervisor", None, scram),
            (f"evil_{suffix} SUPERUSER", "supervisor", None, scram),  # not a login's name
            (f"evil_{suffix}", "supervisor", None, "plain password"),  # not a verifier
        ):
            with pytest.raises(psycopg.errors.InvalidParameterValue):
                connection.execute(add, args)
        for call, args in (  # only the logins team_users lists: not the owner, not a group
            ("SELECT salesproc_set_password(%s, %s)", ("postgres", scram)),
            ("SELECT salesproc_remove_login(%s)", ("postgres",)),
            ("SELECT salesproc_remove_login(%s)", ("salesproc_rep",)),
        ):
            with pytest.raises(psycopg.errors.InvalidParameterValue):
                connection.execute(call, args)
        found = connection.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname LIKE %s", (f"evil_{suffix}%",)
        ).fetchone()
    assert found == (0,)


def test_a_rep_cannot_manage_logins(cli, team):
    login = team.logins["a"]
    run = _invoke("--db", team.rep_a, "team", "add-user", f"x{login}", "--role", "rep",
                  "--rep", "zhang", password="pw\n")  # fmt: skip
    rejected(run, "managing logins is the supervisor's")
    rejected(cli("--db", team.rep_a, "team", "remove", team.logins["b"]), "supervisor's")
    with _as_psql(team.rep_a) as connection:
        import psycopg

        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("SELECT salesproc_remove_login(%s)", (team.logins["b"],))
