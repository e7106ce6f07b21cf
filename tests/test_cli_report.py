"""`report daily`: the daily sales report (销售日报表) as the supervisor reads it."""

import csv
import io
import json

from helpers import ok, rejected


def reports(cli, *args):
    return json.loads(ok(cli("report", "daily", "--format", "json", *args)).stdout)


def test_one_report_per_active_rep_with_visits_numbered_by_start_time(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", "华联便利店", "--purpose", "开发,说明",
            "--start", "14:00", "--end", "14:40", "--result", "有兴趣", "--note", "嫌价格高",
            "--weather", "小雨"))  # fmt: skip
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
            "--start", "09:30", "--end", "10:15"))  # fmt: skip
    li, zhang = reports(team)  # by rep code
    assert (zhang["rep"], zhang["name"], zhang["region"]) == ("zhang", "张伟", "杭州")
    assert zhang["date"] == "2026-11-30" and zhang["weather"] == "小雨"
    assert zhang["reported"] is True and zhang["visit_count"] == 2 and zhang["quota"] == 6
    first, second = zhang["visits"]
    assert (first["seq"], first["customer"], first["start"], first["end"]) == (
        1, "万家超市", "09:30", "10:15",
    )  # fmt: skip
    assert second["purposes"] == ["development", "explanation"]
    assert (second["result"], second["notes"], second["category"]) == (
        "有兴趣",
        "嫌价格高",
        "prospect",
    )
    assert second["phone"] == "13800000002" and second["next_visit"] == "2026-12-14"
    assert li["reported"] is False and li["visits"] == [] and li["visit_count"] == 0


def test_table_shows_the_form_and_the_quota(team, tmp_path, monkeypatch):
    config = tmp_path / "c.toml"
    config.write_text("visit_quota = 3\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
            "--start", "09:30", "--end", "10:15"))  # fmt: skip
    out = ok(team("report", "daily")).stdout
    assert "Reporter 张伟 (zhang)" in out and "09:30–10:15" in out
    assert "1 visit of a quota of 3 (2 short)" in out
    assert "Reporter 李娜 (li)" in out and "no report" in out


def test_csv_has_a_row_per_visit_and_one_for_a_rep_without_a_report(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order"))
    rows = list(csv.DictReader(io.StringIO(ok(team("report", "daily", "--format", "csv")).stdout)))
    assert [(r["rep"], r["seq"], r["customer"]) for r in rows] == [
        ("li", "", ""),
        ("zhang", "1", "万家超市"),
    ]


def test_a_past_day_and_one_rep(team):
    ok(team("log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "service",
            "--date", "-3"))  # fmt: skip
    [li] = reports(team, "--date", "-3", "--rep", "li")
    assert li["date"] == "2026-11-27" and li["visit_count"] == 1
    assert reports(team, "--rep", "li")[0]["visit_count"] == 0


def test_header_without_a_visit(team):
    said = ok(team("report", "header", "--rep", "li", "--weather", "晴", "--region", "宁波北仑"))
    assert "weather 晴" in said.stdout
    [li] = reports(team, "--rep", "li")
    assert (li["weather"], li["region"]) == ("晴", "宁波北仑")
    rejected(team("report", "header", "--rep", "li"), "--weather")
    rejected(team("report", "header", "--rep", "li", "--weather", "晴", "--date", "tomorrow"))


def test_xlsx_writes_the_filled_forms_and_needs_an_output(team, tmp_path):
    from openpyxl import load_workbook

    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order,收款",
            "--start", "09:30", "--end", "10:15", "--weather", "小雨"))  # fmt: skip
    rejected(team("report", "daily", "--format", "xlsx"), "--output FILE.xlsx")
    path = tmp_path / "daily.xlsx"
    out = ok(team("--lang", "zh", "report", "daily", "--format", "xlsx", "--output", str(path)))
    assert str(path) in out.stdout
    book = load_workbook(path)
    assert book.sheetnames == ["li 2026-11-30", "zhang 2026-11-30"]
    page = book["zhang 2026-11-30"]
    header = (page["C2"].value, page["D2"].value, page["H2"].value)
    assert header == ("日报人", "张伟 (zhang)", "小雨")
    assert [page.cell(5, c).value for c in (2, 4, 5)] == ["万家超市", "09:30–10:15", "订货/收款"]
    assert page["A7"].value == "合计" and page["B7"].value.startswith("拜访 1 家 / 定额 6 家")
    assert book["li 2026-11-30"]["B6"].value == "未报"


def test_template_is_the_blank_form_in_either_language(db, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "form.xlsx"
    ok(db("report", "template", "--output", str(path), "--lang", "zh"))
    page = load_workbook(path).active
    assert page["A1"].value == "销售日报表"
    assert [page.cell(4, c).value for c in range(1, 13)] == [
        "序号", "访问客户", "电话", "访问时间", "访问目的", "商谈结果", "结果", "客户类别",
        "预定再访时间", "其他记录", "订货金额", "回款金额",
    ]  # fmt: skip
    ok(db("report", "template", "--output", str(path)))
    assert load_workbook(path).active["A1"].value == "Daily sales report"
    rejected(db("report", "template", "--output", str(tmp_path / "form.csv")), "FILE.xlsx")


def test_the_table_in_chinese_uses_the_forms_words(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
            "--start", "09:30", "--end", "10:15"))  # fmt: skip
    out = ok(team("--lang", "zh", "report", "daily", "--rep", "zhang")).stdout
    for words in ("区域 杭州", "日报人 张伟 (zhang)", "填写日期 2026-11-30", "天气 –", "访问客户",
                  "访问时间", "访问目的", "商谈结果", "客户类别", "预定再访时间", "其他记录",
                  "订货", "开发", "拜访 1 家 / 定额 6 家（差 5 家）"):  # fmt: skip
        assert words in out, words
