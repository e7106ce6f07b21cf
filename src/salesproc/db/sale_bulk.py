"""Writing imported sales a chunk at a time, and what they do to their customers.

`import sales` checks a row and hands it here with the others of its chunk,
as the tuple the driver takes (`SALE_COLUMNS`): a million rows must go in at
50,000 a second, so nothing per row is an object or a statement. A chunk
first creates the customers its rows name that do not exist yet, leaves out
the rows whose key was imported before, then goes in with one executemany.
After the last chunk each customer's first sale here wins or reopens it, as
`sale add` would (`rules.lifecycle.after_event`), and the schedules are
refreshed in one go. `import collections` writes the collections through the
same book (`COLLECTIONS`): the same columns, and no effect on a customer.
On PostgreSQL the chunks go in by COPY to a temporary table and into the
table with one INSERT … SELECT when the book closes (`pg_copy`).
"""

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from salesproc.db import bulk, pg_copy, writes
from salesproc.db.models import Collection, Customer, Sale
from salesproc.rules.lifecycle import Standing, after_event, sells
from salesproc.rules.names import name_key
from salesproc.rules.vocab import Category, Grade

SALE_COLUMNS = (
    "rep_id", "customer_id", "sale_date", "amount_cents", "ref", "source_key", "created_at",
)  # fmt: skip
#: A row: SALE_COLUMNS' values as the driver takes them (dates through `SaleBook.stored_day`).
#: The customer is a number below 0 for one `SaleBook.add_customer` queued, until its chunk
#: is written.
Row = tuple[Any, ...]
CUSTOMER, DAY, KEY = (SALE_COLUMNS.index(c) for c in ("customer_id", "sale_date", "source_key"))
AMOUNT = SALE_COLUMNS.index("amount_cents")
_key_of = itemgetter(KEY)
T = TypeVar("T")


@dataclass(frozen=True)
class Ledger:
    """The table an import of money rows writes: the sales, or the collections (回款).

    Both have the same columns but the day's name, so one book writes either;
    only a sale sells, so only a sale wins or reopens its customer.
    """

    model: type[Sale] | type[Collection]
    #: the table's name for the row's day
    day: str
    #: whether a row is a sale to its customer (a prospect's first one wins it)
    sells: bool

    @property
    def columns(self) -> tuple[str, ...]:
        """`SALE_COLUMNS` with this table's day: in the same order, so a `Row` fits either."""
        return tuple(self.day if c == "sale_date" else c for c in SALE_COLUMNS)


SALES = Ledger(Sale, "sale_date", sells=True)
COLLECTIONS = Ledger(Collection, "collection_date", sells=False)


def _with_customer(row: Row, customer_id: int) -> Row:
    return (*row[:CUSTOMER], customer_id, *row[CUSTOMER + 1 :])


def undone_if_repeated(session: Session, attempt: Callable[[], T]) -> T | None:
    """`attempt()`'s result; None, with all it wrote undone, where a row broke a unique key
    (a key the file repeats). Any other error undoes it too, and goes on up."""
    dbapi_error = session.connection().dialect.loaded_dbapi.IntegrityError
    try:
        with session.begin_nested():
            return attempt()
    except (IntegrityError, dbapi_error):  # the latter from COPY, on the driver's own cursor
        return None


