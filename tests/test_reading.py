"""One reading of dates, amounts and times, wherever a user types or imports one.

People type `11月25日`, `前天`, `3,200`, `3.2万`, `9点半`; a clerk's spreadsheet has date
and time cells. Each place used to accept its own subset. Every form below is read
by the rules, then through the CLI and through each import that has the field, and
must give the same value, or the same refusal (exit 2, the rules' words, nothing
written), everywhere.
"""

import csv
import json
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from helpers import ok, rejected
from salesproc.errors import InputError
from salesproc.rules.dates import parse_date, parse_time, parse_time_span
from salesproc.rules.money import parse_amount

TODAY = date(2026, 11, 30)
A = "万家超市"
D = date

#: Each date form and the day it is (today is 2026-11-30), or None: refused.
DATES: list[tuple[str, date | None]] = [
    ("2026-11-25", D(2026, 11, 25)),
    ("2026/11/25", D(2026, 11, 25)),
    ("2026.11.25", D(2026, 11, 25)),
    ("2026年11月25日", D(2026, 11, 25)),
    ("2026/11/2", D(2026, 11, 2)),
    ("2026-11-25 09:30:00", D(2026, 11, 25)),  # a spreadsheet's timestamp
    ("11-25", D(2026, 11, 25)),
    ("11/25", D(2026, 11, 25)),
    ("11月25日", D(2026, 11, 25)),
    ("11月2日", D(2026, 11, 2)),
    ("１１月２５日", D(2026, 11, 25)),
    ("1-5", D(2026, 1, 5)),
    ("12-25", D(2026, 12, 25)),  # this year's: after today, so nothing can be dated on it
    ("today", TODAY),
    ("Yesterday", D(2026, 11, 29)),
    ("tomorrow", D(2026, 12, 1)),
    ("今天", TODAY),
    ("昨天", D(2026, 11, 29)),
    ("前天", D(2026, 11, 28)),
    ("明天", D(2026, 12, 1)),
    ("后天", D(2026, 12, 2)),
    ("-3", D(2026, 11, 27)),
    ("+2", D(2026, 12, 2)),
    ("2026-13-01", None),
    ("2026-02-30", None),
    ("02-30", None),
    ("13/01", None),
    ("1/2/2026", None),
    ("11-25-2026", None),
    ("2026-11", None),
    ("3", None),
    ("大后天", None),
    ("someday", None),
]

#: Each amount form and its cents, or None: refused (where zero and negatives are no amount).
AMOUNTS: list[tuple[str, int | None]] = [
    ("3200", 320000),
    ("3200.50", 320050),
    ("3200.5", 320050),
    ("0.01", 1),
    ("3,200", 320000),
    ("3,200.00", 320000),
    ("1,234,567.89", 123456789),
    ("¥3200", 320000),
    ("￥3,200", 320000),
    ("3200元", 320000),
    ("¥3,200.50元", 320050),
    ("3.2万", 3200000),
    ("3.2万元", 3200000),
    ("1.23456万", 1234560),
    ("１２００", 120000),
    ("999999999999.99", 99999999999999),
    ("3.201", None),
    ("1.2345678万", None),
    ("1e3", None),
    ("NaN", None),
    ("3,20,0", None),
    ("32,00", None),
    ("1.000.000", None),
    ("0", None),
    ("0.00", None),
    ("1000000000000", None),
    (".5", None),
    ("+5", None),
    ("abc", None),
]

#: Credit notes of a clerk's export (`import sales`): a minus makes a return.
CREDIT_NOTES: list[tuple[str, int | None]] = [
    ("-1,200.00", -120000),
    ("-¥3200", -320000),
    ("-3.2万", -3200000),
    ("-0", None),
    ("--5", None),
]

#: Each time form and the time it is, or None: refused.
TIMES: list[tuple[str, time | None]] = [
    ("09:30", time(9, 30)),
    ("9:30", time(9, 30)),
    ("0930", time(9, 30)),
    ("9点30", time(9, 30)),
    ("9点30分", time(9, 30)),
    ("9点", time(9, 0)),
    ("9点半", time(9, 30)),
    ("14点05", time(14, 5)),
    ("09:30:00", time(9, 30)),  # a spreadsheet's time cell
    ("９：３０", time(9, 30)),
    ("24:00", None),
    ("09:60", None),
    ("9点60", None),
    ("9.30", None),
    ("930", None),
    ("noon", None),
]

