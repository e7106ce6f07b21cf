"""The audit's evidence across records (issue 12), tested on the rules directly: each against
an honest history that sets its baseline, with the planted case flagged and the honest days
left alone; and the arithmetic the lines are drawn with."""

import itertools
from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from salesproc.rules.audit import (
    DEFAULTS,
    OpenProspect,
    ReportFact,
    Rule,
    SaleFact,
    SalesDay,
    Severity,
    Thresholds,
    VisitFact,
    baseline,
    binomial_tail,
    copied_results,
    corroborate,
    percentile,
    pressing_stock,
    quiet_drops,
    short_days,
    sky,
    tight_gaps,
    unsold_orders,
    weather_mismatches,
)
from salesproc.rules.calendar import WorkCalendar

CAL = WorkCalendar()
START = date(2026, 11, 2)  # the window: November
END = date(2026, 11, 27)
TODAY = date(2026, 11, 30)
REPS = ("zhang", "li", "wang")
_ids = itertools.count(1)
_customers: dict[str, int] = {}


def clock(minutes: float) -> time:
    return time(int(minutes) // 60, int(minutes) % 60)


def make(
    rep: str,
    day: date,
    start: float,
    length: float,
    customer: str,
    *,
    purposes: str = "service",
    result: str | None = None,
) -> VisitFact:
    return VisitFact(
        id=next(_ids),
        rep=rep,
        day=day,
        start=clock(start),
        end=clock(start + length),
        logged_at=datetime.combine(day, time(20)),
        customer_id=_customers.setdefault(customer, len(_customers) + 1),
        customer=customer,
        customer_phone="13800000000",
        next_visit=day + timedelta(days=7),
        purposes=purposes,
        result=result,
    )


def honest_day(rep: str, day: date, n: int = 6, *, purposes: str = "service") -> list[VisitFact]:
    """A full honest day: visits of 30–54 minutes with 20–38 minutes of travel between, each
    result its own (a customer, a day)."""
    visits, minute = [], 8 * 60 + 40
    for i in range(n):
        length = 30 + (i * 7 + day.day) % 25
        name = f"{rep}-客户{day.day:02d}{i}"
        result = f"{name} 订{10 + i}箱矿泉水，王经理确认 {day.isoformat()}"
        visits.append(make(rep, day, minute, length, name, purposes=purposes, result=result))
        minute += length + 20 + (i * 5 + day.day) % 19
    return visits


def history(first: date = date(2026, 10, 1), last: date = END) -> list[VisitFact]:
    """Every rep's honest working days from `first` to `last`."""
    days = [first + timedelta(d) for d in range((last - first).days + 1)]
    return [v for d in days if CAL.is_workday(d) for rep in REPS for v in honest_day(rep, d)]


# --- the lines ---------------------------------------------------------------------------


@given(st.lists(st.floats(0, 1000), min_size=1, max_size=50), st.floats(0.1, 100))
def test_a_percentile_is_one_of_the_values_and_rises_with_p(values, p):
    line = percentile(values, p)
    assert line in values
    assert line <= percentile(values, min(100, p + 10))


@given(
    st.lists(st.integers(0, 100), min_size=30, max_size=60),
    st.lists(st.integers(0, 100), max_size=60),
    st.floats(1, 50),
)
def test_a_baseline_is_never_above_the_teams(team, own, p):
    line = baseline(own, team, p)
    assert line is not None and line <= percentile(team, p)


def test_without_a_team_history_there_is_no_line():
    assert baseline(list(range(100)), list(range(29)), 2) is None


@given(st.integers(1, 12), st.floats(0.01, 0.99))
def test_the_chance_of_k_or_more_falls_as_k_rises(n, q):
    chances = [binomial_tail(n, k, q) for k in range(n + 1)]
    assert abs(chances[0] - 1) < 1e-9
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(chances))


# --- tight-gap ---------------------------------------------------------------------------


def test_a_visit_squeezed_into_a_travel_gap_is_red():
    day = date(2026, 11, 18)
    visits = history()
    mine = [v for v in visits if (v.rep, v.day) == ("zhang", day)]
    a, b = mine[1], mine[2]
    gap_start = a.end.hour * 60 + a.end.minute  # type: ignore[union-attr]
    gap_end = b.start.hour * 60 + b.start.minute  # type: ignore[union-attr]
    # make room: push the rest of the day on so that the gap is 40 minutes wide
    shift = 40 - (gap_end - gap_start)
    moved = [
        make(v.rep, v.day, v.start.hour * 60 + v.start.minute + shift, 35, v.customer)  # type: ignore[union-attr]
        if v in mine[2:]
        else v
        for v in visits
    ]
    invented = make("zhang", day, gap_start + 3, 34, "凭空超市")
    flags = tight_gaps([*moved, invented], START, END)
    flag = flags[0]
    assert len(flags) == 1
    assert (flag.rule, flag.rep, flag.day, flag.red) == (Rule.TIGHT_GAP, "zhang", day, True)
    assert flag.visits == (invented.id,)
    assert "凭空超市" in flag.evidence and "3 and 3 minutes" in flag.evidence


