"""`import sales`: the head-office clerk's (销售内勤) sales export, in any column layout.

`import collections` reads a file of collections (回款) the same way: the same
fields, options and checks, told apart by a `Kind` (what a row dated after
today is told, whether a negative amount is a row) and the book's table.

One pass over the file inside the caller's transaction: each row is checked
and, if good, handed with the others of its chunk to `db.sale_bulk.SaleBook`,
which writes it; every problem of every row is collected; once there is one,
nothing more is written and the import raises after the last row, so the
caller rolls everything back: nothing is written. Reps are found (or created)
by `db.lookup.RepIndex`, as every import finds them.

A first import of a team's history is a million rows, and the issue asks for
50,000 rows a second, so what a row costs is kept small:

- Each distinct rep, customer and date text is looked up or parsed once. A row
  whose values were all seen good before (nearly every row) is checked with a
  few dict lookups and the amount's digits; anything else goes through the
  full check, which tells each problem.
- Rows are the tuples the driver takes, a chunk of them at a time
  (`SaleBook.write`: one executemany).
- A load that at least doubles the sales goes in without the sales' secondary
  indexes (`SaleBook.expect`). How big the load will be is told from the first
  chunk written and how much of the file it took: only a CSV file says where
  its reader is, so an Excel file always goes into the indexed table.

Memory holds the reps and customers, the distinct texts naming them and the
dates (at most MEMO_LIMIT), one chunk of rows and, with `--key`, every key the
file has given so far with its row number, to tell which row a repeated key
repeats: that grows with the rows, packed (`key_rows.KeyRows`: ~40 bytes a
key, 35 MiB for a million, where a dict took 100). The file itself is never held.

A first import of keys (none on file yet) is tried without that, once (`unsure`:
a tenth of its time, and the 35 MiB): the table's unique key refuses a key the
file repeats, and any bad row stops the try at once; the caller then undoes the
try and reads the file again keeping the keys, which tells every problem as
ever. A good file is read once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from salesproc.adapters.key_rows import KeyRows
from salesproc.adapters.tabular import Table, open_table, rejected_rows
from salesproc.db import limits
from salesproc.db.lookup import RepIndex
from salesproc.db.sale_bulk import Row, SaleBook
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.dates import (
    COLLECTION_DATE_AHEAD,
    SALE_DATE_AHEAD,
    check_not_future,
    parse_date,
)
from salesproc.rules.money import MAX_CENTS, parse_amount
from salesproc.rules.names import clean_name, name_key

FIELDS = ("rep", "customer", "date", "amount", "ref")
REQUIRED = ("rep", "date", "amount")
#: rows a chunk: big enough to amortise a statement, small enough to keep memory flat
BATCH = 5_000
#: Sales a load must add (and at least as many as there are) to go in without the indexes.
SET_ASIDE_AT = 100_000
#: Distinct date texts remembered: enough for any real file's days.
MEMO_LIMIT = 100_000


class Unsure(Exception):
    """A row is bad in a read that keeps no keys (`read_sales(unsure=True)`): the keys must
    be kept to tell every problem, so the file is to be read again."""


class _NoKeys:
    """`KeyRows` for a read that leaves a repeated key to the table's unique key."""

    def add(self, key: str, row: int) -> int:
        return 0


@dataclass(frozen=True)
class Kind:
    """What a file's rows are: sales (`SALES`) or collections (`COLLECTIONS`, 回款).

    Both are read alike, column by column; they differ in what a row dated
    after today is told and whether a negative amount is a row or a bad one.
    """

    #: the `rules.dates` message of a row dated after today
    ahead: str
    #: whether a negative amount is a row (a sale's return, 退货) rather than a bad one
    negative: bool
    #: the table the rows go to, whose columns say how long a ref or key may be
    table: str = "sales"


SALES = Kind(SALE_DATE_AHEAD, negative=True)
COLLECTIONS = Kind(COLLECTION_DATE_AHEAD, negative=False, table="collections")


@dataclass(frozen=True)
class Options:
    mapping: dict[str, str] = field(default_factory=dict)
    where: list[tuple[str, str]] = field(default_factory=list)
    key: str | None = None
    create_reps: bool = False
    create_customers: bool = False


def _columns(table: Table, options: Options) -> dict[str, int | None]:
    """Which column holds each field: `--map`, else the column named like the field."""
    unknown = sorted(set(options.mapping) - set(FIELDS))
    if unknown:
        raise InputError(
            _("--map names no field {field!r}; fields are {fields}").format(
                field=unknown[0], fields=", ".join(FIELDS)
            )
        )
    columns = {
        name: table.column(
            options.mapping.get(name, name), name in REQUIRED or name in options.mapping
        )
        for name in FIELDS
    }
    for column, _value in options.where:
        table.column(column)
    if options.key:
        table.column(options.key)
    return columns


