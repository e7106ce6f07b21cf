"""Everything that changes the database, each one transaction.

Functions take parsed, typed values (the CLI and importers parse text with the
rules), look up what they refer to, apply the rules and write. They flush but
never commit: the caller owns the transaction, so a command (or a whole demo
or import) either lands completely or not at all.
"""

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    Connection,
    delete,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from salesproc.db import daily_writes, limits, write_statements
from salesproc.db.daily_writes import VisitInput, ends_before_start
from salesproc.db.history import Who
from salesproc.db.models import Call, Collection, Customer, FieldDay, Rep, Sale, Visit
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.cadence import next_working_day
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.dates import VISIT_DATE_AHEAD, check_not_future
from salesproc.rules.lifecycle import Standing, before_history, replay, sells
from salesproc.rules.names import clean_name, code_key, name_key
from salesproc.rules.vocab import Category, Grade, Outcome, Purpose


def _close_matches(word: str, candidates: Sequence[str]) -> list[str]:
    matches = difflib.get_close_matches(word, candidates, n=3, cutoff=0.5)
    if not matches:
        lowered = word.casefold()
        matches = [c for c in candidates if lowered in c.casefold()][:3]
    return matches


def same_name_reps(text: str, codes: Sequence[str], option: str | None = None) -> str:
    """Why a name shared by several reps finds none of them, and what to give instead: the words
    of every `--rep` (`option`) and of an import's row (no option: the row says where)."""
    shown = f"{option} {text}" if option else text
    return _("{rep}: {n} reps have this name: {codes}; use the code").format(
        rep=shown, n=len(codes), codes=", ".join(codes)
    )


def find_rep(session: Session, code: str, option: str | None = "--rep") -> Rep:
    """The rep `code` names, as `daily_reads.find_rep` resolves every `--rep`: its record."""
    from salesproc.db.daily_reads import find_rep as resolve

    return session.get_one(Rep, resolve(session, code, option).id)


def refuse_unknown_rep(db: Session | Connection | None, code: str, codes: Sequence[str]) -> None:
    """Why no rep is named `code` (`daily_reads.find_rep` found none): another rep's, for a
    rep's login (`db`; None on an SQLite file, which has no logins); else unknown, with the
    closest of `codes`."""
    text = code.strip()
    if db is not None:
        _refuse_a_colleague(db if isinstance(db, Session) else Session(bind=db), text)
    matches = _close_matches(code, codes)
    if matches:
        message = _("unknown rep {code!r}; did you mean {matches}?")
    else:
        message = _("unknown rep {code!r}; see `salesproc rep list`")
    raise InputError(message.format(code=code, matches=", ".join(matches)))


def deactivated(code: str) -> str:
    """Why a deactivated rep can record nothing new, and how to change that: every write's words."""
    return _("rep {code!r} is deactivated; run `salesproc rep activate {code}` first").format(
        code=code
    )


def _refuse_a_colleague(session: Session, text: str) -> None:
    """A rep's login reads only its own row of `reps` (migration 0011): a colleague it names is
    refused as such, not called unknown."""
    from salesproc.db import team
    from salesproc.db.team_login import rep_login

    login = rep_login(session)
    if login is None:
        return
    named = [
        code
        for code, name in team.published_codes(session)
        if code_key(code) == code_key(text) or name_key(name) == name_key(text)
    ]
    if named:
        raise InputError(
            _("you can act only as {mine}: {rep} is another rep (your login {login} is a rep's)")
            .format(mine=login.rep or "–", rep=named[0], login=login.login)
        )  # fmt: skip


def find_active_rep(session: Session, code: str, option: str | None = "--rep") -> Rep:
    """`daily_writes.find_active_rep`, its record."""
    return session.get_one(Rep, daily_writes.find_active_rep(session, code, option).id)


def find_customer(session: Session, name: str) -> Customer:
    """`daily_writes.find_customer`, its record."""
    return session.get_one(Customer, daily_writes.find_customer(session, name).id)


