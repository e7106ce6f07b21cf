"""The red-flag audit: where a rep's daily process looks invented, skipped or gamed.

A good result does not prove a good process: a rep can invent visits, write
the report days later, or press stock onto distributors (压货) to make the
month. None of these shows in the sales figures; each leaves a trace in the
facts. This module finds the traces, as pure functions over plain facts the
database layer fills (`Facts`), and says for each what it saw (the evidence)
and why a supervisor should care (the explanation). A flag is a question to
ask the rep, not a verdict.

The rules, in the order they are reported (`RULES`); the numbers are the
`Thresholds` defaults:

- `overlap`: two visits of one rep on one day at the same time. A visit is
  the interval [start, end); a visit with only a start (or whose end is not
  after its start) is the moment it starts; a visit without a start is
  skipped. Two visits overlap when they start at the same moment, or when
  each starts before the other ends, so 09:00–10:00 and 10:00–10:30 do not.
  One flag per overlapping pair.
- `late-log`: a visit logged more than `late_days` (1) working days after it
  happened: a visit logged the next working day is fine (a Friday's on
  Monday), two working days later is flagged.
- `below-quota`: a working day before today on which a rep logged at least
  one visit but fewer than `quota` (6).
- `no-report`: a working day before today on which an active rep who had
  joined by then logged no visit at all.
- `duration`: a visit with a start and an end lasting under `min_minutes`
  (5) or over `max_minutes` (240) minutes; exactly 5 or 240 is fine.
- `no-phone`: a visit to a customer with no phone number on file, so it
  cannot be checked by calling the customer. One flag per visit.
- `missed-revisit`: a visit's agreed revisit date (预定再访时间) passed (is
  before today) and the customer's next visit, by anyone, came after it or
  not at all. Only the latest promise counts: a later visit of the customer,
  even on the same day, replaces the earlier visit's promise with its own. A
  visit that lost the customer makes no promise.
- `gave-up`: a prospect lost after fewer than `min_visits` (4) visits (the
  four-visit rule).
- `pressing-stock`: a complete month (its last day is before today) in which
  a rep's sales on its last `pressing_days` (3) calendar days are more than
  `pressing_share` (1/2) of the month's sales, and the month's sales are
  above 0. Exactly half is fine.
- `doubtful-call`: a check-in call the supervisor judged doubtful.
- `edited-after-call`: a visit whose day, times or customer were changed
  (`visit edit`, as the history records it) after a check-in call with its rep
  was logged, that call being on or after the visit's day (as it stood before
  the change): the call could check it, and then it changed. A change before
  any such call, or of the notes, result, purposes or revisit only, is fine.

A flag's day is the day it concerns: the visit's date (overlap, late-log,
duration, no-phone), the working day (below-quota, no-report), the promised
revisit date (missed-revisit), the day the prospect was lost (gave-up), the
month's last day (pressing-stock), the call's day (doubtful-call), the visit's
day after the change (edited-after-call). `audit`
runs every rule and keeps the flags whose day is in [start, end].

Each flag has a `severity` (issue 12): red for integrity (something looks
invented, backdated, padded, pressed or absent: overlap, no-report,
pressing-stock, doubtful-call, edited-after-call, a too-short duration, a log
more than `late_red_days` late, a rep missing most of its promised revisits),
a follow-up for hygiene (a late log within reason, below-quota, a too-long
duration, no-phone, one missed revisit, gave-up). A pattern flag (the missed
revisits of a rep over the window, `missed_pattern`) carries `from_day`, the
first day it covers; its `day` is the last, and it reads the window itself.
`by_rep` sums the flags up per rep with a `score` for the supervisor's order.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from salesproc.i18n import N_, _, ngettext
from salesproc.rules import fourvisit
from salesproc.rules.calendar import WorkCalendar, days_in
from salesproc.rules.money import format_amount
from salesproc.rules.targets import month_bounds
from salesproc.rules.vocab import Outcome, Verdict


class Rule(StrEnum):
    """A rule's id, as `--format json` and the README name it."""

    OVERLAP = "overlap"
    LATE_LOG = "late-log"
    BELOW_QUOTA = "below-quota"
    NO_REPORT = "no-report"
    DURATION = "duration"
    NO_PHONE = "no-phone"
    MISSED_REVISIT = "missed-revisit"
    GAVE_UP = "gave-up"
    PRESSING_STOCK = "pressing-stock"
    DOUBTFUL_CALL = "doubtful-call"
    EDITED_AFTER_CALL = "edited-after-call"


#: Every rule, in the order flags are reported.
RULES: tuple[Rule, ...] = tuple(Rule)
_ORDER = {rule: position for position, rule in enumerate(RULES)}


class Severity(StrEnum):
    """How much a flag weighs: integrity (red) or hygiene (a follow-up)."""

    #: something looks invented, backdated, padded, pressed or absent
    RED = "red"
    #: a missed revisit, a late report within reason, a short day
    FOLLOW_UP = "follow-up"


