"""`salesproc backup FILE`: an online copy of the SQLite file that is checked before it is
kept, never over an existing file by accident; on PostgreSQL, the `pg_dump` line to run
(issue 13, 6)."""

import os
import sqlite3
from pathlib import Path

import pytest

from helpers import ok

SQLITE = pytest.mark.sqlite_only("copies the SQLite file itself")


def database() -> Path:
    return Path(os.environ["SALESPROC_DB"])


@pytest.fixture
def sold(team):
    ok(team("sale", "add", "--rep", "zhang", "--amount", "1200", "--date", "2026-11-30"))
    ok(team("log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "order"))
    return team


@SQLITE
def test_the_copy_is_the_database_checked_and_opens_as_it(sold, tmp_path):
    copy = tmp_path / "keep" / "sales-2026-11-30.db"
    copy.parent.mkdir()
    out = ok(sold("backup", str(copy))).stdout
    assert out.startswith(f"Backed up {database()} to {copy} (") and "integrity ok" in out
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]  # nothing half-written
    for command in (("rank", "--cumulative"), ("visit", "list"), ("sale", "list")):
        here = ok(sold(*command, "--format", "json")).stdout
        there = ok(sold("--db", str(copy), *command, "--format", "json")).stdout
        assert here == there


@SQLITE
def test_a_backup_taken_while_another_writes_has_what_was_committed(sold, tmp_path):
    writer = sqlite3.connect(database(), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a rep's log-visit half-way: holds the write lock
        writer.execute("DELETE FROM sales")
        copy = tmp_path / "copy.db"
        ok(sold("backup", str(copy)))  # does not wait for the writer, nor fail
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    sales = ok(sold("--db", str(copy), "sale", "list", "--format", "json")).json()
    assert [s["amount"] for s in sales] == ["1200.00"]


@SQLITE
def test_an_existing_file_is_never_replaced_without_force(sold, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(b"last week's backup")
    refused = sold("backup", str(copy))
    assert refused.exit_code == 2
    assert f"Error: {copy} already exists: name a new file, or pass --force" in refused.stderr
    assert copy.read_bytes() == b"last week's backup"
    ok(sold("backup", str(copy), "--force"))
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM sales").fetchone() == (1,)


@SQLITE
def test_the_database_itself_a_folder_or_a_missing_folder_are_refused(sold, tmp_path):
    before = database().read_bytes()
    itself = sold("backup", str(database()))
    assert itself.exit_code == 2 and "is the database itself" in itself.stderr
    folder = sold("backup", str(tmp_path))
    assert folder.exit_code == 2 and "is a folder: name the file for the copy" in folder.stderr
    nowhere = sold("backup", str(tmp_path / "no" / "such" / "copy.db"))
    assert nowhere.exit_code == 2 and "create it first" in nowhere.stderr
    assert database().read_bytes() == before
    assert not (tmp_path / "no").exists()


def test_no_database_to_copy_is_exit_1(cli, tmp_path):
    missing = cli("--db", str(tmp_path / "none.db"), "backup", str(tmp_path / "copy.db"))
    assert missing.exit_code == 1 and "no database at" in missing.stderr
    assert not (tmp_path / "copy.db").exists()


def test_on_postgresql_it_gives_the_pg_dump_line_without_the_password(cli, tmp_path):
    url = "postgresql://wangjing:s3cret@db.example.com:5433/salesteam"
    run = cli("--db", url, "backup", str(tmp_path / "team.dump"))
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert (
        f"pg_dump --format=custom --file={tmp_path / 'team.dump'} "
        "postgresql://wangjing@db.example.com:5433/salesteam"
    ) in run.stderr
    assert "s3cret" not in run.stderr and not (tmp_path / "team.dump").exists()
