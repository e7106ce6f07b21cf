"""The team and the customer file through the real CLI: `rep …` and `customer …`.

Every test runs salesproc on its own temporary database with "today" pinned to
2026-11-30 (see conftest.py). The `team` fixture holds the reps zhang and li and
three prospects added today: 万家超市 (grade A, zhang), 华联便利店 (B, zhang) and
兴隆商行 (C, li).
"""

import csv
import io
import json
from typing import Any

import pytest

from helpers import ok, rejected

TODAY = "2026-11-30"
A, B, C = "万家超市", "华联便利店", "兴隆商行"

REP_KEYS = {"code", "name", "region", "phone", "active"}
CUSTOMER_KEYS = {
    "name",
    "grade",
    "category",
    "rep",
    "phone",
    "contact",
    "region",
    "visits",
    "last_visit",
}


# --- helpers ---------------------------------------------------------------------------


def reps(cli: Any) -> dict[str, dict[str, Any]]:
    rows = json.loads(ok(cli("rep", "list", "--format", "json")).stdout)
    return {row["code"]: row for row in rows}


def customers(cli: Any, *args: str) -> dict[str, dict[str, Any]]:
    rows = json.loads(ok(cli("customer", "list", "--format", "json", *args)).stdout)
    return {row["name"]: row for row in rows}


def show(cli: Any, name: str) -> dict[str, Any]:
    return json.loads(ok(cli("customer", "show", name, "--format", "json")).stdout)


def visit(cli: Any, customer: str, *extra: str, rep: str = "zhang") -> None:
    ok(cli("log-visit", "--rep", rep, "--customer", customer, "--purpose", "order", *extra))


def snapshot(cli: Any) -> dict[str, Any]:
    """The team and the customer file as the listings show them."""
    listed = customers(cli)
    return {
        "reps": reps(cli),
        "customers": listed,
        "details": {name: show(cli, name) for name in listed},
    }


# --- reps ------------------------------------------------------------------------------


def test_rep_add_and_list(db):
    ok(db("rep", "add", "zhang", "--name", "张伟", "--region", "杭州", "--phone", "13800000001"))
    ok(db("rep", "add", "li", "--name", "李娜"))
    listed = reps(db)
    assert listed["zhang"] == {
        **listed["zhang"],
        "code": "zhang",
        "name": "张伟",
        "region": "杭州",
        "phone": "13800000001",
        "active": True,
    }
    assert listed["li"] == {**listed["li"], "name": "李娜", "region": None, "phone": None}
    assert listed["li"]["active"] is True
    for row in listed.values():
        assert set(row) >= REP_KEYS
    table = ok(db("rep", "list")).stdout
    assert "张伟" in table and "杭州" in table and "李娜" in table
    assert "\x1b" not in table


def test_rep_list_is_empty_in_a_new_database(db):
    result = ok(db("rep", "list", "--format", "json"))
    assert json.loads(result.stdout) == []
    assert ok(db("rep", "list")).exit_code == 0


@pytest.mark.parametrize("code", ["zhang", " zhang "])
def test_duplicate_rep_code_exits_2_and_keeps_the_first(team, code):
    before = snapshot(team)
    rejected(team("rep", "add", code, "--name", "张三", "--region", "温州"), "zhang")
    assert snapshot(team) == before
    assert reps(team)["zhang"]["name"] == "张伟"


def test_rep_deactivate_keeps_history_and_activate_brings_back(team):
    visit(team, A, "--amount", "300")
    result = ok(team("rep", "deactivate", "zhang"))
    assert result.stderr == ""
    listed = reps(team)
    assert listed["zhang"]["active"] is False
    assert listed["li"]["active"] is True
    assert [v["rep"] for v in show(team, A)["visits"]] == ["zhang"]
    assert customers(team)[A]["rep"] == "zhang"

    ok(team("rep", "activate", "zhang"))
    assert reps(team)["zhang"]["active"] is True
    board = json.loads(ok(team("rep", "list", "--format", "json")).stdout)
    assert {row["code"] for row in board} == {"zhang", "li"}


@pytest.mark.parametrize("action", ["deactivate", "activate"])
def test_unknown_rep_code_exits_2_suggesting_close_matches(team, action):
    before = snapshot(team)
    rejected(team("rep", action, "zhagn"), "zhagn", "zhang")
    assert snapshot(team) == before


def test_rep_list_csv_header_is_the_json_keys(team):
    records = json.loads(ok(team("rep", "list", "--format", "json")).stdout)
    rows = list(csv.reader(io.StringIO(ok(team("rep", "list", "--format", "csv")).stdout)))
    assert rows[0] == list(records[0])
    assert len(rows) == len(records) + 1


