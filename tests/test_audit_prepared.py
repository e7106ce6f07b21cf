"""The audit's and the call plan's reads compiled once (`db.audit_statements` through
`db.prepared`): on an SQLite file they run through `sqlite3` and give exactly what SQLAlchemy
gives for the same statements, so the flags cannot depend on the way they were read."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from helpers import run_loading
from salesproc.db import audit_reads, prepared
from salesproc.db.contention import reading
from salesproc.db.daily_reads import find_rep
from salesproc.db.engine import open_engine
from salesproc.db.migrate import HEAD

pytestmark = pytest.mark.sqlite_only("the statements run through sqlite3 only on an SQLite file")

TODAY = date(2026, 11, 25)  # conftest's NOW


def _reads(db, rep_id: int) -> list:
    """Every read of `audit_reads`, in each shape `audit` and `call-plan` use: a window of this
    month, one ending a few days ago (every visit since is read), one long past (each
    promised customer's first visit after it), each for the team and for one rep."""
    found: list = []
    windows = [
        (TODAY.replace(day=1), TODAY),
        (TODAY - timedelta(days=12), TODAY - timedelta(days=3)),
        (TODAY - timedelta(days=50), TODAY - timedelta(days=30)),
    ]
    for start, end in windows:
        for rep in (None, rep_id):
            found.append(audit_reads.audit_facts(db, start, end, TODAY, rep))
        found.append(audit_reads.dismissed_ids(db, start, end))
        found.append(audit_reads.visit_edits(db, start, rep_id))
    for day in (TODAY, TODAY - timedelta(days=1), TODAY - timedelta(days=8)):
        found.append(audit_reads.day_visits(db, day))
        found.append(audit_reads.recent_windows(db, day))
    some = [visit.id for visit in found[0].visits[:40]]
    found.append(audit_reads.visits_by_id(db, some))
    found.append(audit_reads.answered(db, some))
    return found


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_audit_reads_give_the_same_facts_through_sqlite3_as_through_sqlalchemy(
    demo_db, cli, cache
):
    # a flag dismissed, a visit edited and a customer phoned: every read has rows to compare
    def run(*words: str):
        done = cli("--db", str(demo_db.path), *words)
        assert done.exit_code == 0, done.stderr
        return done.stdout

    listed = json.loads(run("audit", "--all", "--format", "json"))
    run("audit", "dismiss", listed[0]["id"], "--note", "checked")
    visit = json.loads(run("visit", "list", "--from", "2026-11-20", "-f", "json"))[0]
    run("visit", "edit", str(visit["id"]), "--start", "07:01")
    engine = open_engine(str(demo_db.path))
    with reading(engine) as connection:
        rep = find_rep(connection, visit["rep"])
        through_sqlalchemy = _reads(connection, rep.id)
    engine.dispose()
    facts = through_sqlalchemy[0]
    assert facts.visits and facts.calls and facts.orders and facts.reps  # something to compare
    assert through_sqlalchemy[2] and through_sqlalchemy[3]  # the dismissed flag, the edit

    for _pass in ("compiled", "from the cache file"):
        compiled = prepared.SqliteReader.open(Path(demo_db.path), HEAD)
        assert compiled is not None
        try:
            assert _reads(compiled, rep.id) == through_sqlalchemy
        finally:
            compiled.close()


@pytest.mark.parametrize(
    "command",
    [("audit",), ("audit", "--all", "--format", "json"), ("audit", "--by", "rep"), ("call-plan",),
     ("audit", "--rep", "zhang", "--from", "2026-10-01", "--to", "2026-10-31")],
    ids=" ".join,
)  # fmt: skip
def test_the_audit_and_the_call_plan_load_no_sqlalchemy_once_compiled(team, cache, command):
    """Their statements are compiled on the first run and kept: the next runs send the kept
    SQL through `sqlite3`, without SQLAlchemy's import (a fifth of an audit's time)."""
    first, loaded = run_loading(command, ("sqlalchemy",))
    assert loaded == ["sqlalchemy"]
    again, loaded = run_loading(command, ("sqlalchemy",))
    assert again == first and loaded == []
