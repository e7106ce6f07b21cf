"""Building the demo team: 8 reps, ~150 customers, 60 days of visits ending today.

The days are played through the same `writes` functions a rep's `log-visit`
uses, so every rule (cadence, wins, losses, categories) holds in the demo
exactly as in real use. The same seed and day give the same data.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from random import Random

from sqlalchemy.orm import Session

from salesproc.adapters import demo as world
from salesproc.db import queries, writes
from salesproc.db.engine import describe
from salesproc.db.models import Customer, Rep
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.cadence import DEFAULT_CADENCE
from salesproc.rules.vocab import Category, Grade, Outcome, Purpose
from salesproc.service.context import Context


@dataclass(frozen=True)
class DemoTeam:
    """What `build_demo` made, and where."""

    #: the database, as `init` names it (a path, or a URL without its password)
    where: str
    seed: int
    reps: int
    customers: int
    visits: int


def build_demo(ctx: Context, seed: int = 7, force: bool = False) -> DemoTeam:
    """Build the demo team in the context's database, creating it if missing.

    A database holding data is refused unless `force`, which replaces its data:
    a demo must never mix with a team's real records.
    """
    where = describe(str(ctx.settings.db.value))
    with ctx.session(create=True) as s:
        if queries.has_data(s):
            if not force:
                raise InputError(
                    _(
                        "{where} already holds data; pass --force to replace it with the demo, "
                        "or --db to build it elsewhere"
                    ).format(where=where)
                )
            queries.delete_everything(s)
        _play(s, seed, ctx.now, ctx.settings.cadence)
        reps, customers, visits = queries.counts(s)
    return DemoTeam(where, seed, reps, customers, visits)


@dataclass
class _Account:
    customer: Customer
    rep: Rep
    next_due: date
    visits: int = 0


def _play(
    session: Session,
    seed: int,
    now: datetime,
    cadence: Mapping[Grade, int] = DEFAULT_CADENCE,
    customers: int = 150,
) -> None:
    """Fill an empty database with the demo team, in the caller's transaction."""
    rng = Random(seed)
    today = now.date()
    start = today - timedelta(days=world.DAYS - 1)
    reps = [
        writes.add_rep(session, code, name, region, world.phone(rng), now)
        for code, name, region, _diligence in world.REPS
    ]
    diligence = {code: d for code, _name, _region, d in world.REPS}

    accounts: list[_Account] = []
    taken: set[str] = set()
    per_rep = customers // len(reps)
    for rep in reps:
        for name in world.names(rng, str(rep.region), per_rep, taken):
            grade = rng.choices(list(Grade), weights=[2, 3.5, 4.5])[0]
            category = rng.choices(list(Category), weights=[3.5, 1.5, 5])[0]
            added = start - timedelta(days=rng.randint(0, 120))
            fields = writes.CustomerFields(
                name=name,
                grade=grade,
                rep=rep.code,
                contact=rng.choice(world.SURNAMES) + rng.choice(world.TITLES),
                phone=world.phone(rng) if rng.random() < 0.92 else None,
                region=rep.region,
                category=category,
            )
            customer = writes.add_customer(session, fields, added, now)
            first_due = start + timedelta(days=rng.randint(0, cadence[grade] - 1))
            accounts.append(_Account(customer, rep, first_due))

    for offset in range(world.DAYS):
        day = start + timedelta(days=offset)
        if day.weekday() == 6:  # Sunday: the market rests
            continue
        weather = {region: rng.choice(world.WEATHER) for region in world.DISTRICTS}
        for rep in reps:
            _play_day(session, rng, rep, day, diligence[rep.code], weather, accounts, now, cadence)


def _play_day(
    session: Session,
    rng: Random,
    rep: Rep,
    day: date,
    diligence: float,
    weather: dict[str, str],
    accounts: list[_Account],
    now: datetime,
    cadence: Mapping[Grade, int],
) -> None:
    """One rep's day: the most overdue of its open customers, visited back to back."""
    if rng.random() > 0.97 * min(diligence, 1.0) + 0.02:
        return  # no report today
    mine = [
        a for a in accounts if a.rep is rep and a.customer.lost_on is None and a.next_due <= day
    ]
    mine.sort(key=lambda a: (a.next_due, rng.random()))
    count = max(1, min(9, round(rng.gauss(6 * diligence**3, 1.2))))
    clock = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 40))
    for account in mine[:count]:
        begin = clock
        finish = begin + timedelta(minutes=rng.randint(15, 75))
        clock = finish + timedelta(minutes=rng.randint(10, 45))
        if finish > now or finish.date() != day:
            break
        _visit(session, rng, account, day, (begin.time(), finish.time()), weather, now, cadence)


def _visit(
    session: Session,
    rng: Random,
    account: _Account,
    day: date,
    slot: tuple[time, time],
    weather: dict[str, str],
    now: datetime,
    cadence: Mapping[Grade, int],
) -> None:
    customer = account.customer
    begin, finish = slot
    outcome: Outcome | None = None
    amount: int | None = None
    note = rng.choice(world.OBJECTIONS) if rng.random() < 0.2 else None
    if customer.category == Category.PROSPECT:
        purposes = [Purpose.DEVELOPMENT] + ([Purpose.EXPLANATION] if rng.random() < 0.4 else [])
        result = rng.choice(world.RESULTS[Purpose.DEVELOPMENT])
        win_chance = [0.02, 0.04, 0.08, 0.25, 0.35][min(account.visits, 4)]
        if rng.random() < win_chance:
            outcome, result = Outcome.WON, rng.choice(world.WON_RESULTS)
            amount = rng.randint(500, 4000) * 100
        elif rng.random() < (0.08 if account.visits < 3 else 0.03):
            outcome, result = Outcome.LOST, rng.choice(world.LOST_RESULTS)
    else:
        weights = {Purpose.ORDER: 0.7, Purpose.COLLECTION: 0.3, Purpose.SERVICE: 0.2}
        weights[Purpose.EXPLANATION] = 0.1
        purposes = [p for p, w in weights.items() if rng.random() < w] or [Purpose.SERVICE]
        result = rng.choice(world.RESULTS[purposes[0]])
        if Purpose.ORDER in purposes:
            low, high = {"A": (3000, 20000), "B": (1000, 8000), "C": (200, 3000)}[customer.grade]
            amount = rng.randint(low, high) * 100 + rng.choice([0, 0, 50])
        elif rng.random() < 0.004:
            outcome, result = Outcome.LOST, rng.choice(world.LOST_RESULTS)
    agreed = day + timedelta(days=rng.randint(2, 10)) if rng.random() < 0.3 else None
    entry = writes.VisitInput(
        rep=account.rep.code,
        customer=customer.name,
        purposes=tuple(p for p in Purpose if p in purposes),
        visit_date=day,
        start=begin,
        end=finish,
        result=result,
        outcome=outcome,
        next_visit=agreed,
        note=note,
        weather=weather[str(account.rep.region)],
        amount_cents=amount,
    )
    logged = datetime.combine(day, finish) + timedelta(minutes=rng.randint(1, 30))
    visit = writes.log_visit(session, entry, cadence, now.date(), min(logged, now))
    account.visits += 1
    account.next_due = visit.next_visit