def test_an_honest_team_has_no_tight_gap_and_one_short_hop_is_no_squeeze():
    visits = history()
    assert tight_gaps(visits, START, END) == []
    day = date(2026, 11, 18)
    rest = [v for v in visits if (v.rep, v.day) != ("li", day)]
    # the shop next door, reached at once; then 30 minutes on to the next
    li = [make("li", day, 9 * 60, 40, "甲"), make("li", day, 9 * 60 + 42, 28, "隔壁商店"),
          make("li", day, 10 * 60 + 40, 40, "乙")]  # fmt: skip
    assert tight_gaps([*rest, *li], START, END) == []


# --- duration: padding -------------------------------------------------------------------


def test_several_visits_shorter_than_the_reps_ever_are_is_padding():
    day = date(2026, 11, 18)
    padded = [make("wang", day, 17 * 60 + 10 * i, 7, f"凑数{i}") for i in range(3)]
    flags = short_days([*history(), *padded], START, END)
    flag = flags[0]
    assert len(flags) == 1
    assert (flag.rule, flag.rep, flag.day, flag.red) == (Rule.DURATION, "wang", day, True)
    assert set(flag.visits) == {v.id for v in padded}
    assert flag.evidence.startswith("3 visits under 30 minutes")


def test_one_short_visit_is_a_drop_in_not_padding():
    day = date(2026, 11, 18)
    assert short_days([*history(), make("wang", day, 17 * 60, 8, "顺路")], START, END) == []


def test_a_rep_whose_visits_are_always_short_is_read_by_its_own_habit():
    quick = [
        make("zhao", d, 9 * 60 + 20 * i, 9, f"赵{d.day}-{i}")
        for d in (date(2026, 10, 1) + timedelta(n) for n in range(58))
        if CAL.is_workday(d)
        for i in range(6)
    ]
    # the team's line is above 9 minutes, the rep's own below it: its days are its habit
    assert short_days([*history(), *quick], START, END) == []


# --- gave-up: a prospect dropped quietly --------------------------------------------------


def test_a_prospect_no_longer_visited_and_never_marked_lost_is_red():
    dropped = OpenProspect("li", "新开超市", 2, date(2026, 10, 20), date(2026, 10, 27))
    flag = quiet_drops([dropped], TODAY)[0]
    assert (flag.rule, flag.rep, flag.red) == (Rule.GAVE_UP, "li", True)
    assert (flag.from_day, flag.day) == (date(2026, 10, 20), date(2026, 11, 10))
    assert "新开超市" in flag.evidence and "not marked lost" in flag.evidence


def test_a_prospect_still_in_its_weeks_or_visited_four_times_is_not_dropped():
    recent = OpenProspect("li", "新开超市", 2, date(2026, 11, 10), date(2026, 11, 17))
    worked = OpenProspect("li", "老客户", 4, date(2026, 10, 1), date(2026, 10, 8))
    far_promise = OpenProspect("li", "春节后", 1, date(2026, 10, 20), date(2026, 11, 28))
    assert quiet_drops([recent, worked, far_promise], TODAY) == []
    assert quiet_drops([recent], TODAY, Thresholds(drop_days=7))


# --- order-no-sale -----------------------------------------------------------------------


def _sold(visits: list[VisitFact], skip: set[int] = frozenset()) -> list[SaleFact]:  # type: ignore[assignment]
    """A sale the same day for four order visits in five (the fifth, and `skip`, unsold)."""
    return [
        SaleFact(v.rep, v.customer_id, v.customer, v.day, 100_00)
        for n, v in enumerate(visits)
        if n % 5 and v.id not in skip
    ]


