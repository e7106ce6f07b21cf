"""`salesproc import sales`: a sales export in any column layout, through the real CLI.

Every test runs salesproc on its own temporary database with "today" pinned to
2026-11-30 (see conftest.py). The `team` fixture holds the reps zhang (张伟) and
li (李娜) and three prospects: 万家超市 (A), 华联便利店 (B) and 兴隆商行 (C).

The real-world case is the public Maven Analytics CRM dataset in
`../shared/data/maven-crm-sales-opportunities/`: its leaderboards after the import
must match totals computed here, independently, with the csv module and Decimal.
"""

import csv
import json
import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import stored
from helpers import ok, rejected

TODAY = "2026-11-30"
A, B, C = "万家超市", "华联便利店", "兴隆商行"

PIPELINE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "maven-crm-sales-opportunities"
    / "sales_pipeline.csv"
)
#: The pipeline's data lives outside this repository: a checkout without it skips those tests.
needs_pipeline = pytest.mark.skipif(
    not PIPELINE.is_file(),
    reason=f"needs the Maven CRM dataset at {PIPELINE} (../shared/data, not in this repository)",
)
PIPELINE_ARGS = [
    "--map", "rep=sales_agent",
    "--map", "customer=account",
    "--map", "date=close_date",
    "--map", "amount=close_value",
    "--where", "deal_stage=Won",
    "--key", "opportunity_id",
    "--create-reps",
    "--create-customers",
]  # fmt: skip

PROBLEM = re.compile(r"row (\d+), column (.+?): (.+)")


# --- helpers ---------------------------------------------------------------------------


def as_json(run: Any) -> Any:
    """A command's JSON with numbers with a fraction as exact Decimals."""
    return json.loads(ok(run).stdout, parse_float=Decimal)


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    """A CSV file as a spreadsheet program saves it: the first row is the heading."""
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def import_sales(cli: Any, path: Path, *args: str) -> Any:
    return cli("import", "sales", str(path), *args)


def number(n: int) -> str:
    """A count as the message may print it: 4238 or 4,238."""
    return f"(?:{n}|{n:,})"


def imported(run: Any, n: int, *, verb: str = "Imported") -> str:
    """Success: exit 0 and one line on stdout starting `Imported N sales`."""
    ok(run)
    assert "Traceback" not in run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1, run.stdout
    assert re.match(rf"{verb} {number(n)} sales?\b", lines[0]), lines[0]
    return lines[0]


def problems(run: Any) -> Counter[tuple[int, str]]:
    """The bad rows on stderr: one `row N, column COL: reason` line each, then `Error:`.

    Returns how often each (row, column) was reported; every line must be well formed.
    """
    assert run.exit_code == 2, f"exit {run.exit_code}\nstdout: {run.stdout}\nstderr: {run.stderr}"
    assert "Traceback" not in run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) >= 2, run.stderr
    assert lines[-1].startswith("Error:"), run.stderr
    found: Counter[tuple[int, str]] = Counter()
    for line in lines[:-1]:
        match = PROBLEM.fullmatch(line.strip())
        assert match, f"not `row N, column COL: reason`: {line!r}\n{run.stderr}"
        found[int(match[1]), match[2]] += 1
    return found


def problem_lines(run: Any) -> dict[tuple[int, str], str]:
    """(row, column) → the whole line, for checking what a line tells the user."""
    lines = run.stderr.strip().splitlines()[:-1]
    return {(int(m[1]), m[2]): line for line in lines if (m := PROBLEM.fullmatch(line.strip()))}


def rank(cli: Any, *args: str) -> list[dict[str, Any]]:
    return as_json(cli("rank", "--format", "json", *args))


def totals(cli: Any, *args: str) -> dict[str, Any]:
    """rep code → amount on the cumulative all-time leaderboard (or the one `args` asks)."""
    args = args or ("--cumulative", "--period", "all")
    return {row["rep"]: row["amount"] for row in rank(cli, *args)}


def reps(cli: Any) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in as_json(cli("rep", "list", "--format", "json"))}


def customers(cli: Any) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in as_json(cli("customer", "list", "--format", "json"))}


def show(cli: Any, name: str) -> dict[str, Any]:
    return as_json(cli("customer", "show", name, "--format", "json"))


def snapshot(cli: Any) -> dict[str, Any]:
    """Everything an import could have written: reps, customers, their sales, the totals."""
    listed = customers(cli)
    return {
        "reps": reps(cli),
        "customers": listed,
        "timelines": {name: show(cli, name) for name in listed},
        "totals": rank(cli, "--cumulative", "--period", "all"),
    }


def competition_ranks(amounts: dict[str, Decimal]) -> dict[str, tuple[int, Decimal]]:
    """name → (rank, amount), highest first; ties share a rank and the next one skips."""
    ordered = sorted(amounts.values(), reverse=True)
    return {name: (ordered.index(value) + 1, value) for name, value in amounts.items()}


# --- the real-world case: the Maven CRM sales pipeline ---------------------------------


def won_deals() -> list[dict[str, str]]:
    with PIPELINE.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["deal_stage"] == "Won"]


def expected_board(deals: list[dict[str, str]], agents: set[str], first: str, last: str):
    """Every agent's Won close_value between two ISO dates, ranked like the leaderboard."""
    amounts = dict.fromkeys(agents, Decimal(0))
    for deal in deals:
        if first <= deal["close_date"][:10] <= last:
            amounts[deal["sales_agent"]] += Decimal(deal["close_value"])
    return competition_ranks(amounts)


def board(cli: Any, *args: str) -> dict[str, tuple[int, Decimal]]:
    """The leaderboard as name → (rank, amount); a name listed twice would be lost, so check."""
    rows = rank(cli, *args)
    by_name = {row["name"]: (row["rank"], row["amount"]) for row in rows}
    assert len(by_name) == len(rows), rows
    return by_name