#: Each visit time (the form's 访问时间) and its start and end, or None: refused.
SPANS: list[tuple[str, tuple[time | None, time | None] | None]] = [
    ("09:30-10:15", (time(9, 30), time(10, 15))),
    ("09:30–10:15", (time(9, 30), time(10, 15))),
    ("09:30~10:15", (time(9, 30), time(10, 15))),
    ("09:30 至 10:15", (time(9, 30), time(10, 15))),
    ("9点-10点半", (time(9, 0), time(10, 30))),
    ("0930-1015", (time(9, 30), time(10, 15))),
    ("9:30 - 10点15", (time(9, 30), time(10, 15))),
    ("09:30", (time(9, 30), None)),
    ("09:30-25:00", None),
    ("9.30-10.15", None),
    ("09:30-10:15-11:00", None),
    ("-", None),
]


def refusal(read: Callable[[], Any]) -> str:
    """The rules' own words for a refused value: every place must say exactly these."""
    with pytest.raises(InputError) as raised:
        read()
    return str(raised.value)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def listed(cli: Any, *command: str) -> list[dict[str, Any]]:
    return json.loads(ok(cli(*command, "--format", "json")).stdout)


def bad_row(run: Any, column: str, message: str) -> None:
    """An import refused for one bad cell, told in the rules' words, nothing imported."""
    assert run.exit_code == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert f"row 2, column {column}: {message}" in lines, run.stderr
    assert "nothing was imported" in lines[-1]


def ids(table: list[tuple[str, Any]]) -> list[str]:
    return [repr(text) for text, _ in table]


# --- the rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), DATES, ids=ids(DATES))
def test_rules_read_each_date_form(text, expected):
    if expected is None:
        message = refusal(lambda: parse_date(text, TODAY))
        assert message.startswith(f"bad date {text!r}; use 2026-11-25")
        assert all(form in message for form in ("11月25日", "前天", "后天", "+N"))
    else:
        assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"), AMOUNTS + CREDIT_NOTES, ids=ids(AMOUNTS + CREDIT_NOTES)
)
def test_rules_read_each_amount_form(text, expected):
    negative = text.startswith("-")
    if expected is None:
        message = refusal(lambda: parse_amount(text, allow_negative=negative))
        assert message.startswith(f"bad amount {text!r}; ")
    else:
        assert parse_amount(text, allow_negative=negative) == expected


@pytest.mark.parametrize(("text", "expected"), TIMES, ids=ids(TIMES))
def test_rules_read_each_time_form(text, expected):
    if expected is None:
        assert refusal(lambda: parse_time(text)).startswith(f"bad time {text!r}; use 09:30")
    else:
        assert parse_time(text) == expected


@pytest.mark.parametrize(("text", "expected"), SPANS, ids=ids(SPANS))
def test_rules_read_each_visit_time_form(text, expected):
    if expected is None:
        message = refusal(lambda: parse_time_span(text))
        assert message.startswith(f"bad visit time {text!r}; use 09:30-10:15")
    else:
        assert parse_time_span(text) == expected


def test_a_minus_is_no_amount_where_negatives_are_not_allowed():
    assert refusal(lambda: parse_amount("-1,200.00")).startswith("bad amount '-1,200.00'")


def test_month_and_day_alone_are_in_the_year_of_today():
    assert parse_date("1月5日", D(2027, 3, 1)) == D(2027, 1, 5)
    assert parse_date("02-29", D(2028, 3, 1)) == D(2028, 2, 29)
    assert "bad date '02-29'" in refusal(lambda: parse_date("02-29", TODAY))


# --- dates: the CLI and every import --------------------------------------------------------

#: Each place a date is read: how to record something on `{day}`, and the days it recorded.
DATE_PLACES: dict[str, tuple[Callable[..., Any], str, Callable[[Any, Path], list[str]]]] = {}


