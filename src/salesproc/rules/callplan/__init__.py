"""The supervisor's check-in call plan (一个电话): when to call each rep, and what to ask.

Two concerns, one module each: `timing` (the four windows, an irregular window
and minute per rep and day, never the window of its two previous calls) and
`questions` (what to ask, prepared from the rep's records, and what to
announce on every call); `plan` puts them together into the day's calls.
Callers import from here.

The flags the plan reads are the audit's own (`rules.audit.Flag`, keyed by
`rules.audit.Rule`): the plan keeps no copy of the rule ids.
"""

from salesproc.rules.audit import RULES as RULE_IDS
from salesproc.rules.audit import Flag, Rule
from salesproc.rules.callplan.plan import (
    Call,
    Confirm,
    flag_ids,
    make_call,
    order_calls,
    plan_json,
)
from salesproc.rules.callplan.questions import (
    ASK_ORDER,
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    RULE_LABELS,
    Promise,
    RepRecord,
    Standout,
    VisitedCustomer,
    announce,
    confirm_target,
    lead_flag,
    questions,
    rule_label,
    time_slot,
    worst_flag,
)
from salesproc.rules.callplan.timing import _PERMS as _PERMS
from salesproc.rules.callplan.timing import (
    EPOCH,
    LABELS,
    LATEST_CALL,
    WINDOWS,
    Slot,
    Window,
    chain_windows,
    plan_team,
    plan_time,
    plan_window,
    previous_workday,
    stable_digest,
    stable_number,
    window_at,
    window_label,
)
from salesproc.rules.callplan.timing import _next_state as _next_state

# The chain's internals under their earlier names, for the tests that walk it bit by bit.
_digest = stable_digest
_number = stable_number

__all__ = [
    "ASK_ORDER",
    "EPOCH",
    "LABELS",
    "LATEST_CALL",
    "MAX_QUESTIONS",
    "MIN_QUESTIONS",
    "RULE_IDS",
    "RULE_LABELS",
    "WINDOWS",
    "Call",
    "Confirm",
    "Flag",
    "Promise",
    "RepRecord",
    "Rule",
    "Slot",
    "Standout",
    "VisitedCustomer",
    "Window",
    "announce",
    "chain_windows",
    "confirm_target",
    "flag_ids",
    "lead_flag",
    "make_call",
    "order_calls",
    "plan_json",
    "plan_team",
    "plan_time",
    "plan_window",
    "previous_workday",
    "questions",
    "rule_label",
    "stable_digest",
    "stable_number",
    "time_slot",
    "window_at",
    "window_label",
    "worst_flag",
]