PIPELINE_BOARDS = [
    (["--cumulative", "--period", "all"], "0000-01-01", TODAY),
    (["--cumulative", "--period", "year", "--date", "2017-12-31"], "2017-01-01", "2017-12-31"),
    (["--cumulative", "--period", "year", "--date", "2017-06-30"], "2017-01-01", "2017-06-30"),
    (["--cumulative", "--period", "month", "--date", "2017-06-30"], "2017-06-01", "2017-06-30"),
    (["--cumulative", "--period", "month", "--date", "2017-03-15"], "2017-03-01", "2017-03-15"),
    (["--cumulative", "--period", "quarter", "--date", "2017-09-30"], "2017-07-01", "2017-09-30"),
    (["--date", "2017-12-29"], "2017-12-29", "2017-12-29"),
]


@pytest.mark.slow  # 4,000 deals imported
@needs_pipeline
def test_pipeline_import_matches_totals_computed_from_the_csv(db):
    deals = won_deals()
    agents = {d["sales_agent"] for d in deals}
    accounts = {d["account"] for d in deals}
    assert len(deals) > 4000 and len(agents) > 20  # the file is the one the README describes

    run = import_sales(db, PIPELINE, *PIPELINE_ARGS)
    imported(run, len(deals))

    for args, first, last in PIPELINE_BOARDS:
        assert board(db, *args) == expected_board(deals, agents, first, last), args
    everything = sum(Decimal(d["close_value"]) for d in deals)
    assert sum(totals(db).values()) == everything

    team = reps(db)
    assert {r["name"] for r in team.values()} == agents
    assert all(r["active"] for r in team.values())
    codes = {r["name"]: code for code, r in team.items()}
    assert codes["Moses Frase"] == "moses-frase"
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", code) for code in codes.values()), codes

    listed = customers(db)
    assert set(listed) == accounts
    assert {(c["grade"], c["category"]) for c in listed.values()} == {("C", "existing")}
    # one account's sales are the sales recorded against that customer
    account = "Cancity"
    mine = [d for d in deals if d["account"] == account]
    sales = show(db, account)["sales"]
    assert len(sales) == len(mine)
    assert sum(s["amount"] for s in sales) == sum(Decimal(d["close_value"]) for d in mine)


@pytest.mark.slow  # 4,000 deals imported
@needs_pipeline
def test_pipeline_imported_twice_adds_nothing_the_second_time(db):
    deals = won_deals()
    imported(import_sales(db, PIPELINE, *PIPELINE_ARGS), len(deals))
    before = snapshot(db)
    boards = [board(db, *args) for args, _, _ in PIPELINE_BOARDS]

    line = imported(import_sales(db, PIPELINE, *PIPELINE_ARGS), 0)
    assert re.search(rf"\b{number(len(deals))}\b", line), line  # says how many it skipped

    assert snapshot(db) == before
    assert [board(db, *args) for args, _, _ in PIPELINE_BOARDS] == boards


# --- columns: default names, --map, --where ---------------------------------------------


def test_default_columns_are_found_ignoring_case_and_spaces(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            [" Rep ", "DATE", "Amount", "Customer ", "REF"],
            ["zhang", "2026-11-02", "1200.50", A, "INV-1"],
            ["li", "2026-11-03", "80", C, "INV-2"],
            ["zhang", "2026-11-30", "0.5", B, ""],
        ],
    )
    imported(import_sales(team, path), 3)
    assert totals(team) == {"zhang": Decimal("1201.00"), "li": Decimal("80")}
    [sale] = show(team, A)["sales"]
    assert sale == {**sale, "date": "2026-11-02", "rep": "zhang", "ref": "INV-1"}
    assert sale["amount"] == Decimal("1200.50")
    assert [s["date"] for s in show(team, C)["sales"]] == ["2026-11-03"]


def test_customer_and_ref_columns_are_optional(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [["rep", "date", "amount"], ["zhang", "2026-11-02", "10"], ["li", "2026-11-01", "7.25"]],
    )
    imported(import_sales(team, path), 2)
    assert totals(team) == {"zhang": Decimal("10"), "li": Decimal("7.25")}
    assert {c["category"] for c in customers(team).values()} == {"prospect"}


def test_dates_with_a_time_part_count_on_that_day(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount"],
            ["zhang", "2026-11-02 00:00:00", "10"],
            ["zhang", "2026-11-30 00:00:00", "5"],
            ["li", "2026-10-31", "3"],
        ],
    )
    imported(import_sales(team, path), 3)
    assert totals(team, "--date", "2026-11-02") == {"zhang": Decimal("10"), "li": 0}
    assert totals(team, "--date", TODAY) == {"zhang": Decimal("5"), "li": 0}
    assert totals(team, "--cumulative") == {"zhang": Decimal("15"), "li": 0}
    assert totals(team, "--cumulative", "--period", "year") == {
        "zhang": Decimal("15"),
        "li": Decimal("3"),
    }


def test_map_reads_a_field_from_another_column(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["sales_agent", "date", "amount", "close_value", "account"],
            ["zhang", "2026-11-02", "999", "100", A],
            ["li", "2026-11-03", "999", "25.50", C],
        ],
    )
    run = import_sales(
        team, path, "--map", "amount=close_value", "--map", "rep=sales_agent",
        "--map", "customer=account",
    )  # fmt: skip
    imported(run, 2)
    assert totals(team) == {"zhang": Decimal("100"), "li": Decimal("25.50")}
    assert len(show(team, A)["sales"]) == 1