def _sale_add(cli: Any, tmp: Path, day: str) -> Any:
    return cli("sale", "add", "--rep", "zhang", "--amount", "10", "--date", day)


def _visit_log(cli: Any, tmp: Path, day: str) -> Any:
    return cli("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order", "--date", day)


def _import(what: str, rows: list[list[str]]) -> Callable[[Any, Path, str], Any]:
    def run(cli: Any, tmp: Path, value: str) -> Any:
        path = write_csv(tmp / f"{what}.csv", [[c.format(value=value) for c in r] for r in rows])
        return cli("import", what, str(path))

    return run


def _exported(what: str, key: str) -> Callable[[Any, Path], list[str]]:
    def read(cli: Any, tmp: Path) -> list[str]:
        path = tmp / f"out-{what}.json"
        ok(cli("export", what, "-o", str(path)))
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [row[key] for row in rows if what != "customers" or row["name"] == "新店"]

    return read


def _sale_days(cli: Any, tmp: Path) -> list[str]:
    return [s["date"] for s in listed(cli, "sale", "list")]


def _visit_days(cli: Any, tmp: Path) -> list[str]:
    return [v["date"] for v in listed(cli, "visit", "list")]


def _collection_days(cli: Any, tmp: Path) -> list[str]:
    return [c["date"] for c in listed(cli, "collection", "list")]


DATE_PLACES.update(
    {
        "sale add --date": (_sale_add, "", _sale_days),
        "log-visit --date": (_visit_log, "", _visit_days),
        "import sales": (
            _import("sales", [["rep", "date", "amount"], ["zhang", "{value}", "10"]]),
            "date",
            _sale_days,
        ),
        "import collections": (
            _import("collections", [["rep", "date", "amount"], ["zhang", "{value}", "10"]]),
            "date",
            _collection_days,
        ),
        "import visits": (
            _import(
                "visits",
                [["date", "rep", "customer", "purposes"], ["{value}", "zhang", A, "order"]],
            ),
            "date",
            _visit_days,
        ),
        "import customers": (
            _import("customers", [["name", "grade", "added_on"], ["新店", "B", "{value}"]]),
            "added_on",
            _exported("customers", "added_on"),
        ),
    }
)


@pytest.mark.parametrize("place", sorted(DATE_PLACES))
@pytest.mark.parametrize(("text", "expected"), DATES, ids=ids(DATES))
def test_every_place_reads_each_date_form_alike(team, tmp_path, place, text, expected):
    record, column, recorded = DATE_PLACES[place]
    before = recorded(team, tmp_path)
    run = record(team, tmp_path, text)
    if expected is not None and expected <= TODAY:
        ok(run)
        assert recorded(team, tmp_path) == [*before, expected.isoformat()]
        return
    if expected is None:
        message = refusal(lambda: parse_date(text, TODAY))
    else:  # read as the day it is, which is after today: the place's own "after today"
        message = f"{expected} is after today (2026-11-30)"
    if column:
        assert run.exit_code == 2, run.stderr
        assert any(message in line for line in run.stderr.splitlines()), run.stderr
        assert f"row 2, column {column}: " in run.stderr
    else:
        rejected(run, message)
    assert recorded(team, tmp_path) == before


# --- amounts: the CLI and every import ------------------------------------------------------


def _sale_amounts(cli: Any, tmp: Path) -> list[str]:
    return [s["amount"] for s in listed(cli, "sale", "list")]


def _collection_amounts(cli: Any, tmp: Path) -> list[str]:
    return [c["amount"] for c in listed(cli, "collection", "list")]


AMOUNT_PLACES: dict[str, tuple[Callable[..., Any], str, Callable[[Any, Path], list[str]]]] = {
    "sale add --amount": (
        lambda cli, tmp, text: cli("sale", "add", "--rep", "zhang", "--amount", text),
        "",
        _sale_amounts,
    ),
    "collection add --amount": (
        lambda cli, tmp, text: cli("collection", "add", "--rep", "zhang", "--amount", text),
        "",
        _collection_amounts,
    ),
    "log-visit --amount": (
        lambda cli, tmp, text: cli(
            "log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order", "--amount", text
        ),
        "",
        _sale_amounts,
    ),
    "import sales": (
        _import("sales", [["rep", "date", "amount"], ["zhang", "2026-11-20", "{value}"]]),
        "amount",
        _sale_amounts,
    ),
    "import collections": (
        _import("collections", [["rep", "date", "amount"], ["zhang", "2026-11-20", "{value}"]]),
        "amount",
        _collection_amounts,
    ),
    "import visits (order amount)": (
        _import(
            "visits",
            [
                ["date", "rep", "customer", "purposes", "amount"],
                ["2026-11-20", "zhang", A, "order", "{value}"],
            ],
        ),
        "amount",
        _sale_amounts,
    ),
}


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}" if cents >= 0 else "-" + _yuan(-cents)


