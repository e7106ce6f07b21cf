"""The day's plan: one call per rep, its slot (`timing`) and its questions (`questions`).

Reps with red flags are called first (then those with follow-ups only): they are
the ones known to cut corners,
and a call early in the day still leaves time to go and see.
Each call names the customer to phone about the visit its questions name
(`confirm`): the supervisor checks the rep's word with the customer.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from operator import attrgetter
from types import EllipsisType

from salesproc.rules.audit import Flag, Rule
from salesproc.rules.callplan.questions import (
    RepRecord,
    confirm_target,
    lead_flag,
    questions,
    rule_order,
)
from salesproc.rules.callplan.timing import Slot, Window

_RULE = attrgetter("rule")


def flag_ids(flags: Iterable[Flag]) -> tuple[Rule, ...]:
    """The distinct rules flagged, in the audit's order: what the plan lists for the rep."""
    return tuple(sorted(set(map(_RULE, flags)), key=rule_order))


@dataclass(frozen=True)
class Confirm:
    """The customer to phone about the visit a call asks about (phone None: none on file)."""

    customer: str
    phone: str | None
    visit_day: date

    def as_json(self) -> dict[str, object]:
        return {"customer": self.customer, "phone": self.phone, "visit_day": self.visit_day}


@dataclass(frozen=True)
class Call:
    """One planned call: whom, when, what to ask, and the rules it was flagged by."""

    rep: str
    name: str
    at: time
    window: Window
    questions: tuple[str, ...] = ()
    flags: tuple[Rule, ...] = ()
    #: the distinct rules among `flags` with a red flag: the plan calls these reps first
    red: tuple[Rule, ...] = ()
    confirm: Confirm | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "rep": self.rep,
            "name": self.name,
            "time": f"{self.at:%H:%M}",
            "window": str(self.window),
            "questions": list(self.questions),
            "flags": [str(rule) for rule in self.flags],
            "confirm": self.confirm.as_json() if self.confirm else None,
        }


def make_call(
    record: RepRecord,
    slot: Slot,
    quota: int,
    seed: int = 0,
    *,
    red: Flag | EllipsisType | None = ...,
) -> Call:
    """The rep's planned call: its slot, its questions (asked in that window), its flags and
    the customer to phone about the visit it asks about.

    `red` is the record's lead red flag (`lead_flag`) when the caller has worked it out
    already (the plan does, to read the visits it names); else it is worked out here, once
    for the questions and the confirm target."""
    if red is ...:
        red = lead_flag(record, quota)
    target = confirm_target(record, quota, seed, red=red)
    confirm = None
    if target is not None:
        confirm = Confirm(target.customer, target.phone, target.day or record.previous_workday)
    return Call(
        rep=record.rep,
        name=record.name,
        at=slot.at,
        window=slot.window,
        questions=tuple(questions(record, quota, seed, slot.window, red=red)),
        flags=flag_ids(record.flags),
        red=flag_ids(f for f in record.flags if getattr(f, "red", True)),
        confirm=confirm,
    )


def order_calls(calls: Iterable[Call]) -> list[Call]:
    """Reps with red flags first (more red rules first), then more flagged rules (follow-ups),
    then by call time, then by rep code."""
    return sorted(calls, key=lambda call: (-len(call.red), -len(call.flags), call.at, call.rep))


def plan_json(calls: Iterable[Call], lines: Sequence[str]) -> dict[str, object]:
    """`{calls: [...], announce: [...]}`, the calls in the plan's order."""
    return {"calls": [call.as_json() for call in order_calls(calls)], "announce": list(lines)}
