"""The call plan as an instrument (issue 12, point 4): calls in the visit hours, the first
question on the strongest red flag, and the customer's confirmation feeding the audit."""

import json
from datetime import date, datetime, time, timedelta

import pytest

from helpers import ok, rejected
from salesproc.rules.audit import (
    CallFact,
    Flag,
    Rule,
    Severity,
    clear_confirmed,
    unconfirmed_visits,
)
from salesproc.rules.callplan import Window, plan_team, window_at

FRIDAY = "2026-11-27"


@pytest.fixture
def quiet(team, tmp_path, monkeypatch):
    """The team with a quota of 1, so only the rule under test speaks."""
    config = tmp_path / "quiet.toml"
    config.write_text("visit_quota = 1\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    return team


def visit(cli, customer, *extra, rep="zhang"):
    return ok(cli("log-visit", "--rep", rep, "--customer", customer, "--purpose", "order", *extra))


def plan(cli, *args):
    return json.loads(ok(cli("call-plan", "--format", "json", *args)).stdout)


def flags(cli, *args):
    return json.loads(ok(cli("audit", "--format", "json", "--all", *args)).stdout)


def calls(cli):
    return json.loads(ok(cli("call", "list", "--format", "json")).stdout)


def confirm(cli, answer, *extra, customer="万家超市", day="2026-11-28"):
    return cli("call", "log", "--rep", "zhang", "--date", day, "--at", "10:12", "--verdict",
               "ok", "--customer", customer, "--confirmed", answer, *extra)  # fmt: skip


# --- the windows ---------------------------------------------------------------------------


def in_visit_hours(at: time) -> bool:
    return time(9, 30) <= at < time(11, 30) or time(13, 30) <= at < time(17, 30)


def test_the_plan_calls_in_the_visit_hours_over_many_days_and_seeds():
    team = {f"rep{n:02d}": () for n in range(20)}
    on_the_job: list[time] = []
    for seed in range(5):
        for offset in range(40):
            day = date(2026, 11, 1) + timedelta(days=offset)
            for slot in plan_team(seed, day, team).values():
                assert window_at(slot.at) is slot.window
                if slot.window is Window.ON_THE_JOB:
                    on_the_job.append(slot.at)
    assert len(on_the_job) > 600  # about a quarter of the 4000 calls
    assert all(in_visit_hours(at) for at in on_the_job)  # never at lunch (11:30–13:30)
    assert any(at < time(11, 30) for at in on_the_job)
    assert any(at >= time(13, 30) for at in on_the_job)


def test_a_call_in_the_visit_hours_asks_where_the_rep_is_now(team):
    for offset in range(10):  # the plan's days until one call falls in the visit hours
        day = (date(2026, 11, 30) - timedelta(days=offset)).isoformat()
        found = [c for c in plan(team, "--date", day)["calls"] if c["window"] == "on-the-job"]
        if found:
            break
    assert found, "no on-the-job call in 10 days"
    assert in_visit_hours(time.fromisoformat(found[0]["time"]))
    assert any("Put the customer on the phone" in q for q in found[0]["questions"])
    table = ok(team("call-plan", "--date", day)).stdout
    assert "on-the-job window" in table


def test_an_old_call_logged_at_noon_still_reads():
    assert Window("noon") is Window.ON_THE_JOB


# --- what the plan asks first, and whom to phone -------------------------------------------


def test_the_first_question_is_the_strongest_red_flag_and_names_its_customer(quiet):
    # a 3-minute visit: a red duration
    visit(quiet, "华联便利店", "--date", FRIDAY, "--start", "09:00", "--end", "09:03")
    zhang = next(c for c in plan(quiet)["calls"] if c["rep"] == "zhang")
    first = zhang["questions"][0]
    assert first.startswith("Flagged on 2026-11-27, implausible visit length")
    assert "your visit to 华联便利店 on 2026-11-27" in first and "13800000002" in first
    assert zhang["confirm"] == {
        "customer": "华联便利店", "phone": "13800000002", "visit_day": FRIDAY,
    }  # fmt: skip
    table = ok(quiet("call-plan")).stdout
    assert "Confirm with 华联便利店 (tel. 13800000002) the visit of 2026-11-27" in table


def test_without_a_red_flag_a_visit_with_a_phone_is_named_per_seed(quiet):
    ok(quiet("customer", "add", "无电话商店", "--grade", "C", "--rep", "zhang"))
    for hour, customer in enumerate(("万家超市", "华联便利店", "无电话商店"), start=9):
        visit(
            quiet,
            customer,
            "--date",
            FRIDAY,
            "--start",
            f"{hour:02d}:00",
            "--end",
            f"{hour:02d}:40",
        )
    assert not [f for f in flags(quiet) if f["severity"] == "red" and f["rep"] == "zhang"]
    picked = set()
    for seed in range(12):
        zhang = next(c for c in plan(quiet, "--seed", str(seed))["calls"] if c["rep"] == "zhang")
        assert zhang == next(
            c for c in plan(quiet, "--seed", str(seed))["calls"] if c["rep"] == "zhang"
        )
        assert zhang["confirm"]["customer"] in zhang["questions"][0]
        assert zhang["confirm"]["phone"] is not None and zhang["confirm"]["visit_day"] == FRIDAY
        picked.add(zhang["confirm"]["customer"])
    assert picked == {"万家超市", "华联便利店"}


def test_a_rep_without_visits_has_no_one_to_confirm(team):
    assert {c["rep"]: c["confirm"] for c in plan(team)["calls"]} == {"zhang": None, "li": None}


# --- call log --customer --confirmed -------------------------------------------------------


def test_a_customer_who_does_not_confirm_raises_a_red_flag(quiet):
    visit(quiet, "万家超市", "--date", FRIDAY, "--start", "09:00", "--end", "10:00")
    assert ok(quiet("audit", "--check")).exit_code == 0
    said = ok(confirm(quiet, "no")).stdout
    assert "万家超市 did not confirm the visit of 2026-11-27" in said
    [flag] = [f for f in flags(quiet) if f["rule"] == "unconfirmed-visit"]
    assert (flag["rep"], flag["date"], flag["severity"]) == ("zhang", FRIDAY, "red")
    assert (
        flag["evidence"]
        == "万家超市 did not confirm the visit of 2026-11-27 (phoned 2026-11-28 10:12)"
    )
    assert flag["explanation"]
    assert quiet("audit", "--check").exit_code == 1
    [listed] = calls(quiet)
    assert (listed["customer"], listed["confirmed"]) == ("万家超市", False)
    assert "万家超市" in ok(quiet("call", "list")).stdout


def test_a_confirmed_visit_clears_the_flags_it_drew(quiet):
    visit(quiet, "万家超市", "--date", FRIDAY, "--start", "09:00", "--end", "09:03")
    assert "duration" in {f["rule"] for f in flags(quiet)}
    said = ok(confirm(quiet, "是")).stdout  # yes, in Chinese
    assert "万家超市 confirmed the visit of 2026-11-27" in said
    assert not [f for f in flags(quiet) if f["rule"] in ("duration", "unconfirmed-visit")]
    assert ok(quiet("audit", "--check")).exit_code == 0
    [listed] = calls(quiet)
    assert (listed["customer"], listed["confirmed"]) == ("万家超市", True)


def test_the_latest_visit_in_the_week_is_the_one_checked(quiet):
    visit(quiet, "万家超市", "--date", "2026-11-20", "--start", "09:00", "--end", "09:03")
    visit(quiet, "万家超市", "--date", "2026-11-25", "--start", "09:00", "--end", "09:30")
    ok(confirm(quiet, "no"))
    [flag] = [f for f in flags(quiet, "--from", "2026-11-01") if f["rule"] == "unconfirmed-visit"]
    assert flag["date"] == "2026-11-25"
    # the 20th is too long before the 28th to be the visit a customer speaks about
    assert "duration" in {f["rule"] for f in flags(quiet, "--from", "2026-11-01")}


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (("--customer", "万家超市"), "--confirmed is missing"),
        (("--confirmed", "yes"), "--customer is missing"),
    ],
)
def test_customer_and_confirmed_come_together(quiet, args, missing):
    visit(quiet, "万家超市", "--date", FRIDAY)
    line = rejected(quiet("call", "log", "--rep", "zhang", "--verdict", "ok", *args), missing)
    assert "--customer and --confirmed together" in line
    assert calls(quiet) == []