@pytest.mark.parametrize("place", sorted(AMOUNT_PLACES))
@pytest.mark.parametrize(("text", "expected"), AMOUNTS, ids=ids(AMOUNTS))
def test_every_place_reads_each_amount_form_alike(team, tmp_path, place, text, expected):
    record, column, recorded = AMOUNT_PLACES[place]
    run = record(team, tmp_path, text)
    if expected is not None:
        ok(run)
        assert recorded(team, tmp_path) == [_yuan(expected)]
        return
    # a sales export may hold credit notes: its words for a bad amount say so
    negative = place == "import sales"
    message = refusal(lambda: parse_amount(text, allow_negative=negative))
    if column:
        bad_row(run, column, message)
    else:
        rejected(run, message)
    assert recorded(team, tmp_path) == []


@pytest.mark.parametrize(("text", "expected"), CREDIT_NOTES, ids=ids(CREDIT_NOTES))
def test_a_credit_note_of_a_sales_export_reads_as_any_amount_does(team, tmp_path, text, expected):
    record, column, recorded = AMOUNT_PLACES["import sales"]
    run = record(team, tmp_path, text)
    if expected is None:
        bad_row(run, column, refusal(lambda: parse_amount(text, allow_negative=True)))
        assert recorded(team, tmp_path) == []
    else:
        ok(run)
        assert recorded(team, tmp_path) == [_yuan(expected)]


@pytest.mark.parametrize("place", ["sale add --amount", "import collections"])
def test_an_empty_amount_is_refused(team, tmp_path, place):
    record, _column, recorded = AMOUNT_PLACES[place]
    run = record(team, tmp_path, "")
    assert run.exit_code == 2, run.stderr
    assert "amount" in run.stderr
    assert recorded(team, tmp_path) == []


# --- times: the CLI and the visits import ---------------------------------------------------


def _visit_times(cli: Any, tmp: Path) -> list[tuple[str | None, str | None]]:
    return [(v["start"], v["end"]) for v in listed(cli, "visit", "list")]


def _hm(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


TIME_PLACES: dict[str, tuple[Callable[..., Any], str]] = {
    "log-visit --start": (
        lambda cli, tmp, text: cli(
            "log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order", "--start", text
        ),
        "",
    ),
    "call log --at": (
        lambda cli, tmp, text: cli(
            "call", "log", "--rep", "zhang", "--at", text, "--verdict", "ok"
        ),
        "",
    ),
    "import visits (start)": (
        _import(
            "visits",
            [
                ["date", "rep", "customer", "purposes", "start"],
                ["2026-11-20", "zhang", A, "order", "{value}"],
            ],
        ),
        "start",
    ),
}


def _times(cli: Any, tmp: Path, place: str) -> list[str | None]:
    if place.startswith("call"):
        return [c["time"] for c in listed(cli, "call", "list")]
    return [start for start, _end in _visit_times(cli, tmp)]


@pytest.mark.parametrize("place", sorted(TIME_PLACES))
@pytest.mark.parametrize(("text", "expected"), TIMES, ids=ids(TIMES))
def test_every_place_reads_each_time_form_alike(team, tmp_path, place, text, expected):
    record, column = TIME_PLACES[place]
    run = record(team, tmp_path, text)
    if expected is not None:
        ok(run)
        [at] = _times(team, tmp_path, place)
        assert at is not None and at[:5] == _hm(expected)
        return
    message = refusal(lambda: parse_time(text))
    if column:
        bad_row(run, column, message)
    else:
        rejected(run, message)
    assert _times(team, tmp_path, place) == []


@pytest.mark.parametrize(("text", "expected"), SPANS, ids=ids(SPANS))
@pytest.mark.parametrize("heading", ["访问时间", "Visit time"])
def test_the_visit_time_column_reads_each_span_form(team, tmp_path, heading, text, expected):
    rows = [["date", "rep", "customer", "purposes", heading], ["2026-11-20", "zhang", A, "order"]]
    rows[1].append(text)
    run = team("import", "visits", str(write_csv(tmp_path / "v.csv", rows)))
    if expected is None:
        bad_row(run, heading, refusal(lambda: parse_time_span(text)))
        assert _visit_times(team, tmp_path) == []
    else:
        ok(run)
        assert _visit_times(team, tmp_path) == [tuple(_hm(t) for t in expected)]


def test_log_visit_reads_the_new_time_forms_on_both_ends(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order",
            "--start", "9点半", "--end", "1015"))  # fmt: skip
    assert _visit_times(team, Path()) == [("09:30", "10:15")]


