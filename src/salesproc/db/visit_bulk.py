"""Writing imported visits in bulk, leaving everything as `log-visit` one by one would have.

A million visits must go in within seconds, so they are not logged one by
one. The reading pass (`adapters.visit_import`) checks every row and keeps,
per customer (`CustomerTally`) and per rep and day (`HeaderTally`), only what
the writing needs: the first visit, the first win, the last win or loss, the
last weather and region. Then, here: the customers the file names that do not
exist yet are created, the visits inserted in chunks (in the order
`log-visit` would have seen them, each with the category its customer had at
that visit and its next visit by the grade's cadence), and customers, report
headers and schedules updated in bulk. On PostgreSQL the rows go in by COPY
(`pg_copy`), each table's with one INSERT … SELECT (a first import of the
history by the owner: straight into the table), in the same transaction.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from salesproc.db import bulk, pg_copy, writes
from salesproc.db.lookup import KnownRep
from salesproc.db.models import Collection, Customer, DailyReport, Sale, Visit
from salesproc.rules.cadence import next_working_day
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.lifecycle import Standing, after_event
from salesproc.rules.names import name_key
from salesproc.rules.vocab import Category, Grade, Outcome

#: Visits a load must add (and at least as many as there are) to go in without the indexes.
SET_ASIDE_AT = 100_000
#: After every `visit_key` (that is, every row of any day up to the year 9999).
LAST_KEY = 1 << 96
#: A checked visit row: a plain tuple of these fields (a million of them are made). `key` is
#: the visit's place in visit order (`visit_key`); rep and customer are ids (a customer the
#: import will create: -1, -2, …); outcome and category are their words; category and
#: next_visit are None where the row leaves them out.
ROW = (
    "key", "rep", "customer", "day", "start", "end", "purposes", "result", "outcome",
    "category", "next_visit", "note", "amount", "collected", "weather", "region", "phone",
)  # fmt: skip
#: How many of ROW's fields `insert_visits` needs: all up to the money collected (amount and
#: collected: the sale and the collection the visit brought, in cents, or None).
STORED = ROW.index("collected") + 1
#: A visit's money, kept while its visit goes in: its place among the visits inserted, the
#: amount and the money collected (cents or None), its rep, customer and day.
Money = tuple[int, int | None, int | None, int, int, date]
VISIT_COLUMNS = (
    "rep_id", "customer_id", "visit_date", "start_time", "end_time", "purposes", "result",
    "outcome", "category", "next_visit", "note", "logged_at",
)  # fmt: skip
HEADER_COLUMNS = ("rep_id", "report_date", "region", "weather")
#: a sale on a visit; a collection's the same, its day `collection_date`
MONEY_COLUMNS = ("rep_id", "customer_id", "visit_id", "sale_date", "amount_cents", "created_at")


def visit_key(day: date, start: time | None, seq: int) -> int:
    """The order `log-visit` would have seen the visits in, as one int: cheap to compare.

    By day, then start time (none first: before 00:00), then file order — as
    `shared_core.latest_first` reads them back (every imported visit has one
    `logged_at`, and ids follow the file).
    """
    minute = 0 if start is None else 1 + start.hour * 60 + start.minute
    return ((day.toordinal() * 1441 + minute) << 32) | seq


@dataclass(slots=True)
class CustomerTally:
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
class HeaderTally:
    """A rep's daily report header as this import leaves it: the last word in visit order
    wins, for the region and the weather each."""

    region_key: int = -1
    region: str | None = None
    weather_key: int = -1
    weather: str | None = None


def load_customers(session: Session) -> tuple[dict[int, CustomerTally], dict[str, int]]:
    """Every customer by id, and its id by name key."""
    customers: dict[int, CustomerTally] = {}
    by_key: dict[str, int] = {}
    query = select(
        Customer.id, Customer.name_key, Customer.grade, Customer.category, Customer.rep_id,
        Customer.added_on, Customer.won_on, Customer.lost_on,
    )  # fmt: skip
    for i, key, grade, category, rep_id, added_on, won_on, lost_on in session.execute(query):
        customers[i] = CustomerTally(
            i, Grade(grade), Category(category), rep_id, added_on, won_on, lost_on
        )
        by_key[key] = i
    return customers, by_key


def create_customers(
    session: Session, customers: Mapping[int, CustomerTally], now: datetime
) -> list[str]:
    """Add the customers the file names that do not exist yet (--create-customers), each as
    `customer add` would have added it just before its first visit; their names."""
    new = sorted((c for c in customers.values() if c.id < 0), key=lambda c: -c.id)
    rows = []
    for c in new:
        assert c.first_day is not None
        row = writes.new_customer_row(c.name, c.grade, c.category, c.first_rep, c.first_day, now)
        rows.append({**row, "contact": None, "phone": c.phone, "region": c.region})
    ids = bulk.insert_returning_ids(session, Customer.__table__, rows, "name_key")
    for c in new:
        c.id, c.rep_id, c.added_on = ids[name_key(c.name)], c.first_rep, c.first_day
    return [c.name for c in new]


def _visit_rows(
    chunks: Iterable[list[Any]],
    customers: Mapping[int, CustomerTally],
    cadence: Mapping[Grade, int],
    now: datetime,
    insert: bulk.FastInsert,
    calendar: WorkCalendar | None = None,
    prospect_cadence: int | None = None,
    money: list[Money] | None = None,
) -> Iterator[list[object]]:
    """Each stored row as `log_visit` would have made the visit, in VISIT_COLUMNS, a chunk
    at a time (a chunk in and out: one flat list of the rows' values, for
    `bulk.FastInsert.flat`); new customers must have their ids by now. A revisit counted
    by cadence lands on a working day of `calendar`; one the file gives is kept."""
    days, times = insert.stored("visit_date"), insert.stored("start_time")
    logged_at = insert.stored("logged_at")[now]
    every = {grade: timedelta(days=days) for grade, days in cadence.items()}
    if prospect_cadence is not None:
        every_prospect = timedelta(days=prospect_cadence)
    won = Outcome.WON.value
    counted_days: dict[date, date] = {}  # a counted revisit → the working day it lands on
    prospect, new = Category.PROSPECT.value, Category.NEW.value
    # Each customer as its visits need it, looked up once a row: its id, its category's word
    # (None for a prospect, whose visits' category depends on when it was won) and its first
    # win's key, and its grade's cadence (an enum's value and hash are Python calls).
    plan = {
        number: (
            c.id,
            None if c.category is Category.PROSPECT else c.category.value,
            c.win_key,
            every[c.grade],
        )
        for number, c in customers.items()
    }
    placed = 0  # visits yielded so far: a visit's place, for `money`
    width = len(VISIT_COLUMNS)
    for chunk in chunks:
        batch: list[object] = []
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
            amount,
            collected,
        ) in zip(*[iter(chunk)] * STORED, strict=True):
            customer_id, standing, win_key, cadence_days = plan[customer]
            if given is not None:
                category = given
            elif standing is not None:
                category = standing
            else:  # the customer as it stood at this visit: won here only by an earlier one
                category = new if win_key < key else prospect
            if agreed is None:
                wooed = prospect_cadence is not None and category == prospect and outcome != won
                counted = day + (every_prospect if wooed else cadence_days)
                if calendar is not None:
                    if counted not in counted_days:
                        counted_days[counted] = next_working_day(counted, calendar)
                    counted = counted_days[counted]
                agreed = counted
            batch += (
                rep, customer_id, days[day], times[start], times[end], purposes, result,
                outcome, category, days[agreed], note, logged_at,
            )  # fmt: skip
            if money is not None and (amount is not None or collected is not None):
                made = len(batch) // width  # rows in `batch`, this one's included
                money.append((placed + made - 1, amount, collected, rep, customer_id, day))
        placed += len(batch) // width
        yield batch


def insert_visits(
    session: Session,
    chunks: Iterable[list[Any]],
    count: int,
    customers: Mapping[int, CustomerTally],
    cadence: Mapping[Grade, int],
    now: datetime,
    progress: Callable[[int], None] | None = None,
    calendar: WorkCalendar | None = None,
    prospect_cadence: int | None = None,
) -> None:
    """Insert the `count` visits of `chunks` (flat lists of rows of ROW's first STORED fields,
    one after the other); `progress` is told how many are in after each chunk.

    A load that at least doubles the visits (a first import of the team's
    history) goes in without the visits' indexes (and, on PostgreSQL, foreign
    keys), which are built again after it.
    """
    insert = pg_copy.inserter(session, Visit.__table__, VISIT_COLUMNS)
    money: list[Money] = []
    rows = _visit_rows(chunks, customers, cadence, now, insert, calendar, prospect_cadence, money)
    before = session.scalar(select(func.count()).select_from(Visit)) or 0
    last_id = session.scalar(select(func.max(Visit.id))) or 0
    written = insert.flat(next(rows, []))  # also opens the database's own transaction
    big = count >= max(SET_ASIDE_AT, before)
    with ExitStack() as aside:
        if big:
            aside.enter_context(bulk.indexes_set_aside(session, Visit.__table__))
            aside.enter_context(pg_copy.foreign_keys_set_aside(session, Visit.__table__))
            aside.enter_context(pg_copy.straight_in(session, insert))
        with pg_copy.streaming(insert):  # nothing but rows made in here
            for batch in rows:
                written += insert.flat(batch)
                if progress is not None:
                    progress(written)
        pg_copy.flush(insert)  # before the indexes are built again
    if big:
        pg_copy.analyze(session, Visit.__table__)
    _insert_money(session, money, last_id, now)


def _insert_money(session: Session, money: list[Money], after_id: int, now: datetime) -> None:
    """The sales and collections the visits brought, as `log_visit` adds them: each on its
    visit, with the visit's rep, customer and day. The visits just inserted are the ones
    after `after_id`, in the order they went in (ids are never reused)."""
    if not money:
        return
    query = select(Visit.id).where(Visit.id > after_id).order_by(Visit.id)
    ids = iter(session.scalars(query.execution_options(yield_per=bulk.CHUNK)))
    sales = pg_copy.inserter(session, Sale.__table__, MONEY_COLUMNS)
    collection_columns = [c.replace("sale_date", "collection_date") for c in MONEY_COLUMNS]
    collections = pg_copy.inserter(session, Collection.__table__, collection_columns)
    sale_day, collection_day = sales.stored("sale_date"), collections.stored("collection_date")
    sold_at, collected_at = sales.stored("created_at")[now], collections.stored("created_at")[now]
    sold: list[tuple[object, ...]] = []
    got: list[tuple[object, ...]] = []
    place, visit_id = -1, 0
    for at, amount, collected, rep, customer, day in money:
        while place < at:
            visit_id, place = next(ids), place + 1
        if amount is not None:
            sold.append((rep, customer, visit_id, sale_day[day], amount, sold_at))
        if collected is not None:
            got.append((rep, customer, visit_id, collection_day[day], collected, collected_at))
    for start in range(0, max(len(sold), len(got)), bulk.CHUNK):
        sales(sold[start : start + bulk.CHUNK])
        collections(got[start : start + bulk.CHUNK])
    pg_copy.flush(sales)
    pg_copy.flush(collections)


def update_customers(session: Session, customers: Mapping[int, CustomerTally]) -> list[int]:
    """Each visited customer as `log_visit` leaves it: its rep, the day it became known and
    its standing (won, lost); returns the ids of all visited customers."""
    changed = []
    visited = []
    for c in customers.values():
        if c.first_day is None:
            continue
        visited.append(c.id)
        standing = Standing(c.category, c.lost_on, c.won_on)
        # Only the first win (category, won_on) and the last win or loss (lost_on) tell.
        if c.win_day is not None:
            standing = after_event(standing, c.win_day, Outcome.WON, sold=False)
        # (a visit with a sale and `lost` wins first, then loses: "bought a last time")
        if c.last_day is not None and (c.last_key != c.win_key or c.last_outcome is Outcome.LOST):
            standing = after_event(standing, c.last_day, c.last_outcome, sold=False)
        rep_id = c.rep_id if c.rep_id is not None else c.first_rep
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
    pg_copy.update_by_id(session, Customer.__table__, changed)
    return visited


def write_headers(
    session: Session,
    headers: Mapping[tuple[int, date], HeaderTally],
    reps: Mapping[int, KnownRep],
) -> None:
    """Each rep's daily report header (weather, region) as `set_report_header` leaves it:
    a new one takes the rep's own region where the visits give none."""
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
    insert = pg_copy.inserter(session, DailyReport.__table__, HEADER_COLUMNS)
    stored_day = insert.stored("report_date")
    added: list[tuple[object, ...]] = []
    changed = []
    for (rep_id, day), header in headers.items():
        found = existing.get((rep_id, day))
        if found is None:
            region = header.region or reps[rep_id].region
            added.append((rep_id, stored_day[day], region, header.weather))
            continue
        i, region, weather = found
        after = (header.region or region or reps[rep_id].region, header.weather or weather)
        if after != (region, weather):
            changed.append({"id": i, "region": after[0], "weather": after[1]})
    for start in range(0, len(added), bulk.CHUNK):
        insert(added[start : start + bulk.CHUNK])
    pg_copy.flush(insert)
    pg_copy.update_by_id(session, DailyReport.__table__, changed)
