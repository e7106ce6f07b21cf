"""`sale list`, `sale edit`, `sale delete` and returns: every figure on the board correctable."""

import json

import pytest

from conftest import stored
from helpers import ok, rejected

A, B, C = "万家超市", "华联便利店", "兴隆商行"


def sales(cli, *args):
    return json.loads(ok(cli("sale", "list", "--format", "json", *args)).stdout)


def board(cli, *args):
    """rep → amount on a leaderboard (`rank` with `args`)."""
    rows = json.loads(ok(cli("rank", "--format", "json", *args)).stdout)
    return {r["rep"]: r["amount"] for r in rows}


def sale(cli, *args):
    return ok(cli("sale", "add", *args))


def category(cli, name):
    rows = json.loads(ok(cli("customer", "list", "--format", "json")).stdout)
    return {r["name"]: r["category"] for r in rows}[name]


def snapshot(cli):
    """What a refusal must leave untouched: the sales, the customers and the history."""
    return (
        ok(cli("sale", "list", "--format", "json")).stdout,
        ok(cli("customer", "list", "--format", "json")).stdout,
        _history(),
    )


def _history():
    return stored("SELECT kind, record_id, action, before, after FROM history ORDER BY id")


# --- sale list --------------------------------------------------------------------------------


def test_sale_list_in_date_order_with_kinds_filters_and_footer(team):
    sale(team, "--rep", "zhang", "--amount", "1200.5", "--date", "-2", "--customer", A,
         "--ref", "SO-1")  # fmt: skip
    sale(team, "--rep", "li", "--amount", "300", "--date", "-5")
    ok(team("log-visit", "--rep", "zhang", "--customer", B, "--purpose", "order",
            "--amount", "80", "--date", "-2"))  # fmt: skip
    ok(team("sale", "add", "--return", "--of", "1", "--amount", "200.50"))
    listed = sales(team)
    assert [(s["id"], s["date"]) for s in listed] == [
        (2, "2026-11-25"), (1, "2026-11-28"), (3, "2026-11-28"), (4, "2026-11-30"),
    ]  # fmt: skip
    assert listed[1] == {
        "id": 1, "date": "2026-11-28", "rep": "zhang", "customer": A, "amount": "1200.50",
        "kind": "sale", "ref": "SO-1", "visit_id": None,
    }  # fmt: skip
    assert listed[0]["customer"] is None and listed[0]["ref"] is None
    assert listed[2]["visit_id"] is not None
    assert listed[3] == {
        "id": 4, "date": "2026-11-30", "rep": "zhang", "customer": A, "amount": "-200.50",
        "kind": "return", "ref": None, "visit_id": None,
    }  # fmt: skip
    assert [s["id"] for s in sales(team, "--rep", "li")] == [2]
    assert [s["id"] for s in sales(team, "--customer", A)] == [1, 4]
    assert [s["id"] for s in sales(team, "--from", "-2", "--to", "-1")] == [1, 3]
    table = ok(team("sale", "list")).stdout
    assert "-200.50" in table and "1,200.50" in table
    assert table.splitlines()[-1] == "4 sales and returns, net 1,380.00"
    csv = ok(team("sale", "list", "--format", "csv")).stdout.splitlines()
    assert csv[0] == "id,date,rep,customer,amount,kind,ref,visit_id"
    assert csv[-1] == f"4,2026-11-30,zhang,{A},-200.50,return,,"


# --- sale edit: the 42000 typed for 4200 ------------------------------------------------------


def test_a_mistyped_sale_corrected_shows_on_the_cumulative_board_and_in_the_history(team):
    sale(team, "--rep", "zhang", "--amount", "42000", "--date", "2026-11-27")
    sale(team, "--rep", "li", "--amount", "5000", "--date", "2026-11-27")
    assert board(team, "--cumulative") == {"zhang": 42000, "li": 5000}
    said = ok(team("sale", "edit", "1", "--amount", "4200")).stdout
    assert "#1" in said and "4,200.00" in said
    assert board(team, "--cumulative") == {"li": 5000, "zhang": 4200}
    assert sales(team)[0]["amount"] == "4200.00"
    [change] = json.loads(ok(team("history", "--kind", "sale", "--format", "json")).stdout)
    assert (change["kind"], change["id"], change["action"]) == ("sale", 1, "edit")
    assert change["before"]["amount_cents"] == 4_200_000
    assert change["after"]["amount_cents"] == 420_000


