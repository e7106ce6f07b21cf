"""Files as Chinese offices send them: Excel's CSV encodings, columns an import does not read,
the daily form's money columns, and visits that keep their reps' names on the way back in."""

import codecs
import json

import pytest
from openpyxl import load_workbook

from helpers import ok, rejected

VISIT_ROWS = (
    "填写日期,日报人,访问客户,访问时间,访问目的,商谈结果\n"
    "2026-11-29,张伟,万家超市,09:30-10:15,订货/收款,下单补货\n"
    "2026-11-29,李娜,兴隆商行,14:00,开发,嫌价格高\n"
)
SALE_ROWS = "日期,业务员,客户,金额,单号\n2026-11-28,张伟,万家超市,3200,XS-001\n"


def visits(run, *flags):
    return json.loads(ok(run(*flags, "visit", "list", "--format", "json")).stdout)


def sales(run, *flags):
    return json.loads(ok(run(*flags, "sale", "list", "--format", "json")).stdout)


def collections(run, *flags):
    return json.loads(ok(run(*flags, "collection", "list", "--format", "json")).stdout)


def import_sales(run, path):
    maps = ("date=日期", "rep=业务员", "customer=客户", "amount=金额", "ref=单号")
    return run("import", "sales", str(path), *(f"--map={m}" for m in maps))


def test_a_gb18030_csv_as_excel_on_a_chinese_windows_saves_it(team, tmp_path):
    rows, sold = tmp_path / "日报.csv", tmp_path / "销售.csv"
    rows.write_bytes(VISIT_ROWS.encode("gb18030"))
    sold.write_bytes(SALE_ROWS.encode("gbk"))
    ok(team("import", "visits", str(rows)))
    ok(import_sales(team, sold))
    assert [(v["customer"], v["result"]) for v in visits(team)] == [
        ("万家超市", "下单补货"),
        ("兴隆商行", "嫌价格高"),
    ]
    assert [(s["customer"], s["amount"], s["ref"]) for s in sales(team)] == [
        ("万家超市", "3200.00", "XS-001")
    ]


def test_a_utf16_csv_with_its_bom(team, tmp_path):
    rows, sold = tmp_path / "日报.csv", tmp_path / "销售.csv"
    rows.write_bytes(codecs.BOM_UTF16_LE + VISIT_ROWS.encode("utf-16-le"))
    sold.write_bytes(SALE_ROWS.encode("utf-16"))  # the BOM of the machine's byte order
    ok(team("import", "visits", str(rows)))
    ok(import_sales(team, sold))
    assert [v["customer"] for v in visits(team)] == ["万家超市", "兴隆商行"]
    assert [s["amount"] for s in sales(team)] == ["3200.00"]


def test_a_utf8_csv_with_and_without_its_bom(team, tmp_path):
    with_bom, without = tmp_path / "a.csv", tmp_path / "b.csv"
    with_bom.write_text(VISIT_ROWS, encoding="utf-8-sig")
    without.write_text(VISIT_ROWS.replace("2026-11-29", "2026-11-28"), encoding="utf-8")
    ok(team("import", "visits", str(with_bom)))
    ok(team("import", "visits", str(without)))
    assert len(visits(team)) == 4


