"""Building the demo team: 10 reps, ~63 customers each, 60 days of visits ending today.

The team works as an honest field team does, so that `salesproc audit` after
`salesproc demo` has little to say about it: every working day (China's
calendar) 5–8 visits, travel between them and a lunch break, customers seen on
their grade's cadence and most promised revisits kept, prospects visited until
won or lost, sales on most order visits, the report typed that evening or the
next morning. Then one rep per kind does one thing the audit is there to find
(`Planted`), inside the month the audit reads by default, and the demo says
who did what on which day so a newcomer can check each red flag against it.

Nothing here knows the audit's thresholds: the honest days and the planted
cases are behaviour, not numbers picked to land on one side of a rule.

Every record goes in through the same `writes` functions the commands use,
in the order a team would have typed it. The same seed and day give the same
data.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from random import Random
from typing import TYPE_CHECKING

from salesproc.adapters import demo as world
from salesproc.db import callcheck, daily_writes, queries, writes
from salesproc.db.engine import describe
from salesproc.db.history import Who
from salesproc.db.models import Rep
from salesproc.errors import InputError
from salesproc.i18n import _, ngettext
from salesproc.rules.cadence import DEFAULT_CADENCE, next_working_day
from salesproc.rules.calendar import WorkCalendar, days_in
from salesproc.rules.callplan.timing import window_at
from salesproc.rules.vocab import Category, Grade, Outcome, Purpose
from salesproc.service.context import Context

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: the kinds of case planted, each on its own rep, as the audit's rules name what they find
KINDS = (
    "overlap",
    "late-log",
    "duration",
    "tight-gap",
    "copied-result",
    "gave-up",
    "pressing-stock",
    "doubtful-call",
    "edited-after-call",
    "unconfirmed-visit",
)
#: the other red flags a case raises besides its own (a day invented from earlier reports)
ALSO = {"copied-result": ("weather", "order-no-sale")}
#: working days before today a planted case needs after it (a late report typed 5+ working
#: days later; a correction, or a call to the customer, the next working day)
_ROOM_AFTER = {"late-log": 7, "edited-after-call": 2, "unconfirmed-visit": 2}
#: the fewest working days of the month to date that hold the planted cases; a younger month
#: plants them in the month before (and the demo says which `audit --from … --to …` reads them)
_MIN_WINDOW = 10


@dataclass(frozen=True)
class Planted:
    """One case planted for the audit to find: whose, which day, what was done."""

    #: the rule meant to find it, as `audit` names it
    kind: str
    rep: str
    name: str
    day: date
    what: str
    #: the other rules the same case should raise
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoTeam:
    """What `build_demo` made, and where."""

    #: the database, as `init` names it (a path, or a URL without its password)
    where: str
    seed: int
    reps: int
    customers: int
    visits: int
    planted: tuple[Planted, ...] = ()
    #: the days holding the planted cases; None: the month to date, `audit`'s default
    audit_span: tuple[date, date] | None = None
    #: the complete month in which stock was pressed (its flag is dated at the month's end)
    pressed_month: tuple[date, date] | None = None


def build_demo(ctx: Context, seed: int = 7, force: bool = False) -> DemoTeam:
    """Build the demo team in the context's database, creating it if missing.

    A database holding data is refused unless `force`, which replaces its data:
    a demo must never mix with a team's real records.
    """
    where = describe(str(ctx.settings.db.value))
    now = ctx.now
    calendar = ctx.calendar(range(now.year - 1, now.year + 1), warn=False)
    cadence = ctx.settings.cadence

    def work(s: "Session") -> "tuple[_Team, tuple[int, int, int]]":
        """Run again from the start if another writer was in the way: a fresh story from the
        same seed, so the same team."""
        if queries.has_data(s):
            if not force:
                raise InputError(
                    _(
                        "{where} already holds data; pass --force to replace it with the demo, "
                        "or --db to build it elsewhere"
                    ).format(where=where)
                )
            queries.delete_everything(s)
        story = _Team(Random(seed), now, calendar, cadence)
        story.plan()
        story.write(s)
        return story, queries.counts(s)

    story, (reps, customers, visits) = ctx.transaction(work, create=True)
    return DemoTeam(
        where,
        seed,
        reps,
        customers,
        visits,
        tuple(story.planted),
        story.audit_span,
        story.pressed_month,
    )


# --- the plan: plain records, written once complete ------------------------------------


@dataclass
class _Account:
    """A customer as the demo plays it: who it is, and when its rep will in fact come."""

    name: str
    rep: str
    grade: Grade
    category: Category
    contact: str
    phone: str
    usual: int  # the customer's usual order, cents
    added: date
    planned: date | None  # the rep's next visit; None: not yet (a prospect to come)
    fate: str = ""  # a prospect's: won, lost, open, drop
    needed: int = 0  # a prospect's visits until its fate
    visits: int = 0
    closed: bool = False


@dataclass
class _Visit:
    key: int
    rep: str
    account: _Account
    day: date
    start: time
    end: time
    purposes: tuple[Purpose, ...]
    result: str
    weather: str
    next_visit: date | None
    logged_at: datetime = datetime.min
    outcome: Outcome | None = None
    amount: int | None = None


@dataclass
class _Call:
    rep: str
    day: date
    at: time
    verdict: str
    note: str | None = None
    #: the customer the supervisor phoned about the rep's visit, and what it said
    customer: str | None = None
    confirmed: bool | None = None
    #: the visit it speaks of: the call comes after that visit was typed
    visit_key: int | None = None


@dataclass
class _Edit:
    visit_key: int
    at: datetime
    start: time
    end: time


def _m(t: time) -> int:
    return t.hour * 60 + t.minute


def _t(minutes: float) -> time:
    minutes = int(minutes)
    return time(minutes // 60, minutes % 60)


def _at(day: date, minutes: float) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=int(minutes))


@dataclass
class _Team:
    rng: Random
    now: datetime
    calendar: WorkCalendar
    cadence: Mapping[Grade, int] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    reps: list[tuple[str, str, str, str]] = field(default_factory=list)
    accounts: list[_Account] = field(default_factory=list)
    visits: list[_Visit] = field(default_factory=list)
    calls: list[_Call] = field(default_factory=list)
    edits: list[_Edit] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)
    audit_span: tuple[date, date] | None = None
    pressed_month: tuple[date, date] | None = None
    weather: dict[tuple[str, date], str] = field(default_factory=dict)
    #: each rep's reports so far (purposes and result of visits to its customers)
    said: dict[str, list[tuple[tuple[Purpose, ...], str]]] = field(default_factory=dict)
    keys: int = 0
    dropped: _Account | None = None

    # --- calendar ---------------------------------------------------------------------

    def workdays(self, first: date, last: date) -> list[date]:
        return [d for d in days_in(first, last) if self.calendar.is_workday(d)]

    def after(self, day: date, n: int) -> date:
        """The `n`th working day after `day`."""
        while n > 0:
            day += timedelta(days=1)
            n -= self.calendar.is_workday(day)
        return day

    def weather_of(self, region: str, day: date) -> str:
        key = (region, day)
        if key not in self.weather:
            self.weather[key] = self.rng.choice(world.WEATHER)
        return self.weather[key]

    # --- the whole story --------------------------------------------------------------

    def plan(self) -> None:
        rng, today = self.rng, self.now.date()
        start = today - timedelta(days=world.DAYS - 1)
        days = self.workdays(start, today)
        window = [d for d in days if d.replace(day=1) == today.replace(day=1) and d < today]
        if len(window) < _MIN_WINDOW:  # a young month: the cases go into the one before
            last = today.replace(day=1) - timedelta(days=1)
            window = [d for d in days if d.replace(day=1) == last.replace(day=1)]
            self.audit_span = (last.replace(day=1), last)
        pressed_last = window[0].replace(day=1) - timedelta(days=1)
        self.pressed_month = (pressed_last.replace(day=1), pressed_last)
        pressed_days = [d for d in days if d.replace(day=1) == pressed_last.replace(day=1)][-5:]

        self.reps = [(code, name, region, world.phone(rng)) for code, name, region in world.REPS]
        taken: set[str] = set()
        for code, _name, region, _phone in self.reps:
            self._customers(code, region, start, today, taken)
        holders = rng.sample([code for code, *_rest in self.reps], len(KINDS))
        cases = dict(zip(holders, KINDS, strict=True))
        case_day = {code: self._case_day(kind, window, today) for code, kind in cases.items()}
        for code, _name, region, _phone in self.reps:
            kind = cases.get(code, "")
            if kind == "gave-up":
                self._drop_prospect(code, region, window)
            for day in days:
                planted = kind if day == case_day.get(code) else ""
                pressed = kind == "pressing-stock" and day in pressed_days
                self._day(code, region, day, planted, pressed)
            if kind == "pressing-stock":
                self._record(kind, code, pressed_days[0], self._pressed_story(code, pressed_days))
            if kind == "gave-up" and self.dropped is not None:
                self._dropped_story(code, self.dropped)
        self._check_in_calls(window, cases, case_day)

    def _case_day(self, kind: str, window: list[date], today: date) -> date:
        if kind == "gave-up":
            return window[0]
        room = _ROOM_AFTER.get(kind, 0)
        usable = [d for d in window if len(self.workdays(d, today)) > room] or window[:1]
        return self.rng.choice(usable[1:] or usable)

    def _customers(self, rep: str, region: str, start: date, today: date, taken: set[str]) -> None:
        """A rep's book: ~53 customers on their cadence, and 10 prospects that turn up over time."""
        rng = self.rng
        names = world.names(rng, region, rng.randint(60, 66), taken)
        for i, name in enumerate(names):
            grade = rng.choices(list(Grade), weights=[10, 25, 65])[0]
            usual = int(world.USUAL_ORDER[grade] * rng.lognormvariate(0, 0.35)) // 1000 * 1000
            prospect = i >= len(names) - 10
            if prospect:
                first = start + timedelta(days=rng.randrange((today - start).days - 4))
                account = _Account(
                    name, rep, grade, Category.PROSPECT, world.contact(rng), world.phone(rng),
                    usual, first - timedelta(days=rng.randint(0, 10)), next_working_day(
                        first, self.calendar
                    ),
                )  # fmt: skip
                account.fate = rng.choices(["won", "lost", "open"], [55, 25, 20])[0]
                account.needed = (
                    rng.choices([3, 4, 5, 6, 7], [10, 30, 30, 20, 10])[0]
                    if account.fate == "won"
                    else rng.choices([3, 4, 5, 6], [10, 40, 30, 20])[0]
                    if account.fate == "lost"
                    else 99
                )
            else:
                category = rng.choices([Category.EXISTING, Category.NEW], [85, 15])[0]
                cycle = self.cadence[grade]
                first = next_working_day(
                    start + timedelta(days=rng.randrange(cycle)), self.calendar
                )
                account = _Account(
                    name, rep, grade, category, world.contact(rng), world.phone(rng), usual,
                    start - timedelta(days=rng.randint(60, 900)), first,
                )  # fmt: skip
            self.accounts.append(account)

    def _drop_prospect(self, rep: str, region: str, window: list[date]) -> None:
        """A new prospect first seen at the window's start, dropped after 1–2 visits: the
        last of them over three weeks before today (the month before, in a young month)."""
        rng = self.rng
        name = world.names(rng, region, 1, {a.name for a in self.accounts})[0]
        latest = self.now.date() - timedelta(days=25)
        first = (
            window[0]
            if window[0] <= latest
            else max(d for d in self.workdays(latest - timedelta(days=14), latest))
        )
        account = _Account(
            name, rep, Grade.B, Category.PROSPECT, world.contact(rng), world.phone(rng),
            world.USUAL_ORDER["B"], first - timedelta(days=3), first, "drop", rng.randint(1, 2),
        )  # fmt: skip
        self.accounts.append(account)
        self.dropped = account

    # --- one rep's day ----------------------------------------------------------------

    def _day(self, rep: str, region: str, day: date, kind: str, pressed: bool) -> None:
        rng = self.rng
        mine = [a for a in self.accounts if a.rep == rep and not a.closed and a.planned]
        if kind == "copied-result":
            self._copied_day(rep, region, day, mine)
            return
        due = sorted(
            (a for a in mine if a.planned and a.planned <= day),
            key=lambda a: (a.planned, a.grade, a.name),
        )
        n = min(max(len(due), rng.randint(6, 7)), 8)
        if kind == "duration":
            n = rng.randint(3, 4)  # a short day: what the padding is for
        chosen = due[:n]
        rng.shuffle(chosen)
        if len(chosen) < n:  # a light day: customers due in the next days come forward, last
            soon = sorted(
                (a for a in mine if a.planned and day < a.planned <= self.after(day, 5)),
                key=lambda a: (a.planned, a.name),
            )
            chosen += [a for a in soon if a.category != Category.PROSPECT][: n - len(chosen)]
        today: list[_Visit] = []
        clock = rng.uniform(8 * 60 + 30, 9 * 60 + 30)
        lunch = False
        last_minute = _m(self.now.time()) if day == self.now.date() else 24 * 60
        for account in chosen:
            if not lunch and clock >= 11 * 60 + 40:
                clock += rng.uniform(45, 75)
                lunch = True
            prospect = account.category == Category.PROSPECT
            length = rng.uniform(30, 90) if prospect else rng.uniform(15, 60)
            promised = account.planned is not None and account.planned <= day
            # a promise kept makes a longer day; a visit brought forward waits for another
            if clock + length > min(18 * 60 + 30 if promised else 17 * 60 + 30, last_minute):
                break  # the rest stay due: an honest overflow
            today.append(self._visit(rep, region, account, day, clock, length, pressed))
            clock += length + rng.uniform(15, 50)
        self.said.setdefault(rep, []).extend(
            (v.purposes, v.result) for v in today if Purpose.DEVELOPMENT not in v.purposes
        )
        if kind:
            today += self._invent(kind, rep, region, day, today, mine)
        self._type(rep, day, kind, today)
        typed = {v.key: v.logged_at for v in today}
        for edit in self.edits:  # a correction comes after what it corrects was typed
            if edit.visit_key in typed:
                edit.at = max(edit.at, typed[edit.visit_key] + timedelta(minutes=25))
        for call in self.calls:  # and so does a call to the customer about a visit
            if call.visit_key in typed:
                at = max(_at(call.day, _m(call.at)), typed[call.visit_key] + timedelta(hours=1))
                call.day, call.at = at.date(), at.time().replace(second=0, microsecond=0)

    def _visit(
        self,
        rep: str,
        region: str,
        a: _Account,
        day: date,
        start: float,
        length: float,
        pressed: bool = False,
        honest: bool = True,
    ) -> _Visit:
        """One visit to `a`: what came of it, the revisit promised, and (if `honest`) when
        the rep will in fact come next."""
        rng = self.rng
        outcome, amount = None, None
        if a.category == Category.PROSPECT:
            purposes: tuple[Purpose, ...] = (Purpose.DEVELOPMENT,)
            if rng.random() < 0.3:
                purposes += (Purpose.EXPLANATION,)
            result = world.prospect_result(rng, a.contact)
            if honest and a.visits + 1 >= a.needed and a.fate in ("won", "lost"):
                outcome = Outcome(a.fate)
                if outcome is Outcome.WON:
                    purposes = (Purpose.ORDER, Purpose.DEVELOPMENT)
                    amount = int(a.usual * rng.uniform(0.4, 0.9)) // 1000 * 1000
                    result = world.won_result(rng, a.contact, amount)
                else:
                    result = world.lost_result(rng, a.contact)
        else:
            purposes = rng.choices(
                [
                    (Purpose.ORDER,),
                    (Purpose.ORDER, Purpose.COLLECTION),
                    (Purpose.SERVICE,),
                    (Purpose.EXPLANATION,),
                    (Purpose.COLLECTION,),
                    (Purpose.ORDER, Purpose.SERVICE),
                ],
                [40, 20, 14, 10, 8, 8],
            )[0]
            if pressed and honest:
                purposes = tuple(dict.fromkeys((Purpose.ORDER, *purposes)))
            if Purpose.ORDER in purposes and honest:
                if pressed:
                    amount = int(a.usual * rng.uniform(4, 8)) // 10000 * 10000
                elif rng.random() < 0.8:
                    amount = int(a.usual * rng.lognormvariate(0, 0.3)) // 1000 * 1000
            result = self._result(a, purposes, amount, pressed)
        if honest:
            a.visits += 1
        if outcome is Outcome.LOST:
            promised = None
            a.closed = True
        elif a.category == Category.PROSPECT and outcome is None:
            promised = self.after(day, rng.randint(3, 6))
        else:
            promised = next_working_day(day + timedelta(days=self.cadence[a.grade]), self.calendar)
        if honest:
            if outcome is Outcome.WON:
                a.category = Category.NEW
            a.planned = promised
            if promised and rng.random() < 0.1:  # a promise that slips a few days
                a.planned = self.after(promised, rng.randint(1, 4))
            if a.fate == "drop":  # keen at first (back two days later), then never again
                a.closed = a.visits >= a.needed
                a.planned = self.after(day, 2)
        self.keys += 1
        return _Visit(
            self.keys, rep, a, day, _t(start), _t(start + length),
            tuple(p for p in Purpose if p in purposes), result,
            self.weather_of(region, day), promised, outcome=outcome, amount=amount,
        )  # fmt: skip

    def _result(
        self, a: _Account, purposes: tuple[Purpose, ...], amount: int | None, pressed: bool
    ) -> str:
        rng, who = self.rng, a.contact
        if amount is not None:
            text = (world.pressed_result if pressed else world.order_result)(rng, who, amount)
        elif Purpose.ORDER in purposes:
            text = world.no_order_result(rng, who)
        elif Purpose.SERVICE in purposes:
            text = world.service_result(rng, who)
        elif Purpose.EXPLANATION in purposes:
            text = world.explanation_result(rng, who)
        else:
            return world.collection_result(rng, who)
        if Purpose.COLLECTION in purposes:
            text += "；" + world.collection_result(rng, who)
        return text

    def _type(self, rep: str, day: date, kind: str, visits: list[_Visit]) -> None:
        """When the day's report is typed: that evening, the next working morning, now and
        then two working days later; a backdated day, 5–7 working days later."""
        rng = self.rng
        roll = rng.random()
        if kind == "late-log":
            late = rng.randint(5, 7)
            at = _at(self.after(day, late), rng.uniform(19 * 60, 22 * 60))
            self._record(
                kind, rep, day,
                _("the day's {n} visits typed on {typed}, {late} working days later")
                .format(n=len(visits), typed=at.date(), late=late),
            )  # fmt: skip
        elif roll < 0.75:
            at = _at(day, rng.uniform(18 * 60 + 30, 22 * 60))
        elif roll < 0.99:
            at = _at(self.after(day, 1), rng.uniform(7 * 60 + 30, 8 * 60 + 30))
        else:
            at = _at(self.after(day, 2), rng.uniform(19 * 60, 22 * 60))
        for i, visit in enumerate(sorted(visits, key=lambda v: v.start)):
            typed = at + timedelta(minutes=2 * i, seconds=rng.randrange(60))
            visit.logged_at = min(typed, self.now)
        self.visits += visits

    # --- the planted cases ------------------------------------------------------------

    def _others(self, mine: list[_Account], visits: list[_Visit], day: date) -> list[_Account]:
        """Customers a rep could claim to have seen: on file, with a phone, not seen today and
        not about to be (the rep is not going there), in no particular order."""
        seen = {v.account.name for v in visits}
        soon = self.after(day, 3)
        found = [
            a
            for a in sorted(mine, key=lambda a: a.name)
            if a.category != Category.PROSPECT
            and a.name not in seen
            and not (a.planned and a.planned <= soon)
        ]
        self.rng.shuffle(found)
        return found

    def _invent(
        self,
        kind: str,
        rep: str,
        region: str,
        day: date,
        real: list[_Visit],
        mine: list[_Account],
    ) -> list[_Visit]:
        rng = self.rng
        others = self._others(mine, real, day)
        real = sorted(real, key=lambda v: v.start)
        if kind == "overlap":
            host = rng.choice(real)
            begin = _m(host.start) + rng.randint(0, max(0, _m(host.end) - _m(host.start) - 10))
            fake = self._visit(
                rep, region, others[0], day, begin, rng.uniform(20, 40), honest=False
            )
            self._record(
                kind, rep, day,
                _("a visit to {customer} at {start}, invented on top of the real one to {host}")
                .format(customer=fake.account.name, start=fake.start.strftime("%H:%M"),
                        host=host.account.name),
            )  # fmt: skip
            return [fake]
        if kind == "duration":
            fakes: list[_Visit] = []
            clock = _m(real[-1].end)
            for account in others[: rng.randint(2, 3)]:
                clock += rng.uniform(10, 25)
                length = rng.randint(5, 8)
                fakes.append(self._visit(rep, region, account, day, clock, length, honest=False))
                clock += length
            self._record(
                kind, rep, day,
                _("{n} visits of 5–8 minutes tacked on to a short day of {real} visits")
                .format(n=len(fakes), real=len(real)),
            )  # fmt: skip
            return fakes
        if kind == "tight-gap":
            gaps = list(pairwise(real))
            fitting = [(a, b) for a, b in gaps if 24 <= _m(b.start) - _m(a.end) <= 60]
            a, b = (
                rng.choice(fitting)
                if fitting
                else max(gaps, key=lambda pair: _m(pair[1].start) - _m(pair[0].end))
            )
            room = _m(b.start) - _m(a.end)
            if room < 24:  # the rep made room: the later visits are moved on
                shift = 24 - room + rng.randint(0, 10)
                for later in real[real.index(b) :]:
                    later.start = _t(_m(later.start) + shift)
                    later.end = _t(_m(later.end) + shift)
                room += shift
            begin = _m(a.end) + rng.randint(2, 4)
            end = _m(a.end) + room - rng.randint(2, 4)
            fake = self._visit(rep, region, others[0], day, begin, end - begin, honest=False)
            self._record(
                kind, rep, day,
                _("a visit to {customer} fitted into the {gap}-minute trip from {a} to {b}")
                .format(customer=fake.account.name, gap=room, a=a.account.name, b=b.account.name),
            )  # fmt: skip
            return [fake]
        if kind == "unconfirmed-visit":
            begin = _m(real[-1].end) + rng.uniform(20, 40)
            fake = self._visit(
                rep, region, others[0], day, begin, rng.uniform(25, 45), honest=False
            )
            at = _t(rng.uniform(10 * 60, 11 * 60))
            self.calls.append(
                _Call(rep, self.after(day, 1), at, "ok", "客户说那天没人来过",
                      fake.account.name, False, fake.key)
            )  # fmt: skip
            self._record(
                kind, rep, day,
                _("a visit to {customer} at {start} that never happened: phoned the next working "
                  "day, the customer said no one came")
                .format(customer=fake.account.name, start=fake.start.strftime("%H:%M")),
            )  # fmt: skip
            return [fake]
        if kind == "doubtful-call":
            at = _t(rng.uniform(19 * 60, 20 * 60 + 30))
            note = "说在客户店里，背景却很安静；问店员名字答不上来"
            self.calls.append(_Call(rep, day, at, "doubtful", note))
            self._record(
                kind, rep, day,
                _("the check-in call at {at} was judged doubtful").format(at=at.strftime("%H:%M")),
            )  # fmt: skip
            return []
        if kind == "edited-after-call":
            at = _t(rng.uniform(12 * 60, 13 * 60))
            self.calls.append(_Call(rep, day, at, "ok"))
            moved = real[-1]
            shift = rng.choice([30, 40, 45])
            edit = _Edit(
                moved.key,
                _at(self.after(day, 1), rng.uniform(8 * 60, 8 * 60 + 40)),
                _t(_m(moved.start) + shift),
                _t(min(_m(moved.end) + shift, 23 * 60)),
            )
            self.edits.append(edit)
            self._record(
                kind, rep, day,
                _("after the check-in call at {at}, the visit to {customer} moved from {old} to "
                  "{new} the next morning")
                .format(at=at.strftime("%H:%M"), customer=moved.account.name,
                        old=moved.start.strftime("%H:%M"), new=edit.start.strftime("%H:%M")),
            )  # fmt: skip
            return []
        return []

    def _copied_day(self, rep: str, region: str, day: date, mine: list[_Account]) -> None:
        """A day not worked, written up from the rep's earlier reports."""
        rng = self.rng
        fakes: list[_Visit] = []
        clock = rng.uniform(8 * 60 + 40, 9 * 60 + 20)
        earlier = self.said.get(rep, [])
        # a day meant to look productive: mostly orders, copied from days that had some
        orders = [line for line in earlier if Purpose.ORDER in line[0]] or earlier
        regional = self.weather_of(region, day)
        # the weather of another day: rain on a dry day, sun on a rainy one
        rainy = "雨" in regional
        wrong = rng.choice([w for w in dict.fromkeys(world.WEATHER) if ("雨" in w) != rainy])
        for account in self._others(mine, [], day)[: rng.randint(5, 6)]:
            length = rng.uniform(25, 50)
            fake = self._visit(rep, region, account, day, clock, length, honest=False)
            # a line copied from an earlier report, order and all, but no sale behind it
            line = rng.choice(orders if rng.random() < 0.8 else earlier)
            (fake.purposes, fake.result), fake.weather, fake.amount = line, wrong, None
            fakes.append(fake)
            clock += length + rng.uniform(20, 40)
            if 11 * 60 + 40 <= clock < 12 * 60 + 30:  # the report shows a lunch break too
                clock += rng.uniform(50, 70)
        self._type(rep, day, "", fakes)
        self._record(
            "copied-result", rep, day,
            _("a whole day invented: {n} visits, results copied from earlier days, weather "
              "{wrong} where the region had {weather}, no sale on its order visits")
            .format(n=len(fakes), wrong=wrong, weather=regional),
        )  # fmt: skip

    def _pressed_story(self, rep: str, days: list[date]) -> str:
        mine = [
            v
            for v in self.visits
            if v.rep == rep and v.day.replace(day=1) == days[0].replace(day=1)
        ]
        total = sum(v.amount or 0 for v in mine)
        late = sum(v.amount or 0 for v in mine if v.day in days)
        return _(
            "big orders in the month's last five working days ({first}–{last}): {share}% of its "
            "sales, several times each customer's usual order"
        ).format(first=days[0], last=days[-1], share=round(100 * late / max(total, 1)))

    def _dropped_story(self, rep: str, prospect: _Account) -> None:
        seen = sorted(v.day for v in self.visits if v.account is prospect)
        self._record(
            "gave-up", rep, seen[0],
            ngettext(
                "the prospect {customer}: {n} visit, the last on {last}, then nothing, never "
                "marked lost",
                "the prospect {customer}: {n} visits, the last on {last}, then nothing, never "
                "marked lost",
                len(seen),
            ).format(customer=prospect.name, n=len(seen), last=seen[-1]),
        )  # fmt: skip

    def _check_in_calls(
        self, window: list[date], cases: dict[str, str], case_day: dict[str, date]
    ) -> None:
        """The supervisor's check-in calls over the window: about one rep-day in four, all
        answered as they should be (the planted ones aside)."""
        rng = self.rng
        windows = [(8 * 60, 9 * 60 + 30), (11 * 60 + 30, 13 * 60 + 30), (17 * 60 + 30, 19 * 60)]
        for code, *_rest in self.reps:
            planted = case_day.get(code) if cases.get(code) in (
                "doubtful-call", "edited-after-call"
            ) else None  # fmt: skip
            for day in window:
                if day != planted and rng.random() < 0.25:
                    at = _t(rng.uniform(*rng.choice(windows)))
                    self.calls.append(_Call(code, day, at, "ok"))

    def _record(self, kind: str, rep: str, day: date, what: str) -> None:
        name = next(name for code, name, *_rest in self.reps if code == rep)
        self.planted.append(Planted(kind, rep, name, day, what, ALSO.get(kind, ())))

    # --- writing it down --------------------------------------------------------------

    def write(self, session: "Session") -> None:
        """Everything in the order the team typed it: reps and customers, then each visit,
        call and correction at its time."""
        now = self.now
        reps: dict[str, Rep] = {}
        for code, name, region, phone in self.reps:
            reps[code] = writes.add_rep(session, code, name, region, phone, now)
        region_of = {code: region for code, _name, region, _phone in self.reps}
        for a in sorted(self.accounts, key=lambda a: a.added):
            fields = writes.CustomerFields(
                name=a.name,
                grade=a.grade,
                rep=a.rep,
                contact=a.contact,
                phone=a.phone,
                region=region_of[a.rep],
                category=Category.PROSPECT if a.fate else a.category,
            )
            writes.add_customer(session, fields, a.added, now)
        events: list[tuple[datetime, int, int, object]] = []
        events += [(v.logged_at, 0, v.key, v) for v in self.visits]
        events += [(_at(c.day, _m(c.at)) + timedelta(minutes=3), 1, i, c)
                   for i, c in enumerate(self.calls)]  # fmt: skip
        events += [(e.at, 2, i, e) for i, e in enumerate(self.edits)]
        ids: dict[int, int] = {}
        today = now.date()
        for when, _what, _order, item in sorted(events, key=lambda e: e[:3]):
            if when > now:
                continue
            if isinstance(item, _Visit):
                entry = daily_writes.VisitInput(
                    rep=item.rep,
                    customer=item.account.name,
                    purposes=item.purposes,
                    visit_date=item.day,
                    start=item.start,
                    end=item.end,
                    result=item.result,
                    outcome=item.outcome,
                    next_visit=item.next_visit,
                    weather=item.weather,
                    amount_cents=item.amount,
                )
                visit = writes.log_visit(
                    session, entry, self.cadence, today, when, again=True, calendar=self.calendar,
                    refresh=False,
                )  # fmt: skip
                ids[item.key] = visit.id
            elif isinstance(item, _Call):
                found = window_at(item.at)
                call = writes.log_call(
                    session, reps[item.rep], item.day, item.at,
                    found.value if found else None, item.verdict, item.note, when,
                )  # fmt: skip
                if item.customer is not None and item.confirmed is not None:
                    phoned = writes.find_customer(session, item.customer)
                    spoken = callcheck.visit_to_confirm(
                        session, reps[item.rep].id, phoned.id, item.day
                    )
                    if spoken is not None:
                        callcheck.record_confirmation(call, phoned, spoken, item.confirmed)
            elif isinstance(item, _Edit) and item.visit_key in ids:
                changes = writes.VisitChanges(start=item.start, end=item.end)
                who = Who(next(v.rep for v in self.visits if v.key == item.visit_key), when)
                writes.edit_visit(session, ids[item.visit_key], changes, today, who)
        writes.refresh_schedules(session)  # once for all the visits above
