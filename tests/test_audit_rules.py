"""The red-flag audit's rules, tested directly: for each, data that raises it and data that
does not, at the threshold itself; then the audit's order and date window."""

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesproc.config import DEFAULT_VISIT_QUOTA
from salesproc.rules.audit import (
    DEFAULTS,
    RULES,
    CallFact,
    Facts,
    Flag,
    LostProspect,
    RepFact,
    Rule,
    SalesDay,
    Thresholds,
    VisitEdit,
    VisitFact,
    audit,
    below_quota,
    doubtful_calls,
    durations,
    flag_key,
    gave_up,
    late_logs,
    missed_revisits,
    no_phone,
    no_reports,
    overlaps,
    pressing_stock,
    visit_counts,
    working_days,
)
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.fourvisit import MIN_VISITS

TODAY = date(2026, 11, 30)  # a Monday
MON = date(2026, 11, 2)
SAT = date(2026, 11, 7)
CAL = WorkCalendar()
_ids = itertools.count(1)


def at(text: str) -> time:
    return time.fromisoformat(text)


def visit(
    start: str | None = None,
    end: str | None = None,
    *,
    day: date = MON,
    rep: str = "zhang",
    customer: str = "华联超市",
    customer_id: int | None = None,
    phone: str | None = "13800000000",
    logged_at: datetime | None = None,
    next_visit: date | None = None,
    outcome: str | None = None,
) -> VisitFact:
    """A visit with plausible defaults: logged the same evening, a phone on file, revisit in a
    week; the customer's id follows its name unless given."""
    return VisitFact(
        id=next(_ids),
        rep=rep,
        day=day,
        start=at(start) if start else None,
        end=at(end) if end else None,
        logged_at=logged_at or datetime.combine(day, time(18, 0)),
        customer_id=customer_id if customer_id is not None else sum(map(ord, customer)),
        customer=customer,
        customer_phone=phone,
        next_visit=next_visit or day + timedelta(days=7),
        outcome=outcome,
    )


def only(flags: list[Flag]) -> Flag:
    assert len(flags) == 1, flags
    return flags[0]


# --- rule ids and thresholds -------------------------------------------------------------


def test_rule_ids_in_the_reported_order():
    assert RULES == (
        "overlap",
        "late-log",
        "below-quota",
        "no-report",
        "duration",
        "no-phone",
        "missed-revisit",
        "gave-up",
        "pressing-stock",
        "doubtful-call",
        "edited-after-call",
        "tight-gap",
        "copied-result",
        "weather",
        "order-no-sale",
        "unconfirmed-visit",
    )


def test_default_thresholds_are_the_methods():
    assert Thresholds() == DEFAULTS
    assert (
        Thresholds(
            quota=6,
            min_minutes=5,
            max_minutes=240,
            late_days=1,
            pressing_days=5,
            pressing_share=Fraction(1, 2),
            min_visits=4,
        )
        == DEFAULTS
    )
    assert DEFAULTS.quota == DEFAULT_VISIT_QUOTA
    assert DEFAULTS.min_visits == MIN_VISITS


@pytest.mark.parametrize("share", [0.6, Decimal("0.6"), Fraction(3, 5), "0.6"])
def test_pressing_share_is_kept_exact(share):
    assert Thresholds(pressing_share=share).pressing_share == Fraction(3, 5)


@pytest.mark.parametrize(
    "bad",
    [
        {"quota": 0},
        {"min_minutes": -1},
        {"min_minutes": 10, "max_minutes": 9},
        {"late_days": -1},
        {"pressing_days": 0},
        {"pressing_days": 29},
        {"pressing_share": 1},
        {"pressing_share": -0.1},
        {"min_visits": 0},
    ],
)
def test_bad_thresholds_are_refused(bad):
    with pytest.raises(ValueError, match="bad audit thresholds"):
        Thresholds(**bad)


# --- overlap -----------------------------------------------------------------------------


def test_overlapping_visits_are_one_flag_naming_both():
    flag = only(
        overlaps(
            [
                visit("09:00", "10:00", customer="华联超市"),
                visit("09:30", "10:30", customer="家乐福"),
            ]
        )
    )
    assert (flag.rule, flag.rep, flag.day) == (Rule.OVERLAP, "zhang", MON)
    assert flag.evidence == "华联超市 09:00–10:00 overlaps 家乐福 09:30–10:30"
    assert "two customers at once" in flag.explanation


