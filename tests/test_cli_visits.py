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


def customer(cli, name):
    return json.loads(ok(cli("customer", "show", name, "--format", "json")).stdout)


def test_delete_removes_the_visit_and_its_sale_and_undoes_the_win(team):
    ok(team("customer", "add", "新店", "--grade", "C", "--rep", "zhang", "--category", "prospect"))
    log(team, "新店", "--date", "-3")
    log(team, "新店", "--date", "-1", "--outcome", "won", "--amount", "500")
    assert customer(team, "新店")["category"] == "new"
    won = visits(team, "--customer", "新店")[-1]
    out = ok(team("visit", "delete", str(won["id"]))).stdout
    assert f"Deleted visit #{won['id']} and its sale" in out
    assert [v["date"] for v in visits(team, "--customer", "新店")] == ["2026-11-27"]
    after = customer(team, "新店")
    assert (after["category"], after["won_on"]) == ("prospect", None)
    assert after["sales"] == []


def test_delete_keeps_a_win_a_later_sale_made(team):
    ok(team("customer", "add", "新店", "--grade", "C", "--rep", "zhang", "--category", "prospect"))
    log(team, "新店", "--date", "-3", "--outcome", "won")
    log(team, "新店", "--date", "-1", "--amount", "80")
    first = visits(team, "--customer", "新店")[0]
    ok(team("visit", "delete", str(first["id"])))
    after = customer(team, "新店")
    assert (after["category"], after["won_on"]) == ("new", "2026-11-29")


def test_delete_undoes_a_loss_and_the_customer_is_due_again(team):
    log(team, "兴隆商行", "--date", "-40")
    log(team, "兴隆商行", "--date", "-35", "--outcome", "lost")
    assert customer(team, "兴隆商行")["lost_on"] == "2026-10-26"
    lost = visits(team, "--customer", "兴隆商行")[-1]
    ok(team("visit", "delete", str(lost["id"])))
    assert customer(team, "兴隆商行")["lost_on"] is None
    due = json.loads(ok(team("due", "--format", "json")).stdout)
    assert "兴隆商行" in [d["customer"] for d in due]


def test_delete_of_an_unknown_visit_is_refused(team):
    rejected(team("visit", "delete", "999"), "no visit #999")
