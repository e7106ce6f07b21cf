"""`history` end to end: every correction recorded, filtered, announced in the next broadcast,
and a visit changed after a check-in call flagged by the audit."""

from datetime import date, datetime, time

import pytest

from helpers import ok, rejected
from salesproc.rules.audit import CallFact, Rule, VisitEdit, edited_after_call

KEYS = ["at", "user", "kind", "id", "action", "before", "after"]


def clock(monkeypatch, moment: str) -> None:
    monkeypatch.setenv("SALESPROC_NOW", moment)


def configure(tmp_path, monkeypatch, user: str = "王主管"):
    """A config file naming who makes the changes, and a file channel for the broadcast."""
    spool = tmp_path / "sms.txt"
    config = tmp_path / "config.toml"
    config.write_text(
        f'user = "{user}"\n[channels.sms]\ntype = "file"\npath = "{spool}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    return spool


def history(cli, *args: str) -> list[dict]:
    return ok(cli("history", "--format", "json", *args)).json()


@pytest.fixture
def visited(team, tmp_path, monkeypatch):
    """张伟's visit #1 to 万家超市 on 2026-11-27, 09:00–10:00, with a sale of 4,200.00."""
    configure(tmp_path, monkeypatch)
    clock(monkeypatch, "2026-11-27T18:00")
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "order",
            "--start", "09:00", "--end", "10:00", "--amount", "4200",
            "--note", "补货"))  # fmt: skip
    return team


# --- what is recorded --------------------------------------------------------------------


def test_adding_records_is_no_change(visited):
    ok(visited("sale", "add", "--rep", "li", "--amount", "800"))
    assert history(visited) == []
    assert "0 changes" in ok(visited("history")).stdout


def test_a_visit_edit_says_when_who_and_the_values_before_and_after(visited, monkeypatch):
    clock(monkeypatch, "2026-11-28T09:00")
    ok(visited("visit", "edit", "1", "--start", "08:30"))
    [row] = history(visited)
    assert list(row) == KEYS
    assert row["at"] == "2026-11-28T09:00:00"
    assert (row["user"], row["kind"], row["id"], row["action"]) == ("王主管", "visit", 1, "edit")
    assert (row["before"]["start_time"], row["after"]["start_time"]) == ("09:00:00", "08:30:00")
    assert row["before"]["note"] == row["after"]["note"] == "补货"
    line = ok(visited("history")).stdout.splitlines()[1]
    assert "start_time: 09:00 → 08:30" in line
    assert "note" not in line and "end_time" not in line  # only what changed


def test_a_visit_moved_to_another_day_moves_its_sale_in_the_history_too(visited, monkeypatch):
    clock(monkeypatch, "2026-11-28T09:00")
    ok(visited("visit", "edit", "1", "--date", "2026-11-26"))
    rows = history(visited)
    assert [(r["kind"], r["action"]) for r in rows] == [("visit", "edit"), ("sale", "edit")]
    assert (rows[1]["before"]["sale_date"], rows[1]["after"]["sale_date"]) == (
        "2026-11-27",
        "2026-11-26",
    )


def test_a_visit_deleted_is_recorded_with_the_sale_that_went_with_it(visited, monkeypatch):
    clock(monkeypatch, "2026-11-28T09:00")
    ok(visited("visit", "delete", "1"))
    rows = history(visited)
    assert [(r["kind"], r["id"], r["action"]) for r in rows] == [
        ("visit", 1, "delete"),
        ("sale", 1, "delete"),
    ]
    assert all(r["after"] is None and isinstance(r["before"], dict) for r in rows)
    assert rows[1]["before"]["amount_cents"] == 420000
    table = ok(visited("history", "--kind", "sale")).stdout
    assert "deleted: sale_date 2026-11-27, rep 张伟, customer 万家超市, amount 4,200.00" in table


