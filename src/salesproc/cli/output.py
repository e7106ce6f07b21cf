"""One way to render every listing: a table for people, JSON or CSV for scripts.

Commands build plain records (dicts with JSON-ready keys) once; `emit` picks
the rendering. Tables are Rich tables on a terminal (their bytes written by
`cli.terminal` without importing Rich whenever it is sure of them) and plain
aligned text when piped (widths in terminal cells, so Chinese names line up);
JSON writes money as exact numbers, never through float.
"""

import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

import typer

from salesproc.cli.choices import format_option
from salesproc.i18n import N_, _, language
from salesproc.rules.text import escape_controls, guard_listing


class Language(StrEnum):
    """The languages of the output (`--lang`, `report template --lang`): `i18n`'s catalogs."""

    EN = "en"
    ZH = "zh"


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="table (default, also when piped), json or csv.",
        **format_option(Format),
    ),
]

Record = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    #: English, marked with N_ for the catalog; shown through `_` in the output language
    header: str
    justify: str = "left"
    show: Callable[[Any], str] | None = None


def word(value: Any) -> str:
    """A word of the form (order, prospect, won, …) or a status, in the output language.

    JSON and CSV keep the English words, which scripts match; tables show the
    paper form's own Chinese words, the ones reps also type.
    """
    from salesproc.adapters.form_words import word as form_word

    text = form_word(value, language())
    return _(text) if isinstance(value, str) and text == value else text


#: A visit as `visit list` and `customer show` print it.
VISIT_COLUMNS = [
    Column("id", "#", "right"),
    Column("date", N_("Date")),
    Column("start", N_("From")),
    Column("end", N_("To")),
    Column("rep", N_("Rep")),
    Column("customer", N_("Customer")),
    Column("purposes", N_("Purposes"), show=word),
    Column("category", N_("Category"), show=word),
    Column("result", N_("Result")),
    Column("outcome", N_("Outcome"), show=word),
    Column("next_visit", N_("Next visit")),
    Column("note", N_("Notes")),
]


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    return str(value)


def _csv_cell(value: Any) -> str:
    """A listing's cell: typed text guarded against running as a spreadsheet formula, as
    `export` does, and control characters escaped; numbers as they are."""
    text = _text(value)
    return guard_listing(escape_controls(text)) if type(value) in (str, list, tuple) else text


def to_json(data: Any, indent: int | None = 2) -> str:
    """`adapters.jsondoc.to_json`, imported on first use: `--help` needs no JSON (nor Decimal)."""
    from salesproc.adapters.jsondoc import to_json as as_json

    return as_json(data, indent)


