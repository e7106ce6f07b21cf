"""`visit list` and `visit edit`: a rep finds a visit and corrects it."""

import json

import pytest

from helpers import ok, rejected


def log(cli, customer, *extra):
    return ok(
        cli("log-visit", "--rep", "zhang", "--customer", customer, "--purpose", "order", *extra)
    )


def visits(cli, *args):
    return json.loads(ok(cli("visit", "list", "--format", "json", *args)).stdout)


def test_visit_list_is_in_report_order_with_filters(team):
    log(team, "华联便利店", "--date", "-1", "--start", "14:00")
    log(team, "万家超市", "--date", "-1", "--start", "09:00")
    log(team, "万家超市", "--date", "-1")  # no start time: the day's first
    ok(team("log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "service"))
    listed = visits(team)
    assert [(v["date"], v["start"], v["customer"]) for v in listed] == [
        ("2026-11-29", None, "万家超市"),
        ("2026-11-29", "09:00", "万家超市"),
        ("2026-11-29", "14:00", "华联便利店"),
        ("2026-11-30", None, "兴隆商行"),
    ]
    assert set(listed[0]) >= {"id", "date", "rep", "customer", "purposes", "next_visit"}
    assert [v["customer"] for v in visits(team, "--rep", "li")] == ["兴隆商行"]
    assert len(visits(team, "--customer", "万家超市")) == 2
    assert len(visits(team, "--from", "today")) == 1
    assert len(visits(team, "--to", "yesterday")) == 3
    assert visits(team, "--from", "tomorrow") == []


def test_edit_changes_what_was_said_and_keeps_the_rest(team):
    log(team, "万家超市", "--date", "-2", "--start", "09:00", "--end", "09:30", "--result", "初谈")
    [visit] = visits(team)
    said = ok(team("visit", "edit", str(visit["id"]), "--result", "下单补货", "--purpose", "收款",
                   "--note", "改约周五", "--next", "+3"))  # fmt: skip
    assert f"#{visit['id']}" in said.stdout
    [edited] = visits(team)
    assert edited["result"] == "下单补货" and edited["note"] == "改约周五"
    assert edited["purposes"] == ["collection"]
    assert edited["next_visit"] == "2026-12-01"  # +3 from the visit on 11-28
    assert edited["start"] == "09:00" and edited["customer"] == "万家超市"
    due = json.loads(ok(team("due", "--ahead", "5", "--format", "json")).stdout)
    assert {d["customer"]: d["due_date"] for d in due}["万家超市"] == "2026-12-01"


def test_moving_a_visit_moves_its_sale_and_the_due_date(team):
    log(team, "万家超市", "--date", "-1", "--amount", "500")
    [visit] = visits(team)
    ok(team("visit", "edit", str(visit["id"]), "--date", "-10", "--next", "+7"))
    daily = json.loads(ok(team("rank", "--date", "-10", "--format", "json")).stdout)
    assert {r["rep"]: r["amount"] for r in daily}["zhang"] == 500
    yesterday = json.loads(ok(team("rank", "--date", "-1", "--format", "json")).stdout)
    assert {r["rep"]: r["amount"] for r in yesterday}["zhang"] == 0
    due = {d["customer"]: d for d in json.loads(ok(team("due", "--format", "json")).stdout)}
    assert due["万家超市"]["due_date"] == "2026-11-27"
    assert due["万家超市"]["days_overdue"] == 3


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--start", "10:00", "--end", "09:00"], ["before it starts"]),
        (["--date", "tomorrow"], ["after today"]),
        (["--next", "2026-11-01"], ["before the visit date"]),
        (["--date", "today"], ["before the visit date"]),  # the kept revisit would precede it
        (["--purpose", "bribe"], ["purpose"]),
        (["--start", "25:00"], ["bad time"]),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(team, args, words):
    log(team, "万家超市", "--date", "-10", "--start", "09:00", "--next", "2026-11-25")
    [before] = visits(team)
    rejected(team("visit", "edit", str(before["id"]), *args), *words)
    assert visits(team) == [before]


def test_editing_a_visit_that_does_not_exist(team):
    rejected(team("visit", "edit", "42", "--note", "x"), "no visit #42")
