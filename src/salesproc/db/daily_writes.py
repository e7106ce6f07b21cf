"""The daily writes, `log-visit` and `sale add`, on a Core connection.

A rep runs these after every call: their cost is mostly start-up, and the ORM
(with the models and their mapping) is a third of it. So they are written
over the tables of `db.tables`, as the daily reads are (`db.reads`), and take
a `Connection` in a write transaction (`Context.write`); `db.writes` runs the
same functions on its session's connection for the demo and for returns, so
each rule of a visit or a sale is written here once.

What the ORM did for them is done here by hand, the same way: the typed text
trimmed and measured before it is stored (`limits.checked_row`, as
`typed_text` does at a flush), the customer's changed columns alone updated,
in the order a flush sends them (the customer, then the visit or sale that
refers to it), and the customer's kept schedule recomputed
(`refresh_statements`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Update, bindparam, case, insert, select, update

from salesproc.db import tables, visit_keys
from salesproc.db.limits import checked_row
from salesproc.db.shared_core import RepRef, due_on, find_rep, latest_visit_id, visit_count
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.cadence import Revisit, cadence_days, revisit
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.dates import SALE_DATE_AHEAD, VISIT_DATE_AHEAD, check_not_future
from salesproc.rules.lifecycle import Standing, after_event, sells
from salesproc.rules.names import clean_name, legacy_name_key, name_key
from salesproc.rules.vocab import Category, Grade, Outcome, Purpose

_c = tables.customers.c
_v = tables.visits.c


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


def find_active_rep(db: Connection, code: str) -> RepRef:
    """The rep `--rep` names (`shared_core.find_rep`), refused when deactivated."""
    rep = find_rep(db, code)
    if not rep.active:
        from salesproc.db.writes import deactivated  # the words of a refusal only

        raise InputError(deactivated(rep.code))
    return rep


_CUSTOMER = (
    _c.id, _c.name, _c.name_key, _c.grade, _c.category, _c.rep_id, _c.added_on, _c.won_on,
    _c.lost_on,
)  # fmt: skip


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


def find_customer(db: Connection, name: str) -> Any:
    """The customer `name` names (as `writes.find_customer` finds it): a row of `_CUSTOMER`."""
    keys = {name_key(name), legacy_name_key(name)}
    found = db.execute(select(*_CUSTOMER).where(_c.name_key.in_(keys))).all()
    customer = pick_customer(found, name)
    if customer is None:
        from salesproc.db.writes import unknown_customer  # the words of a refusal only

        names = list(db.scalars(select(_c.name)))
        raise unknown_customer(name, names)
    return customer


# -- the customer after a visit or a sale ----------------------------------------------------


@cache
def refresh_statements(scoped: bool) -> tuple[Update, Update]:
    """`writes.refresh_schedules`' two statements, built once: making the aliased subqueries
    costs more than running them."""
    scope = [_c.id.in_(bindparam("ids", expanding=True))] if scoped else []
    won = _c.won_on.is_not(None)
    counts = (
        update(tables.customers)
        .where(*scope)
        .values(
            last_visit_id=latest_visit_id(),
            visit_count=visit_count(),
            visits_to_win=case((won, visit_count(_c.won_on)), else_=None),
        )
    )
    last = tables.visits.alias()
    latest_next = select(last.c.next_visit).where(last.c.id == _c.last_visit_id).scalar_subquery()
    due = update(tables.customers).where(*scope).values(next_due=due_on(latest_next))
    return counts, due


def refresh_schedule(db: Connection, customer_id: int) -> None:
    """One customer's kept schedule from its visits (`writes.refresh_schedules`)."""
    for statement in refresh_statements(True):
        db.execute(statement, {"ids": [customer_id]})


def _update_customer(
    db: Connection,
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
        statement = update(tables.customers).where(_c.id == bindparam("customer_id"))
        db.execute(statement.values(**checked_row("customers", changed)),
                   {"customer_id": customer.id})  # fmt: skip
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
    db: Connection,
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
        found = visit_keys.same_visit(db, rep.id, customer.id, day, entry.start)
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
    visit_id = db.execute(insert(tables.visits), visit).inserted_primary_key[0]
    if refresh:
        refresh_schedule(db, customer.id)
    on_visit = {"rep_id": rep.id, "customer_id": customer.id, "visit_id": visit_id,
                "ref": None, "source_key": None, "created_at": logged_at}  # fmt: skip
    if entry.amount_cents is not None:
        sale = {**on_visit, "sale_date": day, "amount_cents": entry.amount_cents}
        db.execute(insert(tables.sales), {**sale, "return_of_id": None})
    if entry.collected_cents is not None:
        collected = {**on_visit, "collection_date": day, "amount_cents": entry.collected_cents}
        db.execute(insert(tables.collections), collected)
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
    db: Connection, rep_id: int, day: date, weather: str | None, region: str | None = None
) -> tuple[str | None, str | None]:
    """The daily report's header (region, weather): one per rep and day, the last word wins.
    Returns the header's region and weather as stored."""
    d = tables.daily_reports.c
    kept = db.execute(
        select(d.id, d.region, d.weather).where(d.rep_id == rep_id, d.report_date == day)
    ).first()
    rep_region = None
    if not (region or (kept is not None and kept.region)):
        rep_region = db.scalar(select(tables.reps.c.region).where(tables.reps.c.id == rep_id))
    new_region = header_region(region, kept.region if kept else None, rep_region)
    if kept is None:
        row = {"rep_id": rep_id, "report_date": day, "region": new_region, "weather": weather}
        db.execute(insert(tables.daily_reports), checked_row("daily_reports", row))
        return row["region"], row["weather"]
    changed: dict[str, str | None] = {}
    if new_region != kept.region:
        changed["region"] = new_region
    if weather is not None and weather != kept.weather:
        changed["weather"] = weather
    if changed:
        checked = checked_row("daily_reports", changed)
        db.execute(update(tables.daily_reports).where(d.id == kept.id).values(**checked))
    return changed.get("region", kept.region), changed.get("weather", kept.weather)


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
    db: Connection,
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
    sale_id = db.execute(insert(tables.sales), sale).inserted_primary_key[0]
    if customer is not None:
        refresh_schedule(db, customer.id)
    return RecordedSale(
        int(sale_id), rep.code, customer.name if customer else None, sale_date, amount_cents
    )
