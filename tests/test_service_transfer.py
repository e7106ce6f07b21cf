"""Imports and exports agree with each other and with the commands that record one thing.

Each import used to read dates and find reps its own way, and they disagreed:
`import visits` took `2026/11/02` where `import sales` refused it, and `import
sales` booked a sale to a deactivated rep that `sale add` and `import visits`
refuse. These tests hold every import to the same answer, through the CLI and
through `service.transfer` as a script would call it.
"""

import csv
import json
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import ok
from salesproc.adapters.tabular import Imported
from salesproc.errors import InputError
from salesproc.service import Context, exporting, transfer

NOW = datetime(2026, 11, 30, 18, 30)
A, B, C = "万家超市", "华联便利店", "兴隆商行"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def exported(cli, what: str, path: Path) -> list[dict]:
    ok(cli("export", what, "-o", str(path)))
    return json.loads(path.read_text(encoding="utf-8"))


def problem_lines(run) -> list[str]:
    """The `row N, column C: reason` lines of a rejected import, its `Error:` line left out."""
    assert run.exit_code == 2, run.stderr
    *lines, last = run.stderr.strip().splitlines()
    assert last.startswith("Error:") and "nothing was imported" in last
    return lines


# --- one date reader ------------------------------------------------------------------------

#: Each import with a file whose only date is `{day}`, and where to read back what it stored.
DATED = {
    "sales": (
        [["rep", "date", "amount", "customer"], ["zhang", "{day}", "10", A]],
        lambda cli, tmp: [s["date"] for s in exported(cli, "sales", tmp / "s.json")],
    ),
    "visits": (
        [["date", "rep", "customer", "purposes"], ["{day}", "zhang", A, "order"]],
        lambda cli, tmp: [v["date"] for v in exported(cli, "visits", tmp / "v.json")],
    ),
    "customers": (
        [["name", "grade", "added_on"], ["新店", "B", "{day}"]],
        lambda cli, tmp: [
            c["added_on"] for c in exported(cli, "customers", tmp / "c.json") if c["name"] == "新店"
        ],
    ),
}


BAD_DATE = (
    "bad date {day!r}; use 2026-11-25 (or 2026/11/25, 2026.11.25, 2026年11月25日), "
    "11-25, 11/25 or 11月25日 (this year), today, yesterday, tomorrow, "
    "今天, 昨天, 前天, 明天, 后天, +N or -N (days from today)"
)


def dated(folder: Path, what: str, day: str) -> Path:
    rows, _stored = DATED[what]
    return write_csv(folder / f"{what}.csv", [[c.format(day=day) for c in r] for r in rows])


@pytest.mark.parametrize("what", sorted(DATED))
@pytest.mark.parametrize("day", ["2026/11/02", "2026年11月2日", "2026-11-02 00:00:00"])
def test_every_import_reads_a_date_written_any_accepted_way(team, tmp_path, what, day):
    ok(team("import", what, str(dated(tmp_path, what, day))))
    _rows, stored = DATED[what]
    assert stored(team, tmp_path) == ["2026-11-02"]


@pytest.mark.parametrize("what", sorted(DATED))
@pytest.mark.parametrize("day", ["01/11/2026", "2026-13-01", "someday"])
def test_every_import_refuses_the_same_bad_dates_in_the_same_words(team, tmp_path, what, day):
    [line] = problem_lines(team("import", what, str(dated(tmp_path, what, day))))
    assert line.startswith("row 2, column ")
    assert line.endswith(": " + BAD_DATE.format(day=day))


@pytest.mark.parametrize(
    ("what", "command", "words"),
    [
        ("sales", ["sale", "add", "--rep", "zhang", "--amount", "10"], "sale date"),
        ("visits", ["log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order"],
         "visit date"),
    ],
)  # fmt: skip
def test_a_day_after_today_is_refused_in_the_words_of_the_command_recording_one(
    team, tmp_path, what, command, words
):
    [line] = problem_lines(team("import", what, str(dated(tmp_path, what, "2026-12-01"))))
    one = team(*command, "--date", "2026-12-01")
    assert one.exit_code == 2
    reason = one.stderr.strip().removeprefix("Error: ")
    assert reason.startswith(f"{words} 2026-12-01 is after today (2026-11-30)")
    assert line.endswith(": " + reason)


def test_a_revisit_of_plus_n_days_counts_from_each_visit(team, tmp_path):
    path = write_csv(
        tmp_path / "v.csv",
        [["date", "rep", "customer", "purposes", "next_visit"],
         ["2026-11-02", "zhang", A, "order", "+3"],
         ["2026-11-20", "zhang", B, "order", "+3"]],
    )  # fmt: skip
    ok(team("import", "visits", str(path)))
    visits = exported(team, "visits", tmp_path / "v.json")
    assert [v["next_visit"] for v in visits] == ["2026-11-05", "2026-11-23"]


# --- one rep resolver -----------------------------------------------------------------------


def snapshot(cli, tmp_path: Path) -> list[list[dict]]:
    return [exported(cli, what, tmp_path / f"{what}.json") for what in ("visits", "sales")]