def test_back_to_back_visits_do_not_overlap():
    assert overlaps([visit("09:00", "10:00"), visit("10:00", "10:30")]) == []


@pytest.mark.parametrize(
    "other",
    [
        visit("09:30", "10:30", rep="li"),
        visit("09:30", "10:30", day=MON + timedelta(days=1)),
        visit(None, None),
        visit(None, "09:45"),
    ],
    ids=["other rep", "other day", "no times", "only an end"],
)
def test_no_overlap_across_reps_days_or_without_a_start(other):
    assert overlaps([visit("09:00", "10:00"), other]) == []


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (("09:00", "10:00"), ("09:30", None), True),  # a moment inside a visit
        (("09:00", "10:00"), ("09:00", None), True),  # at its start
        (("09:00", "10:00"), ("10:00", None), False),  # at its end: the visit is over
        (("09:00", "10:00"), ("08:59", None), False),
        (("09:30", None), ("09:30", None), True),  # two visits begun at one moment
        (("09:30", None), ("09:31", None), False),
        (("09:00", "09:00"), ("09:00", "09:30"), True),  # an end not after the start: a moment
        (("10:00", "09:00"), ("09:30", "10:30"), True),  # an end before the start: a moment
    ],
)
def test_a_visit_with_only_a_start_is_a_moment(first, second, expected):
    flags = overlaps([visit(*first, customer="甲"), visit(*second, customer="乙")])
    assert bool(flags) is expected


def test_one_flag_per_overlapping_pair():
    long = visit("09:00", "12:00", customer="甲")
    early = visit("09:10", "09:20", customer="乙")
    late = visit("11:00", "11:30", customer="丙")
    flags = overlaps([late, early, long])
    assert [flag.evidence for flag in flags] == [
        "甲 09:00–12:00 overlaps 乙 09:10–09:20",
        "甲 09:00–12:00 overlaps 丙 11:00–11:30",
    ]
    same = [visit("09:00", "10:00"), visit("09:10", "09:50"), visit("09:20", "09:40")]
    assert len(overlaps(same)) == 3


def _minutes(v: VisitFact) -> set[int]:
    """The minutes a visit takes up: [start, end), or its start alone."""
    start = v.start.hour * 60 + v.start.minute
    end = v.end.hour * 60 + v.end.minute if v.end else start
    return set(range(start, end)) if end > start else {start}


clock = st.integers(6 * 60, 20 * 60).map(lambda m: f"{m // 60:02d}:{m % 60:02d}")


@given(st.lists(st.tuples(clock, st.none() | clock, st.sampled_from(["zhang", "li"])), max_size=8))
def test_overlaps_are_exactly_the_pairs_sharing_a_minute(rows):
    visits = [visit(s, e, rep=rep, customer=f"c{i}") for i, (s, e, rep) in enumerate(rows)]
    expected = sum(
        1
        for a, b in itertools.combinations(visits, 2)
        if a.rep == b.rep and _minutes(a) & _minutes(b)
    )
    assert len(overlaps(visits)) == expected


# --- late-log ----------------------------------------------------------------------------


def test_a_visit_logged_two_days_later_is_late():
    flag = only(late_logs([visit(customer="家乐福", logged_at=datetime(2026, 11, 4, 0, 1))]))
    assert (flag.rule, flag.rep, flag.day) == (Rule.LATE_LOG, "zhang", MON)
    assert flag.evidence == "visit to 家乐福 logged 2026-11-04 00:01, 2 days after it"


@pytest.mark.parametrize(
    "logged",
    [datetime(2026, 11, 3, 23, 59), datetime(2026, 11, 2, 8, 0), datetime(2026, 11, 1, 20, 0)],
    ids=["exactly one day later", "the same day", "the day before"],
)
def test_a_visit_logged_by_the_next_day_is_not_late(logged):
    assert late_logs([visit(logged_at=logged)]) == []


