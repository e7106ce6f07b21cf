"""`export`: what goes out can be opened in Excel safely, and imported again."""

import csv
import json
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from helpers import ok, rejected

SNEAKY = '=HYPERLINK("http://x","点我")'


@pytest.fixture
def sold(team):
    ok(team("customer", "add", SNEAKY, "--grade", "B", "--rep", "li", "--phone", "+86 138"))
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货,收款",
            "--date", "-2", "--start", "09:30", "--end", "10:15", "--amount", "0.10",
            "--note", "-2 boxes short", "--weather", "晴"))  # fmt: skip
    ok(team("log-visit", "--rep", "li", "--customer", SNEAKY, "--purpose", "development",
            "--date", "-1", "--amount", "0.20"))  # fmt: skip
    ok(team("sale", "add", "--rep", "zhang", "--amount", "1200.50", "--ref", "@INV-1"))
    return team


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Chinese right
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_visits_csv_has_imports_headings_and_guards_formulas(sold, tmp_path):
    path = tmp_path / "visits.csv"
    said = ok(sold("export", "visits", "--output", str(path)))
    assert "Exported 2 visits" in said.stdout
    rows = read_csv(path)
    assert list(rows[0]) == [
        "date", "rep", "customer", "phone", "start", "end", "purposes", "result", "outcome",
        "category", "next_visit", "notes", "weather", "region", "rep_name",
    ]  # fmt: skip
    first, second = rows
    assert (first["date"], first["start"], first["end"]) == ("2026-11-28", "09:30", "10:15")
    assert first["purposes"] == "order,collection" and first["weather"] == "晴"
    assert first["notes"] == "'-2 boxes short"
    assert second["customer"] == "'" + SNEAKY and second["phone"] == "'+86 138"


def test_xlsx_cells_are_text_never_formulas(sold, tmp_path):
    path = tmp_path / "visits.xlsx"
    ok(sold("export", "visits", "-o", str(path)))
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=2))
    assert rows[1][2].value == SNEAKY and rows[1][2].data_type == "s"
    assert rows[0][0].value == datetime(2026, 11, 28)  # a real date cell
    assert rows[0][0].number_format == "yyyy-mm-dd"


def test_sales_json_has_exact_amounts_and_filters(sold, tmp_path):
    path = tmp_path / "sales.json"
    ok(sold("export", "sales", "-o", str(path)))
    sales = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    assert [s["amount"] for s in sales] == [Decimal("0.10"), Decimal("0.20"), Decimal("1200.50")]
    assert sales[2]["ref"] == "@INV-1" and sales[2]["customer"] is None
    ok(sold("export", "sales", "-o", str(path), "--rep", "zhang", "--to", "yesterday"))
    assert [s["amount"] for s in json.loads(path.read_text(), parse_float=Decimal)] == [
        Decimal("0.10")
    ]
    ok(sold("export", "sales", "-o", str(path), "--from", "tomorrow"))
    assert json.loads(path.read_text()) == []


def test_customers_export(sold, tmp_path):
    path = tmp_path / "customers.csv"
    ok(sold("export", "customers", "--format", "csv", "-o", str(path)))
    rows = {r["name"]: r for r in read_csv(path)}
    assert rows["万家超市"]["grade"] == "A" and rows["万家超市"]["rep"] == "zhang"
    assert rows["'" + SNEAKY]["category"] == "new"  # won by its first sale
    assert rows["'" + SNEAKY]["won_on"] == "2026-11-29" and rows["万家超市"]["lost_on"] == ""


def test_exported_sales_import_into_an_empty_database_with_the_same_leaderboard(sold, tmp_path):
    path = tmp_path / "sales.csv"
    ok(sold("export", "sales", "-o", str(path)))
    before = json.loads(ok(sold("rank", "--cumulative", "--format", "json")).stdout)
    other = str(tmp_path / "other.db")
    ok(sold("--db", other, "init"))
    ok(sold("--db", other, "import", "sales", str(path), "--create-reps", "--create-customers"))
    after = json.loads(ok(sold("--db", other, "rank", "--cumulative", "--format", "json")).stdout)
    assert [(r["rep"], r["amount"]) for r in after] == [(r["rep"], r["amount"]) for r in before]
    names = json.loads(ok(sold("--db", other, "customer", "list", "--format", "json")).stdout)
    assert SNEAKY in {c["name"] for c in names}  # the guard came off again


def test_export_refusals(sold, tmp_path):
    rejected(sold("export", "sales", "-o", str(tmp_path / "x.txt")), "--format")
    rejected(sold("export", "sales", "-o", str(tmp_path / "x.csv"), "--rep", "nobody"), "nobody")
    rejected(sold("export", "sales", "-o", str(tmp_path / "no" / "x.csv")), "cannot write")
