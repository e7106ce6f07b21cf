"""One name, one customer; one name, one rep (issue 10 §5), through the real CLI.

Names are compared after NFKC, case folding and removing white space, so a
look-alike typed on a phone's input method (full-width ＫＫ, （）) finds the
customer on file instead of making a second one; look-alikes an older release
let in are joined with `customer merge`. A rep is found by its code (in any
case) or its name, and a name several reps share is refused rather than guessed.

conftest.py pins today to 2026-11-30; `team` has reps zhang 张伟 and li 李娜 and the
customers 万家超市 (A, zhang), 华联便利店 (B, zhang) and 兴隆商行 (C, li).
"""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from helpers import ok, rejected
from salesproc.db import migrate

A, B, C = "万家超市", "华联便利店", "兴隆商行"
SHOP, SHOP_HALF = "华联超市（文三店）", "华联超市(文三店)"
#: what merging SHOP_HALF into SHOP moves (the `look_alikes` fixture)
MOVED = "visits: 1, sales: 2, collections: 1, field records: 2"


# --- helpers ---------------------------------------------------------------------------


def as_json(run: Any) -> Any:
    return json.loads(ok(run).stdout)


def customers(cli: Any) -> list[dict[str, Any]]:
    return as_json(cli("customer", "list", "--format", "json"))


def reps(cli: Any) -> list[dict[str, Any]]:
    return as_json(cli("rep", "list", "--format", "json"))


def visits(cli: Any, *args: str) -> list[dict[str, Any]]:
    return as_json(cli("visit", "list", "--format", "json", *args))


def changes(cli: Any, *args: str) -> list[dict[str, Any]]:
    return as_json(cli("history", "--kind", "customer", "--format", "json", *args))


def old_release(path: Path, names: list[str]) -> None:
    """A database of schema 0005 at `path` (reps zhang and li), its customers keyed by the
    old rule (trimmed, case-folded), as a user upgrading to this release has it."""
    migrate.upgrade(create_engine(f"sqlite:///{path}"), "0005")
    with sqlite3.connect(path) as old:
        old.executemany(
            "INSERT INTO reps (id, code, name, region, active, created_at) "
            "VALUES (?, ?, ?, '杭州', 1, '2026-01-01 00:00:00.000000')",
            [(1, "zhang", "张伟"), (2, "li", "李娜")],
        )
        old.executemany(
            "INSERT INTO customers (id, name, name_key, grade, category, rep_id, added_on, "
            "created_at, next_due, visit_count) VALUES (?, ?, ?, 'B', 'prospect', ?, "
            "'2026-11-01', '2026-11-01 00:00:00.000000', '2026-11-01', 0)",
            [
                (i, name, " ".join(name.split()).casefold(), 1 + i % 2)
                for i, name in enumerate(names, start=1)
            ],
        )


def name_keys(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("SELECT name, name_key FROM customers"))


# --- look-alike customers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_file", "typed"),
    [
        (SHOP, SHOP_HALF),  # full-width brackets
        ("KK便利店", "ＫＫ便利店"),  # full-width letters
        ("万家 超市 2号店", "万家超市２号店"),  # spaces, a full-width digit
        ("Wanjia Mart", "WANJIA  mart"),  # case
    ],
)
def test_a_look_alike_customer_is_refused_naming_the_one_on_file(team, on_file, typed):
    ok(team("customer", "add", on_file, "--grade", "B"))
    before = customers(team)
    line = rejected(team("customer", "add", typed, "--grade", "A"), on_file, "customer merge")
    assert line == (
        f"Error: customer {' '.join(typed.split())} already exists (as {on_file}); "
        "use it, or merge with customer merge"
    )
    assert customers(team) == before