def test_a_days_report_typed_late_in_one_sitting_is_one_flag():
    typed = datetime(2026, 11, 9, 20, 0)
    batch = [visit(customer=name, logged_at=typed) for name in ("家乐福", "华联超市", "永辉")]
    flag = only(late_logs(batch, DEFAULTS, CAL))
    assert flag.visits == tuple(v.id for v in batch)
    assert flag.red  # five working days after it: backdated
    assert flag.evidence == (
        "3 visits (家乐福, 华联超市, 永辉) logged from 2026-11-09 20:00, 5 working days after them"
    )
    other_day = visit(day=date(2026, 11, 3), logged_at=typed)
    assert len(late_logs([*batch, other_day], DEFAULTS, CAL)) == 2


def test_late_days_is_configurable():
    next_day = visit(logged_at=datetime(2026, 11, 3, 9, 0))
    assert only(late_logs([next_day], Thresholds(late_days=0))).evidence.endswith("1 day after it")
    assert late_logs([visit(logged_at=datetime(2026, 11, 5))], Thresholds(late_days=3)) == []


# --- below-quota and no-report -------------------------------------------------------------


def _day_of(n: int, day: date = MON, rep: str = "zhang") -> list[VisitFact]:
    return [visit(day=day, rep=rep, customer=f"c{i}") for i in range(n)]


def _quota_flags(visits, reps=(), start=date(2026, 11, 1), end=TODAY, cal=CAL):
    days = working_days(cal, start, end, TODAY)
    counts = visit_counts(visits)
    return below_quota(counts, days, DEFAULTS) + no_reports(counts, days, reps, DEFAULTS)


def test_a_working_day_under_the_quota_is_flagged():
    flag = only(_quota_flags(_day_of(5)))
    assert (flag.rule, flag.rep, flag.day) == (Rule.BELOW_QUOTA, "zhang", MON)
    assert flag.evidence == "5 visits of a quota of 6"
    assert only(_quota_flags(_day_of(1))).evidence == "1 visit of a quota of 6"


def test_exactly_the_quota_is_enough():
    assert _quota_flags(_day_of(6)) == []
    assert _quota_flags(_day_of(9)) == []


@pytest.mark.parametrize(
    ("day", "cal"),
    [
        (SAT, CAL),  # a weekend
        (TODAY, CAL),  # today is not over
        (MON, WorkCalendar(holidays=frozenset({MON}))),  # a public holiday
    ],
    ids=["weekend", "today", "holiday"],
)
def test_only_working_days_that_are_over_count(day, cal):
    assert _quota_flags(_day_of(2, day=day), cal=cal) == []


def test_a_make_up_day_counts():
    cal = WorkCalendar(makeup_days=frozenset({SAT}))
    assert only(_quota_flags(_day_of(2, day=SAT), cal=cal)).day == SAT


def test_quota_is_configurable():
    days = working_days(CAL, MON, MON, TODAY)
    counts = visit_counts(_day_of(2))
    assert below_quota(counts, days, Thresholds(quota=2)) == []
    assert only(below_quota(counts, days, Thresholds(quota=3))).evidence.endswith("quota of 3")


def test_a_working_day_without_a_visit_is_no_report():
    reps = [RepFact("zhang", date(2026, 1, 1))]
    flags = _quota_flags(_day_of(6), reps, start=MON, end=MON + timedelta(days=1))
    flag = only(flags)
    assert (flag.rule, flag.rep, flag.day) == (Rule.NO_REPORT, "zhang", MON + timedelta(days=1))
    assert flag.evidence == "no visit logged on a working day (quota 6)"


def test_no_report_counts_from_the_day_a_rep_joined():
    joined = date(2026, 11, 26)  # a Thursday: Thursday and Friday are theirs, before is not
    flags = _quota_flags([], [RepFact("li", joined)], start=MON)
    assert [flag.day for flag in flags] == [joined, joined + timedelta(days=1)]


def test_no_report_is_for_the_active_reps_only_and_not_today_or_weekends():
    reps = [RepFact("zhang", date(2026, 1, 1))]
    assert _quota_flags([], reps, start=SAT, end=SAT + timedelta(days=1)) == []
    assert _quota_flags([], reps, start=TODAY, end=TODAY) == []
    assert _quota_flags(_day_of(0, rep="gone"), [], start=MON, end=MON) == []