def test_where_keeps_only_rows_matching_every_condition(team, tmp_path):
    header = ["id", "stage", "region", "agent", "close_date", "value"]
    rows = [
        header,
        ["W1", "Won", "East", "zhang", "2026-11-01", "100"],
        ["L1", "Lost", "East", "zhang", "", ""],  # filtered out: its blanks are no problem
        ["W2", "Won", "West", "zhang", "2026-11-02", "1000"],
        ["W3", "Won", "East", "li", "2026-11-03", "7"],
        ["E1", "Engaging", "East", "nobody", "someday", "abc"],
    ]
    where = [
        "--map", "rep=agent", "--map", "date=close_date", "--map", "amount=value",
        "--where", "stage=Won", "--where", "region=East",
    ]  # fmt: skip
    imported(import_sales(team, write_csv(tmp_path / "ok.csv", rows), *where), 2)
    assert totals(team) == {"zhang": Decimal("100"), "li": Decimal("7")}

    # a bad row after filtered ones keeps the row number the spreadsheet shows
    before = snapshot(team)
    bad = [*rows, ["W4", "Won", "East", "li", "2026-11-04", "x"]]
    run = import_sales(team, write_csv(tmp_path / "bad.csv", bad), *where)
    assert problems(run) == Counter({(7, "value"): 1})
    assert snapshot(team) == before


def test_rep_is_found_by_code_or_by_name(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount"],
            ["zhang", "2026-11-02", "1"],
            ["张伟", "2026-11-02", "10"],
            ["李娜", "2026-11-02", "100"],
            ["li", "2026-11-02", "1000"],
        ],
    )
    imported(import_sales(team, path), 4)
    assert totals(team) == {"zhang": Decimal("11"), "li": Decimal("1100")}
    assert set(reps(team)) == {"zhang", "li"}


def test_customer_is_matched_ignoring_case_and_spacing(team, tmp_path):
    ok(team("customer", "add", "Wanjia Supermarket", "--grade", "A", "--rep", "zhang"))
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount", "customer"],
            ["zhang", "2026-11-02", "10", "  wanjia   SUPERMARKET "],
            ["zhang", "2026-11-03", "20", "WANJIA supermarket"],
        ],
    )
    imported(import_sales(team, path, "--create-customers"), 2)
    assert len(customers(team)) == 4  # nothing created: both rows are the same customer
    sales = show(team, "Wanjia Supermarket")["sales"]
    assert sorted(s["amount"] for s in sales) == [Decimal("10"), Decimal("20")]


def test_a_prospects_first_imported_sale_wins_it(team, tmp_path):
    assert customers(team)[A]["category"] == "prospect"
    path = write_csv(
        tmp_path / "sales.csv",
        [["rep", "date", "amount", "customer"], ["zhang", "2026-11-20", "500", A]],
    )
    imported(import_sales(team, path), 1)
    shown = show(team, A)
    assert (shown["category"], shown["won_on"]) == ("new", "2026-11-20")
    assert customers(team)[B]["category"] == "prospect"
    # exactly what `sale add` would have done: the four-visit report counts the win
    report = as_json(team("four-visit", "--format", "json"))
    assert A not in {p["customer"] for p in report["prospects"]}
    assert report["summary"]["won"] == 1


def test_imported_sales_count_exactly_like_sale_add(team, tmp_path, monkeypatch):
    rows = [("zhang", "2026-11-02", "1200.50", A), ("li", "2026-09-03", "80", C)]
    path = write_csv(
        tmp_path / "sales.csv", [["rep", "date", "amount", "customer"], *map(list, rows)]
    )
    imported(import_sales(team, path), 2)
    imported_view = snapshot(team)

    monkeypatch.setenv("SALESPROC_DB", str(tmp_path / "by-hand.db"))
    ok(team("init"))
    for code, name, region in [("zhang", "张伟", "杭州"), ("li", "李娜", "宁波")]:
        ok(team("rep", "add", code, "--name", name, "--region", region))
    for name, grade, rep, phone in [
        (A, "A", "zhang", "13800000001"),
        (B, "B", "zhang", "13800000002"),
        (C, "C", "li", "13800000003"),
    ]:
        ok(team("customer", "add", name, "--grade", grade, "--rep", rep, "--phone", phone))
    for rep, day, amount, customer in rows:
        ok(team("sale", "add", "--rep", rep, "--date", day, "--amount", amount,
                "--customer", customer))  # fmt: skip
    assert snapshot(team) == imported_view


# --- bad rows: every problem of every row, then nothing is written ---------------------


def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount", "customer", "id"],
            ["zhang", "2026-11-01", "100", A, "A1"],  # row 2: good
            ["zhang", "2026-11-01", "abc", A, "A2"],  # 3: bad amount
            ["zhang", "2026-13-01", "100", A, "A3"],  # 4: bad date
            ["zhang", "2026-12-01", "100", A, "A4"],  # 5: future date
            ["nobody", "2026-11-01", "100", A, "A5"],  # 6: unknown rep
            ["li", "2026-11-01", "100", "Nowhere Ltd", "A6"],  # 7: unknown customer
            ["li", "2026-11-01", "100", C, ""],  # 8: empty key
            ["li", "2026-11-01", "100", C, "A1"],  # 9: key repeated in the file
            ["", "2026-11-01", "100", C, "A8"],  # 10: empty rep
            ["李娜", TODAY, "100", C, "A9"],  # 11: good (today, rep by name)
            ["zhang", "", "100", "", "A10"],  # 12: empty date
            ["zhang", "2026-11-01", "", "", "A11"],  # 13: empty amount
            ["zhang", "01/11/2026", "100", "", "A12"],  # 14: not YYYY-MM-DD
        ],
    )
    before = snapshot(team)
    run = import_sales(team, path, "--key", "id")
    found = problems(run)
    expected = {
        (3, "amount"),
        (4, "date"),
        (5, "date"),
        (6, "rep"),
        (7, "customer"),
        (8, "id"),
        (9, "id"),
        (10, "rep"),
        (12, "date"),
        (13, "amount"),
        (14, "date"),
    }
    # the first of two rows sharing a key may be reported too; nothing else may
    assert expected <= set(found), run.stderr
    assert set(found) - expected <= {(2, "id")}, run.stderr
    assert all(n == 1 for n in found.values()), run.stderr  # one line per problem
    lines = problem_lines(run)
    assert "nobody" in lines[6, "rep"]
    assert "Nowhere Ltd" in lines[7, "customer"]
    assert snapshot(team) == before

    # the same file checked with --dry-run: the same answer, still nothing written
    dry = import_sales(team, path, "--key", "id", "--dry-run")
    assert problems(dry) == found
    assert snapshot(team) == before

    # once the bad rows are gone, the keys of the rejected run were not kept
    good = write_csv(
        tmp_path / "good.csv",
        [
            ["rep", "date", "amount", "customer", "id"],
            ["zhang", "2026-11-01", "100", A, "A1"],
            ["李娜", TODAY, "100", C, "A9"],
        ],
    )
    imported(import_sales(team, good, "--key", "id"), 2)


