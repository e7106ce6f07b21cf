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
- `unconfirmed-visit`: a visit whose customer, phoned by the supervisor on a
  check-in call (`call log --customer … --confirmed no`), did not confirm it;
  dated the visit's day, against the call's rep. A visit's latest answer
  counts. A confirmed visit (its latest answer yes) clears the flags that ask
  whether the visits they name happened (`CLEARED_BY_CUSTOMER`) once every
  visit they name is confirmed (`clear_confirmed`, after the rules ran): one
  visit of an overlapping pair confirmed makes the other the likelier invention,
  and a time changed after a call is not cleared by the visit being real.

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

import hashlib
import itertools
import math
import operator
import re
import statistics
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache, partial
from operator import attrgetter
from typing import Any, NamedTuple

from salesproc.i18n import N_, _, language, ngettext
from salesproc.rules import fourvisit
from salesproc.rules.calendar import WorkCalendar, days_in
from salesproc.rules.money import format_amount
from salesproc.rules.targets import month_bounds
from salesproc.rules.vocab import Outcome, Purpose, Verdict


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
    TIGHT_GAP = "tight-gap"
    COPIED_RESULT = "copied-result"
    WEATHER = "weather"
    ORDER_NO_SALE = "order-no-sale"
    UNCONFIRMED_VISIT = "unconfirmed-visit"


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
    Rule.TIGHT_GAP: Severity.RED,
    Rule.COPIED_RESULT: Severity.RED,
    Rule.WEATHER: Severity.RED,
    Rule.ORDER_NO_SALE: Severity.RED,
    Rule.UNCONFIRMED_VISIT: Severity.RED,
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
    Rule.TIGHT_GAP: N_(
        "No time to get there and no time to leave: a visit fitted into the gap between two "
        "real ones may be invented; ask who was met and what was said."
    ),
    Rule.COPIED_RESULT: N_(
        "A day's results copied from earlier reports may be a day written at home; ask for "
        "something only the visit could tell."
    ),
    Rule.WEATHER: N_(
        "The colleagues in the same region saw other weather that day: the report may have "
        "been written from another day, or from home."
    ),
    Rule.ORDER_NO_SALE: N_(
        "Order visits that never reach the sales feed may not have happened; check with the "
        "customers or the sales clerk (销售内勤)."
    ),
    Rule.EDITED_AFTER_CALL: N_(
        "A visit's day, time or customer changed after a check-in call could check it: the "
        "report may have been fitted to what the call found; ask why it changed."
    ),
    Rule.UNCONFIRMED_VISIT: N_(
        "The customer, phoned by the supervisor, did not confirm the visit the rep reported: "
        "it may be invented; ask the rep, and check its other visits of that week."
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
_PADDED = N_(
    "Several visits far shorter than this rep's visits ever are, on one day: they may be "
    "drop-ins or calls logged as visits to make up the day's count."
)
_DROPPED = N_(
    "A prospect no longer visited but never marked lost hides a loss from the four-visit "
    "rule: most customers buy only after {min} visits or more; ask whether it was dropped."
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
    - `gap_percentile`, `short_percentile`: the percentile of the travel gaps and of the
      visit lengths (the team's and the rep's own, the lower) below which a visit squeezed
      between two others (`tight-gap`), or several short visits on a day (`duration`), are
      unusual.
    - `drop_days`: days without a visit after which a prospect with fewer than `min_visits`
      visits, never marked lost, was dropped quietly (`gave-up`, red).
    - `sale_days`, `no_sale_chance`: an order visit sold when the customer has a sale within
      this many days; a day's unsold order visits are flagged when that many or more had
      less than this chance under the rep's own rate (`order-no-sale`).
    - `copied_min`, `copied_percentile`: results repeated word for word on a day, at least
      this many and a larger share than the rep's days usually have (`copied-result`).
    - `pressing_multiple`: a month-end order this many times the customer's usual (median)
      order is outsized (`pressing-stock`).
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
    pressing_days: int = 5
    pressing_share: Fraction | Decimal | float | int = Fraction(1, 2)
    min_visits: int = fourvisit.MIN_VISITS
    late_red_days: int = 3
    missed_share: Fraction | Decimal | float | int = Fraction(1, 2)
    missed_min: int = 4
    gap_percentile: float = 2
    short_percentile: float = 2
    drop_days: int = 21
    sale_days: int = 2
    no_sale_chance: float = 0.01
    copied_min: int = 3
    copied_percentile: float = 98
    pressing_multiple: float = 5

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
            "0 < gap_percentile ≤ 50": 0 < self.gap_percentile <= 50,
            "0 < short_percentile ≤ 50": 0 < self.short_percentile <= 50,
            "drop_days ≥ 1": self.drop_days >= 1,
            "sale_days ≥ 0": self.sale_days >= 0,
            "0 < no_sale_chance < 1": 0 < self.no_sale_chance < 1,
            "copied_min ≥ 1": self.copied_min >= 1,
            "0 < copied_percentile ≤ 100": 0 < self.copied_percentile <= 100,
            "pressing_multiple > 1": self.pressing_multiple > 1,
        }
        broken = [rule for rule, holds in checks.items() if not holds]
        if broken:
            raise ValueError(f"bad audit thresholds {self}: need {', '.join(broken)}")


DEFAULTS = Thresholds()


# --- the facts ---------------------------------------------------------------------------


class VisitFact(NamedTuple):
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
    #: the purposes as stored ("order,collection"), the result written, the customer's region
    purposes: str = ""
    result: str | None = None
    region: str | None = None


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
    #: the visit a customer was phoned about (`call log --customer`), its day, the customer's
    #: name and its answer (None: no customer phoned)
    visit_id: int | None = None
    visit_day: date | None = None
    customer: str | None = None
    confirmed: bool | None = None


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


class SaleFact(NamedTuple):
    """One sale (not a return) in cents, net of the returns that name it: who sold it to whom
    and when. The customer's orders are what pressing stock and an order visit are read
    against."""

    rep: str
    customer_id: int | None
    customer: str
    day: date
    cents: int


@dataclass(frozen=True)
class ReportFact:
    """A rep's daily report header: the region it worked in (else the rep's) and the weather."""

    rep: str
    day: date
    region: str | None
    weather: str


@dataclass(frozen=True)
class OpenProspect:
    """A prospect neither won nor lost: its rep, visits so far, the last one and its promise."""

    rep: str
    customer: str
    visits: int
    last_visit: date
    promised: date | None


@dataclass(frozen=True)
class Facts:
    """Everything the audit reads, as the database layer fills it for a window [start, end].

    What each rule needs to see every flag whose day is in the window:
    - visits: those dated in the window (overlap, late-log, quotas, duration,
      no-phone), plus, for missed-revisit, every visit whose revisit date is in the
      window and each such customer's visits after it, up to the first after the
      window (an unseen later visit would read as a missed revisit);
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
    orders: tuple[SaleFact, ...] = ()
    reports: tuple[ReportFact, ...] = ()
    prospects: tuple[OpenProspect, ...] = ()


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
    #: the visits it concerns (ids), so a customer's confirmation of one clears it
    visits: tuple[int, ...] = ()
    #: what else tells it apart from another flag of its rule, rep and day, in no language
    #: (a customer's id, a month): part of its `id`
    key: str = ""

    @property
    def red(self) -> bool:
        return self.severity == Severity.RED

    @property
    def id(self) -> str:
        """A short id that stays the same from one run to the next (`audit dismiss ID`):
        from the rule, rep, days and what it concerns, never from the wording. Worked out
        when first read and kept (a `cached_property` costs a month's audit more than the
        hashing: it takes a lock on every read)."""
        found: str | None = self.__dict__.get("_id")
        if found is None:
            source = "|".join(
                (self.rule, self.rep, self.day.isoformat(), str(self.from_day or ""),
                 ",".join(map(str, self.visits)), self.key)
            )  # fmt: skip
            found = self.__dict__["_id"] = hashlib.sha1(source.encode()).hexdigest()[:8]
        return found


class Later:
    """A flag's evidence to be worded when first read: a template already in the language
    shown, and its values. An audit of a month raises tens of thousands of flags and shows
    only some (the red ones; the call plan asks about one per rep): the rest never cost
    their text."""

    __slots__ = ("template", "values")

    def __init__(self, template: str, **values: object) -> None:
        self.template = template
        self.values = values

    def __str__(self) -> str:
        values = {k: v() if callable(v) else v for k, v in self.values.items()}
        return self.template.format(**values)


class Worded(Later):
    """`Later` whose values one function works out from its arguments when first read: a
    flag raised by the ten thousand (overlaps, missed revisits) then costs one small object,
    not a dict of values and a `partial` per value."""

    __slots__ = ("args", "make")

    def __init__(self, template: str, make: Callable[..., Mapping[str, object]], *args: object):
        self.template = template
        self.make = make
        self.args = args

    def __str__(self) -> str:
        return self.template.format_map(self.make(*self.args))


class _Evidence:
    """`Flag.evidence`: a str, or a `Later` worded (once) when read."""

    def __get__(self, flag: Flag | None, owner: type | None = None) -> str:
        if flag is None:
            return ""  # the field's default, as dataclasses reads it
        value = flag.__dict__["_evidence"]
        if type(value) is not str:
            value = flag.__dict__["_evidence"] = str(value)
        return value

    def __set__(self, flag: Flag, value: "str | Later") -> None:
        flag.__dict__["_evidence"] = value


Flag.evidence = _Evidence()  # type: ignore[assignment]


def flag_key(flag: Flag) -> tuple[int, date, str, tuple[int, ...], str, str]:
    """The report's order: by rule (`RULES`), then day, then rep; a rep's flags of one rule and
    day by the visits, then what else tells them apart (as `id`), so that the order never
    rests on the order the database returned them in (SQLite's and PostgreSQL's differ)."""
    return (_ORDER[flag.rule], *_WITHIN_RULE(flag), flag.id)


#: `flag_key` less the rule and the id: what tells all but a few of a rule's flags apart
_WITHIN_RULE = attrgetter("day", "rep", "visits", "key")


def in_report_order(flags: Iterable[Flag]) -> list[Flag]:
    """`sorted(flags, key=flag_key)`, with a flag's id (a hash) worked out only where the rest
    of the key ties: a month's tens of thousands of flags never need most of theirs."""
    # rule by rule, in `RULES` order; within a rule, by a key built in C
    by_rule: dict[Rule, list[Flag]] = {}
    for flag in flags:
        found = by_rule.get(flag.rule)
        if found is None:
            by_rule[flag.rule] = [flag]
        else:
            found.append(flag)
    result: list[Flag] = []
    for rule in sorted(by_rule, key=_ORDER.__getitem__):
        ordered = sorted(by_rule[rule], key=_WITHIN_RULE)
        for _order, group in itertools.groupby(ordered, key=_WITHIN_RULE):
            run = list(group)
            result.extend(sorted(run, key=flag_key) if len(run) > 1 else run)
    return result


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
    # the visits in the order a customer's (and a rep's) history reads them, sorted once for
    # the missed revisits and the copied results (each sorted its own share before)
    in_order = sorted(facts.visits, key=_history_key)
    # the evidence across records reads the window against the weeks before it
    since = start - BASELINE
    recent = [visit for visit in facts.visits if since <= visit.day <= end]
    recent_in_order = [visit for visit in in_order if since <= visit.day <= end]
    timed = _timed_days(recent)
    # a missed revisit is a promise for the window and what came after it
    pairs = successions(in_order, in_order=True, due=(start, end))
    counts = visit_counts(dated)
    days = working_days(calendar, start, end, today)
    flags = [
        *overlaps(dated),
        *late_logs(dated, t, calendar),
        *below_quota(counts, days, t),
        *no_reports(counts, days, facts.reps, t),
        *durations(dated, t),
        *no_phone(dated),
        *missed_revisits(facts.visits, today, pairs, start, end),
        *missed_pattern(facts.visits, start, end, today, t, pairs),
        *gave_up(facts.lost, t),
        *pressing_stock(facts.sales, today, t, calendar, facts.orders),
        *doubtful_calls(facts.calls),
        *edited_after_call(facts.edits, facts.calls),
        *unconfirmed_visits(facts.calls),
        *tight_gaps(recent, start, end, t, timed),
        *short_days(recent, start, end, t, timed),
        *quiet_drops(facts.prospects, today, t),
        *unsold_orders(recent, facts.orders, start, end, today, t),
        *copied_results(recent_in_order, start, end, t, in_order=True),
        *weather_mismatches(facts.reports),
    ]
    flags = clear_confirmed(flags, facts.calls)
    flags = corroborate(flag for flag in flags if start <= flag.day <= end)
    return in_report_order(flags)


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
    add = flags.append
    # worded and explained once a call, not once a flag (a month has some 16,000 overlaps)
    template, why, red = _(_OVERLAPS), _explained(Rule.OVERLAP), SEVERITY[Rule.OVERLAP]
    for (_day, _rep), group in _grouped(v for v in visits if v.start is not None):
        # each visit's (start, end, id) worked out once, not once per pair it is compared in
        # (the position last: ties keep the facts' order, and a visit is never compared)
        spans = sorted((v.start, _end(v), v.id, n, v) for n, v in enumerate(group))  # type: ignore[misc]
        for index, (start, end, first_id, _n, first) in enumerate(spans):
            for later_start, later_end, second_id, _later_n, second in spans[index + 1 :]:
                # as `overlap(first, second)`
                if not (start == later_start or (start < later_end and later_start < end)):
                    break  # sorted by start: `second` begins after `first`, and so do the rest
                evidence = Worded(template, _overlap_values, first, second)
                add(new_flag(
                    Rule.OVERLAP, first.day, evidence, first.rep, why, red, (first_id, second_id)
                ))  # fmt: skip
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


_OVERLAPS = N_("{first} {first_time} overlaps {second} {second_time}")


def _overlap_values(first: VisitFact, second: VisitFact) -> dict[str, str]:
    return {
        "first": first.customer, "first_time": _span_text(first),
        "second": second.customer, "second_time": _span_text(second),
    }  # fmt: skip


def _span_text(visit: VisitFact) -> str:
    """09:00–10:00, or 09:00 for a visit that is a moment (no end after its start: `_end`)."""
    start, end = visit.start, visit.end
    assert start is not None
    if end is None or not end > start:
        return _clock(start)
    return f"{_clock(start)}–{_clock(end)}"


# --- late-log, duration, no-phone --------------------------------------------------------


def late_logs(
    visits: Iterable[VisitFact], t: Thresholds = DEFAULTS, calendar: WorkCalendar | None = None
) -> list[Flag]:
    """Visits logged more than `t.late_days` working days of `calendar` after their date
    (without one, calendar days): one flag per rep, visit day and day they were typed.

    The report is filled in on the day because a visit told days later is
    reconstructed from memory, or made up; a weekend in between is no delay. A
    day's report typed late in one sitting is one flag naming its visits, not one
    per visit: it is one lapse, and one question.
    """
    late_ones: defaultdict[tuple[str, date, date, int], list[VisitFact]] = defaultdict(list)
    # never more working days late than calendar days: most visits are logged on the day,
    # and are not sorted nor counted for nothing
    soon = timedelta(days=t.late_days)
    for visit in _in_order(v for v in visits if v.logged_at.date() - v.day > soon):
        logged = visit.logged_at.date()
        if calendar is None:
            late = (logged - visit.day).days
        else:
            late = calendar.workdays(visit.day + timedelta(days=1), logged)
        if late > t.late_days:
            late_ones[(visit.rep, visit.day, logged, late)].append(visit)
    flags: list[Flag] = []
    for (rep, day, _logged, late), group in late_ones.items():
        first = group[0]
        if len(group) == 1:
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
            ).format(customer=first.customer, logged=_stamp(first.logged_at), n=late)
        else:
            evidence = (
                ngettext(
                    "{k} visits ({customers}) logged from {logged}, {n} day after them",
                    "{k} visits ({customers}) logged from {logged}, {n} days after them",
                    late,
                )
                if calendar is None
                else ngettext(
                    "{k} visits ({customers}) logged from {logged}, {n} working day after them",
                    "{k} visits ({customers}) logged from {logged}, {n} working days after them",
                    late,
                )
            ).format(
                k=len(group),
                customers=_(", ").join(v.customer for v in group),
                logged=_stamp(min(v.logged_at for v in group)),
                n=late,
            )
        red = late > t.late_red_days
        flags.append(
            _flag(
                Rule.LATE_LOG,
                rep,
                day,
                evidence,
                Severity.RED if red else None,
                visits=tuple(v.id for v in group),
            )
        )
    return flags


