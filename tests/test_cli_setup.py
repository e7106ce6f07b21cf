"""Setting up through the real CLI: init, finding the database, the config file and the demo.

conftest.py points the user config and data dirs into the test's temporary
folder, sets SALESPROC_DB to `<tmp>/sales.db` and pins "today" to 2026-11-30.
"""

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from helpers import ok, rejected
from salesproc.db import migrate

TODAY = "2026-11-30"


# --- helpers ---------------------------------------------------------------------------


def rep_codes(cli: Any, *flags: str) -> list[str]:
    rows = json.loads(ok(cli(*flags, "rep", "list", "--format", "json")).stdout)
    return sorted(row["code"] for row in rows)


def make_db(cli: Any, path: Path, rep: str) -> None:
    """A database at `path` whose only rep is `rep`: tells which database a command used."""
    ok(cli("--db", str(path), "init"))
    ok(cli("--db", str(path), "rep", "add", rep, "--name", rep.title()))


def write_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(path))
    return path


def settings(cli: Any, *flags: str) -> dict[str, tuple[Any, str]]:
    """`config show` as {key: (value, source)}."""
    document = json.loads(ok(cli(*flags, "config", "show", "--format", "json")).stdout)
    return {s["key"]: (s["value"], s["source"]) for s in document["settings"]}


def default_db(isolated: Path) -> Path:
    """Where platformdirs puts the database when nothing else says (XDG_DATA_HOME is set)."""
    return isolated / "data" / "salesproc" / "salesproc.db"


def total(cli: Any, db: Path, *args: str) -> float:
    """The team's total on the leaderboard of the database at `db`."""
    rows = json.loads(ok(cli("--db", str(db), "rank", "--format", "json", *args)).stdout)
    return sum(row["amount"] for row in rows)


# --- init and a missing database -------------------------------------------------------


def test_init_creates_the_database_and_is_idempotent(cli, isolated):
    path = isolated / "sales.db"
    assert not path.exists()
    result = ok(cli("init"))
    assert path.exists()
    assert str(path) in result.stdout
    ok(cli("rep", "add", "zhang", "--name", "张伟"))
    ok(cli("init"))
    assert rep_codes(cli) == ["zhang"]


def test_init_creates_missing_folders(cli, tmp_path):
    path = tmp_path / "team" / "east" / "sales.db"
    ok(cli("--db", str(path), "init"))
    assert path.is_file()
    assert rep_codes(cli, "--db", str(path)) == []


@pytest.mark.parametrize(
    "command",
    [
        ["due"],
        ["four-visit"],
        ["rank"],
        ["rank", "--cumulative"],
        ["rep", "list"],
        ["rep", "add", "zhang", "--name", "张伟"],
        ["rep", "deactivate", "zhang"],
        ["customer", "list"],
        ["customer", "add", "万家超市", "--grade", "A"],
        ["customer", "show", "万家超市"],
        ["customer", "edit", "万家超市", "--grade", "B"],
        ["log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order"],
        ["sale", "add", "--rep", "zhang", "--amount", "5"],
    ],
)
def test_missing_database_exits_1_with_a_hint_to_init(cli, isolated, command):
    rejected(cli(*command), "salesproc init", code=1)
    assert not (isolated / "sales.db").exists()
    assert not (isolated / "data").exists()


def test_missing_database_named_by_db_flag_creates_nothing(cli, tmp_path):
    typo = tmp_path / "typo" / "sales.db"
    rejected(cli("--db", str(typo), "due"), "salesproc init", code=1)
    assert not typo.parent.exists()


def test_a_database_from_a_newer_salesproc_exits_1(db, isolated):
    connection = sqlite3.connect(isolated / "sales.db")
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    rejected(db("due"), "upgrade", code=1)
    rejected(db("init"), "upgrade", code=1)


# --- which database: --db, SALESPROC_DB, config, default -------------------------------


def test_default_database_lives_in_the_user_data_dir(cli, isolated, monkeypatch):
    monkeypatch.delenv("SALESPROC_DB")
    ok(cli("init"))
    assert default_db(isolated).is_file()
    assert not (isolated / "sales.db").exists()


