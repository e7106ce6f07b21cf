"""Issue 14's benchmark at a tiny scale: the generator grows the history alone, and
`run.py --floor` prints each command beside its same-SQL baselines and the ratio table."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

#: the benchmarks make and time their own SQLite files (SALESPROC_* is kept from them), so a
#: run on PostgreSQL would repeat the SQLite run's work exactly
pytestmark = pytest.mark.sqlite_only(
    "the benchmarks build and time their own SQLite files whatever SALESPROC_TEST_DB says"
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SALESPROC_")}


def _generate(db: Path, days: int, visits: int, *more: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--db", str(db), "--visits", str(visits),
         "--reps", "4", "--customers", "120", "--days", str(days), *more],
        capture_output=True, text=True, env=_env(), timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(db.with_name(db.name + ".bench.json").read_text(encoding="utf-8"))


def _first_visit(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT min(visit_date) FROM visits").fetchone()[0]


@pytest.mark.slow  # two small databases through `salesproc init`
def test_generate_grows_the_history_with_the_team_fixed(tmp_path):
    short = _generate(tmp_path / "short.db", days=60, visits=1000)
    long = _generate(tmp_path / "long.db", days=600, visits=3000)
    assert (short["reps"], short["customers"]) == (long["reps"], long["customers"]) == (4, 120)
    assert (short["days"], long["days"]) == (60, 600)
    assert _first_visit(tmp_path / "long.db") < _first_visit(tmp_path / "short.db")


def _overlapping(db: Path) -> int:
    """Pairs of one rep's visits on one day whose times overlap."""
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute(
            "SELECT count(*) FROM visits a JOIN visits b ON a.rep_id = b.rep_id "
            "AND a.visit_date = b.visit_date AND a.id < b.id "
            "WHERE a.start_time < b.end_time AND b.start_time < a.end_time"
        ).fetchone()[0]


@pytest.mark.slow  # two small databases through `salesproc init`
def test_generate_routes_a_reps_day_only_when_asked(tmp_path):
    """`--day routed`: a rep's visits one after another, 10 minutes apart at least, so that
    the audit can be timed on a team whose days hold no overlap; the default keeps the
    random times the speed goals were set on."""
    _generate(tmp_path / "random.db", 60, 1500)
    meta = _generate(tmp_path / "routed.db", 60, 1500, "--day", "routed")
    assert meta["day"] == "routed" and meta["visits"] == 1500
    assert _overlapping(tmp_path / "random.db") > 0
    assert _overlapping(tmp_path / "routed.db") == 0
    with closing(sqlite3.connect(tmp_path / "routed.db")) as connection:
        trips = connection.execute(
            "SELECT min((julianday(b.start_time) - julianday(a.end_time)) * 1440) "
            "FROM visits a JOIN visits b ON a.rep_id = b.rep_id AND a.visit_date = b.visit_date "
            "AND b.start_time > a.start_time AND NOT EXISTS (SELECT 1 FROM visits c "
            "WHERE c.rep_id = a.rep_id AND c.visit_date = a.visit_date "
            "AND c.start_time > a.start_time AND c.start_time < b.start_time)"
        ).fetchone()[0]
    assert trips >= 10 - 1e-6


@pytest.mark.slow  # a dozen timed processes
def test_floor_mode_prints_each_command_beside_its_baselines_and_the_ratios(tmp_path):
    db = tmp_path / "tiny.db"
    _generate(db, days=60, visits=1500)
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--floor", "--db", str(db), "--runs", "1",
         "--only", "due", "--only", "salesproc --help"],
        capture_output=True, text=True, env=_env(), timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for line in (
        "python -c pass",
        'python -c "import typer"',
        "same SQL, SQLAlchemy",
        "same SQL, raw sqlite3",
        "due (at a terminal)",
        "due: terminal / piped",
        '--help / python -c "import typer"',
    ):
        assert line in out, line
    assert "rank" not in out  # --only leaves the other commands out
    if "Taskwarrior not installed" not in out:
        assert "due / Taskwarrior due listing" in out


@pytest.mark.slow  # a small database through `salesproc init`
def test_lookback_sql_finds_the_same_trips_in_python_and_in_sql(tmp_path):
    """`lookback_sql.py` compares the cost of one audit habit worked out two ways: a figure
    worth quoting only if both ways find the same trips (it exits 1 when they do not)."""
    db = tmp_path / "tiny.db"
    meta = _generate(db, days=60, visits=1500)
    start = date.fromisoformat(meta["today"]) - timedelta(days=10)
    done = subprocess.run(
        [sys.executable, str(BENCH / "lookback_sql.py"), "--db", str(db),
         "--from", start.isoformat(), "--runs", "1"],
        capture_output=True, text=True, env=_env(), timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    trips = int(done.stdout.split(" visits, ")[1].split(" trips")[0].replace(",", ""))
    assert trips > 0
    assert "trips in SQL" in done.stdout and "fetch + trips in Python" in done.stdout
