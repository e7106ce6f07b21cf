"""`import visits`: daily report rows from Excel or CSV, written exactly as `log-visit` would.

Two layouts, told apart by where the headings are:

- flat: row 1 holds the headings (`export visits`' own, or the paper form's
  words in English or Chinese), then one visit a row;
- the form (销售日报表) as `report template` and `report daily --format xlsx`
  write it: a title, a header block (region, reporter, date, weather: each a
  label with its value to the right), the headings, one visit a row, and a
  footer after 合计/Total. Each sheet of a workbook is one form; every row
  takes its date, rep, weather and region from its sheet's header block.

A million rows must import in seconds, so visits are not logged one by one.
The file is read twice. The first pass checks every row and keeps, per
customer and per rep and day, only what the writing needs (the first visit,
the first win, the last win or loss, the last weather and region); with any
bad row it stops having written nothing. The second pass reads the rows again
and inserts them in chunks; then customers, report headers and schedules are
updated in bulk. Memory grows with customers and reps, never with rows.
"""

import pickle
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain, islice
from pathlib import Path
from typing import IO, Generic, NamedTuple, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from salesproc.adapters import form_words
from salesproc.adapters.tabular import Workbook, open_sheets, rejected_rows
from salesproc.db import bulk, writes
from salesproc.db.models import Customer, DailyReport, Rep, Visit
from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.rules.cadence import DEFAULT_CADENCE
from salesproc.rules.dates import parse_time
from salesproc.rules.lifecycle import Standing, after_event
from salesproc.rules.names import clean_name, name_key, slug
from salesproc.rules.vocab import (
    Category,
    Grade,
    Outcome,
    parse_category,
    parse_outcome,
    parse_purposes,
)

T = TypeVar("T")

#: The fields a visit row can have. Each is its own heading (`export visits` writes these).
FIELDS = (
    "date", "rep", "customer", "phone", "time", "start", "end", "purposes", "result", "outcome",
    "category", "next_visit", "notes", "weather", "region", "seq",
)  # fmt: skip
#: Headings in use beyond the field names and form_words: the paper form's other Chinese words.
MORE_WORDS = {"date": {"zh": "日期"}, "rep": {"zh": "销售人员"}, "customer": {"zh": "客户"},
              "start": {"zh": "开始"}, "end": {"zh": "结束"}}  # fmt: skip
REQUIRED = ("date", "rep", "customer", "purposes")
#: What the header block of a form may give every row of its sheet.
HEADER_FIELDS = tuple(form_words.HEADER)
#: How far down a form's heading row may be.
HEADING_SEARCH = 10
#: The reason a required cell is empty, per field.
NOTHING = {
    "date": N_("no date"), "rep": N_("no rep"), "customer": N_("no customer"),
    "purposes": N_("no purpose"),
}  # fmt: skip
CHUNK = bulk.CHUNK
#: Visits a load must add (and at least as many as there are) to go in without the indexes.
SET_ASIDE_AT = 100_000
#: After every `visit_key` (that is, every row of any day up to the year 9999).
LAST_KEY = 1 << 96
#: Distinct texts remembered per parser: enough for any real file's dates and words.
MEMO_LIMIT = 100_000

#: `09:30-10:15`, `09:30–10:15`, `09:30` (start only) or `–10:15`; seconds (a time cell) ignored
_SPAN = re.compile(r"(\d{1,2}:\d{2})?(?::\d{2})?\s*(?:[-–—~至到]\s*(\d{1,2}:\d{2})?(?::\d{2})?)?")
_SEPARATORS = re.compile(r"[/、，;；]")
_LOOSE_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_NAME_AND_CODE = re.compile(r"(.*?)\s*[(（]\s*([^()（）]+?)\s*[)）]")
HEADER_COLUMNS = ("rep_id", "report_date", "region", "weather")
VISIT_COLUMNS = (
    "rep_id", "customer_id", "visit_date", "start_time", "end_time", "purposes", "result",
    "outcome", "category", "next_visit", "note", "logged_at",
)  # fmt: skip


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