def durations(visits: Iterable[VisitFact], t: Thresholds = DEFAULTS) -> list[Flag]:
    """Visits with a start and an end lasting under `t.min_minutes` or over `t.max_minutes`.

    Both bounds are plausible (exactly 5 or 240 minutes is fine). A visit
    whose end is not after its start lasts 0 minutes or less: too short.
    """
    shortest = timedelta(minutes=t.min_minutes)
    longest = timedelta(minutes=t.max_minutes)

    def odd(visit: VisitFact) -> bool:
        length = visit_length(visit)
        return length is not None and not shortest <= length <= longest

    flags: list[Flag] = []
    for visit in _in_order(filter(odd, visits)):  # only the flagged ones sorted
        length = visit_length(visit)
        assert length is not None
        minutes = int(length.total_seconds() // 60)
        evidence = Later(
            ngettext(
                "{customer} {start}–{end}: {n} minute",
                "{customer} {start}–{end}: {n} minutes",
                minutes,
            ),
            customer=visit.customer,
            start=partial(_clock, visit.start),
            end=partial(_clock, visit.end),
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
                visits=(visit.id,),
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
    for visit in _in_order(v for v in visits if not (v.customer_phone or "").strip()):
        evidence = Later(_("visit to {customer}: no phone number on file"), customer=visit.customer)
        flags.append(_flag(Rule.NO_PHONE, visit.rep, visit.day, evidence, visits=(visit.id,)))
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
            evidence = Later(
                ngettext("{n} visit of a quota of {quota}", "{n} visits of a quota of {quota}", n),
                n=n, quota=t.quota,
            )  # fmt: skip
            flags.append(_flag(Rule.BELOW_QUOTA, rep, day, evidence))
    return flags


def _by_day_then_rep(item: tuple[tuple[str, date], object]) -> tuple[date, str]:
    """The sort key of a (rep, day)-keyed item: by day, then rep (the report's order)."""
    (rep, day), _value = item
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


def successions(
    visits: Iterable[VisitFact], in_order: bool = False, due: tuple[date, date] | None = None
) -> list[tuple[VisitFact, VisitFact | None]]:
    """Each visit with its customer's next visit (None: none yet), in the order the due list
    reads a customer's visits (`_history_key`): what a promised revisit is judged by.
    `in_order`: `visits` come in that order already (`audit` sorts them once); `due`: only
    the visits that promised a revisit in that span [first, last] (all a missed revisit
    reads)."""
    ordered = visits if in_order else sorted(visits, key=_history_key)
    first, last = due or (date.min, date.max)
    # read backwards, each customer's next visit is the last one seen: one pass, one look-up
    following: dict[int, VisitFact] = {}
    pairs: list[tuple[VisitFact, VisitFact | None]] = []
    for visit in reversed(ordered if isinstance(ordered, Sequence) else list(ordered)):
        if first <= visit.next_visit <= last:
            pairs.append((visit, following.get(visit.customer_id)))
        following[visit.customer_id] = visit
    pairs.reverse()
    return pairs


def missed_revisits(
    visits: Iterable[VisitFact],
    today: date,
    pairs: Sequence[tuple[VisitFact, VisitFact | None]] | None = None,
    start: date = date.min,
    end: date = date.max,
) -> list[Flag]:
    """Promised revisits whose date has passed without the customer being visited by then.

    A customer's visits are read in order (day, start — none counts as the
    day's first — then when logged), as the due list reads them: each visit's
    revisit date stands until the customer's next visit replaces it. So a
    promise is missed when its date is before today and the next visit came
    after that date, or has not come. A visit that lost the customer
    promises nothing. The flag's day is the promised date; only promises for [start, end]
    are flagged. `pairs` are the visits' `successions`, when the caller has them.
    """
    flags: list[Flag] = []
    # worded and explained once a call, not once a flag (a month misses some 9,000)
    none_since, next_one = _(_NO_VISIT_SINCE), _(_NEXT_VISIT)
    why, severity = _explained(Rule.MISSED_REVISIT), SEVERITY[Rule.MISSED_REVISIT]
    for visit, after in successions(visits) if pairs is None else pairs:
        if start <= visit.next_visit <= end and _missed(visit, after, today):
            evidence = (
                Worded(none_since, _missed_values, visit)
                if after is None
                else Worded(next_one, _missed_values, visit, after)
            )
            flags.append(new_flag(
                Rule.MISSED_REVISIT, visit.next_visit, evidence, visit.rep, why, severity,
                (visit.id,),
            ))  # fmt: skip
    return flags


def _history_key(visit: VisitFact) -> tuple[date, time, datetime, int]:
    return (visit.day, visit.start or time.min, visit.logged_at, visit.id)


def _missed(visit: VisitFact, after: VisitFact | None, today: date) -> bool:
    if visit.outcome == Outcome.LOST or visit.next_visit >= today:
        return False
    return after is None or after.day > visit.next_visit


_NO_VISIT_SINCE = N_(
    "the visit on {day} agreed to see {customer} again by {promised}; no visit since"
)
_NEXT_VISIT = N_(
    "the visit on {day} agreed to see {customer} again by {promised}; next visit {next}"
)


def _missed_values(visit: VisitFact, after: VisitFact | None = None) -> dict[str, str]:
    values = {
        "day": visit.day.isoformat(), "customer": visit.customer,
        "promised": visit.next_visit.isoformat(),
    }  # fmt: skip
    if after is not None:
        values["next"] = after.day.isoformat()
    return values


def missed_pattern(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    today: date,
    t: Thresholds = DEFAULTS,
    pairs: Sequence[tuple[VisitFact, VisitFact | None]] | None = None,
) -> list[Flag]:
    """A red pattern flag per rep who missed most of the revisits it promised for the window.

    The promises counted are those due in [start, end] and before today, read as
    `missed_revisits` reads them (the latest promise of each customer stands). A rep
    with at least `t.missed_min` of them, of which more than `t.missed_share` were
    missed, is flagged from the first promised day to the last (`from_day`, `day`).
    """
    promised: defaultdict[str, list[tuple[date, bool]]] = defaultdict(list)
    for visit, after in successions(visits) if pairs is None else pairs:
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
                    key=prospect.customer,
                )
            )
    return flags


