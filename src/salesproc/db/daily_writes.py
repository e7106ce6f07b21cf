"""The daily writes, `log-visit` and `sale add` (and `report header`), without the ORM.

A rep runs these after every call: their cost is mostly start-up. So they do not go
through the ORM, and their statements (`db.write_statements`) run through `db.prepared`: on
an SQLite file, compiled once and sent through `sqlite3` itself (`Context.write` gives a
`prepared.SqliteWriter`), never importing SQLAlchemy; elsewhere, on a Core connection in a
write transaction. `db.writes` runs the same functions on its session's connection for the
demo and for returns, so each rule of a visit or a sale is written here once.

What the ORM did for them is done here by hand, the same way: the typed text
trimmed and measured before it is stored (`limits.checked_row`, as
`typed_text` does at a flush), the customer's changed columns alone updated,
in the order a flush sends them (the customer, then the visit or sale that
refers to it), and the customer's kept schedule recomputed
(`write_statements.refresh_counts`, `refresh_due`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple, Protocol, TypeVar

from salesproc.db.daily_reads import RepRef, find_rep
from salesproc.db.limits import checked_row
from salesproc.db.prepared import Query, execute, rows, scalar
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.cadence import Revisit, cadence_days, revisit
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.dates import SALE_DATE_AHEAD, VISIT_DATE_AHEAD, check_not_future
from salesproc.rules.lifecycle import Standing, after_event, sells
from salesproc.rules.names import clean_name, legacy_name_key, name_key
from salesproc.rules.vocab import Category, Grade, Outcome, Purpose

#: a connection in a write transaction: `sqlite3`'s (`prepared.SqliteWriter`), SQLAlchemy's
Writer = Any
_WRITES = "salesproc.db.write_statements:"


def _new_row(db: Writer, table: str, values: dict[str, Any]) -> int:
    """Inserts a row of `table`; its id."""
    found = execute(db, Query(_WRITES + "new_row", (table, tuple(values)), values))
    assert found is not None  # an INSERT says its row's id
    return int(found)


@dataclass(frozen=True)
class VisitInput:
    rep: str
    customer: str
    purposes: tuple[Purpose, ...]
    visit_date: date
    start: time | None = None
    end: time | None = None
    result: str | None = None
    outcome: Outcome | None = None
    next_visit: date | None = None
    note: str | None = None
    weather: str | None = None
    #: the daily report's region, when not the rep's own (an imported report)
    region: str | None = None
    amount_cents: int | None = None
    #: money collected on the visit (回款, `--collected`)
    collected_cents: int | None = None
    #: the customer's category as the visit recorded it, when replaying an exported report;
    #: None: the customer's category now
    category: Category | None = None
    #: `--next +N`: the revisit N days after the visit, moved off a day off (unlike `next_visit`)
    next_days: int | None = None


class Graded(Protocol):
    """What a revisit is counted from: a customer's grade and category (a record or a row)."""

    @property
    def grade(self) -> str: ...

    @property
    def category(self) -> str: ...


def planned_revisit(
    entry: VisitInput,
    customer: Graded,
    cadence: Mapping[Grade, int],
    calendar: WorkCalendar,
    prospect_cadence: int | None = None,
) -> Revisit:
    """The next visit `log_visit` gives `entry` to `customer` (as it stands before the visit).

    A prospect won on this visit is no longer one: its next visit goes by its grade.
    """
    is_prospect = customer.category == Category.PROSPECT and entry.outcome is not Outcome.WON
    days = cadence_days(Grade(customer.grade), cadence, prospect_cadence, is_prospect)
    return revisit(entry.visit_date, days, calendar, entry.next_visit, entry.next_days)


def ends_before_start(start: time, end: time) -> str:
    return _("visit ends ({end:%H:%M}) before it starts ({start:%H:%M})").format(
        start=start, end=end
    )


def same_visit_on_file(
    found: int, rep: str, customer: str, day: date, start: time | None
) -> InputError:
    """A visit logged twice (a retry after a doubtful call, a slip) would count twice."""
    message = (
        _(
            "visit #{id} is already on file: {rep} → {customer} on {day} at {start:%H:%M}; "
            "pass --again to log another"
        )
        if start is not None
        else _(
            "visit #{id} is already on file: {rep} → {customer} on {day} without a start "
            "time; pass --start, or --again to log another"
        )
    )
    return InputError(message.format(id=found, rep=rep, customer=customer, day=day, start=start))


def header_region(given: str | None, kept: str | None, rep_region: str | None) -> str | None:
    """A daily report's region: the one given, else the one it has, else its rep's."""
    return given or kept or rep_region


# -- looking up ------------------------------------------------------------------------------


