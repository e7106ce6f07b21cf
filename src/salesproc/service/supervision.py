"""The supervisor's checks on the reps: the audit's red flags and the daily check-in call.

A good result does not prove a good process, so the supervisor looks at the
process: `audit` finds where the reports look invented, skipped or gamed,
`call_plan` says when to call each rep today and what to ask (the audit's
flags of the last week among it), and `log_call` records what a call found —
a doubtful one is itself a red flag of the next audit.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from salesproc.db import queries, writes
from salesproc.db.queries import CallRow
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules import audit as audit_rules
from salesproc.rules import callplan as cp
from salesproc.rules.audit import Flag, RepSummary, Severity, Verdict
from salesproc.rules.callplan import Call, Window
from salesproc.rules.dates import check_not_future
from salesproc.rules.money import format_amount
from salesproc.rules.ranking import Metric
from salesproc.service.context import Context

__all__ = [
    "Audit",
    "AuditByRep",
    "CallPlan",
    "CallRow",
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
    "thresholds",
]

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


def audit_flags(ctx: Context, start: date, end: date, rep: str | None = None) -> list[Flag]:
    """The audit's flags whose day is in [start, end], of one rep or all."""
    t = thresholds(ctx)
    calendar = ctx.calendar(range(start.year, end.year + 1))
    with ctx.session() as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        facts = queries.audit_facts(s, start, end, ctx.today, rep_id)
    flags = audit_rules.audit(facts, start, end, ctx.today, calendar, t)
    # the facts hold every rep's visits (a customer's next visit may be another rep's)
    return [flag for flag in flags if rep is None or flag.rep == rep]


def _span(ctx: Context, start: date | None, end: date | None) -> tuple[date, date]:
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
    first, last = _span(ctx, start, end)
    flags = audit_flags(ctx, first, last, rep)
    if follow_ups:
        return Audit(first, last, flags)
    red = [flag for flag in flags if flag.red]
    return Audit(first, last, red, hidden=len(flags) - len(red))


def audit_by_rep(
    ctx: Context, start: date | None = None, end: date | None = None, rep: str | None = None
) -> AuditByRep:
    """Each rep's red flags and follow-ups over [start, end], ordered by `rules.audit.score`."""
    first, last = _span(ctx, start, end)
    return AuditByRep(first, last, audit_rules.by_rep(audit_flags(ctx, first, last, rep)))


def call_plan(ctx: Context, day: date, seed: int = 0) -> CallPlan:
    """Whom to call when on `day`, what to ask each, and what to announce on every call.

    The questions read the previous working day: its visits, the revisits
    promised for its week, the audit's flags of that week and the month's
    leaderboard as it stood after it (on the 1st: the month just ended).
    """
    calendar = ctx.calendar({day.year, day.year - 1})
    before = cp.previous_workday(day, calendar)
    week = before - PLAN_LOOK_BACK
    flags = audit_flags(ctx, week, before)
    with ctx.session() as s:
        team = queries.leaderboard(s, before, before, Metric.SALES)
        month = queries.leaderboard(s, before.replace(day=1), before, Metric.SALES)
        visits = queries.day_visits(s, before)
        promised = queries.promises(s, week, before)
        logged = queries.recent_windows(s, day)
    slots = cp.plan_team(seed, day, {r.rep: logged.get(r.rep, []) for r in team})
    standing = {r.rep: r for r in month}
    calls = []
    for rep in team:
        mine = [v for v in visits if v.rep == rep.rep]
        place = standing[rep.rep]
        record = cp.RepRecord(
            rep=rep.rep,
            name=rep.name,
            previous_workday=before,
            visits=tuple(
                cp.VisitedCustomer(v.customer, v.start, v.end, v.contact, v.phone) for v in mine
            ),
            promises=tuple(
                cp.Promise(p.customer, p.due, p.visited) for p in promised if p.rep == rep.rep
            ),
            flags=tuple(f for f in flags if f.rep == rep.rep),
            had_report=bool(mine),
            rank=place.rank if place.value else None,
            team_size=len(month),
            month_amount=format_amount(place.value),
        )
        calls.append(cp.make_call(record, slots[rep.rep], ctx.settings.visit_quota, seed))
    best = worst = None
    if team:  # the day's leaderboard: best first, lowest last
        leader, last = team[0], team[-1]
        best = cp.Standout(leader.name, format_amount(leader.value)) if leader.value else None
        worst = cp.Standout(last.name, format_amount(last.value)) if best else None
    return CallPlan(day, cp.order_calls(calls), cp.announce(best, worst, before))


def log_call(
    ctx: Context,
    rep: str,
    verdict: Verdict,
    day: date,
    at: time | None = None,
    note: str | None = None,
) -> LoggedCall:
    """A check-in call made (`at` defaults to now, to the minute); a doubtful one is a red flag."""
    check_not_future(day, ctx.today)
    when = at or ctx.now.time().replace(second=0, microsecond=0)
    window = cp.window_at(when)
    verdict = Verdict(verdict)
    with ctx.session() as s:
        found = writes.find_active_rep(s, rep)
        call = writes.log_call(
            s, found, day, when, window.value if window else None, verdict.value, note, ctx.now
        )
        return LoggedCall(call.id, found.code, day, when, window, verdict, note)


def list_calls(
    ctx: Context, rep: str | None = None, start: date | None = None, end: date | None = None
) -> list[CallRow]:
    """The calls made, oldest first."""
    with ctx.session() as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        return queries.call_list(s, rep_id, start, end)
