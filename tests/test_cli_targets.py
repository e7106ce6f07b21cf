"""`target set`, `target show`, `progress` and the leaderboard's target column, through the CLI."""

import json
from decimal import Decimal

from helpers import ok, rejected


def show(cli, *args):
    return json.loads(ok(cli("target", "show", "--format", "json", *args)).stdout)


def amounts(rows, rep, period):
    return [Decimal(str(r["amount"])) for r in rows if r["rep"] == rep and r["period"] == period]


def test_a_year_splits_into_months_quarters_and_weeks_that_add_up(team):
    ok(team("target", "set", "--rep", "zhang", "--year", "2026", "--amount", "1000000.01"))
    rows = show(team, "--year", "2026")
    year = amounts(rows, "zhang", "year")
    assert year == [Decimal("1000000.01")]
    for period in ("quarter", "month", "week"):
        assert sum(amounts(rows, "zhang", period)) == year[0], period
    assert len(amounts(rows, "zhang", "month")) == 12
    assert len(amounts(rows, "zhang", "quarter")) == 4
    february = next(r for r in rows if r["period"] == "month" and r["start"] == "2026-02-01")
    march = next(r for r in rows if r["period"] == "month" and r["start"] == "2026-03-01")
    # workdays (the default): the Spring Festival leaves February 16 working days, March 22
    assert Decimal(str(february["amount"])) < Decimal(str(march["amount"]))
    assert set(rows[0]) == {"rep", "period", "start", "end", "amount"}


def test_even_split_and_a_month_set_by_hand(team):
    ok(team("target", "set", "--team", "--year", "2026", "--amount", "1200", "--split", "even"))
    assert amounts(show(team), None, "month") == [Decimal(100)] * 12
    ok(team("target", "set", "--team", "--month", "2026-03", "--amount", "500"))
    rows = show(team)
    assert amounts(rows, None, "month")[2] == Decimal(500)
    assert amounts(rows, None, "year") == [Decimal(1600)]  # the year is its months' sum


def test_weights_split(team):
    weights = "weights:" + ",".join(["1"] * 11 + ["2"])
    ok(team("target", "set", "--rep", "li", "--amount", "1300", "--split", weights))
    months = amounts(show(team, "--rep", "li"), "li", "month")
    assert months[:11] == [Decimal(100)] * 11 and months[11] == Decimal(200)


def test_last_year_split_follows_last_years_sales(team):
    ok(team("sale", "add", "--rep", "zhang", "--amount", "300", "--date", "2025-03-10"))
    ok(team("sale", "add", "--rep", "zhang", "--amount", "100", "--date", "2025-07-01"))
    ok(team("target", "set", "--rep", "zhang", "--amount", "4000", "--split", "last-year"))
    months = amounts(show(team), "zhang", "month")
    assert months[2] == Decimal(3000) and months[6] == Decimal(1000) and sum(months) == 4000


def test_last_year_without_sales_falls_back_to_even_and_says_so(team):
    run = ok(team("target", "set", "--rep", "li", "--amount", "1200", "--split", "last-year"))
    assert "split evenly instead" in run.stderr
    assert amounts(show(team), "li", "month") == [Decimal(100)] * 12


def test_team_and_reps_sum_side_by_side(team):
    ok(team("target", "set", "--team", "--amount", "1200", "--split", "even"))
    ok(team("target", "set", "--rep", "zhang", "--amount", "600", "--split", "even"))
    ok(team("target", "set", "--rep", "li", "--amount", "240", "--split", "even"))
    out = ok(team("target", "show")).stdout
    header = next(line for line in out.splitlines() if line.startswith("Period"))
    assert header.split() == ["Period", "From", "To", "Team", "Reps'", "sum", "li", "zhang"]
    year_row = next(line for line in out.splitlines() if line.startswith("2026 "))
    assert year_row.split()[3:] == ["1,200.00", "840.00", "240.00", "600.00"]


def test_target_set_rejections(team):
    rejected(team("target", "set", "--amount", "100"), "--rep CODE or --team")
    rejected(team("target", "set", "--team", "--rep", "zhang", "--amount", "100"), "--team")
    rejected(team("target", "set", "--team"), "--amount")
    rejected(team("target", "set", "--team", "--amount", "-5"), "-5")
    rejected(team("target", "set", "--team", "--amount", "10", "--split", "thirds"), "thirds")
    rejected(team("target", "set", "--team", "--amount", "10", "--split", "weights:1,2"), "weights")
    rejected(team("target", "set", "--team", "--amount", "10", "--month", "2026-13"), "2026-13")
    rejected(
        team("target", "set", "--team", "--amount", "10", "--month", "2026-03", "--year", "2025"),
        "--year 2025",
    )
    rejected(team("target", "set", "--rep", "nobody", "--amount", "10"), "nobody")
    rejected(team("target", "show"), "no target for 2026")
    rejected(team("progress"), "no target for 2026")


