"""The supervisor's checks on the reps: the audit's red flags and the daily check-in call.

A good result does not prove a good process, so the supervisor looks at the
process: `audit` finds where the reports look invented, skipped or gamed,
`call_plan` says when to call each rep today and what to ask (the audit's
flags of the last week among it), and `log_call` records what a call found —
a doubtful one is itself a red flag of the next audit.
"""

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, TypeVar

from salesproc.db import audit_reads
from salesproc.db.daily_reads import RankRow, find_rep, leaderboard
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules import audit as audit_rules
from salesproc.rules import callplan as cp
from salesproc.rules.audit import Flag, RepSummary, Severity, Verdict
from salesproc.rules.callplan import Call, Window
from salesproc.rules.callplan.promises import promises
from salesproc.rules.dates import check_not_future
from salesproc.rules.money import format_amount
from salesproc.rules.ranking import Metric
from salesproc.service.context import Context
from salesproc.service.instruments import supervisors_only

if TYPE_CHECKING:  # the audit and the call plan read through `db.prepared`: no ORM on their way
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from salesproc.db.callcheck import CallCheck
    from salesproc.db.prepared import SqliteReader
    from salesproc.db.queries import CallRow

__all__ = [
    "Audit",
    "AuditByRep",
    "CallPlan",
    "Flag",
    "LoggedCall",
    "RepSummary",
    "Severity",
    "Verdict",
    "audit",
    "audit_by_rep",
    "audit_flags",
    "call_plan",
    "list_calls",
    "log_call",
    "raised_flags",
    "thresholds",
]

_T = TypeVar("_T")

#: the audit's flags the call plan asks about: the week up to the previous working day
PLAN_LOOK_BACK = timedelta(days=6)


@dataclass(frozen=True)
class Audit:
    """The flags of [start, end], in the report's order (`rules.audit.flag_key`): the red
    ones, and the follow-ups unless left out (`hidden` counts those left out)."""

    start: date
    end: date
    flags: list[Flag]
    hidden: int = 0
    #: the flags left out because the supervisor dismissed them (`audit dismiss`)
    dismissed: int = 0


@dataclass(frozen=True)
class AuditByRep:
    """Each flagged rep's red flags and follow-ups over [start, end], the most urgent first."""

    start: date
    end: date
    reps: list[RepSummary]


@dataclass(frozen=True)
class CallPlan:
    """The day's check-in calls, red-flagged reps first, and the lines to announce on each."""

    day: date
    calls: list[Call]
    announce: list[str]


@dataclass(frozen=True)
class LoggedCall:
    id: int
    rep: str
    day: date
    at: time
    #: the window the time falls in; None outside all four
    window: Window | None
    verdict: Verdict
    note: str | None
    #: the customer phoned about its visit (`--customer`), that visit's day, and their answer
    customer: str | None = None
    visit_day: date | None = None
    confirmed: bool | None = None


def thresholds(ctx: Context) -> audit_rules.Thresholds:
    """The audit's lines as the config draws them; a bad [audit] table names the file."""
    low = ctx.settings.audit.get("min_minutes", audit_rules.Thresholds.min_minutes)
    high = ctx.settings.audit.get("max_minutes", audit_rules.Thresholds.max_minutes)
    if low > high:  # the one line a user can cross with values each in range
        raise InputError(
            _(
                "config {path}: [audit]: bad audit thresholds: min_minutes ({low}) is greater "
                "than max_minutes ({high})"
            ).format(path=ctx.settings.config_path, low=low, high=high)
        )
    try:
        return audit_rules.Thresholds(quota=ctx.settings.visit_quota, **ctx.settings.audit)
    except ValueError as exc:
        raise InputError(
            _("config {path}: [audit]: {reason}").format(path=ctx.settings.config_path, reason=exc)
        ) from None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while the audit builds its facts and flags: some hundred
    thousand objects, none in a cycle, and each collection would walk them all again (it
    cost the audit of a month a third of its time).

    What survives (the flags) goes straight to the oldest generation (`freeze`, then
    `unfreeze`: no object stays frozen); otherwise the first collection after would walk
    every object made meanwhile, and the next ones again as the report is written."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def raised_flags(ctx: Context, start: date, end: date, rep: str | None = None) -> list[Flag]:
    """Every flag the rules raise whose day is in [start, end], of one rep or all: those the
    supervisor dismissed too (what `audit dismiss` looks a flag up in, and `audit stats` counts)."""
    with ctx.quick_reading() as db:
        return _raised(ctx, db, start, end, rep)[1]


def _raised(
    ctx: Context, db: "Connection | SqliteReader", start: date, end: date, rep: str | None
) -> tuple[audit_rules.Facts, list[Flag]]:
    """The facts the audit of [start, end] read, and the flags it raised (of one rep or all)."""
    t = thresholds(ctx)
    calendar = ctx.calendar(range(start.year, end.year + 1))
    with _gc_paused():
        found = find_rep(db, rep) if rep else None
        facts = audit_reads.audit_facts(
            db, start, end, ctx.today, found and found.id, sale_days=t.sale_days
        )
        flags = audit_rules.audit(facts, start, end, ctx.today, calendar, t)
    # the facts hold every rep's visits (a customer's next visit may be another rep's)
    return facts, [flag for flag in flags if found is None or flag.rep == found.code]


