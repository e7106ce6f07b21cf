"""`audit`, `call-plan` and `call log/list` through the CLI, on a small team's real records."""

import json

import pytest

from helpers import ok, rejected


def flags(cli, *args):
    return json.loads(ok(cli("audit", "--format", "json", *args)).stdout)


def rules(cli, *args):
    return {(f["rule"], f["rep"], f["date"]) for f in flags(cli, *args)}


def visit(cli, customer, *extra, rep="zhang"):
    return ok(cli("log-visit", "--rep", rep, "--customer", customer, "--purpose", "order", *extra))


@pytest.fixture
def quiet(team, tmp_path, monkeypatch):
    """The team with a quota of 1, so only the rule under test speaks; reps joined on Nov 27."""
    config = tmp_path / "quiet.toml"
    config.write_text("visit_quota = 1\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    return team


def test_every_rule_is_raised_from_real_records(quiet, monkeypatch):
    cli = quiet
    # overlap and duration: two visits of zhang on Friday the 27th, one of 3 minutes
    visit(cli, "万家超市", "--date", "2026-11-27", "--start", "09:00", "--end", "10:00")
    visit(cli, "华联便利店", "--date", "2026-11-27", "--start", "09:30", "--end", "09:33")
    # late-log: li's visit of the 25th logged on the 30th; no-phone: a customer without one
    ok(cli("customer", "add", "无电话商店", "--grade", "C", "--rep", "li"))
    visit(cli, "无电话商店", "--date", "2026-11-25", "--next", "2026-11-26", rep="li")
    # gave-up: a prospect lost after one visit
    ok(cli("customer", "add", "试探店", "--grade", "C", "--rep", "li", "--phone", "1"))
    visit(cli, "试探店", "--date", "2026-11-26", "--outcome", "lost", rep="li")
    # pressing stock: October's sales mostly in its last 3 days
    ok(cli("sale", "add", "--rep", "zhang", "--amount", "100", "--date", "2026-10-05"))
    ok(cli("sale", "add", "--rep", "zhang", "--amount", "900", "--date", "2026-10-30"))
    ok(cli("call", "log", "--rep", "li", "--date", "2026-11-27", "--at", "12:05",
           "--verdict", "doubtful", "--note", "不在店里"))  # fmt: skip
    found = flags(cli, "--from", "2026-10-01", "--all")  # late-log 3 days, no-phone: follow-ups
    assert {f["rule"] for f in found} == {
        "overlap", "late-log", "no-report", "duration", "no-phone", "missed-revisit", "gave-up",
        "pressing-stock", "doubtful-call",
    }  # fmt: skip
    order = ["overlap", "late-log", "below-quota", "no-report", "duration", "no-phone",
             "missed-revisit", "gave-up", "pressing-stock", "doubtful-call"]  # fmt: skip
    assert [order.index(f["rule"]) for f in found] == sorted(order.index(f["rule"]) for f in found)
    assert set(found[0]) == {
        "id", "rule", "rep", "date", "evidence", "explanation", "severity", "from",
    }  # fmt: skip
    by_rule = {f["rule"]: f for f in found}
    assert (
        by_rule["overlap"]["date"] == "2026-11-27"
        and "华联便利店" in by_rule["overlap"]["evidence"]
    )
    assert by_rule["pressing-stock"]["date"] == "2026-10-31"
    assert by_rule["missed-revisit"]["date"] == "2026-11-26"
    assert by_rule["gave-up"]["date"] == "2026-11-26"
    assert ("late-log", "li", "2026-11-25") in {(f["rule"], f["rep"], f["date"]) for f in found}
    # --from/--to select on the flag's date; --rep on its rep
    assert {f["rule"] for f in flags(cli, "--from", "2026-10-31", "--to", "2026-10-31")} == {
        "pressing-stock"
    }
    assert {f["rep"] for f in flags(cli, "--rep", "li")} == {"li"}


def test_below_quota_and_no_report_use_working_days(team):
    # the reps were added on the 30th: only their own logged days count before it
    visit(team, "万家超市", "--date", "2026-11-27")  # Friday: 1 of 6
    found = rules(team, "--all")  # below-quota is a follow-up
    assert ("below-quota", "zhang", "2026-11-27") in found
    assert not any(day in ("2026-11-28", "2026-11-29") for _, _, day in found)  # the weekend
    assert not any(day == "2026-11-30" for _, _, day in found)  # today is not over


def test_thresholds_come_from_the_config(quiet, tmp_path, monkeypatch):
    visit(quiet, "万家超市", "--date", "2026-11-27", "--start", "09:00", "--end", "09:03")
    assert "duration" in {f["rule"] for f in flags(quiet)}
    config = tmp_path / "quiet.toml"
    config.write_text("visit_quota = 1\n[audit]\nmin_minutes = 2\n", encoding="utf-8")
    assert "duration" not in {f["rule"] for f in flags(quiet)}
    config.write_text("[audit]\nmin_minute = 2\n", encoding="utf-8")
    rejected(quiet("audit"), "min_minute")


def test_check_exits_1_on_a_flag_and_0_without(quiet):
    assert ok(quiet("audit", "--check")).exit_code == 0
    visit(quiet, "万家超市", "--date", "2026-11-27", "--start", "09:00", "--end", "09:01")
    assert quiet("audit", "--check").exit_code == 1
    rejected(quiet("audit", "--from", "2026-11-20", "--to", "2026-11-10"), "after --to")


def plan(cli, *args):
    return json.loads(ok(cli("call-plan", "--format", "json", *args)).stdout)


def test_call_plan_is_the_same_on_rerun_and_prepared_from_the_records(team):
    ok(team("customer", "edit", "万家超市", "--contact", "王经理"))
    visit(team, "万家超市", "--date", "2026-11-27", "--start", "10:00", "--end", "10:45")
    visit(team, "兴隆商行", "--date", "2026-11-26", rep="li")  # and nothing on Friday
    first = plan(team)
    assert first == plan(team)
    assert set(first) == {"calls", "announce"}
    calls = {c["rep"]: c for c in first["calls"]}
    assert set(calls) == {"zhang", "li"}
    for call in first["calls"]:
        assert set(call) == {"rep", "name", "time", "window", "questions", "flags", "confirm"}
        assert call["window"] in ("morning", "on-the-job", "after-work", "evening")
        assert "08:00" <= call["time"] <= "21:45" and 2 <= len(call["questions"]) <= 4
    zhang = " ".join(calls["zhang"]["questions"])
    assert "10:00–10:45" in zhang and "万家超市" in zhang and "王经理" in zhang
    assert "13800000001" in zhang
    assert "no-report" in calls["li"]["flags"]
    assert first["calls"][0]["rep"] == "li"  # more red flags: called first
    assert first["announce"]


def test_the_window_differs_from_the_last_two_calls(team):
    planned = {c["rep"]: c["window"] for c in plan(team)["calls"]}
    hours = {"morning": "08:30", "on-the-job": "10:00", "after-work": "18:00", "evening": "20:00"}
    others = [w for w in hours if w != planned["zhang"]]
    ok(team("call", "log", "--rep", "zhang", "--date", "-2", "--at", hours[others[0]],
            "--verdict", "ok"))  # fmt: skip
    ok(team("call", "log", "--rep", "zhang", "--date", "-1", "--at", hours[planned["zhang"]],
            "--verdict", "ok"))  # fmt: skip
    replanned = {c["rep"]: c["window"] for c in plan(team)["calls"]}
    assert replanned["zhang"] not in (planned["zhang"], others[0])


def test_call_log_and_list(team):
    ok(team("call", "log", "--rep", "li", "--at", "10:10", "--verdict", "doubtful",
            "--note", "说在店里，电话核实不在"))  # fmt: skip
    ok(team("call", "log", "--rep", "zhang", "--verdict", "ok"))  # now: 18:30, after work
    listed = json.loads(ok(team("call", "list", "--format", "json")).stdout)
    assert [(c["rep"], c["window"], c["verdict"]) for c in listed] == [
        ("li", "on-the-job", "doubtful"), ("zhang", "after-work", "ok")
    ]  # fmt: skip
    assert ("doubtful-call", "li", "2026-11-30") in rules(team)
    rejected(team("call", "log", "--rep", "li", "--verdict", "maybe"), "--verdict")
    rejected(team("call", "log", "--rep", "li", "--verdict", "ok", "--at", "25:00"), "25:00")
    rejected(team("call", "log", "--rep", "nobody", "--verdict", "ok"), "nobody")
    rejected(team("call", "log", "--rep", "li", "--verdict", "ok", "--date", "+1"), "after today")


def test_a_promise_kept_by_another_rep_is_not_missed_for_one_rep(quiet):
    visit(quiet, "万家超市", "--date", "2026-11-20", "--next", "2026-11-25")
    visit(quiet, "万家超市", "--date", "2026-11-24", rep="li")  # li went in time
    assert not [f for f in flags(quiet, "--rep", "zhang") if f["rule"] == "missed-revisit"]
