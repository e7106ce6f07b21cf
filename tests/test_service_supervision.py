"""The supervisor's use cases called from Python, no CLI: the audit, the call plan, the calls.

The call plan asks about the audit's flags, so the two must agree on what a
flag and a rule are: the first tests would have caught the plan keeping its
own `Flag` with rule ids as strings beside the audit's.
"""

import importlib
import inspect
import pkgutil
from datetime import date, datetime, time

import pytest

import salesproc.rules
from salesproc.errors import InputError
from salesproc.rules import audit, callplan
from salesproc.rules.audit import Rule, Verdict
from salesproc.rules.vocab import Grade, Purpose
from salesproc.service import Context, people, sales, supervision, visits

NOW = datetime(2026, 11, 30, 18, 30)  # a Monday
FRIDAY = date(2026, 11, 27)


@pytest.fixture
def ctx(tmp_path):
    with Context.open(db=str(tmp_path / "x.db"), now=NOW) as context:
        context.engine(create=True)
        for code, name in [("zhang", "张伟"), ("li", "李娜")]:
            people.add_rep(context, code, name)
        for name, rep in [("万家超市", "zhang"), ("华联便利店", "zhang"), ("兴隆商行", "li")]:
            fields = people.CustomerFields(name=name, grade=Grade.A, rep=rep, phone="138")
            people.add_customer(context, fields)
        yield context


def visit(ctx, rep, customer, day, start=None, end=None):
    entry = visits.VisitInput(
        rep=rep, customer=customer, purposes=(Purpose.ORDER,), visit_date=day, start=start, end=end
    )
    return visits.log_visit(ctx, entry)


def overlap_on_friday(ctx):
    visit(ctx, "zhang", "万家超市", FRIDAY, time(9, 0), time(10, 0))
    visit(ctx, "zhang", "华联便利店", FRIDAY, time(9, 30), time(10, 15))


# --- one flag, one rule vocabulary -----------------------------------------------------------