def audit_flags(ctx: Context, start: date, end: date, rep: str | None = None) -> list[Flag]:
    """The audit's flags whose day is in [start, end], of one rep or all, less those the
    supervisor checked and found honest (`audit dismiss`): a dismissed flag does not return."""
    with ctx.quick_reading() as db:
        return _undismissed(ctx, db, start, end, rep)[1]


def _undismissed(
    ctx: Context, db: "Connection | SqliteReader", start: date, end: date, rep: str | None
) -> tuple[audit_rules.Facts, list[Flag], int]:
    """The facts read, the flags not dismissed, and how many were left out as dismissed."""
    facts, flags = _raised(ctx, db, start, end, rep)
    dismissed = audit_reads.dismissed_ids(db, start, end)
    if not dismissed:  # most days: no flag id worked out for nothing
        return facts, flags, 0
    kept = [flag for flag in flags if flag.id not in dismissed]
    return facts, kept, len(flags) - len(kept)


def audit_window(ctx: Context, start: date | None, end: date | None) -> tuple[date, date]:
    """[start, end]: the month to date unless told otherwise."""
    first = start or ctx.today.replace(day=1)
    last = end or ctx.today
    if first > last:
        raise InputError(_("--from {start} is after --to {end}").format(start=first, end=last))
    return first, last


def audit(
    ctx: Context,
    start: date | None = None,
    end: date | None = None,
    rep: str | None = None,
    follow_ups: bool = True,
) -> Audit:
    """The flags of [start, end] (the month to date unless told otherwise): the red flags,
    and the follow-ups too unless `follow_ups` is False."""
    supervisors_only(ctx, "audit")
    first, last = audit_window(ctx, start, end)
    with ctx.quick_reading() as db:
        _facts, flags, dismissed = _undismissed(ctx, db, first, last, rep)
    if follow_ups:
        return Audit(first, last, flags, dismissed=dismissed)
    red = [flag for flag in flags if flag.red]
    return Audit(first, last, red, hidden=len(flags) - len(red), dismissed=dismissed)


def audit_by_rep(
    ctx: Context, start: date | None = None, end: date | None = None, rep: str | None = None
) -> AuditByRep:
    """Each rep's red flags and follow-ups over [start, end], ordered by `rules.audit.score`."""
    supervisors_only(ctx, "audit")
    first, last = audit_window(ctx, start, end)
    return AuditByRep(first, last, audit_rules.by_rep(audit_flags(ctx, first, last, rep)))


def call_plan(ctx: Context, day: date, seed: int = 0) -> CallPlan:
    """Whom to call when on `day`, what to ask each, and what to announce on every call.

    The questions read the previous working day: its visits, the revisits
    promised for its week, the audit's flags of that week and the month's
    leaderboard as it stood after it (on the 1st: the month just ended).
    """
    supervisors_only(ctx, "call-plan")
    with _gc_paused():
        return _call_plan(ctx, day, seed)


def _call_plan(ctx: Context, day: date, seed: int) -> CallPlan:
    calendar = ctx.calendar({day.year, day.year - 1})
    before = cp.previous_workday(day, calendar)
    week = before - PLAN_LOOK_BACK
    quota = ctx.settings.visit_quota
    with ctx.quick_reading() as db:
        facts, flags, _dismissed = _undismissed(ctx, db, week, before, None)
        team = leaderboard(db, before, before, Metric.SALES)
        month = leaderboard(db, before.replace(day=1), before, Metric.SALES)
        visits = audit_reads.day_visits(db, before)
        logged = audit_reads.recent_windows(db, day)
        # the revisits promised for the week, from the audit's facts (they reach back far enough)
        promised_of = promises(facts.visits, week, before, {r.code for r in facts.reps})
        records = _records(before, team, month, visits, flags, promised_of)
        leads = [cp.lead_flag(record, quota) for record in records]
        # the visits a call names: its lead red flag's alone, not the thousands the week's
        # flags name (`RepRecord.flagged`)
        named = audit_reads.visits_by_id(db, [v for red in leads if red for v in red.visits])
        asked = audit_reads.answered(db, [*(v.id for v in named), *(v.id for v in visits)])
    slots = cp.plan_team(seed, day, {r.rep: logged.get(r.rep, []) for r in team})
    named_of = _by_rep(named)
    calls = []
    for record, red in zip(records, leads, strict=True):
        flagged = tuple(
            cp.VisitedCustomer(v.customer, v.start, v.end, v.contact, v.phone, v.id, v.day)
            for v in named_of.get(record.rep, [])
        )
        record = replace(record, flagged=flagged, answered=asked)
        calls.append(cp.make_call(record, slots[record.rep], quota, seed, red=red))
    best = worst = None
    if team:  # the day's leaderboard: best first, lowest last
        leader, last = team[0], team[-1]
        best = cp.Standout(leader.name, format_amount(leader.value)) if leader.value else None
        worst = cp.Standout(last.name, format_amount(last.value)) if best else None
    return CallPlan(day, cp.order_calls(calls), cp.announce(best, worst, before))