def test_edit_moves_a_sale_to_another_day_rep_customer_and_ref(team):
    sale(team, "--rep", "zhang", "--amount", "500", "--date", "-1", "--ref", "X")
    ok(team("sale", "edit", "1", "--date", "-3", "--rep", "li", "--customer", C, "--ref", "SO-9"))
    [moved] = sales(team)
    assert (moved["date"], moved["rep"], moved["customer"], moved["ref"]) == (
        "2026-11-27", "li", C, "SO-9",
    )  # fmt: skip
    assert board(team, "--date", "-3") == {"li": 500, "zhang": 0}
    ok(team("sale", "edit", "1", "--ref", ""))
    assert sales(team)[0]["ref"] is None


def test_moving_a_prospects_first_sale_away_replays_both_customers(team):
    sale(team, "--rep", "zhang", "--amount", "500", "--customer", A, "--date", "-5")
    assert category(team, A) == "new"
    ok(team("sale", "edit", "1", "--customer", C))
    assert category(team, A) == "prospect"  # its win was that sale, now someone else's
    assert category(team, C) == "new"
    shown = json.loads(ok(team("customer", "show", C, "--format", "json")).stdout)
    assert shown["won_on"] == "2026-11-25"


def test_moving_a_first_sale_later_moves_the_day_of_the_win(team):
    sale(team, "--rep", "zhang", "--amount", "500", "--customer", A, "--date", "-5")
    ok(team("sale", "edit", "1", "--date", "-1"))
    shown = json.loads(ok(team("customer", "show", A, "--format", "json")).stdout)
    assert shown["won_on"] == "2026-11-29"


def test_a_return_amount_is_edited_as_a_positive_number_and_stays_a_return(team):
    sale(team, "--rep", "zhang", "--amount", "1000")
    ok(team("sale", "add", "--return", "--of", "1", "--amount", "100"))
    ok(team("sale", "edit", "2", "--amount", "300"))
    assert [(s["amount"], s["kind"]) for s in sales(team)] == [
        ("1000.00", "sale"), ("-300.00", "return"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["1", "--date", "tomorrow"], ["after today"]),
        (["1", "--rep", "nobody"], ["unknown rep 'nobody'"]),
        (["1", "--rep", "wang"], ["deactivated", "rep activate wang"]),
        (["1", "--customer", "无名店"], ["unknown customer '无名店'"]),
        (["1", "--amount", "0"], ["bad amount"]),
        (["1", "--amount", "-5"], ["positive"]),
        (["1"], ["nothing to change"]),
        (["9", "--amount", "5"], ["no sale #9", "sale list"]),
        (["1", "--amount", "100"], ["returns against sale #1 total 200.00"]),
        (["2", "--amount", "1000.01"], ["at most 1,000.00 is left to return"]),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(team, args, words):
    ok(team("rep", "add", "wang", "--name", "王强"))
    ok(team("rep", "deactivate", "wang"))
    sale(team, "--rep", "zhang", "--amount", "1000", "--customer", A, "--date", "-2")
    ok(team("sale", "add", "--return", "--of", "1", "--amount", "200"))
    before = snapshot(team)
    rejected(team("sale", "edit", *args), *words)
    assert snapshot(team) == before


def test_a_deactivated_reps_own_sale_can_still_be_corrected(team):
    sale(team, "--rep", "li", "--amount", "42000", "--date", "-3")
    ok(team("rep", "deactivate", "li"))
    ok(team("sale", "edit", "1", "--amount", "4200"))
    assert sales(team)[0]["amount"] == "4200.00"


# --- a sale logged on a visit -----------------------------------------------------------------


def test_a_visits_sale_keeps_the_visits_day_rep_and_customer(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order",
            "--amount", "42000", "--date", "-1"))  # fmt: skip
    [logged] = sales(team)
    before = snapshot(team)
    for option, value in (("--date", "-2"), ("--customer", B), ("--rep", "li")):
        line = rejected(team("sale", "edit", str(logged["id"]), option, value),
                        f"visit #{logged['visit_id']}", "visit edit")  # fmt: skip
        assert "delete the sale" in line
    assert snapshot(team) == before
    ok(team("sale", "edit", str(logged["id"]), "--amount", "4200", "--date", "-1"))
    assert sales(team)[0]["amount"] == "4200.00"


# --- sale delete ------------------------------------------------------------------------------


