"""When to call: an irregular window and minute for each rep each day (一个电话).

The supervisor calls every rep every day at an *irregular* time, so the team
feels watched without a pattern to game. Four windows, each with its purpose:
morning (is there a plan?), on the job (where are you now? put the customer
on the phone: the hours visits happen, 09:30–11:30 and 13:30–17:30, lunch
left out, since a call that never comes while a rep says it is at a customer
checks nothing), after work (did the plan happen?), evening (results and
drive; never after 22:00). A rep never gets
the window of either of its two previous calls, the minute varies, and the
same seed and date always give the same plan, so re-running `call-plan`
shows the same schedule.

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
from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta
from enum import StrEnum
from functools import cache
from itertools import permutations
from typing import NamedTuple

from salesproc.i18n import N_, _
from salesproc.rules.calendar import WorkCalendar


class Window(StrEnum):
    """The four times of day to call, in the order of the day."""

    MORNING = "morning"
    #: the visit hours; before, this window was "noon" (11:30–13:30), as old rows say
    ON_THE_JOB = "on-the-job"
    AFTER_WORK = "after-work"
    EVENING = "evening"

    @classmethod
    def _missing_(cls, value: object) -> "Window | None":
        """A window id stored under its old name still reads (`call log` rows say "noon")."""
        return cls.ON_THE_JOB if value == _OLD_ON_THE_JOB else None

    @property
    def start(self) -> time:
        """The earliest planned call time of the window."""
        return _BOUNDS[self][0].start

    @property
    def end(self) -> time:
        """The window's end: planned times are before it (the evening's is 21:45)."""
        return _BOUNDS[self][-1].end

    @property
    def spans(self) -> tuple[tuple[time, time], ...]:
        """The window's [start, end) spans: one, or the visit hours either side of lunch."""
        return tuple(_BOUNDS[self])


class _Bounds(NamedTuple):
    start: time
    end: time


_OLD_ON_THE_JOB = "noon"
_BOUNDS = {
    Window.MORNING: (_Bounds(time(8, 0), time(9, 30)),),
    # the visit hours, lunch (11:30–13:30) left out: the customer is there to put on the phone
    Window.ON_THE_JOB: (_Bounds(time(9, 30), time(11, 30)), _Bounds(time(13, 30), time(17, 30))),
    Window.AFTER_WORK: (_Bounds(time(17, 30), time(19, 0)),),
    Window.EVENING: (_Bounds(time(19, 0), time(21, 45)),),
}
#: No call at or after this time: reps have a life.
LATEST_CALL = time(22, 0)
WINDOWS = tuple(Window)
LABELS = {
    Window.MORNING: N_("morning: is there a plan?"),
    Window.ON_THE_JOB: N_("on the job: where are you now?"),
    Window.AFTER_WORK: N_("after work: did the plan happen?"),
    Window.EVENING: N_("evening: results and drive"),
}
#: The first day of the window chain (a Monday); any date works, this one is just cheap.
EPOCH = date(2020, 1, 6)
_BLOCK_DAYS = 256  # the bits of one 32-byte digest
_PERMS = tuple(permutations(range(len(WINDOWS))))
_INDEX = {perm: index for index, perm in enumerate(_PERMS)}
#: A chain state's positions, in the direction of the walk: the day reached, the day before
#: it, the window neither used, and the day before that (walking backward, "before" is later).
_LATEST, _PREVIOUS, _UNUSED, _EARLIER = range(len(WINDOWS))


def window_label(window: Window) -> str:
    """The window with what its call asks, in the current language."""
    return _(LABELS[Window(window)])


def window_at(at: time) -> Window | None:
    """The window a logged call time falls in (evening up to 22:00), or None outside them all."""
    for window in WINDOWS:
        if any(start <= at < end for start, end in window.spans):
            return window
    return Window.EVENING if Window.EVENING.end <= at <= LATEST_CALL else None


# --- hashing: stable across runs and machines (never the salted built-in `hash`) ---------


def stable_digest(*parts: object, size: int = 8) -> bytes:
    text = "\x1f".join(map(str, parts))
    return hashlib.blake2b(text.encode(), digest_size=size, person=b"salesproc-call").digest()


def stable_number(*parts: object) -> int:
    return int.from_bytes(stable_digest(*parts), "big")


# --- the window chain --------------------------------------------------------------------


def _next_state(perm: tuple[int, ...], bit: int) -> tuple[int, ...]:
    """One day on: the new window is one of the two not used on the last two days."""
    fresh, left = (perm[_UNUSED], perm[_EARLIER]) if bit == 0 else (perm[_EARLIER], perm[_UNUSED])
    return (fresh, perm[_LATEST], left, perm[_PREVIOUS])


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
        bits = stable_digest(*key, block, size=_BLOCK_DAYS // 8)
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
    start = stable_number(seed, rep, "start") % len(_PERMS)
    if offset >= 2:
        perm = _PERMS[_walk(start, (seed, rep, "forward"), offset)]
        return WINDOWS[perm[_LATEST]], WINDOWS[perm[_PREVIOUS]], WINDOWS[perm[_EARLIER]]
    # Backward from (EPOCH, EPOCH + 1): the walk's latest day is the earliest date.
    first = _PERMS[_walk(start, (seed, rep, "forward"), 1)]
    turned = _INDEX[(first[_PREVIOUS], first[_LATEST], first[_UNUSED], first[_EARLIER])]
    perm = _PERMS[_walk(turned, (seed, rep, "backward"), 2 - offset)]
    return WINDOWS[perm[_EARLIER]], WINDOWS[perm[_PREVIOUS]], WINDOWS[perm[_LATEST]]


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
    return min(allowed, key=lambda window: stable_digest(seed, rep, day, window))


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _window_minutes(window: Window) -> list[int]:
    """The window's minutes in the order of the day, across its spans."""
    return [
        minute
        for start, end in Window(window).spans
        for minute in range(_minutes(start), _minutes(end))
    ]


def plan_time(seed: int, rep: str, day: date, window: Window) -> time:
    """A minute in the window (in one of its spans), hashed: not a round :00 or :30 pattern.

    With one span this is start + hash mod its length, as it always was, so the
    plans of the one-span windows did not move when the on-the-job window got two.
    """
    window = Window(window)
    minutes = _window_minutes(window)
    minute = minutes[stable_number(seed, rep, day, window, "minute") % len(minutes)]
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
    minutes = _window_minutes(window)
    first = minutes.index(wanted)
    for offset in range(len(minutes)):
        minute = minutes[(first + offset) % len(minutes)]
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