def test_a_day_with_one_visit_is_below_quota_not_no_report():
    reps = [RepFact("zhang", date(2026, 1, 1))]
    flag = only(_quota_flags(_day_of(1), reps, start=MON, end=MON))
    assert flag.rule is Rule.BELOW_QUOTA


def test_working_days_are_those_over_in_the_window():
    assert working_days(CAL, MON, TODAY, TODAY)[0] == MON
    assert working_days(CAL, MON, TODAY, TODAY)[-1] == date(2026, 11, 27)
    assert len(working_days(CAL, MON, TODAY, TODAY)) == 20
    assert working_days(CAL, TODAY, MON, TODAY) == []


# --- duration ----------------------------------------------------------------------------


def test_a_four_minute_visit_is_too_short():
    flag = only(durations([visit("09:00", "09:04", customer="家乐福")]))
    assert (flag.rule, flag.rep, flag.day) == (Rule.DURATION, "zhang", MON)
    assert flag.evidence == "家乐福 09:00–09:04: 4 minutes"
    assert "short" in flag.explanation


def test_a_visit_over_four_hours_is_too_long():
    flag = only(durations([visit("09:00", "13:01")]))
    assert flag.evidence.endswith("09:00–13:01: 241 minutes")
    assert "long" in flag.explanation


@pytest.mark.parametrize(
    ("start", "end"),
    [("09:00", "09:05"), ("09:00", "13:00"), ("09:00", "10:00"), ("09:00", None), (None, None)],
    ids=["exactly 5 minutes", "exactly 240 minutes", "an hour", "no end", "no times"],
)
def test_plausible_or_unknown_durations_are_not_flagged(start, end):
    assert durations([visit(start, end)]) == []


def test_a_visit_ending_as_it_starts_is_too_short():
    assert only(durations([visit("09:00", "09:00")])).evidence.endswith("0 minutes")


def test_duration_bounds_are_configurable():
    t = Thresholds(min_minutes=10, max_minutes=60)
    assert only(durations([visit("09:00", "09:09")], t))
    assert only(durations([visit("09:00", "10:01")], t))
    assert durations([visit("09:00", "09:10"), visit("11:00", "12:00")], t) == []


# --- no-phone ----------------------------------------------------------------------------


@pytest.mark.parametrize("phone", [None, "", "   "])
def test_a_visit_to_a_customer_without_a_phone_is_unverifiable(phone):
    flag = only(no_phone([visit(customer="家乐福", phone=phone)]))
    assert (flag.rule, flag.rep, flag.day) == (Rule.NO_PHONE, "zhang", MON)
    assert flag.evidence == "visit to 家乐福: no phone number on file"
    assert "cannot call" in flag.explanation


def test_a_visit_with_a_phone_is_fine():
    assert no_phone([visit(phone="0755-12345678")]) == []


def test_no_phone_is_one_flag_per_visit():
    assert len(no_phone([visit("09:00", phone=None), visit("15:00", phone=None)])) == 2


# --- missed-revisit ----------------------------------------------------------------------

PROMISED = date(2026, 11, 9)


def test_a_promised_revisit_that_never_came_is_missed():
    flag = only(missed_revisits([visit(customer="家乐福", next_visit=PROMISED)], TODAY))
    assert (flag.rule, flag.rep, flag.day) == (Rule.MISSED_REVISIT, "zhang", PROMISED)
    assert flag.evidence == (
        "the visit on 2026-11-02 agreed to see 家乐福 again by 2026-11-09; no visit since"
    )


def test_a_revisit_a_day_late_is_missed_on_the_promised_date():
    visits = [visit(next_visit=PROMISED), visit(day=PROMISED + timedelta(days=1), next_visit=TODAY)]
    flag = only(missed_revisits(visits, TODAY))
    assert flag.day == PROMISED
    assert flag.evidence.endswith("; next visit 2026-11-10")


@pytest.mark.parametrize(
    "revisit", [PROMISED, MON + timedelta(days=1), MON], ids=["on the day", "early", "same day"]
)
def test_a_revisit_by_the_promised_date_keeps_the_promise(revisit):
    visits = [visit("09:00", next_visit=PROMISED), visit("15:00", day=revisit, next_visit=TODAY)]
    assert missed_revisits(visits, TODAY) == []


