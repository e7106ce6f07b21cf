"""Targets and progress, tested directly: the working-day calendar, the splits, the pace."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesproc.adapters.holidays import china_calendar
from salesproc.errors import InputError
from salesproc.rules.calendar import (
    MON_FRI,
    WorkCalendar,
    days_in,
    format_weekdays,
    parse_weekdays,
)
from salesproc.rules.targets import (
    MONTHS,
    ProgressPeriod,
    Split,
    SplitMethod,
    allocate,
    effective_method,
    month_bounds,
    month_week_parts,
    parse_month,
    parse_split,
    period_bounds,
    progress,
    quarters,
    split_year,
    weeks,
    year_bounds,
)

CHINA = china_calendar(range(2024, 2028))
CHINA_MON_SAT = china_calendar(range(2024, 2028), parse_weekdays("mon-sat"))
PLAIN = WorkCalendar()
#: 2026 working days a month in mainland China, Monday–Friday, counted by hand from the
#: State Council's notice: January loses New Year (1–2) and gains Sunday the 4th, February
#: loses the Spring Festival week (16–20, 23) and gains Saturdays 14 and 28, October loses
#: National Day (1–2, 5–7) and gains Saturday the 10th, …
CHINA_2026 = [21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23]
YUAN = 100


# --- the calendar --------------------------------------------------------------------------


def test_2026_months_have_chinas_working_days():
    assert [CHINA.workdays(*month_bounds(2026, m)) for m in range(1, 13)] == CHINA_2026
    assert CHINA.workdays(*year_bounds(2026)) == 248
    assert PLAIN.workdays(*year_bounds(2026)) == 261  # 52 weeks and a Thursday


def test_holidays_are_off_and_a_makeup_weekend_day_is_worked():
    assert not CHINA.is_workday(date(2026, 2, 17))  # Spring Festival, a Tuesday
    assert not CHINA.is_workday(date(2026, 10, 1))  # National Day, a Thursday
    assert CHINA.is_workday(date(2026, 2, 14))  # 调休 Saturday
    assert CHINA.is_workday(date(2026, 9, 20))  # 调休 Sunday
    assert not CHINA.is_workday(date(2026, 3, 7))  # an ordinary Saturday
    assert CHINA.is_workday(date(2026, 3, 9))  # an ordinary Monday


def test_mon_sat_works_saturdays_except_holiday_ones():
    assert CHINA_MON_SAT.is_workday(date(2026, 3, 7))
    assert not CHINA_MON_SAT.is_workday(date(2026, 1, 3))  # a Saturday in the New Year holiday
    assert not CHINA_MON_SAT.is_workday(date(2026, 3, 8))  # Sunday
    # February 2026: Monday–Friday's 16 already hold the 调休 Saturdays 14 and 28; of the
    # other two, the 7th is worked and the 21st is in the Spring Festival holiday.
    assert CHINA_MON_SAT.workdays(*month_bounds(2026, 2)) == 16 + 1


def test_a_year_without_holiday_data_falls_back_to_weekdays_and_is_reported():
    calendar = china_calendar([2026, 2031])
    assert calendar.fallback_years([2026, 2031]) == (2031,)
    assert 2026 in calendar.covered_years
    assert calendar.workdays(*year_bounds(2031)) == PLAIN.workdays(*year_bounds(2031)) == 261
    assert calendar.is_workday(date(2031, 1, 1))  # New Year's Day, unknown: a plain Wednesday
    assert calendar.workdays(*year_bounds(2026)) == 248


@given(st.integers(2032, 2100), st.sampled_from([MON_FRI, frozenset({0, 1, 2, 3, 4, 5})]))
def test_every_unknown_year_is_reported_and_counts_weekdays_only(year, weekdays):
    calendar = china_calendar([year], weekdays)
    assert calendar.fallback_years([year]) == (year,)
    expected = sum(1 for day in days_in(*year_bounds(year)) if day.weekday() in weekdays)
    assert calendar.workdays(*year_bounds(year)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon-sat", {0, 1, 2, 3, 4, 5}),
        ("mon,tue,thu", {0, 1, 3}),
        (" Mon , Wed-Fri ", {0, 2, 3, 4}),
        ("sun-tue", {6, 0, 1}),  # wraps past Sunday
        ("saturday", {5}),
        ("mon，tue", {0, 1}),  # a Chinese comma
    ],
)
def test_weekday_settings(text, expected):
    assert parse_weekdays(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["", "mon-", "monday-funday", "1-5", "mon,,fri", "mon-fri-sat"])
def test_bad_weekday_settings_are_input_errors(text):
    with pytest.raises(InputError, match="bad working days"):
        parse_weekdays(text)


@given(st.frozensets(st.integers(0, 6), min_size=1))
def test_weekday_settings_read_back(weekdays):
    assert parse_weekdays(format_weekdays(weekdays)) == weekdays


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "method"),
    [("even", "even"), ("Workdays", "workdays"), (" last-year ", "last-year")],
)
def test_split_words(text, method):
    assert parse_split(text) == Split(SplitMethod(method))


def test_weights_split_keeps_the_twelve_numbers():
    split = parse_split("weights: 6,6,8,8,8,9,9,9,9,9,9,10.5")
    assert split.method is SplitMethod.WEIGHTS
    assert split.weights == tuple(Decimal(w) for w in (6, 6, 8, 8, 8, 9, 9, 9, 9, 9, 9, "10.5"))
    assert str(split) == "weights:6,6,8,8,8,9,9,9,9,9,9,10.5"
    assert str(parse_split("last-year")) == "last-year"


@pytest.mark.parametrize("text", ["", "evenly", "weights", "last year", "monthly"])
def test_bad_splits_are_input_errors(text):
    with pytest.raises(InputError, match="bad split"):
        parse_split(text)


@pytest.mark.parametrize(
    "text",
    [
        "weights:" + ",".join(["1"] * 11),  # 11 months
        "weights:" + ",".join(["1"] * 13),
        "weights:" + ",".join(["0"] * 12),  # all zero
        "weights:-1," + ",".join(["1"] * 11),
        "weights:x," + ",".join(["1"] * 11),
        "weights:1e3," + ",".join(["1"] * 11),
        "weights:",
    ],
)
def test_bad_weights_are_input_errors(text):
    with pytest.raises(InputError, match="bad weights"):
        parse_split(text)


def test_months():
    assert parse_month("2026-03") == (2026, 3)
    assert parse_month(" 2026-12 ") == (2026, 12)
    for text in ("2026-13", "2026-00", "26-03", "2026/03", "March"):
        with pytest.raises(InputError, match="bad month"):
            parse_month(text)


# --- splitting: worked examples ------------------------------------------------------------


def test_even_split_gives_the_leftover_cents_to_december():
    months = split_year(100 * YUAN + 7, SplitMethod.EVEN, CHINA, 2026)
    assert months == [833] * 11 + [100 * YUAN + 7 - 833 * 11]
    assert months[-1] == 844


def test_workdays_split_2026_gives_the_holiday_months_less():
    months = split_year(2_480_000 * YUAN, SplitMethod.WORKDAYS, CHINA, 2026)
    # 248 working days: 10,000 yuan each, exactly.
    assert months == [days * 10_000 * YUAN for days in CHINA_2026]
    assert months[1] == min(months) and months[9] < months[8]  # February, then October


def test_workdays_split_rounds_down_and_the_last_month_takes_the_rest():
    months = split_year(1_000_000 * YUAN, SplitMethod.WORKDAYS, CHINA, 2026)
    exact = [Fraction(1_000_000 * YUAN * days, 248) for days in CHINA_2026]
    assert months[:11] == [int(share) for share in exact[:11]]  # floor of each share
    assert sum(months) == 1_000_000 * YUAN
    assert months[11] - exact[11] < MONTHS


def test_mon_sat_workdays_split_weighs_months_by_their_saturdays():
    months = split_year(1_000_000 * YUAN, SplitMethod.WORKDAYS, CHINA_MON_SAT, 2026)
    days = [CHINA_MON_SAT.workdays(*month_bounds(2026, m)) for m in range(1, 13)]
    assert days[1] == 17 and days != CHINA_2026
    assert months[0] == 1_000_000 * YUAN * days[0] // sum(days)


def test_weights_and_last_year_splits_follow_their_proportions():
    weights = [Decimal(1)] * 11 + [Decimal(2)]
    months = split_year(13 * YUAN, SplitMethod.WEIGHTS, CHINA, 2026, weights=weights)
    assert months == [YUAN] * 11 + [2 * YUAN]
    sold = [0] * 6 + [300, 100] + [0] * 4
    months = split_year(1000, SplitMethod.LAST_YEAR, CHINA, 2026, last_year=sold)
    assert months == [0] * 6 + [750, 250] + [0] * 4  # nothing for unsold months, not even cents


def test_last_year_without_sales_falls_back_to_even_and_says_so():
    nothing = [0] * 12
    assert effective_method(SplitMethod.LAST_YEAR, CHINA, 2026, nothing) is SplitMethod.EVEN
    months = split_year(1200, SplitMethod.LAST_YEAR, CHINA, 2026, last_year=nothing)
    assert months == [100] * 12
    returns_only = [-500] + [0] * 11  # a month of net returns weighs nothing
    assert effective_method(SplitMethod.LAST_YEAR, CHINA, 2026, returns_only) is SplitMethod.EVEN
    sold = [1] + [0] * 11
    assert effective_method(SplitMethod.LAST_YEAR, CHINA, 2026, sold) is SplitMethod.LAST_YEAR


def test_a_month_without_working_days_gets_nothing_under_workdays():
    # A team working Mondays only, whose every February 2026 Monday is a holiday.
    februarys_mondays = frozenset(date(2026, 2, d) for d in (2, 9, 16, 23))
    calendar = WorkCalendar(frozenset({0}), holidays=februarys_mondays)
    months = split_year(1_000_000, SplitMethod.WORKDAYS, calendar, 2026)
    assert months[1] == 0 and sum(months) == 1_000_000
    # …and its weeks, if it is given a target by hand, spread it by calendar days.
    parts = month_week_parts(2026, 2, 2800, calendar)
    assert [part.cents for part in parts] == [100, 700, 700, 700, 600]


def test_quarters_are_sums_of_months():
    assert quarters(list(range(1, 13))) == [6, 15, 24, 33]


def test_weeks_of_2026_split_months_by_working_days():
    months = split_year(2_480_000 * YUAN, SplitMethod.WORKDAYS, CHINA, 2026)  # 10,000 a day
    by_monday = {week.monday: week for week in weeks(2026, months, CHINA)}
    assert len(by_monday) == 53
    # Dec 29 – Jan 4: only 2026's part counts, and of it only Sunday the 4th (调休) is worked.
    assert by_monday[date(2025, 12, 29)].cents == 10_000 * YUAN
    assert by_monday[date(2025, 12, 29)].sunday == date(2026, 1, 4)
    assert by_monday[date(2026, 2, 16)].cents == 0  # the Spring Festival week
    assert by_monday[date(2026, 2, 9)].cents == 6 * 10_000 * YUAN  # Mon–Fri and Saturday the 14th
    # Sep 28 – Oct 4 spans two months: Sep 28–30 worked, Oct 1–2 holidays.
    assert by_monday[date(2026, 9, 28)].cents == 3 * 10_000 * YUAN
    assert by_monday[date(2026, 12, 28)].cents == 4 * 10_000 * YUAN  # Dec 28–31


# --- splitting: properties -----------------------------------------------------------------

years = st.integers(2020, 2030)
amounts = st.integers(0, 10**14)


@st.composite
def calendars(draw):
    """Any team calendar: any weekdays (even none), random holidays and make-up days."""
    year_days = st.dates(date(2019, 12, 1), date(2031, 1, 31))
    return WorkCalendar(
        weekdays=draw(st.frozensets(st.integers(0, 6))),
        holidays=draw(st.frozensets(year_days, max_size=40)),
        makeup_days=draw(st.frozensets(year_days, max_size=10)),
    )


any_calendar = st.one_of(st.just(CHINA), st.just(CHINA_MON_SAT), calendars())


@st.composite
def splits(draw):
    method = draw(st.sampled_from(SplitMethod))
    weights = draw(
        st.lists(
            st.decimals(0, 1000, allow_nan=False, allow_infinity=False, places=2),
            min_size=12,
            max_size=12,
        ).filter(any)
    )
    last_year = draw(st.lists(st.integers(-(10**6), 10**10), min_size=12, max_size=12))
    return method, weights, last_year


@given(amounts, splits(), any_calendar, years)
def test_months_add_up_to_the_year_and_none_is_negative(amount, split, calendar, year):
    method, weights, last_year = split
    months = split_year(amount, method, calendar, year, weights=weights, last_year=last_year)
    assert len(months) == 12
    assert sum(months) == amount
    assert all(month >= 0 for month in months)


@given(amounts, splits(), any_calendar, years)
def test_each_month_is_within_a_cent_of_its_share_but_the_last(amount, split, calendar, year):
    method, weights, last_year = split
    months = split_year(amount, method, calendar, year, weights=weights, last_year=last_year)
    used = effective_method(method, calendar, year, last_year)
    shares = {
        SplitMethod.EVEN: [1] * 12,
        SplitMethod.WORKDAYS: [calendar.workdays(*month_bounds(year, m)) for m in range(1, 13)],
        SplitMethod.WEIGHTS: weights,
        SplitMethod.LAST_YEAR: [max(x, 0) for x in last_year],
    }[used]
    total = sum(Fraction(s) for s in shares)
    last = max(i for i, s in enumerate(shares) if s)
    for i, (month, share) in enumerate(zip(months, shares, strict=True)):
        exact = amount * Fraction(share) / total
        if i == last:
            assert exact <= month < exact + 12
        else:
            assert exact - 1 < month <= exact


@given(st.lists(st.integers(0, 10**12), min_size=12, max_size=12))
def test_quarters_add_up_to_the_year(months):
    assert sum(quarters(months)) == sum(months)
    assert quarters(months)[1] == sum(months[3:6])


@given(amounts, splits(), any_calendar, years)
def test_weeks_add_up_to_the_year(amount, split, calendar, year):
    method, weights, last_year = split
    months = split_year(amount, method, calendar, year, weights=weights, last_year=last_year)
    found = weeks(year, months, calendar)
    assert sum(week.cents for week in found) == amount
    assert all(week.cents >= 0 for week in found)
    mondays = [week.monday for week in found]
    assert all(monday.weekday() == 0 for monday in mondays)
    assert mondays == [mondays[0] + timedelta(weeks=n) for n in range(len(mondays))]
    assert mondays[0] <= date(year, 1, 1) < mondays[0] + timedelta(days=7)
    assert mondays[-1] <= date(year, 12, 31) < mondays[-1] + timedelta(days=7)


@given(amounts, any_calendar, years, st.integers(1, 12))
def test_week_parts_add_up_to_the_month_by_working_days(amount, calendar, year, month):
    parts = month_week_parts(year, month, amount, calendar)
    first, last = month_bounds(year, month)
    assert sum(part.cents for part in parts) == amount
    assert all(part.cents >= 0 for part in parts)
    assert parts[0].start == first and parts[-1].end == last
    assert all(a.end + timedelta(days=1) == b.start for a, b in pairwise(parts))
    if calendar.workdays(first, last):  # a part without working days gets nothing
        assert all(part.cents == 0 for part in parts if not calendar.workdays(part.start, part.end))


@given(amounts, st.lists(st.integers(0, 1000), min_size=1, max_size=60).filter(any))
def test_allocate_is_exact_and_gives_nothing_to_a_zero_weight(amount, weights):
    parts = allocate(amount, weights)
    assert sum(parts) == amount
    assert all(part == 0 for part, weight in zip(parts, weights, strict=True) if weight == 0)


# --- progress ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "today", "bounds"),
    [
        ("week", date(2026, 2, 18), (date(2026, 2, 16), date(2026, 2, 22))),
        ("week", date(2026, 2, 16), (date(2026, 2, 16), date(2026, 2, 22))),
        ("week", date(2026, 2, 22), (date(2026, 2, 16), date(2026, 2, 22))),
        ("month", date(2024, 2, 10), (date(2024, 2, 1), date(2024, 2, 29))),
        ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 5, 20), (date(2026, 4, 1), date(2026, 6, 30))),
        ("quarter", date(2026, 12, 1), (date(2026, 10, 1), date(2026, 12, 31))),
        ("year", date(2026, 7, 1), (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_period_bounds(kind, today, bounds):
    assert period_bounds(ProgressPeriod(kind), today) == bounds


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)), st.sampled_from(ProgressPeriod))
def test_a_period_holds_today(today, kind):
    start, end = period_bounds(kind, today)
    assert start <= today <= end
    assert period_bounds(kind, start) == period_bounds(kind, end) == (start, end)
    assert period_bounds(kind, end + timedelta(days=1))[0] == end + timedelta(days=1)


def test_progress_in_the_spring_festival_month():
    start, end = period_bounds(ProgressPeriod.MONTH, date(2026, 2, 24))
    result = progress(5_000 * YUAN, 10_000 * YUAN, start, end, date(2026, 2, 24), CHINA)
    # 16 working days; before the 24th: 2–6, 9–13 and the 调休 Saturday 14th.
    assert (result.workdays_total, result.workdays_elapsed, result.workdays_remaining) == (
        16,
        11,
        5,
    )
    assert result.elapsed == Decimal(11) / Decimal(16) == Decimal("0.6875")
    assert result.reached == Decimal("0.5")
    assert result.gap == 5_000 * YUAN
    assert result.per_day_needed == 1_000 * YUAN  # 24, 25, 26, 27 and Saturday 28 (调休)


def test_progress_ahead_behind_and_after_the_end():
    start, end = date(2026, 3, 1), date(2026, 3, 31)  # 22 working days
    ahead = progress(120, 100, start, end, date(2026, 3, 10), CHINA)
    assert ahead.gap == -20 and ahead.per_day_needed == 0 and ahead.reached == Decimal("1.2")
    behind = progress(0, 100, start, end, date(2026, 3, 31), CHINA)  # today, the last day, counts
    assert behind.workdays_remaining == 1 and behind.per_day_needed == 100
    over = progress(0, 100, start, end, date(2026, 4, 1), CHINA)
    assert over.per_day_needed is None and over.elapsed == 1 and over.gap == 100
    before = progress(0, 100, start, end, date(2026, 2, 1), CHINA)
    assert before.elapsed == 0 and before.per_day_needed == 5  # 100 / 22, rounded up
    no_target = progress(50, 0, start, end, date(2026, 3, 10), CHINA)
    assert no_target.reached is None and no_target.gap == -50


def test_progress_of_a_week_of_holidays():
    start, end = period_bounds(ProgressPeriod.WEEK, date(2026, 2, 18))
    result = progress(0, 100, start, end, date(2026, 2, 18), CHINA)
    assert result.workdays_total == 0
    assert result.elapsed is None and result.per_day_needed is None


@given(
    st.integers(-(10**10), 10**12),
    st.integers(0, 10**12),
    st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    st.sampled_from(ProgressPeriod),
    st.integers(-40, 400),
    any_calendar,
)
def test_the_amount_per_day_closes_the_gap(actual, target, day, kind, offset, calendar):
    start, end = period_bounds(kind, day)
    today = start + timedelta(days=offset)
    result = progress(actual, target, start, end, today, calendar)
    remaining = calendar.workdays(max(today, start), end)
    assert result.workdays_remaining == remaining
    assert result.workdays_elapsed + remaining == calendar.workdays(start, end)
    assert result.gap == target - actual
    if remaining == 0:
        assert result.per_day_needed is None
    elif result.gap <= 0:
        assert result.per_day_needed == 0
    else:
        needed = result.per_day_needed
        assert needed * remaining >= result.gap > (needed - 1) * remaining  # within a cent a day
    if result.elapsed is not None:
        assert 0 <= result.elapsed <= 1
