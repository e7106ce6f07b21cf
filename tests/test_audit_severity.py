"""Issue 12, two kinds of findings and the per-rep view: red flags (integrity) shown by
default, follow-ups (hygiene) with `--all`, pattern flags with `from`, `--check` on red
only, `audit --by rep`, and the call plan asking about red flags first."""

import json
import os
from datetime import date, datetime, time
from pathlib import Path

import pytest

from helpers import ok
from salesproc.rules import audit
from salesproc.rules.audit import Flag, Rule, Severity
from salesproc.rules.callplan import Call, Window, order_calls, worst_flag

FLAG_KEYS = {"id", "rule", "rep", "date", "evidence", "explanation", "severity", "from"}
FRIDAY = date(2026, 11, 27)


def flags(cli, *args):
    return json.loads(ok(cli("audit", "--format", "json", *args)).stdout)


def visit(cli, customer, *extra, rep="zhang"):
    return ok(cli("log-visit", "--rep", rep, "--customer", customer, "--purpose", "order", *extra))


@pytest.fixture
def quiet(team, tmp_path, monkeypatch):
    """The team with a quota of 1, so only the rule under test speaks."""
    config = tmp_path / "quiet.toml"
    config.write_text("visit_quota = 1\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    return team


def short_and_long(cli):
    """zhang: a 3-minute visit (padding: red); li: a 300-minute one (a follow-up)."""
    visit(cli, "万家超市", "--date", "2026-11-27", "--start", "09:00", "--end", "09:03")
    visit(cli, "兴隆商行", "--date", "2026-11-27", "--start", "09:00", "--end", "14:00", rep="li")


def test_one_rule_is_red_or_a_follow_up_by_strength_and_the_default_hides_follow_ups(quiet):
    short_and_long(quiet)
    everything = flags(quiet, "--all")
    assert {(f["rule"], f["rep"], f["severity"]) for f in everything} == {
        ("duration", "zhang", "red"),
        ("duration", "li", "follow-up"),
    }
    assert all(set(f) == FLAG_KEYS and f["from"] is None for f in everything)
    default = flags(quiet)
    assert [(f["rule"], f["rep"], f["severity"]) for f in default] == [("duration", "zhang", "red")]
    table = ok(quiet("audit")).stdout
    assert "1 follow-up not shown (--all shows it)" in table
    assert "兴隆商行" not in table and "兴隆商行" in ok(quiet("audit", "--all")).stdout


def test_check_exits_1_only_on_a_red_flag(quiet):
    visit(quiet, "兴隆商行", "--date", "2026-11-27", "--start", "09:00", "--end", "14:00", rep="li")
    assert [f["severity"] for f in flags(quiet, "--all")] == ["follow-up"]
    assert ok(quiet("audit", "--check")).exit_code == 0
    assert ok(quiet("audit", "--check", "--all")).exit_code == 0
    assert ok(quiet("audit", "--check", "--by", "rep")).exit_code == 0
    visit(quiet, "万家超市", "--date", "2026-11-27", "--start", "09:00", "--end", "09:03")
    assert quiet("audit", "--check").exit_code == 1
    assert quiet("audit", "--check", "--all").exit_code == 1
    assert quiet("audit", "--check", "--by", "rep").exit_code == 1


def test_a_late_log_within_reason_is_a_follow_up_and_days_later_red(quiet):
    visit(quiet, "万家超市", "--date", "2026-11-25")  # Wed, typed Mon 30th: 3 working days
    visit(quiet, "兴隆商行", "--date", "2026-11-20", rep="li")  # Fri 20th: 6 working days
    late = {f["rep"]: f["severity"] for f in flags(quiet, "--all") if f["rule"] == "late-log"}
    assert late == {"zhang": "follow-up", "li": "red"}
    config = quiet_config()
    config.write_text("visit_quota = 1\n[audit]\nlate_red_days = 2\n", encoding="utf-8")
    assert {f["rep"] for f in flags(quiet) if f["rule"] == "late-log"} == {"zhang", "li"}


def quiet_config():
    return Path(os.environ["SALESPROC_CONFIG"])


def test_a_rep_missing_most_promises_gets_a_red_pattern_flag_with_from(quiet):
    # zhang promised four revisits for 11-04 … 11-09 and kept none; li kept its one
    for customer, due in [("万家超市", "2026-11-04"), ("华联便利店", "2026-11-05")]:
        visit(quiet, customer, "--date", "2026-11-02", "--next", due)
    ok(quiet("customer", "add", "东方商行", "--grade", "C", "--rep", "zhang", "--phone", "1"))
    ok(quiet("customer", "add", "金桥超市", "--grade", "C", "--rep", "zhang", "--phone", "2"))
    visit(quiet, "东方商行", "--date", "2026-11-03", "--next", "2026-11-06")
    visit(quiet, "金桥超市", "--date", "2026-11-03", "--next", "2026-11-09")
    found = [f for f in flags(quiet, "--all") if f["rule"] == "missed-revisit"]
    singles = [f for f in found if f["from"] is None]
    assert len(singles) == 4 and {f["severity"] for f in singles} == {"follow-up"}
    [pattern] = [f for f in found if f["from"] is not None]
    assert (pattern["rep"], pattern["severity"]) == ("zhang", "red")
    assert (pattern["from"], pattern["date"]) == ("2026-11-04", "2026-11-09")
    assert pattern["evidence"].startswith("4 of 4 revisits promised for 2026-11-04–2026-11-09")
    # red: shown by default, alone among the missed revisits
    assert [f["from"] for f in flags(quiet) if f["rule"] == "missed-revisit"] == ["2026-11-04"]
    # the threshold comes from [audit]: at least five promises before a pattern is read
    config = quiet_config()
    config.write_text("visit_quota = 1\n[audit]\nmissed_min = 5\n", encoding="utf-8")
    assert [f for f in flags(quiet) if f["rule"] == "missed-revisit"] == []


def test_the_pattern_needs_more_than_the_share_missed():
    def fact(n, day, due):
        return audit.VisitFact(
            id=n, rep="zhang", day=day, start=None, end=None,
            logged_at=datetime.combine(day, time(20)),
            customer_id=n, customer=f"c{n}", customer_phone="1", next_visit=due,
        )  # fmt: skip

    start, end, today = date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 30)
    visits = [fact(n, date(2026, 11, 2), date(2026, 11, 4 + n)) for n in range(4)]
    kept = [
        audit.VisitFact(
            id=10 + n,
            rep="zhang",
            day=date(2026, 11, 4 + n),
            start=None,
            end=None,
            logged_at=datetime(2026, 11, 4 + n, 20),
            customer_id=n,
            customer=f"c{n}",
            customer_phone="1",
            next_visit=date(2026, 12, 30),
        )
        for n in range(2)
    ]
    # 2 of 4 missed: exactly half is not "most"
    assert audit.missed_pattern([*visits, *kept], start, end, today) == []
    # 3 of 4 missed: red, from the first promised day to the last
    [flag] = audit.missed_pattern([*visits, *kept[:1]], start, end, today)
    assert (flag.severity, flag.from_day, flag.day) == (
        Severity.RED, date(2026, 11, 4), date(2026, 11, 7)
    )  # fmt: skip