def test_db_flag_beats_env_beats_config_beats_default(cli, isolated, tmp_path, monkeypatch):
    flag, env, conf = tmp_path / "flag.db", tmp_path / "env.db", tmp_path / "conf.db"
    for path, rep in [(flag, "flag"), (env, "env"), (conf, "conf")]:
        make_db(cli, path, rep)
    monkeypatch.delenv("SALESPROC_DB")
    ok(cli("init"))
    ok(cli("rep", "add", "default", "--name", "Default"))
    assert default_db(isolated).is_file()
    assert rep_codes(cli) == ["default"]

    write_config(tmp_path, monkeypatch, f'db = "{conf}"\n')
    assert rep_codes(cli) == ["conf"]
    monkeypatch.setenv("SALESPROC_DB", str(env))
    assert rep_codes(cli) == ["env"]
    assert rep_codes(cli, "--db", str(flag)) == ["flag"]


def test_db_accepts_a_sqlalchemy_url(cli, tmp_path):
    path = tmp_path / "url.db"
    make_db(cli, path, "viaurl")
    assert rep_codes(cli, "--db", f"sqlite:///{path}") == ["viaurl"]


def test_config_rep_sets_the_default_rep(db, tmp_path, monkeypatch):
    ok(db("rep", "add", "li", "--name", "李娜"))
    ok(db("customer", "add", "万家超市", "--grade", "A"))
    write_config(tmp_path, monkeypatch, 'rep = "li"\n')
    ok(db("log-visit", "--customer", "万家超市", "--purpose", "order"))
    shown = json.loads(ok(db("customer", "show", "万家超市", "--format", "json")).stdout)
    assert [v["rep"] for v in shown["visits"]] == ["li"]


# --- config show -----------------------------------------------------------------------


def test_config_show_without_a_config_file_shows_the_defaults(cli, isolated, monkeypatch):
    monkeypatch.delenv("SALESPROC_DB")
    result = ok(cli("config", "show"))
    assert str(isolated / "config" / "salesproc" / "config.toml") in result.stdout
    assert str(default_db(isolated)) in result.stdout
    assert "default" in result.stdout
    values = settings(cli)
    assert values["db"] == (str(default_db(isolated)), "default")
    assert values["rep"][0] is None
    cadence = {key: value for key, (value, _) in values.items() if key.startswith("cadence")}
    assert cadence == {"cadence.A": 7, "cadence.B": 14, "cadence.C": 30}
    assert not default_db(isolated).exists()  # showing settings creates no database