# --- pressing-stock ----------------------------------------------------------------------


class _RepMonth(NamedTuple):
    rep: str
    year: int
    month: int


def pressing_stock(
    sales: Iterable[SalesDay],
    today: date,
    t: Thresholds = DEFAULTS,
    calendar: WorkCalendar | None = None,
    orders: Iterable[SaleFact] = (),
) -> list[Flag]:
    """Complete months whose sales look pressed onto the customers at the month's end (压货).

    The month's end is its last `t.pressing_days` working days of `calendar`
    (without one, calendar days), because pressing is done on the days the
    office still books orders. A rep-month is red when more than
    `t.pressing_share` of its (net) sales fell in them, or when two or more
    customers each took an order there of at least `t.pressing_multiple` times
    their own usual (the median of their earlier orders, three at least), net of
    the returns that name it — a dealer that takes 200 cases when it takes 20.
    One such customer alone is a follow-up. A month is complete once its last
    day is before today; one whose sales are 0 or less raises nothing. The flag
    covers the month's end: `from_day` its first day, `day` the month's last.
    """
    month_total: Counter[_RepMonth] = Counter()
    end_total: Counter[_RepMonth] = Counter()
    ends: dict[tuple[int, int], list[date]] = {}

    def month_end(day: date) -> list[date]:
        if (day.year, day.month) not in ends:
            ends[(day.year, day.month)] = last_days(day.year, day.month, t.pressing_days, calendar)
        return ends[(day.year, day.month)]

    for sale in sales:
        key = _RepMonth(sale.rep, sale.day.year, sale.day.month)
        month_total[key] += sale.cents
        if sale.day >= month_end(sale.day)[0]:
            end_total[key] += sale.cents
    outsized = outsized_orders(orders, month_end, t)
    flags: list[Flag] = []
    for key in sorted(month_total, key=lambda k: (k.year, k.month, k.rep)):
        _first, last_day = month_bounds(key.year, key.month)
        total, at_end = month_total[key], end_total[key]
        big = outsized.get(key, [])
        share = pressed(total, at_end, _exact(t.pressing_share))
        if last_day >= today or total <= 0 or not (share or big):
            continue
        red = share or len({order.customer_id for order, _usual in big}) >= 2
        end = month_end(last_day)
        flags.append(_pressing_flag(key.rep, end, last_day, total, at_end, big, red))
    return flags