def test_by_rep_orders_reps_for_attention_with_exactly_its_keys(quiet):
    short_and_long(quiet)
    ok(quiet("customer", "add", "无电话商店", "--grade", "C", "--rep", "li"))
    visit(quiet, "无电话商店", "--date", "2026-11-27", rep="li")  # no-phone: a follow-up
    found = flags(quiet, "--by", "rep")
    assert [set(r) for r in found] == [{"rep", "red", "follow_up", "score", "rules", "top"}] * 2
    zhang, li = found
    assert (zhang["rep"], zhang["red"], zhang["follow_up"]) == ("zhang", 1, 0)
    assert (li["rep"], li["red"], li["follow_up"]) == ("li", 0, 2)
    assert zhang["score"] > li["score"]  # one red flag outweighs two follow-ups
    assert li["rules"] == {"duration": 1, "no-phone": 1}
    assert zhang["top"] == ["2026-11-27 duration: 万家超市 09:00–09:03: 3 minutes"]
    table = ok(quiet("audit", "--by", "rep")).stdout
    assert table.index("zhang") < table.index("li")
    assert "万家超市 09:00–09:03" in table


def test_distinct_red_rules_weigh_more_than_repeats_and_follow_ups_barely():
    day = FRIDAY
    red = Severity.RED
    repeats = [Flag(Rule.OVERLAP, day, "x", rep="a", severity=red)] * 3
    distinct = [
        Flag(Rule.OVERLAP, day, "y", rep="b", severity=red),
        Flag(Rule.DOUBTFUL_CALL, day, "z", rep="b", severity=red),
    ]
    chores = [
        Flag(rule, day, "w", rep="c", severity=Severity.FOLLOW_UP)
        for rule in (Rule.LATE_LOG, Rule.BELOW_QUOTA, Rule.NO_PHONE, Rule.MISSED_REVISIT)
    ] * 5
    summaries = audit.by_rep([*repeats, *distinct, *chores])
    assert [s.rep for s in summaries] == ["b", "a", "c"]
    assert [s.score for s in summaries] == [24, 16, 4]
    assert summaries[2].follow_up == 20 and summaries[2].red == 0


def test_the_call_plan_prefers_red_flags():
    red = Flag(Rule.LATE_LOG, FRIDAY, "logged a week later", severity=Severity.RED)
    chore = Flag(Rule.DURATION, FRIDAY, "300 minutes", severity=Severity.FOLLOW_UP)
    assert worst_flag([chore, red]) is red  # duration asks first among equals, red wins
    follow_ups = Call("a", "A", time(9), Window.MORNING, flags=(Rule.DURATION, Rule.NO_PHONE))
    flagged_red = Call(
        "b", "B", time(20), Window.EVENING, flags=(Rule.LATE_LOG,), red=(Rule.LATE_LOG,)
    )
    assert [c.rep for c in order_calls([follow_ups, flagged_red])] == ["b", "a"]
