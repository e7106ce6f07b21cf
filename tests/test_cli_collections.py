"""Collections (回款) through the real CLI: recorded, listed, corrected, ranked, targeted,
broadcast and imported.

Every test runs salesproc on its own temporary database with "today" pinned to
2026-11-30 (see conftest.py). The `team` fixture holds the reps zhang (张伟) and
li (李娜) and three prospects: 万家超市 (A, zhang), 华联便利店 (B, zhang) and
兴隆商行 (C, li).
"""

import json
from pathlib import Path
from typing import Any

from conftest import stored
from helpers import ok, rejected

A, B, C = "万家超市", "华联便利店", "兴隆商行"


def listed(cli: Any, *args: str) -> list[dict[str, Any]]:
    return json.loads(ok(cli("collection", "list", "--format", "json", *args)).stdout)


def history(folder: Path, kind: str | None = None) -> list[tuple[Any, ...]]:
    """The history rows (kind, record id, action, before, after), oldest first."""
    rows = stored("SELECT kind, record_id, action, before, after FROM history ORDER BY id")
    return [
        (k, i, a, json.loads(b) if b else None, json.loads(f) if f else None)
        for k, i, a, b, f in rows
        if kind is None or k == kind
    ]


def board(cli: Any, *args: str) -> list[dict[str, Any]]:
    command = ("rank", "--metric", "collections", "--format", "json", *args)
    return json.loads(ok(cli(*command)).stdout)


# --- add and list --------------------------------------------------------------------------


def test_add_and_list_by_date_then_id(team):
    out = ok(
        team("collection", "add", "--rep", "zhang", "--amount", "1200.5", "--customer", A,
             "--date", "2026-11-28", "--ref", "R-1")
    ).stdout  # fmt: skip
    assert out == "Recorded collection #1: 1,200.50 for zhang from 万家超市 on 2026-11-28.\n"
    ok(team("collection", "add", "--rep", "li", "--amount", "300"))
    ok(team("collection", "add", "--rep", "zhang", "--amount", "7", "--date", "2026-11-27"))
    rows = listed(team)
    assert rows == [
        {"id": 3, "date": "2026-11-27", "rep": "zhang", "customer": None, "amount": "7.00",
         "ref": None, "visit_id": None},
        {"id": 1, "date": "2026-11-28", "rep": "zhang", "customer": A, "amount": "1200.50",
         "ref": "R-1", "visit_id": None},
        {"id": 2, "date": "2026-11-30", "rep": "li", "customer": None, "amount": "300.00",
         "ref": None, "visit_id": None},
    ]  # fmt: skip
    assert [r["id"] for r in listed(team, "--rep", "zhang")] == [3, 1]
    assert [r["id"] for r in listed(team, "--customer", A)] == [1]
    assert [r["id"] for r in listed(team, "--from", "2026-11-28", "--to", "2026-11-29")] == [1]
    csv = ok(team("collection", "list", "--format", "csv")).stdout.splitlines()
    assert csv[0] == "id,date,rep,customer,amount,ref,visit_id"
    table = ok(team("collection", "list")).stdout
    assert "1,200.50" in table and "3 collections, 1,507.50 in all" in table


def test_a_collection_wins_no_prospect(team):
    ok(team("collection", "add", "--rep", "zhang", "--amount", "50", "--customer", B))
    customers = json.loads(ok(team("customer", "list", "--format", "json")).stdout)
    assert next(c for c in customers if c["name"] == B)["category"] == "prospect"


def test_add_on_a_visit_takes_its_rep_customer_and_day(team):
    ok(team("log-visit", "--rep", "li", "--customer", C, "--purpose", "收款",
            "--date", "2026-11-26"))  # fmt: skip
    out = ok(team("collection", "add", "--visit", "1", "--amount", "88")).stdout
    assert "for li from 兴隆商行 on 2026-11-26" in out
    [row] = listed(team)
    assert (row["rep"], row["customer"], row["date"], row["visit_id"]) == ("li", C, "2026-11-26", 1)
    ok(team("collection", "add", "--visit", "1", "--amount", "1", "--rep", "zhang",
            "--customer", A, "--date", "2026-11-29"))  # fmt: skip
    second = listed(team)[-1]
    assert (second["rep"], second["customer"], second["date"]) == ("zhang", A, "2026-11-29")


