"""Chinese all the way: option words, Click's usage errors and `--help` in the team's language.

A rep types the words of the paper form and the sales office (窜货, 晚报, 回款, 季); they mean
what the English words mean, and JSON/CSV keep the English words scripts match.
"""

import os
import subprocess
import sys

import pytest

from helpers import ok, rejected
from salesproc.rules.dates import Period


def sold(team):
    """The team with a sale, a visit and a collection, so every leaderboard has figures."""
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货",
            "--amount", "3200"))  # fmt: skip
    ok(team("sale", "add", "--rep", "li", "--customer", "兴隆商行", "--amount", "800"))
    ok(team("collection", "add", "--rep", "li", "--customer", "兴隆商行", "--amount", "500"))
    return team


RANK_WORDS = [
    ("--metric", "销售", "sales"),
    ("--metric", "销售额", "sales"),
    ("--metric", "拜访", "visits"),
    ("--metric", "回款", "collections"),
    ("--by", "区域", "region"),
    ("--by", "业务员", "rep"),
    ("--format", "表格", "table"),
]


@pytest.mark.parametrize(("option", "chinese", "english"), RANK_WORDS)
def test_rank_reads_the_chinese_word_as_the_english_one(team, option, chinese, english):
    sold(team)
    fmt = [] if option == "--format" else ["--format", "json"]
    assert (
        ok(team("rank", option, chinese, *fmt)).stdout
        == ok(team("rank", option, english, *fmt)).stdout
    )


PERIODS = [("月", "month"), ("季", "quarter"), ("季度", "quarter"), ("年", "year"),
           ("全部", "all")]  # fmt: skip
if hasattr(Period, "WEEK"):
    PERIODS.append(("周", "week"))


@pytest.mark.parametrize(("chinese", "english"), PERIODS)
def test_every_period_has_its_chinese_word(team, chinese, english):
    sold(team)
    as_chinese = ok(team("rank", "--cumulative", "--period", chinese, "--format", "json"))
    assert (
        as_chinese.stdout
        == ok(team("rank", "--cumulative", "--period", english, "--format", "json")).stdout
    )


@pytest.mark.parametrize(
    ("chinese", "english"),
    [("窜货", "cross-region"), ("乱价", "price"), ("陈列", "display"), ("库存", "stock"),
     ("其他", "other")],
)  # fmt: skip
def test_a_field_issue_typed_in_chinese_is_stored_and_listed_in_english(team, chinese, english):
    ok(team("field", "log", "--rep", "zhang", "--issue", chinese))
    ok(team("field", "log", "--rep", "zhang", "--issue", english))
    issues = [row["issue"] for row in ok(team("field", "list", "--format", "json")).json()]
    assert issues == [english, english]
    assert f",{english}," in ok(team("field", "list", "--format", "csv")).stdout
    zh = ok(team("field", "list", "--status", "未解决", "--format", "json")).json()
    assert len(zh) == 2
    assert ok(team("field", "list", "--status", "已解决", "--format", "json")).json() == []


@pytest.mark.parametrize(("chinese", "english"), [("正常", "ok"), ("可疑", "doubtful")])
def test_a_call_verdict_in_chinese(team, chinese, english):
    ok(team("call", "log", "--rep", "li", "--at", "12:00", "--verdict", chinese))
    calls = ok(team("call", "list", "--format", "json")).json()
    assert [c["verdict"] for c in calls] == [english]


@pytest.mark.parametrize(("chinese", "english"), [("早报", "morning"), ("晚报", "evening")])
def test_a_broadcast_edition_in_chinese(team, chinese, english):
    sold(team)
    dry = ok(team("broadcast", "--edition", chinese, "--dry-run")).stdout
    assert dry == ok(team("broadcast", "--edition", english, "--dry-run")).stdout


def test_history_kind_target_metric_export_and_language_in_chinese(team, tmp_path):
    sold(team)
    ok(team("sale", "edit", "1", "--amount", "4200"))
    assert (
        ok(team("history", "--kind", "销售", "--format", "json")).json()
        == ok(team("history", "--kind", "sale", "--format", "json")).json()
        != []
    )
    ok(team("target", "set", "--team", "--amount", "120000", "--metric", "回款"))
    by_word = ok(team("target", "show", "--metric", "回款", "--format", "json")).stdout
    assert by_word == ok(team("target", "show", "--metric", "collections", "-f", "json")).stdout
    ok(team("export", "客户", "--output", str(tmp_path / "a.csv")))
    ok(team("export", "customers", "--output", str(tmp_path / "b.csv")))
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (
        ok(team("--lang", "中文", "rep", "list")).stdout
        == ok(team("--lang", "zh", "rep", "list")).stdout
    )


@pytest.mark.parametrize(
    ("chinese", "english"),
    [("平均", "even"), ("按工作日", "workdays"), ("权重：1,1,1,1,1,1,1,1,1,1,1,2",
     "weights:1,1,1,1,1,1,1,1,1,1,1,2")],
)  # fmt: skip
def test_a_target_split_in_chinese(team, chinese, english):
    ok(team("target", "set", "--team", "--amount", "1200000", "--split", chinese))
    by_word = ok(team("target", "show", "--format", "json")).stdout
    ok(team("target", "set", "--team", "--amount", "1200000", "--split", english))
    assert ok(team("target", "show", "--format", "json")).stdout == by_word