class SaleBook:
    """The sales table (or, given `COLLECTIONS`, the collections) and the customers, as one
    import sees and writes them.

    A context manager: the sales' indexes, if set aside for a big load
    (`expect`), are built again when the block ends; `record_effects` comes after.
    """

    def __init__(
        self, session: Session, now: datetime, keyed: bool, ledger: Ledger = SALES
    ) -> None:
        self.session, self.now, self.ledger = session, now, ledger
        model = ledger.model
        self.insert = pg_copy.inserter(session, model.__table__, ledger.columns)
        #: a day → the driver's value of it, each converted once
        self.stored_day = self.insert.stored(ledger.day)
        self.created_at = self.insert.stored("created_at")[now]
        #: every customer's id by name key; one queued to be created: -1, -2, …
        self.customers: dict[str, int] = {}
        #: each customer's (category, won_on, lost_on, added_on), for the effects of its sales
        self._standing: dict[int, tuple[str, date | None, date | None, date]] = {}
        query = select(
            Customer.id, Customer.name_key, Customer.category, Customer.won_on, Customer.lost_on,
            Customer.added_on,
        )  # fmt: skip
        for i, key, category, won_on, lost_on, added_on in session.execute(query):
            self.customers[key] = i
            self._standing[i] = (category, won_on, lost_on, added_on)
        #: customers to create before the next chunk goes in, by their number below 0
        self._queued: dict[int, dict[str, object]] = {}
        self._numbers = 0
        #: whether any sale in the database has a key: if none, no key of the file is there
        any_key = select(model.id).where(model.source_key.is_not(None)).limit(1)
        self.keyed = keyed and session.scalar(any_key) is not None
        #: which keys of a chunk are there already: on PostgreSQL COPYed and joined
        #: (`pg_copy.KeyProbe`); elsewhere one statement, built once, the keys bound to it
        self._probe = (
            pg_copy.KeyProbe(session, model.__table__, "source_key")
            if self.keyed and pg_copy.is_postgresql(session)
            else None
        )
        #: the lookup's SQL by how many keys it binds (a chunk's, the last chunk's)
        self._lookups: dict[int, tuple[str, bool]] = {}
        #: each customer's first sale written here: its stored day, by customer id
        self._first: dict[int, Any] = {}
        self._created: set[int] = set()
        self._stack = ExitStack()
        self.imported = 0
        #: rows left out as imported before (their key is in the database)
        self.already = 0
        self.new_customers: list[str] = []

    def __enter__(self) -> "SaleBook":
        self._stack.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            pg_copy.flush(self.insert)  # before the indexes are built again
        self._stack.__exit__(*exc)

    def add_customer(self, name: str, rep_id: int, day: date) -> int:
        """Queue a customer to create (as a sale's customer: C, existing, known since `day`);
        its number below 0 stands for it in rows until their chunk is written."""
        self._numbers -= 1
        self.customers[name_key(name)] = self._numbers
        self._queued[self._numbers] = writes.new_customer_row(
            name, Grade.C, Category.EXISTING, rep_id, day, self.now
        )
        return self._numbers

    def write(self, batch: list[Row]) -> dict[int, int]:
        """Insert the chunk's sales, but those imported before; returns the customers created
        for it, number → id, for the caller to remember by their new ids. (On PostgreSQL the
        sales are in the table once the block ends; a key the file repeats is a bad row,
        so the keys looked up here are never this import's own.)"""
        made = self._create_customers() if self._queued else {}
        if made:
            batch = [
                row if (c := row[CUSTOMER]) is None or c > 0 else _with_customer(row, made[c])
                for row in batch
            ]
        fresh = batch
        if self.keyed and batch:
            keys = list(map(_key_of, batch))
            done = self._probe(keys) if self._probe is not None else self._on_file(keys)
            if done:
                fresh = [row for row in batch if row[KEY] not in done]
                self.already += len(batch) - len(fresh)
        first = self._first
        for row in fresh if self.ledger.sells else ():
            customer = row[CUSTOMER]
            if customer is not None and sells(row[AMOUNT]):  # a credit note wins no one
                day = first.get(customer)
                if day is None or row[DAY] < day:
                    first[customer] = row[DAY]
        self.imported += self.insert(fresh)
        return made

    def _on_file(self, keys: list[str]) -> set[str]:
        """Which of the keys are on file: one statement compiled once per number of keys and
        sent to the driver as it is (a million keys through SQLAlchemy's expanding IN and
        its result rows cost more than the lookups themselves)."""
        connection = self.session.connection()
        found = self._lookups.get(len(keys))
        if found is None:
            column = self.ledger.model.source_key
            marks = [bindparam(f"k{at}") for at in range(len(keys))]
            compiled = select(column).where(column.in_(marks)).compile(dialect=connection.dialect)
            if compiled.positional:
                assert list(compiled.positiontup or []) == [m.key for m in marks]
            found = self._lookups[len(keys)] = (str(compiled), bool(compiled.positional))
        sql, positional = found
        params = tuple(keys) if positional else {f"k{at}": k for at, k in enumerate(keys)}
        return {key for (key,) in connection.exec_driver_sql(sql, params).fetchall()}

    def _create_customers(self) -> dict[int, int]:
        rows = list(self._queued.values())
        ids = bulk.insert_returning_ids(self.session, Customer.__table__, rows, "name_key")
        made = {}
        for number, row in self._queued.items():
            i = made[number] = ids[row["name_key"]]
            self.customers[str(row["name_key"])] = i
            self._standing[i] = (Category.EXISTING.value, None, None, row["added_on"])  # type: ignore[assignment]
            self._created.add(i)
            self.new_customers.append(str(row["name"]))
        self._queued.clear()
        return made

    def expect(self, rows: int, at_least: int) -> None:
        """Told once, early: the load will be about `rows` sales. One that at least doubles
        the sales (`at_least` at least) goes in without the sales' secondary indexes (and,
        on PostgreSQL, foreign keys), built again when the block ends: cheaper than
        updating them row by row."""
        model = self.ledger.model
        held = pg_copy.pending(self.insert)  # imported, but not in the table yet
        on_file = self.session.scalar(select(func.count()).select_from(model)) or 0
        before = on_file + held - self.imported
        if rows >= max(at_least, before):
            self._stack.enter_context(bulk.indexes_set_aside(self.session, model.__table__))
            keys = pg_copy.foreign_keys_set_aside(self.session, model.__table__)
            self._stack.enter_context(keys)
            self._stack.enter_context(pg_copy.straight_in(self.session, self.insert))

    def record_effects(self) -> None:
        """Each customer's first sale here (a return is none) wins or reopens it, as `sale add`
        does (a customer created for them is known since its first sale), in bulk; then their
        schedules."""
        day_of = {stored: day for day, stored in self.stored_day.items()}
        changed = []
        for i, stored in self._first.items():
            day = day_of[stored]
            category, won_on, lost_on, added_on = before = self._standing[i]
            standing = Standing(Category(category), lost_on, won_on)
            after = after_event(standing, day, None, sold=True)
            values = {
                "category": after.category.value,
                "won_on": after.won_on,
                "lost_on": after.lost_on,
                "added_on": day if i in self._created else added_on,
            }
            if tuple(values.values()) != before:
                changed.append({"id": i, **values})
        pg_copy.update_by_id(self.session, Customer.__table__, changed)
        writes.refresh_many(self.session, list(self._first), len(self._standing))