def test_every_customer_option_and_import_finds_a_look_alike(team, tmp_path):
    ok(team("customer", "add", "KK便利店", "--grade", "B", "--rep", "zhang"))
    ok(team("log-visit", "--rep", "zhang", "--customer", "ＫＫ 便利店", "--purpose", "order",
            "--date", "2026-11-28"))  # fmt: skip
    path = tmp_path / "form.csv"
    path.write_text(
        "date,rep,customer,start,end,purposes\n2026-11-29,zhang,kk便利店,09:00,09:30,order\n",
        encoding="utf-8",
    )
    ok(team("import", "visits", str(path)))
    assert {v["customer"] for v in visits(team)} == {"KK便利店"}
    assert len(visits(team, "--customer", "ｋｋ便利店")) == 2
    assert len(customers(team)) == 4  # no second customer was made


# --- merge -----------------------------------------------------------------------------


@pytest.fixture
def look_alikes(cli, isolated):
    """SHOP and SHOP_HALF, two customers from before 0006, upgraded: SHOP_HALF, already on
    the new key, keeps it and SHOP stays on its old one; each has a history of its own."""
    old_release(isolated / "sales.db", [SHOP, SHOP_HALF])
    ok(cli("log-visit", "--rep", "li", "--customer", SHOP_HALF, "--purpose", "order",
           "--date", "2026-11-20", "--amount", "300"))  # fmt: skip
    ok(cli("log-visit", "--rep", "zhang", "--customer", SHOP, "--purpose", "development",
           "--date", "2026-11-25", "--next", "2026-11-28"))  # fmt: skip
    ok(cli("sale", "add", "--rep", "li", "--customer", SHOP_HALF, "--amount", "50",
           "--date", "2026-11-21"))  # fmt: skip
    ok(cli("collection", "add", "--rep", "li", "--customer", SHOP_HALF, "--amount", "80",
           "--date", "2026-11-22"))  # fmt: skip
    ok(cli("field", "log", "--date", "2026-11-26", "--customer", SHOP, "--customer", SHOP_HALF))
    ok(cli("field", "log", "--date", "2026-11-27", "--customer", SHOP_HALF))
    return cli


def test_the_upgrade_leaves_look_alikes_apart_for_a_merge(look_alikes):
    listed = {c["name"]: c for c in customers(look_alikes)}
    assert set(listed) == {SHOP, SHOP_HALF}
    assert listed[SHOP_HALF]["category"] == "new"  # won by its sale
    assert listed[SHOP]["category"] == "prospect"


def test_a_dry_run_merge_says_what_would_move_and_writes_nothing(look_alikes):
    before = (customers(look_alikes), visits(look_alikes))
    said = ok(look_alikes("customer", "merge", SHOP, SHOP_HALF, "--dry-run")).stdout
    assert said.strip() == (
        f"Would merge {SHOP_HALF} into {SHOP}, moving {MOVED}; nothing written."
    )
    assert (customers(look_alikes), visits(look_alikes)) == before
    assert changes(look_alikes) == []


def test_merge_moves_the_history_and_replays_standing_and_due(look_alikes):
    said = ok(look_alikes("customer", "merge", SHOP, SHOP_HALF)).stdout
    assert said.strip() == (f"Merged {SHOP_HALF} into {SHOP}, moving {MOVED}.")
    [kept] = customers(look_alikes)
    assert (kept["name"], kept["rep"], kept["visits"]) == (SHOP, "li", 2)
    shown = as_json(look_alikes("customer", "show", SHOP_HALF, "--format", "json"))
    assert shown["name"] == SHOP  # the look-alike now finds the one kept
    assert (shown["category"], shown["won_on"]) == ("new", "2026-11-20")  # won by the sale moved
    assert sorted(s["amount"] for s in shown["sales"]) == [50, 300]
    assert [v["customer"] for v in visits(look_alikes)] == [SHOP, SHOP]
    [collection] = as_json(look_alikes("collection", "list", "--format", "json"))
    assert collection["customer"] == SHOP
    days = as_json(look_alikes("field", "list", "--format", "json"))
    assert [d["customers"] for d in days] == [[SHOP], [SHOP]]
    [due] = as_json(look_alikes("due", "--format", "json"))
    assert (due["customer"], due["due_date"], due["visits"]) == (SHOP, "2026-11-28", 2)

    [row] = changes(look_alikes)
    assert (row["kind"], row["action"], row["id"]) == ("customer", "merge", 2)
    assert row["before"]["name"] == SHOP_HALF
    assert row["before"]["moved"] == {"visits": 1, "sales": 2, "collections": 1, "field_days": 2}
    assert (row["after"]["name"], row["after"]["id"]) == (SHOP, 1)