def unknown_customer(name: str, names: Sequence[str]) -> InputError:
    """No customer is called `name`: the closest of `names`, else how to add it."""
    matches = _close_matches(clean_name(name), names)
    if matches:
        message = _("unknown customer {name!r}; did you mean {matches}?")
    else:
        message = _("unknown customer {name!r}; add it with `salesproc customer add`")
    return InputError(message.format(name=name, matches=", ".join(matches)))


def add_rep(
    session: Session,
    code: str,
    name: str,
    region: str | None,
    phone: str | None,
    now: datetime,
    *,
    allow_same_name: bool = False,
) -> Rep:
    """A new rep. Its code is unique ignoring case; its name too, unless `allow_same_name`
    (two real 张伟): a second one by accident would take the first one's forms and figures."""
    code = code.strip()
    if not code or any(ch.isspace() for ch in code):
        raise InputError(
            _("bad rep code {code!r}; use one word such as zhangwei or r01").format(code=code)
        )
    if not clean_name(name):
        raise InputError(_("the rep's --name is empty"))
    reps = list(session.execute(select(Rep.code, Rep.name).order_by(Rep.id)))
    for other in reps:
        if other.code == code:
            raise InputError(_("rep {code!r} already exists; pick another code").format(code=code))
        if code_key(other.code) == code_key(code):
            raise InputError(
                _(
                    "rep {code!r} already exists as {other!r} (codes ignore case); "
                    "pick another code"
                ).format(code=code, other=other.code)
            )
    if not allow_same_name:
        for other in reps:
            if name_key(other.name) == name_key(name):
                raise InputError(
                    _(
                        "rep {other!r} already has the name {name}; give another name, "
                        "or pass --allow-same-name if they are two people"
                    ).format(other=other.code, name=other.name)
                )
    rep = Rep(
        code=code, name=clean_name(name), region=region, phone=phone, active=True, created_at=now
    )
    limits.check_record(rep)  # before it is added: an import tells the row and goes on
    session.add(rep)
    session.flush()
    return rep


def set_rep_active(session: Session, code: str, active: bool, who: Who) -> Rep:
    rep = find_rep(session, code, option=None)
    taken = _taken("rep", [rep])
    rep.active = active
    _record_changes(session, who, taken, "activate" if active else "deactivate")
    return rep


@dataclass(frozen=True)
class CustomerFields:
    """The optional fields of `customer add` and `customer edit`; None means "leave as is"."""

    name: str | None = None
    grade: Grade | None = None
    rep: str | None = None
    contact: str | None = None
    phone: str | None = None
    region: str | None = None
    category: Category | None = None


def _ensure_unique_name(session: Session, name: str, except_id: int | None = None) -> str:
    cleaned = clean_name(name)
    if not cleaned:
        raise InputError(_("the customer name is empty"))
    clash = session.scalar(select(Customer).where(Customer.name_key == name_key(cleaned)))
    if clash is not None and clash.id != except_id:
        if clash.name == cleaned:
            message = _("customer {name} already exists; use it, or pick another name")
        else:
            message = _(
                "customer {name} already exists (as {existing}); use it, or merge with "
                "customer merge"
            )
        raise InputError(message.format(name=cleaned, existing=clash.name))
    return cleaned


def new_customer_row(
    name: str, grade: Grade, category: Category, rep_id: int | None, today: date, now: datetime
) -> dict[str, object]:
    """A new customer's column values, never visited: due from the day it is added.

    For bulk inserts, whose caller has already checked the name is new.
    """
    return {
        "name": name,
        "name_key": name_key(name),
        "grade": grade,
        "category": category,
        "rep_id": rep_id,
        "added_on": today,
        "created_at": now,
        "next_due": today,
        "visit_count": 0,
    }


def add_customer(session: Session, fields: CustomerFields, today: date, now: datetime) -> Customer:
    assert fields.name is not None and fields.grade is not None
    name = _ensure_unique_name(session, fields.name)
    rep_id = find_rep(session, fields.rep).id if fields.rep else None
    category = fields.category or Category.PROSPECT
    customer = Customer(
        **new_customer_row(name, fields.grade, category, rep_id, today, now),
        contact=fields.contact,
        phone=fields.phone,
        region=fields.region,
    )
    session.add(customer)
    session.flush()
    return customer