def test_several_problems_in_one_row_are_all_reported(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount", "customer", "id"],
            ["zhang", "2026-11-01", "100", A, "K1"],
            ["nobody", "2027-01-01", "1.234", "Nowhere Ltd", ""],
            ["li", "2026-11-01", "100", C, "K3"],
        ],
    )
    before = snapshot(team)
    found = problems(import_sales(team, path, "--key", "id"))
    assert found == Counter(
        {(3, "rep"): 1, (3, "date"): 1, (3, "amount"): 1, (3, "customer"): 1, (3, "id"): 1}
    )
    assert snapshot(team) == before


# a negative amount is a return (a credit note): good; a negative zero or a bad one is not
BAD_AMOUNTS = ["0", "-0", "3,20,0", "--5", "1.234", "1e3", "abc", "1000000000000", "NaN",
               "0.00", "12.", ""]  # fmt: skip


def test_bad_amounts_are_bad_rows_like_in_sale_add(team, tmp_path):
    rows = [["rep", "date", "amount"], ["zhang", "2026-11-01", "999999999999.99"]]
    rows += [["zhang", "2026-11-01", amount] for amount in BAD_AMOUNTS]
    before = snapshot(team)
    found = problems(import_sales(team, write_csv(tmp_path / "sales.csv", rows)))
    assert found == Counter({(n, "amount"): 1 for n in range(3, 3 + len(BAD_AMOUNTS))})
    assert snapshot(team) == before


def test_one_bad_row_among_many_writes_nothing_not_even_new_reps_or_customers(db, tmp_path):
    rows = [["rep", "date", "amount", "customer", "key"]]
    rows += [[f"Agent {i % 7}", "2026-10-01", "10", f"Shop {i % 5}", f"k{i}"] for i in range(300)]
    rows[250][2] = "ten"  # row 251
    path = write_csv(tmp_path / "sales.csv", rows)
    before = snapshot(db)
    args = ["--key", "key", "--create-reps", "--create-customers"]
    assert problems(import_sales(db, path, *args)) == Counter({(251, "amount"): 1})
    assert snapshot(db) == before

    rows[250][2] = "10"
    imported(import_sales(db, write_csv(tmp_path / "fixed.csv", rows), *args), 300)
    assert len(reps(db)) == 7
    assert len(customers(db)) == 5
    assert sum(totals(db).values()) == Decimal(3000)


def test_row_numbers_are_the_spreadsheets_even_with_line_breaks_in_cells(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount", "notes"],
            ["zhang", "2026-11-01", "10", "first line\nsecond line\nthird line"],
            ["li", "2026-11-01", "abc", ""],
        ],
    )
    assert problems(import_sales(team, path)) == Counter({(3, "amount"): 1})


def test_problems_name_the_files_own_column(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["Rep", "Close Date", "Amount", "close_value"],
            ["zhang", "2026-11-01", "abc", "10"],
            ["zhang", "someday", "10", "x"],
        ],
    )
    found = problems(import_sales(team, path, "--map", "date=Close Date"))
    assert found == Counter({(2, "Amount"): 1, (3, "Close Date"): 1})
    mapped = ["--map", "date=Close Date", "--map", "amount=close_value"]
    found = problems(import_sales(team, path, *mapped))
    assert found == Counter({(3, "Close Date"): 1, (3, "close_value"): 1})


def test_unknown_reps_and_customers_are_created_only_when_asked(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount", "customer"],
            ["Moses Frase", "2026-11-01", "10", "Cancity"],
            ["zhang", "2026-11-01", "20", "Codehow"],
            ["Moses Frase", "2026-11-02", "30", A],
            ["", "2026-11-02", "30", A],
        ],
    )
    before = snapshot(team)
    found = problems(import_sales(team, path))
    assert set(found) == {(2, "rep"), (2, "customer"), (3, "customer"), (4, "rep"), (5, "rep")}
    found = problems(import_sales(team, path, "--create-reps"))
    assert set(found) == {(2, "customer"), (3, "customer"), (5, "rep")}  # empty rep still bad
    found = problems(import_sales(team, path, "--create-customers"))
    assert set(found) == {(2, "rep"), (4, "rep"), (5, "rep")}
    assert snapshot(team) == before

    run = import_sales(
        team, path, "--create-reps", "--create-customers", "--where", "rep=Moses Frase"
    )
    imported(run, 2)
    imported(import_sales(team, path, "--create-customers", "--where", "rep=zhang"), 1)
    assert totals(team) == {"zhang": Decimal("20"), "li": 0, "moses-frase": Decimal("40")}
    assert reps(team)["moses-frase"]["name"] == "Moses Frase"
    listed = customers(team)
    for name in ("Cancity", "Codehow"):
        assert (listed[name]["grade"], listed[name]["category"]) == ("C", "existing")
    assert show(team, A)["category"] == "new"  # Moses Frase's sale won the prospect


