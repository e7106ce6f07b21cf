"""`import visits`: report rows from a spreadsheet, logged exactly as `log-visit` would."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ok


def exported(cli, what, path, *flags):
    ok(cli(*flags, "export", what, "-o", str(path)))
    return path.read_text(encoding="utf-8")


def test_round_trip_through_an_empty_database_gives_the_same_customers_and_visits(team, tmp_path):
    ok(team("log-visit", "--rep", "zhang", "--customer", "华联便利店", "--purpose", "开发",
            "--date", "-9", "--start", "09:00", "--end", "09:40", "--note", "=1+1",
            "--weather", "小雨"))  # fmt: skip
    ok(team("log-visit", "--rep", "zhang", "--customer", "华联便利店", "--purpose", "订货,说明",
            "--date", "-2", "--outcome", "won", "--next", "+5", "--result", "首单"))  # fmt: skip
    ok(team("log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "collection",
            "--date", "-2", "--start", "09:00"))  # fmt: skip
    ok(team("export", "customers", "-o", str(tmp_path / "c.csv")))
    ok(team("export", "visits", "-o", str(tmp_path / "v.xlsx")))
    other = ("--db", str(tmp_path / "other.db"))
    ok(team(*other, "init"))
    ok(team(*other, "import", "customers", str(tmp_path / "c.csv"), "--create-reps"))
    said = ok(team(*other, "import", "visits", str(tmp_path / "v.xlsx")))
    assert "Imported 3 visits" in said.stdout
    for what in ("customers", "visits"):
        assert exported(team, what, tmp_path / f"{what}-1.json") == exported(
            team, what, tmp_path / f"{what}-2.json", *other
        )
    for report in (["due", "--ahead", "30"], ["four-visit"]):
        assert (
            ok(team(*report, "--format", "json")).stdout
            == ok(team(*other, *report, "--format", "json")).stdout
        )


def test_the_paper_forms_chinese_headings(team, tmp_path):
    path = tmp_path / "日报.csv"
    path.write_text(
        "填写日期,日报人,访问客户,访问时间,访问目的,商谈结果,预定再访时间,其他记录,天气\n"
        "2026-11-29,张伟,万家超市,09:30–10:15,订货/收款,下单补货,2026-12-03,嫌价格高,晴\n",
        encoding="utf-8",
    )
    ok(team("import", "visits", str(path)))
    [visit] = json.loads(ok(team("visit", "list", "--format", "json")).stdout)
    assert (visit["rep"], visit["start"], visit["end"]) == ("zhang", "09:30", "10:15")
    assert visit["purposes"] == ["order", "collection"]
    assert (visit["next_visit"], visit["note"]) == ("2026-12-03", "嫌价格高")
    [zhang] = json.loads(ok(team("report", "daily", "--date", "-1", "--rep", "zhang",
                                 "--format", "json")).stdout)  # fmt: skip
    assert zhang["weather"] == "晴"


def test_every_bad_row_is_listed_and_nothing_is_written(team, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "date,rep,customer,start,end,purposes,outcome,next_visit\n"
        "2026-11-29,zhang,万家超市,09:00,10:00,order,,\n"  # row 2: fine
        "2026-12-01,nobody,无名店,10:00,09:00,bribe,maybe,2026-11-01\n"  # row 3: all wrong
        ",,,,,,,\n"  # blank: skipped
        "2026-11-29,li,兴隆商行,,,,,\n",  # row 5: no purpose
        encoding="utf-8",
    )
    result = team("import", "visits", str(path))
    assert result.exit_code == 2
    *lines, last = result.stderr.strip().splitlines()
    assert last == "Error: 2 bad rows in bad.csv; nothing was imported"
    assert [line.split(":")[0] for line in lines] == [
        "row 3, column date",
        "row 3, column end",
        "row 3, column purposes",
        "row 3, column outcome",
        "row 3, column next_visit",
        "row 3, column rep",
        "row 3, column customer",
        "row 5, column purposes",
    ]
    assert json.loads(ok(team("visit", "list", "--format", "json")).stdout) == []
    assert team("import", "visits", str(path), "--dry-run").stderr == result.stderr


# ---------------------------------------------------------------- the paper form's layout

FORM = {
    "zh": {
        "title": "销售日报表",
        "labels": ("区域", "日报人", "填写日期", "天气"),
        "headings": ("序号", "访问客户", "电话", "访问时间", "访问目的", "商谈结果", "结果",
                     "客户类别", "预定再访时间", "其他记录"),
        "total": "合计",
    },
    "en": {
        "title": "Daily sales report",
        "labels": ("Region", "Reporter", "Date", "Weather"),
        "headings": ("No.", "Customer", "Phone", "Visit time", "Purposes", "Result", "Outcome",
                     "Category", "Next visit", "Notes"),
        "total": "Total",
    },
}  # fmt: skip


def form_sheet(sheet, lang, header, visits, after=()):
    """A filled form as `report daily --format xlsx` lays it out: title in row 1, the header
    block in row 2 (label, then value), headings in row 4, visits from row 5, a blank row,
    the footer, and whatever `after` holds below it."""
    words = FORM[lang]
    sheet["A1"] = words["title"]
    for column, (label, value) in enumerate(zip(words["labels"], header, strict=True)):
        sheet.cell(2, 2 * column + 1, label)
        sheet.cell(2, 2 * column + 2, value)
    for column, heading in enumerate(words["headings"], start=1):
        sheet.cell(4, column, heading)
    for row, visit in enumerate(visits, start=5):
        for column, value in enumerate(visit, start=1):
            sheet.cell(row, column, value)
    footer = 5 + len(visits) + 1
    sheet.cell(footer, 1, words["total"])
    sheet.cell(footer, 2, f"{len(visits)} visits")
    for row, values in enumerate(after, start=footer + 1):
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column, value)


def workbook(path, *sheets):
    """A workbook of forms: each `sheets` item is (title, lang, header, visits[, after])."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, *form in sheets:
        form_sheet(book.create_sheet(title), *form)
    book.save(path)
    return path


