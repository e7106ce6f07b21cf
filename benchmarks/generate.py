"""Build a realistic salesproc database of N visits, to time the daily commands on.

Why this shape: the issue's speed bar is about a team a few years in (about
200 reps, 20,000 customers, 1,000,000 visits), so the data must look like one —
graded customers visited on their cadence, prospects won after a few visits or
given up, some customers overdue — or the query plans and timings mean nothing.

Why this way: the schema comes from `salesproc init` (Alembic), so the tables and
indexes are exactly the tool's; rows go in through the stdlib `sqlite3` module
with `executemany` in one transaction (about 1 s per million rows, where ORM
`add_all` takes over a minute), in the order a real team would have logged them.

    python benchmarks/generate.py --db /tmp/salesproc-bench.db --visits 1000000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from cases import meta_path, salesproc_command

T = TypeVar("T")
Row = tuple[object, ...]

#: Days between visits by grade: the tool's default cadence.
CADENCE = {"A": 7, "B": 14, "C": 30}
GRADE_WEIGHTS = (("A", 2.0), ("B", 3.5), ("C", 4.5))
#: How a customer's story goes, with its share of the customers.
KINDS = (
    ("existing", 0.52),  # an old customer, visited on its cadence throughout
    ("won", 0.20),  # a prospect won after a few visits, then visited as `new`
    ("won_lost", 0.03),  # won, later lost
    ("prospect", 0.12),  # an open prospect, a few visits (or none) so far
    ("lost_prospect", 0.06),  # a prospect given up after 1-6 visits
    ("lost_existing", 0.07),  # an old customer lost at some point
)
#: Visits it took to win a prospect (the four-visit rule: most wins come late).
VISITS_TO_WIN = ((1, 4), (2, 8), (3, 14), (4, 24), (5, 20), (6, 13), (7, 10), (8, 7))
HISTORY_DAYS = 913  # about 2.5 years of visits ending today
SALE_SHARE = 0.415  # of visits to won or old customers: ~40% of all visits overall
BATCH = 50_000

REP_COLUMNS = ("id", "code", "name", "region", "phone", "active", "created_at")
CUSTOMER_COLUMNS = (
    "id", "name", "name_key", "grade", "category", "rep_id", "contact", "phone", "region",
    "added_on", "won_on", "lost_on", "created_at",
)  # fmt: skip
VISIT_COLUMNS = (
    "id", "rep_id", "customer_id", "visit_date", "start_time", "end_time", "purposes", "result",
    "outcome", "category", "next_visit", "note", "logged_at",
)  # fmt: skip
SALE_COLUMNS = (
    "id", "rep_id", "customer_id", "visit_id", "sale_date", "amount_cents", "ref", "created_at",
)  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬辉鹏斌宇浩凯健俊帆帅"


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


REGIONS = ("华东", "华北", "华南", "华中", "西南", "西北", "东北", "京津", "长三角", "珠三角")
CITIES = words(
    "杭州 上海 南京 苏州 无锡 宁波 合肥 北京 天津 济南 青岛 石家庄 广州 深圳 东莞 佛山 厦门 福州 "
    "武汉 长沙 郑州 南昌 成都 重庆 昆明 贵阳 西安 兰州 沈阳 大连 长春 哈尔滨"
)
BRANDS = words(
    "万佳 华联 永辉 惠民 金源 百信 新世纪 友谊 利群 好又多 大润 家家乐 喜来 东方 "
    "鑫隆 恒通 宏达 兴旺 福满 龙腾 聚丰 瑞祥 天和 嘉华 安康 美佳 信达 博远 佳美 同福"
)
TRADES = words("超市 商行 便利店 批发部 商贸公司 百货 五金店 食品厂 酒店 药房 建材城 餐饮公司")
RESULTS = (
    "下单成功",
    "客户考虑中",
    "已收款",
    "需再跟进",
    "介绍新品",
    "客户不在, 约下次",
    "投诉已处理",
    "送样品",
    "需报价",
    "库存充足",
    "谈妥年度协议",
    "老板出差",
)
NOTES = ("竞品在降价", "要求延长账期", "门店装修中", "换了采购负责人", "想要促销支持")


#: how a rep's day is laid out (`--day`)
RANDOM, ROUTED = "random", "routed"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="the SQLite file to create")
    parser.add_argument("--visits", required=True, type=int, help="how many visits (N)")
    parser.add_argument("--seed", type=int, default=1, help="random seed [1]")
    parser.add_argument("--reps", type=int, help="reps [customers / 100, at most 200]")
    parser.add_argument("--customers", type=int, help="customers [visits / 50, at most 20000]")
    parser.add_argument(
        "--days",
        type=int,
        default=HISTORY_DAYS,
        help=f"days of history ending today [{HISTORY_DAYS}]; with --reps and --customers fixed, "
        "more days grow the history alone",
    )
    parser.add_argument(
        "--day",
        choices=(RANDOM, ROUTED),
        default=RANDOM,
        help=f"{RANDOM}: each visit at a random time of the working day, so that a rep's visits "
        f"often overlap (the database the speed goals were set on) [{RANDOM}]; {ROUTED}: a "
        "rep's visits one after another from 08:00 to 18:30, at least 10 minutes apart",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    if args.visits < 1:
        parser.error("--visits must be at least 1")
    if args.customers is None:
        args.customers = max(10, min(20_000, args.visits // 50))
    if args.reps is None:
        args.reps = max(2, min(200, args.customers // 100))
    if args.customers < 1 or args.reps < 1:
        parser.error("--customers and --reps must be at least 1")
    if args.days < 30:
        parser.error("--days must be at least 30")
    return args


def pinned_now() -> datetime:
    """`SALESPROC_NOW` when set (as the tool reads it), else the real clock."""
    pinned = os.environ.get("SALESPROC_NOW")
    if not pinned:
        return datetime.now().replace(microsecond=0)
    return datetime.fromisoformat(pinned.strip()).replace(tzinfo=None)


@dataclass(slots=True)
class Plan:
    """One customer's story before any visit is placed: who, since when, how many visits."""

    id: int
    rep: int
    grade: str
    kind: str
    added: int  # date ordinals throughout: cheap to add and compare
    first: int  # first day a visit may fall on
    last: int  # the day of the last visit (the loss, for lost customers)
    weight: float  # expected visits, before scaling to exactly N
    min_visits: int = 0
    win_after: int = 0  # visits to win, for won customers
    visits: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def lost(self) -> bool:
        return self.kind.startswith("lost") or self.kind == "won_lost"

    @property
    def win_index(self) -> int:
        """Index of the winning visit, or -1; a won-then-lost one wins before the loss."""
        if self.kind == "won":
            return min(self.win_after, self.visits) - 1
        if self.kind == "won_lost":
            return min(self.win_after, self.visits - 1) - 1
        return -1