def _cents(text: str) -> int | None:
    """`parse_amount` of a plain `1200`, `1200.5` or `1200.50`, as one int() of its digits;
    None for anything else, which `parse_amount` then accepts or tells what is wrong with."""
    whole, dot, part = text.partition(".")
    if not dot:
        digits = whole + "00"
    elif len(part) == 2:
        digits = whole + part
    elif len(part) == 1:
        digits = whole + part + "0"
    else:
        return None
    if not whole or not digits.isdigit() or not digits.isascii():
        return None
    cents = int(digits)
    return cents if 0 < cents < MAX_CENTS else None


class _Checker:
    """The full check of a row, telling each of its problems; it also fills the memos the
    fast path of `read_sales` looks rows up in (only with values found good)."""

    def __init__(
        self,
        options: Options,
        heading: dict[str, str],
        today: date,
        reps: RepIndex,
        book: SaleBook,
        kind: Kind = SALES,
    ) -> None:
        self.options, self.heading, self.today, self.kind = options, heading, today, kind
        self.reps, self.book = reps, book
        #: customer texts remembered with a number below 0, to remember with the id once
        #: the chunk creating their customer is written
        self.waiting: list[str] = []
        # The memos: text → value, only of good values.
        self.rep_ids: dict[str, int] = {}
        #: a date cell → the stored day
        self.days: dict[str, Any] = {}
        self.customer_ids: dict[str, int | None] = {"": None}
        #: each key given so far and its row, to tell a repeat which row it repeats
        self.seen = KeyRows()
        self.problems: list[str] = []
        self.bad_rows = 0

    def _line(self, number: int, name: str, reason: str) -> str:
        column = self.heading.get(name) or (self.options.key or name)
        return _("row {number}, column {column}: {reason}").format(
            number=number, column=column, reason=reason
        )

    def check(
        self,
        number: int,
        rep_text: str,
        day_text: str,
        amount_text: str,
        customer_text: str,
        ref: str,
        key: str,
    ) -> Row | None:
        """The row's sale, or None after recording each of its problems."""
        options, book = self.options, self.book
        bad: list[str] = []

        rep_id: int | None = None
        if not rep_text:
            bad.append(self._line(number, "rep", _("no rep")))
        else:
            try:
                rep_id = self.rep_ids[rep_text] = self.reps.resolve(rep_text)
            except InputError as exc:
                bad.append(self._line(number, "rep", str(exc)))

        day: date | None = None
        try:
            day = check_not_future(parse_date(day_text, self.today), self.today, self.kind.ahead)
        except InputError as exc:
            bad.append(self._line(number, "date", str(exc)))
        stored_day = None
        if day is not None:
            stored_day = book.stored_day[day]
            if len(self.days) < MEMO_LIMIT:
                self.days[day_text] = stored_day

        cents = _cents(amount_text)
        if cents is None:
            try:  # a negative amount is a credit note: a return (退货)
                cents = parse_amount(amount_text, allow_negative=self.kind.negative)
            except InputError as exc:
                bad.append(self._line(number, "amount", str(exc)))

        customer_key = name_key(customer_text)
        customer_id = book.customers.get(customer_key) if customer_text else None
        if customer_text and customer_id is None:
            if not options.create_customers:
                message = _("unknown customer {customer!r}; add it or pass --create-customers")
                bad.append(self._line(number, "customer", message.format(customer=customer_text)))
            elif reason := limits.too_long(clean_name(customer_text), "customers.name"):
                bad.append(self._line(number, "customer", reason))
            elif rep_id is not None and day is not None:
                customer_id = book.add_customer(clean_name(customer_text), rep_id, day)
        if customer_id is not None:
            self.customer_ids[customer_text] = customer_id
            if customer_id < 0:
                self.waiting.append(customer_text)

        if reason := limits.too_long(ref, f"{self.kind.table}.ref"):
            bad.append(self._line(number, "ref", reason))
        if options.key:
            if reason := limits.too_long(key, f"{self.kind.table}.source_key"):
                bad.append(self._line(number, "key", reason))
            elif not key:
                bad.append(self._line(number, "key", _("empty key")))
            elif first := self.seen.add(key, number):  # kept, unless read before
                reason = _("key {key!r} repeats row {row}").format(key=key, row=first)
                bad.append(self._line(number, "key", reason))

        if bad:
            self.problems.extend(bad)
            self.bad_rows += 1
            return None
        return (rep_id, customer_id, stored_day, cents, ref or None, key or None, book.created_at)

    def write(self, batch: list[Row]) -> None:
        """Hand the chunk to the book; remember the customers it created by their ids."""
        made = self.book.write(batch)
        if made:
            for text in self.waiting:
                number = self.customer_ids[text]
                if number is not None and number < 0:  # a text can wait twice: it is told once
                    self.customer_ids[text] = made[number]
        self.waiting.clear()
        batch.clear()


