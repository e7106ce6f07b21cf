"""The daily sales report (销售日报表) as an Excel workbook that prints like the paper form.

Two uses: the blank form a rep fills in (`write_template`) and the filled forms
of a day, one sheet per rep (`write_reports`). Both share one layout, because
`import visits` reads a filled-in template back by cell position:

- row 1: the title, merged across the columns;
- row 2: the header block, label then value: region A2/B2, reporter C2/D2,
  date E2/F2 (a date cell), weather G2/H2;
- row 4: the column headings of `form_words.COLUMNS`, in that order;
- rows 5..: one visit a row; a filled form ends with a blank row and a footer
  row, `form_words.TOTAL` in A and the summary against the quota in B.

Text a person typed is written as string cells, so a customer called `=…` is
shown, never run. openpyxl is slow to import: import this module inside the
command that writes, not at the top of a CLI module.
"""

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from salesproc.adapters import form_words
from salesproc.i18n import _, language
from salesproc.rules.money import cents_to_decimal
from salesproc.rules.text import escape_refused
from salesproc.rules.vocab import Category, Outcome, Purpose

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
HEADER_ROW = 2
HEADING_ROW = 4
FIRST_VISIT_ROW = 5
#: blank visit rows in the template: more than a rep visits in a day
TEMPLATE_ROWS = 30
KEYS = tuple(form_words.COLUMNS)
#: the header block: each label's column; its value goes in the next column
HEADER_COLUMNS = {"region": 1, "rep": 3, "date": 5, "weather": 7}
#: columns of typed text, written as string cells (never formulas)
TYPED = frozenset({"customer", "phone", "result", "notes"})
#: narrowest column width (in characters) worth typing into
MIN_WIDTH = {
    "seq": 5, "customer": 18, "phone": 14, "time": 12, "purposes": 14, "result": 28,
    "outcome": 8, "category": 9, "next_visit": 12, "notes": 28, "amount": 12, "collected": 12,
}  # fmt: skip
#: money columns (the order taken, the money collected): numbers with two decimals
MONEY = frozenset({"amount", "collected"})
MONEY_FORMAT = "#,##0.00"
MAX_WIDTH = 50
BOLD = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_template(path: Path) -> None:
    """The blank form: header labels, headings and empty visit rows that guide typing.

    The visit rows are left wholly blank (no pre-numbered seq), so the importer
    can skip every row the rep did not use.
    """
    lang = language()  # the words of the output language, as the rest of the command
    book = Workbook()
    page = book.active
    page.title = form_words.TITLE[lang]
    _layout(page, lang)
    page["F2"].number_format = DATE_FORMAT
    last = FIRST_VISIT_ROW + TEMPLATE_ROWS - 1
    for row in range(FIRST_VISIT_ROW, last + 1):
        for key in KEYS:
            _style_visit_cell(page.cell(row, _column(key)), key)
    _validations(page, lang, last)
    _fit_columns(page, last)
    book.save(path)


def write_reports(path: Path, reports: Sequence[Mapping[str, Any]]) -> None:
    """The filled forms of `report daily`, one sheet per report, in the order given.

    Raises ValueError for no reports: a workbook must have a sheet, and an
    empty one would tell the supervisor nothing.
    """
    lang = language()  # the words of the output language, as the rest of the command
    if not reports:
        raise ValueError("no reports to write")
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for report in reports:
        page = book.create_sheet(_sheet_title(report, taken))
        _filled_form(page, report, lang)
    book.save(path)


def _column(key: str) -> int:
    return KEYS.index(key) + 1


def _letter(key: str) -> str:
    return get_column_letter(_column(key))


def _layout(page: Worksheet, lang: str) -> None:
    """What every form has: title, header labels, headings, frozen panes and page setup."""
    last = get_column_letter(len(KEYS))
    page["A1"] = form_words.TITLE[lang]
    page["A1"].font = Font(bold=True, size=14)
    page["A1"].alignment = Alignment(horizontal="center")
    page.merge_cells(f"A1:{last}1")
    for key, column in HEADER_COLUMNS.items():
        label = page.cell(HEADER_ROW, column, form_words.HEADER[key][lang])
        label.font = BOLD
    for key in KEYS:
        cell = page.cell(HEADING_ROW, _column(key), form_words.COLUMNS[key][lang])
        cell.font = BOLD
        cell.fill = HEADING_FILL
        cell.border = GRID
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    page.freeze_panes = f"A{FIRST_VISIT_ROW}"
    page.print_title_rows = f"1:{HEADING_ROW}"  # headings on every printed page
    page.page_setup.orientation = "landscape"
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0  # as many pages down as the visits need
    page.sheet_properties.pageSetUpPr.fitToPage = True