def visits_of(cli):
    return json.loads(ok(cli("visit", "list", "--format", "json")).stdout)


def header_of(cli, rep, day):
    [report] = json.loads(ok(cli("report", "daily", "--date", day, "--rep", rep,
                                 "--format", "json")).stdout)  # fmt: skip
    return report["region"], report["weather"]


def test_a_chinese_form_takes_date_rep_weather_and_region_from_its_header_block(team, tmp_path):
    from datetime import date

    path = workbook(
        tmp_path / "日报.xlsx",
        ("zhang 2026-11-29", "zh", ("西湖区", "张伟 (zhang)", date(2026, 11, 29), "小雨"), [
            (1, "万家超市", "13800000001", "09:30–10:15", "订货/收款", "下单补货", None, "原有",
             date(2026, 12, 3), "嫌价格高"),
            (2, "华联便利店", None, "14:00-14:30", "开发、说明", "同意试销", "成交", None, None,
             None),
            (3, None, None, None, None, None, None, None, None, None),  # numbered but unused
        ], [("兴隆商行", None, None, "09:00", "订货")]),  # below the footer: not a visit
    )  # fmt: skip
    said = ok(team("import", "visits", str(path)))
    assert "Imported 2 visits" in said.stdout
    first, second = visits_of(team)
    assert (first["date"], first["rep"], first["customer"]) == ("2026-11-29", "zhang", "万家超市")
    assert (first["start"], first["end"], first["purposes"]) == (
        "09:30", "10:15", ["order", "collection"]
    )  # fmt: skip
    assert (first["category"], first["next_visit"], first["note"]) == (
        "existing", "2026-12-03", "嫌价格高"
    )  # fmt: skip
    assert (second["customer"], second["purposes"]) == (
        "华联便利店",
        ["development", "explanation"],
    )
    assert (second["outcome"], second["category"]) == ("won", "prospect")
    assert header_of(team, "zhang", "2026-11-29") == ("西湖区", "小雨")
    customers = {c["name"]: c for c in json.loads(ok(team("customer", "list", "--format",
                                                          "json")).stdout)}  # fmt: skip
    assert customers["华联便利店"]["category"] == "new"


def test_an_english_form_and_its_csv_copy_read_the_same(team, tmp_path):
    visits = [
        (1, "兴隆商行", None, "10:00-10:45", "order/collection", "paid", None, "existing",
         "2026-12-05", None),
    ]  # fmt: skip
    xlsx = workbook(
        tmp_path / "form.xlsx", ("Sheet", "en", ("Ningbo", "li", "2026-11-28", "sunny"), visits)
    )
    ok(team("import", "visits", str(xlsx), "--dry-run"))
    csv_copy = tmp_path / "form.csv"
    from openpyxl import load_workbook

    rows = load_workbook(xlsx).active.iter_rows(values_only=True)
    csv_copy.write_text(
        "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\n",
        encoding="utf-8",
    )
    said = ok(team("import", "visits", str(csv_copy)))
    assert "Imported 1 visits" in said.stdout
    [visit] = visits_of(team)
    assert (visit["date"], visit["rep"], visit["start"], visit["end"]) == (
        "2026-11-28", "li", "10:00", "10:45"
    )  # fmt: skip
    assert visit["purposes"] == ["order", "collection"]
    assert header_of(team, "li", "2026-11-28") == ("Ningbo", "sunny")