def test_created_customers_are_one_per_name_ignoring_case_and_spacing(db, tmp_path):
    ok(db("rep", "add", "r1", "--name", "Rep One"))
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount", "customer"],
            ["r1", "2026-11-01", "10", "Acme Corp"],
            ["r1", "2026-11-02", "20", "  ACME   corp "],
            ["r1", "2026-11-03", "30", "Beta Ltd"],
        ],
    )
    imported(import_sales(db, path, "--create-customers"), 3)
    listed = customers(db)
    assert len(listed) == 2
    assert "Beta Ltd" in listed
    assert sum(s["amount"] for s in show(db, "acme corp")["sales"]) == Decimal(30)


def test_created_customers_are_numbered_in_the_order_the_file_first_names_them(db, tmp_path):
    # many to a statement on SQLite: the numbers still follow the file, not the names
    names = [f"Shop {n:02d}" for n in (7, 3, 9, 1, 8, 2, 6, 4, 5, 0)]
    ok(db("rep", "add", "r1", "--name", "Rep One"))
    rows = [["r1", f"2026-11-{1 + at:02d}", "10", name] for at, name in enumerate(names)]
    path = write_csv(tmp_path / "sales.csv", [["rep", "date", "amount", "customer"], *rows])
    imported(import_sales(db, path, "--create-customers"), len(names))
    assert [name for (name,) in stored("SELECT name FROM customers ORDER BY id")] == names


# --- usage errors: one Error: line --------------------------------------------------------


SIMPLE = [["rep", "date", "amount", "stage", "id"], ["zhang", "2026-11-01", "10", "Won", "1"]]


@pytest.mark.parametrize(
    ("header", "args", "words"),
    [
        (["rep", "date", "stage", "id"], [], ["amount"]),
        (["date", "amount", "stage", "id"], [], ["rep"]),
        (["rep", "amount", "stage", "id"], [], ["date"]),
        (["rep", "date", "amount", "stage", "id"], ["--map", "amount=close_value"],
         ["close_value"]),
        (["rep", "date", "amount", "stage", "id"], ["--map", "customer=account"], ["account"]),
        (["rep", "date", "amount", "stage", "id"], ["--key", "opportunity_id"],
         ["opportunity_id"]),
        (["rep", "date", "amount", "stage", "id"], ["--where", "deal_stage=Won"],
         ["deal_stage"]),
    ],
    ids=["amount", "rep", "date", "mapped", "mapped-optional", "key", "where"],
)  # fmt: skip
def test_a_missing_column_is_one_error(team, tmp_path, header, args, words):
    rows = [header, [dict(zip(SIMPLE[0], SIMPLE[1], strict=True))[h] for h in header]]
    before = snapshot(team)
    line = rejected(import_sales(team, write_csv(tmp_path / "sales.csv", rows), *args), *words)
    assert line.startswith("Error:")
    assert snapshot(team) == before


@pytest.mark.parametrize(
    "args",
    [
        ["--map", "price=amount"],
        ["--map", "amount"],
        ["--map", "=amount"],
        ["--map", "amount="],
        ["--where", "stage"],
        ["--where", "=Won"],
    ],
    ids=["unknown-field", "map-no-equals", "map-no-field", "map-no-column", "where-no-equals",
         "where-no-column"],
)  # fmt: skip
def test_a_bad_map_or_where_is_one_error(team, tmp_path, args):
    before = snapshot(team)
    line = rejected(import_sales(team, write_csv(tmp_path / "sales.csv", SIMPLE), *args))
    assert line.startswith("Error:")
    assert snapshot(team) == before


def test_the_unknown_field_is_named(team, tmp_path):
    path = write_csv(tmp_path / "sales.csv", SIMPLE)
    rejected(import_sales(team, path, "--map", "price=amount"), "price")


# --- --dry-run ------------------------------------------------------------------------------


def test_dry_run_says_what_it_would_import_and_writes_nothing(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount", "customer", "id"],
            ["zhang", "2026-11-02", "100", A, "k1"],
            ["New Person", "2026-11-03", "20", "New Shop", "k2"],
            ["li", "2026-11-04", "3", C, "k3"],
        ],
    )
    args = ["--key", "id", "--create-reps", "--create-customers"]
    before = snapshot(team)
    imported(import_sales(team, path, *args, "--dry-run"), 3, verb="Would import")
    assert snapshot(team) == before  # no sales, no reps, no customers, no prospect won
    assert customers(team)[A]["category"] == "prospect"

    # the keys were not recorded either: the real run imports every row
    imported(import_sales(team, path, *args), 3)
    assert totals(team)["zhang"] == Decimal(100)
    line = imported(import_sales(team, path, *args, "--dry-run"), 0, verb="Would import")
    assert re.search(r"\b3\b", line), line


# --- keys -----------------------------------------------------------------------------------


def test_a_key_imported_before_is_skipped_in_any_later_file(team, tmp_path):
    header = ["rep", "date", "amount", "order"]
    first = write_csv(
        tmp_path / "october.csv",
        [header, ["zhang", "2026-10-01", "10", "SO-1"], ["li", "2026-10-02", "20", "SO-2"]],
    )
    second = write_csv(
        tmp_path / "october-and-november.csv",
        [
            header,
            ["li", "2026-10-02", "20", "SO-2"],
            ["zhang", "2026-11-05", "300", "SO-3"],
            ["zhang", "2026-11-06", "4000", "SO-4"],
        ],
    )
    imported(import_sales(team, first, "--key", "order"), 2)
    line = imported(import_sales(team, second, "--key", "order"), 2)
    assert re.search(r"\b1\b", line), line  # one row skipped as already imported
    assert totals(team) == {"zhang": Decimal(4310), "li": Decimal(20)}


def test_without_key_importing_twice_counts_twice(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [["rep", "date", "amount"], ["zhang", "2026-11-02", "10"], ["zhang", "2026-11-03", "5"]],
    )
    imported(import_sales(team, path), 2)
    imported(import_sales(team, path), 2)
    assert totals(team)["zhang"] == Decimal(30)


# --- file formats: BOM, xlsx ------------------------------------------------------------------


