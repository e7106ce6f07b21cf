"""An audit of a window long past reads that window and what came of its promises, not every
visit since (issue 14): its flags are those an audit of the window raised when it ended."""

import json

from helpers import ok


def visit(cli, customer, day, *extra, rep="zhang"):
    ok(cli("log-visit", "--rep", rep, "--customer", customer, "--purpose", "order",
           "--date", day, *extra))  # fmt: skip


def missed(cli, start, end):
    flags = json.loads(
        ok(cli("audit", "--from", start, "--to", end, "--all", "--format", "json")).stdout
    )
    return {(f["date"], f["evidence"]) for f in flags if f["rule"] == "missed-revisit"}


def test_a_promise_of_a_month_long_past_names_the_first_visit_after_it(team):
    """The next visit came weeks after the window, and others after that: the flag names the
    first, by any rep, whatever its time of day."""
    cli = team
    visit(cli, "万家超市", "2026-03-02", "--next", "2026-03-10")
    visit(cli, "万家超市", "2026-05-04", "--start", "15:00")
    visit(cli, "万家超市", "2026-05-04", rep="li")  # no start: that day's first
    visit(cli, "万家超市", "2026-06-01")
    visit(cli, "万家超市", "2026-11-20")
    # kept within the window; the keeping visit's own promise was not
    visit(cli, "华联便利店", "2026-03-03", "--next", "2026-03-12")
    visit(cli, "华联便利店", "2026-03-12", "--next", "2026-03-19")
    visit(cli, "华联便利店", "2026-09-01")
    visit(cli, "华联便利店", "2026-10-08")
    # never visited again
    visit(cli, "兴隆商行", "2026-03-20", "--next", "2026-03-27", rep="li")
    assert missed(cli, "2026-03-01", "2026-03-31") == {
        ("2026-03-10", "the visit on 2026-03-02 agreed to see 万家超市 again by 2026-03-10; "
                       "next visit 2026-05-04"),
        ("2026-03-19", "the visit on 2026-03-12 agreed to see 华联便利店 again by 2026-03-19; "
                       "next visit 2026-09-01"),
        ("2026-03-27", "the visit on 2026-03-20 agreed to see 兴隆商行 again by 2026-03-27; "
                       "no visit since"),
    }  # fmt: skip


def test_a_window_ending_days_ago_reads_the_visits_since(team):
    """A window ending a few days before today (the call plan's week) reads every visit
    since: a promise of its last day broken by today's visit names it."""
    cli = team
    visit(cli, "万家超市", "2026-11-20", "--next", "2026-11-24")
    visit(cli, "万家超市", "2026-11-27")
    visit(cli, "华联便利店", "2026-11-23", "--next", "2026-11-24")
    visit(cli, "华联便利店", "2026-11-24")
    assert missed(cli, "2026-11-16", "2026-11-24") == {
        ("2026-11-24", "the visit on 2026-11-20 agreed to see 万家超市 again by 2026-11-24; "
                       "next visit 2026-11-27"),
    }  # fmt: skip
