"""`import visits`: report rows from a spreadsheet, logged exactly as `log-visit` would."""

import json

from helpers import ok


def exported(cli, what, path, *flags):
    ok(cli(*flags, "export", what, "-o", str(path)))
    return path.read_text(encoding="utf-8")


def test_round_trip_through_an_empty_database_gives_the_same_customers_and_visits(team, tmp_path):
    ok(team("log-visit", "--rep", "zhang", "--customer", "华联便利店", "--purpose", "开发",
            "--date", "-9", "--start", "09:00", "--end", "09:40", "--note", "=1+1",
            "--weather", "小雨"))  # fmt: skip
    ok(team("log-visit", "--rep", "zhang", "--customer", "华联便利店", "--purpose", "订货,说明",
            "--date", "-2", "--outcome", "won", "--next", "+5", "--result", "首单"))  # fmt: skip
    ok(team("log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "collection",
            "--date", "-2", "--start", "09:00"))  # fmt: skip
    ok(team("export", "customers", "-o", str(tmp_path / "c.csv")))
    ok(team("export", "visits", "-o", str(tmp_path / "v.xlsx")))
    other = ("--db", str(tmp_path / "other.db"))
    ok(team(*other, "init"))
    ok(team(*other, "import", "customers", str(tmp_path / "c.csv"), "--create-reps"))
    said = ok(team(*other, "import", "visits", str(tmp_path / "v.xlsx")))
    assert "Imported 3 visits" in said.stdout
    for what in ("customers", "visits"):
        assert exported(team, what, tmp_path / f"{what}-1.json") == exported(
            team, what, tmp_path / f"{what}-2.json", *other
        )
    for report in (["due", "--ahead", "30"], ["four-visit"]):
        assert (
            ok(team(*report, "--format", "json")).stdout
            == ok(team(*other, *report, "--format", "json")).stdout
        )


def test_the_paper_forms_chinese_headings(team, tmp_path):
    path = tmp_path / "日报.csv"
    path.write_text(
        "填写日期,日报人,访问客户,访问时间,访问目的,商谈结果,预定再访时间,其他记录,天气\n"
        "2026-11-29,张伟,万家超市,09:30–10:15,订货/收款,下单补货,2026-12-03,嫌价格高,晴\n",
        encoding="utf-8",
    )
    ok(team("import", "visits", str(path)))
    [visit] = json.loads(ok(team("visit", "list", "--format", "json")).stdout)
    assert (visit["rep"], visit["start"], visit["end"]) == ("zhang", "09:30", "10:15")
    assert visit["purposes"] == ["order", "collection"]
    assert (visit["next_visit"], visit["note"]) == ("2026-12-03", "嫌价格高")
    [zhang] = json.loads(ok(team("report", "daily", "--date", "-1", "--rep", "zhang",
                                 "--format", "json")).stdout)  # fmt: skip
    assert zhang["weather"] == "晴"


def test_every_bad_row_is_listed_and_nothing_is_written(team, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "date,rep,customer,start,end,purposes,outcome,next_visit\n"
        "2026-11-29,zhang,万家超市,09:00,10:00,order,,\n"  # row 2: fine
        "2026-12-01,nobody,无名店,10:00,09:00,bribe,maybe,2026-11-01\n"  # row 3: all wrong
        ",,,,,,,\n"  # blank: skipped
        "2026-11-29,li,兴隆商行,,,,,\n",  # row 5: no purpose
        encoding="utf-8",
    )
    result = team("import", "visits", str(path))
    assert result.exit_code == 2
    *lines, last = result.stderr.strip().splitlines()
    assert last == "Error: 2 bad rows in bad.csv; nothing was imported"
    assert [line.split(":")[0] for line in lines] == [
        "row 3, column date",
        "row 3, column end",
        "row 3, column purposes",
        "row 3, column outcome",
        "row 3, column next_visit",
        "row 3, column rep",
        "row 3, column customer",
        "row 5, column purposes",
    ]
    assert json.loads(ok(team("visit", "list", "--format", "json")).stdout) == []
    assert team("import", "visits", str(path), "--dry-run").stderr == result.stderr