def test_every_sheet_of_a_workbook_is_imported(team, tmp_path):
    path = workbook(
        tmp_path / "day.xlsx",
        ("zhang 2026-11-27", "zh", ("杭州", "zhang", "2026-11-27", "晴"),
         [(1, "万家超市", None, "09:00-09:30", "订货", None, None, None, None, None)]),
        ("li 2026-11-27", "en", ("宁波", "李娜", "2026-11-27", "阴"),
         [(1, "兴隆商行", None, "11:00-11:30", "collection", None, None, None, None, None),
          (2, "华联便利店", None, "15:00", "service", None, None, None, None, None)]),
    )  # fmt: skip
    ok(team("import", "visits", str(path)))
    assert [(v["rep"], v["customer"]) for v in visits_of(team)] == [
        ("zhang", "万家超市"), ("li", "兴隆商行"), ("li", "华联便利店")
    ]  # fmt: skip
    assert header_of(team, "zhang", "2026-11-27") == ("杭州", "晴")
    assert header_of(team, "li", "2026-11-27") == ("宁波", "阴")


def test_bad_rows_of_a_form_are_told_by_sheet_and_row_and_nothing_is_written(team, tmp_path):
    path = workbook(
        tmp_path / "bad.xlsx",
        ("good", "zh", ("杭州", "zhang", "2026-11-27", "晴"), [
            (1, "万家超市", None, "09:00-09:30", "订货", None, None, None, None, None),
            (2, "无名店", None, "10:00-09:30", "送礼", None, "也许", None, "2026-11-01", None),
        ]),
        ("nobody", "en", ("宁波", "王五", "2026-11-27", "阴"), [
            (1, "兴隆商行", None, "11:00", "collection", None, None, None, None, None),
        ]),
    )  # fmt: skip
    result = team("import", "visits", str(path))
    assert result.exit_code == 2
    *lines, last = result.stderr.strip().splitlines()
    assert last == "Error: 2 bad rows in bad.xlsx; nothing was imported"
    assert lines == [
        "good row 6, column 访问时间: the visit ends before it starts",
        "good row 6, column 访问目的: unknown purpose '送礼'; use one of: order, collection, "
        "development, service, explanation",
        "good row 6, column 结果: unknown outcome '也许'; use one of: won, lost",
        "good row 6, column 预定再访时间: next visit 2026-11-01 is before the visit date "
        "2026-11-27",
        "good row 6, column 访问客户: unknown customer '无名店'; add it or pass --create-customers",
        "nobody row 2, column Reporter: unknown rep '王五'; add it or pass --create-reps",
    ]
    assert visits_of(team) == []
    assert team("import", "visits", str(path), "--dry-run").stderr == result.stderr


def test_the_forms_english_headings_are_flat_headings_too(team, tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text(
        "Date,Reporter,Customer,Visit time,Purposes,Outcome,Next visit,Weather,Region\n"
        "2026-11-26,zhang,万家超市,08:30-09:00,order,,2026-12-01,fog,滨江\n",
        encoding="utf-8",
    )
    ok(team("import", "visits", str(path)))
    [visit] = visits_of(team)
    assert (visit["start"], visit["next_visit"]) == ("08:30", "2026-12-01")
    assert header_of(team, "zhang", "2026-11-26") == ("滨江", "fog")


# ---------------------------------------------------------------- the same as log-visit

#: Visits in the order they happened: (date, rep, customer, start, end, purposes, outcome,
#: next visit, result, weather, region). Region is the rep's own: `log-visit` has no option
#: for it, it takes the rep's.
STORY = [
    ("2026-11-20", "zhang", "华联便利店", "09:00", "09:40", "development", "", "", "初访", "晴",
     ""),
    ("2026-11-22", "zhang", "华联便利店", "10:00", "10:30", "order", "won", "2026-11-25", "首单",
     "晴", "杭州"),
    ("2026-11-22", "zhang", "华联便利店", "15:00", "", "service", "", "", "", "", ""),
    ("2026-11-23", "li", "兴隆商行", "", "", "collection", "lost", "", "不再进货", "", ""),
    ("2026-11-24", "zhang", "万家超市", "09:00", "10:00", "order,collection", "", "", "", "多云",
     "杭州"),
    ("2026-11-26", "li", "兴隆商行", "11:00", "", "explanation", "", "", "", "", ""),
    ("2026-11-28", "li", "兴隆商行", "", "", "order", "won", "", "回来了", "雨", ""),
    ("2026-11-28", "zhang", "华联便利店", "16:00", "16:20", "collection", "lost", "", "", "", ""),
]  # fmt: skip


def _log_each(cli, story):
    for day, rep, customer, start, end, purposes, outcome, agreed, result, weather, _ in story:
        args = ["log-visit", "--rep", rep, "--customer", customer, "--purpose", purposes,
                "--date", day]  # fmt: skip
        for option, value in (
            ("--start", start),
            ("--end", end),
            ("--outcome", outcome),
            ("--next", agreed),
            ("--result", result),
            ("--weather", weather),
        ):
            if value:
                args += [option, value]  # fmt: skip
        ok(cli(*args))


def _import_all(cli, story, path):
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["date", "rep", "customer", "start", "end", "purposes", "outcome",
                      "next_visit", "result", "weather", "region"])  # fmt: skip
        out.writerows(story)
    ok(cli("import", "visits", str(path)))