def write_csv(records: Sequence[Record], keys: Sequence[str]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(keys)
    for record in records:
        writer.writerow([_csv_cell(record.get(key)) for key in keys])


def console():  # type: ignore[no-untyped-def]
    """A Rich console for the terminal: colour unless NO_COLOR.

    It writes past `ScreenSafe` (its own colours are wanted); what it is given is escaped.
    """
    from rich.console import Console

    out = sys.stdout
    return Console(highlight=False, file=out.raw if isinstance(out, ScreenSafe) else out)


class ScreenSafe(io.TextIOBase):
    """Standard output while a command runs: every control character a stored text may hold
    (an ESC, a C1 CSI) is written escaped, so no record can colour, clear or retitle the
    reader's terminal, whichever command prints it (tables, messages, the broadcast)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    @property
    def encoding(self) -> Any:  # click writes to a stream with an encoding as it is
        return getattr(self.raw, "encoding", "utf-8")

    @property
    def errors(self) -> Any:
        return getattr(self.raw, "errors", "strict")

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.raw.write(escape_controls(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return int(self.raw.fileno())


def screen_safe_stdout() -> Callable[[], None]:
    """Wrap sys.stdout in `ScreenSafe`; returns what puts the original back."""
    raw = sys.stdout
    sys.stdout = ScreenSafe(raw)

    def restore() -> None:
        sys.stdout = raw

    return restore


#: Above this many rows a terminal gets aligned lines instead of a Rich table, which
#: costs about a millisecond a row (4.7 s for a 4,500-customer due list). So does a
#: table wider than the terminal: Rich would cut every column down to a few letters.
RICH_TABLE_ROWS = 300


def _plain_lines(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    justify: Sequence[str],
    measure: bool = True,
) -> tuple[list[str], int]:
    """Columns padded to their width in terminal cells, so Chinese names line up; and, when
    `measure`, the widest line's width in cells, which decides between a Rich table and
    these lines (piped output needs only the lines).

    Column by column, each distinct text measured and padded once: a listing repeats its
    grades, reps and results, and measuring a Chinese text goes character by character.
    """
    table = [headers, *rows] if any(headers) else list(rows)
    if not table:
        return [], 0
    #: Rich joins emoji sequences (ZWJ, VS16): a line's width is then not its cells' sum
    joined = False
    padded_columns = []
    widths = []
    last = len(justify) - 1
    for i, (column, justified) in enumerate(zip(zip(*table, strict=True), justify, strict=True)):
        if i == last and justified != "right" and not measure:
            # its padding is stripped from every line: the audit's evidence goes unmeasured
            padded_columns.append(column)
            continue
        sizes = {text: len(text) for text in set(column)}
        for text in sizes:
            if not text.isascii():
                sizes[text] = _cells(text)
                joined = joined or "\u200d" in text or "\ufe0f" in text
        wide = max(sizes.values())
        widths.append(wide)
        if justified == "right":
            padded = {text: " " * (wide - n) + text for text, n in sizes.items()}
        else:
            padded = {text: text + " " * (wide - n) for text, n in sizes.items()}
        padded_columns.append([padded[text] for text in column])
    full_lines = ["  ".join(cells) for cells in zip(*padded_columns, strict=True)]
    lines = [line.rstrip() for line in full_lines]
    if not measure:
        return lines, 0
    if joined:
        return lines, max((_cells(line) for line in lines), default=0)
    full = sum(widths) + 2 * (len(widths) - 1)
    natural = 0
    for padded_line, line in zip(full_lines, lines, strict=True):
        cut = padded_line[len(line) :]
        natural = max(natural, full - (len(cut) if cut.isascii() else _cells(cut)))
    return lines, natural


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


class _Lines:
    """Laid-out lines, each in its own style, as one Rich renderable: the console renders
    and writes them in one pass (a print per line measured each line again)."""

    def __init__(self, lines: Sequence[str], styles: Sequence[str | None]) -> None:
        self.lines = lines
        self.styles = styles

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.segment import Segment

        looks: dict[str | None, Any] = {}
        end = Segment("\n")
        for line, style in zip(self.lines, self.styles, strict=True):
            look = looks.get(style)
            if look is None:
                look = looks[style] = console.get_style(style or "")
            yield Segment(line, look)
            yield end


def _one_line(text: str) -> str:
    """A cell on one line: notes typed with line breaks or tabs must not break the table, and
    a stored control character (an ESC) is shown escaped, never sent to the terminal."""
    return text if text.isprintable() else " ".join(escape_controls(text).split())


#: values equal only when shown alike (never across these types)
_SHOWN_ONCE = frozenset((str, int, date, type(None)))


def _cells_of(
    records: Sequence[Record], shows: Sequence[tuple[str, Callable[[Any], str]]]
) -> list[tuple[str, ...]]:
    """Each record's cells as shown, column by column: a column's `show` is a function of
    its value alone, so each distinct text, number or day is shown once (a due list repeats
    its grades, reps and days). Not a Decimal: 3200 and 3200.00 are equal, shown apart."""
    columns = []
    once = _SHOWN_ONCE
    for key, show in shows:
        values = [record.get(key) for record in records]
        seen = {value: _one_line(show(value)) for value in {v for v in values if type(v) in once}}
        columns.append([seen[v] if type(v) in once else _one_line(show(v)) for v in values])
    return list(zip(*columns, strict=True)) if columns else [() for _record in records]


def _as_lines(rows: Sequence[object], natural_width: int, width: int) -> bool:
    """Whether a terminal gets aligned lines rather than a table: too many rows for Rich's
    table (`RICH_TABLE_ROWS`), or a table wider than the terminal."""
    return len(rows) > RICH_TABLE_ROWS or natural_width > width


def _written_without_rich(
    title: str | None,
    footer: str | None,
    headers: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    justify: Sequence[str],
    styles: Sequence[str | None],
    lines: Sequence[str],
    natural_width: int,
) -> bool:
    """Whether `cli.terminal` wrote the listing as Rich would have (importing Rich's console
    and laying out its table cost a terminal 60–75 ms); False when it left it to Rich."""
    from salesproc.cli.terminal import listing, screen

    out = sys.stdout
    target = out.raw if isinstance(out, ScreenSafe) else out
    look = screen(target)
    if look is None:
        return False
    as_lines = _as_lines(rows, natural_width, look.width)
    text = listing(
        look,
        title=title,
        footer=footer,
        headers=headers,
        rows=rows,
        justify=justify,
        styles=styles,
        lines=lines if as_lines else None,
    )
    if text is None:
        return False
    target.write(text)
    target.flush()
    return True


def print_table(
    records: Sequence[Record],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    footer: str | None = None,
    row_style: Callable[[Record], str | None] | None = None,
    header: bool = True,
) -> None:
    """Title, table, footer ("12 customers due"), like a report on paper.

    Piped, it is plain aligned text with no colour and no padding at line ends.
    """
    headers = [_(c.header) if header and c.header else "" for c in columns]
    title = None if title is None else escape_controls(title)
    footer = None if footer is None else escape_controls(footer)
    justify = [c.justify for c in columns]
    shows = [(c.key, c.show or _text) for c in columns]
    rows = _cells_of(records, shows)
    if not sys.stdout.isatty():
        body = _plain_lines(headers, rows, justify, measure=False)[0] if rows else []
        lines = [text for text in (title, *body, footer) if text is not None]
        sys.stdout.write("".join(f"{line}\n" for line in lines))
        return

    styles: list[str | None] = [row_style(r) for r in records] if row_style else [None] * len(rows)
    lines, natural_width = _plain_lines(headers, rows, justify)
    natural_width += 2
    shown = headers if header else None
    if _written_without_rich(title, footer, shown, rows, justify, styles, lines, natural_width):
        return

    from rich.text import Text

    out = console()
    if title:
        out.print(Text(title, style="bold"))
    if _as_lines(rows, natural_width, out.width):
        out.print(_Lines(lines, ["bold", *styles] if header else styles), soft_wrap=True)
    elif rows:
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_header=header, pad_edge=False)
        for column in columns:
            table.add_column(headers[columns.index(column)], justify=column.justify, no_wrap=True)  # type: ignore[arg-type]
        for row, style in zip(rows, styles, strict=True):
            table.add_row(*row, style=style)
        out.print(table)
    if footer:
        out.print(Text(footer))


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

    `keys` are the CSV header (default: the records' own keys, or the columns'
    when there is no record); `data` replaces `records` as the JSON document.
    """
    if fmt is Format.JSON:
        typer.echo(to_json(list(records) if data is None else data))
    elif fmt is Format.CSV:
        write_csv(records, keys or (list(records[0]) if records else [c.key for c in columns]))
    else:
        print_table(records, columns, title=title, footer=footer, row_style=row_style)