def pick(rng: random.Random, table: Sequence[tuple[T, float]]) -> T:
    values = [v for v, _ in table]
    weights = [w for _, w in table]
    return rng.choices(values, weights)[0]


def behind(rng: random.Random, cadence: int) -> int:
    """Days between a customer's last visit and today: mostly on schedule, a fifth late."""
    if rng.random() < 0.8:
        return rng.randint(0, cadence)
    return cadence + 1 + int(rng.expovariate(1 / cadence))


def plan_customers(
    rng: random.Random, customers: int, reps: int, today: int, days: int = HISTORY_DAYS
) -> list[Plan]:
    start = today - days
    plans = []
    for cid in range(1, customers + 1):
        grade = pick(rng, GRADE_WEIGHTS)
        kind = pick(rng, KINDS)
        cadence = CADENCE[grade]
        rep = rng.randint(1, reps)
        if kind in ("existing", "lost_existing"):
            added = start - rng.randint(0, 1500)
            first = start + rng.randint(0, cadence)
            last = today - behind(rng, cadence)
            if kind == "lost_existing":
                last = rng.randint(min(first + 30, today), today)
            first = min(first, last)
            plan = Plan(cid, rep, grade, kind, added, first, last, 0.0, min_visits=1)
            plan.weight = (last - first) / cadence + 1
        elif kind in ("won", "won_lost"):
            added = rng.randint(min(start, today - 21), today - 21)
            first = min(added + rng.randint(0, 5), today)
            last = max(first, today - behind(rng, cadence))
            if kind == "won_lost":
                last = rng.randint(first, today)
            plan = Plan(cid, rep, grade, kind, added, first, last, 0.0)
            plan.win_after = pick(rng, VISITS_TO_WIN)
            plan.min_visits = 1 if kind == "won" else 2
            plan.weight = max((last - first) / cadence + 1, plan.win_after + 1)
        elif kind == "prospect":
            added = max(start, today - rng.randint(0, 150))  # within the history
            first = min(added + rng.randint(0, 5), today)
            last = max(first, today - behind(rng, cadence))
            weight = 0.0 if rng.random() < 0.12 else min((last - first) / cadence + 1, 6)
            plan = Plan(cid, rep, grade, kind, added, first, last, weight)
        else:  # lost_prospect
            visits = rng.randint(1, 6)
            added = rng.randint(min(start, today - 7), today - 7)
            first = min(added + rng.randint(0, 5), today)
            last = min(today, first + int(visits * cadence * rng.uniform(0.6, 1.4)))
            plan = Plan(cid, rep, grade, kind, added, first, last, visits, min_visits=1)
        plans.append(plan)
    return plans