def test_config_show_names_where_each_setting_came_from(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("SALESPROC_DB")
    conf_db = tmp_path / "from-config.db"
    path = write_config(
        tmp_path, monkeypatch, f'db = "{conf_db}"\nrep = "li"\n\n[cadence]\nA = 3\n'
    )
    values = settings(cli)
    assert values["db"][0] == str(conf_db)
    assert str(path) in values["db"][1]
    assert values["rep"][0] == "li"
    assert str(path) in values["rep"][1]
    assert values["cadence.A"][0] == 3
    assert str(path) in values["cadence.A"][1]
    assert values["cadence.B"] == (14, "default")
    table = ok(cli("config", "show")).stdout
    assert str(path) in table
    assert "li" in table

    monkeypatch.setenv("SALESPROC_DB", str(tmp_path / "from-env.db"))
    value, source = settings(cli)["db"]
    assert value == str(tmp_path / "from-env.db")
    assert "SALESPROC_DB" in source

    value, source = settings(cli, "--db", str(tmp_path / "from-flag.db"))["db"]
    assert value == str(tmp_path / "from-flag.db")
    assert "--db" in source
    assert "--db" in ok(cli("--db", str(tmp_path / "from-flag.db"), "config", "show")).stdout


# --- a bad config file: exit 2, naming the file and the key ----------------------------


BAD_VALUES = [
    ('[cadence]\nA = "weekly"\n', ["cadence", "A"]),
    ("[cadence]\nB = 0\n", ["cadence", "B"]),
    ("[cadence]\nC = -3\n", ["cadence", "C"]),
    ("[cadence]\nA = 7.5\n", ["cadence", "A"]),
    ("db = 5\n", ["db"]),
    ('rep = ""\n', ["rep"]),
    ("cadence = 7\n", ["cadence"]),
]
UNKNOWN_KEYS = [
    ("[cadance]\nA = 3\n", ["cadance"]),
    ('dbb = "x.db"\n', ["dbb"]),
    ("[cadence]\nD = 3\n", ["cadence", "D"]),
    ('Rep = "li"\n', ["Rep"]),
]


@pytest.mark.parametrize(
    ("text", "words"),
    BAD_VALUES + UNKNOWN_KEYS,
    ids=[
        "cadence-text",
        "cadence-zero",
        "cadence-negative",
        "cadence-float",
        "db-number",
        "rep-empty",
        "cadence-not-a-table",
        "typo-section",
        "typo-key",
        "unknown-grade",
        "wrong-case",
    ],
)
@pytest.mark.parametrize("command", [["config", "show"], ["due"], ["init"]])
def test_bad_config_exits_2_naming_the_file_and_the_key(
    db, tmp_path, monkeypatch, text, words, command
):
    path = write_config(tmp_path, monkeypatch, text)
    line = rejected(db(*command), str(path))
    rest = line.replace(str(path), "")
    for word in words:
        assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", rest), line


def test_config_that_is_not_toml_exits_2_naming_the_file(db, tmp_path, monkeypatch):
    path = write_config(tmp_path, monkeypatch, "[cadence\nA = 3\n")
    rejected(db("due"), str(path))


def test_bad_config_writes_nothing(db, tmp_path, monkeypatch):
    ok(db("rep", "add", "zhang", "--name", "张伟"))
    ok(db("customer", "add", "万家超市", "--grade", "A"))
    write_config(tmp_path, monkeypatch, "[cadance]\nA = 3\n")
    rejected(db("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order"))
    rejected(db("rep", "add", "li", "--name", "李娜"))
    monkeypatch.delenv("SALESPROC_CONFIG")
    shown = json.loads(ok(db("customer", "show", "万家超市", "--format", "json")).stdout)
    assert shown["visits"] == []
    assert rep_codes(db) == ["zhang"]


def test_bad_pinned_clock_exits_2(db, monkeypatch):
    monkeypatch.setenv("SALESPROC_NOW", "next tuesday")
    rejected(db("due"), "SALESPROC_NOW")


# --- demo ------------------------------------------------------------------------------


def test_demo_builds_a_realistic_team_and_shows_its_day(cli, demo_db):
    path, output = demo_db.path, demo_db.output  # `demo --seed 3`, built once per session
    on = ["--db", str(path)]

    reps = json.loads(ok(cli(*on, "rep", "list", "--format", "json")).stdout)
    assert 6 <= len(reps) <= 10
    assert all(re.search(r"[\u4e00-\u9fff]", r["name"]) for r in reps)
    assert len({r["region"] for r in reps}) == 2
    assert all(r["active"] for r in reps)

    customers = json.loads(ok(cli(*on, "customer", "list", "--format", "json")).stdout)
    assert 550 <= len(customers) <= 750  # ~63 a rep: what 6 visits a working day keep up with
    assert all(c["phone"] for c in customers)
    assert {c["grade"] for c in customers} == {"A", "B", "C"}
    assert {c["category"] for c in customers} == {"prospect", "new", "existing"}
    assert max(c["last_visit"] for c in customers if c["last_visit"]) == TODAY

    visits = ["--metric", "visits", "--cumulative", "--period", "all"]
    assert total(cli, path, *visits) > 300
    assert total(cli, path, *visits, "--date", "2026-10-08") > 0  # the first week has visits
    assert total(cli, path, *visits, "--date", "2026-09-25") == 0  # ~60 days, not more
    assert total(cli, path, "--metric", "visits") > 0  # ending today
    assert total(cli, path, "--cumulative") > 0
    assert total(cli, path, "--cumulative", "--period", "all", "--date", "2026-09-25") == 0

    # It prints today's due list and the cumulative leaderboard.
    due = json.loads(ok(cli(*on, "due", "--format", "json")).stdout)
    assert due
    assert all(row["customer"] in output for row in due)
    leaders = json.loads(ok(cli(*on, "rank", "--cumulative", "--format", "json")).stdout)
    assert all(row["rep"] in output for row in leaders)
    assert "\x1b" not in output


@pytest.mark.slow  # builds the demo
def test_demo_is_deterministic_for_a_seed(cli, tmp_path):
    def build(name: str, seed: str) -> tuple[str, str]:
        on = ["--db", str(tmp_path / name)]
        ok(cli(*on, "demo", "--seed", seed))
        return (
            ok(cli(*on, "customer", "list", "--format", "json")).stdout,
            ok(cli(*on, "rank", "--cumulative", "--format", "json")).stdout,
        )

    first = build("one.db", "11")
    assert build("two.db", "11") == first
    other = build("three.db", "12")
    assert other[0] != first[0]


@pytest.mark.slow  # builds the demo
def test_demo_builds_in_an_initialised_empty_database(db, isolated):
    ok(db("demo", "--seed", "2"))
    assert len(rep_codes(db)) >= 6


@pytest.mark.slow  # builds the demo
def test_demo_uses_the_default_location(cli, isolated, monkeypatch):
    monkeypatch.delenv("SALESPROC_DB")
    ok(cli("demo", "--seed", "1"))
    assert default_db(isolated).is_file()
    assert len(rep_codes(cli)) >= 6


@pytest.mark.slow  # builds the demo
def test_demo_refuses_a_database_holding_data_unless_forced(db):
    ok(db("rep", "add", "zhang", "--name", "张伟"))
    ok(db("customer", "add", "万家超市", "--grade", "A", "--rep", "zhang"))
    ok(db("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order"))
    rejected(db("demo"), "--force")
    rejected(db("demo", "--seed", "4"), "--force")
    assert rep_codes(db) == ["zhang"]
    customers = json.loads(ok(db("customer", "list", "--format", "json")).stdout)
    assert [(c["name"], c["visits"]) for c in customers] == [("万家超市", 1)]

    ok(db("demo", "--force"))
    codes = rep_codes(db)
    assert "zhang" not in codes
    assert len(codes) >= 6
    names = [c["name"] for c in json.loads(ok(db("customer", "list", "--format", "json")).stdout)]
    assert "万家超市" not in names


def _foreign_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.execute("INSERT INTO notes VALUES ('keep me')")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    "command",
    [
        ["demo"],
        ["demo", "--force"],
        ["init"],
        ["due"],
        ["rep", "add", "zhang", "--name", "张伟"],
    ],
)
def test_a_sqlite_file_salesproc_did_not_make_is_never_touched(cli, tmp_path, command):
    path = tmp_path / "other.db"
    _foreign_sqlite(path)
    before = path.read_bytes()
    result = cli("--db", str(path), *command)
    assert result.exit_code in (1, 2), result.stdout
    rejected(result, code=result.exit_code)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]
    connection = sqlite3.connect(path)
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
    rows = connection.execute("SELECT body FROM notes").fetchall()
    journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()
    assert tables == ["notes"]
    assert rows == [("keep me",)]
    assert journal == "delete", "salesproc switched someone else's database to WAL"
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", [["demo", "--force"], ["init"], ["due"]])
def test_a_file_that_is_not_a_database_is_never_touched(cli, tmp_path, command):
    path = tmp_path / "notes.db"
    path.write_text("my shopping list\n", encoding="utf-8")
    result = cli("--db", str(path), *command)
    assert result.exit_code in (1, 2), result.stdout
    rejected(result, code=result.exit_code)
    assert path.read_text(encoding="utf-8") == "my shopping list\n"


