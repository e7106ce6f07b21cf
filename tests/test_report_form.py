"""The daily sales report workbook: the cells a rep, a supervisor and the importer rely on."""

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from salesproc import i18n
from salesproc.adapters.report_form import write_reports, write_template

DAY = date(2026, 11, 30)
LABELS = {
    "en": {"A2": "Region", "C2": "Reporter", "E2": "Date", "G2": "Weather"},
    "zh": {"A2": "区域", "C2": "日报人", "E2": "填写日期", "G2": "天气"},
}
HEADINGS = {
    "en": [
        "No.", "Customer", "Phone", "Visit time", "Purposes", "Result", "Outcome", "Category",
        "Next visit", "Notes", "Amount", "Collected",
    ],
    "zh": [
        "序号", "访问客户", "电话", "访问时间", "访问目的", "商谈结果", "结果", "客户类别",
        "预定再访时间", "其他记录", "订货金额", "回款金额",
    ],
}  # fmt: skip
EN_FOOTER = "5 visits of a quota of 6 (1 short) · order 3, collection 2 · existing 4, prospect 1"
EN_PURPOSES = "order,collection,development,service,explanation"


def visit(seq: int, **fields: Any) -> dict[str, Any]:
    """A visit as `report daily` documents it, with plain defaults."""
    return {
        "seq": seq, "customer": f"Customer {seq}", "phone": "0571-8800", "start": time(9, 30),
        "end": time(10, 15), "purposes": ("order",), "result": "talked", "outcome": None,
        "category": "existing", "next_visit": None, "notes": None, **fields,
    }  # fmt: skip


def report(visits: list[dict[str, Any]], rep: str = "zhang", quota: int = 6) -> dict[str, Any]:
    return {
        "rep": rep, "name": "张伟", "region": "华东", "date": DAY, "weather": "小雨",
        "reported": bool(visits), "visit_count": len(visits), "quota": quota, "visits": visits,
    }  # fmt: skip


def filled(tmp_path: Path, reports: list[dict[str, Any]], lang: str = "zh") -> list[Worksheet]:
    path = tmp_path / f"reports-{lang}.xlsx"
    i18n.use(lang)
    write_reports(path, reports)
    return load_workbook(path).worksheets


def template(tmp_path: Path, lang: str) -> Worksheet:
    path = tmp_path / f"template-{lang}.xlsx"
    i18n.use(lang)
    write_template(path)
    return load_workbook(path).active


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_title_and_header_block_sit_where_the_importer_reads_them(tmp_path, lang):
    for page in (template(tmp_path, lang), filled(tmp_path, [report([visit(1)])], lang)[0]):
        assert page["A1"].value == {"en": "Daily sales report", "zh": "销售日报表"}[lang]
        assert page["A1"].font.b
        assert [str(r) for r in page.merged_cells.ranges] == ["A1:L1"]
        for ref, label in LABELS[lang].items():
            assert (page[ref].value, page[ref].font.b) == (label, True), ref
    page = filled(tmp_path, [report([visit(1)])], lang)[0]
    values = [page[ref].value for ref in ("B2", "D2", "H2")]
    assert values == ["华东", "张伟 (zhang)", "小雨"]


def test_the_date_is_a_real_date_cell_blank_but_formatted_in_the_template(tmp_path):
    page = filled(tmp_path, [report([visit(1)])])[0]
    assert page["F2"].is_date and page["F2"].number_format == "yyyy-mm-dd"
    assert page["F2"].value == datetime(2026, 11, 30)
    blank = template(tmp_path, "zh")["F2"]
    assert blank.value is None and blank.number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_headings_row_is_bold_filled_and_frozen(tmp_path, lang):
    for page in (template(tmp_path, lang), filled(tmp_path, [report([visit(1)])], lang)[0]):
        row = page[4]
        assert [c.value for c in row] == HEADINGS[lang]
        assert all(c.font.b and c.fill.fill_type == "solid" for c in row)
        assert page.freeze_panes == "A5"
        assert page["A3"].value is None


def test_a_visit_row_in_chinese(tmp_path):
    first = visit(
        1,
        customer="杭州百货",
        purposes=("order", "collection"),
        result="订了 20 箱",
        outcome="won",
        category="prospect",
        next_visit=date(2026, 12, 3),
        notes="嫌价格高",
    )
    page = filled(tmp_path, [report([first])])[0]
    assert [c.value for c in page[5]] == [
        1, "杭州百货", "0571-8800", "09:30–10:15", "订货/收款", "订了 20 箱", "成交", "开发",
        datetime(2026, 12, 3), "嫌价格高", None, None,
    ]  # fmt: skip
    assert page["I5"].is_date and page["I5"].number_format == "yyyy-mm-dd"
    assert page["C5"].data_type == "s"  # the phone number keeps its leading zero


def test_a_visit_row_in_english_and_partial_times(tmp_path):
    visits = [
        visit(1, purposes=("order", "service"), outcome="lost", end=None),
        visit(2, start=None, end=None),
    ]
    page = filled(tmp_path, [report(visits)], "en")[0]
    assert [c.value for c in page[5]][3:8] == [
        "09:30",
        "order/service",
        "talked",
        "lost",
        "existing",
    ]
    assert page["D6"].value is None


