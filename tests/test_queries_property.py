"""The SQL queries agree with a plain-Python reading of the rules, on random data.

The due list and the leaderboard are single SQL queries for speed; these tests
hold them to the rules as written in `salesproc.rules` (latest visit by date,
then start time with none first, then time logged; ranks with ties).
"""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesproc.db import daily_reads, queries, writes
from salesproc.db.engine import open_engine, session
from salesproc.db.models import Customer, Rep, Sale, Visit
from salesproc.rules.ranking import Metric, rank_with_ties
from salesproc.rules.vocab import Category

BASE = date(2026, 11, 1)
GRADES = "ABC"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return open_engine(str(tmp_path_factory.mktemp("prop") / "p.db"), create=True)


def _reset(s):
    queries.delete_everything(s)
    reps = [
        Rep(code=f"r{i}", name=f"Rep {i}", active=i != 2, created_at=datetime(2026, 1, 1))
        for i in range(3)
    ]
    s.add_all(reps)
    s.flush()
    return reps


visit_st = st.tuples(
    st.integers(0, 5),  # customer index
    st.integers(0, 20),  # visit day offset
    st.one_of(st.none(), st.sampled_from([time(9), time(9, 30), time(14)])),
    st.integers(0, 40),  # next visit offset from the visit
    st.integers(0, 3),  # rep index (3 means "the customer's rep")
)
customer_st = st.tuples(
    st.sampled_from(GRADES), st.integers(0, 20), st.one_of(st.none(), st.integers(0, 25))
)


LAST_DAY = BASE + timedelta(days=25)  # on or after every visit, addition and loss below


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    customers=st.lists(customer_st, min_size=1, max_size=6),
    visits=st.lists(visit_st, max_size=25),
    as_of_offset=st.integers(0, 25),
    ahead=st.integers(0, 10),
    today_is_as_of=st.booleans(),
)
def test_due_list_matches_the_rule(engine, customers, visits, as_of_offset, ahead, today_is_as_of):
    """Past days read the visits as they stood; from today on, the kept schedule columns."""
    as_of = LAST_DAY if today_is_as_of else BASE + timedelta(days=as_of_offset)
    today = as_of if today_is_as_of else LAST_DAY + timedelta(days=1)
    with session(engine) as s, s.begin():
        reps = _reset(s)
        rows = []
        for i, (grade, added, lost) in enumerate(customers):
            c = Customer(
                name=f"C{i}", name_key=f"c{i}", grade=grade, category=Category.EXISTING,
                rep_id=reps[i % 3].id, added_on=BASE + timedelta(days=added),
                lost_on=None if lost is None else BASE + timedelta(days=lost),
                next_due=BASE,  # kept by refresh_schedules below
                created_at=datetime(2026, 1, 1),
            )  # fmt: skip
            s.add(c)
            rows.append(c)
        s.flush()
        logged: list[Visit] = []
        for n, (ci, day, start, nxt, _) in enumerate(visits):
            customer = rows[ci % len(rows)]
            v = Visit(
                rep_id=reps[0].id, customer_id=customer.id, visit_date=BASE + timedelta(days=day),
                start_time=start, purposes="order", category="existing",
                next_visit=BASE + timedelta(days=day + nxt),
                logged_at=datetime(2026, 12, 1) + timedelta(minutes=(n * 7) % 11),
            )  # fmt: skip
            s.add(v)
            logged.append(v)
        writes.refresh_schedules(s)

        def latest(c):
            mine = [v for v in logged if v.customer_id == c.id and v.visit_date <= as_of]

            def key(v):
                return (
                    v.visit_date,
                    v.start_time or time.min,
                    v.start_time is not None,
                    v.logged_at,
                    v.id,
                )

            return max(mine, key=key) if mine else None

        expected = []
        for c in rows:
            if c.added_on > as_of or (c.lost_on is not None and c.lost_on <= as_of):
                continue
            last = latest(c)
            due = last.next_visit if last else c.added_on
            if due <= as_of + timedelta(days=ahead):
                expected.append((due, c.grade, c.name_key, c.name))
        expected.sort()
        got = daily_reads.due_list(s, as_of, today, ahead)
        assert [r.customer for r in got] == [e[3] for e in expected]
        for r in got:
            c = next(c for c in rows if c.name == r.customer)
            last = latest(c)
            assert r.due_date == (last.next_visit if last else c.added_on)
            assert r.days_overdue == (as_of - r.due_date).days
            assert r.visits == sum(v.customer_id == c.id and v.visit_date <= as_of for v in logged)
            assert r.last_visit == (last.visit_date if last else None)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sales=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 40), st.integers(1, 5)), max_size=30
    ),
    end_offset=st.integers(0, 40),
    start_offset=st.one_of(st.none(), st.integers(0, 40)),
)
def test_leaderboard_sums_and_ranks_active_reps(engine, sales, end_offset, start_offset):
    end = BASE + timedelta(days=end_offset)
    start = None if start_offset is None else BASE + timedelta(days=start_offset)
    with session(engine) as s, s.begin():
        reps = _reset(s)
        for rep_i, day, amount in sales:
            s.add(Sale(rep_id=reps[rep_i].id, sale_date=BASE + timedelta(days=day),
                       amount_cents=amount * 100, created_at=datetime(2026, 1, 1)))  # fmt: skip
        s.flush()
        totals = {r.code: 0 for r in reps if r.active}
        for rep_i, day, amount in sales:
            d = BASE + timedelta(days=day)
            if reps[rep_i].active and d <= end and (start is None or d >= start):
                totals[reps[rep_i].code] += amount * 100
        got = daily_reads.leaderboard(s, start, end, Metric.SALES)
        expected = rank_with_ties(totals.items())
        assert [(r.rank, r.rep, r.value) for r in got] == [
            (e.rank, e.key, e.value) for e in expected
        ]