def test_deleting_a_prospects_first_sale_undoes_the_win_and_is_recorded(team):
    sale(team, "--rep", "zhang", "--amount", "500", "--customer", A, "--date", "-3")
    assert category(team, A) == "new"
    said = ok(team("sale", "delete", "1")).stdout
    assert "Deleted sale #1" in said
    assert sales(team) == []
    assert category(team, A) == "prospect"
    assert board(team, "--cumulative")["zhang"] == 0
    [(kind, record, action, before, after)] = _history()
    assert (kind, record, action, after) == ("sale", 1, "delete", None)
    assert json.loads(before)["amount_cents"] == 50_000


def test_deleting_a_first_sale_keeps_the_win_of_a_later_one(team):
    sale(team, "--rep", "zhang", "--amount", "500", "--customer", A, "--date", "-5")
    sale(team, "--rep", "zhang", "--amount", "700", "--customer", A, "--date", "-2")
    ok(team("sale", "delete", "1"))
    assert category(team, A) == "new"
    shown = json.loads(ok(team("customer", "show", A, "--format", "json")).stdout)
    assert shown["won_on"] == "2026-11-28"


def test_deleting_a_sale_with_returns_against_it_is_refused(team):
    sale(team, "--rep", "zhang", "--amount", "500")
    ok(team("sale", "add", "--return", "--of", "1", "--amount", "50"))
    before = snapshot(team)
    rejected(team("sale", "delete", "1"), "returns against it (#2)", "delete them first")
    rejected(team("sale", "delete", "7"), "no sale #7")
    assert snapshot(team) == before
    ok(team("sale", "delete", "2"))
    ok(team("sale", "delete", "1"))
    assert sales(team) == []


# --- returns ----------------------------------------------------------------------------------


def test_a_return_nets_the_boards_and_progress(team):
    ok(team("target", "set", "--rep", "zhang", "--amount", "12000", "--split", "even"))
    sale(team, "--rep", "zhang", "--amount", "900", "--date", "-3")
    sale(team, "--rep", "li", "--amount", "600", "--date", "-3")
    assert board(team, "--cumulative") == {"zhang": 900, "li": 600}
    said = ok(team("sale", "add", "--return", "--rep", "zhang", "--amount", "400")).stdout
    assert "return #3" in said and "-400.00" in said
    assert board(team, "--cumulative") == {"li": 600, "zhang": 500}
    assert board(team) == {"li": 0, "zhang": -400}  # today's board: the return's day
    assert board(team, "--cumulative", "--by", "region") == {"宁波": 600, "杭州": 500}
    rows = json.loads(ok(team("progress", "--format", "json", "--rep", "zhang")).stdout)
    month = next(r for r in rows if r["period"] == "month")
    assert (month["actual"], month["target"], month["gap"]) == (500, 1000, 500)


def test_a_return_nets_the_broadcast(team):
    sale(team, "--rep", "zhang", "--amount", "1200", "--date", "-1")
    sale(team, "--rep", "li", "--amount", "800", "--date", "-1")
    ok(team("sale", "add", "--return", "--of", "1", "--amount", "1000"))
    lines = ok(team("broadcast", "--dry-run", "--edition", "evening")).stdout.splitlines()
    assert "Team total: 1,000.00" in lines
    month = lines[lines.index("Month to date, 2026-11-01 to 2026-11-30:") :]
    assert "1. 李娜 800.00" in month and "2. 张伟 200.00" in month


def test_a_return_nets_the_pressing_stock_rule(team):
    sale(team, "--rep", "zhang", "--amount", "1000", "--date", "2026-10-05")
    sale(team, "--rep", "zhang", "--amount", "3000", "--date", "2026-10-30")

    def flagged():
        flags = json.loads(ok(team("audit", "--from", "2026-10-01", "--to", "2026-10-31",
                                   "--rep", "zhang", "--format", "json")).stdout)  # fmt: skip
        return [f for f in flags if f["rule"] == "pressing-stock"]

    assert len(flagged()) == 1  # 3,000 of 4,000 in the month's last days
    ok(team("sale", "add", "--return", "--of", "2", "--amount", "2500", "--date", "2026-10-31"))
    assert flagged() == []  # 500 of 1,500: a third


def test_a_return_against_a_sale_takes_its_rep_and_customer(team):
    sale(team, "--rep", "li", "--amount", "800", "--customer", C, "--date", "-4", "--ref", "SO-7")
    said = ok(team("sale", "add", "--return", "--of", "1", "--amount", "300", "--ref", "RT-1"))
    assert "against sale #1" in said.stdout
    returned = sales(team)[1]
    assert (returned["rep"], returned["customer"], returned["amount"], returned["ref"]) == (
        "li", C, "-300.00", "RT-1",
    )  # fmt: skip
    ok(team("sale", "add", "--return", "--of", "1", "--amount", "500"))  # the rest: allowed
    assert board(team, "--cumulative")["li"] == 0