def test_a_customer_that_looks_like_a_formula_stays_text(tmp_path):
    page = filled(tmp_path, [report([visit(1, customer='=HYPERLINK("x")', notes="=1+1")])])[0]
    assert page["B5"].value == '=HYPERLINK("x")' and page["B5"].data_type == "s"
    assert page["J5"].value == "=1+1" and page["J5"].data_type == "s"


@pytest.mark.parametrize(
    ("lang", "total", "text"),
    [
        ("zh", "合计", "拜访 5 家 / 定额 6 家（差 1 家） · 订货 3、收款 2 · 原有 4、开发 1"),
        ("en", "Total", EN_FOOTER),
    ],
)
def test_footer_weighs_the_visits_against_the_quota(tmp_path, lang, total, text):
    visits = [
        visit(1, purposes=("collection",)),
        visit(2, purposes=("order",), category="prospect"),
        visit(3, purposes=("order", "collection")),
        visit(4, purposes=("order",)),
        visit(5, purposes=()),
    ]
    page = filled(tmp_path, [report(visits)], lang)[0]
    assert all(c.value is None for c in page[10])  # one blank row after the last visit
    assert (page["A11"].value, page["A11"].font.b, page["B11"].value) == (total, True, text)
    assert page.max_row == 11


def test_footer_without_a_shortfall_when_the_quota_is_met(tmp_path):
    page = filled(tmp_path, [report([visit(1), visit(2)], quota=2)])[0]
    assert page["B8"].value == "拜访 2 家 / 定额 2 家 · 订货 2 · 原有 2"


@pytest.mark.parametrize(("lang", "text"), [("zh", "未报"), ("en", "no report")])
def test_a_rep_without_visits_gets_a_no_report_sheet(tmp_path, lang, text):
    page = filled(tmp_path, [report([])], lang)[0]
    assert page["D2"].value == "张伟 (zhang)"
    assert [c.value for c in page[4]] == HEADINGS[lang]
    assert all(c.value is None for c in page[5])
    assert page["B6"].value == text
    assert page.max_row == 6


def test_each_report_has_its_own_uniquely_titled_sheet(tmp_path):
    reports = [report([visit(1)]), report([]), report([], rep="li"), report([], rep="x" * 40)]
    titles = [page.title for page in filled(tmp_path, reports)]
    assert titles[:3] == ["zhang 2026-11-30", "zhang 2026-11-30 (2)", "li 2026-11-30"]
    assert len(titles[3]) == 31
    assert len(set(titles)) == 4


def test_template_rows_are_blank_with_formats_for_typing(tmp_path):
    page = template(tmp_path, "zh")
    assert all(c.value is None for row in page.iter_rows(min_row=5, max_row=34) for c in row)
    assert page.max_row == 34
    assert {page[f"C{r}"].number_format for r in range(5, 35)} == {"@"}
    assert {page[f"I{r}"].number_format for r in range(5, 35)} == {"yyyy-mm-dd"}


@pytest.mark.parametrize(
    ("lang", "purposes", "outcomes", "categories"),
    [
        ("zh", "订货,收款,开发,服务,说明", "成交,流失", "开发,新增,原有"),
        ("en", EN_PURPOSES, "won,lost", "prospect,new,existing"),
    ],
)
def test_template_offers_the_forms_words_as_drop_downs(
    tmp_path, lang, purposes, outcomes, categories
):
    rules = {str(v.sqref): v for v in template(tmp_path, lang).data_validations.dataValidation}
    assert set(rules) == {"E5:E34", "G5:G34", "H5:H34"}
    lists = {ref: (v.type, v.formula1) for ref, v in rules.items()}
    assert lists["E5:E34"] == ("list", f'"{purposes}"')
    assert lists["G5:G34"] == ("list", f'"{outcomes}"')
    assert lists["H5:H34"] == ("list", f'"{categories}"')
    assert not rules["E5:E34"].showErrorMessage  # 订货/收款 must be allowed
    assert rules["H5:H34"].showErrorMessage and rules["G5:G34"].showErrorMessage
    assert not any(v.showDropDown for v in rules.values())  # True would hide the arrow


def test_pages_print_landscape_one_page_wide(tmp_path):
    for page in (template(tmp_path, "en"), filled(tmp_path, [report([visit(1)])])[0]):
        assert page.page_setup.orientation == "landscape"
        assert page.page_setup.fitToWidth == 1
        assert page.sheet_properties.pageSetUpPr.fitToPage


def test_columns_are_wide_enough_for_chinese_text(tmp_path):
    page = filled(tmp_path, [report([visit(1, customer="浙江省杭州市百货大楼有限公司")])])[0]
    assert page.column_dimensions["B"].width >= 28  # 14 characters, each double width
    assert page.column_dimensions["I"].width >= 12  # 预定再访时间 fits
