"""`export`: visits, sales and customers out to CSV, Excel or JSON, for the office and for import.

The headings are the ones `import` reads, so an export can be imported into
another database. Text a person typed is written so that a spreadsheet shows
it and never runs it: a CSV cell starting with = + - @ ' gets a leading `'`
(`rules.text.guard`, which `import` reverses exactly); in Excel it is a string cell.
"""

import csv
import gc
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from salesproc.adapters.jsondoc import to_json
from salesproc.rules.money import cents_to_decimal
from salesproc.rules.text import escape_refused, guard

VISIT_HEADINGS = (
    "date", "rep", "customer", "phone", "start", "end", "purposes", "result", "outcome",
    "category", "next_visit", "notes", "weather", "region", "rep_name",
)  # fmt: skip
SALE_HEADINGS = ("date", "rep", "customer", "amount", "ref")
CUSTOMER_HEADINGS = (
    "name", "grade", "category", "rep", "contact", "phone", "region", "added_on", "won_on",
    "lost_on", "rep_name",
)  # fmt: skip

#: per column, what turns a stored value into its value (None: it is its value)
Read = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Sheet:
    headings: list[str]
    #: which headings hold typed text (the ones a spreadsheet could take for a formula)
    text: set[str]
    #: per heading, how to read its stored values (`db.export.Stored`)
    read: list[Read]
    #: chunks of rows, each as columns of stored values, one per heading
    chunks: Iterator[Sequence[Sequence[Any]]]


def visits(read: list[Read], chunks: Iterator[Sequence[Sequence[Any]]]) -> Sheet:
    """Visits in `VISIT_HEADINGS`' order (`db.export.visits`), as `import visits` reads them."""
    text = {"rep_name", "customer", "phone", "result", "notes", "weather", "region"}
    return Sheet(list(VISIT_HEADINGS), text, read, chunks)


def sales(read: list[Read], chunks: Iterator[Sequence[Sequence[Any]]]) -> Sheet:
    """Sales in `SALE_HEADINGS`' order (`db.export.sales`); amounts come as cents and go out
    as exact decimals, never floats."""
    day, rep, customer, cents, ref = read
    amount = cents_to_decimal if cents is None else lambda stored: cents_to_decimal(cents(stored))
    read = [day, rep, customer, amount, ref]
    return Sheet(list(SALE_HEADINGS), {"customer", "ref"}, read, chunks)


def customers(read: list[Read], chunks: Iterator[Sequence[Sequence[Any]]]) -> Sheet:
    """Customers in `CUSTOMER_HEADINGS`' order (`db.export.customers`)."""
    text = {"name", "rep_name", "contact", "phone", "region"}
    return Sheet(list(CUSTOMER_HEADINGS), text, read, chunks)


def _plain(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


#: values a column remembers the cell of; past this it starts afresh (notes are all distinct)
MEMO = 50_000


class _Cells(dict[Any, str]):
    """A column's stored values to their cells, each worked out once: a million visits hold
    a few hundred dates and a few hundred reps, purposes and results. Why: reading, guarding,
    escaping and formatting a value was most of an export's work, and a cell is the same text
    wherever its stored value is."""

    def __init__(self, read: Read, cell: Callable[[Any], str]) -> None:
        super().__init__()
        self.read = read
        self.cell = cell

    def __missing__(self, stored: Any) -> str:
        if len(self) >= MEMO:
            self.clear()
        cell = self[stored] = self.cell(stored if self.read is None else self.read(stored))
        return cell


def _csv_cell(guarded: bool) -> Callable[[Any], str]:
    """A value as its field of a CSV line, quoted by the csv module's own rules."""
    line = io.StringIO()
    fields = csv.writer(line)

    def cell(value: Any) -> str:
        # text stored before it was refused is escaped
        text = escape_refused("" if value is None else str(_plain(value)))
        line.seek(0)
        line.truncate()
        fields.writerow((guard(text) if guarded else text, ""))  # a lone "" would be quoted
        return line.getvalue()[: -len(",\r\n")]

    return cell


def _json_cell(heading: str) -> Callable[[Any], str]:
    key = json.dumps(heading, ensure_ascii=False) + ": "
    return lambda value: key + to_json(_plain(value), indent=None)


def _cells(
    sheet: Sheet, cell: Callable[[str], Callable[[Any], str]]
) -> Iterator[tuple[int, Iterator[tuple[str, ...]]]]:
    """Each chunk's count and rows of cells (`cell(heading)` makes a column's cells)."""
    columns = [
        _Cells(read, cell(heading)).__getitem__
        for heading, read in zip(sheet.headings, sheet.read, strict=True)
    ]
    for chunk in sheet.chunks:
        yield len(chunk[0]), zip(*map(map, columns, chunk), strict=True)


def write(sheet: Sheet, fmt: str, output: Path) -> int:
    """Write the sheet; returns the number of rows."""
    # Every row's tuples are freed as soon as written; the cycle collector would still walk
    # all of the program's objects every few hundred of them (over a second a million rows).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _write(sheet, fmt, output)
    finally:
        if collecting:
            gc.enable()


def _write(sheet: Sheet, fmt: str, output: Path) -> int:
    count = 0
    if fmt == "csv":
        with output.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads 中文
            csv.writer(handle).writerow(sheet.headings)
            for n, rows in _cells(sheet, lambda heading: _csv_cell(heading in sheet.text)):
                if n:
                    handle.write("\r\n".join(map(",".join, rows)) + "\r\n")
                    count += n
    elif fmt == "json":
        with output.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for n, rows in _cells(sheet, _json_cell):
                if n:
                    body = ",\n  ".join(map("{%s}".__mod__, map(", ".join, rows)))
                    handle.write(("," if count else "") + "\n  " + body)
                    count += n
            handle.write("\n]\n" if count else "]\n")
    else:
        guarded = [h in sheet.text for h in sheet.headings]
        reads = [(lambda v: v) if read is None else read for read in sheet.read]
        rows = (row for chunk in sheet.chunks for row in zip(*map(map, reads, chunk), strict=True))
        count = _write_xlsx(sheet.headings, rows, guarded, output)
    return count


def _write_xlsx(
    headings: list[str], rows: Iterable[Sequence[Any]], guarded: Sequence[bool], output: Path
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    page = book.create_sheet("export")
    page.append(headings)
    count = 0
    for row in rows:
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