def edit_customer(session: Session, name: str, fields: CustomerFields, who: Who) -> Customer:
    customer = find_customer(session, name)
    taken = _taken("customer", [customer])
    if fields.name is not None:
        customer.name = _ensure_unique_name(session, fields.name, except_id=customer.id)
        customer.name_key = name_key(customer.name)
    if fields.rep is not None:
        customer.rep_id = find_rep(session, fields.rep).id
    for attribute in ("grade", "contact", "phone", "region", "category"):
        value = getattr(fields, attribute)
        if value is not None:
            setattr(customer, attribute, value)
    _record_changes(session, who, taken, "edit")
    return customer


def log_visit(
    session: Session,
    entry: VisitInput,
    cadence: Mapping[Grade, int],
    today: date,
    logged_at: datetime,
    again: bool = False,
    calendar: WorkCalendar | None = None,
    prospect_cadence: int | None = None,
    refresh: bool = True,
) -> Visit:
    """`daily_writes.log_visit` in a session (the demo): its visit as a record, and the
    customer it changed read afresh."""
    session.flush()
    logged = daily_writes.log_visit(
        session.connection(), entry, cadence, today, logged_at, again, calendar,
        prospect_cadence, refresh,
    )  # fmt: skip
    _written_past(session, logged.customer_id)
    return session.get_one(Visit, logged.id)


def _written_past(session: Session, customer_id: int) -> None:
    """A customer `daily_writes` changed past the session: its loaded record is out of date.
    (It also writes the rep's report header, the sale and the collection, which no caller
    of these wrappers holds as records.)"""
    customer = session.identity_map.get(identity_key(Customer, customer_id))
    if customer is not None:
        session.expire(customer)


SCHEDULE = ["last_visit_id", "visit_count", "visits_to_win", "next_due"]


def refresh_schedules(session: Session, customer_ids: Sequence[int] | None = None) -> None:
    """Recompute the kept schedule of some customers (None: all) from their visits.

    Called after every change to a customer's visits or standing (and once
    after a bulk load), so the due list and the four-visit summary never have
    to look through the visits table. Set-based: a few index seeks a customer.
    """
    session.flush()
    params = {} if customer_ids is None else {"ids": list(customer_ids)}
    scoped = customer_ids is not None
    statements = write_statements.refresh_counts(scoped), write_statements.refresh_due(scoped)
    for statement in statements:
        session.execute(statement, params, execution_options={"synchronize_session": False})
    if customer_ids is None:
        stale = [obj for obj in session.identity_map.values() if isinstance(obj, Customer)]
    else:
        keys = (identity_key(Customer, i) for i in customer_ids)
        stale = [session.identity_map[k] for k in keys if k in session.identity_map]
    for customer in stale:  # loaded customers now hold the old values
        session.expire(customer, SCHEDULE)


def refresh_many(session: Session, customer_ids: Sequence[int], customers: int) -> None:
    """After a bulk load: the schedules of `customer_ids`, out of `customers` in all.

    When that is most of them, one unscoped pass is cheaper than many scoped
    ones; otherwise in chunks small enough for any driver's parameter limit.
    Set-based scans, as quick with a small SQLite page cache: a big one would be
    the import's peak memory.
    """
    from salesproc.db import bulk

    with bulk.sqlite_cache(session, bulk.BUILD_CACHE_KIB):
        if len(customer_ids) * 2 > customers:
            refresh_schedules(session)
            return
        for start in range(0, len(customer_ids), 500):
            refresh_schedules(session, customer_ids[start : start + 500])


@dataclass(frozen=True)
class VisitChanges:
    """What `visit edit` may change; None means "leave as is".

    Who visited whom, the outcome and the sale are the customer's history
    (won, lost, the leaderboard): to change those, delete the visit and log it again.
    """

    visit_date: date | None = None
    start: time | None = None
    end: time | None = None
    purposes: tuple[Purpose, ...] | None = None
    result: str | None = None
    #: a date, or days after the visit's (new) date, as `--next +7` says
    next_visit: date | timedelta | None = None
    note: str | None = None