def last_days(year: int, month: int, n: int, calendar: WorkCalendar | None = None) -> list[date]:
    """The month's last `n` working days of `calendar` (calendar days without one), in order;
    a month with fewer working days gives them all."""
    first, last = month_bounds(year, month)
    days = [d for d in days_in(first, last) if calendar is None or calendar.is_workday(d)]
    return days[-n:] or [last]


def outsized_orders(
    orders: Iterable[SaleFact],
    month_end: Callable[[date], list[date]],
    t: Thresholds = DEFAULTS,
) -> dict[_RepMonth, list[tuple[SaleFact, int]]]:
    """Each rep-month's orders at the month's end of at least `t.pressing_multiple` times the
    customer's usual order (the median of its earlier orders, three at least), with that
    usual amount, the biggest first."""
    earlier: defaultdict[int, list[int]] = defaultdict(list)
    found: defaultdict[_RepMonth, list[tuple[SaleFact, int]]] = defaultdict(list)
    for order in sorted(orders, key=lambda o: o.day):
        if order.customer_id is None or order.cents <= 0:
            continue
        history = earlier[order.customer_id]
        if order.day >= month_end(order.day)[0] and len(history) >= 3:
            usual = int(statistics.median(history))
            if usual > 0 and order.cents >= t.pressing_multiple * usual:
                key = _RepMonth(order.rep, order.day.year, order.day.month)
                found[key].append((order, usual))
                continue  # an outsized order is not the customer's usual
        history.append(order.cents)
    return {key: sorted(big, key=lambda b: -b[0].cents) for key, big in found.items()}


def pressed(month_cents: int, end_cents: int, share: Fraction) -> bool:
    """More than `share` of a month's (positive) sales were made at its end."""
    return month_cents > 0 and end_cents > share * month_cents


def _pressing_flag(
    rep: str,
    end: list[date],
    last_day: date,
    total: int,
    at_end: int,
    big: list[tuple[SaleFact, int]],
    red: bool,
) -> Flag:
    percent = Fraction(at_end * 100, total)
    evidence = ngettext(
        "{end} of {total} ({percent}%) sold in the last {n} working day of {month}",
        "{end} of {total} ({percent}%) sold in the last {n} working days of {month}",
        len(end),
    ).format(
        end=format_amount(at_end),
        total=format_amount(total),
        percent=f"{float(percent):.1f}",
        n=len(end),
        month=f"{last_day:%Y-%m}",
    )
    if big:
        listed = _("; ").join(
            _("{customer} {amount} on {day} ({times:.0f}× its usual {usual})").format(
                customer=order.customer,
                amount=format_amount(order.cents),
                day=f"{order.day:%m-%d}",
                times=order.cents / usual,
                usual=format_amount(usual),
            )
            for order, usual in big[:3]
        )
        evidence = _("{evidence}; outsized orders: {orders}").format(
            evidence=evidence, orders=listed
        )
    return Flag(
        Rule.PRESSING_STOCK, last_day, evidence, rep=rep,
        explanation=_(_EXPLAIN[Rule.PRESSING_STOCK]),
        severity=Severity.RED if red else Severity.FOLLOW_UP,
        from_day=end[0], key=f"{last_day:%Y-%m}",
    )  # fmt: skip


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
        flags.append(_flag(Rule.DOUBTFUL_CALL, call.rep, call.day, evidence, key=when))
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
        flags.append(
            _flag(
                Rule.EDITED_AFTER_CALL, edit.rep, edit.day_after, evidence,
                visits=(edit.visit_id,), key=_stamp(edit.at),
            )
        )  # fmt: skip
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