#: Each rule's severity at its usual strength; `late-log`, `duration` and
#: `missed-revisit` turn red when stronger (see `Thresholds`).
SEVERITY: dict[Rule, Severity] = {
    Rule.OVERLAP: Severity.RED,
    Rule.LATE_LOG: Severity.FOLLOW_UP,
    Rule.BELOW_QUOTA: Severity.FOLLOW_UP,
    Rule.NO_REPORT: Severity.RED,
    Rule.DURATION: Severity.FOLLOW_UP,
    Rule.NO_PHONE: Severity.FOLLOW_UP,
    Rule.MISSED_REVISIT: Severity.FOLLOW_UP,
    Rule.GAVE_UP: Severity.FOLLOW_UP,
    Rule.PRESSING_STOCK: Severity.RED,
    Rule.DOUBTFUL_CALL: Severity.RED,
    Rule.EDITED_AFTER_CALL: Severity.RED,
}


_EXPLAIN = {
    Rule.OVERLAP: N_(
        "A rep cannot be with two customers at once: one of these visits may be invented, "
        "or its times made up afterwards."
    ),
    Rule.LATE_LOG: N_(
        "A visit written down days later is told from memory, or invented; the daily report "
        "is meant to be filled in on the day."
    ),
    Rule.BELOW_QUOTA: N_(
        "The daily number of visits is what keeps the pipeline full; ask what the rest of "
        "the working day went on."
    ),
    Rule.NO_REPORT: N_(
        "A working day without a single visit logged: the rep either did not go out or did "
        "not report, and either needs a word."
    ),
    Rule.NO_PHONE: N_(
        "Without the customer's phone number the supervisor cannot call to check that the "
        "visit happened."
    ),
    Rule.MISSED_REVISIT: N_(
        "The rep agreed a revisit date with the customer and did not keep it: prospects cool "
        "off and customers stop trusting promises."
    ),
    Rule.PRESSING_STOCK: N_(
        "Sales bunched at the month's end may be stock pressed onto distributors to make the "
        "target: a good result that does not prove a good process."
    ),
    Rule.DOUBTFUL_CALL: N_(
        "The check-in call did not match what the rep reported; compare the call's note with "
        "the daily report and follow up."
    ),
    Rule.EDITED_AFTER_CALL: N_(
        "A visit's day, time or customer changed after a check-in call could check it: the "
        "report may have been fitted to what the call found; ask why it changed."
    ),
}
_TOO_SHORT = N_(
    "A visit this short is hardly a real talk with the customer: it may be a drop-in, a call "
    "logged as a visit, or invented."
)
_TOO_LONG = N_(
    "A visit this long may cover time spent elsewhere; ask what the time slot was used for."
)
_MISSED_PATTERN = N_(
    "The rep missed most of the revisits it promised over these weeks: the promises in the "
    "reports may be written without meaning to keep them, or the visits not made."
)
_GAVE_UP = N_(
    "Most customers only buy after several visits; a prospect dropped before visit {min} "
    "is likely a lost sale."
)


def _exact(value: Fraction | Decimal | float | int) -> Fraction:
    """A float is taken as the decimal it reads as (0.3 → 3/10, not 0.29999…)."""
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


@dataclass(frozen=True)
class Thresholds:
    """Where each rule draws its line; the defaults are the method's.

    - `quota`: visits a rep should make each working day (as `visit_quota`).
    - `min_minutes`, `max_minutes`: a visit's plausible length, both included.
    - `late_days`: a visit logged more than this many days after its date is late.
    - `pressing_days`, `pressing_share`: a month's last days, and the share of the
      month's sales above which selling in them looks like pressing stock.
    - `min_visits`: visits a prospect deserves before it is given up (四次拜访法则).
    - `late_red_days`: a visit logged more than this many working days late is red
      (backdated); later than `late_days` but within it, a follow-up (a `late_days`
      above it makes every late log red).
    - `missed_share`, `missed_min`: a rep who missed more than this share of the
      revisits it promised for the window, with at least `missed_min` promised, gets
      a red pattern flag over them (each missed revisit alone is a follow-up).

    `pressing_share` may be given as a float, a Decimal or a Fraction; it is kept
    as the exact Fraction of the decimal it was written as (0.3 is 3/10), so the
    boundary is exact. Bad values are a programming error (ValueError): the
    config layer checks what a user typed.
    """

    quota: int = 6
    min_minutes: int = 5
    max_minutes: int = 240
    late_days: int = 1
    pressing_days: int = 3
    pressing_share: Fraction | Decimal | float | int = Fraction(1, 2)
    min_visits: int = fourvisit.MIN_VISITS
    late_red_days: int = 3
    missed_share: Fraction | Decimal | float | int = Fraction(1, 2)
    missed_min: int = 4

    def __post_init__(self) -> None:
        object.__setattr__(self, "pressing_share", _exact(self.pressing_share))
        object.__setattr__(self, "missed_share", _exact(self.missed_share))
        checks = {
            "quota ≥ 1": self.quota >= 1,
            "0 ≤ min_minutes ≤ max_minutes": 0 <= self.min_minutes <= self.max_minutes,
            "late_days ≥ 0": self.late_days >= 0,
            "1 ≤ pressing_days ≤ 28": 1 <= self.pressing_days <= 28,
            "0 ≤ pressing_share < 1": 0 <= self.pressing_share < 1,
            "min_visits ≥ 1": self.min_visits >= 1,
            "0 ≤ missed_share < 1": 0 <= self.missed_share < 1,
            "late_red_days ≥ 0": self.late_red_days >= 0,
            "missed_min ≥ 1": self.missed_min >= 1,
        }
        broken = [rule for rule, holds in checks.items() if not holds]
        if broken:
            raise ValueError(f"bad audit thresholds {self}: need {', '.join(broken)}")


