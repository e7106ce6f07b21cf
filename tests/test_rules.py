"""The rules of the method, tested directly: no database, no CLI."""

from collections import Counter
from datetime import date, time, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesproc.errors import InputError
from salesproc.rules.cadence import DEFAULT_CADENCE, next_visit_date
from salesproc.rules.dates import Period, parse_date, parse_time, period_start
from salesproc.rules.due import days_overdue, due_date, is_due
from salesproc.rules.fourvisit import (
    ProspectStatus,
    gave_up,
    open_status,
    sort_key,
    summarize_wins,
)
from salesproc.rules.lifecycle import Standing, after_event
from salesproc.rules.money import cents_to_decimal, format_amount, parse_amount
from salesproc.rules.names import clean_name, name_key
from salesproc.rules.ranking import rank_with_ties
from salesproc.rules.vocab import (
    Category,
    Grade,
    Outcome,
    Purpose,
    parse_category,
    parse_grade,
    parse_outcome,
    parse_purposes,
)

TODAY = date(2026, 11, 30)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("yesterday", date(2026, 11, 29)),
        ("Tomorrow", date(2026, 12, 1)),
        ("+3", date(2026, 12, 3)),
        ("-30", date(2026, 10, 31)),
        ("2026-02-28", date(2026, 2, 28)),
        (" 2026-11-01 ", date(2026, 11, 1)),
    ],
)
def test_date_words(text, expected):
    assert parse_date(text, TODAY) == expected


def test_relative_dates_count_from_the_given_day():
    visit = date(2026, 11, 20)
    assert parse_date("+7", TODAY, relative_to=visit) == date(2026, 11, 27)
    assert parse_date("today", TODAY, relative_to=visit) == TODAY


@pytest.mark.parametrize(
    "text", ["", "2026-13-01", "2026-02-30", "next week", "+", "3", "1/2/2026"]
)
def test_bad_dates_are_input_errors(text):
    with pytest.raises(InputError, match="bad date"):
        parse_date(text, TODAY)


@pytest.mark.parametrize(
    "text",
    ["2026-11-02", "2026/11/02", "2026/11/2", "2026.11.02", "2026年11月2日", "2026-11-02 10:00",
     "2026-11-02T10:00:00", "2026/11/02 00:00:00", " 2026年11月02日 "],
)  # fmt: skip
def test_a_date_written_out_reads_the_same_however_the_office_writes_it(text):
    """The one parser of every option and import (import sales once refused 2026/11/02)."""
    assert parse_date(text, TODAY) == date(2026, 11, 2)


def test_nothing_after_today_is_recorded_and_today_is():
    from salesproc.rules.dates import SALE_DATE_AHEAD, check_not_future

    assert check_not_future(TODAY, TODAY) == TODAY
    with pytest.raises(InputError, match=r"^sale date 2026-12-01 is after today \(2026-11-30\)"):
        check_not_future(TODAY + timedelta(days=1), TODAY, SALE_DATE_AHEAD)


@given(days, st.integers(-9999, 9999))
def test_relative_date_is_plain_day_arithmetic(today, n):
    assert parse_date(f"{n:+d}", today) == today + timedelta(days=n)


@pytest.mark.parametrize(("text", "expected"), [("09:30", time(9, 30)), ("7:05", time(7, 5))])
def test_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9.30", "09:60", "930", ""])
def test_bad_times(text):
    with pytest.raises(InputError, match="bad time"):
        parse_time(text)


@given(days)
def test_period_start_is_on_or_before_the_day_and_inside_its_period(day):
    month, quarter, year = (
        period_start(day, p) for p in (Period.MONTH, Period.QUARTER, Period.YEAR)
    )
    assert year <= quarter <= month <= day
    assert month == date(day.year, day.month, 1)
    assert quarter.month in (1, 4, 7, 10) and 0 <= day.month - quarter.month < 3
    assert period_start(day, Period.ALL) is None


# --- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1", 100), ("1200.5", 120050), ("0.01", 1), ("999999999999.99", 99999999999999)],
)
def test_amounts_are_exact_cents(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    "text", ["0", "0.00", "-5", "1.234", "1e3", "abc", "1,00", "1000000000000", "", ".5", "+5"]
)
def test_bad_amounts(text):
    with pytest.raises(InputError, match="bad amount"):
        parse_amount(text)


@given(st.integers(1, 10**14 - 1))
def test_amount_round_trip(cents):
    assert parse_amount(str(cents_to_decimal(cents))) == cents
    assert format_amount(cents).replace(",", "") == str(cents_to_decimal(cents))


# --- vocabulary ----------------------------------------------------------------------------


def test_purposes_in_either_language_come_back_in_the_forms_order():
    assert parse_purposes(["收款,订货", "service"]) == (
        Purpose.ORDER,
        Purpose.COLLECTION,
        Purpose.SERVICE,
    )
    assert parse_purposes(["开发", "说明", "开发"]) == (Purpose.DEVELOPMENT, Purpose.EXPLANATION)


@pytest.mark.parametrize("values", [["visit"], ["order,bribe"], [""], [" , "]])
def test_unknown_or_missing_purposes(values):
    with pytest.raises(InputError, match="purpose"):
        parse_purposes(values)