@dataclass
class Report:
    imported: int = 0
    new_reps: list[str] = field(default_factory=list)
    new_customers: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- parsing, once per distinct text


class _Memo(Generic[T]):
    """A parser that parses each distinct text once: a million rows hold a few hundred dates.

    Gives (value, None) or (None, the reason it is bad), never raises. `good`
    is what the fast path of a row's check looks values up in.
    """

    def __init__(self, parse: Callable[[str], T], limit: int | None = MEMO_LIMIT) -> None:
        self.parse = parse
        #: at most this many texts remembered (None: all, as for names of reps and customers,
        #: whose number bounds the memory anyway)
        self.limit = limit
        self.good: dict[str, T] = {}
        self.bad: dict[str, str] = {}

    def __call__(self, text: str) -> tuple[T | None, str | None]:
        if text in self.good:
            return self.good[text], None
        if text in self.bad:
            return None, self.bad[text]
        try:
            value = self.parse(text)
        except InputError as exc:
            if self.limit is None or len(self.bad) < self.limit:
                self.bad[text] = str(exc)
            return None, str(exc)
        if self.limit is None or len(self.good) < self.limit:
            self.good[text] = value
        return value, None


def parse_day(text: str) -> date:
    """`2026-11-30` (a date cell reads so too), also `2026/11/30` and `2026年11月30日`."""
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _LOOSE_DATE.fullmatch(text.strip())
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    raise InputError(_("bad date {text!r}; use YYYY-MM-DD").format(text=text))


def parse_span(text: str) -> tuple[time | None, time | None]:
    """The form's visit time: start and end as `09:30-10:15` (or – or 至 between), or one."""
    match = _SPAN.fullmatch(text.strip())
    try:
        if match and (match[1] or match[2]):
            return tuple(parse_time(t) if t else None for t in match.groups())  # type: ignore[return-value]
    except InputError:
        pass
    raise InputError(_("bad visit time {text!r}; use 09:30-10:15").format(text=text))


def parse_purpose_list(text: str) -> str:
    """`订货/收款`, `订货、收款` or `order,collection` → "order,collection" (the form's order)."""
    return ",".join(parse_purposes([_SEPARATORS.sub(",", text)]))


# ---------------------------------------------------------------- what the database holds


@dataclass(slots=True)
class _Customer:
    """A customer as loaded, plus what this import's visits of it add up to."""

    id: int
    grade: Grade
    category: Category
    rep_id: int | None
    added_on: date | None
    won_on: date | None = None
    lost_on: date | None = None
    #: the visit order key of its first visit here, and that visit's rep and day
    first_key: int = LAST_KEY
    first_rep: int = 0
    first_day: date | None = None
    #: the first `won` outcome here (key and day), and the last `won` or `lost` one
    win_key: int = LAST_KEY
    win_day: date | None = None
    last_key: int = -1
    last_outcome: Outcome | None = None
    last_day: date | None = None
    #: for a customer this import creates: its name, and its first visit's phone and region
    name: str = ""
    phone: str | None = None
    region: str | None = None


@dataclass(slots=True)
class _Rep:
    id: int
    code: str
    name: str
    region: str | None
    active: bool


