"""Reading spreadsheets row by row: CSV (UTF-8, with or without a BOM) and Excel .xlsx.

Rows stream: a million-row export is read in constant memory. Every value
comes back as text, as a person sees it in the cell, with the row number the
spreadsheet shows (the heading is row 1).

`open_table` reads one sheet whose first row is its headings; `open_sheets`
hands over every row of every sheet as it is, for layouts whose headings are
further down (the daily report form: a title and a header block first).
"""

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from salesproc.errors import InputError
from salesproc.i18n import ngettext


@dataclass(frozen=True)
class Table:
    path: Path
    headings: list[str]
    rows: Iterator[tuple[int, list[str]]]
    #: bytes read so far, for a progress bar (None where the format cannot tell)
    position: Callable[[], int | None]

    def column(self, name: str, required: bool = True) -> int | None:
        """Where the column of that heading is (case and spaces ignored)."""
        wanted = name.strip().casefold()
        for at, heading in enumerate(self.headings):
            if heading.casefold() == wanted:
                return at
        if required:
            columns = ", ".join(self.headings)
            raise InputError(f"{self.path.name} has no column {name!r}; its columns are {columns}")
        return None


def _cell(value: Any) -> str:
    """An Excel cell as the text a person sees (dates as YYYY-MM-DD, 1200.0 as 1200)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def _unguard(text: str) -> str:
    """Undo `export.guard`: `'=SUM(1)` was written for a spreadsheet, the value is `=SUM(1)`."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_cells(row: list[str]) -> list[str]:
    """A CSV row's cells trimmed and unguarded.

    Hot: a million-row import runs this a million times, so the rare guarded
    cell is looked for once a row (in C) rather than once a cell.
    """
    cells = [v.strip() for v in row]
    if "'" in "".join(cells):
        cells = [_unguard(v) for v in cells]
    return cells


def _xlsx_cells(row: tuple[Any, ...]) -> list[str]:
    return [_cell(v) for v in row]


@contextmanager
def open_table(path: Path) -> Iterator[Table]:
    """The headings and the data rows of the file's first sheet."""
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        with path.open("rb") as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            try:
                headings = [h.strip() for h in next(reader)]
            except StopIteration:
                raise InputError(f"{path} is empty: it needs a heading row") from None
            except UnicodeDecodeError:
                raise InputError(f"{path} is not UTF-8 text; save it as CSV UTF-8") from None
            rows = ((n, _csv_cells(row)) for n, row in enumerate(reader, start=2) if any(row))
            yield Table(path, headings, rows, raw.tell)
    elif suffix == ".xlsx":
        book = _load_workbook(path)
        try:
            sheet = book.worksheets[0]
            cells = sheet.iter_rows(values_only=True)
            first = next(cells, None)
            if first is None:
                raise InputError(f"{path} is empty: it needs a heading row")
            headings = [_cell(h) for h in first]
            rows = (
                (n, [_cell(v) for v in row])
                for n, row in enumerate(cells, start=2)
                if any(v is not None and str(v).strip() for v in row)
            )
            yield Table(path, headings, rows, lambda: None)
        finally:
            book.close()
    else:
        raise InputError(f"cannot read {path.name}: use a .csv or .xlsx file")


@dataclass(frozen=True)
class RawSheet:
    """One sheet's rows from row 1, blank ones included (as empty lists or empty cells),
    so that a row's place in `rows` is the row number the spreadsheet shows."""

    name: str
    rows: Iterator[list[str]]


@dataclass(frozen=True)
class Workbook:
    path: Path
    #: how many sheets the file has (a CSV file: one)
    count: int
    sheets: Iterator[RawSheet]
    #: bytes read so far, for a progress bar (None where the format cannot tell)
    position: Callable[[], int | None]


@contextmanager
def open_sheets(path: Path) -> Iterator[Workbook]:
    """Every sheet of the file in order, each read lazily: a CSV file is one sheet."""
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        with path.open("rb") as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as handle:
            rows = map(_csv_cells, csv.reader(handle))
            try:
                yield Workbook(path, 1, iter([RawSheet(path.name, rows)]), raw.tell)
            except UnicodeDecodeError:  # raised where the rows are read, told here once
                raise InputError(f"{path} is not UTF-8 text; save it as CSV UTF-8") from None
    elif suffix == ".xlsx":
        book = _load_workbook(path)
        try:
            sheets = (
                RawSheet(sheet.title, map(_xlsx_cells, sheet.iter_rows(values_only=True)))
                for sheet in book.worksheets
            )
            yield Workbook(path, len(book.worksheets), sheets, lambda: None)
        finally:
            book.close()
    else:
        raise InputError(f"cannot read {path.name}: use a .csv or .xlsx file")


def _load_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(f"cannot read {path} as an Excel workbook: {exc}") from None


@dataclass
class Imported:
    """What an import did (or, in a dry run, would do)."""

    imported: int = 0
    new_reps: list[str] = field(default_factory=list)
    new_customers: list[str] = field(default_factory=list)
    #: rows whose key was imported before (`import sales --key`), or whose visit is on file
    #: (`import visits`), left out
    already: int = 0
    #: rows left out by `import sales --where`
    filtered: int = 0


def rejected_rows(problems: list[str], path: Path, rows: int | None = None) -> InputError:
    """The error of an import with bad rows: each problem a line (`row N, column C: …`).

    `rows` counts the bad rows; without it they are counted from the problems'
    text, which works while that reads `row N, …` in English.
    """
    if rows is None:
        rows = len({p.split(",")[0] for p in problems})
    message = ngettext(
        "{rows} bad row in {name}; nothing was imported",
        "{rows} bad rows in {name}; nothing was imported",
        rows,
    )
    return InputError(message.format(rows=rows, name=path.name), problems)