@pytest.mark.parametrize(
    ("command", "rows"),
    [
        (["import", "sales"], [["rep", "date", "amount"], ["li", "2026-11-02", "10"]]),
        (["import", "sales"], [["rep", "date", "amount"], ["李娜", "2026-11-02", "10"]]),
        (["import", "visits"],
         [["date", "rep", "customer", "purposes"], ["2026-11-02", "li", C, "order"]]),
        (["import", "visits"],
         [["date", "rep", "customer", "purposes"], ["2026-11-02", "李娜 (li)", C, "order"]]),
    ],
    ids=["sales-by-code", "sales-by-name", "visits-by-code", "visits-by-name-and-code"],
)  # fmt: skip
def test_a_deactivated_rep_is_refused_by_every_import_as_by_sale_add(team, tmp_path, command, rows):
    ok(team("rep", "deactivate", "li"))
    before = snapshot(team, tmp_path)
    refused = team("sale", "add", "--rep", "li", "--amount", "10", "--date", "2026-11-02")
    assert refused.exit_code == 2
    reason = refused.stderr.strip().removeprefix("Error: ")
    assert reason == "rep 'li' is deactivated; run `salesproc rep activate li` first"

    path = write_csv(tmp_path / "file.csv", rows)
    for dry_run in ([], ["--dry-run"]):
        [line] = problem_lines(team(*command, str(path), *dry_run, "--create-reps"))
        assert line == f"row 2, column rep: {reason}"
    assert snapshot(team, tmp_path) == before

    ok(team("rep", "activate", "li"))
    ok(team(*command, str(path)))


def test_every_import_finds_a_rep_by_code_name_or_both(team, tmp_path):
    sales = write_csv(
        tmp_path / "s.csv",
        [["rep", "date", "amount"], ["zhang", "2026-11-02", "1"], ["张伟", "2026-11-02", "2"],
         ["张伟 (zhang)", "2026-11-02", "4"]],
    )  # fmt: skip
    said = ok(team("import", "sales", str(sales)))
    assert "new reps" not in said.stdout
    customers = write_csv(
        tmp_path / "c.csv", [["name", "grade", "rep"], ["新店", "B", "张伟 (zhang)"]]
    )
    ok(team("import", "customers", str(customers)))
    sold = exported(team, "sales", tmp_path / "s.json")
    assert {s["rep"] for s in sold} == {"zhang"} and len(sold) == 3
    listed = exported(team, "customers", tmp_path / "c.json")
    assert [c["rep"] for c in listed if c["name"] == "新店"] == ["zhang"]


def test_a_customer_list_may_name_a_deactivated_rep_as_customer_add_may(team, tmp_path):
    ok(team("rep", "deactivate", "li"))
    ok(team("customer", "add", "手填店", "--grade", "C", "--rep", "li"))
    path = write_csv(tmp_path / "c.csv", [["name", "grade", "rep"], ["新店", "B", "li"]])
    ok(team("import", "customers", str(path)))


# --- the use cases, as a script calls them --------------------------------------------------


@pytest.fixture
def ctx(team):
    """The `team` database (a file, or the test's PostgreSQL database), opened as a script
    would open it."""
    with Context.open(db=os.environ["SALESPROC_DB"], now=NOW) as context:
        yield context


def test_a_script_imports_and_exports_through_the_use_cases(ctx, tmp_path):
    sales = write_csv(
        tmp_path / "s.csv",
        [["rep", "date", "amount", "customer", "id"],
         ["zhang", "2026/11/02", "10.50", A, "k1"],
         ["New Person", "2026-11-03", "2", "New Shop", "k2"],
         ["li", "2026-11-04", "1", C, "k3"],
         ["li", "2026-11-04", "99", C, "k4"]],
    )  # fmt: skip
    options = transfer.SalesOptions(
        key="id", create_reps=True, create_customers=True, where=[("amount", "99")]
    )
    # --where keeps the rows with that value only
    assert transfer.import_sales(ctx, sales, options, dry_run=True) == Imported(
        imported=1, filtered=3
    )
    options = transfer.SalesOptions(key="id", create_reps=True, create_customers=True)
    expected = Imported(4, ["new-person"], ["New Shop"])
    assert transfer.import_sales(ctx, sales, options, dry_run=True) == expected
    assert exporting.export(ctx, "sales", "json", tmp_path / "none.json") == 0  # dry: nothing
    assert transfer.import_sales(ctx, sales, options) == expected
    again = transfer.import_sales(ctx, sales, options)
    assert (again.imported, again.already) == (0, 4)

    out = tmp_path / "sales.json"
    assert exporting.export(ctx, "sales", "json", out, rep="zhang", start=date(2026, 11, 1)) == 1
    [sale] = json.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)
    assert (sale["date"], sale["customer"], sale["amount"]) == ("2026-11-02", A, Decimal("10.50"))

    visits = write_csv(
        tmp_path / "v.csv",
        [["date", "rep", "customer", "purposes"], ["2026-11-05", "王五 (wang)", "新店", "开发"]],
    )
    with pytest.raises(InputError) as refused:
        transfer.import_visits(ctx, visits)
    assert refused.value.details == [
        "row 2, column rep: unknown rep '王五 (wang)'; add it or pass --create-reps",
        "row 2, column customer: unknown customer '新店'; add it or pass --create-customers",
    ]
    done = transfer.import_visits(ctx, visits, create_reps=True, create_customers=True)
    assert done == Imported(1, ["wang"], ["新店"])
    assert exporting.export(ctx, "visits", "csv", tmp_path / "v.csv", rep="wang") == 1


def test_an_export_that_cannot_be_written_is_an_input_error(ctx, tmp_path):
    with pytest.raises(InputError, match="cannot write"):
        exporting.export(ctx, "customers", "csv", tmp_path / "missing" / "c.csv")