def test_a_return_never_wins_a_prospect(team):
    ok(team("sale", "add", "--return", "--rep", "zhang", "--customer", A, "--amount", "100"))
    assert category(team, A) == "prospect"
    ok(team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order",
            "--outcome", "lost", "--date", "-1"))  # fmt: skip
    ok(team("sale", "add", "--return", "--rep", "zhang", "--customer", A, "--amount", "50"))
    due = json.loads(ok(team("due", "--format", "json")).stdout)
    assert A not in {d["customer"] for d in due}  # still lost: a return reopens nothing


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--rep", "zhang", "--amount", "-500"], ["negative amount is a return", "--return"]),
        (["--return", "--rep", "zhang", "--amount", "-500"], ["positive amount"]),
        (["--return", "--of", "1", "--amount", "801"],
         ["sale #1 was 1,000.00", "200.00 of it is returned", "at most 800.00 is left"]),
        (["--return", "--of", "2", "--amount", "1"], ["#2 is a return", "--of"]),
        (["--return", "--of", "99", "--amount", "1"], ["no sale #99"]),
        (["--of", "1", "--rep", "zhang", "--amount", "1"], ["add --return"]),
        (["--return", "--rep", "zhang", "--amount", "0"], ["bad amount"]),
        (["--return", "--of", "1", "--amount", "5", "--date", "tomorrow"], ["after today"]),
    ],
)  # fmt: skip
def test_bad_returns_are_refused_and_write_nothing(team, args, words):
    sale(team, "--rep", "zhang", "--amount", "1000", "--customer", A)
    ok(team("sale", "add", "--return", "--of", "1", "--amount", "200"))
    before = snapshot(team)
    rejected(team("sale", "add", *args), *words)
    assert snapshot(team) == before


# --- import sales: credit notes ---------------------------------------------------------------


def test_import_reads_negative_amounts_as_returns(team, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text(
        "rep,date,amount,customer\n"
        f"zhang,2026-11-20,1200,\nzhang,2026-11-21,-200.50,\nli,2026-11-21,-100,{C}\n",
        encoding="utf-8",
    )
    ok(team("import", "sales", str(path)))
    assert [(s["amount"], s["kind"]) for s in sales(team)] == [
        ("1200.00", "sale"), ("-200.50", "return"), ("-100.00", "return"),
    ]  # fmt: skip
    assert board(team, "--cumulative") == {"zhang": 999.5, "li": -100}
    assert category(team, C) == "prospect"  # a credit note wins no one


def test_import_still_refuses_a_zero_amount(team, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("rep,date,amount\nzhang,2026-11-20,-0\nzhang,2026-11-20,0\n", encoding="utf-8")
    run = team("import", "sales", str(path))
    assert run.exit_code == 2
    assert "row 2, column amount" in run.stderr and "row 3, column amount" in run.stderr
    assert sales(team) == []


def test_deleting_a_visit_whose_sale_has_returns_is_refused(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "order",
            "--amount", "500", "--date", "-1"))  # fmt: skip
    ok(team("sale", "add", "--return", "--of", "1", "--amount", "100"))
    before = snapshot(team)
    rejected(team("visit", "delete", "1"), "sale #1 has returns against it (#2)")
    assert snapshot(team) == before


def test_a_deleted_sales_number_is_never_given_to_the_next_one(team):
    """The history names records by number: a new sale must not inherit a deleted one's."""
    assert team("sale", "add", "--rep", "zhang", "--amount", "42000").exit_code == 0
    assert team("sale", "delete", "1").exit_code == 0
    added = team("sale", "add", "--rep", "zhang", "--amount", "4200")
    assert added.exit_code == 0 and "#2" in added.stdout
    story = team("history", "--kind", "sale", "--id", "1", "--format", "json").json()
    assert [change["action"] for change in story] == ["delete"]
    assert team("history", "--kind", "sale", "--id", "2", "--format", "json").json() == []


def test_the_sales_list_speaks_the_office_s_words_in_chinese(team):
    assert (
        team(
            "sale", "add", "--rep", "zhang", "--amount", "1000", "--customer", "万家超市"
        ).exit_code
        == 0
    )
    assert team("sale", "add", "--return", "--of", "1", "--amount", "200").exit_code == 0
    shown = team("--lang", "zh", "sale", "list").stdout
    assert "退货" in shown and "-200.00" in shown