def find_visit(session: Session, visit_id: int) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise InputError(
            _("no visit #{visit_id}; see `salesproc visit list`").format(visit_id=visit_id)
        )
    return visit


def edit_visit(
    session: Session,
    visit_id: int,
    changes: VisitChanges,
    today: date,
    who: Who,
    calendar: WorkCalendar | None = None,
) -> Visit:
    visit = find_visit(session, visit_id)
    taken = _on_visit(session, visit)
    if changes.visit_date is not None:
        check_not_future(changes.visit_date, today, VISIT_DATE_AHEAD)
        visit.visit_date = changes.visit_date
        visit.customer.added_on = min(visit.customer.added_on, changes.visit_date)
        for sale in session.scalars(select(Sale).where(Sale.visit_id == visit.id)):
            sale.sale_date = changes.visit_date  # a visit's sale is on the visit's day
        for collected in session.scalars(select(Collection).where(Collection.visit_id == visit.id)):
            collected.collection_date = changes.visit_date  # and so is its collection
    for attribute in ("start", "end"):
        value = getattr(changes, attribute)
        if value is not None:
            setattr(visit, f"{attribute}_time", value)
    if visit.start_time and visit.end_time and visit.end_time < visit.start_time:
        raise InputError(ends_before_start(visit.start_time, visit.end_time))
    if changes.purposes is not None:
        visit.purposes = ",".join(changes.purposes)
    for attribute in ("result", "note"):
        value = getattr(changes, attribute)
        if value is not None:
            setattr(visit, attribute, value)
    if isinstance(changes.next_visit, timedelta):
        visit.next_visit = visit.visit_date + changes.next_visit
        if calendar is not None and changes.next_visit.days >= 0:  # counted: on a working day
            visit.next_visit = next_working_day(visit.next_visit, calendar)
    elif changes.next_visit is not None:
        visit.next_visit = changes.next_visit
    if visit.next_visit < visit.visit_date:
        raise InputError(
            _(
                "next visit {next_visit} is before the visit date {visit_date}; "
                "give --next on or after it"
            ).format(next_visit=visit.next_visit, visit_date=visit.visit_date)
        )
    if changes.visit_date is not None or changes.start is not None:
        twin = daily_writes.same_visit(
            session, visit.rep_id, visit.customer_id, visit.visit_date, visit.start_time, visit.id
        )
        if twin is not None:  # the edit would make two of one visit, which log-visit refuses
            raise InputError(
                _(
                    "visit #{twin} is already on file for {customer} on {day} at that time; "
                    "delete one of the two instead (salesproc visit delete)"
                ).format(twin=twin, customer=visit.customer.name, day=visit.visit_date)
            )
    refresh_schedules(session, [visit.customer_id])
    _record_changes(session, who, taken, "edit")
    return visit


#: a record, its kind and its values before a change: what `_record_changes` compares
Taken = list[tuple[str, Rep | Customer | Visit | Sale | Collection, dict[str, object]]]


def _taken(kind: str, records: Sequence[Rep | Customer | Visit | Sale | Collection]) -> Taken:
    from salesproc.db import history

    return [(kind, record, history.values(record)) for record in records]


def _on_visit(session: Session, visit: Visit) -> Taken:
    """A visit and what was logged on it: its sales and collections move and go with it, so a
    visit's correction is theirs too (a moved or deleted sale changes the leaderboard)."""
    sales = session.scalars(select(Sale).where(Sale.visit_id == visit.id))
    collections = session.scalars(select(Collection).where(Collection.visit_id == visit.id))
    return [
        *_taken("visit", [visit]),
        *_taken("sale", list(sales)),
        *_taken("collection", list(collections)),
    ]


