"""Issue 14's benchmark at a tiny scale: the generator grows the history alone, and
`run.py --floor` prints each command beside its same-SQL baselines and the ratio table."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
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


def _generate(db: Path, days: int, visits: int) -> dict:
    done = subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--db", str(db), "--visits", str(visits),
         "--reps", "4", "--customers", "120", "--days", str(days)],
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