def test_categories_grades_outcomes_in_both_languages():
    assert [parse_category(w) for w in ("开发", "新增", "原有", "Existing")] == [
        Category.PROSPECT,
        Category.NEW,
        Category.EXISTING,
        Category.EXISTING,
    ]
    assert [parse_grade(w) for w in ("a", "B", "C类")] == [Grade.A, Grade.B, Grade.C]
    assert [parse_outcome(w) for w in ("won", "流失")] == [Outcome.WON, Outcome.LOST]
    with pytest.raises(InputError, match="grade"):
        parse_grade("D")


@given(st.text(alphabet="abcXYZ 万家超市\t\u3000"))
def test_name_key_ignores_case_and_spacing(name):
    assert name_key(name) == name_key(f"  {name.upper()} ") == name_key(clean_name(name))
    assert name_key(name) == name_key(name.replace(" ", "  \t"))
    assert clean_name(clean_name(name)) == clean_name(name)


# --- cadence and due -----------------------------------------------------------------------


@given(days, st.sampled_from(list(Grade)))
def test_next_visit_follows_the_grade_cadence(day, grade):
    assert next_visit_date(day, grade, DEFAULT_CADENCE) == day + timedelta(
        days={"A": 7, "B": 14, "C": 30}[grade]
    )


@given(days, st.integers(0, 400))
def test_an_agreed_revisit_wins_over_the_cadence(day, later):
    agreed = day + timedelta(days=later)
    assert next_visit_date(day, Grade.C, DEFAULT_CADENCE, agreed) == agreed


def test_a_revisit_before_the_visit_is_refused():
    with pytest.raises(InputError, match="before the visit date"):
        next_visit_date(TODAY, Grade.A, DEFAULT_CADENCE, TODAY - timedelta(days=1))


@given(days, days, st.integers(0, 60))
def test_due_and_days_overdue_agree(due, today, ahead):
    assert days_overdue(due, today) == (today - due).days
    assert is_due(due, today, ahead) == (due <= today + timedelta(days=ahead))
    assert is_due(due, today) == (days_overdue(due, today) >= 0)


def test_never_visited_is_due_from_the_day_added():
    assert due_date(None, date(2026, 11, 2)) == date(2026, 11, 2)
    assert due_date(date(2026, 12, 1), date(2026, 11, 2)) == date(2026, 12, 1)


# --- lifecycle -----------------------------------------------------------------------------

DAY = date(2026, 11, 20)


def test_a_prospect_is_won_by_outcome_or_by_a_sale():
    prospect = Standing(Category.PROSPECT)
    for won in (
        after_event(prospect, DAY, Outcome.WON, sold=False),
        after_event(prospect, DAY, None, sold=True),
    ):
        assert won == Standing(Category.NEW, lost_on=None, won_on=DAY)


def test_lost_closes_any_category_and_a_later_sale_reopens_it_as_it_was():
    for category in Category:
        lost = after_event(Standing(category), DAY, Outcome.LOST, sold=False)
        assert lost.lost_on == DAY and lost.category is category
        reopened = after_event(lost, DAY + timedelta(days=3), None, sold=True)
        assert reopened.lost_on is None
        expected = Category.NEW if category is Category.PROSPECT else category
        assert reopened.category is expected


def test_a_plain_visit_changes_nothing():
    standing = Standing(Category.EXISTING, won_on=DAY)
    assert after_event(standing, TODAY, None, sold=False) == standing


# --- four-visit ----------------------------------------------------------------------------


def test_open_prospect_status():
    assert open_status(TODAY - timedelta(days=1), TODAY) is ProspectStatus.OVERDUE
    assert open_status(TODAY, TODAY) is ProspectStatus.ON_TRACK
    assert gave_up(3) and not gave_up(4) and gave_up(4, min_visits=5)


def test_prospects_sort_overdue_most_late_first_then_gave_up_then_on_track():
    rows = [
        ("c", ProspectStatus.ON_TRACK, TODAY),
        ("b", ProspectStatus.GAVE_UP, None),
        ("a", ProspectStatus.OVERDUE, TODAY - timedelta(days=2)),
        ("d", ProspectStatus.OVERDUE, TODAY - timedelta(days=9)),
    ]
    rows.sort(key=lambda r: sort_key(r[1], r[2], r[0], TODAY))
    assert [r[0] for r in rows] == ["d", "a", "b", "c"]


@given(st.lists(st.integers(1, 12)), st.integers(1, 8))
def test_win_summary_counts_every_win_once(visits, minimum):
    summary = summarize_wins(Counter(visits), minimum)
    assert summary.won == len(visits) == sum(summary.visits_to_win.values())
    assert summary.won_at_or_above_min == sum(v >= minimum for v in visits)
    if visits:
        assert summary.share_at_or_above_min == Fraction(summary.won_at_or_above_min, len(visits))
    else:
        assert summary.share_at_or_above_min is None
    assert list(summary.visits_to_win) == sorted(summary.visits_to_win)


# --- ranking -------------------------------------------------------------------------------


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranked = rank_with_ties([("d", 10), ("a", 50), ("c", 30), ("b", 30)])
    assert [(r.rank, r.key) for r in ranked] == [(1, "a"), (2, "b"), (2, "c"), (4, "d")]


@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=4), st.integers(0, 5)))
def test_rank_invariants(values):
    ranked = rank_with_ties(values.items())
    assert sorted(r.key for r in ranked) == sorted(values)
    for r in ranked:
        assert r.rank == 1 + sum(v > r.value for v in values.values())
    orders = [(-r.value, r.key) for r in ranked]
    assert orders == sorted(orders)
    ranks = [r.rank for r in ranked]
    assert ranks == sorted(ranks) and (not ranks or ranks[0] == 1)
