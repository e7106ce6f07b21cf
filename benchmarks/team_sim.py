"""A field sales team simulated day by day: honest work, and fabrications planted with labels.

Issue 12 asks for an audit that is precise (few flags on honest days) and sharp
(the clever fabrications caught). Neither can be judged on the demo data or on
hand-made tests: it takes a team whose honest behaviour is realistic — so the
noise an honest rep makes is the noise the audit must live with — and whose
lies are known. This module only *generates* that team, as plain records; it
never looks at the audit's rules or thresholds, so tuning the audit to it means
tuning to behaviour. `audit_sim.py` feeds the records through salesproc.

Honest behaviour (per rep): 4–8 visits a working day, each 15–90 minutes, with
travel of 15–50 minutes between them and a lunch break; customers graded A/B/C
visited on their cadence (7/14/30 days), a revisit promised on each visit,
counted in working days (5/10/21), kept about 91% of the time (10% slip 1–5 working
days, and a full day pushes its overflow on; a light day brings the next due
customers forward); prospects visited every 3–6 working days until won (a sale on
the winning visit) or lost, most after 4+ visits; sales on most order visits;
3% of customers without a phone; the day's report typed that evening, or the
next working morning (1% two working days later); the region's weather;
a sick day now and then (0.5%: the tool has no leave); a time corrected the
next morning on 1% of days.

Planted fabrications (`KINDS`), each a `Case` with its rep, kind and days, on
`liars` reps (8 of 20 by default): every kind goes to 2–4 of them. `Team.away`
records when each liar was not where its report says (the invented visits'
times; a careful liar's skipped afternoon; a copied day's whole day).

The supervisor (`Supervisor`) follows the tool's call plan as the method
says (一个电话: every rep every day, at the plan's time), missing a call now
and then (1 in 5), and phones the customer a call names — focusing, as the
method says, on the reps known to cut corners: on 9 calls in 10 to a rep the
plan lists with a red flag, 1 in 3 otherwise (`--phoning even`: 1 in 2 for all).
What a call finds is behaviour, not the audit's: a call made while the rep is
away from where its report says it was finds it out 7 times in 10 (no customer
to put on the phone, a story that moves); a call on a fabricated day at another
time 2 in 10 (the evening's questions about the day); an honest day 1 in 100
(a bad line, a misunderstanding). A customer asked about an invented visit
denies it 9 times in 10; asked about a real one, 2 times in 100 (another
person took the call, a memory).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol

#: the fabrication kinds, with how many cases of each are planted by default
KINDS: dict[str, int] = {
    "overlap": 8,  # a visit invented on top of a real one (crude)
    "late-batch": 5,  # 3–5 days' reports typed in one go, days later
    "gap-filler": 15,  # a visit invented into a travel gap too short for the trip
    "padding": 12,  # 2–3 visits of 5–9 minutes to make up the quota
    "pressing": 4,  # stock pressed onto dealers on the 24th–28th
    "quiet-drop": 8,  # a prospect dropped after 1–2 visits, never marked lost
    "careful-liar": 15,  # an afternoon skipped, plausible visits invented, logged on time
    "copied-day": 6,  # a whole day invented: results copied, the wrong weather, no sales
    "edit-after-call": 6,  # a visit's time changed after a check-in call asked about it
}

#: kinds that are a pattern over weeks (matched by a rep-level flag over the span)
PATTERN_KINDS = frozenset({"pressing", "quiet-drop"})

CADENCE = {"A": 7, "B": 14, "C": 30}
#: the same cadence as a rep promises it, in working days ("next week"): a promise made
#: before a long holiday lands after it, spread out, not all on the first day back
CADENCE_WORKDAYS = {"A": 5, "B": 10, "C": 21}
REGIONS = ["杭州", "宁波", "温州", "绍兴"]
WEATHER = ["晴", "多云", "阴", "小雨", "雨"]
PRODUCTS = ["矿泉水", "纯净水", "果汁", "茶饮", "功能饮料", "苏打水"]
CONTACTS = ["王经理", "李老板", "张店长", "陈总", "刘主任", "赵姐", "孙老板", "周经理"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"]
SHOP = ["超市", "便利店", "批发部", "商行", "烟酒店", "副食店", "餐饮店", "连锁店"]
PLACE = ["东方", "华联", "万家", "永辉", "联华", "好又多", "惠民", "金桥", "新华", "百佳", "福满"]


class Calendar(Protocol):
    """What the simulator needs of salesproc's `WorkCalendar`."""

    def is_workday(self, day: date) -> bool: ...


