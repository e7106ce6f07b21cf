"""`export` reads through `db.export`: a day report's weather and region, and a customer's name
and phone, each one column behind two headings; on an SQLite file the statements are kept
compiled (`db.prepared`), so that a second export neither imports SQLAlchemy nor writes
anything else."""

import csv
import json

import pytest
from openpyxl import load_workbook

from helpers import WRITE_SIDE, ok, run_loading

#: what an export must not load: the ORM, the models, Alembic (a read only)

TRICKY = '=A1,"引号"，全角文字'


@pytest.fixture
def reported(team):
    """Visits on days with a report (weather and region), without one (the rep's region), two
    on one day, and a customer whose name and phone a spreadsheet could take for formulas."""
    ok(team("customer", "add", TRICKY, "--grade", "B", "--rep", "li", "--phone", "@138"))
    for rep, customer, day, start in [
        ("zhang", "万家超市", "-3", "09:00"), ("zhang", "华联便利店", "-3", "08:00"),
        ("zhang", "万家超市", "-2", "10:00"), ("li", TRICKY, "-3", "11:00"),
        ("li", "兴隆商行", "-1", "09:30"),
    ]:  # fmt: skip
        ok(team("log-visit", "--rep", rep, "--customer", customer, "--purpose", "order",
                "--date", day, "--start", start, "--again"))  # fmt: skip
    ok(team("report", "header", "--rep", "zhang", "--date", "-3", "--weather", "+雨",
            "--region", "西湖区"))  # fmt: skip
    ok(team("report", "header", "--rep", "li", "--date", "-1", "--weather", "晴"))
    return team


#: per visit in the daily report's order: date, rep, customer, phone, weather, region
EXPECTED = [
    ("2026-11-27", "zhang", "华联便利店", "13800000002", "'+雨", "西湖区"),
    ("2026-11-27", "zhang", "万家超市", "13800000001", "'+雨", "西湖区"),
    ("2026-11-27", "li", "'" + TRICKY, "'@138", "", "宁波"),
    ("2026-11-28", "zhang", "万家超市", "13800000001", "", "杭州"),
    ("2026-11-29", "li", "兴隆商行", "13800000003", "晴", "宁波"),
]


def _picked(rows):
    headings = ("date", "rep", "customer", "phone", "weather", "region")
    return [tuple(row[h] for h in headings) for row in rows]


def test_each_visit_has_its_customers_phone_and_its_days_weather_and_region(reported, tmp_path):
    csv_file, json_file, xlsx_file = (tmp_path / f"v.{f}" for f in ("csv", "json", "xlsx"))
    for path in (csv_file, json_file, xlsx_file):
        assert "Exported 5 visits" in ok(reported("export", "visits", "-o", str(path))).stdout
    rows = list(csv.DictReader(csv_file.read_bytes().decode("utf-8-sig").splitlines(True)))
    assert _picked(rows) == EXPECTED
    unguarded = [
        tuple(cell.removeprefix("'") if cell.startswith("'") else cell for cell in row)
        for row in EXPECTED
    ]
    listed = json.loads(json_file.read_text(encoding="utf-8"))
    as_json = [tuple("" if v is None else v for v in row) for row in _picked(listed)]
    assert as_json == unguarded
    sheet = load_workbook(xlsx_file).active
    headings, *cells = [[c.value for c in row] for row in sheet.iter_rows()]
    as_xlsx = [
        tuple("" if v is None else v.date().isoformat() if h == "date" else v
              for h, v in zip(headings, row, strict=True) if h in _HEADINGS)
        for row in cells
    ]  # fmt: skip
    assert as_xlsx == unguarded


_HEADINGS = ("date", "rep", "customer", "phone", "weather", "region")


def test_a_reps_export_reads_only_that_reps_days(reported, tmp_path):
    path = tmp_path / "li.csv"
    ok(reported("export", "visits", "--rep", "李娜", "--from", "-3", "--to", "-1", "-o", str(path)))
    rows = list(csv.DictReader(path.read_bytes().decode("utf-8-sig").splitlines(True)))
    assert _picked(rows) == [row for row in EXPECTED if row[1] == "li"]


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_a_days_report_ends_its_reps_lines_whatever_the_rows_read_at_a_time(
    reported, tmp_path, monkeypatch, batch
):
    """The visits are read a few thousand at a time, and a day of a rep's can straddle two
    reads: each line still ends with its own rep's report of that day, or the rep's region."""
    whole = tmp_path / "whole.csv"
    ok(reported("export", "visits", "-o", str(whole)))
    monkeypatch.setattr("salesproc.db.export.BATCH", batch)
    for suffix in ("csv", "json"):
        path = tmp_path / f"small.{suffix}"
        ok(reported("export", "visits", "-o", str(path)))
        if suffix == "csv":
            assert path.read_bytes() == whole.read_bytes()
            rows = list(csv.DictReader(path.read_bytes().decode("utf-8-sig").splitlines(True)))
            assert _picked(rows) == EXPECTED
        else:
            listed = json.loads(path.read_text(encoding="utf-8"))
            assert [row["rep_name"] for row in listed] == [row["rep_name"] for row in rows]


@pytest.mark.parametrize("kind", ["visits", "sales", "customers"])
def test_an_export_loads_no_orm(reported, tmp_path, kind):
    """It only reads: the ORM and the imports' checkers were a sixth of its time."""
    path = tmp_path / f"{kind}.csv"
    assert run_loading(("export", kind, "--rep", "zhang", "-o", str(path)), WRITE_SIDE)[1] == []
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.sqlite_only("on a server the statements run through SQLAlchemy")
@pytest.mark.parametrize(
    ("kind", "suffix", "options"),
    [
        ("visits", "csv", ()), ("visits", "json", ("--from", "-3", "--to", "-2")),
        ("sales", "csv", ("--rep", "zhang")), ("customers", "json", ("--to", "-1")),
    ],
)  # fmt: skip
def test_an_export_on_an_sqlite_file_loads_no_sqlalchemy_once_compiled(
    reported, tmp_path, kind, suffix, options
):
    """The first export compiles its statements and keeps them; the next sends the kept SQL
    through `sqlite3` (SQLAlchemy's import was a sixth of a year's export) and writes the
    same bytes."""
    ok(reported("sale", "add", "--rep", "zhang", "--amount", "12.50", "--ref", "-7"))
    first, again = tmp_path / f"1.{suffix}", tmp_path / f"2.{suffix}"
    command = ("export", kind, *options, "-o")
    assert run_loading((*command, str(first)), ("sqlalchemy",))[1] == ["sqlalchemy"]
    assert run_loading((*command, str(again)), ("sqlalchemy",))[1] == []
    assert again.read_bytes() == first.read_bytes()
    assert first.read_bytes().count(b"\n") >= 2  # the headings and a row at least
