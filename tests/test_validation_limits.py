"""Every length limit and character rule is checked before the database, alike on both.

SQLite stores a 41-character code in a VARCHAR(40); PostgreSQL refuses it with a
driver error (exit 1). Both must refuse it the same way: exit 2, one line naming
the field (`row N, column C: …` in an import), nothing written. Each test runs on
the suite's database (SQLite, or PostgreSQL under `SALESPROC_TEST_DB`) and, with
`SALESPROC_TEST_PG`, again on a fresh PostgreSQL database of its own.
"""

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String
from sqlalchemy.engine import make_url

from helpers import ok, rejected
from salesproc.db import limits
from salesproc.db.models import Base

PG = os.environ.get("SALESPROC_TEST_PG", "")
_numbers = count(1)

#: what each listing shows: all of it is compared before and after a refused command
LISTINGS = (
    ("rep", "list"), ("customer", "list"), ("visit", "list"), ("sale", "list"),
    ("collection", "list"), ("field", "list"), ("call", "list"), ("history",),
    ("report", "daily"),
)  # fmt: skip


def _team(run: Callable[..., Any]) -> None:
    ok(run("init"))
    ok(run("rep", "add", "zhang", "--name", "张伟", "--region", "杭州"))
    ok(run("customer", "add", "万家超市", "--grade", "A", "--rep", "zhang"))