@dataclass
class SimRep:
    code: str
    name: str
    region: str
    phone: str


@dataclass
class SimCustomer:
    name: str
    rep: str
    grade: str
    category: str  # "existing" or "prospect"
    phone: str | None
    region: str
    contact: str
    order_cents: int  # the customer's typical order
    fate: str = ""  # a prospect's: "won", "lost", "open", "drop"
    needed: int = 0  # a prospect's visits until its fate
    visits: int = 0
    planned: date | None = None  # when the rep will in fact come next
    closed: bool = False


@dataclass
class SimVisit:
    key: int
    rep: str
    customer: str
    day: date
    start: time
    end: time
    purposes: tuple[str, ...]
    result: str
    weather: str
    logged_at: datetime
    next_visit: date | None = None
    outcome: str | None = None
    amount_cents: int | None = None
    invented: bool = False


@dataclass
class SimCall:
    rep: str
    day: date
    at: time
    verdict: str  # "ok" or "doubtful"


@dataclass
class SimEdit:
    visit_key: int
    at: datetime
    start: time
    end: time


@dataclass
class Case:
    """One planted fabrication: a flag against `rep` dated within `days` finds it.

    For a pattern (`pattern`), a flag whose span ([from, date]) meets
    [first day, last day] finds it.
    """

    rep: str
    kind: str
    days: tuple[date, ...]
    pattern: bool = False
    note: str = ""

    @property
    def first(self) -> date:
        return min(self.days)

    @property
    def last(self) -> date:
        return max(self.days)


@dataclass
class Team:
    start: date  # first day audited
    end: date  # last day audited
    warmup: date  # first day simulated (a history before the window)
    today: date  # the day the audit runs
    reps: list[SimRep]
    customers: list[SimCustomer]
    visits: list[SimVisit] = field(default_factory=list)
    calls: list[SimCall] = field(default_factory=list)
    edits: list[SimEdit] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    #: (rep, day) → the spans (minutes of the day) when the rep was not where it reported
    away: dict[tuple[str, date], list[tuple[int, int]]] = field(default_factory=dict)

    def liars(self) -> set[str]:
        return {case.rep for case in self.cases}

    def invented(self, rep: str, customer: str, day: date) -> bool:
        """Was the visit of `rep` to `customer` on `day` invented?"""
        return any(
            v.invented and (v.rep, v.customer, v.day) == (rep, customer, day) for v in self.visits
        )


class Supervisor:
    """What the supervisor finds on the calls the tool's call plan prepares (see above)."""

    CALL_RATE = 0.8
    #: how often the customer a call names is phoned: (rep with a red flag, without one)
    FOCUSED = (0.9, 1 / 3)
    EVEN = (0.5, 0.5)

    def __init__(self, team: Team, seed: int, phoning: tuple[float, float] = FOCUSED) -> None:
        self.team = team
        self.rng = random.Random(seed * 7919 + 1)
        self.phoning = phoning

    def calls(self) -> bool:
        """Does the supervisor make this planned call?"""
        return self.rng.random() < self.CALL_RATE

    def doubtful(self, rep: str, day: date, at: time) -> bool:
        """What the call itself found: True when the rep's story did not hold."""
        spans = self.team.away.get((rep, day))
        minute = _m(at)
        if spans and any(first <= minute <= last for first, last in spans):
            chance = 0.7
        elif spans:
            chance = 0.2
        else:
            chance = 0.01
        return self.rng.random() < chance

    def phones_customer(self, flagged: bool) -> bool:
        """Does the supervisor phone the customer the call names (more often for a rep the
        plan lists with a red flag)?"""
        return self.rng.random() < self.phoning[0 if flagged else 1]

    def customer_confirms(self, rep: str, customer: str, day: date) -> bool:
        """The customer's answer to "did our rep come to see you on …?"."""
        denies = 0.9 if self.team.invented(rep, customer, day) else 0.02
        return self.rng.random() >= denies