# --- edit and delete -----------------------------------------------------------------------


def test_edit_corrects_and_records_history(team, isolated):
    ok(team("collection", "add", "--rep", "zhang", "--amount", "42000", "--date", "2026-11-27"))
    out = ok(
        team("collection", "edit", "1", "--amount", "4200", "--rep", "li", "--customer", C,
             "--date", "2026-11-28", "--ref", "R-9")
    ).stdout  # fmt: skip
    assert out == "Updated collection #1: 4,200.00 for li from 兴隆商行 on 2026-11-28.\n"
    [row] = listed(team)
    assert (row["amount"], row["rep"], row["customer"], row["date"], row["ref"]) == (
        "4200.00",
        "li",
        C,
        "2026-11-28",
        "R-9",
    )
    [(kind, record, action, before, after)] = history(isolated, "collection")
    assert (kind, record, action) == ("collection", 1, "edit")
    assert before["amount_cents"] == 4_200_000 and after["amount_cents"] == 420_000
    assert before["collection_date"] == "2026-11-27" and after["collection_date"] == "2026-11-28"
    assert board(team, "--cumulative")[0] == {
        "rank": 1, "rep": "li", "name": "李娜", "amount": 4200, "change": 0,
    }  # fmt: skip


def test_delete_removes_and_records_history(team, isolated):
    ok(team("collection", "add", "--rep", "zhang", "--amount", "10", "--customer", A))
    out = ok(team("collection", "delete", "1")).stdout
    assert out == "Deleted collection #1: 10.00 for zhang from 万家超市 on 2026-11-30.\n"
    assert listed(team) == []
    [(kind, record, action, before, after)] = history(isolated, "collection")
    assert (kind, record, action, after) == ("collection", 1, "delete", None)
    assert before["amount_cents"] == 1000 and before["ref"] is None


# --- refusals: exit 2, one line, nothing written -------------------------------------------


def test_add_refusals_write_nothing(team, isolated):
    ok(team("rep", "add", "wang", "--name", "王芳"))
    ok(team("rep", "deactivate", "wang"))
    cases = [
        (("--rep", "zhang", "--amount", "0"), "above 0"),
        (("--rep", "zhang", "--amount", "-5"), "bad amount '-5'"),
        (("--rep", "zhang", "--amount", "12.345"), "bad amount"),
        (("--rep", "zhang", "--amount", "5", "--date", "tomorrow"),
         "collection date 2026-12-01 is after today (2026-11-30)"),
        (("--rep", "nobody", "--amount", "5"), "unknown rep 'nobody'"),
        (("--rep", "wang", "--amount", "5"), "rep 'wang' is deactivated"),
        (("--rep", "zhang", "--amount", "5", "--customer", "无名店"), "unknown customer '无名店'"),
        (("--amount", "5", "--visit", "9"), "no visit #9; see `salesproc visit list`"),
        (("--amount", "5"), "no rep given; pass --rep CODE"),
    ]  # fmt: skip
    for args, words in cases:
        rejected(team("collection", "add", *args), words)
    assert listed(team) == []


def test_edit_and_delete_refusals_write_nothing(team, isolated):
    ok(team("rep", "add", "wang", "--name", "王芳"))
    ok(team("rep", "deactivate", "wang"))
    ok(team("collection", "add", "--rep", "zhang", "--amount", "10", "--date", "2026-11-29"))
    before = listed(team)
    rejected(team("collection", "edit", "9", "--amount", "1"), "no collection #9")
    rejected(team("collection", "delete", "9"), "no collection #9")
    rejected(team("collection", "edit", "1", "--amount", "-1"), "bad amount")
    rejected(team("collection", "edit", "1", "--date", "+3"), "collection date 2026-12-03")
    rejected(team("collection", "edit", "1", "--rep", "wang"), "rep 'wang' is deactivated")
    rejected(team("collection", "edit", "1", "--customer", "无名店"), "unknown customer")
    assert listed(team) == before
    assert history(isolated, "collection") == []