def same_visit(
    db: Writer,
    rep_id: int,
    customer_id: int,
    day: date,
    start: time | None,
    other_than: int | None = None,
) -> int | None:
    """The id of the visit on file with this rep, customer, day and start time (the first
    logged), `other_than` the visit being edited: the same visit twice (`visit_keys`)."""
    values: dict[str, Any] = {
        "rep_id": rep_id, "customer_id": customer_id, "day": day, "other_than": other_than or 0
    }  # fmt: skip
    if start is not None:
        values["start"] = start
    found = scalar(db, Query(_WRITES + "same_visit", (start is None,), values))
    return None if found is None else int(found)


def find_active_rep(db: Writer, code: str, option: str | None = "--rep") -> RepRef:
    """The rep `--rep` (or `option`) names (`daily_reads.find_rep`), refused when
    deactivated."""
    rep = find_rep(db, code, option)
    if not rep.active:
        from salesproc.db.writes import deactivated  # the words of a refusal only

        raise InputError(deactivated(rep.code))
    return rep


class CustomerRow(NamedTuple):
    """A customer as a visit or a sale needs it (`write_statements.CUSTOMER`)."""

    id: int
    name: str
    name_key: str
    grade: str
    category: str
    rep_id: int | None
    added_on: date
    won_on: date | None
    lost_on: date | None


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def name_key(self) -> str: ...


C = TypeVar("C", bound=Named)


def pick_customer(found: Sequence[C], name: str) -> C | None:
    """Of the customers found by `name_key` or `legacy_name_key` of `name`, the one it names:
    its exact name first (a look-alike the 0006 migration left on its old key), else the
    customer on the current key."""
    exact = [c for c in found if c.name == clean_name(name)]
    current = [c for c in found if c.name_key == name_key(name)]
    return (exact or current or [None])[0]


def find_customer(db: Writer, name: str) -> CustomerRow:
    """The customer `name` names, as `name_key` compares names (ＫＫ便利店 is KK便利店).

    A look-alike the 0006 migration left on its old key (its name clashed with an
    earlier customer's under the new rule) is still found by its own exact name,
    so `customer merge` can join the two.
    """
    keys = sorted({name_key(name), legacy_name_key(name)})
    query = Query(_WRITES + "customers_keyed", (), {"keys": keys})
    customer = pick_customer([CustomerRow(*row) for row in rows(db, query)], name)
    if customer is None:
        from salesproc.db.writes import unknown_customer  # the words of a refusal only

        names = [row[0] for row in rows(db, Query(_WRITES + "customer_names"))]
        raise unknown_customer(name, names)
    return customer


# -- the customer after a visit or a sale ----------------------------------------------------


def refresh_schedule(db: Writer, customer_id: int) -> None:
    """One customer's kept schedule from its visits (`writes.refresh_schedules`)."""
    for builder in ("refresh_counts", "refresh_due"):
        execute(db, Query(_WRITES + builder, (True,), {"ids": [customer_id]}))


def _update_customer(
    db: Writer,
    customer: Any,
    rep_id: int,
    day: date,
    outcome: Outcome | None,
    sold: bool,
    visited: bool,
) -> Standing:
    """The customer after a visit or sale on `day`: its rep if it had none, its standing
    (`rules.lifecycle`), and for a visit (not a sale) the day it became known. Only changed
    columns are written, as a flush writes them (a rep's login may not touch the others on
    PostgreSQL)."""
    before = Standing(Category(customer.category), customer.lost_on, customer.won_on)
    after = after_event(before, day, outcome, sold)
    changed: dict[str, object] = {}
    if customer.rep_id is None:
        changed["rep_id"] = rep_id
    if visited and day < customer.added_on:
        changed["added_on"] = day
    for key in ("category", "lost_on", "won_on"):
        if getattr(after, key) != getattr(before, key):
            changed[key] = getattr(after, key)
    if changed:
        checked = checked_row("customers", changed)
        values = {**checked, "customer_id": customer.id}
        execute(db, Query(_WRITES + "customer_changed", (tuple(checked),), values))
    return after


# -- log-visit -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedFacts:
    """What `log-visit` confirms of the visit it wrote."""

    id: int
    rep: str
    customer: str
    customer_id: int
    purposes: str
    next_visit: date
    moved_from: date | None
    #: the customer's category when the visit was made, and after it
    category: str
    customer_category: Category
    lost: bool


