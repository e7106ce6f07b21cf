"""`export`: visits, sales and customers out to CSV, Excel or JSON, for the office and for import.

The headings are the ones `import` reads, so an export can be imported into
another database. Text a person typed is written so that a spreadsheet shows
it and never runs it: a CSV cell starting with = + - @ ' gets a leading `'`
(`rules.text.guard`, which `import` reverses exactly); in Excel it is a string cell.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from salesproc.adapters.jsondoc import to_json
from salesproc.rules.money import cents_to_decimal
from salesproc.rules.text import control_char, escape_refused, guard

VISIT_HEADINGS = (
    "date", "rep", "customer", "phone", "start", "end", "purposes", "result", "outcome",
    "category", "next_visit", "notes", "weather", "region", "rep_name",
)  # fmt: skip
SALE_HEADINGS = ("date", "rep", "customer", "amount", "ref")
CUSTOMER_HEADINGS = (
    "name", "grade", "category", "rep", "contact", "phone", "region", "added_on", "won_on",
    "lost_on", "rep_name",
)  # fmt: skip


@dataclass(frozen=True)
class Sheet:
    headings: list[str]
    #: which headings hold typed text (the ones a spreadsheet could take for a formula)
    text: set[str]
    rows: Iterator[Sequence[Any]]


def visits(rows: Iterable[Sequence[Any]]) -> Sheet:
    """Visits in `VISIT_HEADINGS`' order (`db.export.visits`), as `import visits` reads them."""
    text = {"rep_name", "customer", "phone", "result", "notes", "weather", "region"}
    return Sheet(list(VISIT_HEADINGS), text, iter(rows))


def sales(rows: Iterable[Sequence[Any]]) -> Sheet:
    """Sales in `SALE_HEADINGS`' order (`db.export.sales`); amounts come as cents and go out
    as exact decimals, never floats."""
    out = (
        [day, rep, customer, cents_to_decimal(cents), ref]
        for day, rep, customer, cents, ref in rows
    )
    return Sheet(list(SALE_HEADINGS), {"customer", "ref"}, out)


def customers(rows: Iterable[Sequence[Any]]) -> Sheet:
    """Customers in `CUSTOMER_HEADINGS`' order (`db.export.customers`)."""
    text = {"name", "rep_name", "contact", "phone", "region"}
    return Sheet(list(CUSTOMER_HEADINGS), text, iter(rows))


def _plain(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def write(sheet: Sheet, fmt: str, output: Path) -> int:
    """Write the sheet; returns the number of rows."""
    count = 0
    guarded = [h in sheet.text for h in sheet.headings]
    if fmt == "csv":
        with output.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads 中文
            out = csv.writer(handle)
            out.writerow(sheet.headings)
            for row in sheet.rows:
                cells = ["" if v is None else str(_plain(v)) for v in row]
                if control_char("".join(cells)) is not None:  # text stored before it was refused
                    cells = [escape_refused(c) for c in cells]
                out.writerow([guard(c) if g else c for c, g in zip(cells, guarded, strict=True)])
                count += 1
    elif fmt == "json":
        with output.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for row in sheet.rows:
                record = dict(zip(sheet.headings, (_plain(v) for v in row), strict=True))
                handle.write(("," if count else "") + "\n  " + to_json(record, indent=None))
                count += 1
            handle.write("\n]\n" if count else "]\n")
    else:
        count = _write_xlsx(sheet, guarded, output)
    return count


def _write_xlsx(sheet: Sheet, guarded: Sequence[bool], output: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    page = book.create_sheet("export")
    page.append(sheet.headings)
    count = 0
    for row in sheet.rows:
        cells = []
        for value, text in zip(row, guarded, strict=True):
            cell = WriteOnlyCell(page, value=_excel(value))
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if text and isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            cells.append(cell)
        page.append(cells)
        count += 1
    book.save(output)
    return count


def _excel(value: Any) -> Any:
    """Times as HH:MM text; dates, numbers and Decimals as Excel's own cells; text with a
    control character (which Excel cannot hold) escaped."""
    if isinstance(value, str):
        return escape_refused(value)
    return value.strftime("%H:%M") if isinstance(value, time) else value