def test_no_two_classes_in_the_rules_share_a_name():
    defined: dict[str, list[str]] = {}
    for module_info in pkgutil.walk_packages(salesproc.rules.__path__, "salesproc.rules."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                defined.setdefault(name, []).append(module.__name__)
    assert {name: where for name, where in defined.items() if len(where) > 1} == {}


def test_the_call_plan_reads_the_audits_own_flags_and_rules():
    assert callplan.Flag is audit.Flag
    assert set(callplan.ASK_ORDER) == set(Rule) == set(callplan.RULE_LABELS)
    assert all(isinstance(rule, Rule) for rule in [*callplan.ASK_ORDER, *callplan.RULE_LABELS])
    assert tuple(callplan.RULE_IDS) == audit.RULES


def test_the_call_plan_asks_about_a_flag_the_audit_raised(ctx):
    overlap_on_friday(ctx)
    raised = supervision.audit_flags(ctx, FRIDAY, FRIDAY, "zhang")
    assert Rule.OVERLAP in {flag.rule for flag in raised}
    plan = supervision.call_plan(ctx, NOW.date())
    zhang = next(call for call in plan.calls if call.rep == "zhang")
    assert Rule.OVERLAP in zhang.flags
    assert set(zhang.flags) <= set(Rule)
    assert any("overlapping visits" in question for question in zhang.questions)
    assert plan.calls[0].rep == "zhang"  # overlap, below quota: more flags than li's


def test_every_rule_the_plan_lists_was_raised_by_the_audit_for_that_rep(ctx):
    overlap_on_friday(ctx)
    supervision.log_call(ctx, "li", Verdict.DOUBTFUL, FRIDAY, time(12, 5), "不在店里")
    plan = supervision.call_plan(ctx, NOW.date())
    week = supervision.audit_flags(ctx, date(2026, 11, 21), FRIDAY)
    for call in plan.calls:
        assert set(call.flags) == {flag.rule for flag in week if flag.rep == call.rep}
    assert Rule.DOUBTFUL_CALL in next(c.flags for c in plan.calls if c.rep == "li")


def test_the_plan_is_the_same_on_rerun_and_announces_the_day_before(ctx):
    sales.add_sale(ctx, "li", 50_000, FRIDAY)
    first = supervision.call_plan(ctx, NOW.date(), seed=3)
    assert first == supervision.call_plan(ctx, NOW.date(), seed=3)
    assert first.announce[0] == "Best sales on 2026-11-27: 李娜 500.00. Well done!"
    assert {call.rep for call in first.calls} == {"zhang", "li"}


# --- the audit ---------------------------------------------------------------------------------


def test_the_audit_is_month_to_date_unless_told(ctx):
    overlap_on_friday(ctx)
    found = supervision.audit(ctx)
    assert (found.start, found.end) == (date(2026, 11, 1), NOW.date())
    assert [f.rule for f in found.flags] == sorted(
        (f.rule for f in found.flags), key=audit.RULES.index
    )
    with pytest.raises(InputError, match="--from 2026-11-20 is after --to 2026-11-10"):
        supervision.audit(ctx, date(2026, 11, 20), date(2026, 11, 10))


def test_one_reps_flags_only(ctx):
    overlap_on_friday(ctx)
    visit(ctx, "li", "兴隆商行", FRIDAY)  # 1 of a quota of 6, logged on Monday
    assert {f.rep for f in supervision.audit(ctx).flags} == {"zhang", "li"}
    # logged the next working day: not late (issue 11, section 3)
    assert {(f.rule, f.rep) for f in supervision.audit(ctx, rep="li").flags} == {
        (Rule.BELOW_QUOTA, "li"),
    }


def test_bad_audit_thresholds_name_the_config_file(tmp_path, monkeypatch):
    config = tmp_path / "c.toml"
    config.write_text("[audit]\nmin_minutes = 300\nmax_minutes = 100\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    with Context.open(db=str(tmp_path / "y.db"), now=NOW) as ctx:
        ctx.engine(create=True)
        with pytest.raises(InputError, match=r"\[audit\]: bad audit thresholds") as caught:
            supervision.audit(ctx)
    assert str(config) in str(caught.value)


# --- calls -----------------------------------------------------------------------------------


def test_a_doubtful_call_is_logged_in_its_window_and_becomes_a_red_flag(ctx):
    logged = supervision.log_call(ctx, "li", Verdict.DOUBTFUL, NOW.date(), time(10, 10), "不在")
    assert (logged.rep, logged.window, logged.verdict) == (
        "li", callplan.Window.ON_THE_JOB, "doubtful"
    )  # fmt: skip
    now = supervision.log_call(ctx, "zhang", Verdict.OK, NOW.date())
    assert (now.at, now.window) == (time(18, 30), callplan.Window.AFTER_WORK)
    listed = supervision.list_calls(ctx)
    assert [(c.rep, c.window, c.verdict) for c in listed] == [
        ("li", "on-the-job", "doubtful"),
        ("zhang", "after-work", "ok"),
    ]
    assert [c.rep for c in supervision.list_calls(ctx, rep="zhang")] == ["zhang"]
    flags = supervision.audit(ctx).flags
    assert [(f.rule, f.rep) for f in flags if f.rule is Rule.DOUBTFUL_CALL] == [
        (Rule.DOUBTFUL_CALL, "li")
    ]


def test_a_call_after_today_is_refused_in_the_words_it_always_had(ctx):
    with pytest.raises(InputError) as caught:
        supervision.log_call(ctx, "li", Verdict.OK, date(2026, 12, 1))
    assert str(caught.value) == "2026-12-01 is after today (2026-11-30)"
    assert supervision.list_calls(ctx) == []


def test_a_deactivated_rep_gets_no_call_logged(ctx):
    people.deactivate_rep(ctx, "li")
    with pytest.raises(InputError, match="li"):
        supervision.log_call(ctx, "li", Verdict.OK, NOW.date())
