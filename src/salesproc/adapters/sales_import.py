"""`import sales`: the head-office clerk's (销售内勤) sales export, in any column layout.

One pass over the file inside one transaction: each row is checked and, if
good, inserted with the others of its chunk; every problem of every row is
collected; once there is one, nothing more is inserted and the import raises
after the last row, so the caller rolls everything back: nothing is written.

A first import of a team's history is a million rows, and the issue asks for
50,000 rows a second, so what a row costs is kept small:

- Each distinct rep, customer and date text is looked up or parsed once. A row
  whose values were all seen good before (nearly every row) is checked with a
  few dict lookups and the amount's digits; anything else goes through the
  full check, which tells each problem.
- Chunks of rows go straight to the driver's `executemany` as tuples
  (`bulk.FastInsert`: the INSERT compiled by SQLAlchemy for the engine in use).
- A load that at least doubles the sales goes in without the sales' secondary
  indexes, built again after it in the same transaction (`bulk.indexes_set_aside`).
  How big the load will be is told from the first chunk written and how much
  of the file it took: only a CSV file says where its reader is, so an Excel
  file always goes into the indexed table.
- With `--key`, the database is asked which keys of a chunk it already has
  only if any sale there has a key at all.
- Each customer's first sale here wins or reopens it as `sale add` would
  (`rules.lifecycle.after_event`), with one UPDATE per changed customer, then
  the schedules are refreshed in one go.

Memory holds the reps and customers, the distinct texts naming them and the
dates (at most MEMO_LIMIT), one chunk of rows and, with `--key`, every key the
file has given so far with its row number, to tell which row a repeated key
repeats: that grows with the rows (about 100 MiB for a million keys), as it
always has. The file itself is never held.
"""

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from salesproc.adapters.lookup import RepIndex
from salesproc.adapters.tabular import Table, open_table, rejected_rows
from salesproc.db import bulk, writes
from salesproc.db.models import Customer, Sale
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.lifecycle import Standing, after_event
from salesproc.rules.money import MAX_CENTS, parse_amount
from salesproc.rules.names import clean_name, name_key
from salesproc.rules.vocab import Category, Grade

FIELDS = ("rep", "customer", "date", "amount", "ref")
REQUIRED = ("rep", "date", "amount")
#: rows an INSERT: big enough to amortise a call, small enough to keep memory flat
BATCH = bulk.CHUNK
#: Sales a load must add (and at least as many as there are) to go in without the indexes.
SET_ASIDE_AT = 100_000
#: Distinct date texts remembered: enough for any real file's days.
MEMO_LIMIT = 100_000
SALE_COLUMNS = (
    "rep_id", "customer_id", "sale_date", "amount_cents", "ref", "source_key", "created_at",
)  # fmt: skip
#: A good row: SALE_COLUMNS' values as the driver takes them. The customer is a number
#: below 0 for one this import creates, until the insert of its chunk creates it.
Row = tuple[Any, ...]


def parse_pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    """`--map amount=close_value` → ("amount", "close_value")."""
    pairs = []
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise InputError(
                _("bad {option} {value!r}; write it as NAME=VALUE").format(
                    option=option, value=value
                )
            )
        pairs.append((left.strip(), right.strip()))
    return pairs


@dataclass(frozen=True)
class Options:
    mapping: dict[str, str] = field(default_factory=dict)
    where: list[tuple[str, str]] = field(default_factory=list)
    key: str | None = None
    create_reps: bool = False
    create_customers: bool = False


@dataclass
class Report:
    imported: int = 0
    filtered: int = 0
    already: int = 0
    new_reps: list[str] = field(default_factory=list)
    new_customers: list[str] = field(default_factory=list)


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