def test_an_unknown_customer_is_refused(quiet):
    rejected(confirm(quiet, "yes", customer="不存在的店"), "unknown customer", "不存在的店")
    assert calls(quiet) == []


def test_no_visit_in_the_week_before_the_call_is_refused(quiet):
    visit(quiet, "万家超市", "--date", "2026-11-20")  # 10 days before the call
    visit(quiet, "万家超市", "--date", FRIDAY, rep="li")  # another rep's visit does not count
    line = rejected(confirm(quiet, "no", day="2026-11-30"))
    assert line.endswith(
        "zhang logged no visit to 万家超市 from 2026-11-23 to 2026-11-30; nothing to confirm"
    )
    assert calls(quiet) == []


def test_a_bad_answer_is_refused(quiet):
    visit(quiet, "万家超市", "--date", FRIDAY)
    rejected(confirm(quiet, "maybe"), "--confirmed")
    assert calls(quiet) == []


# --- the rules, directly -------------------------------------------------------------------


def answer(confirmed: bool, day: int = 28, at: time = time(10, 12), visit_id: int = 7) -> CallFact:
    return CallFact(
        "zhang", date(2026, 11, day), at, "ok", None, datetime(2026, 11, day, 10, 30),
        visit_id, date(2026, 11, 27), "万家超市", confirmed,
    )  # fmt: skip


def test_unconfirmed_visits_reads_each_visits_latest_answer():
    [flag] = unconfirmed_visits([answer(False)])
    assert (flag.rule, flag.rep, flag.day, flag.visits) == (
        Rule.UNCONFIRMED_VISIT, "zhang", date(2026, 11, 27), (7,)
    )  # fmt: skip
    assert flag.severity is Severity.RED and flag.explanation
    assert unconfirmed_visits([answer(False), answer(True, day=29)]) == []
    assert len(unconfirmed_visits([answer(True), answer(False, day=29)])) == 1
    plain = CallFact("zhang", date(2026, 11, 28), time(9, 0), "ok")  # no customer phoned
    assert unconfirmed_visits([plain]) == []


def test_a_confirmed_visit_clears_the_flags_asking_whether_it_happened():
    day = date(2026, 11, 27)
    pair = Flag(Rule.OVERLAP, day, rep="zhang", visits=(7, 8))
    short = Flag(Rule.DURATION, day, rep="zhang", visits=(7,))
    other = Flag(Rule.NO_PHONE, day, rep="zhang", visits=(9,))
    report = Flag(Rule.NO_REPORT, day, rep="zhang")
    moved = Flag(Rule.EDITED_AFTER_CALL, day, rep="zhang", visits=(7,))
    kept = clear_confirmed([pair, short, other, report, moved], [answer(True)])
    # one visit of an overlapping pair confirmed leaves the other in doubt; a time changed
    # after a call is not answered by the visit being real
    assert kept == [pair, other, report, moved]
    assert clear_confirmed([short], [answer(True), answer(False, day=29)]) == [short]