def test_a_customer_cannot_be_merged_with_itself(team):
    ok(team("customer", "add", "KK便利店", "--grade", "B"))
    rejected(team("customer", "merge", "KK便利店", "ＫＫ便利店"), "same customer")
    assert changes(team) == []
    assert len(customers(team)) == 4


# --- delete ----------------------------------------------------------------------------


def test_delete_is_refused_for_a_customer_with_history_and_allowed_without(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order"))
    line = rejected(team("customer", "delete", A), A, "visits: 1", "customer merge")
    assert "merge it into another" in line
    assert A in [c["name"] for c in customers(team)]

    ok(team("customer", "add", "错字超市", "--grade", "C"))
    said = ok(team("customer", "delete", "错字 超市")).stdout
    assert said.strip() == "Deleted customer 错字超市."
    assert "错字超市" not in [c["name"] for c in customers(team)]
    [row] = changes(team)
    assert (row["action"], row["before"]["name"], row["after"]) == ("delete", "错字超市", None)
    rejected(team("customer", "delete", "错字超市"), "unknown customer")


# --- reassign --------------------------------------------------------------------------


def test_reassign_moves_a_leaving_reps_customers_and_records_each(team):
    said = ok(team("customer", "reassign", "--from", "zhang", "--to", "li", "--grade", "A"))
    assert said.stdout.strip() == "Moved 1 customer from zhang to li."
    assert {c["name"]: c["rep"] for c in customers(team)} == {A: "li", B: "zhang", C: "li"}
    said = ok(team("customer", "reassign", "--from", "张伟", "--to", "李娜"))  # names work too
    assert said.stdout.strip() == "Moved 1 customer from zhang to li."
    assert {c["rep"] for c in customers(team)} == {"li"}
    rows = changes(team)
    assert [(r["action"], r["before"]["rep_id"], r["after"]["rep_id"]) for r in rows] == [
        ("reassign", 1, 2),
        ("reassign", 1, 2),
    ]
    assert ok(team("customer", "reassign", "--from", "zhang", "--to", "li")).stdout.strip() == (
        "Moved 0 customers from zhang to li."
    )


def test_reassign_refuses_the_same_rep_and_a_deactivated_one(team):
    rejected(team("customer", "reassign", "--from", "zhang", "--to", "ZHANG"), "same rep")
    ok(team("rep", "deactivate", "li"))
    rejected(team("customer", "reassign", "--from", "zhang", "--to", "li"), "deactivated")
    assert {c["name"]: c["rep"] for c in customers(team)} == {A: "zhang", B: "zhang", C: "li"}
    assert changes(team) == []


# --- reps ------------------------------------------------------------------------------


def test_rep_codes_are_unique_ignoring_case(team):
    line = rejected(team("rep", "add", "ZHANG", "--name", "王五"), "'ZHANG'", "'zhang'")
    assert "ignore case" in line
    assert [r["code"] for r in reps(team)] == ["li", "zhang"]
    ok(team("log-visit", "--rep", "Zhang", "--customer", A, "--purpose", "order"))
    assert [v["rep"] for v in visits(team)] == ["zhang"]


def test_rep_add_with_a_name_in_use_is_refused_unless_allowed(team):
    line = rejected(team("rep", "add", "zw", "--name", "张 伟"), "'zhang'", "--allow-same-name")
    assert "张伟" in line
    assert [r["code"] for r in reps(team)] == ["li", "zhang"]
    ok(team("rep", "add", "zw", "--name", "张伟", "--allow-same-name"))
    assert [r["code"] for r in reps(team)] == ["li", "zhang", "zw"]


def test_a_rep_is_found_by_its_name(team):
    ok(team("log-visit", "--rep", "李娜", "--customer", C, "--purpose", "order"))
    assert [v["rep"] for v in visits(team, "--rep", "李娜")] == ["li"]


@pytest.fixture
def two_zhangwei(team):
    ok(team("rep", "add", "zw", "--name", "张伟", "--allow-same-name"))
    return team


def test_an_ambiguous_rep_name_is_refused_in_log_visit(two_zhangwei):
    line = rejected(two_zhangwei("log-visit", "--rep", "张伟", "--customer", A, "--purpose",
                                 "order"))  # fmt: skip
    assert line == "Error: --rep 张伟: 2 reps have this name: zhang, zw; use the code"
    assert visits(two_zhangwei) == []
    ok(two_zhangwei("log-visit", "--rep", "zw", "--customer", A, "--purpose", "order"))


def test_an_ambiguous_rep_name_is_a_bad_row_of_an_import(two_zhangwei, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("rep,date,amount\nli,2026-11-29,100\n张伟,2026-11-29,200\n", encoding="utf-8")
    result = two_zhangwei("import", "sales", str(path))
    assert result.exit_code == 2
    assert "row 3, column rep: 张伟: 2 reps have this name: zhang, zw; use the code" in (
        result.stderr
    )
    ranked = as_json(two_zhangwei("rank", "--cumulative", "--format", "json"))
    assert sum(row["amount"] for row in ranked) == 0


def test_two_active_reps_of_one_name_show_with_their_codes(two_zhangwei):
    ok(two_zhangwei("sale", "add", "--rep", "zw", "--amount", "500"))
    ranked = as_json(two_zhangwei("rank", "--format", "json"))
    assert [(r["rep"], r["name"]) for r in ranked] == [
        ("zw", "张伟(zw)"),
        ("li", "李娜"),
        ("zhang", "张伟(zhang)"),
    ]
    assert "张伟(zhang)" in ok(two_zhangwei("rank", "--cumulative")).stdout
    message = ok(two_zhangwei("broadcast", "--dry-run", "--edition", "evening")).stdout
    assert "1. 张伟(zw) 500.00" in message and "张伟(zhang)" in message
    ok(two_zhangwei("rep", "deactivate", "zhang"))
    ranked = as_json(two_zhangwei("rank", "--format", "json"))
    assert [r["name"] for r in ranked] == ["张伟", "李娜"]


# --- the upgrade -----------------------------------------------------------------------


def test_an_0005_database_gets_its_name_keys_recomputed(cli, isolated):
    path = isolated / "sales.db"
    old_release(path, [SHOP, "ＫＫ 便利店"])
    assert name_keys(path) == {SHOP: SHOP, "ＫＫ 便利店": "ｋｋ 便利店"}
    rejected(cli("customer", "add", SHOP_HALF, "--grade", "A"), SHOP)  # upgraded first
    assert name_keys(path) == {SHOP: SHOP_HALF, "ＫＫ 便利店": "kk便利店"}
    ok(cli("log-visit", "--rep", "zhang", "--customer", "KK便利店", "--purpose", "order"))
    assert [v["customer"] for v in visits(cli)] == ["ＫＫ 便利店"]


def test_look_alikes_on_file_survive_the_upgrade_the_first_on_the_new_key(cli, isolated):
    path = isolated / "sales.db"
    old_release(path, ["kk便利店", "ＫＫ便利店", "KK 便利店"])
    assert len(customers(cli)) == 3  # nothing failed, nothing was joined
    assert name_keys(path) == {
        "kk便利店": "kk便利店",
        "ＫＫ便利店": "ｋｋ便利店",
        "KK 便利店": "kk 便利店",
    }
    ok(cli("customer", "merge", "kk便利店", "ＫＫ便利店"))
    ok(cli("customer", "merge", "kk便利店", "KK 便利店"))
    assert [c["name"] for c in customers(cli)] == ["kk便利店"]