# --- cross-record evidence (issue 12) ----------------------------------------------------
#
# A visit alone rarely shows it was invented; set against the rest of the records it can:
# the rep's own habit before the window, the team's, the sales feed, the colleagues in the
# same region. Every line here is a percentile of an honest baseline (the lower of the
# team's and the rep's own, so a value is unusual only when it is unusual for both), or a
# chance under the rep's own rate, never a fixed constant.

#: how far before the window the evidence across records reads the rep's own habit (and the
#: earlier results a day's may be copied from)
BASELINE = timedelta(days=28)
#: the fewest earlier values a baseline needs before it is trusted (the team's, or the rep's
#: own before the window; with fewer, the rep is read against the team alone)
HISTORY_MIN = 30
#: order visits of the rep's own history weigh against the team's rate like this many visits
#: (a rep with little history is read mostly by the team's rate)
PRIOR_VISITS = 20
#: a result shorter than this (letters and digits) is too short to call copied
COPY_MIN_CHARS = 6


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank `p`th percentile (0 < p ≤ 100) of `values`; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def baseline(own: Sequence[float], team: Sequence[float], p: float) -> float | None:
    """The line below which a value is unusual for this rep: the lower of the team's and the
    rep's own `p`th percentile (its own only with `HISTORY_MIN` values); None without a
    team baseline."""
    return _own_lower(team_line(team, p), own, p)


def team_line(team: Sequence[float], p: float) -> float | None:
    """The team's `p`th percentile; None with fewer than `HISTORY_MIN` values."""
    return percentile(team, p) if len(team) >= HISTORY_MIN else None


def _own_lower(line: float | None, own: Sequence[float], p: float) -> float | None:
    """`line`, or the rep's own `p`th percentile when lower (with `HISTORY_MIN` values)."""
    if line is None or len(own) < HISTORY_MIN:
        return line
    return min(line, percentile(own, p) or line)


class _Timed(NamedTuple):
    """Each rep's days: the visits with a start and a later end, by start, and the minutes
    each takes (`lengths`) and each trip from one to the next takes (`trips`), worked out
    once for the rules that read them."""

    days: dict[tuple[str, date], list[VisitFact]]
    lengths: dict[tuple[str, date], list[float]]
    trips: dict[tuple[str, date], list[float]]


def _timed_days(visits: Iterable[VisitFact]) -> _Timed:
    """`_Timed` of `visits` (the window's and its look-back's: `tight_gaps` and `short_days`
    read them both)."""
    days: defaultdict[tuple[str, date], list[VisitFact]] = defaultdict(list)
    moments: set[time] = set()
    for visit in visits:
        if visit.start is not None and visit.end is not None and visit.end > visit.start:
            days[(visit.rep, visit.day)].append(visit)
            moments.add(visit.start)
            moments.add(visit.end)
    by_start = attrgetter("start", "end", "id")
    for day in days.values():
        day.sort(key=by_start)
    # minutes from a to b: whole minutes, then the seconds' difference in sixtieths; read
    # once a time, not once a visit. Times to the minute (as reps type them) are whole
    # numbers, their differences exact as floats: a subtraction in C does it, to the bit.
    at: dict[time, Any]
    minutes: Callable[[Any, Any], float]
    if all(moment.second == 0 for moment in moments):
        at = {moment: float(moment.hour * 60 + moment.minute) for moment in moments}
        minutes = operator.sub
    else:
        at = {moment: (moment.hour * 60 + moment.minute, moment.second) for moment in moments}
        minutes = _minutes
    lengths, trips = {}, {}
    for key, day in days.items():
        starts = list(map(at.__getitem__, map(_START, day)))
        ends = list(map(at.__getitem__, map(_END, day)))
        lengths[key] = list(map(minutes, ends, starts))
        trips[key] = list(map(minutes, starts[1:], ends))
    return _Timed(dict(days), lengths, trips)


_START, _END = attrgetter("start"), attrgetter("end")


def _minutes(b: tuple[int, int], a: tuple[int, int]) -> float:
    """Minutes from `a` to `b`, each (minute of the day, second), on one day (negative when
    `b` is earlier)."""
    return (b[0] - a[0]) + (b[1] - a[1]) / 60


def _window_days(
    timed: _Timed, start: date, end: date, least: int
) -> list[tuple[tuple[str, date], list[VisitFact]]]:
    """The days of [start, end] with at least `least` timed visits, by day then rep."""
    found = [
        (key, day) for key, day in timed.days.items()
        if start <= key[1] <= end and len(day) >= least
    ]  # fmt: skip
    found.sort(key=_by_day_then_rep)
    return found


class _Habit:
    """A measure of every rep's days: each rep's values before the window, and the team's;
    each rep's line is worked out once (the team's percentile sorts the whole team)."""

    def __init__(self, own: dict[str, list[float]], team: list[float]) -> None:
        self.own = own
        self.team = team
        self._lines: dict[tuple[str, float], float | None] = {}
        self._team_lines: dict[float, float | None] = {}
        self._lowest: dict[str, float | None] = {}

    def line(self, rep: str, p: float) -> float | None:
        """`baseline` of the rep's own values and the team's."""
        if (rep, p) not in self._lines:
            if p not in self._team_lines:
                self._team_lines[p] = team_line(self.team, p)
            self._lines[(rep, p)] = _own_lower(self._team_lines[p], self.own.get(rep, []), p)
        return self._lines[(rep, p)]

    def lowest(self, rep: str) -> float | None:
        """The rep's own smallest value before the window, when it has a history."""
        if rep not in self._lowest:
            own = self.own.get(rep, [])
            self._lowest[rep] = min(own) if len(own) >= HISTORY_MIN else None
        return self._lowest[rep]


def _habit(days: Mapping[tuple[str, date], Sequence[float]], start: date) -> _Habit:
    own: defaultdict[str, list[float]] = defaultdict(list)
    team: list[float] = []
    for (rep, day), values in days.items():
        team.extend(values)
        if day < start:
            own[rep].extend(values)
    return _Habit(dict(own), team)


