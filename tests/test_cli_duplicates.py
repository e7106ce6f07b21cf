"""No silent duplicates: a visit is known by its rep, customer, day and start time.

A form imported twice adds nothing the second time; the same visit twice in one
file is a bad row; `log-visit` of a visit on file is refused unless `--again`.
"""

import json

from helpers import ok, rejected

#: 李娜's day as her form tells it: five visits against a quota of six.
LI_DAY = [
    ("兴隆商行", "09:00", "09:40", "订货"),
    ("万家超市", "10:00", "10:30", "收款"),
    ("华联便利店", "11:00", "11:20", "开发"),
    ("兴隆商行", "14:00", "14:30", "服务"),
    ("万家超市", None, None, "说明"),
]


def _log_li_day(cli, *db):
    for customer, start, end, purpose in LI_DAY:
        args = ["log-visit", "--rep", "li", "--customer", customer, "--purpose", purpose]
        if start:
            args += ["--start", start, "--end", end]
        ok(cli(*db, *args))


def _other_team(cli, tmp_path):
    """A second database with the same reps and customers, for a form to be imported into."""
    other = ("--db", str(tmp_path / "office.db"))
    ok(cli(*other, "init"))
    for code, name in (("zhang", "张伟"), ("li", "李娜")):
        ok(cli(*other, "rep", "add", code, "--name", name))
    for customer, grade, rep in (("万家超市", "A", "zhang"), ("华联便利店", "B", "zhang"),
                                 ("兴隆商行", "C", "li")):  # fmt: skip
        ok(cli(*other, "customer", "add", customer, "--grade", grade, "--rep", rep))
    return other


def _visits(cli, *db):
    return json.loads(ok(cli(*db, "visit", "list", "--format", "json")).stdout)


def test_the_same_daily_form_imported_twice_adds_nothing_the_second_time(team, tmp_path):
    _log_li_day(team)
    form = tmp_path / "li.xlsx"
    ok(team("report", "daily", "--rep", "li", "--format", "xlsx", "--output", str(form)))
    office = _other_team(team, tmp_path)
    first = ok(team(*office, "import", "visits", str(form)))
    assert first.stdout.strip() == "Imported 5 visits from li.xlsx."
    again = ok(team(*office, "import", "visits", str(form)))
    assert again.stdout.strip() == (
        "Imported 0 visits from li.xlsx (5 visits already on file, skipped)."
    )
    assert len(_visits(team, *office)) == 5
    [report] = json.loads(
        ok(team(*office, "report", "daily", "--rep", "li", "--format", "json")).stdout
    )
    assert len(report["visits"]) == 5


def test_an_export_of_visits_imported_again_adds_nothing(team, tmp_path):
    _log_li_day(team)
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货",
            "--date", "-3", "--start", "09:30"))  # fmt: skip
    exported = tmp_path / "visits.csv"
    ok(team("export", "visits", "--output", str(exported)))
    said = ok(team("import", "visits", str(exported)))
    assert said.stdout.strip() == (
        "Imported 0 visits from visits.csv (6 visits already on file, skipped)."
    )
    assert len(_visits(team)) == 6


def test_a_form_with_some_visits_on_file_adds_only_the_others(team, tmp_path):
    _log_li_day(team)
    form = tmp_path / "li.xlsx"
    ok(team("report", "daily", "--rep", "li", "--format", "xlsx", "--output", str(form)))
    office = _other_team(team, tmp_path)
    ok(team(*office, "log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "订货",
            "--start", "09:00"))  # fmt: skip
    dry = ok(team(*office, "import", "visits", str(form), "--dry-run"))
    assert dry.stdout.strip() == (
        "Would import 4 visits from li.xlsx (1 visit already on file, skipped)."
    )
    said = ok(team(*office, "import", "visits", str(form)))
    assert said.stdout.strip() == (
        "Imported 4 visits from li.xlsx (1 visit already on file, skipped)."
    )
    assert len(_visits(team, *office)) == 5


def test_a_re_imported_form_does_not_make_the_audit_see_overlaps(team, tmp_path):
    """The issue's story: 李娜's form imported twice showed 10 visits and overlaps."""
    _log_li_day(team)
    form = tmp_path / "li.xlsx"
    ok(team("report", "daily", "--rep", "li", "--format", "xlsx", "--output", str(form)))
    office = _other_team(team, tmp_path)
    for _ in range(2):
        ok(team(*office, "import", "visits", str(form)))
    flags = json.loads(ok(team(*office, "audit", "--format", "json")).stdout)
    assert [f for f in flags if f["rule"] == "overlap"] == []