def test_a_promise_is_missed_only_once_its_date_is_past():
    assert missed_revisits([visit(next_visit=TODAY)], TODAY) == []
    assert only(missed_revisits([visit(next_visit=TODAY - timedelta(days=1))], TODAY))


def test_only_the_latest_promise_counts():
    """A later visit on the same day moved the revisit to the 20th; it came on the 18th."""
    morning = visit("09:00", next_visit=date(2026, 11, 5))
    afternoon = visit("15:00", next_visit=date(2026, 11, 20))
    revisit = visit(day=date(2026, 11, 18), next_visit=TODAY)
    assert missed_revisits([revisit, afternoon, morning], TODAY) == []


def test_the_days_latest_visit_is_by_start_time_not_by_when_it_was_logged():
    evening = datetime(2026, 11, 2, 20, 0)
    late_one = visit("15:00", next_visit=date(2026, 11, 5))
    early_one = visit("09:00", next_visit=date(2026, 11, 20), logged_at=evening)
    revisit = visit(day=date(2026, 11, 18), next_visit=TODAY)
    assert only(missed_revisits([early_one, late_one, revisit], TODAY)).day == date(2026, 11, 5)


def test_a_revisit_by_another_rep_keeps_the_promise_and_the_flag_is_the_promisers():
    visits = [visit(next_visit=PROMISED), visit(day=PROMISED, rep="li", next_visit=TODAY)]
    assert missed_revisits(visits, TODAY) == []
    late = [visit(next_visit=PROMISED), visit(day=TODAY, rep="li", next_visit=TODAY)]
    assert only(missed_revisits(late, TODAY)).rep == "zhang"


def test_a_visit_to_another_customer_does_not_keep_the_promise():
    visits = [visit(customer="甲", next_visit=PROMISED), visit(customer="乙", day=PROMISED)]
    flags = missed_revisits(visits, TODAY)
    assert [flag.evidence.split(" again")[0] for flag in flags] == [
        "the visit on 2026-11-02 agreed to see 甲",
        "the visit on 2026-11-09 agreed to see 乙",
    ]


def test_a_customer_lost_by_the_promised_date_is_not_flagged():
    lost = [visit(next_visit=PROMISED), visit(day=PROMISED, outcome="lost", next_visit=PROMISED)]
    assert missed_revisits(lost, TODAY) == []


def test_a_customer_lost_after_the_promised_date_was_still_let_down():
    late_loss = visit(day=date(2026, 11, 20), outcome="lost", next_visit=date(2026, 11, 20))
    flag = only(missed_revisits([visit(next_visit=PROMISED), late_loss], TODAY))
    assert flag.day == PROMISED


# --- gave-up -----------------------------------------------------------------------------

LOST_ON = date(2026, 11, 12)


def test_a_prospect_lost_before_its_fourth_visit_was_given_up():
    flag = only(gave_up([LostProspect("zhang", "家乐福", LOST_ON, 3)]))
    assert (flag.rule, flag.rep, flag.day) == (Rule.GAVE_UP, "zhang", LOST_ON)
    assert flag.evidence == "家乐福 lost after 3 visits"
    assert "before visit 4" in flag.explanation
    assert only(gave_up([LostProspect("zhang", "家乐福", LOST_ON, 1)])).evidence.endswith(
        "after 1 visit"
    )


def test_a_prospect_lost_after_four_visits_was_not_given_up():
    assert gave_up([LostProspect("zhang", "家乐福", LOST_ON, 4)]) == []
    assert gave_up([LostProspect("zhang", "家乐福", LOST_ON, 7)]) == []


def test_min_visits_is_configurable():
    t = Thresholds(min_visits=5)
    flag = only(gave_up([LostProspect("zhang", "家乐福", LOST_ON, 4)], t))
    assert "before visit 5" in flag.explanation


# --- pressing-stock ----------------------------------------------------------------------

OCT_END = date(2026, 10, 31)


def sale(day: int, yuan: int, rep: str = "zhang", month: int = 10) -> SalesDay:
    return SalesDay(rep, date(2026, month, day), yuan * 100)