def _parse_day(text: str) -> date:
    """`2017-03-01`, also with a time after it as spreadsheets often add."""
    return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)


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
    fast path of `import_sales` looks rows up in (only with values found good)."""

    def __init__(
        self,
        session: Session,
        options: Options,
        heading: dict[str, str],
        today: date,
        now: datetime,
        insert: bulk.FastInsert,
    ) -> None:
        self.options, self.heading, self.today, self.now = options, heading, today, now
        self.reps = RepIndex(session)
        #: every customer by name key; one this import creates: -1, -2, … until created
        self.customers: dict[str, int] = {}
        #: each customer's (category, won_on, lost_on, added_on), for the effects of its sales
        self.standing: dict[int, tuple[str, date | None, date | None, date]] = {}
        query = select(
            Customer.id, Customer.name_key, Customer.category, Customer.won_on, Customer.lost_on,
            Customer.added_on,
        )  # fmt: skip
        for i, key, category, won_on, lost_on, added_on in session.execute(query):
            self.customers[key] = i
            self.standing[i] = (category, won_on, lost_on, added_on)
        #: customers to create before the next chunk is inserted, by their number below 0
        self.new: dict[int, dict[str, object]] = {}
        #: the texts remembered with such a number, to remember with the id once created
        self.waiting: list[str] = []
        # The memos: text → value, only of good values.
        self.rep_ids: dict[str, int] = {}
        #: a date cell's first ten characters (all `_parse_day` reads) → the stored day
        self.days: dict[str, Any] = {}
        self.customer_ids: dict[str, int | None] = {"": None}
        #: the stored day → the day
        self.day_of: dict[Any, date] = {}
        self.stored_day = insert.stored("sale_date")
        self.created_at = insert.stored("created_at")[now]
        #: each key given so far → its row, to tell a repeat which row it repeats
        self.seen: dict[str, int] = {}
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
        options = self.options
        bad: list[str] = []

        rep_id = self.reps.find(rep_text)
        if not rep_text:
            bad.append(self._line(number, "rep", _("no rep")))
        elif rep_id is None and not options.create_reps:
            reason = _("unknown rep {rep!r}; add it or pass --create-reps").format(rep=rep_text)
            bad.append(self._line(number, "rep", reason))
        elif rep_id is None:
            rep_id = self.reps.create(rep_text, self.now)
        if rep_id is not None and rep_text:
            self.rep_ids[rep_text] = rep_id

        day: date | None
        try:
            day = _parse_day(day_text)
            if day > self.today:
                reason = _("{day} is after today ({today})").format(day=day, today=self.today)
                bad.append(self._line(number, "date", reason))
                day = None
        except ValueError:
            reason = _("bad date {text!r}; use YYYY-MM-DD").format(text=day_text)
            bad.append(self._line(number, "date", reason))
            day = None
        stored_day = None
        if day is not None:
            stored_day = self.stored_day[day]
            self.day_of[stored_day] = day
            if len(self.days) < MEMO_LIMIT:
                self.days[day_text[:10]] = stored_day

        cents = _cents(amount_text)
        if cents is None:
            try:
                cents = parse_amount(amount_text)
            except InputError as exc:
                bad.append(self._line(number, "amount", str(exc)))

        customer_key = name_key(customer_text)
        customer_id = self.customers.get(customer_key) if customer_text else None
        if customer_text and customer_id is None:
            if not options.create_customers:
                message = _("unknown customer {customer!r}; add it or pass --create-customers")
                bad.append(self._line(number, "customer", message.format(customer=customer_text)))
            elif rep_id is not None and day is not None:
                customer_id = -len(self.new) - 1
                self.customers[customer_key] = customer_id
                self.new[customer_id] = writes.new_customer_row(
                    clean_name(customer_text), Grade.C, Category.EXISTING, rep_id, day, self.now
                )
        if customer_id is not None:
            self.customer_ids[customer_text] = customer_id
            if customer_id < 0:
                self.waiting.append(customer_text)

        if options.key:
            if not key:
                bad.append(self._line(number, "key", _("empty key")))
            elif key in self.seen:
                reason = _("key {key!r} repeats row {row}").format(key=key, row=self.seen[key])
                bad.append(self._line(number, "key", reason))
            else:
                self.seen[key] = number

        if bad:
            self.problems.extend(bad)
            self.bad_rows += 1
            return None
        return (rep_id, customer_id, stored_day, cents, ref or None, key or None, self.created_at)


class _Writer:
    """The inserts, a chunk at a time: customers to create first, keys already imported
    left out; and each customer's first sale here, for its standing after."""

    def __init__(
        self,
        session: Session,
        checker: _Checker,
        insert: bulk.FastInsert,
        report: Report,
        stack: ExitStack,
    ) -> None:
        self.session, self.checker, self.insert = session, checker, insert
        self.report, self.stack = report, stack
        #: whether any sale in the database has a key: if none, no key of the file is there
        any_key = select(Sale.id).where(Sale.source_key.is_not(None)).limit(1)
        self.keyed = checker.options.key is not None and session.scalar(any_key) is not None
        #: which keys of a chunk are there already; built once, the chunk's keys bound to it
        self.lookup = select(Sale.source_key).where(
            Sale.source_key.in_(bindparam("keys", expanding=True))
        )
        #: each customer's first sale written here: its stored day, by customer id
        self.first: dict[int, Any] = {}
        self.created: set[int] = set()
        #: whether the load was told big or not yet (see `decide`)
        self.told = False

    def __call__(self, batch: list[Row]) -> None:
        if self.checker.new:
            batch[:] = self._create_customers(batch)
        fresh = batch
        if self.keyed and batch:
            keys = [row[5] for row in batch]
            done = set(self.session.connection().scalars(self.lookup, {"keys": keys}))
            if done:
                fresh = [row for row in batch if row[5] not in done]
                self.report.already += len(batch) - len(fresh)
        first = self.first
        for row in fresh:
            customer = row[1]
            if customer is not None:
                day = first.get(customer)
                if day is None or row[2] < day:
                    first[customer] = row[2]
        self.report.imported += self.insert(fresh)
        batch.clear()

    def _create_customers(self, batch: list[Row]) -> list[Row]:
        """Insert the customers this chunk's rows name first; the rows with their ids."""
        checker = self.checker
        rows = list(checker.new.values())
        ids = bulk.insert_returning_ids(self.session, Customer.__table__, rows, "name_key")
        made = {number: ids[row["name_key"]] for number, row in checker.new.items()}
        for number, row in checker.new.items():
            i = made[number]
            checker.customers[str(row["name_key"])] = i
            checker.standing[i] = (Category.EXISTING.value, None, None, row["added_on"])  # type: ignore[assignment]
            self.created.add(i)
            self.report.new_customers.append(str(row["name"]))
        for text in checker.waiting:
            number = checker.customer_ids[text]
            if number is not None and number < 0:  # a text can wait twice: it is told once
                checker.customer_ids[text] = made[number]
        checker.new.clear()
        checker.waiting.clear()
        return [
            row if row[1] is None or row[1] > 0 else (row[0], made[row[1]], *row[2:])
            for row in batch
        ]

    def decide(self, position: int | None, size: int) -> None:
        """After the first chunk written: set the sales' indexes aside for a load that will
        at least double the sales (SET_ASIDE_AT at least), projected from the rows written
        so far and how far into the file they are. Told once."""
        written = self.report.imported
        if self.told or not written:
            return
        self.told = True
        if not position or not size:
            return  # an Excel file: its reader cannot tell how far it is
        projected = written * size // position
        before = (self.session.scalar(select(func.count()).select_from(Sale)) or 0) - written
        if projected >= max(SET_ASIDE_AT, before):
            self.stack.enter_context(bulk.indexes_set_aside(self.session, Sale.__table__))