def test_visit_edit_reads_the_same_dates_and_times(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order"))
    ok(team("visit", "edit", "1", "--date", "前天", "--start", "9点", "--end", "9点半"))
    [visit] = listed(team, "visit", "list")
    assert (visit["date"], visit["start"], visit["end"]) == ("2026-11-28", "09:00", "09:30")
    rejected(team("visit", "edit", "1", "--start", "9点60"), "bad time '9点60'")


def test_target_set_reads_amounts_as_sale_add_does(team):
    ok(team("target", "set", "--team", "--amount", "120万"))
    [year] = [t for t in listed(team, "target", "show") if t["period"] == "year"]
    assert year["amount"] == 1_200_000
    rejected(team("target", "set", "--team", "--amount", "12,00,000"), "bad amount '12,00,000'")


# --- Excel cells ----------------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_excel_date_and_amount_cells_import_as_sales(team, tmp_path):
    path = _xlsx(
        tmp_path / "sales.xlsx",
        [
            ["rep", "date", "amount"],
            ["zhang", date(2026, 11, 2), 3200],
            ["zhang", datetime(2026, 11, 3, 14, 45), 3200.5],
        ],
    )
    ok(team("import", "sales", str(path)))
    assert [(s["date"], s["amount"]) for s in listed(team, "sale", "list")] == [
        ("2026-11-02", "3200.00"),
        ("2026-11-03", "3200.50"),
    ]


def test_excel_date_cells_import_as_collections(team, tmp_path):
    path = _xlsx(
        tmp_path / "c.xlsx", [["rep", "date", "amount"], ["zhang", datetime(2026, 11, 2), 10]]
    )
    ok(team("import", "collections", str(path)))
    assert _collection_days(team, tmp_path) == ["2026-11-02"]


def test_excel_date_and_time_cells_import_as_visits(team, tmp_path):
    path = _xlsx(
        tmp_path / "v.xlsx",
        [
            ["date", "rep", "customer", "purposes", "start", "end"],
            [date(2026, 11, 20), "zhang", A, "order", time(9, 30), time(10, 14, 59, 999999)],
        ],
    )
    ok(team("import", "visits", str(path)))
    [visit] = listed(team, "visit", "list")
    assert (visit["date"], visit["start"], visit["end"]) == ("2026-11-20", "09:30", "10:15")


def test_an_excel_time_cell_is_a_visit_time_too(team, tmp_path):
    path = _xlsx(
        tmp_path / "v.xlsx",
        [["date", "rep", "customer", "purposes", "访问时间"],
         [date(2026, 11, 20), "zhang", A, "order", time(9, 30)]],
    )  # fmt: skip
    ok(team("import", "visits", str(path)))
    assert _visit_times(team, tmp_path) == [("09:30", None)]


def test_excel_date_cells_import_as_customers(team, tmp_path):
    path = _xlsx(
        tmp_path / "c.xlsx", [["name", "grade", "added_on"], ["新店", "B", date(2026, 11, 2)]]
    )
    ok(team("import", "customers", str(path)))
    assert _exported("customers", "added_on")(team, tmp_path) == ["2026-11-02"]