def _style_visit_cell(cell: Cell, key: str) -> None:
    """Grid and formats of a visit cell, so typed dates and phone numbers keep their meaning."""
    cell.border = GRID
    if key == "next_visit":
        cell.number_format = DATE_FORMAT
    elif key in MONEY:
        cell.number_format = MONEY_FORMAT
    elif key in ("phone", "time"):
        cell.number_format = TEXT_FORMAT  # leading zeros stay; 9:30 is not made a time
    elif key in ("result", "notes"):
        cell.alignment = Alignment(vertical="top", wrap_text=True)


def _validations(page: Worksheet, lang: str, last: int) -> None:
    """Drop-down lists with the form's words, so reps type words the importer knows.

    Purposes keep the list but allow other text, because a visit may have
    several (`订货/收款`); category and outcome accept only their words.
    """
    lists = {
        "purposes": ([form_words.word(p, lang) for p in Purpose], False),
        "outcome": ([form_words.word(o, lang) for o in Outcome], True),
        "category": ([form_words.word(c, lang) for c in Category], True),
    }
    for key, (words, strict) in lists.items():
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(words) + '"',
            allow_blank=True,
            showErrorMessage=strict,
            error=_("Choose a word from the list."),
        )
        rule.add(f"{_letter(key)}{FIRST_VISIT_ROW}:{_letter(key)}{last}")
        page.add_data_validation(rule)


def _filled_form(page: Worksheet, report: Mapping[str, Any], lang: str) -> None:
    _layout(page, lang)
    name, code = report.get("name"), report["rep"]
    values = {
        "region": report.get("region"),
        "rep": f"{name} ({code})" if name and name != code else code,
        "date": _as_date(report.get("date")),
        "weather": report.get("weather"),
    }
    for key, column in HEADER_COLUMNS.items():
        value = values[key]
        cell = page.cell(HEADER_ROW, column + 1, _typed(value) if isinstance(value, str) else value)
        if key == "date":
            cell.number_format = DATE_FORMAT
        elif isinstance(cell.value, str):
            cell.data_type = "s"  # region and weather are typed text too
    visits = list(report.get("visits") or ())
    for offset, visit in enumerate(visits):
        _visit_row(page, FIRST_VISIT_ROW + offset, visit, lang)
    last = FIRST_VISIT_ROW + len(visits) - 1
    footer = last + 2
    page.cell(footer, 1, form_words.TOTAL[lang]).font = BOLD
    page.cell(footer, 2, form_words.summary(visits, report["quota"], lang))
    _fit_columns(page, last)


def _typed(text: str) -> str:
    """Stored text for a cell: a control character (which Excel cannot hold) escaped."""
    return escape_refused(text)


def _visit_row(page: Worksheet, row: int, visit: Mapping[str, Any], lang: str) -> None:
    values = {
        "seq": visit.get("seq"),
        "customer": visit.get("customer"),
        "phone": visit.get("phone"),
        "time": form_words.span(visit.get("start"), visit.get("end")),
        "purposes": form_words.word(visit.get("purposes") or (), lang),
        "result": visit.get("result"),
        "outcome": form_words.word(visit.get("outcome"), lang),
        "category": form_words.word(visit.get("category"), lang),
        "next_visit": _as_date(visit.get("next_visit")),
        "notes": visit.get("notes"),
        **{key: _money(visit.get(key)) for key in MONEY},
    }
    for key in KEYS:
        value = values[key]
        if key in TYPED and value is not None:
            value = _typed(str(value))
        cell = page.cell(row, _column(key), value if value != "" else None)
        _style_visit_cell(cell, key)
        if isinstance(cell.value, str) and key in TYPED:
            cell.data_type = "s"  # never a formula, whatever it starts with


def _money(cents: Any) -> Decimal | None:
    """Cents as an exact number cell (`3200.00`); documents read back from JSON carry text."""
    if cents is None or cents == "":
        return None
    return cents_to_decimal(cents) if isinstance(cents, int) else Decimal(str(cents))


def _as_date(value: Any) -> date | None:
    """A date for a date cell; documents read back from JSON carry ISO text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    return date.fromisoformat(str(value)) if str(value).strip() else None


def _sheet_title(report: Mapping[str, Any], taken: set[str]) -> str:
    """`zhang 2026-11-30`: Excel allows 31 characters, no []:*?/\\ and no repeats."""
    day = _as_date(report.get("date"))
    base = f"{report['rep']} {day.isoformat() if day else ''}".strip()
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in base)[:31]
    title, n = base, 1
    while title.casefold() in taken:  # Excel compares sheet names ignoring case
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _fit_columns(page: Worksheet, last_visit_row: int) -> None:
    """Widths from the longest text, Chinese counted double, so the form prints legibly.

    The title and the footer are left out: they may run across the columns.
    """
    for key in KEYS:
        column = _column(key)
        rows = [HEADER_ROW, *range(HEADING_ROW, last_visit_row + 1)]
        longest = max((_display_width(page.cell(r, column).value) for r in rows), default=0)
        width = min(max(MIN_WIDTH[key], longest + 2), MAX_WIDTH)
        page.column_dimensions[get_column_letter(column)].width = width


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))