class _People:
    """Reps and customers by what a sheet calls them; new ones numbered -1, -2, … until created."""

    def __init__(self, session: Session, create_reps: bool, create_customers: bool) -> None:
        self.create_reps, self.create_customers = create_reps, create_customers
        #: the last number given to a rep or customer to create: -1, -2, …
        self.new_reps = self.new_customers = 0
        self.reps: dict[int, _Rep] = {}
        for i, code, name, region, active in session.execute(
            select(Rep.id, Rep.code, Rep.name, Rep.region, Rep.active)
        ):
            self.reps[i] = _Rep(i, code, name, region, active)
        self.rep_by_code = {r.code: r.id for r in self.reps.values()}
        self.rep_by_name = {name_key(r.name): r.id for r in self.reps.values()}
        self.customers: dict[int, _Customer] = {}
        self.customer_by_key: dict[str, int] = {}
        query = select(
            Customer.id, Customer.name_key, Customer.grade, Customer.category, Customer.rep_id,
            Customer.added_on, Customer.won_on, Customer.lost_on,
        )  # fmt: skip
        for i, key, grade, category, rep_id, added_on, won_on, lost_on in session.execute(query):
            self.customers[i] = _Customer(
                i, Grade(grade), Category(category), rep_id, added_on, won_on, lost_on
            )
            self.customer_by_key[key] = i
        self.rep = _Memo(self._rep, limit=None)
        self.customer = _Memo(self._customer, limit=None)

    def _rep(self, text: str) -> int:
        """The rep a cell names: a code, a name, or `name (code)` as the form's header has it."""
        match = _NAME_AND_CODE.fullmatch(text)
        name, code = (match[1], match[2]) if match else (text, None)
        found = (
            self.rep_by_code.get(code or text)
            or self.rep_by_name.get(name_key(name))
            or self.rep_by_name.get(name_key(text))
        )
        if found is not None:
            rep = self.reps[found]
            if not rep.active:
                raise InputError(
                    _(
                        "rep {code!r} is deactivated; run `salesproc rep activate {code}` first"
                    ).format(code=rep.code)
                )
            return found
        if not self.create_reps:
            raise InputError(
                _("unknown rep {text!r}; add it or pass --create-reps").format(text=text)
            )
        new = self.new_reps = self.new_reps - 1
        taken = set(self.rep_by_code)
        code = code if code and code not in taken and " " not in code else slug(name, taken)
        self.reps[new] = _Rep(new, code, clean_name(name) or code, None, True)
        self.rep_by_code[code] = self.rep_by_name[name_key(name)] = new
        return new

    def _customer(self, text: str) -> int:
        name = clean_name(text)
        found = self.customer_by_key.get(name_key(name))
        if found is not None:
            return found
        if not self.create_customers:
            raise InputError(
                _("unknown customer {name!r}; add it or pass --create-customers").format(name=name)
            )
        new = self.new_customers = self.new_customers - 1
        self.customers[new] = _Customer(new, Grade.C, Category.PROSPECT, None, None, name=name)
        self.customer_by_key[name_key(name)] = new
        return new


# ---------------------------------------------------------------- layouts


class _HeaderValue(NamedTuple):
    text: str
    row: int
    label: str


@dataclass
class _Layout:
    """Where one sheet's fields are: columns of its heading row, and its header block."""

    #: "Sheet2 " when the workbook has more than one sheet, else ""
    prefix: str
    headings: list[str]
    #: field → column; a field the sheet lacks points at the padding cell past the headings
    at: dict[str, int]
    header: dict[str, _HeaderValue]
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


def _header_block(rows: list[list[str]]) -> dict[str, _HeaderValue]:
    """The form's label/value pairs above its headings, wherever they are: each label's
    value is the next non-empty cell to its right, unless that is the next label."""
    header: dict[str, _HeaderValue] = {}
    for number, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            name = LABELS.get(_fold(cell))
            if name is not None and name not in header:
                value = next((v for v in row[column + 1 :] if v), "")
                if _fold(value) in LABELS:
                    value = ""  # the next label: this one was left empty
                header[name] = _HeaderValue(value, number, cell.strip().rstrip(":："))
    return header


def _layout(where: str, prefix: str, top: list[list[str]]) -> _Layout | None:
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
    header = _header_block(top[:heading_at])
    layout = _Layout(prefix, headings, _columns(headings), header, heading_at + 1, heading_at > 0)
    for name in REQUIRED:
        if not layout.has(name) and name not in header:
            columns = ", ".join(h for h in headings if h)
            raise InputError(
                _("{where} has no column {name!r}; its columns are {columns}").format(
                    where=where, name=name, columns=columns
                )
            )
    return layout