def test_a_customer_edit_is_recorded_and_readable(team, tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch)
    ok(team("customer", "edit", "万家超市", "--phone", "13900000009", "--grade", "B"))
    [row] = history(team, "--kind", "customer")
    assert (row["kind"], row["id"], row["action"]) == ("customer", 1, "edit")
    assert (row["before"]["phone"], row["after"]["phone"]) == ("13800000001", "13900000009")
    assert (row["before"]["grade"], row["after"]["grade"]) == ("A", "B")
    assert "grade: A → B; phone: 13800000001 → 13900000009" in ok(team("history")).stdout


def test_a_rep_deactivated_and_activated_again(team, tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch)
    ok(team("rep", "deactivate", "li"))
    clock(monkeypatch, "2026-11-30T19:00")
    ok(team("rep", "activate", "li"))
    rows = history(team)
    assert [(r["kind"], r["id"], r["action"]) for r in rows] == [
        ("rep", 2, "deactivate"),
        ("rep", 2, "activate"),
    ]
    assert (rows[0]["before"]["active"], rows[0]["after"]["active"]) == (True, False)
    assert "active: yes → no" in ok(team("history")).stdout


def test_a_change_that_changes_nothing_leaves_no_row(team):
    ok(team("customer", "edit", "万家超市", "--phone", "13800000001"))
    ok(team("rep", "activate", "zhang"))  # already active
    assert history(team) == []


def test_without_a_configured_user_the_login_name_is_recorded(team):
    import getpass

    ok(team("rep", "deactivate", "li"))
    assert history(team)[0]["user"] == getpass.getuser()


# --- filters and refusals ----------------------------------------------------------------


@pytest.fixture
def changed(visited, monkeypatch):
    """Customer #1 edited on 11-28, visit #1 on 11-29, rep #2 deactivated on 11-30."""
    clock(monkeypatch, "2026-11-28T10:00")
    ok(visited("customer", "edit", "万家超市", "--contact", "王经理"))
    clock(monkeypatch, "2026-11-29T10:00")
    ok(visited("visit", "edit", "1", "--note", "补货，下周再来"))
    clock(monkeypatch, "2026-11-30T10:00")
    ok(visited("rep", "deactivate", "li"))
    return visited


def _what(rows: list[dict]) -> list[tuple[str, int]]:
    return [(r["kind"], r["id"]) for r in rows]


def test_filters_by_kind_id_and_day(changed):
    assert _what(history(changed)) == [("customer", 1), ("visit", 1), ("rep", 2)]
    assert _what(history(changed, "--kind", "visit")) == [("visit", 1)]
    assert _what(history(changed, "--id", "1")) == [("customer", 1), ("visit", 1)]  # all kinds
    assert _what(history(changed, "--kind", "customer", "--id", "2")) == []
    assert _what(history(changed, "--from", "2026-11-29")) == [("visit", 1), ("rep", 2)]
    assert _what(history(changed, "--to", "2026-11-28")) == [("customer", 1)]
    assert _what(history(changed, "--from", "2026-11-29", "--to", "2026-11-29")) == [("visit", 1)]


def test_csv_has_the_json_keys(changed):
    lines = ok(changed("history", "--format", "csv", "--kind", "rep")).stdout.splitlines()
    assert lines[0] == ",".join(KEYS)
    assert lines[1].startswith("2026-11-30T10:00:00,王主管,rep,2,deactivate,")


def test_from_after_to_is_refused(changed):
    rejected(
        changed("history", "--from", "2026-11-30", "--to", "2026-11-29"),
        "--from 2026-11-30 is after --to 2026-11-29",
    )


def test_an_unknown_kind_is_refused(changed):
    rejected(changed("history", "--kind", "invoice"), "invoice")


# --- corrections in the broadcast ---------------------------------------------------------

CORRECTION = "Corrections: 11-27 张伟 sales 42,000.00 → 4,200.00"


