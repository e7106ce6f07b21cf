"""The working calendar wherever the tool picks a day (issue 11, section 3), through the CLI.

Today is pinned to Monday 2026-11-30, 18:30. The 2026 holidays are chinese-calendar's:
the National Day week is 10-01 to 10-07, 09-30 and 10-08 are working days.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import ok, rejected

A, C = "万家超市", "兴隆商行"  # grade A (zhang), grade C (li)


def visit(cli: Any, customer: str, *extra: str, rep: str = "zhang") -> Any:
    return ok(cli("log-visit", "--rep", rep, "--customer", customer, "--purpose", "order", *extra))


def next_visit(cli: Any, customer: str) -> str:
    rows = json.loads(ok(cli("visit", "list", "--customer", customer, "--format", "json")).stdout)
    return rows[-1]["next_visit"]


def use_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    return config


# --- revisits -----------------------------------------------------------------------------


def test_a_revisit_counted_to_a_sunday_moves_to_monday_and_says_so(team):
    said = visit(team, A, "--date", "2026-11-29").stdout  # grade A: 7 days, Sunday 12-06
    assert "next visit 2026-12-07 (moved from Sunday 12-06 to Monday 12-07, a working day)." in (
        said
    )
    assert next_visit(team, A) == "2026-12-07"


def test_next_plus_n_on_a_sunday_moves_too(team):
    said = visit(team, A, "--next", "+6").stdout  # 11-30 + 6 = Sunday 12-06
    assert "(moved from Sunday 12-06 to Monday 12-07, a working day)" in said
    assert next_visit(team, A) == "2026-12-07"


def test_an_explicit_revisit_date_is_kept_as_given(team):
    said = visit(team, A, "--next", "2026-12-06").stdout
    assert "next visit 2026-12-06." in said and "moved" not in said
    assert next_visit(team, A) == "2026-12-06"


def test_a_revisit_on_a_working_day_is_not_moved(team):
    said = visit(team, A, "--date", "2026-11-27").stdout  # Friday + 7: Friday 12-04
    assert "next visit 2026-12-04." in said and "moved" not in said


def test_a_revisit_counted_into_the_national_day_week_moves_past_it(team):
    visit(team, A, "--date", "2026-09-24")  # + 7 = 10-01, a holiday until 10-07
    assert next_visit(team, A) == "2026-10-08"


def test_visit_edit_with_plus_n_moves_off_a_day_off(team):
    visit(team, A, "--date", "2026-11-27")
    [row] = json.loads(ok(team("visit", "list", "--format", "json")).stdout)
    ok(team("visit", "edit", str(row["id"]), "--next", "+2"))  # Sunday 11-29
    assert next_visit(team, A) == "2026-11-30"
    ok(team("visit", "edit", str(row["id"]), "--next", "2026-11-29"))  # given: kept
    assert next_visit(team, A) == "2026-11-29"


def test_an_imported_visit_without_a_revisit_gets_a_working_day(team, tmp_path):
    path = tmp_path / "visits.csv"
    path.write_text(
        "date,rep,customer,purposes\n2026-11-29,zhang,万家超市,order\n", encoding="utf-8"
    )
    ok(team("import", "visits", str(path)))
    assert next_visit(team, A) == "2026-12-07"


def test_a_counted_revisit_before_the_visit_is_refused_and_nothing_written(team):
    run = team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order",
               "--next", "-1")  # fmt: skip
    rejected(run, "before the visit date")
    assert json.loads(ok(team("visit", "list", "--format", "json")).stdout) == []


# --- the prospect cadence ----------------------------------------------------------------


def test_a_prospect_follows_its_grade_without_a_prospect_cadence(team):
    visit(team, C, rep="li")  # a C-grade prospect: 30 days
    assert next_visit(team, C) == "2026-12-30"


def test_a_prospect_cadence_applies_whatever_the_grade(team, tmp_path, monkeypatch):
    use_config(tmp_path, monkeypatch, "[cadence]\nprospect = 7\n")
    visit(team, C, rep="li")  # + 7 = Monday 12-07
    assert next_visit(team, C) == "2026-12-07"
    shown = json.loads(ok(team("config", "show", "--format", "json")).stdout)
    assert {"key": "cadence.prospect", "value": 7} in [
        {k: v for k, v in item.items() if k != "source"} for item in shown["settings"]
    ]


def test_a_prospect_cadence_of_zero_is_refused(team, tmp_path, monkeypatch):
    use_config(tmp_path, monkeypatch, "[cadence]\nprospect = 0\n")
    rejected(team("log-visit", "--rep", "li", "--customer", C, "--purpose", "order"), "prospect")
    monkeypatch.delenv("SALESPROC_CONFIG")
    assert json.loads(ok(team("visit", "list", "--format", "json")).stdout) == []


def test_a_prospect_won_on_the_visit_follows_its_grade(team, tmp_path, monkeypatch):
    use_config(tmp_path, monkeypatch, "[cadence]\nprospect = 7\n")
    visit(team, C, "--outcome", "won", rep="li")
    assert next_visit(team, C) == "2026-12-30"


# --- the broadcast -----------------------------------------------------------------------


@pytest.fixture
def sold(team):
    ok(team("sale", "add", "--rep", "zhang", "--amount", "300", "--date", "2026-11-27"))
    ok(team("sale", "add", "--rep", "li", "--amount", "800", "--date", "2026-11-29"))
    ok(team("sale", "add", "--rep", "li", "--amount", "500", "--date", "2026-11-23"))
    ok(team("sale", "add", "--rep", "zhang", "--amount", "900", "--date", "2026-11-30"))
    ok(team("target", "set", "--team", "--amount", "120000", "--split", "even"))
    return team


def dry_run(cli: Any, *args: str) -> list[str]:
    return ok(cli("broadcast", "--dry-run", *args)).stdout.splitlines()


def test_a_monday_morning_ranks_friday_with_last_weeks_board_under_it(sold):
    lines = dry_run(sold, "--edition", "morning")
    assert lines[lines.index("Daily ranking, 2026-11-27:") + 1] == "1. 张伟 300.00"
    week = lines.index("Week, 2026-11-23 to 2026-11-29:")
    assert (
        lines.index("Daily ranking, 2026-11-27:")
        < week
        < lines.index("Month to date, 2026-11-01 to 2026-11-27:")
    )
    assert lines[week + 1 : week + 3] == ["1. 李娜 1,300.00", "2. 张伟 300.00"]
    assert all(len(line) <= 80 for line in lines)


def test_a_tuesday_morning_has_no_weekly_board(sold):
    lines = dry_run(sold, "--edition", "morning", "--date", "2026-11-27")  # a Friday morning
    assert "Daily ranking, 2026-11-26:" in lines
    assert not any(line.startswith("Week,") for line in lines)


def test_the_morning_after_the_national_day_week_ranks_the_last_working_day(team):
    ok(team("sale", "add", "--rep", "zhang", "--amount", "700", "--date", "2026-09-30"))
    lines = dry_run(team, "--edition", "morning", "--date", "2026-10-08")
    assert lines[lines.index("Daily ranking, 2026-09-30:") + 1] == "1. 张伟 700.00"
    assert "Month to date, 2026-09-01 to 2026-09-30:" in lines
    assert "Week, 2026-09-28 to 2026-10-04:" in lines


def test_no_broadcast_on_a_day_off_unless_forced(sold, tmp_path, monkeypatch):
    spool = tmp_path / "sms.txt"
    use_config(tmp_path, monkeypatch, f'[channels.sms]\ntype = "file"\npath = "{spool}"\n')
    said = ok(sold("broadcast", "--date", "2026-11-29", "--edition", "evening"))
    assert said.stdout == (
        "2026-11-29 (Sunday) is not a working day: nothing sent; --force sends anyway.\n"
    )
    assert not spool.exists()
    assert json.loads(ok(sold("broadcast", "log", "--format", "json")).stdout) == []
    holiday = ok(sold("broadcast", "--date", "2026-10-02", "--edition", "morning"))
    assert "not a working day" in holiday.stdout and not spool.exists()
    forced = ok(sold("broadcast", "--date", "2026-11-29", "--edition", "evening", "--force"))
    assert "Sent to sms" in forced.stdout
    assert "Leaderboard, evening edition, 2026-11-29" in spool.read_text(encoding="utf-8")


def _month(cli: Any, *args: str) -> dict[str, Any]:
    rows = json.loads(ok(cli("progress", "--format", "json", *args)).stdout)
    return next(r for r in rows if r["rep"] is None and r["period"] == "month")


def _gone(lines: list[str]) -> str:
    line = next(line for line in lines if "working days gone" in line)
    return line.split("with ")[1].split(" of the working days")[0]


def test_time_gone_is_the_same_in_progress_and_the_broadcast(sold, monkeypatch):
    # a past day: gone, in both (15 of November's 21 working days to the 20th)
    month = _month(sold, "--date", "2026-11-20")
    assert (month["elapsed"], month["today_counted"]) == (round(15 / 21, 4), True)
    lines = dry_run(sold, "--edition", "evening", "--date", "2026-11-20")
    assert _gone(lines) == f"{month['elapsed']:.0%}" == "71%"
    assert "(through 2026-11-20)" in "\n".join(lines).replace("\n", " ")
    # Monday morning: Friday is the last day gone, in both
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-30T09:00")
    month = _month(sold)
    assert (month["elapsed"], month["today_counted"]) == (round(20 / 21, 4), False)
    assert _gone(dry_run(sold, "--edition", "morning")) == f"{month['elapsed']:.0%}" == "95%"
    assert "time gone excludes 2026-11-30" in ok(sold("progress")).stdout
    # the evening: today's sales are in and today counts, in both
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-30T18:30")
    month = _month(sold)
    assert (month["elapsed"], month["today_counted"]) == (1, True)
    assert _gone(dry_run(sold, "--edition", "evening")) == "100%"
    assert "time gone includes 2026-11-30" in ok(sold("progress")).stdout


# --- the audit's late-log ----------------------------------------------------------------


def late(cli: Any) -> set[tuple[str, str]]:
    # a log 2 working days late is a follow-up: --all shows it
    found = json.loads(ok(cli("audit", "--format", "json", "--all", "--from", "2026-11-23")).stdout)
    return {(f["rep"], f["date"]) for f in found if f["rule"] == "late-log"}


def test_a_friday_visit_logged_on_monday_is_on_time_and_on_tuesday_late(team, monkeypatch):
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-30T09:00")
    visit(team, A, "--date", "2026-11-27")  # Friday, typed Monday morning
    visit(team, C, "--date", "2026-11-26", rep="li")  # Thursday, typed Monday: 2 working days
    assert late(team) == {("li", "2026-11-26")}
    monkeypatch.setenv("SALESPROC_NOW", "2026-12-01T09:00")
    visit(team, "华联便利店", "--date", "2026-11-27")  # Friday, typed Tuesday
    assert ("zhang", "2026-11-27") in late(team)
    found = json.loads(
        ok(team("audit", "--format", "json", "--all", "--from", "2026-11-23")).stdout
    )
    evidence = [f["evidence"] for f in found if f["rule"] == "late-log" and f["rep"] == "zhang"]
    assert evidence and all("2 working days after it" in e for e in evidence)


# --- the weekly leaderboard --------------------------------------------------------------


def test_rank_cumulative_week_runs_monday_to_sunday(team):
    ok(team("sale", "add", "--rep", "zhang", "--amount", "100", "--date", "2026-11-22"))  # Sun
    ok(team("sale", "add", "--rep", "zhang", "--amount", "200", "--date", "2026-11-23"))  # Mon
    ok(team("sale", "add", "--rep", "li", "--amount", "250", "--date", "2026-11-29"))  # Sun
    ok(team("sale", "add", "--rep", "li", "--amount", "999", "--date", "2026-11-30"))  # Mon
    out = ok(team("rank", "--cumulative", "--period", "week", "--date", "2026-11-29",
                  "--format", "json")).stdout  # fmt: skip
    rows = {r["rep"]: r for r in json.loads(out)}
    assert float(rows["li"]["amount"]) == 250 and float(rows["zhang"]["amount"]) == 200
    zh = ok(team("rank", "--cumulative", "--period", "周", "--date", "2026-11-29",
                 "--format", "json")).stdout  # fmt: skip
    assert json.loads(zh) == json.loads(out)
