"""`salesproc demo` then `salesproc audit`: an honest team, and one planted case per red flag.

The demo's team works as an honest field team does, so the audit has little to
say about it; one rep per kind does one thing the audit is there to find, and
the demo prints who did what on which day. These tests read the demo built
once per session (`demo --seed 3`, today pinned to 2026-11-30).
"""

import json
import re
from collections import Counter
from datetime import date
from typing import Any

from helpers import ok

#: the rules issue 12 gives the audit, each of which a planted case should raise
PLANTED_RULES = {
    "tight-gap",
    "copied-result",
    "weather",
    "order-no-sale",
    "gave-up",
    "pressing-stock",
    "overlap",
    "late-log",
    "duration",
    "doubtful-call",
    "edited-after-call",
    "unconfirmed-visit",
}
#: a planted case as the demo prints it: day, rep code and name, [rules], what was done
CASE = re.compile(r"^  (\d{4}-\d\d-\d\d)  (\S+) \S+  \[([a-z, -]+)\]  (.+)$")


def _planted(output: str) -> list[tuple[date, str, list[str], str]]:
    story = output[output.index("Planted for the audit to find") :]
    cases = []
    for line in story.splitlines()[1:]:
        found = CASE.match(line)
        if found:
            day, rep, rules, what = found.groups()
            cases.append((date.fromisoformat(day), rep, rules.split(", "), what))
    return cases


def _flags(cli: Any, path: Any, *args: str) -> list[dict[str, Any]]:
    return json.loads(ok(cli("--db", str(path), "audit", *args, "-f", "json")).stdout)


def test_the_demo_ends_with_one_planted_case_per_rule_each_on_its_own_rep(demo_db):
    cases = _planted(demo_db.output)
    assert {rule for _day, _rep, rules, _what in cases for rule in rules} == PLANTED_RULES
    assert len({rep for _day, rep, _rules, _what in cases}) == len(cases)
    assert all(what.strip() for *_rest, what in cases)
    # inside the month the audit reads by default, but for the month pressed (the one before)
    month = [day for day, _rep, rules, _what in cases if "pressing-stock" not in rules]
    assert all(day.replace(day=1) == date(2026, 11, 1) for day in month)
    assert "salesproc audit --from 2026-10-01 --to 2026-10-31" in demo_db.output


def test_the_honest_team_raises_few_red_flags_and_no_missing_reports(cli, demo_db):
    red = _flags(cli, demo_db.path)
    assert all(flag["severity"] == "red" for flag in red)
    # one per planted case, one per visit of the day typed a week late: about 15
    assert len(red) <= 17, Counter(flag["rule"] for flag in red)
    assert len({(f["rule"], f["rep"], f["date"]) for f in red}) <= 13
    everything = _flags(cli, demo_db.path, "--all")
    rules = Counter(flag["rule"] for flag in everything)
    assert rules["no-report"] == 0
    # 10 reps x 20 working days before today; an honest day of 5 visits is under the quota of 6
    assert rules["below-quota"] < 200 / 4
    assert not any(f["rule"] in ("no-report", "below-quota") for f in red)


def test_every_planted_case_raises_its_red_flag_against_its_rep(cli, demo_db):
    """The rules issue 12 plans (tight-gap, copied-result, weather, order-no-sale, gave-up,
    pressing-stock, …) each find their case: a red flag of that rule against that rep, on
    the case's day (a pattern — a dropped prospect, a month pressed — over its span)."""
    red = _flags(cli, demo_db.path, "--from", "2026-10-01")
    assert {flag["rule"] for flag in red} >= PLANTED_RULES
    for day, rep, rules, what in _planted(demo_db.output):
        for rule in rules:
            found = [f for f in red if f["rule"] == rule and f["rep"] == rep]
            if rule not in ("gave-up", "pressing-stock"):
                found = [f for f in found if f["date"] == day.isoformat()]
            assert found, f"{rule} of {rep} on {day}: {what}"


def test_a_rep_named_by_name_or_another_case_of_its_code_has_the_same_flags(cli, demo_db):
    """`--rep` is resolved as everywhere (code, code in any case, name): the audit of a rep
    named so lists its flags, not an empty, clean-looking audit."""
    reps = json.loads(ok(cli("--db", str(demo_db.path), "rep", "list", "-f", "json")).stdout)
    _day, code, _rules, _what = _planted(demo_db.output)[0]
    name = next(r["name"] for r in reps if r["code"] == code)
    by_code = _flags(cli, demo_db.path, "--all", "--rep", code)
    assert by_code and all(flag["rep"] == code for flag in by_code)
    assert _flags(cli, demo_db.path, "--all", "--rep", code.upper()) == by_code
    assert _flags(cli, demo_db.path, "--all", "--rep", name) == by_code
