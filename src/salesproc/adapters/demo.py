"""A realistic demo team: 8 reps in 2 regions, ~150 customers, 60 days of visits ending today.

The demo is built by playing the days through the same `writes` functions a
rep's `log-visit` uses, so every rule (cadence, wins, losses, categories)
holds in it exactly as in real use. The same seed and day give the same data.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from random import Random

from sqlalchemy.orm import Session

from salesproc.db import writes
from salesproc.db.models import Customer, Rep
from salesproc.rules.cadence import DEFAULT_CADENCE
from salesproc.rules.vocab import Category, Grade, Outcome, Purpose

DAYS = 60

REPS = [
    ("wangwei", "王伟", "杭州", 1.10),
    ("lina", "李娜", "杭州", 1.00),
    ("zhanglei", "张磊", "杭州", 0.95),
    ("liuyang", "刘洋", "杭州", 0.70),
    ("chenjing", "陈静", "宁波", 1.05),
    ("yangfan", "杨帆", "宁波", 0.90),
    ("zhaomin", "赵敏", "宁波", 1.00),
    ("huangqiang", "黄强", "宁波", 0.60),
]
DISTRICTS = {
    "杭州": ["西湖", "拱墅", "滨江", "萧山", "余杭", "上城"],
    "宁波": ["海曙", "江北", "鄞州", "北仑", "镇海", "奉化"],
}
BRANDS = ["华联", "万家", "好又多", "金源", "百佳", "家和", "福满", "鑫鑫", "兴隆", "顺发", "惠民"]
KINDS = ["超市", "便利店", "副食批发部", "商行", "烟酒店", "食品经营部"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
TITLES = ["经理", "老板", "店长", "采购"]
WEATHER = ["晴", "晴", "多云", "多云", "阴", "小雨", "中雨"]
RESULTS = {
    Purpose.ORDER: ["下单补货", "订了下月的货", "追加了新品", "要求先送样再定"],
    Purpose.COLLECTION: ["收回上月货款", "答应月底结清", "收了一半货款"],
    Purpose.DEVELOPMENT: [
        "初次接触，留了资料",
        "老板有兴趣，约下次详谈",
        "对价格有顾虑",
        "要看竞品报价",
    ],
    Purpose.SERVICE: ["处理了破损退换", "调整了陈列", "培训了店员"],
    Purpose.EXPLANATION: ["讲解了新品政策", "说明了促销方案"],
}
OBJECTIONS = ["嫌价格高", "库存还多", "竞品返点更高", "账期要求60天", "担心动销慢"]
WON_RESULTS = ["签下首单", "同意试销，首批进货"]
LOST_RESULTS = ["已选竞品，暂不合作", "店铺转让，停止进货"]


@dataclass
class _Account:
    customer: Customer
    rep: Rep
    next_due: date
    visits: int = 0


def _phone(rng: Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _names(rng: Random, region: str, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(DISTRICTS[region]) + rng.choice(BRANDS) + rng.choice(KINDS)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def build(
    session: Session,
    seed: int,
    now: datetime,
    cadence: Mapping[Grade, int] = DEFAULT_CADENCE,
    customers: int = 150,
) -> None:
    """Fill an empty database with the demo team; the caller commits."""
    rng = Random(seed)
    today = now.date()
    start = today - timedelta(days=DAYS - 1)
    reps = [writes.add_rep(session, c, n, region, _phone(rng), now) for c, n, region, _ in REPS]
    diligence = {c: d for c, _, _, d in REPS}

    accounts: list[_Account] = []
    taken: set[str] = set()
    per_rep = customers // len(reps)
    for rep in reps:
        for name in _names(rng, str(rep.region), per_rep, taken):
            grade = rng.choices(list(Grade), weights=[2, 3.5, 4.5])[0]
            category = rng.choices(list(Category), weights=[3.5, 1.5, 5])[0]
            added = start - timedelta(days=rng.randint(0, 120))
            fields = writes.CustomerFields(
                name=name,
                grade=grade,
                rep=rep.code,
                contact=rng.choice(SURNAMES) + rng.choice(TITLES),
                phone=_phone(rng) if rng.random() < 0.92 else None,
                region=rep.region,
                category=category,
            )
            customer = writes.add_customer(session, fields, added, now)
            first_due = start + timedelta(days=rng.randint(0, cadence[grade] - 1))
            accounts.append(_Account(customer, rep, first_due))

    for offset in range(DAYS):
        day = start + timedelta(days=offset)
        if day.weekday() == 6:  # Sunday: the market rests
            continue
        weather = {region: rng.choice(WEATHER) for region in DISTRICTS}
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
    note = rng.choice(OBJECTIONS) if rng.random() < 0.2 else None
    if customer.category == Category.PROSPECT:
        purposes = [Purpose.DEVELOPMENT] + ([Purpose.EXPLANATION] if rng.random() < 0.4 else [])
        result = rng.choice(RESULTS[Purpose.DEVELOPMENT])
        win_chance = [0.02, 0.04, 0.08, 0.25, 0.35][min(account.visits, 4)]
        if rng.random() < win_chance:
            outcome, result = Outcome.WON, rng.choice(WON_RESULTS)
            amount = rng.randint(500, 4000) * 100
        elif rng.random() < (0.08 if account.visits < 3 else 0.03):
            outcome, result = Outcome.LOST, rng.choice(LOST_RESULTS)
    else:
        weights = {Purpose.ORDER: 0.7, Purpose.COLLECTION: 0.3, Purpose.SERVICE: 0.2}
        weights[Purpose.EXPLANATION] = 0.1
        purposes = [p for p, w in weights.items() if rng.random() < w] or [Purpose.SERVICE]
        result = rng.choice(RESULTS[purposes[0]])
        if Purpose.ORDER in purposes:
            low, high = {"A": (3000, 20000), "B": (1000, 8000), "C": (200, 3000)}[customer.grade]
            amount = rng.randint(low, high) * 100 + rng.choice([0, 0, 50])
        elif rng.random() < 0.004:
            outcome, result = Outcome.LOST, rng.choice(LOST_RESULTS)
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