def progress(cli, *args):
    return json.loads(ok(cli("progress", "--format", "json", *args)).stdout)


def test_progress_against_target_and_time(team, monkeypatch):
    # 2026-11: 21 working days; on Monday the 30th, 20 have gone (Nov 2-27).
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-30T09:00")  # morning: today not gone yet (#11)
    ok(team("target", "set", "--rep", "zhang", "--amount", "12000", "--split", "even"))
    ok(team("target", "set", "--rep", "li", "--amount", "12000", "--split", "even"))
    ok(team("sale", "add", "--rep", "zhang", "--amount", "990", "--date", "2026-11-20"))
    ok(team("sale", "add", "--rep", "li", "--amount", "400", "--date", "2026-11-20"))
    ok(team("sale", "add", "--rep", "li", "--amount", "50", "--date", "2026-10-20"))
    rows = progress(team)
    assert {r["period"] for r in rows} == {"week", "month", "quarter", "year"}
    zhang = next(r for r in rows if r["rep"] == "zhang" and r["period"] == "month")
    assert zhang == {
        "rep": "zhang", "period": "month", "actual": 990, "target": 1000, "reached": 0.99,
        "elapsed": 0.9524, "gap": 10, "per_day_needed": 10, "today_counted": False,
    }  # fmt: skip
    li = next(r for r in rows if r["rep"] == "li" and r["period"] == "quarter")
    assert (li["actual"], li["target"], li["gap"]) == (450, 3000, 2550)
    year = next(r for r in rows if r["rep"] == "li" and r["period"] == "year")
    assert year["actual"] == 450 and year["target"] == 12000
    out = ok(team("progress")).stdout
    month_lines = [line for line in out.splitlines() if " month " in f" {line} "]
    assert any("zhang" in line and "ahead" in line for line in month_lines)
    assert any("li" in line and "behind" in line for line in month_lines)
    assert [r["rep"] for r in progress(team, "--rep", "li")] == ["li"] * 4


def test_the_team_is_ahead_when_over_target(team, monkeypatch):
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-30T09:00")  # morning: today not gone yet (#11)
    ok(team("target", "set", "--team", "--amount", "1200", "--split", "even"))
    ok(team("sale", "add", "--rep", "zhang", "--amount", "150", "--date", "2026-11-02"))
    month = next(r for r in progress(team) if r["period"] == "month")
    assert month["rep"] is None and month["gap"] == -50 and month["per_day_needed"] == 0


def test_workdays_from_the_config(team, tmp_path, monkeypatch):
    config = tmp_path / "c.toml"
    config.write_text('workdays = "mon-sat"\n', encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-30T09:00")  # morning: today not gone yet (#11)
    ok(team("target", "set", "--rep", "zhang", "--amount", "100", "--split", "even"))
    month = next(r for r in progress(team) if r["period"] == "month" and r["rep"] == "zhang")
    assert month["elapsed"] == round(24 / 25, 4)  # Saturdays count: 25 working days, 24 gone
    config.write_text('workdays = "mon-funday"\n', encoding="utf-8")
    rejected(team("progress"), "workdays")


def test_an_uncovered_year_warns_and_counts_weekdays(team):
    ok(team("target", "set", "--team", "--year", "2031", "--amount", "1200", "--split", "workdays"))
    run = ok(team("progress", "--date", "2031-03-03"))
    assert "no holiday calendar for 2031" in run.stderr


def test_rank_shows_the_target_column_and_the_change(team):
    ok(team("sale", "add", "--rep", "li", "--amount", "300", "--date", "2026-11-29"))
    ok(team("sale", "add", "--rep", "zhang", "--amount", "400", "--date", "2026-11-30"))
    rows = json.loads(ok(team("rank", "--cumulative", "--format", "json")).stdout)
    assert [(r["rep"], r["change"]) for r in rows] == [("zhang", 1), ("li", -1)]
    assert "reached" not in rows[0]  # no target, no column
    ok(team("target", "set", "--rep", "zhang", "--amount", "12000", "--split", "even"))
    rows = json.loads(ok(team("rank", "--cumulative", "--format", "json")).stdout)
    assert rows[0]["target"] == 1000 and rows[0]["reached"] == 0.4
    out = ok(team("rank", "--cumulative")).stdout
    assert "↑1" in out and "↓1" in out and "40%" in out
    by_region = team("rank", "--cumulative", "--by", "region", "--format", "json")
    regions = json.loads(ok(by_region).stdout)
    assert [(r["rep"], r["amount"]) for r in regions] == [("杭州", 400), ("宁波", 300)]