DEFAULTS = Thresholds()


# --- the facts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFact:
    """One visit as the audit sees it; `rep` is the rep's code, `customer` the name shown.

    `customer_phone` is the phone on file now (None or blank: none);
    `outcome` is the visit's outcome, if any (a `lost` visit makes no promise).
    """

    id: int
    rep: str
    day: date
    start: time | None
    end: time | None
    logged_at: datetime
    customer_id: int
    customer: str
    customer_phone: str | None
    next_visit: date
    outcome: Outcome | str | None = None


@dataclass(frozen=True)
class RepFact:
    """An active rep, and the day they joined (from then on every working day counts)."""

    code: str
    joined: date


@dataclass(frozen=True)
class SalesDay:
    """A rep's sales on one day in cents: one sale or the day's sum (several add up)."""

    rep: str
    day: date
    cents: int


@dataclass(frozen=True)
class LostProspect:
    """A prospect lost on `lost_on` after `visits` visits (counted up to and including that day)."""

    rep: str
    customer: str
    lost_on: date
    visits: int


@dataclass(frozen=True)
class CallFact:
    """A check-in call to a rep: its day, time if noted, the supervisor's verdict and note."""

    rep: str
    day: date
    at: time | None
    verdict: str
    note: str | None = None
    #: when the call was recorded (`call log`): what a later change of a visit is compared to
    logged_at: datetime | None = None


@dataclass(frozen=True)
class VisitEdit:
    """A visit changed by `visit edit` (the history's kind visit, action edit), `at` a moment:
    its rep's code, and its day, times and customer (the name shown) before and after."""

    visit_id: int
    rep: str
    at: datetime
    day_before: date
    day_after: date
    start_before: time | None
    start_after: time | None
    end_before: time | None
    end_after: time | None
    customer_before: str
    customer_after: str


@dataclass(frozen=True)
class Facts:
    """Everything the audit reads, as the database layer fills it for a window [start, end].

    What each rule needs to see every flag whose day is in the window:
    - visits: those dated in the window (overlap, late-log, quotas, duration,
      no-phone), plus, for missed-revisit, every visit whose revisit date is in the
      window and each such customer's visits after it (an unseen later visit would
      read as a missed revisit);
    - reps: the active reps, for no-report;
    - sales: the sales of every month that ends in the window, whole months;
    - lost: the prospects lost in the window; calls: the calls in the window, and for
      edited-after-call those from the earliest edited visit's day on;
    - edits: the visits changed by `visit edit` since the window's start.
    Extra facts outside the window are harmless: the flags are filtered by day.
    """

    visits: tuple[VisitFact, ...] = ()
    reps: tuple[RepFact, ...] = ()
    sales: tuple[SalesDay, ...] = ()
    lost: tuple[LostProspect, ...] = ()
    calls: tuple[CallFact, ...] = ()
    edits: tuple[VisitEdit, ...] = ()


@dataclass(frozen=True)
class Flag:
    """One flag: which rule, the day it concerns, what was seen; whose, why it matters, how
    much it weighs (`severity`) and, for a pattern over days, the first day it covers
    (`from_day`; `day` is the last).

    The audit raises these and the call plan asks about them: one type, so the
    two can never disagree on what a flag is. `rep` and `explanation` are named
    (keyword-only) because a reader of one rep's flags, as the call plan,
    already knows whose they are and asks its own question.
    """

    rule: Rule
    day: date
    evidence: str = ""
    _: KW_ONLY
    rep: str = ""
    explanation: str = ""
    severity: Severity = Severity.RED
    from_day: date | None = None

    @property
    def red(self) -> bool:
        return self.severity == Severity.RED


def flag_key(flag: Flag) -> tuple[int, date, str]:
    """The report's order: by rule (`RULES`), then day, then rep."""
    return (_ORDER[flag.rule], flag.day, flag.rep)


# --- the audit ---------------------------------------------------------------------------