# --- log-visit --collected -----------------------------------------------------------------


def test_log_visit_collected_records_a_collection_on_the_visit(team):
    out = ok(
        team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "收款",
             "--date", "2026-11-27", "--collected", "1200", "--amount", "300")
    ).stdout  # fmt: skip
    assert out.rstrip().endswith("Sale 300.00. Collected 1,200.00. Now a new customer.")
    [row] = listed(team)
    assert (row["rep"], row["customer"], row["date"], row["amount"], row["visit_id"]) == (
        "zhang",
        A,
        "2026-11-27",
        "1200.00",
        1,
    )
    ok(team("visit", "edit", "1", "--date", "2026-11-28"))
    assert listed(team)[0]["date"] == "2026-11-28"  # it moves with its visit's day
    ok(team("visit", "delete", "1"))
    assert listed(team) == []  # logged with the visit, deleted with it


def test_log_visit_collected_refuses_a_bad_amount(team):
    rejected(
        team("log-visit", "--rep", "zhang", "--customer", A, "--purpose", "收款",
             "--collected", "0"),
        "bad amount '0'",
    )  # fmt: skip
    assert listed(team) == []
    assert json.loads(ok(team("visit", "list", "--format", "json")).stdout) == []


# --- rank --metric collections -------------------------------------------------------------


def test_rank_by_collections_daily_and_cumulative_with_ties_and_change(team):
    ok(team("collection", "add", "--rep", "zhang", "--amount", "500", "--date", "2026-11-29"))
    ok(team("collection", "add", "--rep", "li", "--amount", "200", "--date", "2026-11-30"))
    ok(team("sale", "add", "--rep", "zhang", "--amount", "9999"))  # sales are not counted
    daily = board(team)
    assert [(r["rank"], r["rep"], r["amount"], r["change"]) for r in daily] == [
        (1, "li", 200, 1), (2, "zhang", 0, -1),
    ]  # fmt: skip
    assert "target" not in daily[0]
    month = board(team, "--cumulative")
    assert [(r["rank"], r["rep"], r["amount"], r["change"]) for r in month] == [
        (1, "zhang", 500, 0), (2, "li", 200, 0),
    ]  # fmt: skip
    ok(team("collection", "add", "--rep", "li", "--amount", "300", "--date", "2026-11-30"))
    tied = board(team, "--cumulative")
    assert [(r["rank"], r["rep"]) for r in tied] == [(1, "li"), (1, "zhang")]
    out = ok(team("rank", "--metric", "collections", "--cumulative")).stdout
    assert "collections" in out and "Collections" in out and "team total 1,000.00" in out
    assert "Of target" not in out


def test_rank_by_collections_shows_the_share_of_a_collections_target_only(team):
    ok(team("target", "set", "--rep", "zhang", "--amount", "12000", "--split", "even"))
    ok(team("collection", "add", "--rep", "zhang", "--amount", "500"))
    assert "target" not in board(team, "--cumulative")[0]  # a sales target is not one
    ok(team("target", "set", "--metric", "collections", "--rep", "zhang", "--amount", "12000",
            "--split", "even"))  # fmt: skip
    zhang = board(team, "--cumulative")[0]
    assert (zhang["rep"], zhang["target"], zhang["reached"]) == ("zhang", 1000, 0.5)
    assert "Of target" in ok(team("rank", "--metric", "collections")).stdout


# --- targets and progress ------------------------------------------------------------------


