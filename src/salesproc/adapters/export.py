"""`export`: visits, sales and customers out to CSV, Excel or JSON, for the office and for import.

The headings are the ones `import` reads, so an export can be imported into
another database. Text a person typed is written so that a spreadsheet shows
it and never runs it: a CSV cell starting with = + - @ or a tab gets a
leading `'` (which `import` removes again); in Excel it is a string cell.
"""

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from salesproc.adapters.jsondoc import to_json
from salesproc.db.models import Customer, DailyReport, Rep, Sale, Visit
from salesproc.db.queries import between, report_order
from salesproc.rules.money import cents_to_decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CUSTOMER_HEADINGS = (
    "name", "grade", "category", "rep", "contact", "phone", "region", "added_on", "won_on",
    "lost_on",
)  # fmt: skip


@dataclass(frozen=True)
class Sheet:
    headings: list[str]
    #: which headings hold typed text (the ones a spreadsheet could take for a formula)
    text: set[str]
    rows: Iterator[list[Any]]


def visits(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Sheet:
    header = and_(DailyReport.rep_id == Visit.rep_id, DailyReport.report_date == Visit.visit_date)
    query = (
        select(
            Visit.visit_date, Rep.code, Customer.name, Customer.phone, Visit.start_time,
            Visit.end_time, Visit.purposes, Visit.result, Visit.outcome, Visit.category,
            Visit.next_visit, Visit.note, DailyReport.weather, DailyReport.region,
        )
        .join(Rep, Rep.id == Visit.rep_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .outerjoin(DailyReport, header)
        .order_by(*report_order())
    )  # fmt: skip
    if rep_id is not None:
        query = query.where(Visit.rep_id == rep_id)
    query = between(query, Visit.visit_date, start, end)
    headings = [
        "date", "rep", "customer", "phone", "start", "end", "purposes", "result", "outcome",
        "category", "next_visit", "notes", "weather", "region",
    ]  # fmt: skip
    text = {"customer", "phone", "result", "notes", "weather", "region"}
    return Sheet(headings, text, (list(row) for row in session.execute(query).yield_per(2000)))


def sales(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Sheet:
    query = (
        select(Sale.sale_date, Rep.code, Customer.name, Sale.amount_cents, Sale.ref)
        .join(Rep, Rep.id == Sale.rep_id)
        .outerjoin(Customer, Customer.id == Sale.customer_id)
        .order_by(Sale.sale_date, Sale.id)
    )
    if rep_id is not None:
        query = query.where(Sale.rep_id == rep_id)
    query = between(query, Sale.sale_date, start, end)
    rows = (
        [day, rep, customer, cents_to_decimal(cents), ref]
        for day, rep, customer, cents, ref in session.execute(query).yield_per(2000)
    )
    return Sheet(["date", "rep", "customer", "amount", "ref"], {"customer", "ref"}, rows)


def customers(session: Session, rep_id: int | None, start: date | None, end: date | None) -> Sheet:
    query = (
        select(
            Customer.name, Customer.grade, Customer.category, Rep.code, Customer.contact,
            Customer.phone, Customer.region, Customer.added_on, Customer.won_on, Customer.lost_on,
        )
        .outerjoin(Rep, Rep.id == Customer.rep_id)
        .order_by(Customer.name_key)
    )  # fmt: skip
    if rep_id is not None:
        query = query.where(Customer.rep_id == rep_id)
    query = between(query, Customer.added_on, start, end)
    headings = list(CUSTOMER_HEADINGS)
    rows = (list(row) for row in session.execute(query).yield_per(2000))
    return Sheet(headings, {"name", "contact", "phone", "region"}, rows)


def _plain(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def guard(text: str) -> str:
    """A CSV cell a spreadsheet will show as text, never run (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


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
    """Times as HH:MM text; dates, numbers and Decimals as Excel's own cells."""
    return value.strftime("%H:%M") if isinstance(value, time) else value