def test_more_than_half_in_the_last_five_working_days_is_pressing_stock():
    flag = only(pressing_stock([sale(10, 1000), sale(26, 1010)], TODAY, DEFAULTS, CAL))
    assert (flag.rule, flag.rep, flag.day) == (Rule.PRESSING_STOCK, "zhang", OCT_END)
    assert flag.from_day == date(2026, 10, 26)  # Monday: the 31st is a Saturday
    assert flag.red
    assert flag.evidence == (
        "1,010.00 of 2,010.00 (50.2%) sold in the last 5 working days of 2026-10"
    )
    assert "pressed onto distributors" in flag.explanation


def test_exactly_half_is_not_pressing_stock():
    assert pressing_stock([sale(10, 1000), sale(31, 1000)], TODAY) == []


def test_the_day_before_the_last_five_working_days_does_not_count():
    assert pressing_stock([sale(1, 1), sale(23, 1000)], TODAY, DEFAULTS, CAL) == []
    assert only(pressing_stock([sale(1, 1), sale(26, 1000)], TODAY, DEFAULTS, CAL))
    # without a calendar the last five calendar days: the 27th on
    assert pressing_stock([sale(1, 1), sale(26, 1000)], TODAY) == []


def test_february_ends_on_its_last_day():
    feb = [sale(1, 1, month=2), sale(26, 1000, month=2)]
    assert only(pressing_stock(feb, TODAY)).day == date(2026, 2, 28)


def test_sales_are_summed_per_rep():
    sales = [sale(10, 1000, rep="li"), sale(30, 1010), sale(10, 2000)]
    assert pressing_stock(sales, TODAY) == []  # zhang sold 1,010 of 3,010 at the end


def test_only_complete_months_are_judged():
    november = [sale(2, 100, month=11), sale(30, 1000, month=11)]
    assert pressing_stock(november, TODAY) == []  # today is its last day, not over
    assert only(pressing_stock(november, date(2026, 12, 1))).day == TODAY


def test_a_month_of_net_returns_is_not_pressing_stock():
    assert pressing_stock([sale(5, -1000), sale(30, 500)], TODAY) == []


def test_pressing_thresholds_are_configurable():
    sales = [sale(10, 400), sale(31, 600)]
    assert pressing_stock(sales, TODAY, Thresholds(pressing_share=0.6)) == []  # exactly 60%
    assert only(
        pressing_stock([sale(10, 399), sale(31, 601)], TODAY, Thresholds(pressing_share=0.6))
    )
    one = Thresholds(pressing_days=1)
    assert pressing_stock([sale(10, 100), sale(29, 900)], TODAY, one, CAL) == []
    flag = only(pressing_stock([sale(10, 100), sale(30, 900)], TODAY, one, CAL))
    assert flag.evidence.endswith("in the last 1 working day of 2026-10")


# --- doubtful-call -----------------------------------------------------------------------

CALL_DAY = date(2026, 11, 17)


def test_a_doubtful_call_is_flagged_with_its_note():
    call = CallFact("zhang", CALL_DAY, time(12, 5), "doubtful", "说在家乐福，背景是家里")
    flag = only(doubtful_calls([call]))
    assert (flag.rule, flag.rep, flag.day) == (Rule.DOUBTFUL_CALL, "zhang", CALL_DAY)
    assert flag.evidence == "check-in call at 12:05: 说在家乐福，背景是家里"
    assert "did not match" in flag.explanation


def test_a_doubtful_call_without_time_or_note():
    flag = only(doubtful_calls([CallFact("zhang", CALL_DAY, None, "Doubtful", "  ")]))
    assert flag.evidence == "check-in call at --:--, no note"


@pytest.mark.parametrize("verdict", ["ok", "confirmed", "no-answer", ""])
def test_other_calls_are_not_flagged(verdict):
    assert doubtful_calls([CallFact("zhang", CALL_DAY, time(12, 5), verdict, "fine")]) == []


# --- the audit: order and window ---------------------------------------------------------