def allocate(plans: list[Plan], total: int) -> None:
    """Share exactly `total` visits out in proportion to each customer's expected visits."""
    floor = sum(p.min_visits for p in plans)
    if floor > total:
        raise SystemExit(f"error: {total} visits are too few for {len(plans)} customers")
    weights = sum(p.weight for p in plans) or 1.0
    spare = total - floor
    shares = [p.weight * spare / weights for p in plans]
    for plan, share in zip(plans, shares, strict=True):
        plan.visits = plan.min_visits + math.floor(share)
    left = total - sum(p.visits for p in plans)
    by_remainder = sorted(range(len(plans)), key=lambda i: shares[i] - math.floor(shares[i]))
    for i in by_remainder[len(by_remainder) - left :]:
        plans[i].visits += 1


def place_visits(rng: random.Random, plan: Plan) -> None:
    """Spread a customer's visits over its window, roughly evenly, off Sundays."""
    k, first, last = plan.visits, plan.first, plan.last
    if k == 0:
        return
    if k == 1:
        days = [last]
    else:
        step = (last - first) / (k - 1)
        days = [first + round(i * step + rng.uniform(-0.3, 0.3) * step) for i in range(k)]
        days[0], days[-1] = first, last
        days = sorted(min(max(d, first), last) for d in days)
    # Reps rarely work Sundays (ordinal 1 is a Monday): such a visit moves a day either way.
    for i, day in enumerate(days):
        if day % 7 == 0:
            later = day + 1 <= last and (day - 1 < first or rng.random() < 0.5)
            days[i] = day + 1 if later else max(day - 1, first)
    plan.days = sorted(days)
    plan.added = min(plan.added, days[0])


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"


def region(rep: int) -> str:
    """A rep's sales region; its customers are in the same one."""
    return REGIONS[rep % len(REGIONS)]


def rep_rows(rng: random.Random, reps: int, created: str) -> list[Row]:
    return [
        (i, f"r{i:03d}", person(rng), region(i), phone(rng), 1, created) for i in range(1, reps + 1)
    ]


