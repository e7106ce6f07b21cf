"""Reading spreadsheets row by row: CSV and Excel .xlsx.

A CSV file comes in the encodings Chinese offices save: UTF-8 (with or without
a BOM), GB18030/GBK (Excel's "CSV" on a Chinese Windows) or UTF-16 with its BOM
(Excel's "Unicode text"). The encoding is found by decoding the whole file in
that order, a chunk at a time (`csv_encoding`), before the rows are read.

Rows stream: a million-row export is read in constant memory. Every value
comes back as text, as a person sees it in the cell, with the row number the
spreadsheet shows (the heading is row 1).

`open_table` reads one sheet whose first row is its headings; `open_sheets`
hands over every row of every sheet as it is, for layouts whose headings are
further down (the daily report form: a title and a header block first).
"""

import codecs
import csv
import io
import shlex
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

from salesproc.errors import InputError
from salesproc.i18n import _, ngettext
from salesproc.rules.text import control_char, read_cell, refuse_controls, tidy, tidy_cells

#: The encodings a CSV file is tried in, as `csv_encoding` names them to the user.
ENCODINGS = ("UTF-8", "GB18030", "UTF-16")
#: Bytes decoded at a time while finding a CSV file's encoding.
SCAN_CHUNK = 1 << 20


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
    if isinstance(value, time):
        return _clock(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return tidy(str(value))


def _clock(value: time) -> str:
    """A time cell as `09:30` (`09:30:15` with seconds): Excel keeps a time as a fraction of
    a day, so 09:30 may come back a microsecond short; it is read to the nearest second."""
    seconds = round(value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6)
    hours, rest = divmod(min(seconds, 86399), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def _xlsx_cells(row: tuple[Any, ...]) -> list[str]:
    return [_cell(v) for v in row]


def _refuse_controls(
    rows: Iterator[tuple[int, list[str]]], headings: list[str], where: str
) -> Iterator[tuple[int, list[str]]]:
    """The rows, refusing a cell with a control character (an ESC would colour a terminal)."""
    for number, cells in rows:
        if control_char("".join(cells)) is not None:
            _refuse_row(cells, headings, number, where)
        yield number, cells


def _refuse_row(cells: list[str], headings: list[str], number: int, where: str) -> None:
    """Refuse the first cell of the row with a control character, naming its column."""
    for at, cell in enumerate(cells):
        heading = headings[at] if at < len(headings) else str(at + 1)
        field = _("{file}, row {row}, column {column}").format(
            file=where, row=number, column=heading
        )
        refuse_controls(cell, field)


def _raw_checked(rows: Iterator[list[str]], where: str) -> Iterator[list[str]]:
    """`_refuse_controls` for a sheet read as it is (no heading row yet): columns by number."""
    numbered = ((n, cells) for n, cells in enumerate(rows, start=1))
    return (cells for _n, cells in _refuse_controls(numbered, [], where))


def csv_encoding(path: Path) -> str:
    """The codec a CSV file decodes with: the one its BOM names (UTF-8, UTF-16), else UTF-8,
    else GB18030 (a superset of GBK and GB2312), each tried on the whole file a chunk at a
    time, so a GBK character on the millionth row is not read as broken UTF-8.

    Trying strict decoders in order needs no guess: GB18030 text is almost never valid
    UTF-8, and UTF-16 is taken only with its BOM (without one any even-length bytes decode).
    """
    with path.open("rb") as raw:
        head = raw.read(4)
        if head.startswith(codecs.BOM_UTF8):
            candidates: tuple[str, ...] = ("utf-8-sig",)
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            candidates = ("utf-16",)
        else:
            candidates = ("utf-8", "gb18030")
        for encoding in candidates:
            raw.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := raw.read(SCAN_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise InputError(
        _(
            "cannot read {file}: it is not text in {encodings} (UTF-16 with its BOM); "
            "save it as CSV UTF-8"
        ).format(file=path.name, encodings=", ".join(ENCODINGS))
    )


@contextmanager
def _open_csv(path: Path) -> Iterator[tuple[io.BufferedReader, io.TextIOWrapper]]:
    """The file's bytes (whose position tells the progress) and its text, in its encoding."""
    encoding = csv_encoding(path)
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding, newline="") as handle:
        yield raw, handle


def _unreadable(path: Path, reader: Any, exc: csv.Error) -> InputError:
    return InputError(
        _("cannot read {file} at line {line}: {reason}").format(
            file=path.name, line=reader.line_num, reason=exc
        )
    )


def _csv_rows(
    reader: Any, path: Path, headings: list[str] | None = None, first: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """The file's rows, numbered from `first`, their cells trimmed and unguarded, a cell with a
    control character refused (as `_refuse_controls` does, `headings` naming the columns);
    with `headings`, blank rows are left out. A row the csv module cannot read (a field
    over its limit: a line of 100 MB, an unclosed quote running to the end) is the input's
    fault, told with its line.

    Hot: one loop, not a generator a step, for a million rows; the rare guarded cell and
    control character are looked for once a row (in C), not once a cell.
    """
    skip_blank = headings is not None
    number = first - 1
    try:
        for row in reader:
            number += 1
            if skip_blank and not any(row):
                continue
            cells = tidy_cells(row)
            joined = "".join(cells)
            if "'" in joined:
                cells = [read_cell(v) for v in row]
                joined = "".join(cells)
            if control_char(joined) is not None:
                _refuse_row(cells, headings or [], number, path.name)
            yield number, cells
    except csv.Error as exc:
        raise _unreadable(path, reader, exc) from None


@contextmanager
def open_table(path: Path) -> Iterator[Table]:
    """The headings and the data rows of the file's first sheet."""
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    suffix = path.suffix.casefold()
    if suffix == ".csv":
        with _open_csv(path) as (raw, handle):
            reader = csv.reader(handle)
            try:
                headings = [h.strip() for h in next(reader)]
            except StopIteration:
                raise InputError(f"{path} is empty: it needs a heading row") from None
            except csv.Error as exc:
                raise _unreadable(path, reader, exc) from None
            yield Table(path, headings, _csv_rows(reader, path, headings, 2), raw.tell)
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
            yield Table(path, headings, _refuse_controls(rows, headings, path.name), lambda: None)
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
        with _open_csv(path) as (raw, handle):
            rows = map(itemgetter(1), _csv_rows(csv.reader(handle), path))  # the cells
            yield Workbook(path, 1, iter([RawSheet(path.name, rows)]), raw.tell)
    elif suffix == ".xlsx":
        book = _load_workbook(path)
        try:
            sheets = (
                RawSheet(
                    sheet.title,
                    _raw_checked(map(_xlsx_cells, sheet.iter_rows(values_only=True)), sheet.title),
                )
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


def unknown_columns(
    where: str, headings: Iterable[str], known: Callable[[str], bool], ignore: Iterable[str]
) -> None:
    """Refuse headings a fixed-layout import does not read (`import visits`, `import
    customers`): a column dropped without a word is data lost without a word. Empty
    headings, and the ones `--ignore-column` names (case and spaces ignored), pass."""
    ignored = {name.strip().casefold() for name in ignore}
    unknown = [
        h.strip()
        for h in headings
        if h.strip() and not known(h) and h.strip().casefold() not in ignored
    ]
    if unknown:
        names = ", ".join(repr(h) for h in unknown)
        message = ngettext(
            "{where} has a column this import does not read: {names}; "
            "pass --ignore-column {first} to leave it out",
            "{where} has columns this import does not read: {names}; "
            "pass --ignore-column for each to leave them out",
            len(unknown),
        )
        raise InputError(message.format(where=where, names=names, first=shlex.quote(unknown[0])))