def _record_changes(
    session: Session, who: Who, taken: Taken, action: str, *, deleted: bool = False
) -> None:
    """In the history, each record `taken` that this write changed (or deleted): a write that
    changed nothing leaves no row."""
    from salesproc.db import history

    session.flush()
    for kind, record, before in taken:
        after = None if deleted else history.values(record)
        if after != before:
            history.record(session, who, kind, record.id, action, before, after)


def delete_visit(session: Session, visit_id: int, who: Who) -> tuple[Visit, int]:
    """Remove a visit logged in error, with the sale logged on it; returns it and the sales gone.

    When it won or lost the customer, or sold to it, the customer's standing is
    replayed from its remaining visits and sales, so a deleted win is undone
    unless a later sale won the customer anyway.
    """
    visit = find_visit(session, visit_id)
    taken = _on_visit(session, visit)
    sales = list(session.scalars(select(Sale).where(Sale.visit_id == visit.id)))
    customer = visit.customer
    from salesproc.db.sales import check_no_returns  # (sales builds on this module)

    for sale in sales:
        check_no_returns(session, sale.id)
    for sale in sales:
        session.delete(sale)
    for collected in session.scalars(select(Collection).where(Collection.visit_id == visit.id)):
        session.delete(collected)  # logged with the visit, in error with it
    session.delete(visit)
    session.flush()
    _record_changes(session, who, taken, "delete", deleted=True)
    if visit.outcome is not None or sales:
        replay_standing(session, customer)
    refresh_schedules(session, [customer.id])
    return visit, len(sales)


def replay_standing(session: Session, customer: Customer) -> None:
    """Set the customer's standing (won, lost) from its remaining visits and sales, replayed.

    What undoes a visit or a sale deleted or moved away (`visit delete`, `sale
    edit`, `sale delete`): a later sale may have won the customer anyway, so the
    history is replayed without it rather than the event inverted. The caller
    refreshes the schedule (`refresh_schedules`) afterwards.
    """
    session.flush()
    history = union_all(
        select(
            Visit.visit_date.label("day"),
            Visit.outcome.label("outcome"),
            literal(None).label("amount"),
            Visit.id.label("id"),
        ).where(Visit.customer_id == customer.id, Visit.outcome.is_not(None)),
        select(Sale.sale_date, null(), Sale.amount_cents, Sale.id).where(
            Sale.customer_id == customer.id
        ),
    ).subquery()
    # A sale before a loss on the same day: "bought one last time, then no more".
    events = session.execute(
        select(history.c.day, history.c.outcome, history.c.amount).order_by(
            history.c.day, history.c.amount.is_(None), history.c.id
        )
    )
    before = Standing(Category(customer.category), customer.lost_on, customer.won_on)
    after = replay(
        before_history(before),
        (
            (day, Outcome(o) if o else None, amount is not None and sells(amount))
            for day, o, amount in events
        ),
    )
    customer.category, customer.lost_on, customer.won_on = (
        after.category,
        after.lost_on,
        after.won_on,
    )


def add_sale(
    session: Session,
    rep_code: str,
    amount_cents: int,
    sale_date: date,
    customer_name: str | None,
    ref: str | None,
    today: date,
    now: datetime,
) -> Sale:
    """`daily_writes.add_sale` in a session (a return): its sale as a record."""
    session.flush()
    sale = daily_writes.add_sale(
        session.connection(), rep_code, amount_cents, sale_date, customer_name, ref, today, now
    )
    record = session.get_one(Sale, sale.id)
    if record.customer_id is not None:
        _written_past(session, record.customer_id)
    return record


def _target_months(
    session: Session, rep_id: int | None, metric: str, year: int
) -> dict[str, object] | None:
    """A scope's year of targets as the history keeps it (None: none set): the months' amounts."""
    from salesproc.db.models import Target

    scope = Target.rep_id.is_(None) if rep_id is None else Target.rep_id == rep_id
    rows = session.execute(
        select(Target.month, Target.amount_cents).where(
            scope, Target.metric == metric, Target.year == year
        )
    ).all()
    if not rows:
        return None
    months = [0] * 12
    for month, cents in rows:
        months[month - 1] = int(cents)
    return {"rep_id": rep_id, "metric": metric, "year": year, "months": months}