def test_a_csv_with_a_bom_is_read(team, tmp_path):
    path = write_csv(
        tmp_path / "excel.csv",
        [["rep", "date", "amount", "customer"], ["zhang", "2026-11-02", "12.30", A]],
        encoding="utf-8-sig",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    imported(import_sales(team, path), 1)
    assert totals(team)["zhang"] == Decimal("12.30")
    assert show(team, A)["category"] == "new"


def test_a_bad_row_in_a_bom_csv_names_the_first_column_plainly(team, tmp_path):
    path = write_csv(
        tmp_path / "excel.csv",
        [["rep", "date", "amount"], ["nobody", "2026-11-02", "1"]],
        encoding="utf-8-sig",
    )
    assert problems(import_sales(team, path)) == Counter({(2, "rep"): 1})


XLSX_ROWS = [
    ("zhang", datetime(2026, 11, 2), 1200, A, "OPP-1"),
    ("李娜", date(2026, 10, 15), 99.5, C, "OPP-2"),
    ("New Person", "2026-11-30", "12.34", "New Shop", "OPP-3"),
    ("zhang", datetime(2025, 12, 31), 0.01, "new shop", "OPP-4"),
]


def _xlsx(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Sales"
    sheet.append(["Rep", "Date", "Amount", "Customer", "Opportunity"])
    for row in rows:
        sheet.append(list(row))
    notes = book.create_sheet("Notes")
    notes.append(["rep", "date", "amount"])
    notes.append(["li", "2026-11-01", "555555"])
    book.active = 1  # saved while looking at the second sheet: still the first is read
    book.save(path)
    return path


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def test_an_xlsx_file_imports_the_same_as_the_csv(team, tmp_path, monkeypatch):
    args = ["--key", "Opportunity", "--create-reps", "--create-customers"]
    xlsx = _xlsx(tmp_path / "sales.xlsx", XLSX_ROWS)
    imported(import_sales(team, xlsx, *args), 4)
    from_xlsx = snapshot(team)
    assert totals(team) == {
        "zhang": Decimal("1200.01"),
        "li": Decimal("99.50"),
        "new-person": Decimal("12.34"),
    }
    imported(import_sales(team, xlsx, *args), 0)  # the keys hold for xlsx too

    monkeypatch.setenv("SALESPROC_DB", str(tmp_path / "from-csv.db"))
    ok(team("init"))
    for code, name, region in [("zhang", "张伟", "杭州"), ("li", "李娜", "宁波")]:
        ok(team("rep", "add", code, "--name", name, "--region", region))
    for name, grade, rep, phone in [
        (A, "A", "zhang", "13800000001"),
        (B, "B", "zhang", "13800000002"),
        (C, "C", "li", "13800000003"),
    ]:
        ok(team("customer", "add", name, "--grade", grade, "--rep", rep, "--phone", phone))
    header = ["Rep", "Date", "Amount", "Customer", "Opportunity"]
    path = write_csv(
        tmp_path / "sales.csv", [header, *[[_as_text(v) for v in row] for row in XLSX_ROWS]]
    )
    imported(import_sales(team, path, *args), 4)
    assert snapshot(team) == from_xlsx


def test_bad_rows_in_an_xlsx_file_have_the_sheets_row_numbers(team, tmp_path):
    rows = [*XLSX_ROWS[:2], ("zhang", "someday", 0, "Nowhere Ltd", "OPP-9"), XLSX_ROWS[1]]
    before = snapshot(team)
    found = problems(import_sales(team, _xlsx(tmp_path / "bad.xlsx", rows), "--key", "Opportunity"))
    assert set(found) - {(3, "Opportunity")} == {
        (4, "Date"),
        (4, "Amount"),
        (4, "Customer"),
        (5, "Opportunity"),
    }
    assert snapshot(team) == before


# --- created rep codes -----------------------------------------------------------------------


def test_created_rep_codes_are_short_slugs_made_unique(db, tmp_path):
    ok(db("rep", "add", "moses-frase", "--name", "Someone Else"))
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount"],
            ["Darcel Schlecht", "2026-11-01", "40"],
            ["Moses Frase", "2026-11-01", "10"],
            ["Anna-Lee Smith", "2026-11-01", "20"],
            ["Anna Lee Smith", "2026-11-02", "30"],
            ["Darcel Schlecht", "2026-11-03", "50"],
        ],
    )
    imported(import_sales(db, path, "--create-reps"), 5)
    codes = {r["name"]: code for code, r in reps(db).items()}
    assert len(codes) == 5
    assert codes["Darcel Schlecht"] == "darcel-schlecht"
    assert codes["Someone Else"] == "moses-frase"
    assert codes["Moses Frase"] == "moses-frase-2"
    assert {codes["Anna-Lee Smith"], codes["Anna Lee Smith"]} == {
        "anna-lee-smith",
        "anna-lee-smith-2",
    }
    assert totals(db) == {
        "darcel-schlecht": Decimal(90),
        "moses-frase": 0,
        "moses-frase-2": Decimal(10),
        codes["Anna-Lee Smith"]: Decimal(20),
        codes["Anna Lee Smith"]: Decimal(30),
    }
    # a later file finds the created reps by name: no third Darcel
    again = write_csv(
        tmp_path / "more.csv", [["rep", "date", "amount"], ["Darcel Schlecht", "2026-11-04", "1"]]
    )
    imported(import_sales(db, again, "--create-reps"), 1)
    assert len(reps(db)) == 5
    assert totals(db)["darcel-schlecht"] == Decimal(91)


