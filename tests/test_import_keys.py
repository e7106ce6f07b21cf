"""`import sales --key`: a key the file repeats is told with the row it repeats, however the
import found it.

A first import of keys (none on file yet) goes in without keeping the keys it
has read: the table's unique key refuses a repeat, and a bad row stops that
try; the file is then read again keeping them. The user must not be able to
tell: the same lines, in the same order, and nothing written.
"""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_import_sales import (
    A,
    C,
    import_sales,
    imported,
    problem_lines,
    problems,
    snapshot,
    write_csv,
)

HEADER = ["rep", "date", "amount", "customer", "id"]


def _rows(keys: list[str], bad_amounts: frozenset[int] = frozenset()) -> list[list[str]]:
    """A good sale a key (a bad amount on the rows numbered in `bad_amounts`), with the
    heading: the first sale is row 2."""
    rows = [HEADER]
    for at, key in enumerate(keys, start=2):
        amount = "x" if at in bad_amounts else f"{at}.50"
        rows.append(["zhang" if at % 2 else "li", "2026-11-01", amount, A if at % 3 else C, key])
    return rows


def _small_chunks(monkeypatch: Any) -> None:
    """Chunks of three rows: a repeat's first row is written (and its chunk committed to
    the transaction) before the repeat is read."""
    from salesproc.adapters import sales_import

    monkeypatch.setattr(sales_import, "BATCH", 3)


def test_a_key_repeated_chunks_after_its_first_row_is_told_and_nothing_is_written(
    team, tmp_path, monkeypatch
):
    _small_chunks(monkeypatch)
    keys = [f"K{n}" for n in range(1, 20)]
    keys[16] = "K3"  # row 18 repeats row 4
    path = write_csv(tmp_path / "sales.csv", _rows(keys))
    before = snapshot(team)
    for dry in ([], ["--dry-run"]):
        run = import_sales(team, path, "--key", "id", *dry)
        assert problems(run) == {(18, "id"): 1}
        assert problem_lines(run)[18, "id"].strip() == "row 18, column id: key 'K3' repeats row 4"
        assert run.stderr.strip().splitlines()[-1] == (
            "Error: 1 bad row in sales.csv; nothing was imported"
        )
        assert snapshot(team) == before

    # the keys of the refused runs were not kept: the file without its repeat goes in
    keys[16] = "K17"
    imported(import_sales(team, write_csv(tmp_path / "good.csv", _rows(keys)), "--key", "id"), 19)


def test_a_repeat_after_a_bad_row_is_told_in_row_order_with_it(team, tmp_path, monkeypatch):
    _small_chunks(monkeypatch)
    keys = [f"K{n}" for n in range(1, 16)]
    keys[13] = "K11"  # row 15 repeats row 12, both after the bad row 10
    keys[6] = "K1"  # row 8 repeats row 2, before it
    run = import_sales(
        team, write_csv(tmp_path / "sales.csv", _rows(keys, frozenset({10}))), "--key", "id"
    )
    lines = [line.strip() for line in run.stderr.strip().splitlines()]
    assert len(lines) == 4, run.stderr
    assert lines[0] == "row 8, column id: key 'K1' repeats row 2"
    assert lines[1].startswith("row 10, column amount: ")
    assert lines[2] == "row 15, column id: key 'K11' repeats row 12"
    assert lines[3] == "Error: 3 bad rows in sales.csv; nothing was imported"


def test_a_first_import_of_keys_and_a_later_one_refuse_a_repeat_alike(team, tmp_path):
    """The same repeat, in a first import of keys and in one with keys on file (which keeps
    them from the start): the same lines."""
    keys = ["R1", "R2", "R1"]
    path = write_csv(tmp_path / "sales.csv", _rows(keys))
    first = import_sales(team, path, "--key", "id")
    problems(first)
    imported(import_sales(team, write_csv(tmp_path / "other.csv", _rows(["X1"])), "--key", "id"), 1)
    later = import_sales(team, path, "--key", "id")
    assert later.stderr == first.stderr
    assert later.exit_code == first.exit_code == 2


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(st.integers(0, 7), min_size=1, max_size=14),
    bad=st.frozensets(st.integers(2, 15), max_size=2),
)
def test_every_repeat_is_told_with_its_first_row_in_row_order(
    team, tmp_path, monkeypatch, picks, bad
):
    """Whatever the keys and bad rows, the lines are the rows' problems in row order: a bad
    amount, and a key read on an earlier row (good or bad) naming that row; a file with
    none goes in whole. (Dry runs: every example starts from the same database.)"""
    _small_chunks(monkeypatch)
    keys = [f"P{n}" for n in picks]
    bad_amounts = frozenset(at for at in bad if at <= len(keys) + 1)
    path = write_csv(tmp_path / "sales.csv", _rows(keys, bad_amounts))
    run = import_sales(team, path, "--key", "id", "--dry-run")

    expected: list[tuple[int, str]] = []
    first_row: dict[str, int] = {}
    for at, key in enumerate(keys, start=2):
        if at in bad_amounts:
            expected.append((at, "amount"))
        if key in first_row:
            expected.append((at, "id"))
        else:
            first_row[key] = at
    if not expected:
        imported(run, len(keys), verb="Would import")
        return
    assert run.exit_code == 2, run.stderr
    told = run.stderr.strip().splitlines()[:-1]
    lines = problem_lines(run)
    assert [(int(line.split()[1].rstrip(",")), line.split("column ")[1].split(":")[0])
            for line in map(str.strip, told)] == expected  # fmt: skip
    for at, column in expected:
        if column == "id":
            key = keys[at - 2]
            assert lines[at, "id"].endswith(f"key '{key}' repeats row {first_row[key]}")
