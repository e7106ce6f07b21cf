"""`import customers`: a customer list from Excel or CSV, all rows or none."""

import json

from openpyxl import Workbook

from helpers import ok, rejected


def customers(cli, *flags):
    rows = json.loads(ok(cli(*flags, "customer", "list", "--format", "json")).stdout)
    return {r["name"]: r for r in rows}


def test_exported_customers_import_into_an_empty_database_unchanged(team, tmp_path):
    ok(team("customer", "edit", "兴隆商行", "--contact", "王经理", "--region", "宁波",
            "--category", "existing"))  # fmt: skip
    ok(team("log-visit", "--rep", "zhang", "--customer", "华联便利店", "--purpose", "开发",
            "--outcome", "lost"))  # fmt: skip
    path = tmp_path / "customers.csv"
    ok(team("export", "customers", "-o", str(path)))
    other = str(tmp_path / "other.db")
    ok(team("--db", other, "init"))
    said = ok(team("--db", other, "import", "customers", str(path), "--create-reps"))
    assert "Imported 3 customers" in said.stdout and "2 new reps" in said.stdout
    keys = ("grade", "category", "rep", "phone", "contact", "region", "status")
    before, after = customers(team), customers(team, "--db", other)
    assert {n: [r[k] for k in keys] for n, r in after.items()} == {
        n: [r[k] for k in keys] for n, r in before.items()
    }
    assert after["华联便利店"]["status"] == "lost"


def test_an_xlsx_list_with_only_names_and_grades(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Grade", "Phone"])
    sheet.append(["万家超市", "A类", 13800000001])
    sheet.append(["华联便利店", "b", None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    ok(db("import", "customers", str(path)))
    listed = customers(db)
    assert (listed["万家超市"]["grade"], listed["万家超市"]["phone"]) == ("A", "13800000001")
    assert listed["华联便利店"]["category"] == "prospect"  # the default, as with customer add
    due = json.loads(ok(db("due", "--format", "json")).stdout)
    assert {d["customer"] for d in due} == {"万家超市", "华联便利店"}  # due from the day added


def test_every_bad_row_is_listed_and_nothing_is_written(team, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "name,grade,category,rep,added_on\n"
        "新客户,A,prospect,zhang,2026-11-01\n"  # row 2 is fine
        "万家超市,A,,,\n"  # row 3: already on file
        "新客户,B,,,\n"  # row 4: repeats row 2
        ",Z,maybe,nobody,2026-13-01\n"  # row 5: four problems
        "明天店,C,,,2026-12-25\n",  # row 6: added after today
        encoding="utf-8",
    )
    before = customers(team)
    result = team("import", "customers", str(path))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    *lines, last = result.stderr.strip().splitlines()
    assert last == "Error: 4 bad rows in bad.csv; nothing was imported"
    assert lines[0].startswith("row 3, column name:") and "already exists" in lines[0]
    assert lines[1].startswith("row 4, column name:") and "repeats row 2" in lines[1]
    row5 = [line for line in lines if line.startswith("row 5")]
    assert [line.split(":")[0] for line in row5] == [
        "row 5, column name",
        "row 5, column grade",
        "row 5, column category",
        "row 5, column added_on",
        "row 5, column rep",
    ]
    assert any(line.startswith("row 6, column added_on") for line in lines)
    assert customers(team) == before
    dry = team("import", "customers", str(path), "--dry-run")
    assert dry.exit_code == 2 and dry.stderr == result.stderr


def test_a_list_without_a_grade_column_is_refused(db, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("name,phone\n万家超市,1\n", encoding="utf-8")
    rejected(db("import", "customers", str(path)), "no column 'grade'")