def test_a_chinese_name_gets_an_ascii_code_a_rep_can_log_visits_with(team, tmp_path):
    path = write_csv(
        tmp_path / "sales.csv",
        [
            ["rep", "date", "amount"],
            ["王芳", "2026-11-01", "10"],
            ["刘洋", "2026-11-01", "20"],
            ["王芳", "2026-11-02", "5"],
        ],
    )
    imported(import_sales(team, path, "--create-reps"), 3)
    codes = {r["name"]: code for code, r in reps(team).items()}
    assert set(codes) == {"张伟", "李娜", "王芳", "刘洋"}
    new = [codes["王芳"], codes["刘洋"]]
    assert new[0] != new[1]
    for code in new:
        assert code and code.isascii() and code == code.lower(), code
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", code), code
        assert code not in {"zhang", "li"}
    assert totals(team)[codes["王芳"]] == Decimal(15)
    assert totals(team)[codes["刘洋"]] == Decimal(20)

    for code in new:
        ok(team("log-visit", "--rep", code, "--customer", B, "--purpose", "order"))
    visits = {r["rep"]: r["amount"] for r in rank(team, "--metric", "visits")}
    assert visits == {**visits, new[0]: 1, new[1]: 1}
    assert {v["rep"] for v in show(team, B)["visits"]} == set(new)


# --- the bulk path: chunks, memos, indexes set aside, progress ----------------------------


def sales_indexes() -> list[str]:
    """The secondary indexes of the test database's sales table, read with plain sqlite3."""
    import os
    import sqlite3

    with sqlite3.connect(os.environ["SALESPROC_DB"]) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sales'"
            " AND sql IS NOT NULL ORDER BY name"
        )
        return [name for (name,) in rows]


#: Every kind of row the fast path and the full check share, in an order that makes chunks
#: of two meet each case apart: a customer created in one chunk and named (spelt another
#: way) in the next, a prospect whose earliest sale comes last, a lost customer, no customer.
LIFECYCLE = [
    ["rep", "date", "amount", "customer", "key"],
    ["zhang", "2026-11-20", "500", A, "K1"],  # the prospect: its sale on the 20th comes first
    ["Moses Frase", "2026-11-10", "12.5", "Cancity", "K2"],  # new rep, new customer
    ["moses frase", "2026-11-09 00:00:00", "7.05", "  CANCITY ", "K3"],  # by name, other spelling
    ["li", "2026-11-03", "0.01", C, "K4"],  # the lost customer
    ["李娜", "2026-11-30", "3", "", "K5"],  # no customer
    ["zhang", "2026-11-05", "1200.50", A, "K6"],  # the prospect's first sale: won on the 5th
    ["Moses Frase", "2026-11-11", "99", "cancity", "K7"],
]


def _lifecycle_setup(cli: Any) -> None:
    """The team, with 兴隆商行 lost after a visit on the 1st and one sale already imported."""
    ok(cli("log-visit", "--rep", "li", "--customer", C, "--purpose", "order",
           "--outcome", "lost", "--date", "2026-11-01"))  # fmt: skip


def test_chunks_and_memos_give_what_one_chunk_gives(team, tmp_path, monkeypatch):
    """Rows go in chunk by chunk; whatever the chunk size, every effect is the same."""
    from salesproc.adapters import sales_import

    path = write_csv(tmp_path / "sales.csv", LIFECYCLE)
    args = ["--key", "key", "--create-reps", "--create-customers"]
    _lifecycle_setup(team)
    earlier = write_csv(tmp_path / "earlier.csv", [LIFECYCLE[0], LIFECYCLE[4]])
    imported(import_sales(team, earlier, *args), 1)  # K4 is in the database already
    line = imported(import_sales(team, path, *args), 6)
    assert re.search(r"\b1 already imported", line), line
    whole = snapshot(team)

    monkeypatch.setattr(sales_import, "BATCH", 2)
    monkeypatch.setenv("SALESPROC_DB", str(tmp_path / "chunked.db"))
    ok(team("init"))
    for code, name, region in [("zhang", "张伟", "杭州"), ("li", "李娜", "宁波")]:
        ok(team("rep", "add", code, "--name", name, "--region", region))
    for name, grade, rep, phone in [
        (A, "A", "zhang", "13800000001"),
        (B, "B", "zhang", "13800000002"),
        (C, "C", "li", "13800000003"),
    ]:
        ok(team("customer", "add", name, "--grade", grade, "--rep", rep, "--phone", phone))
    _lifecycle_setup(team)
    imported(import_sales(team, earlier, *args), 1)
    line = imported(import_sales(team, path, *args), 6)
    assert re.search(r"\b1 already imported", line), line
    assert snapshot(team) == whole

    # what those effects are: as `sale add` of each sale in date order would leave them
    prospect = show(team, A)
    assert (prospect["category"], prospect["won_on"]) == ("new", "2026-11-05")
    created = show(team, "Cancity")
    assert (created["rep"], created["added_on"], created["category"]) == (
        "moses-frase",
        "2026-11-09",
        "existing",
    )
    assert [s["amount"] for s in created["sales"]] == [
        Decimal("7.05"), Decimal("12.50"), Decimal("99"),
    ]  # fmt: skip
    assert show(team, C)["status"] == "open"  # a sale reopens a lost customer
    assert set(customers(team)) == {A, B, C, "Cancity"}
    assert totals(team) == {
        "zhang": Decimal("1700.50"),
        "li": Decimal("3.01"),
        "moses-frase": Decimal("118.55"),
    }


def test_imported_effects_match_sale_add_in_date_order(team, tmp_path, monkeypatch):
    """The bulk effects (a prospect won by its earliest sale, a lost customer reopened, the
    schedules) against the same sales added one by one with `sale add`, oldest first."""
    rows = [row for row in LIFECYCLE if row[3] in ("customer", A, C, "")]
    _lifecycle_setup(team)
    imported(import_sales(team, write_csv(tmp_path / "sales.csv", rows), "--key", "key"), 4)
    imported_view = snapshot(team)
    due = as_json(team("due", "--format", "json"))

    monkeypatch.setenv("SALESPROC_DB", str(tmp_path / "by-hand.db"))
    ok(team("init"))
    for code, name, region in [("zhang", "张伟", "杭州"), ("li", "李娜", "宁波")]:
        ok(team("rep", "add", code, "--name", name, "--region", region))
    for name, grade, rep, phone in [
        (A, "A", "zhang", "13800000001"),
        (B, "B", "zhang", "13800000002"),
        (C, "C", "li", "13800000003"),
    ]:
        ok(team("customer", "add", name, "--grade", grade, "--rep", rep, "--phone", phone))
    _lifecycle_setup(team)
    rep_codes = {"李娜": "li"}
    for rep, day, amount, customer, _key in sorted(rows[1:], key=lambda row: row[1]):
        customer_args = ["--customer", customer] if customer else []
        ok(team("sale", "add", "--rep", rep_codes.get(rep, rep), "--date", day,
                "--amount", amount, *customer_args))  # fmt: skip
    assert snapshot(team) == imported_view
    assert as_json(team("due", "--format", "json")) == due