def _mixed() -> Facts:
    """At least one flag of every rule, on different days and reps, in no particular order."""
    return Facts(
        visits=(
            visit("09:00", "10:00", day=date(2026, 11, 20), rep="li", customer="甲", phone=None),
            visit("09:30", "09:32", day=date(2026, 11, 20), rep="li", customer="乙"),
            visit(
                day=date(2026, 11, 3),
                logged_at=datetime(2026, 11, 9, 9, 0),
                next_visit=date(2026, 11, 4),
                customer="丙",
            ),
        ),
        reps=(RepFact("zhang", date(2026, 11, 1)), RepFact("li", date(2026, 11, 1))),
        sales=(sale(1, 1), sale(1, 40, rep="li"), sale(29, 60, rep="li")),
        lost=(LostProspect("zhang", "丁", date(2026, 11, 5), 2),),
        calls=(
            CallFact("li", date(2026, 11, 2), time(9, 0), "doubtful", None),
            CallFact("li", date(2026, 11, 20), None, "ok", None, datetime(2026, 11, 20, 12, 0)),
        ),
        edits=(
            VisitEdit(
                2,
                "li",
                datetime(2026, 11, 21, 9, 0),
                date(2026, 11, 20),
                date(2026, 11, 20),
                at("09:30"),
                at("10:30"),
                at("09:32"),
                at("11:00"),
                "乙",
                "乙",
            ),
        ),
    )


def test_the_audit_reports_by_rule_then_day_then_rep():
    flags = audit(_mixed(), date(2026, 10, 1), TODAY, TODAY, CAL)
    assert flags == sorted(flags, key=flag_key)
    found = list(dict.fromkeys(flag.rule for flag in flags))
    assert found == [rule for rule in RULES if rule in found]
    # every rule that reads one record at a time is here; those that read a baseline of
    # many records are tested in tests/test_audit_evidence.py
    assert set(RULES) - set(found) == {
        Rule.TIGHT_GAP, Rule.COPIED_RESULT, Rule.WEATHER, Rule.ORDER_NO_SALE,
        Rule.UNCONFIRMED_VISIT,
    }  # fmt: skip
    overlap, late, short = flags[0], flags[1], flags[2]
    assert (overlap.rule, overlap.rep, overlap.day) == (Rule.OVERLAP, "li", date(2026, 11, 20))
    assert (late.rule, late.day) == (Rule.LATE_LOG, date(2026, 11, 3))
    assert short.rule is Rule.BELOW_QUOTA
    no_report = [f for f in flags if f.rule is Rule.NO_REPORT]
    assert [(f.day, f.rep) for f in no_report[:3]] == [
        (date(2026, 11, 2), "li"),
        (date(2026, 11, 2), "zhang"),
        (date(2026, 11, 3), "li"),
    ]
    assert flags[-2].rule is Rule.DOUBTFUL_CALL  # the earliest day, but a late rule
    assert flags[-1].rule is Rule.EDITED_AFTER_CALL


def test_the_window_selects_on_the_flags_day():
    window = audit(_mixed(), date(2026, 11, 4), date(2026, 11, 5), TODAY, CAL)
    assert {(flag.rule, flag.day) for flag in window} == {
        (Rule.NO_REPORT, date(2026, 11, 4)),
        (Rule.NO_REPORT, date(2026, 11, 5)),
        (Rule.MISSED_REVISIT, date(2026, 11, 4)),  # promised in the window, visit before it
        (Rule.GAVE_UP, date(2026, 11, 5)),
    }
    october = audit(_mixed(), OCT_END, OCT_END, TODAY, CAL)
    assert [(flag.rule, flag.rep) for flag in october] == [(Rule.PRESSING_STOCK, "li")]


def test_an_empty_window_has_no_flags():
    assert audit(_mixed(), TODAY, MON, TODAY, CAL) == []


def test_thresholds_reach_every_rule_through_the_audit():
    lenient = Thresholds(quota=1, min_minutes=1, late_days=10, min_visits=1, pressing_share=0.99)
    flags = audit(_mixed(), date(2026, 10, 1), TODAY, TODAY, CAL, lenient)
    assert {flag.rule for flag in flags} == {
        Rule.OVERLAP,
        Rule.NO_REPORT,
        Rule.NO_PHONE,
        Rule.MISSED_REVISIT,
        Rule.DOUBTFUL_CALL,
        Rule.EDITED_AFTER_CALL,
    }