def _records(
    before: date,
    team: list[RankRow],
    month: list[RankRow],
    visits: list[audit_reads.DayVisit],
    flags: list[Flag],
    promised_of: dict[str, list[cp.Promise]],
) -> list[cp.RepRecord]:
    """Each rep's record of `before`, in the day's leaderboard order, but for the visits its
    flags name and those a customer was phoned about (read after, for its lead flag alone)."""
    standing = {r.rep: r for r in month}
    # each rep's share of the day's facts, sorted out once (not once per rep: 200 reps ×
    # every visit, promise and flag cost the plan more than its queries)
    visits_of = _by_rep(visits)
    flags_of = _by_rep(flags)
    records = []
    for rep in team:
        mine = visits_of.get(rep.rep, [])
        place = standing[rep.rep]
        records.append(
            cp.RepRecord(
                rep=rep.rep,
                name=rep.name,
                previous_workday=before,
                visits=tuple(
                    cp.VisitedCustomer(
                        v.customer, v.start, v.end, v.contact, v.phone, v.id, before, v.unsold
                    )
                    for v in mine
                ),
                promises=tuple(promised_of.get(rep.rep, [])),
                flags=tuple(flags_of.get(rep.rep, [])),
                had_report=bool(mine),
                rank=place.rank if place.value else None,
                team_size=len(month),
                month_amount=format_amount(place.value),
            )
        )
    return records


def _by_rep(rows: Iterable[_T]) -> dict[str, list[_T]]:
    """The rows by their `rep`, each rep's in the order given."""
    found: dict[str, list[_T]] = {}
    for row in rows:
        found.setdefault(row.rep, []).append(row)  # type: ignore[attr-defined]
    return found


def log_call(
    ctx: Context,
    rep: str,
    verdict: Verdict,
    day: date,
    at: time | None = None,
    note: str | None = None,
    customer: str | None = None,
    confirmed: bool | None = None,
) -> LoggedCall:
    """A check-in call made (`at` defaults to now, to the minute); a doubtful one is a red flag.

    With `customer` and `confirmed` (both or neither): the supervisor phoned that customer
    about the rep's latest visit to it in the week up to `day`; an unconfirmed visit is a
    red flag of the audit, a confirmed one clears the flags it drew.
    """
    supervisors_only(ctx, "call log")
    if (customer is None) != (confirmed is None):
        missing = "--confirmed" if confirmed is None else "--customer"
        raise InputError(
            _("{missing} is missing: give --customer and --confirmed together, or neither").format(
                missing=missing
            )
        )
    check_not_future(day, ctx.today)
    when = at or ctx.now.time().replace(second=0, microsecond=0)
    window = cp.window_at(when)
    verdict = Verdict(verdict)
    now = ctx.now

    from salesproc.db import callcheck, writes

    def work(s: "Session") -> LoggedCall:  # run again if another writer was in the way
        found = writes.find_active_rep(s, rep)
        checked = visit = None
        if customer is not None:
            checked = writes.find_customer(s, customer)
            visit = callcheck.visit_to_confirm(s, found.id, checked.id, day)
            if visit is None:
                raise InputError(
                    _(
                        "{rep} logged no visit to {customer} from {start} to {end}; "
                        "nothing to confirm"
                    ).format(
                        rep=found.code,
                        customer=checked.name,
                        start=day - callcheck.CONFIRM_LOOK_BACK,
                        end=day,
                    )
                )
        call = writes.log_call(
            s, found, day, when, window.value if window else None, verdict.value, note, now
        )
        if checked is not None and visit is not None and confirmed is not None:
            callcheck.record_confirmation(call, checked, visit, confirmed)
            return LoggedCall(
                call.id, found.code, day, when, window, verdict, note,
                checked.name, visit.visit_date, confirmed,
            )  # fmt: skip
        return LoggedCall(call.id, found.code, day, when, window, verdict, note)

    return ctx.transaction(work)


def list_calls(
    ctx: Context, rep: str | None = None, start: date | None = None, end: date | None = None
) -> "list[CallRow]":
    """The calls made, oldest first."""
    from salesproc.db import callcheck, queries, writes

    with ctx.session(write=False) as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        rows = queries.call_list(s, rep_id, start, end)
        checks = callcheck.call_checks(s, (row.id for row in rows))
    return [_as_listed(row, checks.get(row.id)) for row in rows]


def _as_listed(row: "CallRow", check: "CallCheck | None") -> "CallRow":
    """The row with its customer check, and its window under today's id (old rows: "noon")."""
    window = str(Window(row.window)) if row.window else None
    if check is None:
        return replace(row, window=window)
    return replace(row, window=window, customer=check.customer, confirmed=check.confirmed)