# --- customer add ----------------------------------------------------------------------


def test_customer_add_records_the_details_as_a_prospect(db):
    ok(db("rep", "add", "zhang", "--name", "张伟"))
    ok(
        db("customer", "add", "万家超市", "--grade", "A", "--rep", "zhang", "--contact", "王经理",
           "--phone", "13800000001", "--region", "杭州")
    )  # fmt: skip
    row = customers(db)["万家超市"]
    assert set(row) >= CUSTOMER_KEYS
    assert {key: row[key] for key in CUSTOMER_KEYS} == {
        "name": "万家超市",
        "grade": "A",
        "category": "prospect",
        "rep": "zhang",
        "phone": "13800000001",
        "contact": "王经理",
        "region": "杭州",
        "visits": 0,
        "last_visit": None,
    }
    assert show(db, "万家超市")["added_on"] == TODAY


@pytest.mark.parametrize(
    ("word", "category"),
    [
        ("prospect", "prospect"),
        ("new", "new"),
        ("existing", "existing"),
        ("开发", "prospect"),
        ("新增", "new"),
        ("原有", "existing"),
    ],
)
def test_customer_add_category_in_either_language(db, word, category):
    ok(db("customer", "add", "Shop", "--grade", "B", "--category", word))
    assert customers(db)["Shop"]["category"] == category


def test_customer_add_without_rep_leaves_it_open(db):
    ok(db("customer", "add", "Shop", "--grade", "C"))
    assert customers(db)["Shop"]["rep"] is None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["新店", "--grade", "D"], ["D"]),
        (["新店", "--grade", "A", "--category", "vip"], ["vip"]),
        (["新店", "--grade", "A", "--rep", "zhagn"], ["zhagn", "zhang"]),
        (["   ", "--grade", "A"], []),
        (["新店"], ["--grade"]),
    ],
    ids=["bad-grade", "bad-category", "unknown-rep", "empty-name", "missing-grade"],
)
def test_customer_add_rejections_write_nothing(team, args, words):
    before = snapshot(team)
    rejected(team("customer", "add", *args), *words)
    assert snapshot(team) == before


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("万家超市", "万家超市"),
        ("万家超市", "  万家超市 "),
        ("万家 超市", "万家   超市"),
        ("Acme Store", "acme store"),
        ("Acme Store", "  ACME   Store "),
        ("Acme Store", "Acme\tstore"),
    ],
)
def test_customer_names_are_unique_after_trimming_and_folding(db, first, second):
    ok(db("customer", "add", first, "--grade", "A"))
    before = snapshot(db)
    rejected(db("customer", "add", second, "--grade", "B", "--phone", "139"), first)
    assert snapshot(db) == before


def test_customer_name_is_stored_trimmed_and_found_by_any_spelling(team):
    ok(team("customer", "add", "  Acme   Store  ", "--grade", "B", "--rep", "li"))
    assert "Acme Store" in customers(team)
    assert show(team, "acme store")["name"] == "Acme Store"
    visit(team, "ACME  store", rep="li")
    assert customers(team)["Acme Store"]["visits"] == 1


# --- customer list ---------------------------------------------------------------------


def test_customer_list_filters_by_grade_rep_and_category(team):
    ok(team("customer", "add", "老客户", "--grade", "A", "--rep", "li", "--category", "existing"))
    assert set(customers(team)) == {A, B, C, "老客户"}
    assert set(customers(team, "--grade", "A")) == {A, "老客户"}
    assert set(customers(team, "--rep", "li")) == {C, "老客户"}
    assert set(customers(team, "--category", "existing")) == {"老客户"}
    assert set(customers(team, "--category", "原有")) == {"老客户"}
    assert set(customers(team, "--grade", "A", "--rep", "li")) == {"老客户"}
    assert customers(team, "--grade", "C", "--rep", "zhang") == {}


@pytest.mark.parametrize(
    "args",
    [["--rep", "zhagn"], ["--grade", "D"], ["--category", "vip"]],
)
def test_customer_list_bad_filter_exits_2(team, args):
    rejected(team("customer", "list", *args))


def test_customer_list_counts_visits_and_shows_the_last(team):
    visit(team, A, "--date", "-3")
    visit(team, A, "--date", "yesterday")
    visit(team, A, "--date", "-2")
    rows = customers(team)
    assert (rows[A]["visits"], rows[A]["last_visit"]) == (3, "2026-11-29")
    assert (rows[B]["visits"], rows[B]["last_visit"]) == (0, None)