def _record_effects(session: Session, checker: _Checker, writer: _Writer) -> None:
    """Each customer's first sale here wins or reopens it, as `sale add` does (a customer
    created for them is known since its first sale), in bulk; then their schedules."""
    changed = []
    for i, stored in writer.first.items():
        day = checker.day_of[stored]
        category, won_on, lost_on, added_on = before = checker.standing[i]
        after = after_event(Standing(Category(category), lost_on, won_on), day, None, sold=True)
        values = {
            "category": after.category.value,
            "won_on": after.won_on,
            "lost_on": after.lost_on,
            "added_on": day if i in writer.created else added_on,
        }
        if tuple(values.values()) != before:
            changed.append({"id": i, **values})
    bulk.update_by_id(session, Customer.__table__, changed)
    writes.refresh_many(session, list(writer.first), len(checker.standing))


def import_sales(
    session: Session,
    path: Path,
    options: Options,
    today: date,
    now: datetime,
    progress: Callable[[int | None], None] | None = None,
) -> Report:
    """Import every row (or none): raises InputError listing each bad row; the caller commits.

    `progress` is fed the bytes of a CSV file read so far after each chunk.
    """
    report = Report()
    with open_table(path) as table, ExitStack() as stack:
        columns = _columns(table, options)
        where = [(table.column(c), value) for c, value in options.where]
        key_at = table.column(options.key) if options.key else None
        heading = {name: table.headings[at] for name, at in columns.items() if at is not None}
        insert = bulk.FastInsert(session, Sale.__table__, SALE_COLUMNS)
        checker = _Checker(session, options, heading, today, now, insert)
        write = _Writer(session, checker, insert, report, stack)
        size = path.stat().st_size

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
        seen, problems, created_at = checker.seen, checker.problems, checker.created_at
        keyed = key_at is not None
        batch: list[Row] = []

        for number, row in table.rows:
            if len(row) <= width:
                row.extend(padding[len(row) :])
            row[width] = ""
            if pick is not None and pick(row) != wanted:
                report.filtered += 1
                continue
            rep_text, day_text, amount_text, customer_text, ref, key = fields(row)
            rep_id = rep_ids.get(rep_text)
            day = days.get(day_text[:10])
            customer = customer_ids.get(customer_text, False)
            cents = _cents(amount_text)
            sale: Row | None
            if (
                rep_id is None
                or day is None
                or customer is False
                or cents is None
                or (keyed and (not key or key in seen))
            ):
                sale = checker.check(
                    number, rep_text, day_text, amount_text, customer_text, ref, key
                )
                if sale is None:
                    continue
            else:
                if keyed:
                    seen[key] = number
                sale = (rep_id, customer, day, cents, ref or None, key or None, created_at)
            if problems:
                continue  # nothing will be written: checking the rest is all that is left
            batch.append(sale)
            if len(batch) >= BATCH:
                write(batch)
                write.decide(table.position(), size)
                if progress:
                    progress(table.position())
        if problems:
            raise rejected_rows(problems, path, checker.bad_rows)
        write(batch)
        seen.clear()  # the biggest thing held, freed before the indexes are built again
    _record_effects(session, checker, write)
    report.new_reps = checker.reps.created
    return report