def test_collections_target_set_shown_and_paced(team, isolated):
    ok(team("target", "set", "--team", "--amount", "1200", "--split", "even"))
    out = ok(
        team("target", "set", "--metric", "collections", "--team", "--amount", "2400",
             "--split", "even")
    ).stdout  # fmt: skip
    assert "Set the 2026 target of the team: 2,400.00, split even." in out
    assert history(isolated, "target") == []  # a first target is an addition, not a change
    shown = json.loads(
        ok(team("target", "show", "--metric", "collections", "--format", "json")).stdout
    )
    assert next(p for p in shown if p["period"] == "year")["amount"] == 2400
    sales = json.loads(ok(team("target", "show", "--format", "json")).stdout)
    assert next(p for p in sales if p["period"] == "year")["amount"] == 1200
    assert "Collection targets 2026" in ok(team("target", "show", "--metric", "collections")).stdout

    ok(team("collection", "add", "--rep", "li", "--amount", "150", "--date", "2026-11-02"))
    ok(team("sale", "add", "--rep", "zhang", "--amount", "40", "--date", "2026-11-02"))
    rows = json.loads(ok(team("progress", "--format", "json")).stdout)
    month = {r["metric"]: r for r in rows if r["period"] == "month"}
    assert (month["sales"]["actual"], month["sales"]["target"]) == (40, 100)
    assert (month["collections"]["actual"], month["collections"]["target"]) == (150, 200)
    table = ok(team("progress")).stdout
    assert any("collections" in line and " month " in line for line in table.splitlines())


def test_changing_a_target_records_the_months_before_and_after(team, isolated):
    ok(team("target", "set", "--metric", "collections", "--rep", "li", "--amount", "1200",
            "--split", "even"))  # fmt: skip
    ok(team("target", "set", "--metric", "collections", "--month", "2026-03", "--rep", "li",
            "--amount", "500"))  # fmt: skip
    ok(team("target", "set", "--rep", "li", "--amount", "2400", "--split", "even"))  # sales: new
    [(kind, record, action, before, after)] = history(isolated, "target")
    assert (kind, record, action) == ("target", 2, "set")  # the rep's id (li)
    assert (before["metric"], before["year"]) == ("collections", 2026)
    assert before["months"][2] == 10_000 and after["months"][2] == 50_000
    assert before["months"][0] == after["months"][0] == 10_000
    ok(team("target", "set", "--rep", "li", "--amount", "1200", "--split", "even"))
    last = history(isolated, "target")[-1]
    assert (last[3]["metric"], sum(last[3]["months"]), sum(last[4]["months"])) == (
        "sales",
        240_000,
        120_000,
    )


def test_progress_without_collections_target_keeps_its_keys(team):
    ok(team("target", "set", "--team", "--amount", "1200", "--split", "even"))
    ok(team("collection", "add", "--rep", "li", "--amount", "150"))
    rows = json.loads(ok(team("progress", "--format", "json")).stdout)
    assert len(rows) == 4 and all("metric" not in r for r in rows)


def test_target_refusals(team):
    rejected(
        team("target", "set", "--metric", "visits", "--team", "--amount", "10"),
        "a target counts sales or collections",
    )
    rejected(team("target", "show", "--metric", "collections"), "no collections target for 2026")
    ok(team("target", "set", "--team", "--amount", "1200"))
    rejected(team("target", "show", "--metric", "collections"), "--metric collections")


# --- the broadcast ------------------------------------------------------------------------


def broadcast(cli: Any) -> str:
    return ok(cli("broadcast", "--dry-run", "--edition", "evening")).stdout


def test_the_broadcast_shows_the_months_collections_when_there_are_any(team):
    assert "Collections" not in broadcast(team)
    ok(team("collection", "add", "--rep", "li", "--amount", "300", "--date", "2026-11-02"))
    ok(team("collection", "add", "--rep", "zhang", "--amount", "1200", "--date", "2026-11-29"))
    ok(team("collection", "add", "--rep", "zhang", "--amount", "99", "--date", "2026-10-29"))
    text = broadcast(team)
    assert "Collections: 1,500.00 (1. 张伟 1,200.00, 2. 李娜 300.00)" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    zh = ok(team("--lang", "zh", "broadcast", "--dry-run", "--edition", "evening")).stdout
    assert "1,500.00" in zh


# --- import collections --------------------------------------------------------------------

EXPORT = (
    "receipt,agent,payer,paid_on,sum,status\n"
    "R1,zhang,万家超市,2026-11-02,100.50,ok\n"
    "R2,李娜,兴隆商行,2026/11/03,200,ok\n"
    "R3,li,,2026-11-04,7,void\n"
)
MAPPING = (
    "--map", "rep=agent", "--map", "customer=payer", "--map", "date=paid_on",
    "--map", "amount=sum", "--map", "ref=receipt", "--where", "status=ok", "--key", "receipt",
)  # fmt: skip


