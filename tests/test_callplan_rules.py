"""The check-in call plan (一个电话), tested directly: the irregular times and the questions."""

import os
import subprocess
import sys
from datetime import date, time, timedelta
from enum import StrEnum
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesproc import i18n
from salesproc.rules import callplan
from salesproc.rules.calendar import WorkCalendar
from salesproc.rules.callplan import (
    EPOCH,
    LATEST_CALL,
    WINDOWS,
    Call,
    Flag,
    Promise,
    RepRecord,
    Slot,
    VisitedCustomer,
    Window,
    announce,
    chain_windows,
    flag_ids,
    lead_flag,
    make_call,
    order_calls,
    plan_json,
    plan_team,
    plan_time,
    plan_window,
    previous_workday,
    questions,
    time_slot,
    window_at,
)

DAY = date(2026, 11, 30)
FRIDAY = date(2026, 11, 27)
seeds = st.integers(-(2**63), 2**63)
reps = st.text(min_size=1, max_size=12)
#: Decades either side of the chain's epoch: days before it run the chain backward.
days = st.dates(min_value=date(1995, 1, 1), max_value=date(2045, 12, 31))
windows = st.sampled_from(WINDOWS)


# --- windows -------------------------------------------------------------------------------


def test_the_four_windows_and_their_bounds():
    assert [str(w) for w in WINDOWS] == ["morning", "on-the-job", "after-work", "evening"]
    assert [(w.start, w.end) for w in WINDOWS] == [
        (time(8, 0), time(9, 30)),
        (time(9, 30), time(17, 30)),
        (time(17, 30), time(19, 0)),
        (time(19, 0), time(21, 45)),
    ]
    assert Window.ON_THE_JOB.spans == ((time(9, 30), time(11, 30)), (time(13, 30), time(17, 30)))
    assert Window("noon") is Window.ON_THE_JOB  # calls logged before the window moved
    assert all(w.end <= time(21, 45) < LATEST_CALL for w in WINDOWS)


@pytest.mark.parametrize(
    ("at", "window"),
    [
        (time(8, 0), Window.MORNING),
        (time(9, 29), Window.MORNING),
        (time(9, 30), Window.ON_THE_JOB),
        (time(11, 29), Window.ON_THE_JOB),
        (time(12, 0), None),  # lunch
        (time(13, 30), Window.ON_THE_JOB),
        (time(17, 29), Window.ON_THE_JOB),
        (time(17, 30), Window.AFTER_WORK),
        (time(19, 0), Window.EVENING),  # the after-work window ends where the evening starts
        (time(18, 59), Window.AFTER_WORK),
        (time(21, 50), Window.EVENING),  # logged late in the evening: still an evening call
        (time(22, 0), Window.EVENING),
        (time(22, 1), None),
        (time(7, 59), None),
    ],
)
def test_the_window_a_logged_call_fell_in(at, window):
    assert window_at(at) == window


# --- the window chain ----------------------------------------------------------------------


def test_a_worked_plan_is_pinned_so_a_release_does_not_reshuffle_the_schedule():
    """Re-running `call-plan` must show the same schedule, also after an upgrade."""
    assert chain_windows(7, "zhang", DAY) == (Window.EVENING, Window.AFTER_WORK, Window.MORNING)
    assert plan_window(7, "zhang", DAY) == Window.EVENING
    assert plan_time(7, "zhang", DAY, Window.EVENING) == time(20, 5)
    assert plan_window(7, "li", DAY) == Window.MORNING
    assert plan_time(7, "li", DAY, Window.MORNING) == time(8, 25)