@pytest.fixture
def broadcast_sent(team, tmp_path, monkeypatch):
    """42,000 typed for 4,200 on 11-27, and the evening edition sent with it that night."""
    spool = configure(tmp_path, monkeypatch)
    clock(monkeypatch, "2026-11-27T18:00")
    ok(team("sale", "add", "--rep", "zhang", "--amount", "42000"))
    ok(team("sale", "add", "--rep", "li", "--amount", "800"))
    clock(monkeypatch, "2026-11-27T20:30")
    ok(team("broadcast", "--edition", "evening"))
    assert "42,000.00" in spool.read_text(encoding="utf-8")
    return team


def test_a_correction_is_announced_in_the_next_edition_and_only_there(
    broadcast_sent, tmp_path, monkeypatch
):
    spool = tmp_path / "sms.txt"
    clock(monkeypatch, "2026-11-28T09:00")
    ok(broadcast_sent("sale", "edit", "1", "--amount", "4200"))
    clock(monkeypatch, "2026-11-28T09:10")
    dry = ok(broadcast_sent("broadcast", "--dry-run", "--edition", "morning")).stdout
    assert dry.splitlines()[-1] == CORRECTION
    clock(monkeypatch, "2026-11-28T20:30")  # a Saturday: sent only when forced (issue 11)
    ok(broadcast_sent("broadcast", "--edition", "evening", "--force"))
    sent = spool.read_text(encoding="utf-8")
    assert sent.count(CORRECTION) == 1
    assert sent.rstrip().endswith(CORRECTION)
    clock(monkeypatch, "2026-11-29T07:30")
    later = ok(broadcast_sent("broadcast", "--dry-run", "--edition", "morning")).stdout
    assert "Corrections" not in later
    assert "1. 张伟 4,200.00" in later


def test_a_deleted_figure_is_announced_as_deleted(broadcast_sent, monkeypatch):
    clock(monkeypatch, "2026-11-28T09:00")
    ok(broadcast_sent("sale", "delete", "2"))
    clock(monkeypatch, "2026-11-28T20:30")
    text = ok(broadcast_sent("broadcast", "--dry-run", "--edition", "evening")).stdout
    assert "Corrections: 11-27 李娜 sales 800.00 → deleted" in text


def test_what_the_team_never_saw_or_no_figure_is_no_correction(broadcast_sent, monkeypatch):
    clock(monkeypatch, "2026-11-28T09:00")
    ok(broadcast_sent("sale", "add", "--rep", "li", "--amount", "300", "--date", "2026-11-27"))
    ok(broadcast_sent("sale", "edit", "3", "--amount", "30"))  # added after the edition went out
    ok(broadcast_sent("sale", "edit", "1", "--ref", "INV-1"))  # not a figure of the message
    ok(broadcast_sent("sale", "add", "--return", "--of", "2", "--amount", "100"))  # a return added
    text = ok(broadcast_sent("broadcast", "--dry-run", "--edition", "evening")).stdout
    assert "Corrections" not in text


def test_no_correction_before_any_edition_went_out(team, tmp_path, monkeypatch):
    configure(tmp_path, monkeypatch)
    clock(monkeypatch, "2026-11-27T18:00")
    ok(team("sale", "add", "--rep", "zhang", "--amount", "42000"))
    clock(monkeypatch, "2026-11-28T09:00")
    ok(team("sale", "edit", "1", "--amount", "4200"))
    assert "Corrections" not in ok(team("broadcast", "--dry-run", "--edition", "evening")).stdout


# --- the audit: a visit changed after a check-in call ------------------------------------


def _after_call(cli) -> list[dict]:
    flags = ok(cli("audit", "--format", "json")).json()
    return [f for f in flags if f["rule"] == "edited-after-call"]