def log_visit(
    db: Writer,
    entry: VisitInput,
    cadence: Mapping[Grade, int],
    today: date,
    logged_at: datetime,
    again: bool = False,
    calendar: WorkCalendar | None = None,
    prospect_cadence: int | None = None,
    refresh: bool = True,
) -> LoggedFacts:
    """One row of the daily report; with an amount, the sale it brought too (and with
    `collected_cents` its collection). The same visit (rep, customer, day, start time:
    `visit_keys`) twice is refused unless `again`.

    A revisit the tool counts (cadence, `+N`) lands on a working day of `calendar`
    (none: as counted). A caller writing many visits may pass `refresh=False` and
    refresh the schedules once at the end (the demo)."""
    rep = find_active_rep(db, entry.rep)
    customer = find_customer(db, entry.customer)
    day = entry.visit_date
    # the revisit's own refusal (`--next` before the visit) first, as it always came
    planned = planned_revisit(
        entry, customer, cadence, calendar or WorkCalendar(frozenset(range(7))), prospect_cadence
    )
    check_not_future(day, today, VISIT_DATE_AHEAD)
    if entry.start and entry.end and entry.end < entry.start:
        raise InputError(ends_before_start(entry.start, entry.end))
    if not again:
        found = same_visit(db, rep.id, customer.id, day, entry.start)
        if found is not None:
            raise same_visit_on_file(found, rep.code, customer.name, day, entry.start)
    category = entry.category or customer.category
    visit = checked_row(
        "visits",
        {
            "rep_id": rep.id,
            "customer_id": customer.id,
            "visit_date": day,
            "start_time": entry.start,
            "end_time": entry.end,
            "purposes": ",".join(entry.purposes),
            "result": entry.result,
            "outcome": entry.outcome,
            "category": category,
            "next_visit": planned.day,
            "note": entry.note,
            "logged_at": logged_at,
        },
    )
    after = _update_customer(
        db, customer, rep.id, day, entry.outcome, sold=entry.amount_cents is not None, visited=True
    )
    visit_id = _new_row(db, "visits", visit)
    if refresh:
        refresh_schedule(db, customer.id)
    on_visit = {"rep_id": rep.id, "customer_id": customer.id, "visit_id": visit_id,
                "ref": None, "source_key": None, "created_at": logged_at}  # fmt: skip
    if entry.amount_cents is not None:
        sale = {**on_visit, "sale_date": day, "amount_cents": entry.amount_cents}
        _new_row(db, "sales", {**sale, "return_of_id": None})
    if entry.collected_cents is not None:
        collected = {**on_visit, "collection_date": day, "amount_cents": entry.collected_cents}
        _new_row(db, "collections", collected)
    if entry.weather or entry.region:
        set_report_header(db, rep.id, day, entry.weather, entry.region)
    return LoggedFacts(
        id=int(visit_id),
        rep=rep.code,
        customer=customer.name,
        customer_id=customer.id,
        purposes=str(visit["purposes"]),
        next_visit=planned.day,
        moved_from=planned.moved_from,
        category=str(category),
        customer_category=after.category,
        lost=after.lost_on is not None,
    )


def set_report_header(
    db: Writer, rep_id: int, day: date, weather: str | None, region: str | None = None
) -> tuple[str | None, str | None]:
    """The daily report's header (region, weather): one per rep and day, the last word wins.
    Returns the header's region and weather as stored."""
    found = rows(db, Query(_WRITES + "report_header", (), {"rep_id": rep_id, "day": day}))
    kept_id, kept_region, kept_weather = found[0] if found else (None, None, None)
    rep_region = None
    if not (region or kept_region):
        rep_region = scalar(db, Query(_WRITES + "rep_region", (), {"rep_id": rep_id}))
    new_region = header_region(region, kept_region, rep_region)
    if kept_id is None:
        row = {"rep_id": rep_id, "report_date": day, "region": new_region, "weather": weather}
        _new_row(db, "daily_reports", checked_row("daily_reports", row))
        return row["region"], row["weather"]
    changed: dict[str, str | None] = {}
    if new_region != kept_region:
        changed["region"] = new_region
    if weather is not None and weather != kept_weather:
        changed["weather"] = weather
    if changed:
        checked = checked_row("daily_reports", changed)
        values = {**checked, "report_id": kept_id}
        execute(db, Query(_WRITES + "report_changed", (tuple(checked),), values))
    return changed.get("region", kept_region), changed.get("weather", kept_weather)


# -- sale add --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedSale:
    """What `sale add` confirms of the sale it wrote."""

    id: int
    rep: str
    customer: str | None
    sale_date: date
    amount_cents: int


def add_sale(
    db: Writer,
    rep_code: str,
    amount_cents: int,
    sale_date: date,
    customer_name: str | None,
    ref: str | None,
    today: date,
    now: datetime,
) -> RecordedSale:
    """A sale (a return when negative) for a rep; a prospect's first sale wins it."""
    rep = find_active_rep(db, rep_code)
    customer = find_customer(db, customer_name) if customer_name else None
    check_not_future(sale_date, today, SALE_DATE_AHEAD)
    sale = checked_row(
        "sales",
        {
            "rep_id": rep.id,
            "customer_id": customer.id if customer else None,
            "visit_id": None,
            "sale_date": sale_date,
            "amount_cents": amount_cents,
            "ref": ref,
            "source_key": None,
            "return_of_id": None,
            "created_at": now,
        },
    )
    if customer is not None:
        _update_customer(
            db, customer, rep.id, sale_date, None, sold=sells(amount_cents), visited=False
        )
    sale_id = _new_row(db, "sales", sale)
    if customer is not None:
        refresh_schedule(db, customer.id)
    return RecordedSale(
        int(sale_id), rep.code, customer.name if customer else None, sale_date, amount_cents
    )