def test_customer_list_is_empty_in_a_new_database(db):
    assert json.loads(ok(db("customer", "list", "--format", "json")).stdout) == []
    assert ok(db("customer", "list")).exit_code == 0


def test_customer_list_csv_header_is_the_json_keys(team):
    visit(team, A)
    records = json.loads(ok(team("customer", "list", "--format", "json")).stdout)
    rows = list(csv.reader(io.StringIO(ok(team("customer", "list", "--format", "csv")).stdout)))
    assert rows[0] == list(records[0])
    assert len(rows) == len(records) + 1


def test_customer_list_table_is_plain_when_piped(team, monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    output = ok(team("customer", "list")).stdout
    assert A in output and "13800000001" in output
    assert "\x1b" not in output


# --- customer show ---------------------------------------------------------------------


def test_customer_show_gives_details_and_the_visit_timeline(team):
    visit(team, A, "--date", "yesterday", "--start", "14:00", "--result", "下单补货")
    visit(team, A, "--date", "-3", "--next", "+2")
    visit(team, A, "--date", "yesterday", "--start", "09:00", rep="li")
    details = show(team, A)
    assert details["name"] == A
    assert (details["grade"], details["category"], details["rep"]) == ("A", "prospect", "zhang")
    assert details["phone"] == "13800000001"
    timeline = [(v["date"], v["start"], v["rep"]) for v in details["visits"]]
    assert timeline == [
        ("2026-11-27", None, "zhang"),
        ("2026-11-29", "09:00", "li"),
        ("2026-11-29", "14:00", "zhang"),
    ]
    # 11-27 + 2 is Sunday 11-29: moved to Monday (issue 11, section 3)
    assert details["visits"][0]["next_visit"] == "2026-11-30"
    assert details["visits"][2]["result"] == "下单补货"

    table = ok(team("customer", "show", A)).stdout
    for text in [A, "13800000001", "2026-11-27", "下单补货"]:
        assert text in table
    assert "\x1b" not in table


@pytest.mark.parametrize(("typed", "suggested"), [("万家", A), ("华联便利", B)])
def test_customer_show_unknown_exits_2_suggesting_close_matches(team, typed, suggested):
    rejected(team("customer", "show", typed), suggested)


# --- customer edit ---------------------------------------------------------------------


def test_customer_edit_changes_only_what_is_given(team):
    ok(
        team("customer", "edit", A, "--grade", "C", "--rep", "li", "--contact", "王经理",
             "--phone", "13900000009", "--region", "宁波", "--category", "existing")
    )  # fmt: skip
    row = customers(team)[A]
    assert {key: row[key] for key in CUSTOMER_KEYS - {"visits", "last_visit"}} == {
        "name": A,
        "grade": "C",
        "category": "existing",
        "rep": "li",
        "phone": "13900000009",
        "contact": "王经理",
        "region": "宁波",
    }
    ok(team("customer", "edit", B, "--phone", "13700000000"))
    row = customers(team)[B]
    assert (row["phone"], row["grade"], row["rep"]) == ("13700000000", "B", "zhang")


def test_customer_edit_reassigns_the_rep_for_due(team):
    ok(team("customer", "edit", A, "--rep", "li"))
    due = json.loads(ok(team("due", "--rep", "li", "--format", "json")).stdout)
    assert {row["customer"] for row in due} == {A, C}


def test_customer_edit_can_rename(team):
    visit(team, A)
    ok(team("customer", "edit", A, "--name", "万家超市西湖店"))
    assert show(team, "万家超市西湖店")["visits"][0]["rep"] == "zhang"
    rejected(team("customer", "show", A))


def test_customer_edit_may_change_only_case_and_spacing_of_its_own_name(db):
    ok(db("customer", "add", "acme store", "--grade", "A"))
    ok(db("customer", "edit", "ACME STORE", "--name", " Acme  Store "))
    assert list(customers(db)) == ["Acme Store"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["万家", "--grade", "B"], [A]),
        ([A, "--name", " 华联便利店 "], [B]),
        ([A, "--rep", "zhagn"], ["zhang"]),
        ([A, "--grade", "D"], ["D"]),
        ([A, "--category", "vip"], ["vip"]),
    ],
    ids=["unknown-customer", "rename-to-taken-name", "unknown-rep", "bad-grade", "bad-category"],
)
def test_customer_edit_rejections_write_nothing(team, args, words):
    before = snapshot(team)
    rejected(team("customer", "edit", *args), *words)
    assert snapshot(team) == before