def test_the_same_visit_twice_in_a_file_is_a_bad_row_naming_both(team, tmp_path):
    path = tmp_path / "day.csv"
    path.write_text(
        "date,rep,customer,start,purposes\n"
        "2026-11-29,li,兴隆商行,09:00,order\n"
        "2026-11-29,li,万家超市,09:00,order\n"
        "2026-11-29,李娜,兴隆商行,09:00,collection\n",
        encoding="utf-8",
    )
    result = team("import", "visits", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "row 4: same visit as row 2",
        "Error: 1 bad row in day.csv; nothing was imported",
    ]
    assert _visits(team) == []
    assert team("import", "visits", str(path), "--dry-run").stderr == result.stderr


def test_two_untimed_visits_of_a_customer_on_one_day_are_the_same_visit(team, tmp_path):
    path = tmp_path / "day.csv"
    path.write_text(
        "date,rep,customer,start,purposes\n"
        "2026-11-29,li,兴隆商行,,order\n"
        "2026-11-29,li,兴隆商行,15:00,service\n"
        "2026-11-29,li,兴隆商行,,collection\n",
        encoding="utf-8",
    )
    result = team("import", "visits", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[0] == "row 4: same visit as row 2"
    path.write_text(
        "date,rep,customer,start,purposes\n"
        "2026-11-29,li,兴隆商行,,order\n"
        "2026-11-29,li,兴隆商行,15:00,service\n"
        "2026-11-29,zhang,兴隆商行,,collection\n",
        encoding="utf-8",
    )
    ok(team("import", "visits", str(path)))
    assert len(_visits(team)) == 3


def test_the_same_visit_on_two_sheets_names_the_sheet_of_each(team, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in (
        ("Mon", [("2026-11-23", "li", "兴隆商行", "09:00", "order")]),
        ("Tue", [("2026-11-24", "li", "兴隆商行", "09:00", "order"),
                 ("2026-11-23", "li", "兴隆商行", "09:00", "service"),
                 ("2026-11-24", "li", "兴隆商行", "09:00", "service")]),
    ):  # fmt: skip
        sheet = book.create_sheet(title)
        sheet.append(["date", "rep", "customer", "start", "purposes"])
        for row in rows:
            sheet.append(row)
    path = tmp_path / "week.xlsx"
    book.save(path)
    result = team("import", "visits", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Tue row 3: same visit as Mon row 2",
        "Tue row 4: same visit as row 2",
        "Error: 2 bad rows in week.xlsx; nothing was imported",
    ]
    assert _visits(team) == []


def test_log_visit_of_a_visit_on_file_is_refused_naming_it_then_logged_with_again(team):
    visit = ("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货",
             "--start", "09:30", "--end", "10:00")  # fmt: skip
    assert "Logged visit #1:" in ok(team(*visit)).stdout
    line = rejected(team(*visit, "--amount", "500"))
    assert line == (
        "Error: visit #1 is already on file: zhang → 万家超市 on 2026-11-30 at 09:30; "
        "pass --again to log another"
    )
    assert len(_visits(team)) == 1
    board = json.loads(ok(team("rank", "--format", "json")).stdout)
    assert {row["rep"]: float(row["amount"]) for row in board} == {"zhang": 0.0, "li": 0.0}
    assert "Logged visit #2:" in ok(team(*visit, "--again")).stdout
    assert len(_visits(team)) == 2


def test_log_visit_without_a_start_time_twice_is_refused(team):
    visit = ("log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "收款",
             "--date", "yesterday")  # fmt: skip
    ok(team(*visit))
    rejected(team(*visit), "visit #1 is already on file", "2026-11-29", "--again")
    ok(team(*visit, "--start", "15:00"))  # a second call, at a time: another visit
    assert len(_visits(team)) == 2


def test_an_edit_that_would_make_two_of_one_visit_is_refused(team):
    first = ["log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order"]
    assert team(*first, "--start", "09:30").exit_code == 0
    assert team(*first, "--start", "11:00").exit_code == 0
    before = team("visit", "list", "--format", "json").json()
    result = team("visit", "edit", "2", "--start", "09:30")
    assert result.exit_code == 2
    assert "visit #1 is already on file" in result.stderr and "visit delete" in result.stderr
    assert team("visit", "list", "--format", "json").json() == before
    assert team("visit", "edit", "2", "--start", "10:45").exit_code == 0
