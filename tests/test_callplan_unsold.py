"""The customer a call without a red flag names: an order visit that sold nothing since first.

An invented order visit leaves no sale behind, so among the previous working day's visits
with a phone, the plan names an order visit with no sale to its customer from that day on
(`db.audit_statements.day_visits`). Which sales count is what a user notices: a sale on the
day or after does, one before it, a return or a sale to no customer does not.
"""

import json

import pytest

from helpers import ok

FRIDAY = "2026-11-27"  # the previous working day of "today", Monday 2026-11-30
THURSDAY, SATURDAY = "2026-11-26", "2026-11-28"
SEEDS = range(12)


@pytest.fixture
def quiet(team, tmp_path, monkeypatch):
    """The team with a quota of 1, so that no gap is asked; zhang's Friday: an order visit
    to 万家超市 and a service visit to 华联便利店, both customers with a phone."""
    config = tmp_path / "quiet.toml"
    config.write_text("visit_quota = 1\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    for customer, purpose, start, end in (
        ("万家超市", "order", "09:00", "09:40"),
        ("华联便利店", "service", "10:30", "11:10"),
    ):
        ok(team("log-visit", "--rep", "zhang", "--customer", customer, "--purpose", purpose,
                "--date", FRIDAY, "--start", start, "--end", end))  # fmt: skip
    return team


def named(cli) -> set[str]:
    """The customers zhang's call names to confirm, over a dozen seeds."""
    found = set()
    for seed in SEEDS:
        plan = json.loads(ok(cli("call-plan", "-f", "json", "--seed", str(seed))).stdout)
        zhang = next(call for call in plan["calls"] if call["rep"] == "zhang")
        assert not zhang["flags"]  # no red flag leads: the day's visits are what is asked
        found.add(zhang["confirm"]["customer"])
    return found


def sale(cli, day: str, *extra: str) -> str:
    return ok(cli("sale", "add", "--rep", "zhang", "--amount", "300", "--date", day, *extra))


def test_an_order_visit_without_a_sale_since_is_named_on_every_seed(quiet):
    assert named(quiet) == {"万家超市"}


@pytest.mark.parametrize("day", [FRIDAY, SATURDAY])
def test_a_sale_to_its_customer_on_the_day_or_after_clears_it(quiet, day):
    sale(quiet, day, "--customer", "万家超市")
    assert named(quiet) == {"万家超市", "华联便利店"}  # a hashed pick among both


def test_a_sale_before_the_day_a_return_or_a_sale_to_no_customer_does_not(quiet):
    sale(quiet, THURSDAY, "--customer", "万家超市")
    sale_id = ok(quiet("sale", "list", "-f", "json")).json()[0]["id"]
    ok(quiet("sale", "add", "--return", "--of", str(sale_id), "--amount", "100", "--date",
             SATURDAY))  # fmt: skip
    sale(quiet, SATURDAY)  # no customer
    sale(quiet, SATURDAY, "--customer", "兴隆商行")  # another customer
    assert named(quiet) == {"万家超市"}
