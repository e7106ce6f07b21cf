"""`field log/list/resolve/summary`: the supervisor's days in the market (走动管理)."""

import json

from helpers import ok, rejected


def listed(cli, *args):
    return json.loads(ok(cli("field", "list", "--format", "json", *args)).stdout)


def test_a_day_in_the_market_with_an_issue_stays_open_until_resolved(team):
    out = ok(team("field", "log", "--region", "杭州", "--rep", "zhang", "--rep", "li",
                  "--customer", "万家超市", "--issue", "cross-region",
                  "--note", "发现宁波的货"))  # fmt: skip
    assert "open until resolved" in out.stdout
    [record] = listed(team)
    assert record == {
        "id": 1, "date": "2026-11-30", "region": "杭州", "reps": ["li", "zhang"],
        "customers": ["万家超市"], "issue": "cross-region", "note": "发现宁波的货",
        "status": "open", "resolution": None,
    }  # fmt: skip
    ok(team("field", "resolve", "1", "--note", "已与经销商沟通"))
    [record] = listed(team)
    assert (record["status"], record["resolution"]) == ("resolved", "已与经销商沟通")
    assert listed(team, "--status", "open") == []
    rejected(team("field", "resolve", "1", "--note", "again"), "resolved on 2026-11-30")


def test_a_day_without_an_issue_has_no_status(team):
    ok(team("field", "log", "--date", "-2", "--rep", "zhang"))
    [record] = listed(team)
    assert (record["issue"], record["status"], record["date"]) == (None, None, "2026-11-28")
    rejected(team("field", "resolve", "1", "--note", "x"), "found no issue")


def test_summary_counts_days_reps_and_open_issues(team):
    ok(team("field", "log", "--date", "2026-11-02", "--rep", "zhang", "--issue", "price"))
    ok(team("field", "log", "--date", "2026-11-02", "--rep", "li"))  # same day: one day out
    ok(team("field", "log", "--date", "2026-11-03", "--rep", "zhang", "--issue", "price"))
    ok(team("field", "log", "--date", "2026-11-04", "--issue", "stock"))
    ok(team("field", "resolve", "4", "--note", "补货"))
    ok(team("field", "log", "--date", "2025-12-30", "--rep", "li", "--issue", "display"))
    summary = json.loads(ok(team("field", "summary", "--format", "json")).stdout)
    assert summary == {
        "year": 2026, "days_in_market": 3, "working_days": 225,
        "reps": {"li": 1, "zhang": 2}, "open_issues": {"display": 1, "price": 2},
    }  # fmt: skip
    last_year = json.loads(
        ok(team("field", "summary", "--year", "2025", "--format", "json")).stdout
    )
    assert last_year["days_in_market"] == 1 and last_year["working_days"] == 248


def test_field_rejections(team):
    rejected(team("field", "log", "--rep", "nobody"), "nobody")
    rejected(team("field", "log", "--customer", "不存在"), "不存在")
    rejected(team("field", "log", "--issue", "theft"), "--issue")
    rejected(team("field", "log", "--date", "tomorrow"), "after today")
    rejected(team("field", "resolve", "9", "--note", "x"), "no field record #9")
    rejected(team("field", "list", "--status", "closed"), "--status")
    assert listed(team) == []
