"""`export`: visits, sales and customers out to CSV, Excel or JSON, for the office and for import.

The headings are the ones `import` reads, so an export can be imported into
another database. Text a person typed is written so that a spreadsheet shows
it and never runs it: a CSV cell starting with = + - @ ' gets a leading `'`
(`rules.text.guard`, which `import` reverses exactly); in Excel it is a string cell.
"""

import codecs
import csv
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

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
    #: per column, how to read its stored values (`db.export.Stored`)
    read: list[Read]
    #: chunks of rows, each as columns of stored values
    chunks: Iterator[Sequence[Sequence[Any]]]
    #: per column, how many headings it fills, in order (its read then gives a tuple of
    #: their values); None: one each
    spans: list[int] | None = None

    def widths(self) -> list[int]:
        return [1] * len(self.read) if self.spans is None else self.spans


def visits(
    read: list[Read], chunks: Iterator[Sequence[Sequence[Any]]], spans: list[int] | None = None
) -> Sheet:
    """Visits in `VISIT_HEADINGS`' order (`db.export.visits`), as `import visits` reads them."""
    text = {"rep_name", "customer", "phone", "result", "notes", "weather", "region"}
    return Sheet(list(VISIT_HEADINGS), text, read, chunks, spans)


def sales(
    read: list[Read], chunks: Iterator[Sequence[Sequence[Any]]], spans: list[int] | None = None
) -> Sheet:
    """Sales in `SALE_HEADINGS`' order (`db.export.sales`); amounts come as cents and go out
    as exact decimals, never floats."""
    from salesproc.rules.money import cents_to_decimal  # and `decimal`: not for visits

    day, rep, customer, cents, ref = read
    amount = cents_to_decimal if cents is None else lambda stored: cents_to_decimal(cents(stored))
    read = [day, rep, customer, amount, ref]
    return Sheet(list(SALE_HEADINGS), {"customer", "ref"}, read, chunks, spans)


def customers(
    read: list[Read], chunks: Iterator[Sequence[Sequence[Any]]], spans: list[int] | None = None
) -> Sheet:
    """Customers in `CUSTOMER_HEADINGS`' order (`db.export.customers`)."""
    text = {"name", "rep_name", "contact", "phone", "region"}
    return Sheet(list(CUSTOMER_HEADINGS), text, read, chunks, spans)


def _plain(value: Any) -> Any:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


#: values a column remembers the cell of; past this it starts afresh (notes are all distinct)
MEMO = 50_000


class _Cells(dict[Any, Any]):
    """A column's stored values to their cells, each worked out once: a million visits hold
    a few hundred dates and a few hundred reps, purposes and results. Why: reading, guarding,
    escaping and formatting a value was most of an export's work, and a cell is the same text
    wherever its stored value is."""

    def __init__(self, read: Read, cell: Callable[[Any], Any]) -> None:
        super().__init__()
        self.read = read
        self.cell = cell

    def __missing__(self, stored: Any) -> Any:
        if len(self) >= MEMO:
            self.clear()
        cell = self[stored] = self.cell(stored if self.read is None else self.read(stored))
        return cell


def _csv_cell(guarded: bool) -> Callable[[Any], bytes]:
    """A value as its field of a CSV line, quoted by the csv module's own rules, in UTF-8:
    each distinct cell is encoded once, and a chunk's lines are joined as bytes (joining
    text that mixes Chinese and ASCII, then encoding it, was a fifth of the writing)."""
    fields = _csv_fields()

    def cell(value: Any) -> bytes:
        # text stored before it was refused is escaped
        text = escape_refused("" if value is None else str(_plain(value)))
        return fields((guard(text) if guarded else text,)).encode()

    return cell


def _csv_fields() -> Callable[[Sequence[str]], str]:
    """Fields as the part of a CSV line that holds them, by the csv module's own rules."""
    lines: list[str] = []
    # the writer's file is the list: each row, written at once, is taken back off it (a
    # StringIO rewound, cut and read for each cell took twice as long)
    writer = csv.writer(_Appended(lines.append))
    taken = lines.pop

    def fields(values: Sequence[str]) -> str:
        writer.writerow((*values, ""))  # a lone "" would be quoted
        return taken()[: -len(",\r\n")]

    return fields


@dataclass(frozen=True)
class _Appended:
    """A file whose `write` is given (what `csv.writer` writes to)."""

    write: Callable[[str], Any]


def _json_cell(heading: str) -> Callable[[Any], str]:
    from salesproc.adapters.jsondoc import to_json

    key = json.dumps(heading, ensure_ascii=False) + ": "
    return lambda value: key + to_json(_plain(value), indent=None)


def _cells(
    sheet: Sheet, cell: Callable[[str], Callable[[Any], Any]], sep: Any
) -> Iterator[tuple[int, Iterator[tuple[Any, ...]]]]:
    """Each chunk's count and rows of cells (`cell(heading)` makes a heading's cells; a
    column that fills several headings gives their cells joined by `sep`, as a line is)."""
    columns = []
    at = 0
    for read, span in zip(sheet.read, sheet.widths(), strict=True):
        parts = [cell(heading) for heading in sheet.headings[at : at + span]]
        at += span
        if span == 1:
            columns.append(_Cells(read, parts[0]).__getitem__)
        else:  # a few values behind many stored ones (a report's weather and region): each
            # stored one read once, each tuple of values made into cells once
            columns.append(_Cells(read, _Cells(None, _joined(parts, sep)).__getitem__).__getitem__)
    for chunk in sheet.chunks:
        yield len(chunk[0]), zip(*map(map, columns, chunk), strict=True)


def _joined(parts: list[Callable[[Any], Any]], sep: Any) -> Callable[[Sequence[Any]], Any]:
    return lambda values: sep.join([part(v) for part, v in zip(parts, values, strict=True)])


def _values(sheet: Sheet) -> Iterator[list[Any]]:
    """Each row's values, one per heading."""
    reads = [(lambda v: v) if read is None else read for read in sheet.read]
    several = [span > 1 for span in sheet.widths()]
    for chunk in sheet.chunks:
        for row in zip(*map(map, reads, chunk), strict=True):
            values: list[Any] = []
            for value, spread in zip(row, several, strict=True):
                if spread:
                    values.extend(value)
                else:
                    values.append(value)
            yield values


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
        with output.open("wb") as handle:
            # UTF-8 with a BOM, so that Excel reads 中文
            handle.write(codecs.BOM_UTF8 + (_csv_fields()(sheet.headings) + "\r\n").encode())
            for n, rows in _cells(sheet, lambda heading: _csv_cell(heading in sheet.text), b","):
                if n:
                    handle.write(b"\r\n".join(map(b",".join, rows)) + b"\r\n")
                    count += n
    elif fmt == "json":
        with output.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for n, rows in _cells(sheet, _json_cell, ", "):
                if n:
                    body = ",\n  ".join(map("{%s}".__mod__, map(", ".join, rows)))
                    handle.write(("," if count else "") + "\n  " + body)
                    count += n
            handle.write("\n]\n" if count else "]\n")
    else:
        guarded = [h in sheet.text for h in sheet.headings]
        count = _write_xlsx(sheet.headings, _values(sheet), guarded, output)
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