def test_import_collections_then_again_adds_nothing(team, tmp_path):
    file = tmp_path / "collections.csv"
    file.write_text(EXPORT, encoding="utf-8")
    dry = ok(team("import", "collections", str(file), *MAPPING, "--dry-run")).stdout
    assert dry == "Would import 2 collections from collections.csv (1 left out by --where).\n"
    assert listed(team) == []
    out = ok(team("import", "collections", str(file), *MAPPING)).stdout
    assert out == "Imported 2 collections from collections.csv (1 left out by --where).\n"
    rows = listed(team)
    assert [(r["rep"], r["customer"], r["date"], r["amount"], r["ref"]) for r in rows] == [
        ("zhang", A, "2026-11-02", "100.50", "R1"),
        ("li", C, "2026-11-03", "200.00", "R2"),
    ]
    again = ok(team("import", "collections", str(file), *MAPPING)).stdout
    assert "Imported 0 collections" in again and "2 already imported, skipped" in again
    assert len(listed(team)) == 2
    customers = json.loads(ok(team("customer", "list", "--format", "json")).stdout)
    assert {c["category"] for c in customers} == {"prospect"}  # paying wins no prospect
    assert json.loads(ok(team("sale", "list", "--format", "json")).stdout) == []


def test_import_collections_creates_what_it_is_told_to(team, tmp_path):
    file = tmp_path / "c.csv"
    file.write_text("rep,date,amount,customer\nwang,2026-11-02,5,新客户\n", encoding="utf-8")
    out = ok(team("import", "collections", str(file), "--create-reps", "--create-customers")).stdout
    assert "Imported 1 collections" in out and "1 new reps" in out and "1 new customers" in out
    assert listed(team)[0]["customer"] == "新客户"


def test_import_collections_with_a_bad_row_writes_nothing(team, tmp_path):
    file = tmp_path / "bad.csv"
    file.write_text(
        "rep,date,amount,customer\n"
        "zhang,2026-11-02,100,万家超市\n"
        "zhang,2026-11-02,-5,\n"
        "nobody,2026-12-05,3,\n"
        "li,2026-11-03,0,无名店\n",
        encoding="utf-8",
    )
    result = team("import", "collections", str(file))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "Error: 3 bad rows in bad.csv; nothing was imported"
    assert "row 3, column amount: bad amount '-5'" in lines[0]
    assert any(line.startswith("row 4, column rep: unknown rep 'nobody'") for line in lines)
    assert any("row 4, column date: collection date 2026-12-05 is after today" in line
               for line in lines)  # fmt: skip
    assert any(line.startswith("row 5, column amount:") for line in lines)
    assert any(line.startswith("row 5, column customer: unknown customer") for line in lines)
    assert listed(team) == []


def test_import_collections_refuses_a_missing_column(team, tmp_path):
    file = tmp_path / "c.csv"
    file.write_text("rep,date\nzhang,2026-11-02\n", encoding="utf-8")
    rejected(team("import", "collections", str(file)), "amount")
    assert listed(team) == []


def test_a_collections_target_split_by_last_years_collections(team):
    ok(team("collection", "add", "--rep", "li", "--amount", "100", "--date", "2025-03-03"))
    ok(team("sale", "add", "--rep", "li", "--amount", "100", "--date", "2025-07-03"))
    ok(team("target", "set", "--metric", "collections", "--team", "--amount", "1200",
            "--split", "last-year"))  # fmt: skip
    shown = json.loads(
        ok(team("target", "show", "--metric", "collections", "--format", "json")).stdout
    )
    months = {p["start"]: p["amount"] for p in shown if p["period"] == "month"}
    assert months["2026-03-01"] == 1200 and months["2026-07-01"] == 0
    table = ok(team("progress")).stdout  # November's target is 0: no pace, and no stray text
    assert "Project-Id-Version" not in table and "collections" in table
