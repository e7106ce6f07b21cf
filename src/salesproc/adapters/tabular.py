"""Reading spreadsheets row by row: CSV (UTF-8, with or without a BOM) and Excel .xlsx.

Rows stream: a million-row export is read in constant memory. Every value
comes back as text, as a person sees it in the cell, with the row number the
spreadsheet shows (the heading is row 1).
"""

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from salesproc.errors import InputError


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
            rows = (
                (n, [_unguard(v.strip()) for v in row])
                for n, row in enumerate(reader, start=2)
                if any(row)
            )
            yield Table(path, headings, rows, raw.tell)
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise InputError(f"cannot read {path} as an Excel workbook: {exc}") from None
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


def rejected_rows(problems: list[str], path: Path) -> InputError:
    """The error of an import with bad rows: each problem a line (`row N, column C: …`)."""
    rows = len({p.split(",")[0] for p in problems})
    plural = "s" if rows != 1 else ""
    return InputError(f"{rows} bad row{plural} in {path.name}; nothing was imported", problems)
