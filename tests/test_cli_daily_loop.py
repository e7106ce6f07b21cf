"""The daily loop through the real CLI: log-visit, sale add, due, four-visit and rank.

Every test runs salesproc on its own temporary database with "today" pinned to
2026-11-30 (see conftest.py). The `team` fixture holds the reps zhang and li and
three prospects added today: 万家超市 (grade A, zhang), 华联便利店 (B, zhang) and
兴隆商行 (C, li).
"""

import csv
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from helpers import ok, rejected

TODAY = "2026-11-30"
YESTERDAY = "2026-11-29"
A, B, C = "万家超市", "华联便利店", "兴隆商行"

DUE_KEYS = {
    "customer",
    "grade",
    "category",
    "rep",
    "due_date",
    "days_overdue",
    "visits",
    "last_visit",
    "last_result",
    "phone",
}
PROSPECT_KEYS = {"customer", "rep", "visits", "last_visit", "next_visit", "status"}
SUMMARY_KEYS = {"won", "won_at_or_above_min", "share_at_or_above_min", "visits_to_win"}
RANK_KEYS = {"rank", "rep", "name", "amount"}

BAD_AMOUNTS = ["0", "-5", "1.234", "1e3", "abc", "1000000000000", " 12,00", "0.00", "12.", "3,20,0"]


# --- helpers ---------------------------------------------------------------------------


