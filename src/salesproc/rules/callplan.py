"""The supervisor's check-in call plan (一个电话): when to call each rep, and what to ask.

The supervisor calls every rep every day at an *irregular* time, so the team
feels watched without a pattern to game, and prepares each call from the
rep's own records, so an invented visit is caught by one concrete question.

Four windows, each with its purpose: morning (is there a plan?), noon (on
the job?), after work (did the plan happen?), evening (results and drive;
never after 22:00). A rep never gets the window of either of its two
previous calls, the minute varies, and the same seed and date always give
the same plan, so re-running `call-plan` shows the same schedule.

The window chain. Without a call log, "the two previous calls" are the
plan's own windows of the two previous days, so each rep's windows form
one chain over all days in which any three days in a row differ. After
two days (a, b) only the two other windows are allowed, and one hashed bit
per day picks between them. The state is a permutation of the 4 windows,
(today, yesterday, the unused one, the day before), and one day moves it
by a fixed permutation of its positions chosen by the bit:

    (t, y, u, d) --bit 0--> (u, t, d, y)      (t, y, u, d) --bit 1--> (d, t, u, y)

The chain starts at EPOCH from a hashed permutation and runs forward one
day per bit; days before it run the same way backward in time (the rule
"three days in a row differ" reads the same both ways). The bits come from
BLAKE2b of (seed, rep, direction, block), 256 days to a 32-byte digest,
and a table of 24 states × 256 bytes applies 8 days in one look-up, so a
date in 2026 costs ten digests and ~300 look-ups per rep. Because the plan
of day D is the chain's window whenever it differs from the previous two
windows, and the chain's own previous windows always pass, the plan of D
computed alone is exactly the "previous" used for D+1 and D+2.
"""

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from functools import cache
from itertools import permutations
from typing import NamedTuple, Protocol

from salesproc.i18n import N_, _, ngettext
from salesproc.rules.audit import RULES
from salesproc.rules.calendar import WorkCalendar


class Window(StrEnum):
    """The four times of day to call, in the order of the day."""

    MORNING = "morning"
    NOON = "noon"
    AFTER_WORK = "after-work"
    EVENING = "evening"

    @property
    def start(self) -> time:
        """The earliest planned call time of the window."""
        return _BOUNDS[self][0]

    @property
    def end(self) -> time:
        """The window's end: planned times are before it (the evening's is 21:45)."""
        return _BOUNDS[self][1]


_BOUNDS = {
    Window.MORNING: (time(8, 0), time(9, 30)),
    Window.NOON: (time(11, 30), time(13, 30)),
    Window.AFTER_WORK: (time(17, 30), time(19, 0)),
    Window.EVENING: (time(19, 0), time(21, 45)),
}
#: No call at or after this time: reps have a life.
LATEST_CALL = time(22, 0)
WINDOWS = tuple(Window)
LABELS = {
    Window.MORNING: N_("morning: is there a plan?"),
    Window.NOON: N_("noon: on the job?"),
    Window.AFTER_WORK: N_("after work: did the plan happen?"),
    Window.EVENING: N_("evening: results and drive"),
}
#: The first day of the window chain (a Monday); any date works, this one is just cheap.
EPOCH = date(2020, 1, 6)
_BLOCK_DAYS = 256  # the bits of one 32-byte digest
_PERMS = tuple(permutations(range(len(WINDOWS))))
_INDEX = {perm: index for index, perm in enumerate(_PERMS)}


def window_label(window: Window) -> str:
    """The window with what its call asks, in the current language."""
    return _(LABELS[Window(window)])


def window_at(at: time) -> Window | None:
    """The window a logged call time falls in (evening up to 22:00), or None outside them all."""
    for window in WINDOWS:
        if window.start <= at < window.end:
            return window
    return Window.EVENING if Window.EVENING.end <= at <= LATEST_CALL else None


# --- hashing: stable across runs and machines (never the salted built-in `hash`) ---------


def _digest(*parts: object, size: int = 8) -> bytes:
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=size, person=b"salesproc-call").digest()


def _number(*parts: object) -> int:
    return int.from_bytes(_digest(*parts), "big")


# --- the window chain --------------------------------------------------------------------


def _next_state(perm: tuple[int, ...], bit: int) -> tuple[int, ...]:
    """One day on: the new window is one of the two not used on the last two days."""
    return (perm[2 + bit], perm[0], perm[3 - bit], perm[1])