def test_a_wrong_word_is_refused_naming_the_option_and_the_chinese_choices(team):
    line = rejected(team("--lang", "zh", "field", "log", "--rep", "zhang", "--issue", "偷窃"))
    assert "--issue" in line and "偷窃" in line and "窜货、乱价、陈列、库存、其他" in line
    assert line.startswith("错误：")
    line = rejected(team("field", "log", "--rep", "zhang", "--issue", "theft"), "--issue")
    assert "cross-region, price, display, stock, other" in line
    assert ok(team("field", "list", "--format", "json")).json() == []  # nothing written


def test_click_usage_errors_in_chinese_with_lang_zh(team):
    line = rejected(team("--lang", "zh", "rep", "add", "--name", "王五"))
    assert line == "错误：缺少参数 'code'（见 --help）"
    line = rejected(team("--lang", "zh", "call", "log", "--verdict", "正常"))
    assert line == "错误：缺少选项 '--rep'（见 --help）"
    assert "没有这个选项：--bogus" in rejected(team("--lang", "zh", "rep", "list", "--bogus"))
    assert "没有这个命令 'rnak'" in rejected(team("--lang", "zh", "rnak"))
    assert "'--year' 的值无效" in rejected(team("--lang", "zh", "field", "summary", "--year", "x"))
    assert "选项 --rep 需要一个值" in rejected(team("--lang", "zh", "due", "--rep"))
    assert ok(team("rep", "list", "--format", "json")).json() != []


def test_click_usage_errors_in_chinese_from_the_locale_before_any_command_runs(team, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "没有这个命令 'nosuch'" in rejected(team("nosuch"))  # the root callback never ran
    assert "缺少选项 '--rep'" in rejected(team("call", "log", "--verdict", "ok"))
    assert "Missing option" in rejected(team("--lang", "en", "call", "log", "--verdict", "ok"))


def test_click_usage_errors_stay_clicks_own_words_in_english(team):
    line = rejected(team("call", "log", "--verdict", "ok"))
    assert line == "Error: Missing option '--rep'. (see --help)"
    assert "No such command 'nosuch'" in rejected(team("nosuch"))


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_root_help_in_chinese(cli, flag):
    out = ok(cli("--lang", "zh", flag)).stdout
    assert out.startswith("用法：") and " [选项] 命令 [参数]...\n" in out
    assert "销售日常管理" in out and "选项：" in out and "命令：" in out
    assert "显示本帮助并退出" in out and "示例：salesproc" in out
    assert "龙虎排行榜" in out  # rank's short help


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_a_subcommand_help_in_chinese_from_the_locale(cli, monkeypatch, flag):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    out = ok(cli("field", "log", flag)).stdout
    assert out.startswith("用法：") and " field log [选项]\n" in out
    assert "登记一天的市场走访" in out and "窜货、乱价、陈列、库存或其他" in out
    assert "示例：salesproc field log" in out
    english = ok(cli("--lang", "en", "field", "log", flag)).stdout
    assert "Record a day in the market" in english and "Example: salesproc field log" in english


def test_chinese_help_lines_fit_eighty_columns(cli):
    import unicodedata

    def cells(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)

    for path in (["--help"], ["log-visit", "--help"], ["rank", "-h"], ["import", "visits", "-h"]):
        out = ok(cli("--lang", "zh", *path)).stdout
        long = [line for line in out.splitlines() if cells(line) > 80]
        assert [line for line in long if "示例：" not in line and "  --" not in line] == []


def _command_paths():
    import typer.main

    from salesproc.cli import app

    def walk(command, prefix):
        yield prefix
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*prefix, name))

    return list(walk(typer.main.get_command(app), ()))


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "salesproc")
def test_every_command_help_ends_with_an_example(cli, path):
    out = ok(cli(*path, "--help")).stdout
    example = [line.strip() for line in out.splitlines() if line.strip().startswith("Example:")]
    assert len(example) == 1, out
    assert example[0].startswith("Example: salesproc ") and " ".join(path) in example[0]


def test_the_chinese_help_loads_no_heavy_module_either():
    code = (
        "import sys\n"
        "from salesproc.cli import main\n"
        "sys.argv = ['salesproc', '--lang', 'zh', '-h']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('sqlalchemy', 'alembic', 'rich', 'pydantic', 'openpyxl', 'httpx')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
    assert "用法：" in out


def _salesproc(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "salesproc", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )


def test_shell_completion_is_installed_and_completes_the_words(tmp_path):
    shown = _salesproc("--show-completion", "bash")
    assert shown.returncode == 0 and "_salesproc_completion" in shown.stdout
    assert "--install-completion" in _salesproc("--help").stdout
    installed = _salesproc("--install-completion", "bash", HOME=str(tmp_path), SHELL="/bin/bash")
    assert installed.returncode == 0, installed.stderr
    assert (tmp_path / ".bash_completions" / "salesproc.sh").exists()
    words = _salesproc(
        _SALESPROC_COMPLETE="complete_bash",
        COMP_WORDS="salesproc field log --issue ",
        COMP_CWORD="4",
    )
    assert words.stdout.split() == ["cross-region", "price", "display", "stock", "other"]