def _at(day: date, minutes: float) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=int(minutes))


def _t(minutes: float) -> time:
    minutes = int(minutes)
    return time(minutes // 60, minutes % 60)


def _m(t: time) -> int:
    return t.hour * 60 + t.minute


class Simulator:
    """Builds a `Team`: one pass over the days per rep, fabrications applied as it goes."""

    def __init__(
        self,
        calendar: Calendar,
        seed: int = 1,
        reps: int = 20,
        weeks: int = 8,
        end: date = date(2026, 11, 30),
        liars: int = 8,
        warmup_weeks: int = 3,
        kinds: dict[str, int] | None = None,
    ) -> None:
        self.cal = calendar
        self.rng = random.Random(seed)
        self.n_reps = reps
        self.end = end
        self.start = end - timedelta(days=7 * weeks - 1)
        self.warmup = self.start - timedelta(days=7 * warmup_weeks)
        self.today = self._workday_after(end, 1) + timedelta(days=1)
        self.n_liars = min(liars, reps)
        self.kinds = dict(KINDS if kinds is None else kinds)
        self.keys = 0
        self.weather: dict[tuple[str, date], str] = {}
        self._batch_at: datetime | None = None  # when the late batch under way gets typed

    # --- calendar helpers ---------------------------------------------------------------

    def _workday_after(self, day: date, n: int) -> date:
        while n > 0:
            day += timedelta(days=1)
            if self.cal.is_workday(day):
                n -= 1
        return day

    def _on_workday(self, day: date) -> date:
        while not self.cal.is_workday(day):
            day += timedelta(days=1)
        return day

    def _workdays(self, first: date, last: date) -> list[date]:
        days, day = [], first
        while day <= last:
            if self.cal.is_workday(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def _weather(self, region: str, day: date) -> str:
        key = (region, day)
        if key not in self.weather:
            self.weather[key] = self.rng.choices(WEATHER, [35, 25, 15, 15, 10])[0]
        return self.weather[key]

    # --- the team -----------------------------------------------------------------------

    def build(self) -> Team:
        rng = self.rng
        names: set[str] = set()
        reps: list[SimRep] = []
        for i in range(self.n_reps):
            person = ""
            while not person or person in names:  # two reps of one name: the tool asks
                person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            names.add(person)
            region = REGIONS[i % len(REGIONS)]
            reps.append(SimRep(f"r{i + 1:02d}", person, region, f"138{rng.randrange(10**8):08d}"))
        customers: list[SimCustomer] = []
        for rep in reps:
            for j in range(46):
                name = ""
                while not name or name in names:
                    shop = f"{rng.choice(PLACE)}{rng.choice(SHOP)}"
                    name = f"{rep.region}{shop}{rng.randrange(1, 999)}号"
                names.add(name)
                grade = rng.choices("ABC", [20, 35, 45])[0]
                prospect = j >= 38  # 8 prospects a rep, started over the weeks
                typical = {"A": 1_500_000, "B": 600_000, "C": 250_000}[grade]
                customers.append(
                    SimCustomer(
                        name=name,
                        rep=rep.code,
                        grade=grade,
                        category="prospect" if prospect else "existing",
                        phone=None if rng.random() < 0.03 else f"139{rng.randrange(10**8):08d}",
                        region=rep.region,
                        contact=rng.choice(CONTACTS),
                        order_cents=int(typical * rng.lognormvariate(0, 0.4)),
                    )
                )
        team = Team(self.start, self.end, self.warmup, self.today, reps, customers)
        plans = self._plant_plans(reps)
        for rep in reps:
            mine = [c for c in customers if c.rep == rep.code]
            self._simulate_rep(team, rep, mine, plans.get(rep.code, {}))
        self._press_stock(team, plans)
        team.cases = _merge_batches(team.cases)
        team.visits.sort(key=lambda v: (v.logged_at, v.key))
        return team

    # --- which liar does what, when -----------------------------------------------------

    def _plant_plans(self, reps: list[SimRep]) -> dict[str, dict[str, object]]:
        """Per liar: day → kind for the day kinds; the month pressed; prospects to drop."""
        rng = self.rng
        liars = rng.sample([r.code for r in reps], self.n_liars)
        days = self._workdays(self.start, self.end)[:-1]  # the last day's report may be late
        plans: dict[str, dict[str, object]] = {code: {"days": {}} for code in liars}
        for kind, count in self.kinds.items():
            holders = rng.sample(liars, min(len(liars), rng.randint(2, 4)))
            for i in range(count):
                plan = plans[holders[i % len(holders)]]
                if kind == "pressing":
                    months = sorted({(d.year, d.month) for d in days if d.day >= 24})
                    taken = plan.setdefault("pressing", [])
                    free = [m for m in months if m not in taken]  # type: ignore[operator]
                    if free:
                        taken.append(rng.choice(free))  # type: ignore[attr-defined]
                    continue
                if kind == "quiet-drop":
                    plan["quiet-drop"] = int(plan.get("quiet-drop", 0)) + 1  # type: ignore[call-overload]
                    continue
                span = rng.randint(3, 5) if kind == "late-batch" else 1
                # its holder if it has room, else another liar: every case gets planted
                for code in [holders[i % len(holders)], *rng.sample(liars, len(liars))]:
                    if self._book(plans[code]["days"], days, span, kind):  # type: ignore[arg-type]
                        break
        return plans

    def _book(self, busy: dict[date, str], days: list[date], span: int, kind: str) -> bool:
        """Books `span` working days for `kind`, with a free day either side (for late logs
        and edits to land on a day of its own); False when 50 tries find no room."""
        for _attempt in range(50):
            first = self.rng.randrange(len(days) - span)
            around = days[max(0, first - 1) : first + span + 1]
            if not any(d in busy for d in around):
                for d in days[first : first + span]:
                    busy[d] = kind
                return True
        return False

    # --- one rep's weeks ----------------------------------------------------------------

    def _simulate_rep(
        self, team: Team, rep: SimRep, mine: list[SimCustomer], plan: dict[str, object]
    ) -> None:
        rng = self.rng
        busy: dict[date, str] = plan.get("days", {})  # type: ignore[assignment]
        to_drop = int(plan.get("quiet-drop", 0))  # type: ignore[call-overload]
        prospects = [c for c in mine if c.category == "prospect"]
        window = self._workdays(self.warmup, self.end)
        for c in mine:
            if c.category == "existing":
                c.planned = self._on_workday(
                    self.warmup + timedelta(rng.randrange(CADENCE[c.grade]))
                )
            else:
                c.planned = self._on_workday(
                    self.warmup + timedelta(rng.randrange((self.end - self.warmup).days - 20))
                )
                c.fate = rng.choices(["won", "lost", "open"], [55, 25, 20])[0]
                if c.fate == "won":
                    c.needed = rng.choices([2, 3, 4, 5, 6, 7], [5, 10, 30, 30, 15, 10])[0]
                elif c.fate == "lost":
                    c.needed = rng.choices([2, 3, 4, 5, 6], [7, 8, 35, 30, 20])[0]
                else:
                    c.needed = 99
        # quiet drops: prospects first seen in the audited window, dropped after 1–2 visits
        droppable = [
            c
            for c in prospects
            if c.planned and c.planned >= self.start and c.planned < self.end - timedelta(days=21)
        ]
        for c in rng.sample(droppable, min(to_drop, len(droppable))):
            c.fate, c.needed = "drop", rng.randint(1, 2)
        drops: list[SimCustomer] = [c for c in prospects if c.fate == "drop"]
        copied_results: list[str] = []
        for day in window:
            kind = busy.get(day, "")
            day_visits = self._honest_day(rep, mine, day, kind)
            if kind and day >= self.start:
                day_visits = self._fabricate(team, rep, mine, day, kind, day_visits, copied_results)
            else:
                copied_results.extend(v.result for v in day_visits)
                copied_results[:] = copied_results[-30:]
            self._log_day(team, rep, day, kind, day_visits)
            self._calls(team, rep, day, kind)
        for c in drops:
            if c.visits:
                seen = [v.day for v in team.visits if v.customer == c.name]
                team.cases.append(Case(rep.code, "quiet-drop", (max(seen), self.end), True, c.name))

    def _honest_day(
        self, rep: SimRep, mine: list[SimCustomer], day: date, kind: str
    ) -> list[SimVisit]:
        """The day's real visits: the due customers first, in a day of 4–8 with travel between."""
        rng = self.rng
        n = rng.choices([4, 5, 6, 7, 8], [10, 20, 30, 25, 15])[0]
        if not kind and rng.random() < 0.005:
            return []  # a sick day: the tool has no leave, so it is a day without a report
        if kind == "padding":
            n = rng.choice([3, 4])  # a short day is why the count gets padded
        open_ = [c for c in mine if not c.closed and c.planned is not None]
        due = sorted((c for c in open_ if c.planned <= day), key=lambda c: (c.planned, c.grade))  # type: ignore[operator]
        chosen = due[:n]
        if len(chosen) < n:  # a light day: the customers due next come forward
            soon = sorted(
                (c for c in open_ if day < c.planned),  # type: ignore[operator]
                key=lambda c: c.planned,  # type: ignore[arg-type,return-value]
            )
            chosen += soon[: n - len(chosen)]
        rng.shuffle(chosen)
        visits: list[SimVisit] = []
        clock = rng.uniform(8 * 60 + 30, 9 * 60 + 30)
        lunch = False
        for c in chosen:
            if not lunch and clock >= 11 * 60 + 45:
                clock += rng.uniform(40, 75)
                lunch = True
            length = rng.uniform(30, 90) if c.category == "prospect" else rng.uniform(15, 60)
            if clock + length > 18 * 60:
                break  # the rest stay due: an honest overflow
            visits.append(self._visit(rep, c, day, clock, length))
            clock += length + rng.uniform(15, 50)
        return visits

    def _visit(
        self,
        rep: SimRep,
        c: SimCustomer,
        day: date,
        start: float,
        length: float,
        invented: bool = False,
    ) -> SimVisit:
        """One visit to `c`, its outcome and promise, and the customer's next planned visit."""
        rng = self.rng
        self.keys += 1
        c.visits += 1
        outcome = None
        amount = None
        if c.category == "prospect":
            purposes: tuple[str, ...] = ("development",)
            result = rng.choice(
                [
                    f"介绍{rng.choice(PRODUCTS)}，{c.contact}有意向试销",
                    f"{c.contact}嫌价格高，下次带报价单",
                    f"送样品{rng.randint(1, 6)}箱，约好再谈",
                    f"{c.contact}要和老板商量，需再跟进",
                ]
            )
            if not invented and c.visits >= c.needed and c.fate in ("won", "lost"):
                outcome = c.fate
                if c.fate == "won":
                    purposes = ("development", "order")
                    amount = int(c.order_cents * rng.uniform(0.5, 1.2))
                    result = f"首单{rng.randint(5, 40)}箱{rng.choice(PRODUCTS)}，签约"
                else:
                    result = f"{c.contact}已与竞品签约，放弃"
        else:
            purposes = rng.choices(
                [
                    ("order",),
                    ("order", "collection"),
                    ("service",),
                    ("explanation",),
                    ("collection",),
                ],
                [45, 20, 15, 12, 8],
            )[0]
            if "order" in purposes and not invented and rng.random() < 0.8:
                amount = int(c.order_cents * rng.lognormvariate(0, 0.35))
            result = self._result(c, purposes, amount)
        # the promise, and when the rep will in fact come
        if outcome == "lost" or (c.fate == "drop" and c.visits >= c.needed):
            c.closed = True
            promised = self._on_workday(day + timedelta(days=rng.randint(4, 8)))
            if outcome == "lost":
                promised = day
        else:
            if outcome == "won":
                c.category = "new"
            gap = rng.randint(3, 6) if c.category == "prospect" else CADENCE_WORKDAYS[c.grade]
            promised = self._workday_after(day, gap)
            c.planned = promised
            if rng.random() < 0.1:  # an honest promise that slips (busy days add the rest)
                c.planned = self._workday_after(promised, rng.randint(1, 5))
        return SimVisit(
            key=self.keys,
            rep=rep.code,
            customer=c.name,
            day=day,
            start=_t(start),
            end=_t(start + length),
            purposes=purposes,
            result=result,
            weather=self._weather(rep.region, day),
            logged_at=datetime.combine(day, time(20)),
            next_visit=None if outcome == "lost" else promised,
            outcome=outcome,
            amount_cents=amount,
            invented=invented,
        )

    def _result(self, c: SimCustomer, purposes: tuple[str, ...], amount: int | None) -> str:
        rng = self.rng
        product = rng.choice(PRODUCTS)
        if amount:
            text = f"订{rng.randint(5, 80)}箱{product}，{c.contact}确认"
        elif "order" in purposes:
            text = f"{c.contact}说库存还够，{product}下周再订"
        elif "service" in purposes:
            text = f"整理{product}排面{rng.randint(2, 8)}个，检查日期"
        elif "explanation" in purposes:
            text = f"向{c.contact}说明{product}新品政策"
        else:
            text = ""
        if "collection" in purposes:
            text = (text + "；" if text else "") + f"收回货款{rng.randint(1, 30) * 500}元"
        return text

    # --- fabrications -------------------------------------------------------------------

    def _fabricate(
        self,
        team: Team,
        rep: SimRep,
        mine: list[SimCustomer],
        day: date,
        kind: str,
        visits: list[SimVisit],
        copied: list[str],
    ) -> list[SimVisit]:
        """Changes the day's visits as a rep doing `kind` would, and labels the case."""
        rng = self.rng
        today = {v.customer for v in visits}
        phones = [
            c
            for c in mine
            if c.phone and not c.closed and c.name not in today and c.category != "prospect"
        ]
        phones.sort(key=lambda c: c.planned or day)
        visits = sorted(visits, key=lambda v: v.start)
        note = ""
        if kind == "overlap" and visits and phones:
            real = rng.choice(visits)
            start = _m(real.start) + rng.randint(0, max(0, _m(real.end) - _m(real.start) - 10))
            visits.append(
                self._visit(rep, phones[0], day, start, rng.uniform(20, 45), invented=True)
            )
        elif kind == "gap-filler" and phones:
            gaps = [
                (a, b) for a, b in itertools.pairwise(visits) if 28 <= _m(b.start) - _m(a.end) <= 60
            ]
            if not gaps:  # the rep makes room: a real visit moved a little later
                return self._fabricate(team, rep, mine, day, "padding", visits, copied)
            a, b = rng.choice(gaps)
            start = _m(a.end) + rng.randint(2, 4)
            end = _m(b.start) - rng.randint(2, 4)
            visits.append(self._visit(rep, phones[0], day, start, end - start, invented=True))
            note = f"{_m(b.start) - _m(a.end)}-minute gap"
        elif kind == "padding":
            for c in phones[: rng.randint(2, 3)]:
                clock = max(_m(v.end) for v in visits) + rng.uniform(10, 25) if visits else 9 * 60
                visits.append(self._visit(rep, c, day, clock, rng.randint(5, 9), invented=True))
        elif kind in ("careful-liar", "copied-day"):
            keep = [] if kind == "copied-day" else [v for v in visits if _m(v.end) <= 12 * 60]
            # the skipped visits never happened: those customers stay due (undo their plan)
            for v in visits:
                if v not in keep:
                    c = next(c for c in mine if c.name == v.customer)
                    c.visits -= 1
                    c.planned, c.closed = day, False
                    if c.category == "new" and v.outcome == "won":
                        c.category = "prospect"
            today = {v.customer for v in keep}
            fake = [c for c in phones if c.name not in today][: max(2, len(visits) - len(keep))]
            clock = (
                (max(_m(v.end) for v in keep) + 70)
                if keep
                else rng.uniform(8 * 60 + 40, 9 * 60 + 20)
            )
            visits = keep
            for c in fake:
                length = rng.uniform(20, 50)
                if clock + length > 17 * 60 + 30:
                    break
                v = self._visit(rep, c, day, clock, length, invented=True)
                if kind == "copied-day" and copied:
                    v.result = rng.choice(copied)
                    v.weather = rng.choice([w for w in WEATHER if w != v.weather])
                visits.append(v)
                clock += length + rng.uniform(20, 45)
        elif kind in ("late-batch", "edit-after-call"):
            pass  # the visits are real; what is wrong is when or how they were typed
        fake = [v for v in visits if v.invented]
        if kind == "copied-day":
            team.away[(rep.code, day)] = [(8 * 60, 18 * 60)]
        elif kind == "careful-liar" and fake:
            team.away[(rep.code, day)] = [(min(_m(v.start) for v in fake) - 30, 18 * 60)]
        elif fake:
            team.away[(rep.code, day)] = [(_m(v.start), _m(v.end)) for v in fake]
        team.cases.append(Case(rep.code, kind, (day,), False, note))
        return sorted(visits, key=lambda v: v.start)

    def _press_stock(self, team: Team, plans: dict[str, dict[str, object]]) -> None:
        """Pressed months: big orders on 2–3 working days of the 24th–28th, ~60% of the month."""
        rng = self.rng
        for code, plan in plans.items():
            for year, month in plan.get("pressing", []):  # type: ignore[attr-defined]
                mine = [
                    v
                    for v in team.visits
                    if v.rep == code and (v.day.year, v.day.month) == (year, month)
                ]
                late = sorted({v.day for v in mine if 24 <= v.day.day <= 28})
                if not late:
                    continue
                days = set(rng.sample(late, min(len(late), rng.randint(2, 3))))
                rest = sum(v.amount_cents or 0 for v in mine if v.day not in days)
                pressed = [v for v in mine if v.day in days and v.outcome is None]
                pressed = [v for v in pressed if "development" not in v.purposes][:6]
                if not pressed:
                    continue
                share = rng.uniform(0.55, 0.7)
                total = int(rest * share / (1 - share))
                for v in pressed:
                    v.purposes = tuple(dict.fromkeys(("order", *v.purposes)))
                    v.amount_cents = total // len(pressed)
                    v.result = f"订{rng.randint(150, 400)}箱{rng.choice(PRODUCTS)}，月底备货"
                first = min(days)
                last_day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
                team.cases.append(Case(code, "pressing", (first, last_day), True))

    # --- typing the report, the calls ---------------------------------------------------

    def _log_day(
        self,
        team: Team,
        rep: SimRep,
        day: date,
        kind: str,
        visits: list[SimVisit],
    ) -> None:
        """When each visit is typed: that evening, the next working morning, or (a batch) later."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.75:
            at = _at(day, rng.uniform(18 * 60 + 30, 22 * 60))
        elif roll < 0.99:
            at = _at(self._workday_after(day, 1), rng.uniform(7 * 60 + 30, 8 * 60 + 20))
        else:
            at = _at(self._workday_after(day, 2), rng.uniform(19 * 60, 22 * 60))
        if kind == "late-batch":
            # the whole run of days (3–5) typed at once, 7–8 working days after its first
            if self._batch_at is None:
                later = self._workday_after(day, rng.randint(7, 8))
                self._batch_at = _at(later, rng.uniform(19 * 60, 22 * 60))
            for i, v in enumerate(sorted(visits, key=lambda v: v.start)):
                v.logged_at = self._batch_at + timedelta(minutes=i)
        else:
            self._batch_at = None
            for i, v in enumerate(sorted(visits, key=lambda v: v.start)):
                v.logged_at = at + timedelta(minutes=2 * i, seconds=rng.randrange(60))
        team.visits.extend(visits)
        if kind == "edit-after-call" and not visits:  # nothing to edit: no case after all
            planted = (rep.code, kind, (day,))
            team.cases = [c for c in team.cases if (c.rep, c.kind, c.days) != planted]
        elif kind == "edit-after-call":
            v = rng.choice(visits)
            shift = rng.choice([-45, -30, 30, 45])
            start = min(max(_m(v.start) + shift, 7 * 60), 20 * 60)
            length = _m(v.end) - _m(v.start)
            edit_at = max(v.logged_at, _at(self._workday_after(day, 1), 8 * 60)) + timedelta(
                minutes=20
            )
            team.edits.append(SimEdit(v.key, edit_at, _t(start), _t(start + length)))
        elif visits and rng.random() < 0.01:  # an honest typo corrected the next morning
            v = rng.choice(visits)
            edit_at = max(v.logged_at, _at(self._workday_after(day, 1), 7 * 60 + 40)) + timedelta(
                minutes=5
            )
            team.edits.append(SimEdit(v.key, edit_at, v.start, _t(_m(v.end) + 10)))

    def _calls(self, team: Team, rep: SimRep, day: date, kind: str) -> None:
        """The noon call that an edit-after-call case edits a visit after; the supervisor's
        other calls follow the tool's plan as the feeder runs it (`Supervisor`)."""
        if kind == "edit-after-call" and day >= self.start:
            at = _t(self.rng.uniform(11 * 60 + 30, 13 * 60 + 30))
            team.calls.append(SimCall(rep.code, day, at, "ok"))


def _next_to(before: date, after: date) -> bool:
    """`after` is the working day following `before` (the next day, or Monday after Friday)."""
    gap = (after - before).days
    return gap == 1 or (after.weekday() == 0 and gap <= 3)


def _merge_batches(cases: list[Case]) -> list[Case]:
    """A late batch is one case over its days (planted as one case per day)."""
    merged: list[Case] = []
    for case in cases:
        prev = merged[-1] if merged else None
        if (
            case.kind == "late-batch"
            and prev is not None
            and prev.kind == "late-batch"
            and prev.rep == case.rep
            and _next_to(prev.last, case.first)
        ):
            merged[-1] = Case(prev.rep, prev.kind, (*prev.days, *case.days))
        else:
            merged.append(case)
    return merged


def simulate(
    calendar: Calendar, seed: int = 1, reps: int = 20, weeks: int = 8, liars: int = 8
) -> Team:
    """The team of `reps` over `weeks` ending 2026-11-30, `liars` of them with planted cases."""
    return Simulator(calendar, seed=seed, reps=reps, weeks=weeks, liars=liars).build()