def tight_gaps(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    t: Thresholds = DEFAULTS,
    timed: "_Timed | None" = None,
) -> list[Flag]:
    """Visits squeezed between two others, leaving less time to get there and on, the two
    together, than the shortest trip the rep usually makes between visits: the
    `t.gap_percentile`th percentile of the travel gaps (the team's and the rep's own before
    the window, the lower).

    An invented visit is fitted into the gap between two real ones, and the
    travel it implies is forgotten. One tight gap is an honest pair of shops
    next door; a visit with no time to arrive and no time to leave is not.
    Both gaps together, not each, so that two honest short trips of the usual
    length never make a squeeze.
    """
    timed = _timed_days(visits) if timed is None else timed
    trips = timed.trips  # from each visit to the next: a squeeze reads two of them
    habit = _habit({key: [g for g in found if g >= 0] for key, found in trips.items()}, start)
    flags: list[Flag] = []
    for (rep, day), mine in _window_days(timed, start, end, 3):
        line = habit.line(rep, t.gap_percentile)
        if not line:
            continue
        between = trips[(rep, day)]
        for i, (before, visit, after) in enumerate(zip(mine, mine[1:], mine[2:], strict=False)):
            arrive, leave = between[i], between[i + 1]
            if arrive >= 0 and leave >= 0 and arrive + leave < line:
                evidence = _(
                    "{customer} {span} squeezed between {before} (until {until}) and {after} "
                    "(from {since}): {arrive:.0f} and {leave:.0f} minutes to get there and on; "
                    "this rep's trips between visits are rarely under {line:.0f} minutes"
                ).format(
                    customer=visit.customer, span=_span_text(visit), before=before.customer,
                    until=_clock(before.end), after=after.customer, since=_clock(after.start),
                    arrive=arrive, leave=leave, line=line,
                )  # fmt: skip
                flags.append(_flag(Rule.TIGHT_GAP, rep, day, evidence, visits=(visit.id,)))
    return flags


def short_days(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    t: Thresholds = DEFAULTS,
    timed: "_Timed | None" = None,
) -> list[Flag]:
    """Days with two or more visits shorter than the rep's visits ever are: under the
    `t.short_percentile`th percentile of visit lengths (the team's and its own, the lower)
    and, when the rep has a history before the window, shorter than every visit in it.
    Padding: one short visit is a quick drop-in; several on one day make up a count.

    The rep's own shortest visit keeps a percentile from reading the floor of an
    honest habit (a rep whose visits take 15 minutes at least) as unusual.
    Visits under `t.min_minutes` are flagged one by one already (`durations`).
    """
    timed = _timed_days(visits) if timed is None else timed
    lengths = timed.lengths
    habit = _habit(lengths, start)
    flags: list[Flag] = []
    for (rep, day), mine in _window_days(timed, start, end, 2):
        line = habit.line(rep, t.short_percentile)
        if not line:
            continue
        lowest = habit.lowest(rep)
        if lowest is not None:
            line = min(line, lowest)
        short = [
            v for v, length in zip(mine, lengths[(rep, day)], strict=True)
            if t.min_minutes <= length < line
        ]  # fmt: skip
        if len(short) < 2:
            continue
        listed = _("; ").join(f"{v.customer} {_span_text(v)}" for v in short)
        evidence = ngettext(
            "{n} visit under {line:.0f} minutes: {visits}; this rep's visits are rarely that short",
            "{n} visits under {line:.0f} minutes: {visits}; this rep's visits are rarely "
            "that short",
            len(short),
        ).format(n=len(short), line=line, visits=listed)
        flags.append(
            Flag(
                Rule.DURATION, day, evidence, rep=rep, explanation=_(_PADDED),
                severity=Severity.RED, visits=tuple(v.id for v in short),
            )
        )  # fmt: skip
    return flags


def quiet_drops(
    prospects: Iterable[OpenProspect], today: date, t: Thresholds = DEFAULTS
) -> list[Flag]:
    """Prospects left after fewer than `t.min_visits` visits without being marked lost: no
    visit for `t.drop_days` days after the last, and a week past its promised revisit.

    A prospect given up is marked lost (and `gave-up` asks why so soon); one that
    is simply no longer visited hides the loss from the four-visit rule. The
    flag covers the silence: from the last visit to the day it became a drop.
    """
    flags: list[Flag] = []
    week = timedelta(days=7)
    for p in sorted(prospects, key=lambda p: (p.last_visit, p.rep, p.customer)):
        if p.visits >= t.min_visits:
            continue
        dropped = max(
            p.last_visit + timedelta(days=t.drop_days), (p.promised or p.last_visit) + week
        )
        if dropped >= today:
            continue
        evidence = ngettext(
            "{customer}: {n} visit, the last on {last}, none since and not marked lost",
            "{customer}: {n} visits, the last on {last}, none since and not marked lost",
            p.visits,
        ).format(customer=p.customer, n=p.visits, last=p.last_visit.isoformat())
        flags.append(
            Flag(
                Rule.GAVE_UP, dropped, evidence, rep=p.rep,
                explanation=_(_DROPPED).format(min=t.min_visits), severity=Severity.RED,
                from_day=p.last_visit, key=p.customer,
            )
        )  # fmt: skip
    return flags


def _is_order(purposes: str) -> bool:
    """Whether a visit with these purposes (as stored: "order,collection") was an order visit."""
    return Purpose.ORDER in purposes.split(",")


def binomial_tail(n: int, k: int, q: float) -> float:
    """The chance of `k` or more of `n` independent events of chance `q`."""
    return sum(math.comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(k, n + 1))


