"""The call plan's choices against their plain definitions, over random records.

`promises` and `worst_flag` are written for speed (a 200-rep week reads ~40,000 visits
and ~6,000 flags); what they pick must stay what the definitions say, ties included.
"""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from salesproc.rules.audit import Flag, Rule, Severity, VisitFact
from salesproc.rules.callplan import ASK_ORDER, Promise, worst_flag
from salesproc.rules.callplan.promises import promises
from salesproc.rules.callplan.questions import rule_order

START, END = date(2026, 11, 23), date(2026, 11, 29)
REPS = ("li", "wang", "zhang")
CUSTOMERS = ("万家超市", "华联便利店", "兴隆商行", "物美")

visits = st.lists(
    st.tuples(
        st.sampled_from((*REPS, "gone")),
        st.integers(0, len(CUSTOMERS) - 1),
        st.integers(-20, 10),  # the visit's day, from START
        st.integers(0, 20),  # the revisit promised, days after the visit
    ),
    max_size=40,
)


def facts(drawn: list[tuple[str, int, int, int]]) -> list[VisitFact]:
    found = []
    for number, (rep, customer, offset, ahead) in enumerate(drawn, start=1):
        day = START + timedelta(days=offset)
        found.append(
            VisitFact(
                number, rep, day, None, None, datetime.combine(day, datetime.min.time()),
                customer + 1, CUSTOMERS[customer], None, day + timedelta(days=ahead),
            )
        )  # fmt: skip
    return found


@settings(max_examples=300, deadline=None)
@given(visits, st.sets(st.sampled_from(REPS)))
def test_promises_are_the_weeks_promises_each_kept_by_a_later_visit_up_to_its_day(drawn, reps):
    """A promise is kept when its customer was visited, by anyone, on a later day up to the
    promised one; a rep's, by promised day, then customer, then the promising visit."""
    seen = facts(drawn)
    expected: dict[str, list[Promise]] = {}
    for v in sorted(seen, key=lambda v: (v.rep, v.next_visit, v.customer, v.id)):
        if START <= v.next_visit <= END and v.rep in reps:
            kept = any(
                o.customer_id == v.customer_id and v.day < o.day <= v.next_visit for o in seen
            )
            expected.setdefault(v.rep, []).append(Promise(v.customer, v.next_visit, kept))
    found = promises(seen, START, END, reps)
    assert found == expected and list(found) == list(expected)
    assert promises(iter(seen), START, END, reps) == expected  # any iterable of facts


def flag(rule: Rule, red: bool, offset: int, evidence: str) -> Flag:
    severity = Severity.RED if red else Severity.FOLLOW_UP
    return Flag(rule, START + timedelta(days=offset), evidence, severity=severity)


flags = st.lists(
    st.builds(
        flag,
        st.sampled_from(list(Rule)),
        st.booleans(),
        st.integers(0, 3),
        st.sampled_from(["", "a", "b", "华联"]),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(flags)
def test_the_worst_flag_is_the_first_by_severity_rule_day_then_evidence(drawn):
    """Red before a follow-up, then `ASK_ORDER`, then the latest day, then the evidence;
    of flags equal on all of these, the first given."""

    def rank(f: Flag) -> tuple[object, ...]:
        return (not f.red, rule_order(f.rule, ASK_ORDER), -f.day.toordinal(), f.evidence)

    expected = sorted(drawn, key=rank)[0] if drawn else None
    assert worst_flag(drawn) is expected
    assert worst_flag(iter(drawn)) is expected