class _Problems:
    """Every problem of every row, one line each, and how many rows they are on."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.rows: set[tuple[str, int]] = set()

    def add(self, layout: _Layout, number: int, column: str, reason: str) -> None:
        line = _("row {number}, column {column}: {reason}")
        self.lines.append(layout.prefix + line.format(number=number, column=column, reason=reason))
        self.rows.add((layout.prefix, number))


# ---------------------------------------------------------------- checking a row

#: A checked row, as a plain tuple (a million of them are made):
#: (key, rep, customer, day, start, end, purposes, result, outcome, category, next_visit,
#:  note, weather, region, phone). `key` is the visit's place in visit order (`visit_key`);
#: rep and customer are ids, or -1, -2, … for the ones the import will create; outcome and
#: category are their words; category and next_visit are None where the row leaves them out.
Row = tuple
#: The fields of `Row` that the second pass needs: the first twelve.
STORED = 12


def visit_key(day: date, start: time | None, seq: int) -> int:
    """The order `log-visit` would have seen the visits in, as one int: cheap to compare.

    By day, then start time (none first: before 00:00), then file order — as
    `queries.latest_first` reads them back (every imported visit has one
    `logged_at`, and ids follow the file).
    """
    minute = 0 if start is None else 1 + start.hour * 60 + start.minute
    return ((day.toordinal() * 1441 + minute) << 32) | seq


class _Checker:
    """Every rule `log-visit` applies to a visit, on one row, with each problem told."""

    def __init__(self, people: _People, today: date, problems: _Problems) -> None:
        self.people = people
        self.today = today
        self.problems = problems
        self.day = _Memo(parse_day)
        self.time = _Memo(parse_time)
        self.span = _Memo(parse_span)
        self.purposes = _Memo(parse_purpose_list)
        self.outcome = _Memo(lambda text: parse_outcome(text).value)
        self.category = _Memo(lambda text: parse_category(text).value)

    def sheet(self, layout: _Layout) -> None:
        """Check a form's header block once: a bad value there is told once, not on each row."""
        for name, memo in (("date", self.day), ("rep", self.people.rep)):
            value = layout.header.get(name)
            if value is None or (layout.has(name) and not value.text):
                continue  # the rows' own column gives it
            found, reason = memo(value.text) if value.text else (None, _(NOTHING[name]))
            if name == "date" and found is not None and found > self.today:  # type: ignore[operator]
                reason = _("{day} is after today ({today})").format(day=found, today=self.today)
            if reason:
                self.problems.add(layout, value.row, value.label, reason)

    def reader(self, layout: _Layout) -> Callable[[list[str], int, int], Row | None]:
        """The check of one row of this sheet.

        Hot: a fast path with every column's place in a local, for a row whose
        every value was seen good before (nearly all rows); anything else, new
        or wrong, goes to the thorough `row`, which tells each problem.
        """
        at, header = layout.at, layout.header
        i_date, i_rep, i_customer, i_phone = at["date"], at["rep"], at["customer"], at["phone"]
        i_time, i_start, i_end, i_purposes = at["time"], at["start"], at["end"], at["purposes"]
        i_result, i_outcome, i_category = at["result"], at["outcome"], at["category"]
        i_next, i_notes, i_weather, i_region = (
            at["next_visit"], at["notes"], at["weather"], at["region"]
        )  # fmt: skip
        h_date, h_rep, h_weather, h_region = (
            header[name].text if name in header else ""
            for name in ("date", "rep", "weather", "region")
        )
        days, times, spans = self.day.good, self.time.good, self.span.good
        purposes_of, outcomes, categories = (
            self.purposes.good, self.outcome.good, self.category.good
        )  # fmt: skip
        reps, customers = self.people.rep.good, self.people.customer.good
        today, slow = self.today, self.row

        def check(cells: list[str], number: int, seq: int) -> Row | None:
            day = days.get(cells[i_date] or h_date)
            rep = reps.get(cells[i_rep] or h_rep)
            customer = customers.get(cells[i_customer])
            purposes = purposes_of.get(cells[i_purposes])
            if day is None or rep is None or customer is None or purposes is None or day > today:
                return slow(layout, cells, number, seq)
            if text := cells[i_time]:
                if (span := spans.get(text)) is None:
                    return slow(layout, cells, number, seq)
                start, end = span
            else:
                start = times.get(text) if (text := cells[i_start]) else None
                end = times.get(text) if (text := cells[i_end]) else None
                if (start is None and cells[i_start]) or (end is None and cells[i_end]):
                    return slow(layout, cells, number, seq)
            outcome = outcomes.get(text) if (text := cells[i_outcome]) else None
            category = categories.get(text) if (text := cells[i_category]) else None
            next_visit = days.get(text) if (text := cells[i_next]) else None
            if (
                (outcome is None and cells[i_outcome])
                or (category is None and cells[i_category])
                or (next_visit is None and cells[i_next])
                or (next_visit is not None and next_visit < day)
                or (start is not None and end is not None and end < start)
            ):
                return slow(layout, cells, number, seq)
            minute = 0 if start is None else 1 + start.hour * 60 + start.minute
            return (
                ((day.toordinal() * 1441 + minute) << 32) | seq,
                rep,
                customer,
                day,
                start,
                end,
                purposes,
                cells[i_result] or None,
                outcome,
                category,
                next_visit,
                cells[i_notes] or None,
                cells[i_weather] or h_weather or None,
                cells[i_region] or h_region or None,
                cells[i_phone] or None,
            )

        return check

    def row(self, layout: _Layout, cells: list[str], number: int, seq: int) -> Row | None:
        """The row as a visit, or None with each of its problems told."""
        at, header = layout.at, layout.header
        told = len(self.problems.lines)

        def fail(name: str, reason: str) -> None:
            self.problems.add(layout, number, layout.column(name), reason)

        def text(name: str) -> str:
            """The row's cell, else its sheet's header value (date, rep, weather, region)."""
            value = cells[at[name]]
            if not value and name in header:
                return header[name].text
            return value

        day: date | None = None
        header_bad = False  # a bad header value: told once for the sheet, not on each row
        if value := text("date"):
            day, reason = self.day(value)
            if day is not None and day > self.today:
                reason = _("{day} is after today ({today})").format(day=day, today=self.today)
            if reason and cells[at["date"]]:
                fail("date", reason)
            header_bad |= bool(reason)
        elif "date" in header and not layout.has("date"):
            header_bad = True  # an empty date in the header block
        else:
            fail("date", _(NOTHING["date"]))

        start = end = None
        if value := cells[at["time"]]:
            span, reason = self.span(value)
            if reason:
                fail("time", reason)
            elif span:
                start, end = span
        else:
            if value := cells[at["start"]]:
                start, reason = self.time(value)
                if reason:
                    fail("start", reason)
            if value := cells[at["end"]]:
                end, reason = self.time(value)
                if reason:
                    fail("end", reason)
        if start and end and end < start:
            fail("end" if layout.has("end") else "time", _("the visit ends before it starts"))

        purposes, reason = (
            self.purposes(value)
            if (value := cells[at["purposes"]])
            else (None, _(NOTHING["purposes"]))
        )
        if reason:
            fail("purposes", reason)
        outcome = category = next_visit = None
        if value := cells[at["outcome"]]:
            outcome, reason = self.outcome(value)
            if reason:
                fail("outcome", reason)
        if value := cells[at["category"]]:
            category, reason = self.category(value)
            if reason:
                fail("category", reason)
        if value := cells[at["next_visit"]]:
            next_visit, reason = self.day(value)
            if reason:
                fail("next_visit", reason)
            elif day and next_visit and next_visit < day:
                fail(
                    "next_visit",
                    _("next visit {next} is before the visit date {day}").format(
                        next=next_visit, day=day
                    ),
                )

        rep = customer = None
        if value := text("rep"):
            rep, reason = self.people.rep(value)
            if reason and cells[at["rep"]]:
                fail("rep", reason)
            header_bad |= bool(reason)
        elif "rep" in header and not layout.has("rep"):
            header_bad = True  # an empty reporter in the header block
        else:
            fail("rep", _(NOTHING["rep"]))
        if value := cells[at["customer"]]:
            customer, reason = self.people.customer(value)
            if reason:
                fail("customer", reason)
        else:
            fail("customer", _(NOTHING["customer"]))

        if len(self.problems.lines) > told or header_bad:
            return None
        assert day is not None and rep is not None and customer is not None and purposes
        return (
            visit_key(day, start, seq),
            rep,
            customer,
            day,
            start,
            end,
            purposes,
            cells[at["result"]] or None,
            outcome,
            category,
            next_visit,
            cells[at["notes"]] or None,
            text("weather") or None,
            text("region") or None,
            cells[at["phone"]] or None,
        )


