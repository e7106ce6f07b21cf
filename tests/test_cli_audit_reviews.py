"""Issue 12, explain and learn: each flag's stable id, `audit dismiss` / `audit confirm` by
that id (a dismissed flag does not return), and `audit stats` counting the verdicts."""

import csv
import io
import json
import re

import pytest

from helpers import ok, rejected


def flags(cli, *args):
    return json.loads(ok(cli("audit", "--format", "json", *args)).stdout)


def history(cli):
    return json.loads(ok(cli("history", "--kind", "flag", "--format", "json")).stdout)


def stats(cli, *args):
    return json.loads(ok(cli("audit", "stats", "--format", "json", *args)).stdout)


def doubtful(cli, rep, day):
    ok(cli("call", "log", "--rep", rep, "--date", day, "--at", "12:05", "--verdict", "doubtful",
           "--note", "不在店里"))  # fmt: skip


def flag_id(cli, rule, rep, *args):
    [found] = [f for f in flags(cli, "--all", *args) if f["rule"] == rule and f["rep"] == rep]
    return found["id"]


@pytest.fixture
def flagged(team, tmp_path, monkeypatch):
    """A quota of 1 and two red flags: doubtful calls to li on the 26th and to zhang on the
    27th."""
    config = tmp_path / "quiet.toml"
    config.write_text("visit_quota = 1\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    doubtful(team, "li", "2026-11-26")
    doubtful(team, "zhang", "2026-11-27")
    return team


def test_every_flag_shows_a_stable_id_first(flagged):
    first, again = flags(flagged), flags(flagged)
    assert [f["id"] for f in first] == [f["id"] for f in again]
    assert all(next(iter(f)) == "id" and re.fullmatch(r"[0-9a-f]{8}", f["id"]) for f in first)
    assert len({f["id"] for f in first}) == len(first) == 2
    table = ok(flagged("audit")).stdout
    assert all(f["id"] in table for f in first)
    rows = list(csv.reader(io.StringIO(ok(flagged("audit", "--format", "csv")).stdout)))
    assert rows[0][0] == "id" and {r[0] for r in rows[1:]} == {f["id"] for f in first}


def test_a_dismissed_flag_no_longer_shows_nor_fails_check(flagged):
    li = flag_id(flagged, "doubtful-call", "li")
    done = ok(flagged("audit", "dismiss", li, "--note", "她在客户仓库，电话核实过"))
    assert li in done.stdout and "dismissed" in done.stdout
    assert li not in {f["id"] for f in flags(flagged)}
    assert "li" not in {r["rep"] for r in flagged("audit", "--by", "rep", "-f", "json").json()}
    assert "1 flag not shown: dismissed as honest" in ok(flagged("audit")).stdout
    assert flagged("audit", "--check").exit_code == 1  # zhang's flag still stands
    zhang = flag_id(flagged, "doubtful-call", "zhang")
    ok(flagged("audit", "dismiss", zhang, "--note", "checked"))
    assert flags(flagged, "--all") == []
    assert ok(flagged("audit", "--check")).exit_code == 0
    plan = ok(flagged("call-plan", "--format", "json")).stdout
    assert "doubtful-call" not in plan
    [change, _] = history(flagged)
    assert change["kind"] == "flag" and change["action"] == "dismiss" and change["before"] is None
    assert change["after"]["flag_id"] == li
    assert change["after"]["note"] == "她在客户仓库，电话核实过"


def test_a_confirmed_flag_stays(flagged):
    li = flag_id(flagged, "doubtful-call", "li")
    done = ok(flagged("audit", "confirm", li, "--note", "客户说当天没人来过"))
    assert "confirmed" in done.stdout
    assert li in {f["id"] for f in flags(flagged)}
    assert flagged("audit", "--check").exit_code == 1
    assert "dismissed as honest" not in ok(flagged("audit")).stdout
    assert [c["action"] for c in history(flagged)] == ["confirm"]


def test_reviewing_again_changes_the_verdict_and_says_what_it_was(flagged):
    li = flag_id(flagged, "doubtful-call", "li")
    ok(flagged("audit", "dismiss", li, "--note", "在仓库"))
    changed = ok(flagged("audit", "confirm", li)).stdout
    assert "confirmed" in changed and "it was dismissed" in changed and "在仓库" in changed
    assert li in {f["id"] for f in flags(flagged)}  # true after all: back in the audit
    same = ok(flagged("audit", "confirm", li)).stdout
    assert "already confirmed" in same
    changes = history(flagged)
    assert [c["action"] for c in changes] == ["dismiss", "confirm"]
    assert changes[1]["before"]["verdict"] == "dismissed"
    assert changes[1]["after"]["verdict"] == "confirmed"
    assert changes[1]["after"]["note"] == "在仓库"  # a confirm without --note keeps it


def test_stats_count_raised_dismissed_confirmed_and_open(flagged):
    li = flag_id(flagged, "doubtful-call", "li")
    zhang = flag_id(flagged, "doubtful-call", "zhang")
    assert stats(flagged) == [
        {"rule": "doubtful-call", "severity": "red", "raised": 2, "dismissed": 0,
         "confirmed": 0, "open": 2},
    ]  # fmt: skip
    ok(flagged("audit", "dismiss", li, "--note", "在仓库"))
    ok(flagged("audit", "confirm", zhang))
    [row] = stats(flagged)
    assert (row["raised"], row["dismissed"], row["confirmed"], row["open"]) == (2, 1, 1, 0)
    table = ok(flagged("audit", "stats")).stdout
    assert "total" in table and "1 of 2 reviewed flags dismissed as honest (50%)" in table
    # a review counts in the window of its flag's day
    [row] = stats(flagged, "--from", "2026-11-27", "--to", "2026-11-27")
    assert (row["raised"], row["dismissed"], row["confirmed"]) == (1, 0, 1)
    assert stats(flagged, "--from", "2026-11-28") == []
    rows = list(csv.reader(io.StringIO(ok(flagged("audit", "stats", "-f", "csv")).stdout)))
    assert rows[0] == ["rule", "severity", "raised", "dismissed", "confirmed", "open"]


def test_an_older_flag_is_found_with_from(flagged):
    doubtful(flagged, "li", "2026-08-03")
    old = flag_id(flagged, "doubtful-call", "li", "--from", "2026-08-01", "--to", "2026-08-31")
    rejected(flagged("audit", "dismiss", old, "--note", "x"), "2026-08-30..2026-11-30")
    ok(flagged("audit", "dismiss", old, "--note", "x", "--from", "2026-08-01"))
    assert flags(flagged, "--from", "2026-08-01", "--to", "2026-08-31") == []


def test_an_unknown_id_is_refused_and_nothing_written(flagged):
    line = rejected(flagged("audit", "dismiss", "ab12cd34", "--note", "x"), "ab12cd34")
    assert line == (
        "Error: no flag ab12cd34 in the audit of 2026-08-30..2026-11-30; "
        "`salesproc audit --all` shows the ids"
    )
    rejected(flagged("audit", "confirm", "ab12cd34"), "no flag ab12cd34")
    assert history(flagged) == []
    assert all(r["dismissed"] == r["confirmed"] == 0 for r in stats(flagged))


@pytest.mark.parametrize("note", [None, "", "  "])
def test_a_dismissal_without_a_reason_is_refused(flagged, note):
    li = flag_id(flagged, "doubtful-call", "li")
    args = [] if note is None else ["--note", note]
    rejected(flagged("audit", "dismiss", li, *args), "--note")
    assert history(flagged) == []
    assert li in {f["id"] for f in flags(flagged)}
