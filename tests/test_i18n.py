"""Two languages: the catalog covers every message, and the language is chosen as the issue says."""

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ok, rejected
from salesproc.i18n import from_locale

ROOT = Path(__file__).resolve().parent.parent


def test_every_message_has_a_chinese_translation_and_the_mo_is_compiled():
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins, as in setlocale
        ({"LANGUAGE": "zh_TW:en", "LANG": "C"}, "zh"),
        ({}, None),
    ],
)
def test_the_locale_names_the_language(environ, language):
    assert from_locale(environ) == language


def config(tmp_path, monkeypatch, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(path))


def test_lang_flag_config_then_locale(team, tmp_path, monkeypatch):
    assert "Code" in ok(team("rep", "list")).stdout
    assert "代码" in ok(team("--lang", "zh", "rep", "list")).stdout
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "共 2 名业务员，在职 2 名" in ok(team("rep", "list")).stdout
    config(tmp_path, monkeypatch, 'lang = "en"\n')
    assert "2 reps, 2 active" in ok(team("rep", "list")).stdout  # the config beats the locale
    config(tmp_path, monkeypatch, 'lang = "zh"\n')
    assert "2 reps, 2 active" in ok(team("--lang", "en", "rep", "list")).stdout  # the flag wins
    assert "lang" in ok(team("config", "show")).stdout


def test_errors_are_in_the_chosen_language(team):
    line = rejected(team("--lang", "zh", "rank", "--period", "year"), "--period")
    assert line.startswith("错误：") and "需要与 --cumulative 一起用" in line


def test_an_unknown_language_is_refused(team, tmp_path, monkeypatch):
    rejected(team("--lang", "fr", "rep", "list"), "--lang")
    config(tmp_path, monkeypatch, 'lang = "fr"\n')
    rejected(team("rep", "list"), "'lang'")


def test_chinese_words_are_accepted_wherever_a_word_is_expected(team):
    ok(team("customer", "add", "新店", "--grade", "B类", "--category", "开发", "--rep", "zhang"))
    ok(team("log-visit", "--rep", "zhang", "--customer", "新店", "--purpose", "开发,说明",
            "--outcome", "成交"))  # fmt: skip
    out = ok(team("--lang", "zh", "visit", "list", "--customer", "新店")).stdout
    assert "开发/说明" in out and "成交" in out


def test_leaderboard_in_chinese_says_paihangbang(team):
    out = ok(team("--lang", "zh", "rank", "--cumulative")).stdout
    assert "累计排行榜" in out and "团队合计" in out