def audit(
    facts: Facts,
    start: date,
    end: date,
    today: date,
    calendar: WorkCalendar,
    thresholds: Thresholds = DEFAULTS,
) -> list[Flag]:
    """Every rule over `facts`: the flags whose day is in [start, end], in the report's order.

    Within one rule, day and rep, flags keep the order their rule gives them
    (e.g. overlapping pairs by start time), so the output is deterministic.
    """
    t = thresholds
    # The rules dated by the visit see only the window's visits: the facts reach further
    # back for missed revisits, and flagging the look-back only to drop it is wasted work.
    dated = [visit for visit in facts.visits if start <= visit.day <= end]
    counts = visit_counts(dated)
    days = working_days(calendar, start, end, today)
    flags = [
        *overlaps(dated),
        *late_logs(dated, t, calendar),
        *below_quota(counts, days, t),
        *no_reports(counts, days, facts.reps, t),
        *durations(dated, t),
        *no_phone(dated),
        *missed_revisits(facts.visits, today),
        *missed_pattern(facts.visits, start, end, today, t),
        *gave_up(facts.lost, t),
        *pressing_stock(facts.sales, today, t),
        *doubtful_calls(facts.calls),
        *edited_after_call(facts.edits, facts.calls),
    ]
    return sorted((flag for flag in flags if start <= flag.day <= end), key=flag_key)


def working_days(calendar: WorkCalendar, start: date, end: date, today: date) -> list[date]:
    """The working days in [start, end] that are over: today is not, so it is never counted."""
    last = min(end, today - timedelta(days=1))
    return [day for day in days_in(start, last) if calendar.is_workday(day)]


def visit_counts(visits: Iterable[VisitFact]) -> Counter[tuple[str, date]]:
    """Visits per (rep, day)."""
    return Counter((visit.rep, visit.day) for visit in visits)


# --- overlap -----------------------------------------------------------------------------


def overlaps(visits: Iterable[VisitFact]) -> list[Flag]:
    """One flag per pair of visits of one rep on one day that take up the same time.

    Invented visits are usually slotted in without checking the rest of the
    day. See the module docstring for how a visit without an end counts.
    """
    flags: list[Flag] = []
    for (_day, _rep), group in _grouped(v for v in visits if v.start is not None):
        ordered = sorted(group, key=lambda v: (v.start, _end(v), v.id))
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                if not overlap(first, second):
                    break  # sorted by start: `second` begins after `first`, and so do the rest
                flags.append(_overlap_flag(first, second))
    return flags


def _grouped(visits: Iterable[VisitFact]) -> list[tuple[tuple[date, str], list[VisitFact]]]:
    groups: defaultdict[tuple[date, str], list[VisitFact]] = defaultdict(list)
    for visit in visits:
        groups[(visit.day, visit.rep)].append(visit)
    return [(key, groups[key]) for key in sorted(groups)]  # by day, then rep


def _end(visit: VisitFact) -> time:
    """Where the visit's time ends: its end if after its start, else its start (a moment)."""
    assert visit.start is not None
    if visit.end is not None and visit.end > visit.start:
        return visit.end
    return visit.start


def overlap(a: VisitFact, b: VisitFact) -> bool:
    """Same start, or each starts before the other ends ([start, end) intervals; see above)."""
    if a.start is None or b.start is None:
        return False
    return a.start == b.start or (a.start < _end(b) and b.start < _end(a))


def _overlap_flag(first: VisitFact, second: VisitFact) -> Flag:
    evidence = _("{first} {first_time} overlaps {second} {second_time}").format(
        first=first.customer,
        first_time=_span_text(first),
        second=second.customer,
        second_time=_span_text(second),
    )
    return _flag(Rule.OVERLAP, first.rep, first.day, evidence)


def _span_text(visit: VisitFact) -> str:
    """09:00–10:00, or 09:00 for a visit that is a moment."""
    assert visit.start is not None
    end = _end(visit)
    if end == visit.start:
        return _clock(visit.start)
    return f"{_clock(visit.start)}–{_clock(end)}"


# --- late-log, duration, no-phone --------------------------------------------------------


def late_logs(
    visits: Iterable[VisitFact], t: Thresholds = DEFAULTS, calendar: WorkCalendar | None = None
) -> list[Flag]:
    """Visits logged more than `t.late_days` working days of `calendar` after their date
    (without one, calendar days).

    The report is filled in on the day because a visit told days later is
    reconstructed from memory, or made up; a weekend in between is no delay.
    """
    flags: list[Flag] = []
    for visit in _in_order(visits):
        logged = visit.logged_at.date()
        if calendar is None:
            late = (logged - visit.day).days
        else:
            late = calendar.workdays(visit.day + timedelta(days=1), logged)
        if late > t.late_days:
            evidence = (
                ngettext(
                    "visit to {customer} logged {logged}, {n} day after it",
                    "visit to {customer} logged {logged}, {n} days after it",
                    late,
                )
                if calendar is None
                else ngettext(
                    "visit to {customer} logged {logged}, {n} working day after it",
                    "visit to {customer} logged {logged}, {n} working days after it",
                    late,
                )
            ).format(customer=visit.customer, logged=_stamp(visit.logged_at), n=late)
            red = late > t.late_red_days
            flags.append(
                _flag(Rule.LATE_LOG, visit.rep, visit.day, evidence, Severity.RED if red else None)
            )
    return flags