def _state(cli, folder, *db):
    """Everything a user sees of the visits: the lists, the customers (all their columns, as
    exported), what is due, the four-visit rule, the daily reports' headers."""
    exported = folder / f"customers-{len(db)}.json"
    ok(cli(*db, "export", "customers", "-o", str(exported)))
    reads = [["visit", "list"], ["customer", "list"], ["due", "--ahead", "40"], ["four-visit"],
             ["report", "daily", "--date", "2026-11-22"],
             ["report", "daily", "--date", "2026-11-24"]]  # fmt: skip
    shown = [json.loads(ok(cli(*db, *read, "--format", "json")).stdout) for read in reads]
    return [*shown, json.loads(exported.read_text(encoding="utf-8"))]


def _second_team(cli, tmp_path, name):
    other = ("--db", str(tmp_path / f"{name}.db"))
    ok(cli(*other, "init"))
    for code, rep_name, region in [("zhang", "张伟", "杭州"), ("li", "李娜", "宁波")]:
        ok(cli(*other, "rep", "add", code, "--name", rep_name, "--region", region))
    for customer, grade, rep, phone in [("万家超市", "A", "zhang", "13800000001"),
                                        ("华联便利店", "B", "zhang", "13800000002"),
                                        ("兴隆商行", "C", "li", "13800000003")]:  # fmt: skip
        ok(cli(*other, "customer", "add", customer, "--grade", grade, "--rep", rep,
               "--phone", phone))  # fmt: skip
    return other


def test_importing_visits_is_logging_them_one_by_one(team, tmp_path):
    _log_each(team, STORY)
    other = _second_team(team, tmp_path, "imported")
    _import_all(lambda *a: team(*other, *a), STORY, tmp_path / "story.csv")
    assert _state(team, tmp_path) == _state(team, tmp_path, *other)
    visits, customers, due, *_ = _state(team, tmp_path)
    assert [v["category"] for v in visits if v["customer"] == "华联便利店"] == [
        "prospect", "prospect", "new", "new"
    ]  # fmt: skip
    assert [v["next_visit"] for v in visits][:2] == ["2026-12-04", "2026-11-25"]
    standing = {c["name"]: (c["category"], c["status"]) for c in customers}
    assert standing == {
        "华联便利店": ("new", "lost"),  # won, then lost
        "兴隆商行": ("new", "open"),  # lost, then won back: a prospect comes back new
        "万家超市": ("prospect", "open"),
    }
    assert {d["customer"] for d in due} == {"万家超市", "兴隆商行"}


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 9),  # days before today
            st.sampled_from(["zhang", "li"]),
            st.sampled_from(["万家超市", "华联便利店", "兴隆商行"]),
            st.sampled_from(["", "09:00", "14:30"]),
            st.sampled_from(["", "", "won", "lost"]),
            st.sampled_from(["", "", "+3"]),
            st.sampled_from(["", "晴", "雨"]),
        ),
        min_size=1,
        max_size=7,
        # the same rep, customer, day and start time twice is one visit: refused by both
        unique_by=lambda visit: visit[:4],
    )
)
def test_any_story_imports_as_it_logs(cli, tmp_path_factory, story):
    """Random visits, put in the order they happened, imported and logged one by one."""
    from datetime import date, timedelta

    folder = tmp_path_factory.mktemp("story")
    today = date(2026, 11, 30)
    rows = []
    for back, rep, customer, start, outcome, agreed, weather in sorted(
        story, key=lambda v: (-v[0], v[3] != "", v[3])
    ):
        day = today - timedelta(days=back)
        agreed_day = str(day + timedelta(days=3)) if agreed else ""
        rows.append((str(day), rep, customer, start, "", "order", outcome, agreed_day, "",
                     weather, ""))  # fmt: skip
    logged = _second_team(cli, folder, "logged")
    _log_each(lambda *a: cli(*logged, *a), rows)
    imported = _second_team(cli, folder, "imported")
    _import_all(lambda *a: cli(*imported, *a), rows, folder / "story.csv")
    assert _state(cli, folder, *logged) == _state(cli, folder, *imported)