def _record_target(
    session: Session, who: Who | None, before: dict[str, object] | None, rep_id: int | None
) -> None:
    """A target changed (not a first one: adding is no change), in the history; its id is the
    rep's (0 for the team)."""
    if who is None or before is None:
        return
    from salesproc.db import history

    after = _target_months(session, rep_id, str(before["metric"]), int(str(before["year"])))
    if after != before:
        history.record(session, who, "target", rep_id or 0, "set", before, after)


def set_year_target(
    session: Session,
    rep_id: int | None,
    year: int,
    months: Sequence[int],
    split: str,
    now: datetime,
    metric: str = "sales",
    who: Who | None = None,
) -> None:
    """A year's target, month by month, replacing whatever that rep (or the team) had."""
    from salesproc.db.models import Target

    before = _target_months(session, rep_id, metric, year)
    scope = Target.rep_id.is_(None) if rep_id is None else Target.rep_id == rep_id
    session.execute(delete(Target).where(scope, Target.metric == metric, Target.year == year))
    session.add_all(
        Target(
            rep_id=rep_id, metric=metric, year=year, month=m, amount_cents=c, split=split,
            set_at=now,
        )
        for m, c in enumerate(months, start=1)
    )  # fmt: skip
    session.flush()
    _record_target(session, who, before, rep_id)


def set_month_target(
    session: Session,
    rep_id: int | None,
    year: int,
    month: int,
    cents: int,
    now: datetime,
    metric: str = "sales",
    who: Who | None = None,
) -> None:
    """One month set by hand; the other months keep their amounts."""
    from salesproc.db.models import Target

    before = _target_months(session, rep_id, metric, year)
    scope = Target.rep_id.is_(None) if rep_id is None else Target.rep_id == rep_id
    row = session.scalar(
        select(Target).where(
            scope, Target.metric == metric, Target.year == year, Target.month == month
        )
    )
    if row is None:
        row = Target(rep_id=rep_id, metric=metric, year=year, month=month)
        session.add(row)
    row.amount_cents, row.split, row.set_at = cents, "month", now
    session.flush()
    _record_target(session, who, before, rep_id)


def log_call(
    session: Session,
    rep: Rep,
    day: date,
    at: time | None,
    window: str | None,
    verdict: str,
    note: str | None,
    now: datetime,
) -> Call:
    """A check-in call made: a doubtful one becomes a red flag of the audit."""
    call = Call(
        rep_id=rep.id, day=day, at=at, window=window, verdict=verdict, note=note, logged_at=now
    )
    session.add(call)
    session.flush()
    return call


@dataclass(frozen=True)
class FieldEntry:
    day: date
    region: str | None
    reps: Sequence[str]
    customers: Sequence[str]
    issue: str | None
    note: str | None


def log_field_day(session: Session, entry: FieldEntry, now: datetime) -> FieldDay:
    """A day in the market; the reps and customers must exist, so the summary counts them."""
    day = FieldDay(
        day=entry.day, region=entry.region, issue=entry.issue, note=entry.note, logged_at=now
    )
    day.reps = [find_rep(session, code) for code in dict.fromkeys(entry.reps)]
    day.customers = [find_customer(session, name) for name in dict.fromkeys(entry.customers)]
    session.add(day)
    session.flush()
    return day


def resolve_field_issue(session: Session, field_id: int, note: str, today: date) -> FieldDay:
    day = session.get(FieldDay, field_id)
    if day is None:
        raise InputError(_("no field record #{id}; see `salesproc field list`").format(id=field_id))
    if day.issue is None:
        raise InputError(
            _("field record #{id} found no issue; there is nothing to resolve").format(id=field_id)
        )
    if day.resolved_on is not None:
        raise InputError(
            _("the issue of field record #{id} was resolved on {day}").format(
                id=field_id, day=day.resolved_on
            )
        )
    day.resolution, day.resolved_on = note, today
    session.flush()
    return day