def as_json(run: Any) -> Any:
    """A command's JSON with numbers with a fraction as exact Decimals."""
    return json.loads(ok(run).stdout, parse_float=Decimal)


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Move the pinned clock: what follows happens (and is logged) at `moment`."""
    monkeypatch.setenv("SALESPROC_NOW", moment)


def visit(cli: Any, customer: str, *extra: str, rep: str = "zhang", purpose: str = "order") -> Any:
    return ok(cli("log-visit", "--rep", rep, "--customer", customer, "--purpose", purpose, *extra))


def sale(cli: Any, amount: str, *extra: str, rep: str = "zhang") -> Any:
    return ok(cli("sale", "add", "--rep", rep, "--amount", amount, *extra))


def show(cli: Any, name: str) -> dict[str, Any]:
    return as_json(cli("customer", "show", name, "--format", "json"))


def customers(cli: Any) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in as_json(cli("customer", "list", "--format", "json"))}


def due(cli: Any, *args: str) -> list[dict[str, Any]]:
    return as_json(cli("due", "--format", "json", *args))


def due_names(cli: Any, *args: str) -> list[str]:
    return [row["customer"] for row in due(cli, *args)]


def due_row(cli: Any, name: str, *args: str) -> dict[str, Any]:
    [row] = [r for r in due(cli, *args) if r["customer"] == name]
    return row


def rank(cli: Any, *args: str) -> list[dict[str, Any]]:
    return as_json(cli("rank", "--format", "json", *args))


def amounts(cli: Any, *args: str) -> dict[str, Any]:
    return {row["rep"]: row["amount"] for row in rank(cli, *args)}


def four_visit(cli: Any, *args: str) -> dict[str, Any]:
    return as_json(cli("four-visit", "--format", "json", *args))


def prospects(cli: Any, *args: str) -> list[tuple[str, str]]:
    return [(p["customer"], p["status"]) for p in four_visit(cli, *args)["prospects"]]


def snapshot(cli: Any) -> dict[str, Any]:
    """Everything a command could have written: customers, visit timelines, sales, visits."""
    listed = customers(cli)
    return {
        "customers": listed,
        "timelines": {name: show(cli, name) for name in listed},
        "sales": as_json(cli("rank", "--cumulative", "--period", "all", "--format", "json")),
        "visits": rank(cli, "--cumulative", "--period", "all", "--metric", "visits"),
        "reps": as_json(cli("rep", "list", "--format", "json")),
    }


def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = tmp_path / "salesproc.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(path))
    return path


# --- log-visit: what a visit records ---------------------------------------------------


def test_log_visit_records_one_row_of_the_daily_report(team):
    visit(
        team,
        A,
        "--purpose",
        "collection",
        "--date",
        "yesterday",
        "--start",
        "09:30",
        "--end",
        "10:15",
        "--result",
        "下单补货",
        "--note",
        "嫌价格高",
        "--weather",
        "小雨",
        "--next",
        "2026-12-03",
    )
    [row] = show(team, A)["visits"]
    assert row["date"] == YESTERDAY
    assert (row["start"], row["end"]) == ("09:30", "10:15")
    assert row["rep"] == "zhang"
    assert sorted(row["purposes"]) == ["collection", "order"]
    assert row["result"] == "下单补货"
    assert row["note"] == "嫌价格高"
    assert row["next_visit"] == "2026-12-03"
    assert row["category"] == "prospect"
    assert show(team, B)["visits"] == []


@pytest.mark.parametrize(
    "purposes",
    [
        ["订货,收款"],
        ["订货", "收款"],
        ["order,collection"],
        ["order", "collection"],
        ["收款,order"],
        ["order, collection"],
        ["order", "order,collection"],
    ],
)
def test_purposes_in_either_language_comma_separated_or_repeated(team, purposes):
    flags = [arg for p in purposes for arg in ("--purpose", p)]
    ok(team("log-visit", "--rep", "zhang", "--customer", A, *flags))
    [row] = show(team, A)["visits"]
    assert sorted(row["purposes"]) == ["collection", "order"]


def test_every_chinese_purpose_word_is_understood(team):
    visit(team, A, purpose="订货,收款,开发,服务,说明")
    [row] = show(team, A)["visits"]
    assert sorted(row["purposes"]) == [
        "collection",
        "development",
        "explanation",
        "order",
        "service",
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("today", TODAY),
        ("yesterday", YESTERDAY),
        ("-1", YESTERDAY),
        ("-3", "2026-11-27"),
        ("2026-11-02", "2026-11-02"),
    ],
)
def test_visit_date_words(team, word, expected):
    visit(team, A, "--date", word)
    [row] = show(team, A)["visits"]
    assert row["date"] == expected


@pytest.mark.parametrize(
    ("visit_day", "next_word", "expected"),
    [
        ("-10", "+3", "2026-11-23"),  # +N counts from the visit, not from today
        ("2026-11-01", "+1", "2026-11-02"),
        ("-10", "today", TODAY),
        ("yesterday", "tomorrow", "2026-12-01"),
        ("-10", "2026-12-24", "2026-12-24"),
        ("-5", "+0", "2026-11-25"),
    ],
)
def test_next_visit_words_count_from_the_visit_date(team, visit_day, next_word, expected):
    visit(team, A, "--date", visit_day, "--next", next_word)
    [row] = show(team, A)["visits"]
    assert row["next_visit"] == expected
    assert due_row(team, A, "--ahead", "60")["due_date"] == expected


@pytest.mark.parametrize(
    ("customer", "expected"),
    # 12-06 and 12-13 are Sundays: a counted revisit moves to Monday (issue 11, section 3)
    [(A, "2026-12-07"), (B, "2026-12-14"), (C, "2026-12-29")],
)
def test_next_visit_defaults_to_the_grade_cadence(team, customer, expected):
    visit(team, customer, "--date", "yesterday")
    [row] = show(team, customer)["visits"]
    assert row["next_visit"] == expected


def test_config_cadence_overrides_the_defaults(team, tmp_path, monkeypatch):
    config(tmp_path, monkeypatch, "[cadence]\nA = 3\nC = 60\n")
    for name in (A, B, C):
        visit(team, name, "--date", "yesterday")
    next_dates = {name: show(team, name)["visits"][0]["next_visit"] for name in (A, B, C)}
    # Sunday 12-13 moves to Monday 12-14 (issue 11, section 3)
    assert next_dates == {A: "2026-12-02", B: "2026-12-14", C: "2027-01-28"}


def test_stored_next_visit_does_not_move_when_grade_or_cadence_changes(team, tmp_path, monkeypatch):
    visit(team, C)  # grade C: 30 days
    ok(team("customer", "edit", C, "--grade", "A"))
    config(tmp_path, monkeypatch, "[cadence]\nA = 1\nC = 1\n")
    assert show(team, C)["visits"][0]["next_visit"] == "2026-12-30"
    assert C not in due_names(team, "--ahead", "29")
    assert due_row(team, C, "--ahead", "30")["due_date"] == "2026-12-30"
    # A new visit is scheduled by the customer's grade and cadence as they are now.
    visit(team, C, "--again")  # a second untimed visit that day: logged on purpose
    assert show(team, C)["visits"][-1]["next_visit"] == "2026-12-01"


def test_visit_records_the_customer_category_at_that_moment(team):
    visit(team, A, "--date", "-3")
    visit(team, A, "--date", "-2", "--outcome", "won")
    visit(team, A, "--date", "-1")
    ok(team("customer", "edit", A, "--category", "existing"))
    visit(team, A)
    categories = [v["category"] for v in show(team, A)["visits"]]
    assert categories == ["prospect", "prospect", "new", "existing"]


def test_visit_to_an_existing_customer_records_existing(db):
    ok(db("rep", "add", "zhang", "--name", "张伟"))
    ok(db("customer", "add", "老客户", "--grade", "A", "--category", "原有"))
    visit(db, "老客户")
    assert show(db, "老客户")["visits"][0]["category"] == "existing"
    assert customers(db)["老客户"]["category"] == "existing"


def test_customer_without_a_rep_gets_the_rep_of_its_first_visit(team):
    ok(team("customer", "add", "新客户", "--grade", "B"))
    assert customers(team)["新客户"]["rep"] is None
    visit(team, "新客户", rep="li")
    visit(team, "新客户", rep="zhang")
    assert customers(team)["新客户"]["rep"] == "li"
    assert "新客户" not in due_names(team, "--rep", "zhang", "--ahead", "60")
    assert "新客户" in due_names(team, "--rep", "li", "--ahead", "60")


def test_visit_by_another_rep_keeps_the_customer_rep_set_with_rep(team):
    visit(team, A, rep="li")
    assert customers(team)[A]["rep"] == "zhang"


def test_config_rep_is_the_default_rep_for_visits_and_sales(team, tmp_path, monkeypatch):
    config(tmp_path, monkeypatch, 'rep = "li"\n')
    ok(team("log-visit", "--customer", A, "--purpose", "order", "--amount", "5"))
    ok(team("sale", "add", "--amount", "7"))
    assert show(team, A)["visits"][0]["rep"] == "li"
    assert amounts(team) == {"li": Decimal("12"), "zhang": Decimal("0")}
    # --rep still wins over the config.
    sale(team, "1", rep="zhang")
    assert amounts(team)["zhang"] == Decimal("1")


def test_visit_and_sale_without_any_rep_exit_2(team):
    before = snapshot(team)
    rejected(team("log-visit", "--customer", A, "--purpose", "order"), "rep")
    rejected(team("sale", "add", "--amount", "5"), "rep")
    assert snapshot(team) == before


# --- wins and losses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "win",
    [
        ["log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order", "--outcome", "won"],
        ["log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order", "--amount", "100"],
        ["sale", "add", "--rep", "zhang", "--amount", "100", "--customer", A],
    ],
    ids=["outcome-won", "visit-amount", "sale-add"],
)
def test_a_prospect_is_won_by_outcome_or_first_sale(team, win):
    ok(team(*win))
    categories = {name: c["category"] for name, c in customers(team).items()}
    assert categories == {A: "new", B: "prospect", C: "prospect"}
    assert A not in [name for name, _ in prospects(team)]


def test_sale_without_customer_wins_nobody(team):
    sale(team, "100")
    assert {c["category"] for c in customers(team).values()} == {"prospect"}


@pytest.mark.parametrize("category", ["prospect", "new", "existing"])
def test_outcome_lost_closes_a_customer_of_any_category(db, category):
    ok(db("rep", "add", "zhang", "--name", "张伟"))
    ok(db("customer", "add", "Shop", "--grade", "A", "--category", category, "--rep", "zhang"))
    ok(db("customer", "add", "Other", "--grade", "A", "--rep", "zhang"))
    visit(db, "Shop", "--date", "-10", "--outcome", "lost")
    assert due_names(db, "--ahead", "400") == ["Other"]
    assert due_names(db, "--rep", "zhang", "--ahead", "400") == ["Other"]
    assert customers(db)["Shop"]["category"] == category


@pytest.mark.parametrize(
    ("category", "reopened_as"),
    [("prospect", "new"), ("new", "new"), ("existing", "existing")],
)
@pytest.mark.parametrize(
    "event",
    [
        ["sale", "add", "--rep", "zhang", "--amount", "80", "--customer", "Shop"],
        ["log-visit", "--rep", "zhang", "--customer", "Shop", "--purpose", "order",
         "--amount", "80"],
        ["log-visit", "--rep", "zhang", "--customer", "Shop", "--purpose", "order",
         "--outcome", "won"],
    ],
    ids=["sale-add", "visit-amount", "outcome-won"],
)  # fmt: skip
def test_a_later_win_or_sale_reopens_a_lost_customer(db, category, reopened_as, event):
    ok(db("rep", "add", "zhang", "--name", "张伟"))
    ok(db("customer", "add", "Shop", "--grade", "A", "--category", category, "--rep", "zhang"))
    visit(db, "Shop", "--date", "-10", "--outcome", "lost")
    assert due_names(db, "--ahead", "400") == []
    ok(db(*event))
    assert customers(db)["Shop"]["category"] == reopened_as
    assert due_names(db, "--ahead", "400") == ["Shop"]


def test_a_plain_later_visit_does_not_reopen_a_lost_customer(team):
    visit(team, A, "--date", "-3", "--outcome", "lost")
    visit(team, A)
    assert A not in due_names(team, "--ahead", "400")


# --- rejections: exit 2, one line, nothing written -------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--rep", "zhagn", "--customer", A], ["zhagn", "zhang"]),
        (["--rep", "zhang", "--customer", "万家超", "--amount", "10"], ["万家超市"]),
        (["--rep", "zhang", "--customer", "Wanjia"], ["Wanjia"]),
        (["--rep", "zhang", "--customer", A, "--date", "tomorrow"], []),
        (["--rep", "zhang", "--customer", A, "--date", "+1", "--amount", "10"], []),
        (["--rep", "zhang", "--customer", A, "--date", "2026-12-01"], []),
        (["--rep", "zhang", "--customer", A, "--start", "10:00", "--end", "09:59"], []),
        (["--rep", "zhang", "--customer", A, "--date", "-5", "--next", "-1"], []),
        (["--rep", "zhang", "--customer", A, "--next", "yesterday"], []),
        (["--rep", "zhang", "--customer", A, "--date", "2026-11-20", "--next", "2026-11-19"], []),
        (["--rep", "zhang", "--customer", A, "--purpose", "shopping"], ["shopping"]),
        (["--rep", "zhang", "--customer", A, "--purpose", "order,订单"], ["订单"]),
        (["--rep", "zhang", "--customer", A, "--date", "someday"], ["someday"]),
        (["--rep", "zhang", "--customer", A, "--date", "2026-13-01"], ["2026-13-01"]),
        (["--rep", "zhang", "--customer", A, "--date", "30/11/2026"], ["30/11/2026"]),
        (["--rep", "zhang", "--customer", A, "--next", "soon"], ["soon"]),
        (["--rep", "zhang", "--customer", A, "--outcome", "maybe"], ["maybe"]),
        (["--rep", "zhang", "--customer", A, "--start", "25:00"], ["25:00"]),
    ],
    ids=[
        "unknown-rep",
        "unknown-customer-close-match",
        "unknown-customer",
        "date-tomorrow",
        "date-plus-one",
        "date-after-today",
        "end-before-start",
        "next-relative-before-visit",
        "next-yesterday-before-today",
        "next-before-visit",
        "unknown-purpose",
        "unknown-chinese-purpose",
        "bad-date-word",
        "bad-month",
        "bad-date-format",
        "bad-next-word",
        "unknown-outcome",
        "bad-time",
    ],
)
def test_log_visit_rejections_write_nothing(team, args, words):
    sale(team, "3", "--date", "yesterday")  # something in the books to keep unchanged
    visit(team, B, "--date", "yesterday")
    before = snapshot(team)
    purpose = [] if "--purpose" in args else ["--purpose", "order"]
    rejected(team("log-visit", *args, *purpose), *words)
    assert snapshot(team) == before


def test_unknown_customer_message_suggests_close_matches(team):
    message = rejected(
        team("log-visit", "--rep", "zhang", "--customer", "华联便利", "--purpose", "order")
    )
    assert "华联便利店" in message


@pytest.mark.parametrize("purpose", ["visit", "订单", "", ","])
def test_unknown_or_missing_purpose_is_rejected(team, purpose):
    before = snapshot(team)
    rejected(team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", purpose))
    assert snapshot(team) == before


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_log_visit_rejects_bad_amounts(team, amount):
    before = snapshot(team)
    rejected(
        team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order",
             "--amount", amount)
    )  # fmt: skip
    assert snapshot(team) == before
    assert customers(team)[A]["category"] == "prospect"


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_sale_add_rejects_bad_amounts(team, amount):
    before = snapshot(team)
    rejected(team("sale", "add", "--rep", "zhang", "--amount", amount, "--customer", A))
    assert snapshot(team) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--rep", "zhagn"], ["zhagn", "zhang"]),
        (["--rep", "zhang", "--customer", "万家超"], ["万家超市"]),
        (["--rep", "zhang", "--date", "tomorrow"], []),
        (["--rep", "zhang", "--date", "+2", "--customer", A], []),
        (["--rep", "zhang", "--date", "someday"], ["someday"]),
    ],
    ids=["unknown-rep", "unknown-customer", "date-tomorrow", "date-plus-two", "bad-date"],
)
def test_sale_add_rejections_write_nothing(team, args, words):
    sale(team, "3", "--date", "yesterday")
    before = snapshot(team)
    rejected(team("sale", "add", "--amount", "100", *args), *words)
    assert snapshot(team) == before
    assert customers(team)[A]["category"] == "prospect"


def test_deactivated_rep_can_log_nothing_until_activated(team):
    ok(team("rep", "deactivate", "zhang"))
    before = snapshot(team)
    rejected(
        team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order",
             "--amount", "100"),
        "zhang",
    )  # fmt: skip
    rejected(team("sale", "add", "--rep", "zhang", "--amount", "50", "--customer", B), "zhang")
    rejected(team("sale", "add", "--rep", "zhang", "--amount", "50"), "zhang")
    assert snapshot(team) == before
    assert customers(team)[A]["category"] == "prospect"

    ok(team("rep", "activate", "zhang"))
    visit(team, A, "--amount", "100")
    assert amounts(team, "--cumulative", "--period", "all")["zhang"] == Decimal("100")
    assert [v["rep"] for v in show(team, A)["visits"]] == ["zhang"]


# --- sales and amounts -----------------------------------------------------------------


def test_amount_on_a_visit_is_a_sale_on_the_visit_date(team):
    visit(team, A, "--date", "yesterday", "--amount", "1200.50")
    assert amounts(team, "--date", "yesterday") == {"zhang": Decimal("1200.50"), "li": 0}
    assert amounts(team) == {"zhang": 0, "li": 0}
    assert show(team, A)["sales"][0]["date"] == YESTERDAY


@pytest.mark.parametrize(
    ("word", "day"),
    [
        ("today", TODAY),
        ("yesterday", YESTERDAY),
        ("-2", "2026-11-28"),
        ("2026-11-03", "2026-11-03"),
    ],
)
def test_sale_add_date_words(team, word, day):
    sale(team, "10", "--date", word, "--ref", "INV-1")
    assert amounts(team, "--date", day) == {"zhang": Decimal("10"), "li": 0}


def test_amounts_add_up_exactly(team):
    sale(team, "0.1")
    sale(team, "0.2")
    sale(team, "999999999999.99", rep="li")
    sale(team, "0.01", rep="li")
    result = team("rank", "--format", "json")
    assert "0.30000000000000004" not in result.stdout
    totals = amounts(team)
    assert totals["zhang"] == Decimal("0.3")
    assert isinstance(totals["zhang"], Decimal)  # a JSON number, not a string
    assert totals["li"] == Decimal("1000000000000")


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1", "1"),
        ("0.01", "0.01"),
        ("12.5", "12.50"),
        ("007", "7"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_valid_amounts_are_stored_to_the_cent(team, amount, expected):
    sale(team, amount)
    assert amounts(team)["zhang"] == Decimal(expected)


# --- due -------------------------------------------------------------------------------


def test_due_orders_by_days_overdue_then_grade_then_name(db, monkeypatch):
    ok(db("rep", "add", "r1", "--name", "王伟"))
    at(monkeypatch, "2026-11-20T09:00")
    ok(db("customer", "add", "Delta", "--grade", "C", "--rep", "r1"))
    at(monkeypatch, "2026-11-25T09:00")
    ok(db("customer", "add", "Echo", "--grade", "B", "--rep", "r1"))
    ok(db("customer", "add", "Foxtrot", "--grade", "A", "--rep", "r1"))
    at(monkeypatch, f"{TODAY}T08:00")
    ok(db("customer", "add", "Bravo", "--grade", "C", "--rep", "r1"))
    ok(db("customer", "add", "Alpha", "--grade", "C", "--rep", "r1"))
    ok(db("customer", "add", "Charlie", "--grade", "A", "--rep", "r1"))
    ok(db("customer", "add", "Golf", "--grade", "A", "--rep", "r1"))
    visit(db, "Golf", "--date", "2026-11-10", "--next", "2026-11-22", rep="r1")  # 8 days late
    rows = due(db)
    assert [(r["customer"], r["days_overdue"]) for r in rows] == [
        ("Delta", 10),
        ("Golf", 8),
        ("Foxtrot", 5),
        ("Echo", 5),
        ("Charlie", 0),
        ("Alpha", 0),
        ("Bravo", 0),
    ]
    assert [r["due_date"] for r in rows[:3]] == ["2026-11-20", "2026-11-22", "2026-11-25"]


def test_due_ahead_adds_customers_due_within_n_days(team):
    visit(team, A, "--next", "+3")
    visit(team, B, "--next", "+1")
    visit(team, C)  # 30 days
    assert due(team) == []
    assert [(r["customer"], r["days_overdue"]) for r in due(team, "--ahead", "1")] == [(B, -1)]
    rows = due(team, "--ahead", "3")
    assert [(r["customer"], r["due_date"], r["days_overdue"]) for r in rows] == [
        (B, "2026-12-01", -1),
        (A, "2026-12-03", -3),
    ]
    assert due_names(team, "--ahead", "30") == [B, A, C]


def test_due_rep_filter(team):
    assert due_names(team, "--rep", "zhang") == [A, B]
    assert due_names(team, "--rep", "li") == [C]
    before = snapshot(team)
    rejected(team("due", "--rep", "zhagn"), "zhang")
    assert snapshot(team) == before


def test_due_on_a_past_date_ignores_later_visits_and_customers(db, monkeypatch):
    ok(db("rep", "add", "r1", "--name", "王伟"))
    at(monkeypatch, "2026-11-10T09:00")
    ok(db("customer", "add", "Old", "--grade", "A", "--rep", "r1"))
    ok(db("customer", "add", "Gone", "--grade", "B", "--rep", "r1"))
    at(monkeypatch, "2026-11-12T18:00")
    visit(db, "Old", "--next", "2026-11-20", rep="r1")
    visit(db, "Gone", "--next", "2026-11-15", rep="r1")
    at(monkeypatch, "2026-11-25T09:00")
    ok(db("customer", "add", "Late", "--grade", "B", "--rep", "r1"))
    at(monkeypatch, f"{TODAY}T18:30")
    visit(db, "Old", "--date", "2026-11-28", rep="r1")  # next: 2026-12-05
    visit(db, "Gone", "--date", "2026-11-28", "--outcome", "lost", rep="r1")

    rows = due(db, "--date", "2026-11-22")
    assert [(r["customer"], r["due_date"], r["days_overdue"]) for r in rows] == [
        ("Gone", "2026-11-15", 7),
        ("Old", "2026-11-20", 2),
    ]
    old = rows[1]
    assert (old["visits"], old["last_visit"]) == (1, "2026-11-12")
    assert due_names(db, "--date", "2026-11-09") == []
    assert due_names(db) == ["Late"]


def test_latest_visit_is_by_visit_date_not_by_logging_order(team):
    visit(team, A, "--date", "yesterday", "--next", "2026-12-09")
    visit(team, A, "--date", "-5", "--next", "2026-11-26")  # logged later, happened earlier
    assert A not in due_names(team)
    row = due_row(team, A, "--ahead", "9")
    assert (row["due_date"], row["last_visit"], row["visits"]) == ("2026-12-09", YESTERDAY, 2)


@pytest.mark.parametrize("late_first", [False, True], ids=["early-first", "late-first"])
def test_latest_visit_on_one_day_is_by_start_time(team, late_first):
    early = ["--start", "09:00", "--next", "2026-12-01"]
    late = ["--start", "15:00", "--next", "2026-12-10"]
    for times in [late, early] if late_first else [early, late]:
        visit(team, A, "--date", "yesterday", *times)
    assert due_row(team, A, "--ahead", "30")["due_date"] == "2026-12-10"


def test_visit_without_start_time_counts_as_the_first_of_its_day(team, monkeypatch):
    visit(team, A, "--date", "yesterday", "--start", "10:00", "--next", "2026-12-10")
    at(monkeypatch, f"{TODAY}T19:00")
    visit(team, A, "--date", "yesterday", "--next", "2026-12-01")
    assert due_row(team, A, "--ahead", "30")["due_date"] == "2026-12-10"


@pytest.mark.parametrize(
    ("first_logged_at", "second_logged_at", "expected"),
    [
        ("19:00", "20:00", "2026-12-10"),
        ("20:00", "19:00", "2026-12-01"),
    ],
)
def test_same_day_visits_without_start_time_go_by_time_logged(
    team, monkeypatch, first_logged_at, second_logged_at, expected
):
    at(monkeypatch, f"{TODAY}T{first_logged_at}")
    visit(team, A, "--date", "yesterday", "--next", "2026-12-01")
    at(monkeypatch, f"{TODAY}T{second_logged_at}")
    visit(team, A, "--date", "yesterday", "--next", "2026-12-10", "--again")
    assert due_row(team, A, "--ahead", "30")["due_date"] == expected


def test_a_customer_never_visited_is_due_from_the_day_it_was_added(db, monkeypatch):
    ok(db("rep", "add", "r1", "--name", "王伟"))
    at(monkeypatch, "2026-11-20T09:00")
    ok(db("customer", "add", "Early", "--grade", "C", "--rep", "r1", "--phone", "139"))
    at(monkeypatch, f"{TODAY}T18:30")
    [row] = due(db)
    assert row["customer"] == "Early"
    assert (row["due_date"], row["days_overdue"]) == ("2026-11-20", 10)
    assert (row["visits"], row["last_visit"], row["last_result"]) == (0, None, None)
    assert row["phone"] == "139"
    assert due_names(db, "--date", "2026-11-19") == []
    assert [(r["customer"], r["days_overdue"]) for r in due(db, "--date", "2026-11-20")] == [
        ("Early", 0)
    ]


def test_customers_of_a_deactivated_rep_stay_due(team):
    ok(team("rep", "deactivate", "zhang"))
    assert due_names(team) == [A, B, C]
    assert due_names(team, "--rep", "zhang") == [A, B]


def test_a_later_visit_replaces_an_earlier_schedule(team):
    visit(team, A, "--date", "-20", "--next", "2026-11-12")
    assert due_row(team, A)["days_overdue"] == 18
    visit(team, A, "--date", "-1", "--next", "2026-11-30")
    row = due_row(team, A)
    assert (row["due_date"], row["days_overdue"], row["visits"]) == (TODAY, 0, 2)


def test_due_json_row_holds_the_listed_keys(team):
    visit(team, B, "--date", "yesterday", "--result", "要看竞品报价", "--next", "today")
    row = due_row(team, B)
    assert set(row) >= DUE_KEYS
    assert row["customer"] == B
    assert (row["grade"], row["category"], row["rep"]) == ("B", "prospect", "zhang")
    assert (row["due_date"], row["days_overdue"]) == (TODAY, 0)
    assert (row["visits"], row["last_visit"], row["last_result"]) == (1, YESTERDAY, "要看竞品报价")
    assert row["phone"] == "13800000002"


@pytest.mark.parametrize("word", ["someday", "2026-02-30", "30/11", "+x"])
def test_due_rejects_bad_date_words(team, word):
    rejected(team("due", "--date", word), word)


# --- four-visit ------------------------------------------------------------------------


@pytest.fixture
def pipeline(db, monkeypatch):
    """Prospects in every state of the four-visit rule, for rep r1."""
    ok(db("rep", "add", "r1", "--name", "王伟"))
    ok(db("rep", "add", "r2", "--name", "李娜"))
    at(monkeypatch, "2026-11-10T09:00")
    ok(db("customer", "add", "Kilo", "--grade", "B", "--rep", "r1"))
    ok(db("customer", "add", "Abandoned", "--grade", "B", "--rep", "r1"))
    ok(db("customer", "add", "Old Friend", "--grade", "A", "--rep", "r1", "--category", "existing"))
    at(monkeypatch, "2026-11-22T09:00")
    ok(db("customer", "add", "Zulu", "--grade", "C", "--rep", "r2"))
    at(monkeypatch, f"{TODAY}T18:30")
    ok(db("customer", "add", "Bravo", "--grade", "B", "--rep", "r1"))
    ok(db("customer", "add", "Alpha", "--grade", "B", "--rep", "r2"))
    visit(db, "Kilo", "--date", "2026-11-15", "--next", "2026-11-25", rep="r1")
    visit(db, "Abandoned", "--date", "2026-11-12", rep="r1")
    visit(db, "Abandoned", "--date", "2026-11-19", "--outcome", "lost", rep="r1")
    visit(db, "Bravo", "--date", "yesterday", rep="r1")
    return db


def test_four_visit_statuses_and_order(pipeline):
    report = four_visit(pipeline)
    rows = {p["customer"]: p for p in report["prospects"]}
    assert [(p["customer"], p["status"]) for p in report["prospects"]] == [
        ("Zulu", "overdue"),  # never visited: due since added, 8 days
        ("Kilo", "overdue"),  # 5 days
        ("Abandoned", "gave-up"),
        ("Alpha", "on-track"),
        ("Bravo", "on-track"),
    ]
    assert rows["Zulu"]["visits"] == 0
    assert rows["Zulu"]["last_visit"] is None
    assert rows["Zulu"]["next_visit"] == "2026-11-22"
    assert rows["Zulu"]["rep"] == "r2"
    assert (rows["Kilo"]["visits"], rows["Kilo"]["last_visit"]) == (1, "2026-11-15")
    assert rows["Kilo"]["next_visit"] == "2026-11-25"
    assert (rows["Abandoned"]["visits"], rows["Abandoned"]["last_visit"]) == (2, "2026-11-19")
    assert rows["Alpha"]["next_visit"] == TODAY  # due today is not overdue
    # a revisit counted to Sunday 12-13 is on Monday 12-14 (issue 11, section 3)
    assert (rows["Bravo"]["visits"], rows["Bravo"]["next_visit"]) == (1, "2026-12-14")
    for row in report["prospects"]:
        assert set(row) >= PROSPECT_KEYS
    assert set(report["summary"]) >= SUMMARY_KEYS


def test_four_visit_rep_filter(pipeline):
    assert prospects(pipeline, "--rep", "r2") == [("Zulu", "overdue"), ("Alpha", "on-track")]
    rejected(pipeline("four-visit", "--rep", "r9"), "r9")


def test_four_visit_on_a_past_date(pipeline):
    assert prospects(pipeline, "--date", "2026-11-16") == [
        ("Abandoned", "on-track"),
        ("Kilo", "on-track"),
    ]
    assert prospects(pipeline, "--date", "2026-11-23") == [
        ("Zulu", "overdue"),
        ("Abandoned", "gave-up"),
        ("Kilo", "on-track"),
    ]


def test_four_visit_since_limits_the_given_up(db):
    ok(db("rep", "add", "r1", "--name", "王伟"))
    ok(db("customer", "add", "October Loss", "--grade", "B", "--rep", "r1"))
    ok(db("customer", "add", "November Loss", "--grade", "B", "--rep", "r1"))
    visit(db, "October Loss", "--date", "2026-10-20", rep="r1")
    visit(db, "October Loss", "--date", "2026-10-25", "--outcome", "lost", rep="r1")
    visit(db, "November Loss", "--date", "2026-11-05", rep="r1")
    visit(db, "November Loss", "--date", "2026-11-10", "--outcome", "lost", rep="r1")
    assert prospects(db) == [("November Loss", "gave-up")]
    assert prospects(db, "--since", "2026-10-01") == [
        ("November Loss", "gave-up"),
        ("October Loss", "gave-up"),
    ]
    assert prospects(db, "--since", "2026-11-11") == []
    assert prospects(db, "--since", "-20") == [("November Loss", "gave-up")]
    rejected(db("four-visit", "--since", "last week"), "last week")


def test_four_visit_min_visits_decides_who_was_given_up(db):
    ok(db("rep", "add", "r1", "--name", "王伟"))
    for name, tries in [("Three Tries", 3), ("Four Tries", 4)]:
        ok(db("customer", "add", name, "--grade", "B", "--rep", "r1"))
        for day in range(tries - 1):
            visit(db, name, "--date", f"2026-11-0{day + 2}", rep="r1")
        visit(db, name, "--date", "2026-11-20", "--outcome", "lost", rep="r1")
    assert prospects(db) == [("Three Tries", "gave-up")]
    assert prospects(db, "--min-visits", "3") == []
    assert prospects(db, "--min-visits", "5") == [
        ("Four Tries", "gave-up"),
        ("Three Tries", "gave-up"),
    ]
    [row] = four_visit(db)["prospects"]
    assert (row["visits"], row["last_visit"]) == (3, "2026-11-20")


def test_four_visit_summary_counts_visits_to_win(db):
    ok(db("rep", "add", "r1", "--name", "王伟"))
    for name in ["Four Visits", "One Visit", "Same Day", "Existing", "Open"]:
        category = "existing" if name == "Existing" else "prospect"
        ok(db("customer", "add", name, "--grade", "A", "--rep", "r1", "--category", category))
    for day in ["-10", "-8", "-6"]:
        visit(db, "Four Visits", "--date", day, rep="r1")
    visit(db, "Four Visits", "--date", "-4", "--outcome", "won", rep="r1")
    visit(db, "Four Visits", "--date", "-2", rep="r1")  # after the win: not counted
    visit(db, "One Visit", "--date", "-9", rep="r1")
    sale(db, "100", "--customer", "One Visit", "--date", "-7", rep="r1")
    visit(db, "Same Day", "--date", "-5", rep="r1")
    visit(db, "Same Day", "--date", "-3", rep="r1")
    sale(db, "100", "--customer", "Same Day", "--date", "-3", rep="r1")  # that day's visit counts
    visit(db, "Existing", "--date", "-3", "--amount", "500", rep="r1")
    visit(db, "Open", "--date", "-3", rep="r1")

    summary = four_visit(db)["summary"]
    assert summary["won"] == 3
    assert summary["won_at_or_above_min"] == 1
    assert summary["visits_to_win"] == {"1": 1, "2": 1, "4": 1}
    assert float(summary["share_at_or_above_min"]) == pytest.approx(1 / 3, abs=1e-3)
    assert prospects(db) == [("Open", "on-track")]

    summary = four_visit(db, "--min-visits", "2")["summary"]
    assert summary["won_at_or_above_min"] == 2
    assert float(summary["share_at_or_above_min"]) == pytest.approx(2 / 3, abs=1e-3)

    summary = four_visit(db, "--date", "-5")["summary"]  # before the last two wins
    assert (summary["won"], summary["visits_to_win"]) == (1, {"1": 1})
    assert float(summary["share_at_or_above_min"]) == 0


def test_four_visit_summary_share_is_null_when_no_prospect_was_won(team):
    visit(team, A)
    report = four_visit(team)
    assert report["summary"]["won"] == 0
    assert report["summary"]["won_at_or_above_min"] == 0
    assert report["summary"]["share_at_or_above_min"] is None
    assert report["summary"]["visits_to_win"] == {}


def test_four_visit_check_exits_1_only_when_a_prospect_is_overdue(team, monkeypatch):
    assert ok(team("four-visit", "--check")).exit_code == 0
    at(monkeypatch, "2026-11-20T09:00")
    ok(team("customer", "add", "Forgotten", "--grade", "B", "--rep", "li"))
    at(monkeypatch, f"{TODAY}T18:30")
    assert team("four-visit", "--check").exit_code == 1
    visit(team, "Forgotten")
    assert team("four-visit", "--check").exit_code == 0


def test_four_visit_check_exits_1_when_a_prospect_was_given_up(team):
    visit(team, A, "--outcome", "lost")
    assert team("four-visit", "--check").exit_code == 1
    assert team("four-visit", "--check", "--since", "tomorrow").exit_code == 0


# --- rank ------------------------------------------------------------------------------


@pytest.fixture
def sales_history(team):
    for day, amount in [
        ("2025-12-15", "1"),
        ("2026-08-10", "10"),
        ("2026-10-05", "100"),
        ("2026-11-03", "1000"),
        (TODAY, "10000"),
    ]:
        sale(team, amount, "--date", day)
    sale(team, "5", "--date", "yesterday", rep="li")
    return team


@pytest.mark.parametrize(
    ("args", "zhang", "li"),
    [
        ([], "10000", "0"),
        (["--date", "2026-11-03"], "1000", "0"),
        (["--date", "yesterday"], "0", "5"),
        (["--cumulative"], "11000", "5"),
        (["--cumulative", "--period", "month"], "11000", "5"),
        (["--cumulative", "--period", "quarter"], "11100", "5"),
        (["--cumulative", "--period", "year"], "11110", "5"),
        (["--cumulative", "--period", "all"], "11111", "5"),
        (["--cumulative", "--date", "2026-10-31"], "100", "0"),
        (["--cumulative", "--period", "year", "--date", "2026-09-30"], "10", "0"),
    ],
)
def test_rank_daily_and_cumulative_by_period(sales_history, args, zhang, li):
    assert amounts(sales_history, *args) == {"zhang": Decimal(zhang), "li": Decimal(li)}


def test_rank_ties_share_a_rank(db):
    for code in ["ee", "dd", "cc", "bb", "aa"]:
        ok(db("rep", "add", code, "--name", code.upper()))
    for code, amount in [("aa", "300"), ("bb", "500"), ("cc", "300"), ("dd", "100")]:
        sale(db, amount, rep=code)
    rows = rank(db)
    assert [(r["rank"], r["rep"], r["amount"]) for r in rows] == [
        (1, "bb", 500),
        (2, "aa", 300),
        (2, "cc", 300),
        (4, "dd", 100),
        (5, "ee", 0),
    ]
    assert [r["name"] for r in rows] == ["BB", "AA", "CC", "DD", "EE"]


def test_rank_with_no_sales_lists_every_rep_at_rank_1(team):
    rows = rank(team, "--cumulative")
    assert [(r["rank"], r["rep"], r["amount"]) for r in rows] == [(1, "li", 0), (1, "zhang", 0)]


def test_rank_lists_every_active_rep_and_drops_deactivated_ones(team):
    ok(team("rep", "add", "wang", "--name", "王伟"))
    sale(team, "100")
    sale(team, "500", rep="li")
    ok(team("rep", "deactivate", "li"))
    for args in ([], ["--cumulative"], ["--cumulative", "--metric", "visits"]):
        assert {r["rep"] for r in rank(team, *args)} == {"zhang", "wang"}, args
    rows = rank(team)
    assert [(r["rank"], r["rep"], r["name"], r["amount"]) for r in rows] == [
        (1, "zhang", "张伟", 100),
        (2, "wang", "王伟", 0),
    ]
    ok(team("rep", "activate", "li"))
    assert amounts(team) == {"li": 500, "zhang": 100, "wang": 0}


def test_rank_by_visits(team):
    visit(team, A)
    visit(team, B, "--amount", "9000")
    visit(team, C, rep="li")
    visit(team, C, "--date", "yesterday", rep="li")
    rows = rank(team, "--metric", "visits")
    assert [(r["rank"], r["rep"], r["amount"]) for r in rows] == [(1, "zhang", 2), (2, "li", 1)]
    assert all(type(r["amount"]) is int for r in rows)
    rows = rank(team, "--cumulative", "--metric", "visits")
    assert [(r["rank"], r["rep"], r["amount"]) for r in rows] == [(1, "li", 2), (1, "zhang", 2)]


@pytest.mark.parametrize(
    "args",
    [
        ["--period", "month"],
        ["--period", "year"],
        ["--period", "all"],
        ["--metric", "calls"],
        ["--date", "someday"],
    ],
)
def test_rank_usage_errors_exit_2(team, args):
    sale(team, "10")
    rejected(team("rank", *args))


def test_rank_json_rows_hold_the_listed_keys(team):
    sale(team, "12.34")
    rows = rank(team, "--cumulative")
    for row in rows:
        assert set(row) >= RANK_KEYS
    assert rows[0] == {**rows[0], "rank": 1, "rep": "zhang", "name": "张伟"}
    assert rows[0]["amount"] == Decimal("12.34")


# --- formats: JSON, CSV, tables --------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["due"],
        ["due", "--ahead", "30"],
        ["rank"],
        ["rank", "--cumulative", "--period", "all"],
        ["rank", "--metric", "visits"],
    ],
)
def test_csv_header_is_the_json_keys(team, command):
    visit(team, A, "--amount", "10.5", "--date", "yesterday")
    records = as_json(team(*command, "--format", "json"))
    rows = list(csv.reader(io.StringIO(ok(team(*command, "--format", "csv")).stdout)))
    assert records
    assert rows[0] == list(records[0])
    assert len(rows) == len(records) + 1


def test_four_visit_csv_header_is_the_prospect_keys(team):
    report = four_visit(team)
    rows = list(csv.reader(io.StringIO(ok(team("four-visit", "--format", "csv")).stdout)))
    assert rows[0] == list(report["prospects"][0])
    assert [r[0] for r in rows[1:]] == [p["customer"] for p in report["prospects"]]


def test_csv_values_match_json(team):
    visit(team, B, "--date", "yesterday", "--result", "下单, 补货", "--next", "today")
    rows = csv.DictReader(io.StringIO(ok(team("due", "--format", "csv")).stdout))
    [row] = [r for r in rows if r["customer"] == B]
    assert row["last_result"] == "下单, 补货"
    assert row["due_date"] == TODAY
    assert row["days_overdue"] == "0"


@pytest.mark.parametrize(
    "command",
    [["due"], ["due", "--date", "2026-01-01"], ["rank"], ["rank", "--cumulative"]],
)
def test_empty_results_are_an_empty_json_list(db, command):
    result = ok(db(*command, "--format", "json"))
    assert json.loads(result.stdout) == []
    assert result.stderr == ""
    assert ok(db(*command)).exit_code == 0


def test_empty_four_visit_is_not_an_error(db):
    report = four_visit(db)
    assert report["prospects"] == []
    assert report["summary"]["share_at_or_above_min"] is None
    assert ok(db("four-visit", "--check")).exit_code == 0


@pytest.mark.parametrize(
    "command",
    [["due"], ["due", "--ahead", "30"], ["four-visit"], ["rank"], ["rank", "--cumulative"]],
)
def test_table_output_when_piped_is_plain(team, monkeypatch, command):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    ok(team("customer", "add", "Overdue Shop", "--grade", "A", "--rep", "li"))
    visit(team, "Overdue Shop", "--date", "-20", "--next", "+1", rep="li")  # shown in red
    visit(team, A, "--amount", "88", "--next", "+3")  # the leader is shown in bold green
    output = ok(team(*command)).stdout
    assert "\x1b" not in output
    expected = "张伟" if command[0] == "rank" else "Overdue Shop"
    assert expected in output


def test_table_output_piped_to_another_process_is_plain(team):
    ok(team("customer", "add", "Overdue Shop", "--grade", "A", "--rep", "li"))
    visit(team, "Overdue Shop", "--date", "-20", "--next", "+1", rep="li")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    result = subprocess.run(
        [sys.executable, "-m", "salesproc", "due"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Overdue Shop" in result.stdout
    assert "\x1b" not in result.stdout