@pytest.mark.parametrize("revision", migrate.KNOWN_REVISIONS[:-1])
def test_a_database_from_an_older_release_is_upgraded_and_keeps_its_data(cli, tmp_path, revision):
    """Every revision a user may have is upgraded on first use, with nothing lost."""
    path = tmp_path / f"old-{revision}.db"
    migrate.upgrade(create_engine(f"sqlite:///{path}"), revision)
    with sqlite3.connect(path) as old:
        old.execute(
            "INSERT INTO reps (id, code, name, active, created_at) "
            "VALUES (1, 'zhang', '张伟', 1, '2026-01-01 00:00:00.000000')"
        )
        old.execute(
            "INSERT INTO sales (rep_id, sale_date, amount_cents, created_at) "
            "VALUES (1, '2026-11-30', 12345, '2026-11-30 09:00:00.000000')"
        )
    ranked = json.loads(ok(cli("--db", str(path), "rank", "--format", "json")).stdout)
    assert ranked == [{"rank": 1, "rep": "zhang", "name": "张伟", "amount": 123.45, "change": 0}]
    with sqlite3.connect(path) as upgraded:
        version = upgraded.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert version == migrate.HEAD != revision


@pytest.mark.slow  # builds the demo
def test_the_demo_ends_with_next_commands_that_work_as_printed(cli, tmp_path, monkeypatch):
    path = tmp_path / "salesproc-demo.db"
    output = ok(cli("--db", str(path), "demo", "--seed", "5")).stdout
    lines = output[output.index("Next, try:") :].split("\n\n")[0].splitlines()[1:]
    assert lines[0].split() == ["export", f"SALESPROC_DB={path}"]
    monkeypatch.setenv("SALESPROC_DB", str(path))  # as the export line does
    for line in lines[1:]:
        args = line.split()
        assert args[0] == "salesproc"
        assert ok(cli(*args[1:])).stdout.strip()


def test_a_missing_database_says_how_to_point_at_one(cli, tmp_path):
    result = cli("--db", str(tmp_path / "nowhere.db"), "due")
    assert result.exit_code == 1
    assert "--db" in result.stderr and "SALESPROC_DB" in result.stderr