def read_sales(
    path: Path,
    options: Options,
    today: date,
    reps: RepIndex,
    book: SaleBook,
    progress: Callable[[int | None], None] | None = None,
    kind: Kind = SALES,
    unsure: bool = False,
) -> int:
    """Check every row and write the good ones through `book`, or raise an InputError
    listing each bad row (having written some: the caller rolls back). Returns the rows
    left out by `--where`.

    `progress` is fed the bytes of a CSV file read so far after each chunk. `kind` says
    what the rows are (sales by default; `COLLECTIONS` for `import collections`). With
    `unsure`, a first import of keys (`book.keyed` false) keeps none of them, leaving a
    repeat to the table's unique key, and raises `Unsure` at its first bad row.
    """
    filtered = 0
    with open_table(path) as table:
        columns = _columns(table, options)
        where = [(table.column(c), value) for c, value in options.where]
        key_at = table.column(options.key) if options.key else None
        heading = {name: table.headings[at] for name, at in columns.items() if at is not None}
        checker = _Checker(options, heading, today, reps, book, kind)
        # unsure of the keys: nothing on file that a repeat could be left out as
        unsure = unsure and options.key is not None and not book.keyed
        if unsure:
            checker.seen = _NoKeys()  # type: ignore[assignment]
        size = path.stat().st_size
        sized = False  # whether the book was told how big the load will be

        # Every cell a row is read at exists: short rows are padded, and a column the file
        # lacks (customer, ref, key) points past its headings, at a cell always empty.
        width = len(table.headings)
        padding = [""] * (width + 1)
        read = ("rep", "date", "amount", "customer", "ref")
        fields = itemgetter(
            *(width if at is None else at for at in [*map(columns.get, read), key_at])
        )
        pick = itemgetter(*(at for at, _value in where)) if where else None
        wanted: Any = tuple(value for _at, value in where)
        if len(where) == 1:
            wanted = wanted[0]  # itemgetter of one item gives the item itself
        rep_ids, days, customer_ids = checker.rep_ids, checker.days, checker.customer_ids
        seen_add, problems, created_at = checker.seen.add, checker.problems, book.created_at
        keyed = key_at is not None
        kept = not unsure  # whether the keys read are kept, to tell a repeat
        # longer than these, a ref or key goes to the full check, which refuses it
        ref_max = limits.LENGTH[f"{kind.table}.ref"]
        key_max = limits.LENGTH[f"{kind.table}.source_key"]
        batch: list[Row] = []

        for number, row in table.rows:
            if len(row) <= width:
                row.extend(padding[len(row) :])
            row[width] = ""
            if pick is not None and pick(row) != wanted:
                filtered += 1
                continue
            rep_text, day_text, amount_text, customer_text, ref, key = fields(row)
            rep_id = rep_ids.get(rep_text)
            day = days.get(day_text)
            if day is None and day_text[10:11] == " ":
                # A time after a day seen before (a spreadsheet's timestamp): `parse_date`
                # reads `2026-11-02 13:45` as that day, so its first ten characters tell.
                day = days.get(day_text[:10])
            customer = customer_ids.get(customer_text, False)
            cents = _cents(amount_text)
            sale: Row | None
            if (
                rep_id is None
                or day is None
                or customer is False
                or cents is None
                or len(ref) > ref_max
                or len(key) > key_max
            ):
                sale = checker.check(
                    number, rep_text, day_text, amount_text, customer_text, ref, key
                )
                if sale is None:
                    continue
            elif keyed and (not key or (kept and seen_add(key, number))):
                # no key, or one read before (kept by `seen_add` otherwise): told by the check,
                # which looks the key up again (a repeat is the rare case)
                sale = checker.check(
                    number, rep_text, day_text, amount_text, customer_text, ref, key
                )
                if sale is None:
                    continue
            else:
                sale = (rep_id, customer, day, cents, ref or None, key or None, created_at)
            if problems:
                if unsure:
                    raise Unsure
                continue  # nothing will be written: checking the rest is all that is left
            batch.append(sale)
            if len(batch) >= BATCH:
                checker.write(batch)
                if not sized and book.imported:
                    sized = True
                    position = table.position()
                    if position and size:
                        book.expect(book.imported * size // position, SET_ASIDE_AT)
                if progress:
                    progress(table.position())
        if problems:
            if unsure:
                raise Unsure
            raise rejected_rows(problems, path, checker.bad_rows)
        checker.write(batch)
        checker.seen = KeyRows()  # the biggest thing held, freed before the indexes are built
    return filtered