# ---------------------------------------------------------------- the two passes


def _sheets(book: Workbook) -> Iterator[tuple[_Layout, Iterator[tuple[int, list[str]]]]]:
    """Each sheet's layout and its visit rows (numbered as the sheet shows them), padded
    past the headings; blank rows skipped, a form's rows ending at 合计/Total."""
    for sheet in book.sheets:
        several = book.count > 1
        prefix = f"{sheet.name} " if several else ""
        where = f"{book.path.name}, sheet {sheet.name}," if several else book.path.name
        top = list(islice(sheet.rows, HEADING_SEARCH))
        layout = _layout(where, prefix, top)
        if layout is not None:
            yield layout, _rows(layout, chain(top[layout.heading_row :], sheet.rows))


def _rows(layout: _Layout, rows: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    width, seq, form = layout.width, layout.at["seq"], layout.form
    padding = [""] * (width + 1)
    for number, cells in enumerate(rows, start=layout.heading_row + 1):
        if form and cells and _fold(cells[0]) in TOTALS:
            return
        if len(cells) <= width:
            cells.extend(padding[len(cells) :])
        cells[width] = ""  # where a column the sheet lacks points: always empty
        if not any(cells) or (seq < width and not any(cells[:seq] + cells[seq + 1 :])):
            continue  # blank, or only its number (序号) written in
        yield number, cells


#: A rep's daily report header as this import leaves it: the last word in visit order wins.
#: [key of the region's visit, region, key of the weather's visit, weather], a list for speed.
_Header = list


@dataclass
class _Survey:
    """What the first pass found: how many good rows, stored in a temporary file for the
    second pass, and each report header to write. Sums per customer are on `_Customer`."""

    count: int
    stored: IO[bytes]
    headers: dict[tuple[int, date], _Header]

    def rows(self) -> Iterator[list[Row]]:
        """The stored rows, a chunk at a time."""
        self.stored.seek(0)
        while True:
            try:
                yield pickle.load(self.stored)
            except EOFError:
                return


def _survey(
    path: Path,
    checker: _Checker,
    stored: IO[bytes],
    progress: Callable[[int | None], None] | None,
) -> _Survey:
    """Pass 1: check every row; sum up per customer and per rep and day what to write.

    The good rows go to the `stored` file rather than memory, and the second
    pass reads them from there instead of checking the file again. One loop,
    no layers of generators: this runs once a row.
    """
    customers, problems = checker.people.customers, checker.problems
    survey = _Survey(0, stored, {})
    headers = survey.headers
    chunk: list[Row] = []
    seq = 0
    with open_sheets(path) as book:
        for layout, rows in _sheets(book):
            checker.sheet(layout)
            check = checker.reader(layout)
            for number, cells in rows:
                seq += 1
                if progress is not None and not seq % CHUNK:
                    progress(book.position())
                row = check(cells, number, seq)
                if row is None or problems.lines:
                    continue  # once a row is bad, checking the rest is all that is left
                chunk.append(row[:STORED])
                if len(chunk) >= CHUNK:
                    survey.count += _store(chunk, stored)
                key, rep, customer, day = row[0], row[1], row[2], row[3]
                outcome, weather, region = row[8], row[12], row[13]
                c = customers[customer]
                if key < c.first_key:
                    c.first_key, c.first_rep, c.first_day = key, rep, day
                    if c.id < 0:  # a new customer is added as its first visit tells
                        c.phone, c.region = row[14], region
                        c.category = Category(row[9] or Category.PROSPECT)
                if outcome is not None:
                    if outcome == Outcome.WON and key < c.win_key:
                        c.win_key, c.win_day = key, day
                    if key > c.last_key:
                        c.last_key, c.last_outcome, c.last_day = key, Outcome(outcome), day
                if weather or region:
                    h = headers.get((rep, day))
                    if h is None:
                        h = headers[(rep, day)] = [-1, None, -1, None]
                    if region and key > h[0]:
                        h[0], h[1] = key, region
                    if weather and key > h[2]:
                        h[2], h[3] = key, weather
    survey.count += _store(chunk, stored)
    return survey


def _store(chunk: list[Row], file: IO[bytes]) -> int:
    count = len(chunk)
    if chunk:
        pickle.dump(chunk, file, pickle.HIGHEST_PROTOCOL)
        chunk.clear()
    return count


def _visit_rows(
    survey: _Survey,
    people: _People,
    cadence: dict[Grade, int],
    now: datetime,
    insert: bulk.FastInsert,
) -> Iterator[list[tuple[object, ...]]]:
    """Pass 2: each stored row as `log_visit` would have made the visit, in VISIT_COLUMNS,
    a chunk at a time; new reps and customers must have their ids by now."""
    days, times = insert.stored("visit_date"), insert.stored("start_time")
    logged_at = insert.stored("logged_at")[now]
    rep_ids = {i: rep.id for i, rep in people.reps.items()}
    customers = people.customers
    every = {grade: timedelta(days=days) for grade, days in cadence.items()}
    prospect, new = Category.PROSPECT.value, Category.NEW.value
    for chunk in survey.rows():
        batch = []
        for (
            key,
            rep,
            customer,
            day,
            start,
            end,
            purposes,
            result,
            outcome,
            given,
            agreed,
            note,
        ) in chunk:
            c = customers[customer]
            if given is not None:
                category = given
            elif c.category is not Category.PROSPECT:
                category = c.category.value
            else:  # the customer as it stood at this visit: won here only by an earlier one
                category = new if c.win_key < key else prospect
            batch.append(
                (
                    rep_ids[rep], c.id, days[day], times[start], times[end], purposes, result,
                    outcome, category, days[agreed or day + every[c.grade]], note, logged_at,
                )
            )  # fmt: skip
        yield batch


def _insert_visits(
    session: Session,
    survey: _Survey,
    people: _People,
    cadence: dict[Grade, int],
    now: datetime,
    progress: Callable[[int | None], None] | None,
    size: int,
) -> None:
    """Pass 2's inserts. A load that at least doubles the visits (a first import of the
    team's history) goes in without the visits' indexes, which are built again after it."""
    insert = bulk.FastInsert(session, Visit.__table__, VISIT_COLUMNS)
    chunks = _visit_rows(survey, people, cadence, now, insert)
    before = session.scalar(select(func.count()).select_from(Visit)) or 0
    written = insert(next(chunks, []))  # also opens the database's own transaction
    big = survey.count >= max(SET_ASIDE_AT, before)
    with bulk.indexes_set_aside(session, Visit.__table__) if big else nullcontext():
        for chunk in chunks:
            written += insert(chunk)
            if progress is not None:
                progress(size // 2 + size * written // (2 * survey.count))


# ---------------------------------------------------------------- what the visits change


def _create_reps(session: Session, people: _People, now: datetime) -> list[str]:
    """Add the reps the file names that do not exist yet (--create-reps); their codes."""
    created = []
    for rep in sorted((r for r in people.reps.values() if r.id < 0), key=lambda r: -r.id):
        rep.id = writes.add_rep(session, rep.code, rep.name, None, None, now).id
        created.append(rep.code)
    return created


def _create_customers(session: Session, people: _People, now: datetime) -> list[str]:
    """Add the customers the file names that do not exist yet (--create-customers), each as
    `customer add` would have added it just before its first visit."""
    new = sorted((c for c in people.customers.values() if c.id < 0), key=lambda c: -c.id)
    rows = []
    for c in new:
        assert c.first_day is not None
        rep_id = people.reps[c.first_rep].id
        row = writes.new_customer_row(c.name, c.grade, c.category, rep_id, c.first_day, now)
        rows.append({**row, "contact": None, "phone": c.phone, "region": c.region})
    ids = bulk.insert_returning_ids(session, Customer.__table__, rows, "name_key")
    for c in new:
        c.id, c.rep_id, c.added_on = ids[name_key(c.name)], people.reps[c.first_rep].id, c.first_day
    return [c.name for c in new]


def _update_customers(session: Session, people: _People) -> list[int]:
    """Each visited customer as `log_visit` leaves it: its rep, the day it became known and
    its standing (won, lost); returns the ids of all visited customers."""
    changed = []
    visited = []
    for c in people.customers.values():
        if c.first_day is None:
            continue
        visited.append(c.id)
        standing = Standing(c.category, c.lost_on, c.won_on)
        # Only the first win (category, won_on) and the last win or loss (lost_on) tell.
        if c.win_day is not None:
            standing = after_event(standing, c.win_day, Outcome.WON, sold=False)
        if c.last_day is not None and c.last_key != c.win_key:
            standing = after_event(standing, c.last_day, c.last_outcome, sold=False)
        rep_id = c.rep_id if c.rep_id is not None else people.reps[c.first_rep].id
        added_on = min(c.added_on, c.first_day) if c.added_on else c.first_day
        values = {
            "category": standing.category.value,
            "won_on": standing.won_on,
            "lost_on": standing.lost_on,
            "rep_id": rep_id,
            "added_on": added_on,
        }
        before = (c.category.value, c.won_on, c.lost_on, c.rep_id, c.added_on)
        if tuple(values.values()) != before:
            changed.append({"id": c.id, **values})
    bulk.update_by_id(session, Customer.__table__, changed)
    return visited


def _write_headers(
    session: Session, people: _People, headers: dict[tuple[int, date], _Header]
) -> None:
    """Each rep's daily report header (weather, region) as `set_report_header` leaves it."""
    if not headers:
        return
    days = [day for _, day in headers]
    query = select(
        DailyReport.id, DailyReport.rep_id, DailyReport.report_date, DailyReport.region,
        DailyReport.weather,
    ).where(DailyReport.report_date >= min(days), DailyReport.report_date <= max(days))  # fmt: skip
    existing = {
        (rep, day): (i, region, weather) for i, rep, day, region, weather in session.execute(query)
    }
    insert = bulk.FastInsert(session, DailyReport.__table__, HEADER_COLUMNS)
    stored_day = insert.stored("report_date")
    added: list[tuple[object, ...]] = []
    changed = []
    for (rep_ref, day), (_at, new_region, _also_at, new_weather) in headers.items():
        rep = people.reps[rep_ref]
        found = existing.get((rep.id, day))
        if found is None:
            added.append((rep.id, stored_day[day], new_region or rep.region, new_weather))
            continue
        i, region, weather = found
        after = (new_region or region or rep.region, new_weather or weather)
        if after != (region, weather):
            changed.append({"id": i, "region": after[0], "weather": after[1]})
    for start in range(0, len(added), CHUNK):
        insert(added[start : start + CHUNK])
    bulk.update_by_id(session, DailyReport.__table__, changed)


# ---------------------------------------------------------------- the command


def import_visits(
    session: Session,
    path: Path,
    create_reps: bool,
    create_customers: bool,
    cadence: dict[Grade, int] | None,
    today: date,
    now: datetime,
    progress: Callable[[int | None], None] | None = None,
) -> Report:
    """Import every row (or none): raises InputError listing each bad row; the caller commits.

    `progress` is fed how far the import is, in bytes of the file's size: the
    first pass reading a CSV file is the first half, inserting the second.
    """
    people = _People(session, create_reps, create_customers)
    problems = _Problems()
    checker = _Checker(people, today, problems)
    size = path.stat().st_size if path.is_file() else 0
    halfway = None if progress is None else lambda at: progress(None if at is None else at // 2)
    with tempfile.TemporaryFile() as stored:
        survey = _survey(path, checker, stored, halfway)
        if problems.lines:
            raise rejected_rows(problems.lines, path, len(problems.rows))
        report = Report(imported=survey.count)
        report.new_reps = _create_reps(session, people, now)
        report.new_customers = _create_customers(session, people, now)
        _insert_visits(session, survey, people, cadence or DEFAULT_CADENCE, now, progress, size)
    visited = _update_customers(session, people)
    _write_headers(session, people, survey.headers)
    writes.refresh_many(session, visited, len(people.customers))
    return report