def durations(visits: Iterable[VisitFact], t: Thresholds = DEFAULTS) -> list[Flag]:
    """Visits with a start and an end lasting under `t.min_minutes` or over `t.max_minutes`.

    Both bounds are plausible (exactly 5 or 240 minutes is fine). A visit
    whose end is not after its start lasts 0 minutes or less: too short.
    """
    shortest = timedelta(minutes=t.min_minutes)
    longest = timedelta(minutes=t.max_minutes)
    flags: list[Flag] = []
    for visit in _in_order(visits):
        length = visit_length(visit)
        if length is None or shortest <= length <= longest:
            continue
        minutes = int(length.total_seconds() // 60)
        evidence = ngettext(
            "{customer} {start}–{end}: {n} minute",
            "{customer} {start}–{end}: {n} minutes",
            minutes,
        ).format(
            customer=visit.customer,
            start=_clock(visit.start),
            end=_clock(visit.end),
            n=minutes,
        )
        short = length < shortest  # padding: red; a long visit is a follow-up
        why = _TOO_SHORT if short else _TOO_LONG
        flags.append(
            Flag(
                Rule.DURATION,
                visit.day,
                evidence,
                rep=visit.rep,
                explanation=_(why),
                severity=Severity.RED if short else Severity.FOLLOW_UP,
            )
        )
    return flags


def visit_length(visit: VisitFact) -> timedelta | None:
    """End minus start, on the visit's day; None unless both are known."""
    if visit.start is None or visit.end is None:
        return None
    return datetime.combine(visit.day, visit.end) - datetime.combine(visit.day, visit.start)


def no_phone(visits: Iterable[VisitFact]) -> list[Flag]:
    """One flag per visit to a customer without a phone number (None or blank).

    Per visit, not per customer, because each visit is a claim the supervisor
    could not check.
    """
    flags: list[Flag] = []
    for visit in _in_order(visits):
        if not (visit.customer_phone or "").strip():
            evidence = _("visit to {customer}: no phone number on file").format(
                customer=visit.customer
            )
            flags.append(_flag(Rule.NO_PHONE, visit.rep, visit.day, evidence))
    return flags


def _in_order(visits: Iterable[VisitFact]) -> list[VisitFact]:
    """Visits by day, rep, then the order of the day's report."""
    return sorted(visits, key=lambda v: (v.day, v.rep, v.start or time.min, v.logged_at, v.id))


# --- below-quota, no-report --------------------------------------------------------------


def below_quota(
    counts: Mapping[tuple[str, date], int], days: Iterable[date], t: Thresholds = DEFAULTS
) -> list[Flag]:
    """(rep, day) with 1 to `t.quota` − 1 visits, on the given working days.

    `days` are the working days that are over (`working_days`): a day still in
    progress, or a weekend, is never short. A day with no visit at all is
    `no_reports`' flag, not this one.
    """
    wanted = set(days)
    flags: list[Flag] = []
    for (rep, day), n in sorted(counts.items(), key=_by_day_then_rep):
        if day in wanted and 0 < n < t.quota:
            evidence = ngettext(
                "{n} visit of a quota of {quota}", "{n} visits of a quota of {quota}", n
            ).format(n=n, quota=t.quota)
            flags.append(_flag(Rule.BELOW_QUOTA, rep, day, evidence))
    return flags


def _by_day_then_rep(count: tuple[tuple[str, date], int]) -> tuple[date, str]:
    (rep, day), _n = count
    return (day, rep)


def no_reports(
    counts: Mapping[tuple[str, date], int],
    days: Iterable[date],
    reps: Iterable[RepFact],
    t: Thresholds = DEFAULTS,
) -> list[Flag]:
    """(rep, day) for each active rep and working day from their joining on, with no visit.

    Only `reps` (the active ones) are expected to report: a rep who has left
    does not, and a day before a rep joined is not theirs to explain.
    """
    joined: dict[str, date] = {}
    for rep in reps:  # a rep listed twice joined on the earlier day
        joined[rep.code] = min(rep.joined, joined.get(rep.code, rep.joined))
    flags: list[Flag] = []
    for day in sorted(set(days)):
        for code in sorted(joined):
            if joined[code] <= day and not counts.get((code, day), 0):
                evidence = _("no visit logged on a working day (quota {quota})").format(
                    quota=t.quota
                )
                flags.append(_flag(Rule.NO_REPORT, code, day, evidence))
    return flags


# --- missed-revisit, gave-up -------------------------------------------------------------


def missed_revisits(visits: Iterable[VisitFact], today: date) -> list[Flag]:
    """Promised revisits whose date has passed without the customer being visited by then.

    A customer's visits are read in order (day, start — none counts as the
    day's first — then when logged), as the due list reads them: each visit's
    revisit date stands until the customer's next visit replaces it. So a
    promise is missed when its date is before today and the next visit came
    after that date, or has not come. A visit that lost the customer
    promises nothing. The flag's day is the promised date.
    """
    by_customer: defaultdict[int, list[VisitFact]] = defaultdict(list)
    for visit in visits:
        by_customer[visit.customer_id].append(visit)
    flags: list[Flag] = []
    for history in by_customer.values():
        ordered = sorted(history, key=_history_key)
        following: list[VisitFact | None] = [*ordered[1:], None]
        for visit, after in zip(ordered, following, strict=True):
            if _missed(visit, after, today):
                flags.append(_missed_flag(visit, after))
    return flags


def _history_key(visit: VisitFact) -> tuple[date, time, datetime, int]:
    return (visit.day, visit.start or time.min, visit.logged_at, visit.id)


def _missed(visit: VisitFact, after: VisitFact | None, today: date) -> bool:
    if visit.outcome == Outcome.LOST or visit.next_visit >= today:
        return False
    return after is None or after.day > visit.next_visit


def _missed_flag(visit: VisitFact, after: VisitFact | None) -> Flag:
    values = {
        "day": visit.day.isoformat(),
        "customer": visit.customer,
        "promised": visit.next_visit.isoformat(),
    }
    if after is None:
        evidence = _(
            "the visit on {day} agreed to see {customer} again by {promised}; no visit since"
        ).format(**values)
    else:
        evidence = _(
            "the visit on {day} agreed to see {customer} again by {promised}; next visit {next}"
        ).format(**values, next=after.day.isoformat())
    return _flag(Rule.MISSED_REVISIT, visit.rep, visit.next_visit, evidence)


def missed_pattern(
    visits: Iterable[VisitFact], start: date, end: date, today: date, t: Thresholds = DEFAULTS
) -> list[Flag]:
    """A red pattern flag per rep who missed most of the revisits it promised for the window.

    The promises counted are those due in [start, end] and before today, read as
    `missed_revisits` reads them (the latest promise of each customer stands). A rep
    with at least `t.missed_min` of them, of which more than `t.missed_share` were
    missed, is flagged from the first promised day to the last (`from_day`, `day`).
    """
    by_customer: defaultdict[int, list[VisitFact]] = defaultdict(list)
    for visit in visits:
        by_customer[visit.customer_id].append(visit)
    promised: defaultdict[str, list[tuple[date, bool]]] = defaultdict(list)
    for history in by_customer.values():
        ordered = sorted(history, key=_history_key)
        following: list[VisitFact | None] = [*ordered[1:], None]
        for visit, after in zip(ordered, following, strict=True):
            due = visit.next_visit
            if visit.outcome == Outcome.LOST or not (start <= due <= end) or due >= today:
                continue
            promised[visit.rep].append((due, _missed(visit, after, today)))
    flags: list[Flag] = []
    share = _exact(t.missed_share)
    for rep in sorted(promised):
        due = promised[rep]
        missed = sum(1 for _day, was_missed in due if was_missed)
        if len(due) < t.missed_min or missed <= share * len(due):
            continue
        first, last = min(d for d, _m in due), max(d for d, _m in due)
        evidence = ngettext(
            "{missed} of {n} revisit promised for {first}–{last} missed ({percent}%)",
            "{missed} of {n} revisits promised for {first}–{last} missed ({percent}%)",
            len(due),
        ).format(
            missed=missed,
            n=len(due),
            first=first.isoformat(),
            last=last.isoformat(),
            percent=f"{100 * missed / len(due):.0f}",
        )
        flags.append(
            Flag(
                Rule.MISSED_REVISIT,
                last,
                evidence,
                rep=rep,
                explanation=_(_MISSED_PATTERN),
                severity=Severity.RED,
                from_day=first,
            )
        )
    return flags


def gave_up(lost: Iterable[LostProspect], t: Thresholds = DEFAULTS) -> list[Flag]:
    """Prospects lost with fewer than `t.min_visits` visits (`fourvisit.gave_up`), on that day."""
    flags: list[Flag] = []
    for prospect in sorted(lost, key=lambda p: (p.lost_on, p.rep, p.customer)):
        if fourvisit.gave_up(prospect.visits, t.min_visits):
            evidence = ngettext(
                "{customer} lost after {n} visit",
                "{customer} lost after {n} visits",
                prospect.visits,
            ).format(customer=prospect.customer, n=prospect.visits)
            why = _(_GAVE_UP).format(min=t.min_visits)
            flags.append(
                Flag(
                    Rule.GAVE_UP,
                    prospect.lost_on,
                    evidence,
                    rep=prospect.rep,
                    explanation=why,
                    severity=SEVERITY[Rule.GAVE_UP],
                )
            )
    return flags


# --- pressing-stock ----------------------------------------------------------------------


class _RepMonth(NamedTuple):
    rep: str
    year: int
    month: int


def pressing_stock(sales: Iterable[SalesDay], today: date, t: Thresholds = DEFAULTS) -> list[Flag]:
    """Complete months in which a rep sold more than `t.pressing_share` of the month at its end.

    "At its end" is the month's last `t.pressing_days` calendar days, because
    the month's close is what pressing stock is aimed at, weekend or not. A
    month is complete once its last day is before today (today is not over).
    A month whose sales are 0 or less (returns) raises nothing. The flag's day
    is the month's last day.
    """
    month_total: Counter[_RepMonth] = Counter()
    end_total: Counter[_RepMonth] = Counter()
    for sale in sales:
        key = _RepMonth(sale.rep, sale.day.year, sale.day.month)
        month_total[key] += sale.cents
        if _in_last_days(sale.day, t.pressing_days):
            end_total[key] += sale.cents
    flags: list[Flag] = []
    for key in sorted(month_total, key=lambda k: (k.year, k.month, k.rep)):
        _first, last_day = month_bounds(key.year, key.month)
        total, at_end = month_total[key], end_total[key]
        if last_day < today and pressed(total, at_end, _exact(t.pressing_share)):
            flags.append(_pressing_flag(key.rep, last_day, total, at_end, t))
    return flags


def pressed(month_cents: int, end_cents: int, share: Fraction) -> bool:
    """More than `share` of a month's (positive) sales were made at its end."""
    return month_cents > 0 and end_cents > share * month_cents


def _in_last_days(day: date, n: int) -> bool:
    _first, last_day = month_bounds(day.year, day.month)
    return (last_day - day).days < n


def _pressing_flag(rep: str, last_day: date, total: int, at_end: int, t: Thresholds) -> Flag:
    percent = Fraction(at_end * 100, total)
    evidence = ngettext(
        "{end} of {total} ({percent}%) sold in the last {n} day of {month}",
        "{end} of {total} ({percent}%) sold in the last {n} days of {month}",
        t.pressing_days,
    ).format(
        end=format_amount(at_end),
        total=format_amount(total),
        percent=f"{float(percent):.1f}",
        n=t.pressing_days,
        month=f"{last_day:%Y-%m}",
    )
    return _flag(Rule.PRESSING_STOCK, rep, last_day, evidence)


# --- doubtful-call -----------------------------------------------------------------------


def doubtful_calls(calls: Iterable[CallFact]) -> list[Flag]:
    """Each check-in call with the verdict `doubtful`, on the call's day, with its note."""
    flags: list[Flag] = []
    ordered = sorted(calls, key=lambda c: (c.day, c.rep, c.at or time.min))
    for call in ordered:
        if call.verdict.strip().casefold() != Verdict.DOUBTFUL:
            continue
        when = _clock(call.at) if call.at is not None else "--:--"
        note = (call.note or "").strip()
        if note:
            evidence = _("check-in call at {time}: {note}").format(time=when, note=note)
        else:
            evidence = _("check-in call at {time}, no note").format(time=when)
        flags.append(_flag(Rule.DOUBTFUL_CALL, call.rep, call.day, evidence))
    return flags


# --- edited-after-call -------------------------------------------------------------------


def edited_after_call(edits: Iterable[VisitEdit], calls: Iterable[CallFact]) -> list[Flag]:
    """Visits whose day, times or customer changed after a check-in call with their rep, made
    on or after the visit's day (as it stood), was logged: one flag per such change.

    The call is the check of the daily report; a report that moves once the call has
    been made may have been fitted to what the call found. Only the facts a call can
    check count (day, start, end, customer), and only a call logged before the change
    (`logged_at`), so an edit before any call, or of the notes only, raises nothing.
    """
    by_rep: defaultdict[str, list[CallFact]] = defaultdict(list)
    for call in calls:
        if call.logged_at is not None:
            by_rep[call.rep].append(call)
    flags: list[Flag] = []
    for edit in sorted(edits, key=lambda e: (e.day_after, e.rep, e.at, e.visit_id)):
        changed = _visit_changes(edit)
        checked = [
            c for c in by_rep[edit.rep]
            if c.day >= edit.day_before and c.logged_at is not None and c.logged_at < edit.at
        ]  # fmt: skip
        if not changed or not checked:
            continue
        call = max(checked, key=lambda c: (c.logged_at or datetime.min, c.day))
        evidence = _(
            "visit #{id} to {customer}: {changes}, changed {at} after the check-in call "
            "of {day} ({verdict})"
        ).format(
            id=edit.visit_id,
            customer=edit.customer_before,
            changes=_(", ").join(changed),
            at=_stamp(edit.at),
            day=call.day.isoformat(),
            verdict=_(call.verdict),
        )
        flags.append(_flag(Rule.EDITED_AFTER_CALL, edit.rep, edit.day_after, evidence))
    return flags


def _visit_changes(edit: VisitEdit) -> list[str]:
    """What a call could have checked and was changed: day, times, customer."""
    changes = []
    if edit.day_before != edit.day_after:
        changes.append(
            _("date {before} → {after}").format(
                before=edit.day_before.isoformat(), after=edit.day_after.isoformat()
            )
        )
    before = (edit.start_before, edit.end_before)
    after = (edit.start_after, edit.end_after)
    if before != after:
        changes.append(
            _("time {before} → {after}").format(before=_times(*before), after=_times(*after))
        )
    if edit.customer_before != edit.customer_after:
        changes.append(
            _("customer {before} → {after}").format(
                before=edit.customer_before, after=edit.customer_after
            )
        )
    return changes


def _times(start: time | None, end: time | None) -> str:
    """09:00–10:00, 09:00–, or --:-- when no time was given."""
    if start is None and end is None:
        return "--:--"
    return f"{_clock(start) or '--:--'}–{_clock(end)}"


# --- shared ------------------------------------------------------------------------------


def _flag(rule: Rule, rep: str, day: date, evidence: str, severity: Severity | None = None) -> Flag:
    return Flag(
        rule, day, evidence, rep=rep, explanation=_(_EXPLAIN[rule]),
        severity=severity or SEVERITY[rule],
    )  # fmt: skip


def _clock(moment: time | None) -> str:
    return f"{moment:%H:%M}" if moment is not None else ""


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


# --- the per-rep view --------------------------------------------------------------------

#: the score's weights (README "The audit's rules"): a distinct red rule, each red flag,
#: a distinct follow-up rule; follow-ups repeated add nothing
SCORE_RED_RULE = 10
SCORE_RED_FLAG = 2
SCORE_FOLLOW_UP_RULE = 1
#: evidence lines shown per rep
TOP_EVIDENCE = 3


@dataclass(frozen=True)
class RepSummary:
    """One rep's flags over the window: how many of each kind, the score, the strongest lines."""

    rep: str
    red: int
    follow_up: int
    score: int
    rules: dict[str, int]
    top: tuple[str, ...]


def score(flags: Iterable[Flag]) -> int:
    """10 per distinct rule with a red flag, 2 per red flag, 1 per distinct follow-up rule."""
    flags = list(flags)
    red_rules = {f.rule for f in flags if f.red}
    follow_rules = {f.rule for f in flags if not f.red}
    reds = sum(1 for f in flags if f.red)
    return (
        SCORE_RED_RULE * len(red_rules)
        + SCORE_RED_FLAG * reds
        + SCORE_FOLLOW_UP_RULE * len(follow_rules)
    )


def evidence_line(flag: Flag) -> str:
    """The flag in one line: its day (or span), its rule and what was seen."""
    when = flag.day.isoformat()
    if flag.from_day is not None and flag.from_day != flag.day:
        when = f"{flag.from_day.isoformat()}–{when}"
    return f"{when} {flag.rule}: {flag.evidence}" if flag.evidence else f"{when} {flag.rule}"


def strongest(flags: Iterable[Flag], n: int = TOP_EVIDENCE) -> list[Flag]:
    """Up to `n` flags, one per rule: red first, a pattern before a single day, then the
    rule the most flagged, then the audit's rule order, the latest day first."""
    flags = list(flags)
    per_rule = Counter(f.rule for f in flags)
    ordered = sorted(
        flags,
        key=lambda f: (
            not f.red, f.from_day is None, -per_rule[f.rule], _ORDER.get(f.rule, len(_ORDER)),
            -f.day.toordinal(), f.evidence,
        ),
    )  # fmt: skip
    chosen: list[Flag] = []
    seen: set[str] = set()
    for flag in ordered:
        if flag.rule not in seen:
            seen.add(flag.rule)
            chosen.append(flag)
    return chosen[:n]


def by_rep(flags: Iterable[Flag]) -> list[RepSummary]:
    """Each flagged rep's summary, in the order of the supervisor's attention: score, then
    red flags, then follow-ups (each the more first), then the rep's code."""
    mine: defaultdict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        mine[flag.rep].append(flag)
    summaries = []
    for rep, found in mine.items():
        counts = Counter(str(f.rule) for f in found)
        summaries.append(
            RepSummary(
                rep=rep,
                red=sum(1 for f in found if f.red),
                follow_up=sum(1 for f in found if not f.red),
                score=score(found),
                rules={rule: counts[rule] for rule in sorted(counts, key=_rule_position)},
                top=tuple(evidence_line(f) for f in strongest(found)),
            )
        )
    return sorted(summaries, key=lambda s: (-s.score, -s.red, -s.follow_up, s.rep))


def _rule_position(rule: str) -> tuple[int, str]:
    try:
        return (_ORDER[Rule(rule)], rule)
    except ValueError:
        return (len(_ORDER), rule)