def customer_rows(rng: random.Random, plans: list[Plan]) -> list[Row]:
    taken: set[str] = set()
    rows: list[Row] = []
    for p in plans:
        base = rng.choice(CITIES) + rng.choice(BRANDS) + rng.choice(TRADES)
        name, branch = base, 1
        while name.casefold() in taken:
            branch += 1
            name = f"{base}({branch}号店)"
        taken.add(name.casefold())
        category = {"existing": "existing", "lost_existing": "existing", "won": "new"}.get(
            p.kind, "new" if p.kind == "won_lost" else "prospect"
        )
        win = p.win_index
        won_on = iso(p.days[win]) if win >= 0 else None
        lost_on = iso(p.days[-1]) if p.lost and p.days else None
        contact = rng.choice(SURNAMES) + rng.choice(("经理", "老板", "主任", "店长", "采购"))
        created = f"{iso(p.added)} {rng.randint(8, 19):02d}:{rng.randint(0, 59):02d}:00.000000"
        rows.append(
            (
                p.id, name, name.casefold(), p.grade, category, p.rep, contact, phone(rng),
                region(p.rep), iso(p.added), won_on, lost_on, created,
            )
        )  # fmt: skip
    return rows


@dataclass
class Tally:
    """Rows written so far, and each customer's latest visit (as `rules.due` orders them)."""

    visits: int = 0
    sales: int = 0
    #: customer id -> ((visit date, start time or "", logged at, id), its next_visit)
    latest: dict[int, tuple[tuple[str, str, str, int], str]] = field(default_factory=dict)