@pytest.mark.parametrize("verdict", ["ok", "doubtful"])
def test_a_visit_time_changed_after_a_call_is_flagged(visited, monkeypatch, verdict):
    clock(monkeypatch, "2026-11-27T19:00")
    ok(visited("call", "log", "--rep", "zhang", "--verdict", verdict, "--at", "19:00"))
    clock(monkeypatch, "2026-11-28T09:00")
    ok(visited("visit", "edit", "1", "--start", "08:00", "--end", "08:40"))
    [flag] = _after_call(visited)
    assert (flag["rep"], flag["date"]) == ("zhang", "2026-11-27")
    assert flag["evidence"] == (
        "visit #1 to 万家超市: time 09:00–10:00 → 08:00–08:40, changed 2026-11-28 09:00 "
        f"after the check-in call of 2026-11-27 ({verdict})"
    )
    assert "fitted to what the call found" in flag["explanation"]


def test_a_note_changed_after_a_call_is_not_flagged(visited, monkeypatch):
    clock(monkeypatch, "2026-11-27T19:00")
    ok(visited("call", "log", "--rep", "zhang", "--verdict", "doubtful"))
    clock(monkeypatch, "2026-11-28T09:00")
    ok(visited("visit", "edit", "1", "--note", "客户不在", "--result", "未下单"))
    assert _after_call(visited) == []


def test_a_time_changed_before_the_call_is_not_flagged(visited, monkeypatch):
    clock(monkeypatch, "2026-11-27T18:30")
    ok(visited("visit", "edit", "1", "--start", "08:00"))
    clock(monkeypatch, "2026-11-27T19:00")
    ok(visited("call", "log", "--rep", "zhang", "--verdict", "doubtful"))
    assert _after_call(visited) == []


def test_a_call_to_another_rep_or_before_the_visits_day_does_not_count(visited, monkeypatch):
    clock(monkeypatch, "2026-11-27T19:00")
    ok(visited("call", "log", "--rep", "li", "--verdict", "doubtful"))
    ok(visited("call", "log", "--rep", "zhang", "--verdict", "ok", "--date", "2026-11-26"))
    clock(monkeypatch, "2026-11-28T09:00")
    ok(visited("visit", "edit", "1", "--start", "08:00"))
    assert _after_call(visited) == []


def test_the_rule_names_a_changed_day_and_customer():
    edit = VisitEdit(7, "zhang", datetime(2026, 11, 28, 9, 0), date(2026, 11, 27),
                     date(2026, 11, 25), time(9, 0), time(9, 0), None, None,
                     "甲", "乙")  # fmt: skip
    call = CallFact("zhang", date(2026, 11, 27), None, "ok", None, datetime(2026, 11, 27, 19, 0))
    [flag] = edited_after_call([edit], [call])
    assert (flag.rule, flag.rep, flag.day) == (Rule.EDITED_AFTER_CALL, "zhang", date(2026, 11, 25))
    assert "date 2026-11-27 → 2026-11-25, customer 甲 → 乙" in flag.evidence
    assert edited_after_call([edit], [CallFact("zhang", date(2026, 11, 27), None, "ok")]) == []


def test_a_monday_morning_edition_did_not_show_sundays_sale(team, tmp_path, monkeypatch):
    """Monday morning ranks Friday (the previous working day), month to date through Friday:
    a Sunday sale corrected after it was never in front of the team, so nothing to announce."""
    configure(tmp_path, monkeypatch)
    clock(monkeypatch, "2026-11-29T18:00")  # a Sunday
    ok(team("sale", "add", "--rep", "zhang", "--amount", "42000"))
    clock(monkeypatch, "2026-11-30T07:30")
    ok(team("broadcast", "--edition", "morning"))
    clock(monkeypatch, "2026-11-30T09:00")
    ok(team("sale", "edit", "1", "--amount", "4200"))
    clock(monkeypatch, "2026-11-30T20:30")
    text = ok(team("broadcast", "--dry-run", "--edition", "evening")).stdout
    assert "Corrections" not in text