@pytest.fixture(params=["suite", "postgresql"])
def team_on(
    request: pytest.FixtureRequest, team: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """The `team` database the suite runs on, then the same on a fresh PostgreSQL database
    (skipped without `SALESPROC_TEST_PG`)."""
    if request.param == "suite":
        yield team
        return
    if not PG:
        pytest.skip("the PostgreSQL run needs PostgreSQL: set SALESPROC_TEST_PG")
    import psycopg

    admin_url = make_url(PG).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"limits_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        try:
            url = make_url(PG).set(database=name).render_as_string(hide_password=False)
            monkeypatch.setenv("SALESPROC_DB", url)
            _team(team)
            yield team
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _everything(run: Callable[..., Any]) -> list[Any]:
    return [json.loads(ok(run(*listing, "--format", "json")).stdout) for listing in LISTINGS]


def _refused_and_nothing_written(run: Callable[..., Any], args: list[str], *words: str) -> str:
    before = _everything(run)
    line = rejected(run(*args), *words)
    assert _everything(run) == before
    return line


LONG = {n: "x" * n for n in (41, 101, 121, 201)}
SPLIT = "weights:" + ",".join(["1.000000000001"] * 12)  # 187 characters, 120 fit

VISIT_ARGS = ["log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order"]

#: (command, words its one line must hold)
REFUSED = {
    "rep code": (["rep", "add", LONG[41], "--name", "王五"], ["the rep code", "41", "40"]),
    "rep name": (["rep", "add", "wang", "--name", LONG[101]], ["the rep's name", "101", "100"]),
    "rep region": (
        ["rep", "add", "wang", "--name", "王五", "--region", LONG[101]],
        ["the rep's region", "100"],
    ),
    "rep phone": (
        ["rep", "add", "wang", "--name", "王五", "--phone", LONG[41]],
        ["the rep's phone", "40"],
    ),
    "customer name": (
        ["customer", "add", LONG[201], "--grade", "A"],
        ["the customer name", "201", "200"],
    ),
    "customer contact": (
        ["customer", "add", "新店", "--grade", "A", "--contact", LONG[101]],
        ["the customer's contact", "100"],
    ),
    "customer phone, edited": (
        ["customer", "edit", "万家超市", "--phone", LONG[41]],
        ["the customer's phone", "40"],
    ),
    "customer region, edited": (
        ["customer", "edit", "万家超市", "--region", LONG[101]],
        ["the customer's region", "100"],
    ),
    "sale ref": (
        ["sale", "add", "--rep", "zhang", "--amount", "100", "--ref", LONG[101]],
        ["the sale's reference", "100"],
    ),
    "collection ref": (
        ["collection", "add", "--rep", "zhang", "--amount", "100", "--ref", LONG[101]],
        ["the collection's reference", "100"],
    ),
    "visit weather": (
        [*VISIT_ARGS, "--weather", LONG[101]],
        ["the report's weather", "100"],
    ),
    "report region": (
        ["report", "header", "--rep", "zhang", "--region", LONG[101]],
        ["the report's region", "100"],
    ),
    "field region": (["field", "log", "--region", LONG[101]], ["the field day's region", "100"]),
    "target split": (
        ["target", "set", "--rep", "zhang", "--amount", "1000", "--split", SPLIT],
        ["--split", "187", "120"],
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_text_too_long_for_its_field_is_refused_naming_it(team_on, case):
    args, words = REFUSED[case]
    _refused_and_nothing_written(team_on, args, *words, "too long")


def test_texts_exactly_at_their_limits_are_stored_whole(team_on):
    ok(team_on("rep", "add", "c" * 40, "--name", "n" * 100, "--region", "r" * 100,
               "--phone", "1" * 40))  # fmt: skip
    ok(team_on("customer", "add", "客" * 200, "--grade", "B", "--contact", "c" * 100))
    ok(team_on("sale", "add", "--rep", "zhang", "--amount", "5", "--ref", "f" * 100))
    reps = {r["code"]: r for r in _everything(team_on)[0]}
    assert reps["c" * 40]["name"] == "n" * 100 and reps["c" * 40]["phone"] == "1" * 40
    assert "客" * 200 in {c["name"] for c in _everything(team_on)[1]}
    assert [s["ref"] for s in _everything(team_on)[3]] == ["f" * 100]


def test_a_config_user_with_a_nul_is_refused_before_it_reaches_the_history(
    team_on, isolated: Path, monkeypatch
):
    config = isolated / "nul.toml"
    config.write_text('user = "boss\\u0000"\n', encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    _refused_and_nothing_written(
        team_on, ["customer", "edit", "万家超市", "--grade", "B"], "U+0000"
    )


# --- imports: `row N, column C: …`, nothing imported ---------------------------------------

VISIT = "date,rep,customer,purposes,{column}\n2026-11-30,zhang,万家超市,order,{text}\n"

IMPORTS = {
    "customer name": (
        "customers", [], f"name,grade\n{LONG[201]},A\n", "row 2, column name: 201 characters"
    ),
    "customer contact": (
        "customers", [], f"name,grade,contact\n新店,A,{LONG[101]}\n", "row 2, column contact:"
    ),
    "customer phone": (
        "customers", [], f"name,grade,phone\n新店,A,{LONG[41]}\n", "row 2, column phone:"
    ),
    "customer region": (
        "customers", [], f"name,grade,region\n新店,A,{LONG[101]}\n", "row 2, column region:"
    ),
    "customer NUL": ("customers", [], "name,grade\n新\0店,A\n", "row 2, column name"),
    "sale ref": (
        "sales", [], f"rep,date,amount,ref\nzhang,2026-11-30,10,{LONG[101]}\n",
        "row 2, column ref: 101 characters, more than the 100",
    ),
    "sale key": (
        "sales", ["--key", "no"], f"rep,date,amount,no\nzhang,2026-11-30,10,{LONG[201]}\n",
        "row 2, column no: 201 characters, more than the 200",
    ),
    "sale's new customer": (
        "sales", ["--create-customers"],
        f"rep,date,amount,customer\nzhang,2026-11-30,10,{LONG[201]}\n",
        "row 2, column customer: 201 characters",
    ),
    "sale's new rep": (
        "sales", ["--create-reps"], f"rep,date,amount\n{LONG[101]} (wang),2026-11-30,10\n",
        "row 2, column rep: the rep's name is too long",
    ),
    "sale NUL": ("sales", [], "rep,date,amount,ref\nzhang,2026-11-30,10,a\0b\n", "U+0000"),
    "collection ref": (
        "collections", [], f"rep,date,amount,ref\nzhang,2026-11-30,10,{LONG[101]}\n",
        "row 2, column ref: 101 characters",
    ),
    "visit weather": (
        "visits", [], VISIT.format(column="weather", text=LONG[101]),
        "row 2, column weather: 101 characters",
    ),
    "visit region": (
        "visits", [], VISIT.format(column="region", text=LONG[101]),
        "row 2, column region: 101 characters",
    ),
    "visit phone": (
        "visits", [], VISIT.format(column="phone", text=LONG[41]),
        "row 2, column phone: 41 characters",
    ),
    "visit's new customer": (
        "visits", ["--create-customers"],
        f"date,rep,customer,purposes\n2026-11-30,zhang,{LONG[201]},order\n",
        "row 2, column customer: 201 characters",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", IMPORTS)
def test_an_import_refuses_a_text_too_long_naming_row_and_column(team_on, tmp_path, case):
    kind, flags, text, words = IMPORTS[case]
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(text.encode("utf-8"))
    before = _everything(team_on)
    run = team_on("import", kind, str(path), *flags)
    assert run.exit_code == 2, run.stderr
    assert "Traceback" not in run.stderr and "unexpected" not in run.stderr
    assert words in run.stderr, run.stderr
    assert _everything(team_on) == before


# --- one table, from the models -----------------------------------------------------------


def test_the_limits_are_the_columns_declared_lengths():
    declared = {
        f"{table.name}.{column.name}": column.type.length
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, String) and column.type.length
    }
    assert declared == limits.LENGTH
    assert limits.LENGTH["reps.code"] == 40 and limits.LENGTH["sales.ref"] == 100


@pytest.mark.sqlite_only("writes an over-long name straight into the SQLite file")
def test_a_name_stored_too_long_before_stays_editable_in_its_other_fields(team, isolated):
    connection = sqlite3.connect(isolated / "sales.db")
    with connection:
        connection.execute(
            "UPDATE customers SET name = ?, name_key = ? WHERE name = '万家超市'",
            (LONG[201], LONG[201]),
        )
    connection.close()
    ok(team("customer", "edit", LONG[201], "--grade", "C"))
    shown = {c["name"]: c["grade"] for c in _everything(team)[1]}
    assert shown[LONG[201]] == "C"