def test_a_file_no_encoding_decodes_is_refused_naming_the_file_and_the_encodings(team, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(VISIT_ROWS.encode("utf-8") + b"\x80\xff\x80\n")
    for command in (["import", "visits", str(path)], ["import", "customers", str(path)]):
        rejected(team(*command), "broken.csv", "UTF-8", "GB18030", "UTF-16")
    assert visits(team) == []


def test_a_column_import_visits_does_not_read_is_refused(team, tmp_path):
    path = tmp_path / "日报.csv"
    path.write_text(VISIT_ROWS.replace("商谈结果\n", "商谈结果,拜访心得\n"), encoding="utf-8")
    rejected(team("import", "visits", str(path)), "'拜访心得'", "--ignore-column")
    assert visits(team) == []
    ok(team("import", "visits", str(path), "--ignore-column", "拜访心得"))
    assert len(visits(team)) == 2


def test_a_column_import_customers_does_not_read_is_refused(team, tmp_path):
    path = tmp_path / "客户.csv"
    path.write_text("name,grade,wechat\n大润发,B,drf2026\n", encoding="utf-8")
    rejected(team("import", "customers", str(path)), "'wechat'", "--ignore-column")
    listed = json.loads(ok(team("customer", "list", "--format", "json")).stdout)
    assert "大润发" not in [c["name"] for c in listed]
    ok(team("import", "customers", str(path), "--ignore-column", "WeChat"))
    listed = json.loads(ok(team("customer", "list", "--format", "json")).stdout)
    assert "大润发" in [c["name"] for c in listed]


def test_import_sales_still_leaves_out_columns_it_is_not_mapped_to(team, tmp_path):
    path = tmp_path / "销售.csv"
    path.write_text(SALE_ROWS.replace("单号\n", "单号,仓库\n").replace("XS-001\n", "XS-001,东仓\n"))
    ok(import_sales(team, path))
    assert len(sales(team)) == 1


def test_the_form_has_order_amount_and_collected_columns(team, tmp_path):
    path = tmp_path / "form.xlsx"
    ok(team("--lang", "zh", "report", "template", "--output", str(path)))
    page = load_workbook(path).active
    assert {"订货金额", "回款金额"} <= {c.value for c in page[4]}


def test_amounts_on_the_form_round_trip_as_sales_and_collections_on_the_visits(team, tmp_path):
    ok(team("log-visit", "--rep", "zhang", "--customer", "华联便利店", "--purpose", "订货,收款",
            "--date", "-1", "--start", "09:30", "--amount", "3200.50",
            "--collected", "800"))  # fmt: skip
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "服务",
            "--date", "-1", "--start", "11:00"))  # fmt: skip
    [report] = json.loads(
        ok(team("report", "daily", "--date", "-1", "--rep", "zhang", "--format", "json")).stdout
    )
    assert [(v["amount"], v["collected"]) for v in report["visits"]] == [
        ("3200.50", "800.00"),
        (None, None),
    ]
    table = ok(team("report", "daily", "--date", "-1", "--rep", "zhang")).stdout
    assert "3,200.50" in table and "800.00" in table
    csv_text = ok(team("report", "daily", "--date", "-1", "--rep", "zhang", "--format", "csv"))
    assert "3200.50,800.00" in csv_text.stdout

    form = tmp_path / "日报.xlsx"
    ok(team("--lang", "zh", "report", "daily", "--date", "-1", "--format", "xlsx", "-o", str(form)))
    page = load_workbook(form)["zhang 2026-11-29"]
    headings = [c.value for c in page[4]]
    amount, collected = (page.cell(5, headings.index(w) + 1) for w in ("订货金额", "回款金额"))
    assert (amount.value, amount.number_format) == (3200.5, "#,##0.00")  # a number, not text
    assert collected.value == 800
    other = ("--db", str(tmp_path / "other.db"))
    ok(team(*other, "init"))
    ok(team(*other, "import", "visits", str(form), "--create-reps", "--create-customers"))
    by_visit = {v["id"]: v["customer"] for v in visits(team, *other)}
    assert [(by_visit[s["visit_id"]], s["amount"], s["rep"]) for s in sales(team, *other)] == [
        ("华联便利店", "3200.50", "zhang")
    ]
    assert [(by_visit[c["visit_id"]], c["amount"]) for c in collections(team, *other)] == [
        ("华联便利店", "800.00")
    ]
    # the sale wins the prospect, as `log-visit --amount` does
    customers = json.loads(ok(team(*other, "customer", "list", "--format", "json")).stdout)
    assert {c["name"]: c["category"] for c in customers}["华联便利店"] == "new"
    # a second import of the form adds no visit, no sale and no collection
    ok(team(*other, "import", "visits", str(form)))
    assert (len(sales(team, *other)), len(collections(team, *other))) == (1, 1)


def test_a_bad_amount_on_the_form_is_a_bad_row(team, tmp_path):
    path = tmp_path / "日报.csv"
    path.write_text(
        "填写日期,日报人,访问客户,访问目的,订货金额,回款金额\n"
        "2026-11-29,张伟,万家超市,订货,abc,500\n",
        encoding="utf-8",
    )
    said = team("import", "visits", str(path))
    assert said.exit_code == 2
    assert "row 2, column 订货金额" in said.stderr
    assert visits(team) == [] and collections(team) == []


def test_export_then_import_keeps_rep_names_and_report_regions(team, tmp_path):
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货",
            "--date", "-2", "--start", "09:30"))  # fmt: skip
    ok(team("report", "header", "--rep", "zhang", "--date", "-2", "--region", "宁波"))
    ok(team("log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "开发",
            "--date", "-1", "--start", "10:00"))  # fmt: skip
    path = tmp_path / "v.csv"
    ok(team("export", "visits", "--output", str(path)))
    other = ("--db", str(tmp_path / "other.db"))
    ok(team(*other, "init"))
    ok(team(*other, "import", "visits", str(path), "--create-reps", "--create-customers"))
    reps = json.loads(ok(team(*other, "rep", "list", "--format", "json")).stdout)
    assert sorted((r["code"], r["name"]) for r in reps) == [("li", "李娜"), ("zhang", "张伟")]
    regions = {}
    for day in ("-2", "-1"):
        for report in json.loads(
            ok(team(*other, "report", "daily", "--date", day, "--format", "json")).stdout
        ):
            if report["reported"]:
                regions[report["rep"]] = report["region"]
    original = {}
    for day in ("-2", "-1"):
        for report in json.loads(
            ok(team("report", "daily", "--date", day, "--format", "json")).stdout
        ):
            if report["reported"]:
                original[report["rep"]] = report["region"]
    assert regions == original
    assert regions["zhang"] == "宁波"


@pytest.mark.parametrize("what", ["sales", "visits", "customers"])
def test_a_field_over_the_csv_limit_is_refused_with_its_line(team, tmp_path, what):
    """A 100 MB line (a broken export) is the file's fault: exit 2 and where, not exit 1."""
    path = tmp_path / "huge.csv"
    heading = {"sales": "rep,date,amount", "visits": "date,rep,customer,purposes",
               "customers": "name,grade"}[what]  # fmt: skip
    path.write_text(f"{heading}\n" + "x" * (132 * 1024) + ",1\n", encoding="utf-8")
    result = team("import", what, str(path))
    assert result.exit_code == 2, result.stderr
    assert (
        "huge.csv at line 2" in result.stderr and "field larger than field limit" in result.stderr
    )