# --- properties --------------------------------------------------------------------------

FIRST, LAST = date(2026, 9, 1), date(2026, 12, 15)
days = st.dates(min_value=FIRST, max_value=LAST)
reps = st.sampled_from(["li", "wang", "zhang"])
minutes = st.integers(7 * 60, 19 * 60).map(lambda m: time(m // 60, m % 60))


@st.composite
def visit_facts(draw) -> VisitFact:
    day = draw(days)
    start = draw(st.none() | minutes)
    end = draw(st.none() | minutes)
    return VisitFact(
        id=draw(st.integers(1, 10**6)),
        rep=draw(reps),
        day=day,
        start=start,
        end=end,
        logged_at=datetime.combine(day + timedelta(days=draw(st.integers(-1, 4))), time(20)),
        customer_id=draw(st.integers(1, 5)),
        customer=draw(st.sampled_from(["甲", "乙", "丙"])),
        customer_phone=draw(st.none() | st.just("138")),
        next_visit=day + timedelta(days=draw(st.integers(0, 20))),
        outcome=draw(st.none() | st.just("lost") | st.just("won")),
    )


facts = st.builds(
    Facts,
    visits=st.lists(visit_facts(), max_size=30).map(tuple),
    reps=st.lists(st.builds(RepFact, reps, days), max_size=3).map(tuple),
    sales=st.lists(st.builds(SalesDay, reps, days, st.integers(-1000, 10**6)), max_size=20).map(
        tuple
    ),
    lost=st.lists(
        st.builds(LostProspect, reps, st.just("丁"), days, st.integers(1, 8)), max_size=5
    ).map(tuple),
    calls=st.lists(
        st.builds(CallFact, reps, days, st.none() | minutes, st.sampled_from(["ok", "doubtful"])),
        max_size=5,
    ).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(facts, days, days, days)
def test_flags_are_sorted_and_in_the_window(facts, start, end, today):
    flags = audit(facts, start, end, today, CAL)
    assert flags == sorted(flags, key=flag_key)
    assert all(start <= flag.day <= end for flag in flags)


@settings(max_examples=60, deadline=None)
@given(facts, days, days, days)
def test_a_window_is_the_whole_audit_filtered_by_day(facts, start, end, today):
    """Flags about one day are the whole audit's, filtered; a pattern flag (issue 12: one with
    a `from_day`) ends in the window, and the missed revisits' reads the window itself, so it
    lies within it (a month's pressing or a dropped prospect starts where it started)."""
    whole = audit(facts, FIRST - timedelta(days=60), LAST + timedelta(days=60), today, CAL)
    window = audit(facts, start, end, today, CAL)
    assert [f for f in window if f.from_day is None] == [
        f for f in whole if start <= f.day <= end and f.from_day is None
    ]
    spans = [f for f in window if f.from_day is not None]
    assert all(f.from_day <= f.day and start <= f.day <= end for f in spans)
    assert all(start <= f.from_day for f in spans if f.rule is Rule.MISSED_REVISIT)


@settings(max_examples=60, deadline=None)
@given(facts, days)
def test_every_working_day_over_is_full_short_or_unreported(facts, today):
    """Per active rep and working day since joining: no-report, below-quota or the quota met."""
    flags = audit(facts, FIRST, LAST, today, CAL)
    quota_flags = {(f.rep, f.day): f.rule for f in flags if f.rule in QUOTA_RULES}
    assert len(quota_flags) == sum(f.rule in QUOTA_RULES for f in flags)  # one a rep and day
    counts = visit_counts(facts.visits)
    joined = {
        rep.code: min(r.joined for r in facts.reps if r.code == rep.code) for rep in facts.reps
    }
    for day in working_days(CAL, FIRST, LAST, today):
        for code in {rep for rep, _day in counts} | set(joined):
            n = counts[(code, day)]
            if n == 0:
                expected = Rule.NO_REPORT if joined.get(code, date.max) <= day else None
            else:
                expected = Rule.BELOW_QUOTA if n < DEFAULTS.quota else None
            assert quota_flags.get((code, day)) == expected, (code, day, n)


QUOTA_RULES = {Rule.NO_REPORT, Rule.BELOW_QUOTA}