def unsold_orders(
    visits: Iterable[VisitFact],
    orders: Iterable[SaleFact],
    start: date,
    end: date,
    today: date,
    t: Thresholds = DEFAULTS,
) -> list[Flag]:
    """Days on which more of a rep's order (订货) visits came to no sale — no sale to that
    customer within `t.sale_days` days — than its own rate makes likely (a chance under
    `t.no_sale_chance`).

    An invented visit sells nothing: the order it reports never reaches the
    sales feed. The rate is the rep's own before the window, weighed with the
    team's (a rep with little history is read by the team's). A team that keeps
    no sales feed has nearly every order visit unsold, and nothing is flagged.
    One such day alone is a follow-up unless very unlikely (under a tenth of the
    chance); with other evidence the same day it is red (`corroborate`).
    """
    # each customer's sale days (ordinals), in order: a visit's test is one binary search
    sold: defaultdict[int, list[int]] = defaultdict(list)
    for order in orders:
        if order.customer_id is not None and order.cents > 0:
            sold[order.customer_id].append(order.day.toordinal())
    for days in sold.values():
        days.sort()
    no_days: list[int] = []

    # each (rep, day)'s order visits, and which of them sold nothing
    by_day: dict[tuple[str, date], tuple[list[VisitFact], list[bool]]] = {}
    visits = visits if isinstance(visits, list | tuple) else list(visits)
    # a team writes a handful of purpose lists, and a month's visits fall on a few dozen
    # days: each read once
    ordering = {
        purposes for purposes in {visit.purposes for visit in visits} if _is_order(purposes)
    }  # fmt: skip
    ordinals: dict[date, int] = {}
    for visit in visits:
        if visit.purposes not in ordering or visit.day >= today:
            continue
        ordinal = ordinals.get(visit.day)
        if ordinal is None:
            ordinal = ordinals[visit.day] = visit.day.toordinal()
        sold_on = sold.get(visit.customer_id, no_days)
        i = bisect_left(sold_on, ordinal)  # the first sale on the visit's day or after
        unsold = i == len(sold_on) or sold_on[i] > ordinal + t.sale_days
        key = (visit.rep, visit.day)
        found = by_day.get(key)
        if found is None:
            by_day[key] = ([visit], [unsold])
        else:
            found[0].append(visit)
            found[1].append(unsold)
    # the rates: the team's over every day read, each rep's over its days before the window
    team_n = team_k = 0
    own: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (rep, day), (_visits, marks) in by_day.items():
        k = sum(marks)
        team_n += len(marks)
        team_k += k
        if day < start:
            mine = own[rep]
            mine[0] += len(marks)
            mine[1] += k
    if team_n < HISTORY_MIN:
        return []
    team_rate = team_k / team_n
    if team_rate >= 0.9:  # no sales feed to speak of
        return []
    flags: list[Flag] = []
    suspect = [
        (key, found) for key, found in by_day.items()
        if start <= key[1] <= end and sum(found[1]) >= 2
    ]  # fmt: skip
    suspect.sort(key=_by_day_then_rep)
    for (rep, day), (day_visits, marks) in suspect:
        k = sum(marks)
        n_own, k_own = own.get(rep, (0, 0))
        rate = (k_own + team_rate * PRIOR_VISITS) / (n_own + PRIOR_VISITS)
        chance = binomial_tail(len(marks), k, rate)
        if chance >= float(t.no_sale_chance):
            continue
        unsold_visits = [v for v, mark in zip(day_visits, marks, strict=True) if mark]
        names = _(", ").join(v.customer for v in unsold_visits)
        evidence = _(
            "{k} of {n} order visits with no sale to the customer within {days} days ({names}); "
            "this rep's order visits sell {rate:.0f}% of the time"
        ).format(k=k, n=len(marks), days=t.sale_days, names=names, rate=100 * (1 - rate))
        strong = chance < float(t.no_sale_chance) / 10
        flags.append(
            _flag(
                Rule.ORDER_NO_SALE, rep, day, evidence,
                Severity.RED if strong else Severity.FOLLOW_UP,
                visits=tuple(v.id for v in unsold_visits),
            )
        )  # fmt: skip
    return flags


def _words(text: str | None) -> str:
    """A result as compared: NFKC, letters and digits only, case folded."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


_NOT_WORD = re.compile(r"[\W_]+")


def copied_results(
    visits: Iterable[VisitFact],
    start: date,
    end: date,
    t: Thresholds = DEFAULTS,
    in_order: bool = False,
) -> list[Flag]:
    """Days on which at least `t.copied_min` results repeat word for word what the rep wrote
    on an earlier day, or for another customer that day, and a larger share of the day's
    results than on the rep's days before (its `t.copied_percentile`th percentile, or the
    team's) and than half.

    A day written at home is written from the report of another day. Reps do
    reuse a phrase ("库存充足"), so a day is read against the rep's own habit,
    and only results of some length count.
    """
    by_rep: defaultdict[str, list[tuple[VisitFact, str]]] = defaultdict(list)
    said_as: dict[str, str] = {}  # reps write the same phrases: each normalised once
    for visit in visits:
        if not visit.result:
            continue
        words = said_as.get(visit.result)
        if words is None:
            words = said_as[visit.result] = _words(visit.result)
        if len(words) >= COPY_MIN_CHARS:
            by_rep[visit.rep].append((visit, words))
    shares: dict[tuple[str, date], list[float]] = {}
    copies: dict[tuple[str, date], list[VisitFact]] = {}
    for rep, mine in by_rep.items():
        seen: set[str] = set()
        if not in_order:  # else `visits` come in that order already (`audit` sorts them once)
            mine.sort(key=lambda pair: _history_key(pair[0]))
        for day, group in itertools.groupby(mine, key=lambda pair: pair[0].day):
            today_visits = list(group)
            texts = [words for _v, words in today_visits]
            said = set(texts)
            if len(said) == len(texts):  # most days: no result said twice that day
                copied = [v for v, words in today_visits if words in seen]
            else:
                twice = Counter(texts)
                copied = [v for v, words in today_visits if words in seen or twice[words] > 1]
            seen.update(said)
            shares[(rep, day)] = [len(copied) / len(today_visits)]
            copies[(rep, day)] = copied
    habit = _habit(shares, start)
    flags: list[Flag] = []
    for (rep, day), copied in sorted(copies.items(), key=_by_day_then_rep):
        if not start <= day <= end or len(copied) < t.copied_min:
            continue
        share = shares[(rep, day)][0]
        usual = habit.line(rep, t.copied_percentile)
        if usual is None or share <= max(usual, 0.5):
            continue
        evidence = _(
            "{k} of the day's results repeat earlier ones word for word (e.g. {customer}: "
            "“{result}”); this rep usually repeats at most {usual:.0f}% of a day's results"
        ).format(
            k=len(copied), customer=copied[0].customer, result=(copied[0].result or "").strip(),
            usual=100 * usual,
        )  # fmt: skip
        flags.append(
            _flag(
                Rule.COPIED_RESULT, rep, day, evidence, Severity.FOLLOW_UP,
                visits=tuple(v.id for v in copied),
            )
        )  # fmt: skip
    return flags


#: weather words and the kind of sky each names; a report names one or more kinds
_SKY = {
    "晴": "clear", "sunny": "clear", "clear": "clear", "fine": "clear",
    "云": "cloud", "cloud": "cloud",
    "阴": "overcast", "overcast": "overcast",
    "雨": "rain", "rain": "rain", "shower": "rain", "drizzle": "rain",
    "雪": "snow", "snow": "snow", "sleet": "snow",
    "雾": "fog", "霾": "fog", "fog": "fog", "haze": "fog",
}  # fmt: skip


def sky(weather: str | None) -> frozenset[str]:
    """The kinds of sky a weather note names (晴转多云: clear and cloud); none if unknown."""
    text = unicodedata.normalize("NFKC", weather or "").casefold()
    return frozenset(kind for word, kind in _SKY.items() if word in text)


def weather_mismatches(reports: Iterable[ReportFact]) -> list[Flag]:
    """A rep whose weather shares nothing with that of each of at least two colleagues in the
    same region that day: a day written from home, or from another day.

    One such day alone is a follow-up (a note can be wrong); with other evidence
    the same day it is red (`corroborate`).
    """
    by_place: defaultdict[tuple[str, date], list[ReportFact]] = defaultdict(list)
    for report in reports:
        if report.region and sky(report.weather):
            by_place[(report.region.strip(), report.day)].append(report)
    flags: list[Flag] = []
    for (_region, day), group in sorted(by_place.items(), key=lambda item: item[0][::-1]):
        for report in group:
            mine = sky(report.weather)
            others = [r for r in group if r.rep != report.rep]
            if len(others) < 2 or any(mine & sky(r.weather) for r in others):
                continue
            said = Counter(r.weather.strip() for r in others).most_common(1)[0][0]
            evidence = _(
                "weather “{weather}” in {region}, where {n} colleagues reported “{said}”"
            ).format(weather=report.weather.strip(), region=report.region, n=len(others),
                     said=said)  # fmt: skip
            flags.append(_flag(Rule.WEATHER, report.rep, day, evidence, Severity.FOLLOW_UP))
    return flags


#: the rules whose flags on one rep's day corroborate each other: each alone may be honest,
#: two independent ones on one day are what an invented day looks like
CORROBORATING = frozenset({
    Rule.OVERLAP, Rule.LATE_LOG, Rule.DURATION, Rule.TIGHT_GAP, Rule.COPIED_RESULT,
    Rule.WEATHER, Rule.ORDER_NO_SALE, Rule.DOUBTFUL_CALL, Rule.UNCONFIRMED_VISIT,
})  # fmt: skip
#: the weaker evidence: a follow-up alone, red when another rule above flags the same day
WEAK = frozenset({Rule.COPIED_RESULT, Rule.WEATHER, Rule.ORDER_NO_SALE})


def corroborate(flags: Iterable[Flag]) -> list[Flag]:
    """Weak evidence turns red when another kind of evidence flags the same rep and day."""
    flags = list(flags)
    rules: defaultdict[tuple[str, date], set[Rule]] = defaultdict(set)
    for flag in flags:
        if flag.rule in CORROBORATING and flag.from_day is None:
            rules[(flag.rep, flag.day)].add(flag.rule)
    return [
        replace(flag, severity=Severity.RED)
        if flag.rule in WEAK and not flag.red and rules[(flag.rep, flag.day)] - {flag.rule}
        else flag
        for flag in flags
    ]


# --- unconfirmed-visit -------------------------------------------------------------------


def _answers(calls: Iterable[CallFact]) -> dict[int, CallFact]:
    """Each visit a customer was phoned about, and the latest call that asked (its answer)."""
    asked = [c for c in calls if c.visit_id is not None and c.confirmed is not None]
    latest: dict[int, CallFact] = {}
    for call in sorted(asked, key=lambda c: (c.day, c.at or time.min, c.logged_at or datetime.min)):
        latest[call.visit_id] = call  # type: ignore[index]  # filtered above
    return latest


def unconfirmed_visits(calls: Iterable[CallFact]) -> list[Flag]:
    """Each visit whose customer, phoned last about it, did not confirm it: on the visit's
    day, against the call's rep. The customer is the one witness a rep cannot write."""
    flags: list[Flag] = []
    for visit_id, call in sorted(_answers(calls).items(), key=lambda item: item[0]):
        if call.confirmed or call.visit_day is None:
            continue
        phoned = call.day.isoformat() if call.at is None else f"{call.day} {_clock(call.at)}"
        evidence = _("{customer} did not confirm the visit of {day} (phoned {phoned})").format(
            customer=call.customer or "?", day=call.visit_day.isoformat(), phoned=phoned
        )
        flags.append(
            _flag(Rule.UNCONFIRMED_VISIT, call.rep, call.visit_day, evidence, visits=(visit_id,))
        )
    return flags