@cache
def _tables() -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """One day per bit, and 8 days per byte (low bit first) with states stored × 256.

    The byte table is built by doubling (1 → 2 → 4 → 8 days), about 13,000
    look-ups once per process.
    """
    step = tuple(tuple(_INDEX[_next_state(perm, bit)] for bit in (0, 1)) for perm in _PERMS)
    table: list[list[int]] = [list(row) for row in step]
    bits = 1
    while bits < 8:
        mask = (1 << bits) - 1
        table = [
            [table[table[state][x & mask]][x >> bits] for x in range(1 << (2 * bits))]
            for state in range(len(_PERMS))
        ]
        bits *= 2
    flat = tuple(nxt * 256 for row in table for nxt in row)
    return step, flat


def _walk(state: int, key: tuple[object, ...], days: int) -> int:
    """The state `days` days on from `state`, the day bits drawn from the stream `key`."""
    step, by_byte = _tables()
    base = state * 256
    block = 0
    while days > 0:
        bits = _digest(*key, block, size=_BLOCK_DAYS // 8)
        whole, rest = divmod(min(days, _BLOCK_DAYS), 8)
        for byte in bits[:whole]:
            base = by_byte[base + byte]
        current = base >> 8
        for position in range(rest):
            current = step[current][(bits[whole] >> position) & 1]
        base = current * 256
        days -= _BLOCK_DAYS
        block += 1
    return base >> 8


def chain_windows(seed: int, rep: str, day: date) -> tuple[Window, Window, Window]:
    """The chain's windows of `day`, the day before and the day before that: all different."""
    offset = (day - EPOCH).days
    start = _number(seed, rep, "start") % len(_PERMS)
    if offset >= 2:
        perm = _PERMS[_walk(start, (seed, rep, "forward"), offset)]
        return WINDOWS[perm[0]], WINDOWS[perm[1]], WINDOWS[perm[3]]
    # Backward from (EPOCH, EPOCH + 1): the state reads (earliest, next, unused, next after).
    first = _PERMS[_walk(start, (seed, rep, "forward"), 1)]
    turned = _INDEX[(first[1], first[0], first[2], first[3])]
    perm = _PERMS[_walk(turned, (seed, rep, "backward"), 2 - offset)]
    return WINDOWS[perm[3]], WINDOWS[perm[1]], WINDOWS[perm[0]]


def plan_window(seed: int, rep: str, day: date, logged: Sequence[Window | str] = ()) -> Window:
    """The window to call `rep` in on `day`: never that of either of its two previous calls.

    `logged` holds the windows of the rep's last calls before `day`, most
    recent first (0–2 are used); a missing one is the plan's own window of
    that many days before. The chain's window is kept whenever it is allowed
    (always, without a log); otherwise a hash of the day orders the others.
    """
    today, *before = chain_windows(seed, rep, day)
    known = [Window(window) for window in logged[:2]]
    previous = known + before[len(known) :]
    if today not in previous:
        return today
    allowed = [window for window in WINDOWS if window not in previous]
    return min(allowed, key=lambda window: _digest(seed, rep, day, window))


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def plan_time(seed: int, rep: str, day: date, window: Window) -> time:
    """A minute in the window (start ≤ time < end), hashed: not a round :00 or :30 pattern."""
    window = Window(window)
    start = _minutes(window.start)
    minute = start + _number(seed, rep, day, window, "minute") % (_minutes(window.end) - start)
    return time(minute // 60, minute % 60)


class Slot(NamedTuple):
    window: Window
    at: time


def plan_team(
    seed: int, day: date, logged: Mapping[str, Sequence[Window | str]]
) -> dict[str, Slot]:
    """Every rep's window and time; `logged` maps each rep to its last windows (may be empty).

    The supervisor makes one call at a time, so two reps never share a
    minute while their window has minutes free: the rep whose hashed
    minute comes later (then by code) moves to the next free minute,
    wrapping round inside its window.
    """
    windows = {rep: plan_window(seed, rep, day, calls) for rep, calls in logged.items()}
    wanted = {rep: plan_time(seed, rep, day, window) for rep, window in windows.items()}
    taken: set[int] = set()
    slots: dict[str, Slot] = {}
    for rep in sorted(windows, key=lambda code: (wanted[code], code)):
        minute = _free_minute(_minutes(wanted[rep]), windows[rep], taken)
        taken.add(minute)
        slots[rep] = Slot(windows[rep], time(minute // 60, minute % 60))
    return {rep: slots[rep] for rep in logged}


def _free_minute(wanted: int, window: Window, taken: set[int]) -> int:
    start, end = _minutes(window.start), _minutes(window.end)
    for offset in range(end - start):
        minute = start + (wanted - start + offset) % (end - start)
        if minute not in taken:
            return minute
    return wanted


def previous_workday(day: date, calendar: WorkCalendar, limit: int = 60) -> date:
    """The last working day before `day`: a Monday's call asks about Friday's visits.

    Falls back to the day before when `limit` days back hold no working day.
    """
    for back in range(1, limit + 1):
        candidate = day - timedelta(days=back)
        if calendar.is_workday(candidate):
            return candidate
    return day - timedelta(days=1)


# --- the rep's records and the prepared questions ----------------------------------------

#: The audit's rule ids, in the order the audit reports them (and the plan lists them).
RULE_IDS: tuple[str, ...] = tuple(rule.value for rule in RULES)
#: Which flagged item a call asks about: the strongest sign of invented or gamed work first.
ASK_ORDER = (
    "overlap",
    "doubtful-call",
    "pressing-stock",
    "duration",
    "no-phone",
    "late-log",
    "missed-revisit",
    "gave-up",
    "no-report",
    "below-quota",
)
RULE_LABELS = {
    "overlap": N_("overlapping visits"),
    "doubtful-call": N_("doubtful check-in call"),
    "pressing-stock": N_("pressing stock"),
    "duration": N_("implausible visit length"),
    "no-phone": N_("visit without a phone number"),
    "late-log": N_("visit logged late"),
    "missed-revisit": N_("missed revisit"),
    "gave-up": N_("prospect given up early"),
    "no-report": N_("no daily report"),
    "below-quota": N_("visits below the quota"),
}
MIN_QUESTIONS = 2
MAX_QUESTIONS = 4


@dataclass(frozen=True)
class VisitFact:
    """One visit of the day asked about, with what lets the supervisor check it happened."""

    customer: str
    start: time | None
    end: time | None = None
    contact: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Promise:
    """A revisit the rep promised a customer by `due`, and whether a visit followed."""

    customer: str
    due: date
    visited: bool


class FlagLike(Protocol):
    """What the plan reads of a flagged item; the audit's own flags have it too."""

    @property
    def rule(self) -> str: ...

    @property
    def day(self) -> date: ...

    @property
    def evidence(self) -> str: ...


@dataclass(frozen=True)
class Flag:
    """One item the audit flagged: its rule id, its day and what it saw."""

    rule: str
    day: date
    evidence: str = ""


@dataclass(frozen=True)
class RepRecord:
    """What the call is prepared from: the rep's previous working day and standing.

    `visit_count` is the day's number of visits when `visits` holds only
    some of them (None: all of them are there). `rank` is the month's
    leaderboard place out of `team_size` (None: no sales yet), and
    `month_amount` the month's sales as the leaderboard prints them.
    """

    rep: str
    name: str
    previous_workday: date
    visits: tuple[VisitFact, ...] = ()
    promises: tuple[Promise, ...] = ()
    flags: tuple[FlagLike, ...] = ()
    had_report: bool = True
    rank: int | None = None
    team_size: int = 0
    month_amount: str = "0.00"
    visit_count: int | None = None

    @property
    def visits_that_day(self) -> int:
        return len(self.visits) if self.visit_count is None else self.visit_count


def questions(
    record: RepRecord, quota: int, seed: int = 0, window: Window | None = None
) -> list[str]:
    """2–4 concrete questions, each checkable against the records, in the current language.

    In order: one visit of the previous working day to cross-check (time
    slot, contact or phone), a promised revisit, the gaps (no report, below
    the `quota`, one flagged item), then the leaderboard place, which is
    always asked. With fewer than 2, the call's own question (`window`'s:
    a plan in the morning, …) fills in.
    """
    checks = [text for text in (_visit_question(record, seed), _promise_question(record)) if text]
    checks += _gap_questions(record, quota, _promise_to_ask(record))
    asked = [*checks[: MAX_QUESTIONS - 1], _leaderboard_question(record)]
    if len(asked) < MIN_QUESTIONS:
        asked.append(_window_question(window))
    return asked


def _visit_to_check(record: RepRecord, seed: int) -> VisitFact | None:
    """A hashed pick among the day's visits, preferring those with a contact or phone to call."""
    checkable = [visit for visit in record.visits if visit.contact or visit.phone]
    pool = sorted(
        checkable or record.visits,
        key=lambda visit: (visit.start or time.max, visit.customer, visit.end or time.max),
    )
    if not pool:
        return None
    return pool[_number(seed, record.rep, record.previous_workday, "visit") % len(pool)]


def time_slot(visit: VisitFact) -> str:
    """`10:00–10:45`, `10:00` without an end, or that no time was logged."""
    if visit.start is None:
        return _("time not logged")
    if visit.end is None:
        return f"{visit.start:%H:%M}"
    return f"{visit.start:%H:%M}–{visit.end:%H:%M}"


def _visit_question(record: RepRecord, seed: int) -> str | None:
    visit = _visit_to_check(record, seed)
    if visit is None:
        return None
    values = {"day": record.previous_workday, "slot": time_slot(visit), "customer": visit.customer}
    if visit.contact and visit.phone:
        check = _("{contact}, tel. {phone}").format(contact=visit.contact, phone=visit.phone)
    elif visit.contact or visit.phone:
        check = visit.contact or _("tel. {phone}").format(phone=visit.phone)
    else:
        return _(
            "On {day}, {slot}, you were at {customer}: whom did you meet, and what was agreed? "
            "The visit has no contact or phone: give me one to check."
        ).format(**values)
    return _(
        "On {day}, {slot}, you were at {customer}: whom did you meet, and what was agreed? "
        "I will check with {check}."
    ).format(check=check, **values)


def _promise_to_ask(record: RepRecord) -> Promise | None:
    """The longest-missed promise; if none was missed, the latest one kept (to praise it)."""
    missed = sorted(
        (p for p in record.promises if not p.visited), key=lambda p: (p.due, p.customer)
    )
    if missed:
        return missed[0]
    kept = sorted(record.promises, key=lambda p: (p.due, p.customer), reverse=True)
    return kept[0] if kept else None


def _promise_question(record: RepRecord) -> str | None:
    promise = _promise_to_ask(record)
    if promise is None:
        return None
    if promise.visited:
        return _("You promised {customer} a revisit by {day} and went: what came of it?").format(
            customer=promise.customer, day=promise.due
        )
    return _(
        "You promised {customer} a revisit by {day}; no visit is logged since: "
        "why, and when will you go?"
    ).format(customer=promise.customer, day=promise.due)


def _gap_questions(record: RepRecord, quota: int, promise: Promise | None) -> list[str]:
    """No report or too few visits on the previous working day, then one other flagged item."""
    day = record.previous_workday
    gaps: list[str] = []
    covered: set[tuple[str, date]] = set()
    if not record.had_report:
        gaps.append(
            _(
                "No daily report for {day}: where were you that day, and when will it come in?"
            ).format(day=day)
        )
        covered |= {("no-report", day), ("below-quota", day)}
    elif quota > 0 and record.visits_that_day < quota:
        count = record.visits_that_day
        gaps.append(
            ngettext(
                "Only {n} visit on {day}, below the quota of {quota}: what got in the way?",
                "Only {n} visits on {day}, below the quota of {quota}: what got in the way?",
                count,
            ).format(n=count, day=day, quota=quota)
        )
        covered.add(("below-quota", day))
    flag = worst_flag(
        f for f in record.flags if (f.rule, f.day) not in covered and not _same_promise(f, promise)
    )
    if flag is not None:
        gaps.append(_flag_question(flag))
    return gaps


def _same_promise(flag: FlagLike, promise: Promise | None) -> bool:
    """A missed-revisit flag about the promise already asked about is not asked twice.

    The audit dates such a flag on the promised day and names the customer.
    """
    return (
        promise is not None
        and not promise.visited
        and flag.rule == "missed-revisit"
        and flag.day == promise.due
        and promise.customer in flag.evidence
    )


def _rule_order(rule: str, order: Sequence[str] = RULE_IDS) -> tuple[int, str]:
    """The rule's place in `order`; an id the plan does not know comes last."""
    return (order.index(rule) if rule in order else len(order), str(rule))


def worst_flag(flags: Iterable[FlagLike]) -> FlagLike | None:
    """The flagged item to ask about: the strongest rule (`ASK_ORDER`), then the latest day."""
    ordered = sorted(
        flags, key=lambda f: (_rule_order(f.rule, ASK_ORDER), -f.day.toordinal(), f.evidence)
    )
    return ordered[0] if ordered else None


def rule_label(rule: str) -> str:
    """The rule id in words, in the current language (an unknown id as it is)."""
    return _(RULE_LABELS[rule]) if rule in RULE_LABELS else rule


def _flag_question(flag: FlagLike) -> str:
    values = {"day": flag.day, "rule": rule_label(flag.rule), "evidence": flag.evidence}
    if flag.evidence:
        return _("Flagged on {day}, {rule}: {evidence}. What happened?").format(**values)
    return _("Flagged on {day}, {rule}: what happened?").format(**values)


def _leaderboard_question(record: RepRecord) -> str:
    if record.rank is None:
        return _("No sales this month yet: what will you close this week?")
    if record.rank == 1:
        return _(
            "You lead the team this month with {amount}: well done! "
            "How will you stay ahead this week?"
        ).format(amount=record.month_amount)
    return _(
        "You rank {rank} of {size} this month with {amount}: what will you close this week?"
    ).format(rank=record.rank, size=record.team_size, amount=record.month_amount)


_WINDOW_QUESTIONS = {
    None: N_("What is your plan for tomorrow?"),
    Window.MORNING: N_("What is your plan for today: which customers, in what order?"),
    Window.NOON: N_("Where are you now, and which customer is next?"),
    Window.AFTER_WORK: N_("Did today's plan happen: whom did you see, and what is left undone?"),
    Window.EVENING: N_("What did today bring, and what is your plan for tomorrow?"),
}


def _window_question(window: Window | None) -> str:
    """The question the call's time of day is for (DOMAIN: morning a plan, noon on the job, …)."""
    return _(_WINDOW_QUESTIONS[None if window is None else Window(window)])


# --- the plan ----------------------------------------------------------------------------


def flag_ids(flags: Iterable[FlagLike]) -> tuple[str, ...]:
    """The distinct rule ids flagged, in the audit's order: what the plan lists for the rep."""
    return tuple(sorted({str(f.rule) for f in flags}, key=_rule_order))


@dataclass(frozen=True)
class Call:
    """One planned call: whom, when, what to ask, and the rules it was flagged by."""

    rep: str
    name: str
    at: time
    window: Window
    questions: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "rep": self.rep,
            "name": self.name,
            "time": f"{self.at:%H:%M}",
            "window": str(self.window),
            "questions": list(self.questions),
            "flags": list(self.flags),
        }


def make_call(record: RepRecord, slot: Slot, quota: int, seed: int = 0) -> Call:
    """The rep's planned call: its slot, its questions (asked in that window) and its flags."""
    return Call(
        rep=record.rep,
        name=record.name,
        at=slot.at,
        window=slot.window,
        questions=tuple(questions(record, quota, seed, slot.window)),
        flags=flag_ids(record.flags),
    )


def order_calls(calls: Iterable[Call]) -> list[Call]:
    """Reps with red flags first (more flags first): they are the ones known to cut corners.

    Then by call time, then by rep code.
    """
    return sorted(calls, key=lambda call: (-len(call.flags), call.at, call.rep))


def announce(best: tuple[str, str] | None, worst: tuple[str, str] | None, day: date) -> list[str]:
    """The lines to read out on every call: the best and the lowest sales of `day`.

    Each is (name, amount as the leaderboard prints it). Praise comes
    first; the lowest is left out when it is the best (a team of one, or
    everybody equal).
    """
    if best is None and worst is None:
        return [_("No sales on {day} to announce.").format(day=day)]
    lines = []
    if best is not None:
        lines.append(
            _("Best sales on {day}: {name} {amount}. Well done!").format(
                day=day, name=best[0], amount=best[1]
            )
        )
    if worst is not None and worst != best:
        lines.append(
            _("Lowest sales on {day}: {name} {amount}. Catch up today!").format(
                day=day, name=worst[0], amount=worst[1]
            )
        )
    return lines


def plan_json(calls: Iterable[Call], lines: Sequence[str]) -> dict[str, object]:
    """`{calls: [...], announce: [...]}`, the calls in the plan's order."""
    return {"calls": [call.as_json() for call in order_calls(calls)], "announce": list(lines)}
