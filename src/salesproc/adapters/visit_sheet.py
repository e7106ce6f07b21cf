"""Where a visit sheet keeps each field: `import visits` reads two layouts, told apart by where
the headings are.

- flat: row 1 holds the headings (`export visits`' own, or the paper form's
  words in English or Chinese), then one visit a row;
- the form (销售日报表) as `report template` and `report daily --format xlsx`
  write it: a title, a header block (region, reporter, date, weather: each a
  label with its value to the right), the headings, one visit a row, and a
  footer after 合计/Total. Each sheet of a workbook is one form; every row
  takes its date, rep, weather and region from its sheet's header block.

Nothing here reads a cell's value: that is `visit_rows`' part.
"""

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from typing import NamedTuple

from salesproc.adapters import form_words
from salesproc.adapters.tabular import Workbook, unknown_columns
from salesproc.errors import InputError
from salesproc.i18n import _

#: The fields a visit row can have. Each is its own heading (`export visits` writes these).
FIELDS = (
    "date", "rep", "customer", "phone", "time", "start", "end", "purposes", "result", "outcome",
    "category", "next_visit", "notes", "weather", "region", "seq", "amount", "collected",
    "rep_name",
)  # fmt: skip
#: Headings in use beyond the field names and form_words: the paper form's other Chinese words.
MORE_WORDS = {"date": {"zh": "日期"}, "rep": {"zh": "销售人员"}, "customer": {"zh": "客户"},
              "start": {"zh": "开始"}, "end": {"zh": "结束"}}  # fmt: skip
REQUIRED = ("date", "rep", "customer", "purposes")
#: What the header block of a form may give every row of its sheet.
HEADER_FIELDS = tuple(form_words.HEADER)
#: How far down a form's heading row may be.
HEADING_SEARCH = 10


def _heading_words() -> dict[str, str]:
    """Each accepted heading (case-folded) and the field it names: the field's own name
    (`export visits` writes those), form_words' words in both languages, MORE_WORDS."""
    words = {name: name for name in FIELDS}
    for table in (form_words.COLUMNS, form_words.HEADER, MORE_WORDS):
        for name, by_language in table.items():
            words.update({word.casefold(): name for word in by_language.values()})
    return words


#: Column headings, flat or form.
HEADINGS = _heading_words()
#: The header block's labels: the header fields' headings (form_words.HEADER among them).
LABELS = {word: name for word, name in HEADINGS.items() if name in HEADER_FIELDS}
TOTALS = {word.casefold() for word in form_words.TOTAL.values()}


class HeaderValue(NamedTuple):
    """A value of a form's header block, where it stands, and its label (for messages)."""

    text: str
    row: int
    label: str


@dataclass
class Layout:
    """Where one sheet's fields are: columns of its heading row, and its header block."""

    #: "Sheet2 " when the workbook has more than one sheet, else ""
    prefix: str
    headings: list[str]
    #: field → column; a field the sheet lacks points at the padding cell past the headings
    at: dict[str, int]
    header: dict[str, HeaderValue]
    heading_row: int
    form: bool

    @property
    def width(self) -> int:
        return len(self.headings)

    def has(self, name: str) -> bool:
        return self.at[name] < self.width

    def column(self, name: str) -> str:
        """The column's heading as the sheet writes it, for messages."""
        if self.has(name):
            return self.headings[self.at[name]]
        if name in self.header:
            return self.header[name].label
        return name


def _fold(text: str) -> str:
    return text.strip().rstrip(":：").strip().casefold()


def _columns(headings: list[str]) -> dict[str, int]:
    """Each field's column in a heading row: the first heading naming it."""
    at: dict[str, int] = {}
    for column, heading in enumerate(headings):
        name = HEADINGS.get(_fold(heading))
        if name is not None and name not in at:
            at[name] = column
    return {name: at.get(name, len(headings)) for name in FIELDS}


def _header_block(rows: list[list[str]]) -> dict[str, HeaderValue]:
    """The form's label/value pairs above its headings, wherever they are: each label's
    value is the next non-empty cell to its right, unless that is the next label."""
    header: dict[str, HeaderValue] = {}
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            name = LABELS.get(_fold(cell))
            if name is not None and name not in header:
                value = next((v for v in row[column + 1 :] if v), "")
                if _fold(value) in LABELS:
                    value = ""  # the next label: this one was left empty
                header[name] = HeaderValue(value, number, cell.strip().rstrip(":："))
    return header


def layout(
    where: str, prefix: str, top: list[list[str]], ignore: Collection[str] = ()
) -> Layout | None:
    """The layout of a sheet from its first rows; None for a sheet with nothing on it.

    The heading row is the first with a customer column: row 1 in the flat
    layout, below the title and header block in a form.
    """
    heading_at = next(
        (n for n, row in enumerate(top) if any(HEADINGS.get(_fold(c)) == "customer" for c in row)),
        None,
    )
    if heading_at is None:
        if not any(any(row) for row in top):
            return None
        raise InputError(
            _(
                "{where} has no heading row with a customer column (customer, 访问客户, …) "
                "in its first {n} rows"
            ).format(where=where, n=HEADING_SEARCH)
        )
    headings = top[heading_at]
    unknown_columns(where, headings, lambda h: _fold(h) in HEADINGS, ignore)
    header = _header_block(top[:heading_at])
    found = Layout(prefix, headings, _columns(headings), header, heading_at + 1, heading_at > 0)
    for name in REQUIRED:
        if not found.has(name) and name not in header:
            columns = ", ".join(h for h in headings if h)
            raise InputError(
                _("{where} has no column {name!r}; its columns are {columns}").format(
                    where=where, name=name, columns=columns
                )
            )
    return found


def sheets(
    book: Workbook, ignore: Collection[str] = ()
) -> Iterator[tuple[Layout, Iterator[tuple[int, list[str]]]]]:
    """Each sheet's layout and its visit rows (numbered as the sheet shows them), padded
    past the headings; blank rows skipped, a form's rows ending at 合计/Total. A column
    none of the fields reads is refused unless `ignore` names it."""
    for sheet in book.sheets:
        several = book.count > 1
        prefix = f"{sheet.name} " if several else ""
        where = f"{book.path.name}, sheet {sheet.name}," if several else book.path.name
        top = list(islice(sheet.rows, HEADING_SEARCH))
        found = layout(where, prefix, top, ignore)
        if found is not None:
            yield found, _rows(found, chain(top[found.heading_row :], sheet.rows))


def _rows(layout: Layout, rows: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    width, seq, form = layout.width, layout.at["seq"], layout.form
    rep, rep_name = layout.at["rep"], layout.at["rep_name"]
    named = rep < width and rep_name < width  # `export visits`: the rep's code and name
    padding = [""] * (width + 1)
    for number, cells in enumerate(rows, start=layout.heading_row + 1):
        if form and cells and _fold(cells[0]) in TOTALS:
            return
        if len(cells) <= width:
            cells.extend(padding[len(cells) :])
        cells[width] = ""  # where a column the sheet lacks points: always empty
        if not any(cells) or (seq < width and not any(cells[:seq] + cells[seq + 1 :])):
            continue  # blank, or only its number (序号) written in
        if named and cells[rep_name] and cells[rep]:
            # `name (code)`: found by its code, created with its name (`RepIndex`)
            cells[rep] = f"{cells[rep_name]} ({cells[rep]})"
        yield number, cells