def test_new_reps_and_customers_come_from_the_form(team, tmp_path):
    path = workbook(
        tmp_path / "new.xlsx",
        ("Sheet", "zh", ("温州", "王五 (wang)", "2026-11-25", "晴"), [
            (1, "新开超市", "0577-1234", "09:00-09:20", "开发", None, None, None, None, None),
            (2, "新开超市", None, "16:00-16:10", "订货", None, "成交", None, None, None),
        ]),
    )  # fmt: skip
    refused = team("import", "visits", str(path))
    assert refused.exit_code == 2 and "unknown rep '王五 (wang)'" in refused.stderr
    said = ok(team("import", "visits", str(path), "--create-reps", "--create-customers"))
    assert "(1 new reps; 1 new customers)" in said.stdout
    [rep] = [r for r in json.loads(ok(team("rep", "list", "--format", "json")).stdout)
             if r["code"] == "wang"]  # fmt: skip
    assert rep["name"] == "王五"
    [customer] = [c for c in json.loads(ok(team("customer", "list", "--format", "json")).stdout)
                  if c["name"] == "新开超市"]  # fmt: skip
    assert (customer["rep"], customer["phone"], customer["category"]) == (
        "wang", "0577-1234", "new"
    )  # fmt: skip
    assert [v["category"] for v in visits_of(team)] == ["prospect", "prospect"]


def test_a_big_load_builds_the_indexes_again_and_a_failed_one_keeps_them(tmp_path):
    """The bulk path sets the visits' indexes aside; a rollback must bring them back."""
    from datetime import datetime

    import pytest
    from sqlalchemy import inspect

    from salesproc.db import bulk
    from salesproc.db.engine import open_engine, session
    from salesproc.db.models import Rep, Visit

    engine = open_engine(str(tmp_path / "i.db"), create=True)

    def indexes():
        with engine.connect() as connection:
            return sorted(i["name"] for i in inspect(connection).get_indexes("visits"))

    expected = indexes()
    assert expected == ["ix_visits_customer_latest", "ix_visits_date_next", "ix_visits_rep_date"]
    with pytest.raises(RuntimeError), session(engine) as s, s.begin():
        assert not bulk.in_transaction(s)  # nothing written yet: the driver has not begun
        s.add(Rep(code="r1", name="R", active=True, created_at=datetime(2026, 1, 1)))
        s.flush()
        assert bulk.in_transaction(s)
        with bulk.indexes_set_aside(s, Visit.__table__):
            assert indexes_in(s) == []
            raise RuntimeError("the load failed: the transaction is rolled back")
    assert indexes() == expected
    with session(engine) as s, s.begin():
        s.add(Rep(code="r2", name="R2", active=True, created_at=datetime(2026, 1, 1)))
        s.flush()
        with bulk.indexes_set_aside(s, Visit.__table__):
            assert indexes_in(s) == []
    assert indexes() == expected


def indexes_in(s):
    from sqlalchemy import inspect

    return inspect(s.connection()).get_indexes("visits")


def test_a_header_value_left_empty_is_told_once_not_on_every_row(team, tmp_path):
    path = workbook(
        tmp_path / "undated.xlsx",
        ("Sheet", "zh", ("杭州", "zhang", None, "晴"), [
            (1, "万家超市", None, "09:00", "订货", None, None, None, None, None),
            (2, "华联便利店", None, "10:00", "订货", None, None, None, None, None),
        ]),
    )  # fmt: skip
    result = team("import", "visits", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "row 2, column 填写日期: no date",
        "Error: 1 bad row in undated.xlsx; nothing was imported",
    ]