def _distinct_starts(todo: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """A day's (start minute, customer, visit) sorted by start, no customer twice at one
    minute: the same rep, customer, day and start time twice is one visit (`log-visit`
    refuses it, `import visits` skips it), so a generated history must not hold it."""
    taken: set[tuple[int, int]] = set()
    spread = []
    for minute, index, i in sorted(todo):
        while (index, minute) in taken:
            minute += 1
        taken.add((index, minute))
        spread.append((minute, index, i))
    return sorted(spread)


def _routed(
    rng: random.Random, plans: list[Plan], todo: list[tuple[int, int, int]]
) -> tuple[list[tuple[int, int, int]], dict[tuple[int, int], int]]:
    """A day's (start minute, customer, visit) laid out as each rep travels (`--day routed`):
    the rep's working day cut into a slot per visit, in the order of their drawn times, each
    visit within its slot and at least 10 minutes before the next slot (the way there);
    with each visit's length in minutes."""
    by_rep: dict[int, list[tuple[int, int, int]]] = {}
    for entry in sorted(todo):
        by_rep.setdefault(plans[entry[1]].rep, []).append(entry)
    routed, lengths = [], {}
    for entries in by_rep.values():
        slot = (DAY_END - DAY_START) // len(entries)
        shortest = min(10, slot // 2)
        for k, (_minute, index, i) in enumerate(entries):
            length = rng.randint(shortest, max(shortest, min(90, slot - 10)))
            start = DAY_START + k * slot + rng.randint(0, max(0, slot - length - 10))
            routed.append((start, index, i))
            lengths[(index, i)] = length
    return sorted(routed), lengths


#: a routed working day (`--day routed`), in minutes of the day
DAY_START, DAY_END = 8 * 60, 18 * 60 + 30


def visit_rows(
    rng: random.Random,
    plans: list[Plan],
    today: int,
    now: datetime,
    counters: Tally,
    day_plan: str = RANDOM,
) -> Iterator[tuple[list[Row], list[Row]]]:
    """Visits and their sales in batches, day by day and by start time: ids follow logging."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for index, plan in enumerate(plans):
        for i, day in enumerate(plan.days):
            by_day.setdefault(day, []).append((index, i))
    dates = {d: iso(d) for d in by_day}
    clock = [f"{m // 60:02d}:{m % 60:02d}:00.000000" for m in range(24 * 60)]
    now_text = now.strftime("%Y-%m-%d %H:%M:%S.000000")
    visits: list[Row] = []
    sales: list[Row] = []
    for day in sorted(by_day):
        todo = _distinct_starts(
            [(rng.randint(8 * 60, 17 * 60 + 30), index, i) for index, i in by_day[day]]
        )
        lengths: dict[tuple[int, int], int] = {}
        if day_plan == ROUTED:
            todo, lengths = _routed(rng, plans, todo)
        untimed: set[int] = set()  # customers visited today without a start time
        for minute, index, i in todo:
            plan = plans[index]
            counters.visits += 1
            vid = counters.visits
            win = plan.win_index
            lost = plan.lost and i == len(plan.days) - 1
            prospect = plan.kind in ("prospect", "lost_prospect") or i <= win
            cadence = CADENCE[plan.grade]
            if i == win:
                sold, outcome = rng.random() < 0.85, "won"
            elif lost:
                sold, outcome = False, "lost"
            else:
                sold, outcome = (not prospect and rng.random() < SALE_SHARE), None
            if prospect:
                purposes = (
                    "order,development"
                    if sold
                    else rng.choice(("development", "development", "development,explanation"))
                )
            elif sold:
                purposes = rng.choice(("order", "order", "order,collection", "order,service"))
            else:
                purposes = rng.choice(
                    ("collection", "service", "service", "explanation", "collection,service")
                )
            # a second untimed visit of a customer on one day would be the same visit again
            timed = rng.random() < 0.9 or index in untimed
            if not timed:
                untimed.add(index)
            start = end = None
            if timed:
                start = clock[minute]
                end = clock[minute + (lengths[(index, i)] if lengths else rng.randint(10, 90))]
            explicit = rng.random() < 0.12
            next_day = day + (rng.randint(1, 2 * cadence) if explicit else cadence)
            late = rng.random() < 0.03
            logged_day = min(day + (rng.randint(1, 2) if late else 0), today)
            logged = f"{dates.get(logged_day) or iso(logged_day)} {rng.randint(18, 22):02d}:"
            logged += f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.000000"
            logged = min(logged, now_text)
            result = rng.choice(RESULTS) if rng.random() < 0.75 else None
            note = rng.choice(NOTES) if rng.random() < 0.08 else None
            category = "existing" if "existing" in plan.kind else "new"
            category = "prospect" if prospect else category
            next_text = iso(next_day)
            visits.append(
                (
                    vid, plan.rep, plan.id, dates[day], start, end, purposes, result, outcome,
                    category, next_text, note, logged,
                )
            )  # fmt: skip
            key = (dates[day], start or "", logged, vid)  # no start time: the day's first
            known = counters.latest.get(plan.id)
            if known is None or key > known[0]:
                counters.latest[plan.id] = (key, next_text)
            if sold:
                counters.sales += 1
                scale = {"A": 8.7, "B": 7.8, "C": 6.8}[plan.grade]  # medians ~6000/2400/900
                amount = rng.lognormvariate(scale, 0.8)
                cents = round(amount) * 100 if rng.random() < 0.7 else round(amount * 100)
                ref = f"SO{vid:08d}" if rng.random() < 0.3 else None
                sale = (counters.sales, plan.rep, plan.id, vid, dates[day], max(cents, 100))
                sales.append((*sale, ref, logged))
        if len(visits) >= BATCH:
            yield visits, sales
            visits, sales = [], []
    if visits:
        yield visits, sales


def insert_sql(connection: sqlite3.Connection, table: str, columns: Sequence[str]) -> str:
    """An INSERT naming its columns; refuses a schema with a required column it cannot fill."""
    info = connection.execute(f"PRAGMA table_info({table})").fetchall()
    missing = [
        name
        for _cid, name, _type, notnull, default, pk in info
        if notnull and default is None and not pk and name not in columns
    ]
    if missing:
        raise SystemExit(
            f"error: {table}.{', '.join(missing)} is required by this schema and unknown to "
            "generate.py; teach it how to fill it"
        )
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def refresh_schedules(db: Path) -> None:
    """The per-customer schedule (latest visit, due date, counts), set by salesproc itself."""
    from salesproc.db.engine import open_engine, session
    from salesproc.db.writes import refresh_schedules as refresh

    with session(open_engine(str(db))) as s, s.begin():
        refresh(s)


def create_schema(db: Path) -> None:
    """`salesproc init`: Alembic makes the tables and indexes exactly as the tool does."""
    done = subprocess.run(
        [*salesproc_command(), "--db", str(db), "init"], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"error: salesproc init failed: {done.stderr.strip()}")


def remove(db: Path) -> None:
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal"), meta_path(db)):
        path.unlink(missing_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    db: Path = args.db.expanduser().resolve()
    if db.exists() and not args.force:
        print(f"error: {db} exists; pass --force to replace it", file=sys.stderr)
        return 2
    remove(db)
    now = pinned_now()
    today = now.date().toordinal()
    rng = random.Random(args.seed)
    began = time.perf_counter()

    create_schema(db)
    schema_s = time.perf_counter() - began

    plans = plan_customers(rng, args.customers, args.reps, today, args.days)
    allocate(plans, args.visits)
    for plan in plans:
        place_visits(rng, plan)
    created = f"{iso(today - args.days - 400)} 09:00:00.000000"
    reps = rep_rows(rng, args.reps, created)
    customers = customer_rows(rng, plans)
    plan_s = time.perf_counter() - began - schema_s

    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA journal_mode = DELETE")  # back to WAL (the tool's) at the end
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -1000000")
    counters = Tally()
    # Until the visits are in, a customer's schedule is that of one never visited.
    due_at = CUSTOMER_COLUMNS.index("added_on")
    customer_columns = (*CUSTOMER_COLUMNS, "next_due", "visit_count")
    customers = [(*row, row[due_at], 0) for row in customers]
    connection.execute("BEGIN")
    connection.executemany(insert_sql(connection, "reps", REP_COLUMNS), reps)
    connection.executemany(insert_sql(connection, "customers", customer_columns), customers)
    visit_sql = insert_sql(connection, "visits", VISIT_COLUMNS)
    sale_sql = insert_sql(connection, "sales", SALE_COLUMNS)
    for visits, sales in visit_rows(rng, plans, today, now, counters, args.day):
        connection.executemany(visit_sql, visits)
        connection.executemany(sale_sql, sales)
    connection.execute("COMMIT")
    insert_s = time.perf_counter() - began - schema_s - plan_s
    refresh_schedules(db)
    refresh_s = time.perf_counter() - began - schema_s - plan_s - insert_s

    connection.execute("ANALYZE")
    connection.execute("PRAGMA journal_mode = WAL")
    bad = connection.execute(
        "SELECT count(*) FROM customers c WHERE c.added_on > "
        "(SELECT min(v.visit_date) FROM visits v WHERE v.customer_id = c.id)"
    ).fetchone()[0]
    # The kept schedule must agree with the visits, read here by hand.
    bad += connection.execute(
        "SELECT count(*) FROM customers c WHERE c.last_visit_id IS NOT "
        "(SELECT v.id FROM visits v WHERE v.customer_id = c.id ORDER BY v.visit_date DESC, "
        "v.start_time DESC NULLS LAST, v.logged_at DESC, v.id DESC LIMIT 1)"
    ).fetchone()[0]
    connection.close()
    total_s = time.perf_counter() - began
    if bad:
        raise SystemExit(f"error: {bad} customers are inconsistent with their visits")

    meta = {
        "today": iso(today),
        "now": now.isoformat(timespec="minutes"),
        "seed": args.seed,
        "reps": len(reps),
        "customers": len(customers),
        "visits": counters.visits,
        "days": args.days,
        "day": args.day,
        "sales": counters.sales,
        "seconds": round(total_s, 1),
    }
    meta_path(db).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    size = db.stat().st_size / 2**20
    print(
        f"{db}: {len(reps):,} reps, {len(customers):,} customers, {counters.visits:,} visits, "
        f"{counters.sales:,} sales; today {iso(today)}; {size:,.0f} MiB"
    )
    print(
        f"time: schema {schema_s:.1f} s, plan {plan_s:.1f} s, insert {insert_s:.1f} s, "
        f"schedules {refresh_s:.1f} s, "
        f"analyze {total_s - schema_s - plan_s - insert_s - refresh_s:.1f} s, "
        f"total {total_s:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