def test_the_plan_is_the_same_in_every_process_whatever_pythonhashseed():
    code = (
        "from datetime import date\n"
        "from salesproc.rules.callplan import plan_team\n"
        "team = {f'r{i}': () for i in range(30)}\n"
        "print(sorted((r, s.window.value, str(s.at)) "
        "for r, s in plan_team(11, date(2026, 11, 30), team).items()))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        ).stdout
        for hash_seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def _slow_walk(seed: int, rep: str, day: date) -> Window:
    """The chain one day and one bit at a time (days from the epoch on): the byte table's oracle."""
    state = callplan._PERMS[callplan._number(seed, rep, "start") % 24]
    for n in range(1, (day - EPOCH).days + 1):
        block, position = divmod(n - 1, 256)
        bits = callplan._digest(seed, rep, "forward", block, size=32)
        state = callplan._next_state(state, (bits[position // 8] >> (position % 8)) & 1)
    return WINDOWS[state[0]]


@settings(max_examples=30, deadline=None)
@given(seeds, reps, st.dates(min_value=EPOCH + timedelta(days=2), max_value=date(2023, 12, 31)))
def test_the_byte_table_walks_exactly_as_one_bit_a_day(seed, rep, day):
    assert chain_windows(seed, rep, day)[0] == _slow_walk(seed, rep, day)


@given(seeds, reps, days)
def test_the_chain_never_repeats_a_window_within_three_days(seed, rep, day):
    today, yesterday, before = chain_windows(seed, rep, day)
    assert len({today, yesterday, before}) == 3
    assert chain_windows(seed, rep, day - timedelta(days=1))[:2] == (yesterday, before)


@given(seeds, reps, days)
def test_without_a_log_the_plan_differs_from_the_plans_of_the_two_previous_days(seed, rep, day):
    planned = [plan_window(seed, rep, day - timedelta(days=back)) for back in range(3)]
    assert planned[0] not in planned[1:]
    # …and those are exactly the windows the plan of `day` took as its previous ones.
    assert tuple(planned) == chain_windows(seed, rep, day)


@settings(max_examples=25, deadline=None)
@given(seeds, reps, st.dates(min_value=EPOCH - timedelta(days=40), max_value=EPOCH + timedelta(40)))
def test_each_day_planned_alone_makes_a_valid_run_across_the_epoch(seed, rep, first):
    """Day by day, as the supervisor runs it: every three days in a row differ."""
    run = [plan_window(seed, rep, first + timedelta(days=n)) for n in range(30)]
    assert all(len({a, b, c}) == 3 for a, b, c in zip(run, run[1:], run[2:], strict=False))


@given(seeds, reps, days, st.lists(windows, max_size=4))
def test_the_window_is_never_that_of_either_previous_call(seed, rep, day, logged):
    """Logged calls first; for a missing one, the plan's own window of that day."""
    planned = [plan_window(seed, rep, day - timedelta(days=back)) for back in (1, 2)]
    previous = [*logged[:2], *planned[len(logged[:2]) :]]
    assert plan_window(seed, rep, day, logged) not in previous


@given(seeds, reps, days)
def test_a_log_that_matches_the_plan_changes_nothing(seed, rep, day):
    _today, yesterday, before = chain_windows(seed, rep, day)
    assert plan_window(seed, rep, day, [yesterday, before]) == plan_window(seed, rep, day)
    assert plan_window(seed, rep, day, [yesterday]) == plan_window(seed, rep, day)


def test_a_log_that_differs_moves_the_window_off_the_logged_ones():
    today, yesterday, _before = chain_windows(7, "zhang", DAY)
    others = [w for w in WINDOWS if w not in (today, yesterday)]
    logged = [today, others[0]]  # the supervisor really called in today's chain window
    chosen = plan_window(7, "zhang", DAY, logged)
    assert chosen not in logged
    assert plan_window(7, "zhang", DAY, [str(w) for w in logged]) == chosen  # words do too


@given(seeds, reps, days, st.lists(windows, max_size=2))
def test_same_inputs_give_the_same_plan(seed, rep, day, logged):
    window = plan_window(seed, rep, day, logged)
    assert plan_window(seed, rep, day, list(logged)) == window
    assert plan_time(seed, rep, day, window) == plan_time(seed, rep, day, window)


def test_a_date_far_from_the_epoch_still_plans():
    for day in (date(1900, 1, 1), date(2199, 12, 31)):
        assert len(set(chain_windows(3, "zhang", day))) == 3


# --- times ---------------------------------------------------------------------------------


@given(seeds, reps, days, windows)
def test_the_time_is_inside_its_window_and_never_late(seed, rep, day, window):
    at = plan_time(seed, rep, day, window)
    assert window.start <= at < window.end
    assert at <= time(21, 45)


@pytest.mark.parametrize("window", WINDOWS)
def test_the_times_of_many_reps_use_every_minute_of_the_window_and_not_its_end(window):
    minutes = {plan_time(0, f"rep{n}", DAY, window) for n in range(4000)}
    spans = [(a.hour * 60 + a.minute, b.hour * 60 + b.minute) for a, b in window.spans]
    wanted = {minute for start, end in spans for minute in range(start, end)}
    assert {at.hour * 60 + at.minute for at in minutes} == wanted


@given(seeds, days)
def test_minutes_vary_and_windows_spread_over_a_team_of_50(seed, day):
    team = plan_team(seed, day, {f"rep{n:02d}": () for n in range(50)})
    assert len({slot.window for slot in team.values()}) >= 3
    assert {slot.at.minute for slot in team.values()} - {0, 30}
    assert len({slot.at for slot in team.values()}) >= 40


@given(seeds, days, st.dictionaries(reps, st.lists(windows, max_size=2), max_size=40))
def test_a_team_plan_gives_each_rep_its_window_and_a_minute_of_its_own(seed, day, logged):
    team = plan_team(seed, day, logged)
    assert list(team) == list(logged)
    for rep, slot in team.items():
        assert slot.window == plan_window(seed, rep, day, logged[rep])
        assert window_at(slot.at) == slot.window
    assert len({slot.at for slot in team.values()}) == len(team)
    assert plan_team(seed, day, logged) == team


def test_the_previous_working_day_skips_the_weekend_and_holidays():
    calendar = WorkCalendar(holidays=frozenset({date(2026, 11, 26)}))
    assert previous_workday(DAY, calendar) == FRIDAY  # a Monday asks about Friday
    assert previous_workday(FRIDAY, calendar) == date(2026, 11, 25)
    assert previous_workday(DAY, WorkCalendar(weekdays=frozenset())) == DAY - timedelta(days=1)


# --- questions -----------------------------------------------------------------------------

VISIT = VisitedCustomer(
    "华联便利店", time(10, 0), time(10, 45), contact="王经理", phone="13800138000"
)


def record(**changes) -> RepRecord:
    values = {
        "rep": "zhang",
        "name": "张伟",
        "previous_workday": FRIDAY,
        "visits": (VISIT,),
        "rank": 5,
        "team_size": 8,
        "month_amount": "12,000.00",
    }
    return RepRecord(**{**values, **changes})


def test_a_worked_example_of_the_questions():
    promised = Promise("永辉超市", date(2026, 11, 25), visited=False)
    flagged = Flag("overlap", date(2026, 11, 26), "10:00–11:00 at 永辉超市 and 10:30 at 大润发")
    asked = questions(record(promises=(promised,), flags=(flagged,)), quota=1)
    assert asked == [  # the red flag first (its visits unknown here, so a visit is checked too)
        "Flagged on 2026-11-26, overlapping visits: 10:00–11:00 at 永辉超市 and 10:30 at 大润发. "
        "What happened?",
        "On 2026-11-27, 10:00–10:45, you were at 华联便利店: whom did you meet, and what was "
        "agreed? I will check with 王经理, tel. 13800138000.",
        "You promised 永辉超市 a revisit by 2026-11-25; no visit is logged since: why, and when "
        "will you go?",
        "You rank 5 of 8 this month with 12,000.00: what will you close this week?",
    ]


def test_never_more_than_four_questions_and_the_leaderboard_is_always_last():
    promised = Promise("永辉超市", date(2026, 11, 25), visited=False)
    everything = record(
        promises=(promised,), had_report=False, flags=(Flag("overlap", FRIDAY, "两家同时"),)
    )
    asked = questions(everything, quota=6)
    assert len(asked) == 4
    assert [text.split(" ")[0] for text in asked] == ["Flagged", "On", "You", "You"]
    assert asked[-1].startswith("You rank 5 of 8")


def test_gaps_no_report_and_below_quota():
    none = questions(record(visits=(), had_report=False), quota=6)
    assert none[0] == (
        "No daily report for 2026-11-27: where were you that day, and when will it come in?"
    )
    few = questions(record(visit_count=2), quota=6)
    assert few[1] == "Only 2 visits on 2026-11-27, below the quota of 6: what got in the way?"
    assert "1 visit on" in questions(record(), quota=6)[1]
    assert len(questions(record(), quota=1)) == 2  # one visit meets a quota of 1: no gap


def test_a_gap_already_asked_is_not_asked_again_as_a_flag():
    flags = (Flag("below-quota", FRIDAY, "1 of 6"), Flag("late-log", FRIDAY, "logged Sunday"))
    asked = questions(record(flags=flags), quota=6)
    assert sum("quota" in text for text in asked) == 1
    assert any("visit logged late: logged Sunday" in text for text in asked)


class AuditRule(StrEnum):
    LATE_LOG = "late-log"
    OVERLAP = "overlap"


def test_the_audits_flags_are_read_as_they_are_and_the_strongest_is_asked():
    flags = (
        Flag(AuditRule.LATE_LOG, FRIDAY, "logged 2026-11-30", rep="zhang", explanation="…"),
        Flag(AuditRule.OVERLAP, date(2026, 11, 20), "两家同时", rep="zhang", explanation="…"),
        Flag(AuditRule.OVERLAP, date(2026, 11, 24), "三家同时", rep="zhang", explanation="…"),
    )
    asked = questions(record(flags=flags), quota=1)
    assert asked[0] == "Flagged on 2026-11-24, overlapping visits: 三家同时. What happened?"
    assert flag_ids(flags) == ("overlap", "late-log")
    assert flag_ids([Flag("zz-new", FRIDAY), Flag("no-phone", FRIDAY)]) == ("no-phone", "zz-new")


def test_a_missed_revisit_flag_about_the_promise_asked_is_skipped():
    promised = Promise("永辉超市", date(2026, 11, 25), visited=False)
    flags = (Flag("missed-revisit", date(2026, 11, 25), "永辉超市 due 2026-11-25"),)
    asked = questions(record(promises=(promised,), flags=flags), quota=1)
    assert not any(text.startswith("Flagged") for text in asked)
    other = (Flag("missed-revisit", date(2026, 11, 24), "大润发 due 2026-11-24"),)
    asked = questions(record(promises=(promised,), flags=other), quota=1)
    assert asked[0].startswith("Flagged on 2026-11-24, missed revisit: 大润发")


def test_a_kept_promise_is_praised_and_the_latest_is_chosen():
    kept = (
        Promise("永辉超市", date(2026, 11, 20), visited=True),
        Promise("大润发", date(2026, 11, 26), visited=True),
    )
    asked = questions(record(promises=kept), quota=1)
    assert asked[1] == "You promised 大润发 a revisit by 2026-11-26 and went: what came of it?"


def test_a_missed_promise_comes_before_a_kept_one():
    promises = (
        Promise("大润发", date(2026, 11, 26), visited=True),
        Promise("永辉超市", date(2026, 11, 25), visited=False),
    )
    assert "永辉超市" in questions(record(promises=promises), quota=1)[1]


@pytest.mark.parametrize(
    ("visit", "check"),
    [
        (VisitedCustomer("店", time(9, 5), None, contact="李姐"), "09:05"),
        (VisitedCustomer("店", None, None, phone="021-5555"), "time not logged"),
    ],
)
def test_the_slot_is_named_even_without_an_end_or_a_time(visit, check):
    assert check in questions(record(visits=(visit,)), quota=1)[0]


def test_a_visit_without_contact_or_phone_asks_for_one_and_one_with_either_is_preferred():
    bare = VisitedCustomer("路边店", time(14, 0), time(14, 20))
    assert "give me one to check" in questions(record(visits=(bare,)), quota=1)[0]
    with_phone = VisitedCustomer("社区店", time(15, 0), time(15, 30), phone="13900000000")
    for seed in range(20):
        first = questions(record(visits=(bare, with_phone)), quota=1, seed=seed)[0]
        assert "I will check with tel. 13900000000" in first


def test_the_visit_asked_about_depends_on_the_seed_not_on_the_order_given():
    visits = tuple(
        VisitedCustomer(f"客户{n}", time(9 + n, 0), time(9 + n, 30), phone=f"1380000000{n}")
        for n in range(5)
    )
    picked = {questions(record(visits=visits), quota=1, seed=seed)[0] for seed in range(40)}
    assert len(picked) > 1
    for seed in range(10):
        asked = questions(record(visits=visits), quota=1, seed=seed)
        assert questions(record(visits=visits[::-1]), quota=1, seed=seed) == asked


def test_the_leaderboard_question_praises_the_leader_and_fills_to_two():
    leader = questions(record(visits=(), rank=1), quota=0)
    assert leader[0].startswith("You lead the team this month with 12,000.00: well done!")
    assert leader[1] == "What is your plan for tomorrow?"
    no_sales = questions(record(visits=(), rank=None), quota=0, window=Window.ON_THE_JOB)
    assert no_sales == [
        "Where are you now, and with which customer? Put the customer on the phone.",
        "No sales this month yet: what will you close this week?",
    ]


def test_every_question_goes_through_the_catalog(monkeypatch):
    class Marked(i18n.gettext.NullTranslations):
        def gettext(self, message):
            return f"«{message}»"

        def ngettext(self, singular, plural, n):
            return f"«{singular if n == 1 else plural}»"

    monkeypatch.setattr(i18n, "_catalog", Marked())
    promised = Promise("永辉超市", date(2026, 11, 25), visited=False)
    full = record(promises=(promised,), had_report=False, flags=(Flag("x", FRIDAY),))
    texts = [
        *questions(full, quota=3),
        *questions(record(visits=(), rank=1), quota=0, window=Window.EVENING),
        *announce(("王伟", "12,000.00"), ("杨帆", "0.00"), FRIDAY),
        *announce(None, None, FRIDAY),
    ]
    assert all(text.startswith("«") and text.endswith("»") for text in texts), texts


visit_facts = st.builds(
    VisitedCustomer,
    customer=st.text(min_size=1, max_size=8),
    start=st.one_of(st.none(), st.times()),
    end=st.one_of(st.none(), st.times()),
    contact=st.one_of(st.none(), st.text(min_size=1, max_size=6)),
    phone=st.one_of(st.none(), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)),
)
records = st.builds(
    RepRecord,
    rep=reps,
    name=st.text(max_size=6),
    previous_workday=days,
    visits=st.lists(visit_facts, max_size=6).map(tuple),
    promises=st.lists(st.builds(Promise, st.text(max_size=6), days, st.booleans()), max_size=3).map(
        tuple
    ),
    flags=st.lists(
        st.builds(Flag, st.text(max_size=12), days, st.text(max_size=20)), max_size=4
    ).map(tuple),
    had_report=st.booleans(),
    rank=st.one_of(st.none(), st.integers(1, 50)),
    team_size=st.integers(0, 50),
    month_amount=st.just("1,234.00"),
)


@given(records, st.integers(0, 12), seeds, st.one_of(st.none(), windows))
def test_two_to_four_questions_and_a_visit_is_cross_checked_by_slot_and_contact(
    rec, quota, seed, window
):
    asked = questions(rec, quota, seed, window)
    assert 2 <= len(asked) <= 4
    assert questions(rec, quota, seed, window) == asked
    on_the_job = window is Window.ON_THE_JOB
    if on_the_job:
        assert "Put the customer on the phone" in asked[min(1, len(asked) - 2)]
    lead = lead_flag(rec, quota)
    if lead is not None:  # the strongest red flag comes first, then the visit
        assert asked[0].startswith(f"Flagged on {lead.day}")
    if rec.visits:
        text = asked[0] if lead is None else asked[2 if on_the_job else 1]
        named = [v for v in rec.visits if v.customer in text and time_slot(v) in text]
        assert named, text
        checkable = [v for v in named if v.contact or v.phone]
        if any(v.contact or v.phone for v in rec.visits):
            assert any((v.phone or v.contact) in text for v in checkable), text


# --- the plan ------------------------------------------------------------------------------


def call(rep: str, at: time, flags: tuple[str, ...] = ()) -> Call:
    return Call(rep, rep.upper(), at, window_at(at) or Window.EVENING, ("?",), flags)


def test_red_flag_reps_come_first_then_by_time():
    calls = [
        call("a", time(8, 10)),
        call("b", time(20, 0), ("overlap",)),
        call("c", time(12, 0), ("late-log", "no-phone")),
        call("d", time(8, 5)),
        call("e", time(9, 0), ("no-report",)),
    ]
    assert [c.rep for c in order_calls(calls)] == ["c", "e", "b", "d", "a"]


@given(
    st.lists(
        st.builds(
            call,
            reps,
            st.times(min_value=time(8), max_value=time(21, 44)),
            st.lists(st.sampled_from(callplan.RULE_IDS), max_size=3, unique=True).map(tuple),
        ),
        max_size=20,
    )
)
def test_ordered_calls_put_flags_first_and_keep_every_call(calls):
    ordered = order_calls(calls)
    assert sorted(ordered, key=repr) == sorted(calls, key=repr)
    for before, after in pairwise(ordered):
        assert len(before.flags) >= len(after.flags)
        if len(before.flags) == len(after.flags):
            assert before.at <= after.at


def test_a_call_is_made_from_the_record_and_the_slot_and_rendered_as_json():
    flags = (Flag("late-log", FRIDAY), Flag("overlap", FRIDAY), Flag("late-log", DAY))
    made = make_call(record(flags=flags), Slot(Window.MORNING, time(8, 7)), quota=1, seed=3)
    assert flag_ids(flags) == ("overlap", "late-log")
    assert made.flags == ("overlap", "late-log")
    assert len(made.questions) == 3
    lines = announce(("王伟", "12,000.00"), ("杨帆", "0.00"), FRIDAY)
    plain = make_call(record(rep="li", name="李娜"), Slot(Window.ON_THE_JOB, time(11, 1)), quota=1)
    assert plan_json([plain, made], lines) == {
        "calls": [
            {
                "rep": "zhang",
                "name": "张伟",
                "time": "08:07",
                "window": "morning",
                "questions": list(made.questions),
                "flags": ["overlap", "late-log"],
                "confirm": {
                    "customer": "华联便利店",
                    "phone": "13800138000",
                    "visit_day": FRIDAY,
                },
            },
            {
                "rep": "li",
                "name": "李娜",
                "time": "11:01",
                "window": "on-the-job",
                "questions": list(plain.questions),
                "flags": [],
                "confirm": {
                    "customer": "华联便利店",
                    "phone": "13800138000",
                    "visit_day": FRIDAY,
                },
            },
        ],
        "announce": lines,
    }


def test_the_lines_to_announce():
    assert announce(("王伟", "12,000.00"), ("杨帆", "0.00"), FRIDAY) == [
        "Best sales on 2026-11-27: 王伟 12,000.00. Well done!",
        "Lowest sales on 2026-11-27: 杨帆 0.00. Catch up today!",
    ]
    assert announce(("王伟", "5.00"), ("王伟", "5.00"), FRIDAY) == [
        "Best sales on 2026-11-27: 王伟 5.00. Well done!"
    ]
    assert announce(None, None, FRIDAY) == ["No sales on 2026-11-27 to announce."]