def test_a_big_load_sets_the_indexes_aside_and_builds_them_again(db, tmp_path, monkeypatch):
    """A load that at least doubles the sales goes in without the sales' indexes; they are
    there after it, after a rejected one, and a small load or a re-import keeps them."""
    from salesproc.adapters import sales_import
    from salesproc.db import bulk

    monkeypatch.setattr(sales_import, "BATCH", 50)
    monkeypatch.setattr(sales_import, "SET_ASIDE_AT", 100)
    set_aside = []
    real = bulk.indexes_set_aside

    def spy(session: Any, table: Any) -> Any:
        set_aside.append(table.name)
        return real(session, table)

    monkeypatch.setattr(bulk, "indexes_set_aside", spy)
    indexes = sales_indexes()
    assert indexes == [
        "ix_sales_customer_id",
        "ix_sales_rep_date_amount",
        "ix_sales_return_of_id",
        "ix_sales_visit_id",
    ]
    # How big a load is, is told from how far into the file its first chunk is; the
    # reader reads ahead 8 KiB at a time, so these rows are long enough to tell.
    header = ["rep", "date", "amount", "customer", "key", "notes"]
    rows = [header]
    rows += [[f"Agent {i % 7}", f"2026-10-{i % 28 + 1:02d}", f"{i}.{i % 100:02d}",
              f"Shop {i % 13}", f"k{i}", "x" * 150] for i in range(1, 301)]  # fmt: skip
    args = ["--key", "key", "--create-reps", "--create-customers"]
    before = snapshot(db)

    bad = [*rows, ["Agent 1", "2026-10-01", "x", "Shop 1", "k999", ""]]  # row 302: after the load
    found = problems(import_sales(db, write_csv(tmp_path / "bad.csv", bad), *args))
    assert found == Counter({(302, "amount"): 1})
    # set aside, then rolled back with the rows: by the try keeping no keys, which stops at
    # the bad row, and by the read again that tells every problem
    assert set_aside == ["sales", "sales"]
    assert sales_indexes() == indexes
    assert snapshot(db) == before

    set_aside.clear()
    path = write_csv(tmp_path / "sales.csv", rows)
    imported(import_sales(db, path, *args), 300)
    assert set_aside == ["sales"]
    assert sales_indexes() == indexes
    expected = sum(Decimal(row[2]) for row in rows[1:])
    assert sum(totals(db).values()) == expected
    by_rep = rank(db, "--cumulative", "--period", "month", "--date", "2026-10-31")
    assert sum(row["amount"] for row in by_rep) == expected  # the index the leaderboard reads

    set_aside.clear()
    imported(import_sales(db, path, *args), 0)  # a re-import writes nothing
    more = [header, *[[f"Agent {i % 7}", "2026-11-01", "1", "", f"m{i}", ""] for i in range(60)]]
    imported(import_sales(db, write_csv(tmp_path / "more.csv", more), *args), 60)
    assert set_aside == []  # 60 more sales do not double 300
    assert sales_indexes() == indexes
    assert sum(totals(db).values()) == expected + 60


def test_progress_is_told_in_bytes_of_the_file_after_each_chunk(tmp_path, monkeypatch):
    from salesproc.adapters import sales_import
    from salesproc.service import Context, setup, transfer

    monkeypatch.setattr(sales_import, "BATCH", 25)
    rows = [["rep", "date", "amount", "customer"]]
    rows += [[f"Agent {i % 3}", "2026-11-01", "10", f"Shop {i % 4}"] for i in range(100)]
    path = write_csv(tmp_path / "sales.csv", rows)
    told: list[int | None] = []
    options = transfer.SalesOptions(create_reps=True, create_customers=True)
    with Context.open(str(tmp_path / "p.db"), now=datetime(2026, 11, 30, 18, 30)) as ctx:
        setup.init(ctx)
        report = transfer.import_sales(ctx, path, options, progress=told.append)
    assert report.imported == 100
    assert len(told) == 4
    assert all(isinstance(at, int) and 0 < at <= path.stat().st_size for at in told)
    assert told == sorted(told)


AMOUNTS = [
    *BAD_AMOUNTS, "1", "1.5", "1.50", "0.01", "00012.3", "999999999999.99", "1200", " 12",
    "12 ", "１２", "1_000", ".5", "1..5", "1.5.", "+5", "12.3a", "٣", "1.٣", "1,200", "-1,200.00",
    "¥3200", "3200元", "3.2万", "1,20,0",
]  # fmt: skip


@pytest.mark.parametrize("text", AMOUNTS)
def test_the_fast_amount_reading_is_parse_amount_or_leaves_it_to_it(text):
    """The bulk path reads plain amounts itself; anything it does not read, parse_amount
    decides (a good amount or the reason it is bad), so the cents are always the same."""
    from salesproc.adapters.sales_import import _cents
    from salesproc.errors import InputError
    from salesproc.rules.money import parse_amount

    fast = _cents(text)
    try:
        exact = parse_amount(text)
    except InputError:
        assert fast is None
        return
    assert fast in (None, exact)
    if re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text):
        assert fast == exact  # a plain amount never needs the slow path