def test_a_day_of_order_visits_that_never_sold_is_flagged_and_red_with_other_evidence():
    visits = [
        make(v.rep, v.day, v.start.hour * 60 + v.start.minute, 40, v.customer, purposes="order")  # type: ignore[union-attr]
        for v in history()
    ]
    day = date(2026, 11, 18)
    invented = {v.id for v in visits if (v.rep, v.day) == ("zhang", day)}
    flags = unsold_orders(visits, _sold(visits, invented), START, END, TODAY)
    flag = flags[0]
    assert [(f.rep, f.day) for f in flags] == [("zhang", day)]
    assert flag.rule is Rule.ORDER_NO_SALE and flag.red  # six of six: far under the chance
    assert flag.evidence.startswith("6 of 6 order visits with no sale")
    five = _sold(visits, set(sorted(invented)[:5]))
    weak = [f for f in unsold_orders(visits, five, START, END, TODAY) if f.day == day]
    assert weak and not weak[0].red
    weather = corroborate([*weak, weather_flag("zhang", day)])
    assert all(f.red for f in weather)


def test_a_team_without_a_sales_feed_is_never_flagged_for_unsold_orders():
    visits = [
        make(v.rep, v.day, v.start.hour * 60 + v.start.minute, 40, v.customer, purposes="order")  # type: ignore[union-attr]
        for v in history()
    ]
    assert unsold_orders(visits, [], START, END, TODAY) == []


# --- copied-result, weather --------------------------------------------------------------


def test_a_day_written_from_earlier_reports_is_flagged():
    visits = history()
    day = date(2026, 11, 18)
    earlier = [v for v in visits if (v.rep, v.day) == ("li", date(2026, 11, 11))]
    copied = [
        make("li", day, 9 * 60 + 50 * i, 40, f"抄{i}", result=v.result)
        for i, v in enumerate(earlier)
    ]
    rest = [v for v in visits if (v.rep, v.day) != ("li", day)]
    flag = copied_results([*rest, *copied], START, END)[0]
    assert (flag.rule, flag.rep, flag.day, flag.red) == (Rule.COPIED_RESULT, "li", day, False)
    assert flag.evidence.startswith("6 of the day's results repeat earlier ones word for word")
    assert copied_results(visits, START, END) == []


def weather_flag(rep: str, day: date):
    reports = [
        ReportFact("zhang", day, "杭州", "晴"),
        ReportFact("li", day, "杭州", "晴转多云"),
        ReportFact("wang", day, "杭州 ", "晴天"),
    ]
    mine = [r if r.rep != rep else ReportFact(rep, day, r.region, "中雨") for r in reports]
    return weather_mismatches(mine)[0]


def test_weather_unlike_every_colleagues_in_the_region_is_flagged():
    day = date(2026, 11, 18)
    flag = weather_flag("zhang", day)
    assert (flag.rule, flag.rep, flag.day, flag.red) == (Rule.WEATHER, "zhang", day, False)
    assert "中雨" in flag.evidence and "2 colleagues" in flag.evidence
    agreeing = [
        ReportFact("zhang", day, "杭州", "Sunny"),
        ReportFact("li", day, "杭州", "晴转多云"),
        ReportFact("wang", day, "杭州", "多云"),
        ReportFact("zhao", day, "宁波", "雨"),
    ]
    assert weather_mismatches(agreeing) == []  # one colleague in 宁波 is no comparison
    assert sky("晴转多云") == {"clear", "cloud"} and sky("?") == frozenset()


def test_weak_evidence_alone_stays_a_follow_up():
    day = date(2026, 11, 18)
    flag = weather_flag("zhang", day)
    assert corroborate([flag]) == [flag]
    other_day = weather_flag("li", day + timedelta(1))
    assert not any(f.red for f in corroborate([flag, other_day]))


# --- pressing-stock: a customer's own orders ----------------------------------------------


def test_outsized_month_end_orders_of_two_customers_are_pressing_even_under_half():
    orders = [
        SaleFact("zhang", cid, f"经销商{cid}", date(2026, 10, day), 2_000_00)
        for cid in (1, 2, 3)
        for day in (8, 13, 16, 20, 22)
    ]
    pushed = [
        SaleFact("zhang", 1, "经销商1", date(2026, 10, 27), 20_000_00),
        SaleFact("zhang", 2, "经销商2", date(2026, 10, 28), 12_000_00),
    ]
    month = [SalesDay("zhang", o.day, o.cents) for o in [*orders, *pushed]]
    flag = pressing_stock(month, TODAY, DEFAULTS, CAL, [*orders, *pushed])[0]
    assert (flag.rule, flag.red, flag.day) == (Rule.PRESSING_STOCK, True, date(2026, 10, 31))
    assert "经销商1 20,000.00 on 10-27 (10× its usual 2,000.00)" in flag.evidence
    one = pressing_stock(month[:-1], TODAY, DEFAULTS, CAL, [*orders, pushed[0]])[0]
    assert one.severity is Severity.FOLLOW_UP  # one customer's big order: ask, no accusation
    usual = pressing_stock(month[:-2], TODAY, DEFAULTS, CAL, orders)
    assert usual == []