#: the rules whose question is whether the visits they name happened: a customer who
#: confirms every one of them answers it
CLEARED_BY_CUSTOMER = frozenset({
    Rule.OVERLAP, Rule.LATE_LOG, Rule.DURATION, Rule.NO_PHONE, Rule.TIGHT_GAP,
    Rule.COPIED_RESULT, Rule.ORDER_NO_SALE,
})  # fmt: skip


def clear_confirmed(flags: Iterable[Flag], calls: Iterable[CallFact]) -> list[Flag]:
    """The flags less those whose every visit a customer confirmed (its latest answer yes),
    of the rules that ask whether a visit happened (`CLEARED_BY_CUSTOMER`)."""
    confirmed = {visit for visit, call in _answers(calls).items() if call.confirmed}
    if not confirmed:  # no call confirmed a visit: nothing cleared
        return list(flags)
    return [
        flag
        for flag in flags
        if not (flag.rule in CLEARED_BY_CUSTOMER and flag.visits and confirmed >= set(flag.visits))
    ]


# --- shared ------------------------------------------------------------------------------


def _flag(
    rule: Rule,
    rep: str,
    day: date,
    evidence: "str | Later",
    severity: Severity | None = None,
    *,
    visits: tuple[int, ...] = (),
    key: str = "",
) -> Flag:
    return new_flag(
        rule, day, evidence, rep, _explained(rule), severity or SEVERITY[rule], visits, key
    )


_new = object.__new__


def new_flag(
    rule: Rule,
    day: date,
    evidence: "str | Later",
    rep: str,
    explanation: str,
    severity: Severity,
    visits: tuple[int, ...] = (),
    key: str = "",
    from_day: date | None = None,
) -> Flag:
    """`Flag(rule, day, evidence, rep=…, …)`, field for field, without the frozen dataclass's
    `__init__` (an `object.__setattr__` per field, and the evidence through its descriptor):
    a month's audit raises some 27,000 flags, and that `__init__` was two thirds of their
    cost. `Flag` has no `__post_init__` to skip."""
    flag = _new(Flag)
    flag.__dict__.update(
        rule=rule, day=day, _evidence=evidence, rep=rep, explanation=explanation,
        severity=severity, from_day=from_day, visits=visits, key=key,
    )  # fmt: skip
    return flag


_explanations: dict[tuple[str, Rule], str] = {}


def _explained(rule: Rule) -> str:
    """The rule's explanation in the language shown (an audit of a month repeats it some
    ten thousand times: looked up once a language)."""
    key = (language(), rule)
    if key not in _explanations:
        _explanations[key] = _(_EXPLAIN.get(rule, ""))
    return _explanations[key]


@cache  # a month's audit shows some 60,000 times, of a few hundred
def _clock(moment: time | None) -> str:
    # as f"{moment:%H:%M}" reads it, without strftime
    return f"{moment.hour:02}:{moment.minute:02}" if moment is not None else ""


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

    def rank(f: Flag) -> tuple[bool, bool, int, int, int]:
        return (
            not f.red, f.from_day is None, -per_rule[f.rule], _ORDER.get(f.rule, len(_ORDER)),
            -f.day.toordinal(),
        )  # fmt: skip

    by_rule: defaultdict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        by_rule[flag.rule].append(flag)
    # each rule's first flag, the wording read only to settle a tie (most flags are never shown)
    chosen = sorted(
        (first_by(mine, rank) for mine in by_rule.values()), key=lambda f: (rank(f), f.evidence)
    )
    return chosen[:n]


def first_by(flags: Sequence[Flag], rank: Callable[[Flag], tuple[object, ...]]) -> Flag:
    """The first of `flags` (not empty) in the order of `rank`, then the evidence: as
    `sorted(flags, key=(rank, evidence))[0]`, each flag ranked once, wording only the flags
    tied on `rank`."""
    ranks = list(map(rank, flags))
    best = min(ranks)  # type: ignore[type-var]
    tied = [f for f, mine in zip(flags, ranks, strict=True) if mine == best]
    return tied[0] if len(tied) == 1 else min(tied, key=lambda f: f.evidence)


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
