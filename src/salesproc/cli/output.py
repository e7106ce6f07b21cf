"""One way to render every listing: a table for people, JSON or CSV for scripts.

Commands build plain records (dicts with JSON-ready keys) once; `emit` picks
the rendering. Tables are Rich tables on a terminal and plain aligned text
when piped (Rich measures wide characters, so Chinese names line up); JSON
writes money as exact numbers, never through float.
"""

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import typer


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="table (default, also when piped), json or csv.")
]

Record = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    justify: str = "left"
    show: Callable[[Any], str] | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    return str(value)


_NUMBER = re.compile(r'"\\u0000(-?[0-9.]+)\\u0000"')


def to_json(data: Any) -> str:
    """JSON with dates as YYYY-MM-DD and Decimals as exact JSON numbers."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"\0{value}\0"  # a marker, unquoted below: exact digits, no float
        if isinstance(value, date | time):
            return _text(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return _NUMBER.sub(r"\1", json.dumps(plain(data), ensure_ascii=False, indent=2))


def write_csv(records: Sequence[Record], keys: Sequence[str]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(keys)
    for record in records:
        writer.writerow([_text(record.get(key)) for key in keys])


def console():  # type: ignore[no-untyped-def]
    """A Rich console: colour on a terminal (unless NO_COLOR), plain and unwrapped when piped."""
    from rich.console import Console

    out = Console(highlight=False)
    if not out.is_terminal:
        out = Console(highlight=False, width=10_000, no_color=True, file=io.StringIO())
    return out


def print_table(
    records: Sequence[Record],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    footer: str | None = None,
    row_style: Callable[[Record], str | None] | None = None,
    header: bool = True,
) -> None:
    """Title, table, footer ("12 customers due"), like a report on paper."""
    from rich import box
    from rich.table import Table

    out = console()
    table = Table(
        box=box.SIMPLE_HEAD if out.is_terminal else None,
        header_style="bold" if out.is_terminal else "",
        show_header=header,
        pad_edge=False,
    )
    for column in columns:
        table.add_column(column.header, justify=column.justify)  # type: ignore[arg-type]
    for record in records:
        cells = [(c.show or _text)(record.get(c.key)) for c in columns]
        table.add_row(*cells, style=row_style(record) if row_style else None)
    if title:
        out.print(title, style="bold", markup=False)
    if records:
        out.print(table)
    if footer:
        out.print(footer, markup=False)
    if not out.is_terminal:  # plain text: no padding at line ends
        text = out.file.getvalue()
        sys.stdout.write("".join(line.rstrip() + "\n" for line in text.splitlines()))


def emit(
    records: Sequence[Record],
    columns: Sequence[Column],
    fmt: Format,
    *,
    keys: Sequence[str] | None = None,
    data: Any = None,
    title: str | None = None,
    footer: str | None = None,
    row_style: Callable[[Record], str | None] | None = None,
) -> None:
    """Render one listing.

    `keys` are the record keys, the CSV header (default: the columns' keys);
    `data` replaces `records` as the JSON document when given.
    """
    if fmt is Format.JSON:
        typer.echo(to_json(list(records) if data is None else data))
    elif fmt is Format.CSV:
        write_csv(records, keys or (list(records[0]) if records else [c.key for c in columns]))
    else:
        print_table(records, columns, title=title, footer=footer, row_style=row_style)
