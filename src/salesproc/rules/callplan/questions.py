"""What to ask: each call's questions, prepared from the rep's own records.

A call prepared from the records catches an invented visit with one concrete
question ("you were at 华联 at 10:00: whom did you meet? I will check with
王经理"), where "how did it go?" catches nothing. The questions read the
previous working day's visits, the revisits promised, the gaps and the
audit's red flags (`rules.audit.Flag`, the one flag type) and the month's
leaderboard; the lines announced on every call read the day's best and
lowest sales.

The first question goes where cheating is most likely: the rep's strongest
red flag (`rules.audit.strongest`, the audit's own order), naming the
customer and visit when the flag concerns one. Without a red flag it is a
visit of the previous working day, to a customer with a phone if any. That
customer is the call's `confirm` target (`confirm_target`): the supervisor
phones them, and `call log --customer … --confirmed yes|no` feeds the answer
back to the audit.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from types import EllipsisType
from typing import NamedTuple

from salesproc.i18n import N_, _, ngettext
from salesproc.rules.audit import RULES, Flag, Rule, first_by, strongest
from salesproc.rules.callplan.timing import Window, stable_number

#: Which flagged item a call asks about: the strongest sign of invented or gamed work first.
ASK_ORDER: tuple[Rule, ...] = (
    Rule.OVERLAP,
    Rule.UNCONFIRMED_VISIT,
    Rule.DOUBTFUL_CALL,
    Rule.TIGHT_GAP,
    Rule.COPIED_RESULT,
    Rule.ORDER_NO_SALE,
    Rule.WEATHER,
    Rule.EDITED_AFTER_CALL,
    Rule.PRESSING_STOCK,
    Rule.DURATION,
    Rule.NO_PHONE,
    Rule.LATE_LOG,
    Rule.MISSED_REVISIT,
    Rule.GAVE_UP,
    Rule.NO_REPORT,
    Rule.BELOW_QUOTA,
)
RULE_LABELS: dict[Rule, str] = {
    Rule.OVERLAP: N_("overlapping visits"),
    Rule.UNCONFIRMED_VISIT: N_("visit the customer did not confirm"),
    Rule.TIGHT_GAP: N_("visit squeezed between two others"),
    Rule.COPIED_RESULT: N_("results copied from earlier reports"),
    Rule.ORDER_NO_SALE: N_("order visits without a sale"),
    Rule.WEATHER: N_("weather unlike the colleagues'"),
    Rule.DOUBTFUL_CALL: N_("doubtful check-in call"),
    Rule.EDITED_AFTER_CALL: N_("visit changed after a call"),
    Rule.PRESSING_STOCK: N_("pressing stock"),
    Rule.DURATION: N_("implausible visit length"),
    Rule.NO_PHONE: N_("visit without a phone number"),
    Rule.LATE_LOG: N_("visit logged late"),
    Rule.MISSED_REVISIT: N_("missed revisit"),
    Rule.GAVE_UP: N_("prospect given up early"),
    Rule.NO_REPORT: N_("no daily report"),
    Rule.BELOW_QUOTA: N_("visits below the quota"),
}
MIN_QUESTIONS = 2
MAX_QUESTIONS = 4


@dataclass(frozen=True)
class VisitedCustomer:
    """A customer the rep says it visited on the day asked about, with what lets the
    supervisor check it: the time slot, the contact and the phone."""

    customer: str
    start: time | None
    end: time | None = None
    contact: str | None = None
    phone: str | None = None
    #: the visit's id and day: what a flag names (`Flag.visits`) and the customer confirms
    id: int | None = None
    day: date | None = None
    #: an order visit whose order never reached the sales feed: the likeliest invention
    unsold: bool = False


@dataclass(frozen=True)
class Promise:
    """A revisit the rep promised a customer by `due`, and whether a visit followed."""

    customer: str
    due: date
    visited: bool


@dataclass(frozen=True)
class RepRecord:
    """What the call is prepared from: the rep's previous working day and standing.

    `visit_count` is the day's number of visits when `visits` holds only
    some of them (None: all of them are there). `flags` are the audit's
    flags of this rep. `rank` is the month's leaderboard place out of
    `team_size` (None: no sales yet), and `month_amount` the month's sales
    as the leaderboard prints them.
    """

    rep: str
    name: str
    previous_workday: date
    visits: tuple[VisitedCustomer, ...] = ()
    promises: tuple[Promise, ...] = ()
    flags: tuple[Flag, ...] = ()
    had_report: bool = True
    rank: int | None = None
    team_size: int = 0
    month_amount: str = "0.00"
    visit_count: int | None = None
    #: the visits the flags name (`Flag.visits`), by id: what a flag's question names (a
    #: call names none but its lead red flag's, `lead_flag`: those suffice)
    flagged: tuple[VisitedCustomer, ...] = ()
    #: the visits a customer was already phoned about: not named to phone again
    answered: frozenset[int] = frozenset()

    @property
    def visits_that_day(self) -> int:
        return len(self.visits) if self.visit_count is None else self.visit_count


def questions(
    record: RepRecord,
    quota: int,
    seed: int = 0,
    window: Window | None = None,
    *,
    red: Flag | EllipsisType | None = ...,
) -> list[str]:
    """2–4 concrete questions, each checkable against the records, in the current language.

    In order: the strongest red flag (naming its visit's customer), else one
    visit of the previous working day to cross-check (time slot, contact or
    phone), a promised revisit, the gaps (no report, below the `quota`, one
    flagged item when no red flag was asked), then the leaderboard place,
    which is always asked. A call in the on-the-job window asks, second,
    where the rep is now and to put the customer on the phone; in the other
    windows, with fewer than 2, the call's own question fills in. `red` is the
    record's `lead_flag` when the caller has it already (`make_call` works it out once
    for the questions and the confirm target).
    """
    if red is ...:
        red = lead_flag(record, quota)
    promise = _promise_to_ask(record)
    covered = _gaps_covered(record, quota)
    if red is None:
        first = [_visit_question(record, seed)]
    else:
        flagged = _flagged_visit(record, red)
        first = [_flag_question(red, flagged)]
        if flagged is None:  # a flag about no visit: the call still checks one
            first.append(_visit_question(record, seed))
    checks = [text for text in first if text]
    promised = _promise_question(promise)
    checks += [promised] if promised else []
    checks += _gap_questions(record, quota, promise, covered, ask_flag=red is None)
    if window is not None and Window(window) is Window.ON_THE_JOB:
        kept = checks[: MAX_QUESTIONS - 2]
        return [*kept[:1], _window_question(window), *kept[1:], _leaderboard_question(record)]
    asked = [*checks[: MAX_QUESTIONS - 1], _leaderboard_question(record)]
    if len(asked) < MIN_QUESTIONS:
        asked.append(_window_question(window))
    return asked


def lead_flag(record: RepRecord, quota: int) -> Flag | None:
    """The red flag the call asks first: the strongest (`rules.audit.strongest`) of those
    not already asked as a gap or as the promise."""
    red = [f for f in record.flags if f.red]
    found = strongest(_not_asked(red, _gaps_covered(record, quota), _promise_to_ask(record)), 1)
    return found[0] if found else None


def confirm_target(
    record: RepRecord, quota: int, seed: int = 0, *, red: Flag | EllipsisType | None = ...
) -> VisitedCustomer | None:
    """The visit whose customer the supervisor phones to confirm it: the lead red flag's
    (the first of its visits the record knows), else the previous working day's hashed pick
    (`_visit_to_check`). None when the call names no visit. `red`: as `questions`."""
    if red is ...:
        red = lead_flag(record, quota)
    flagged = _flagged_visit(record, red) if red is not None else None
    return flagged or _visit_to_check(record, seed)


def _flagged_visit(record: RepRecord, flag: Flag) -> VisitedCustomer | None:
    """The first of the flag's visits the record knows (an overlap names two) that no
    customer was phoned about yet."""
    known = {
        visit.id: visit
        for visit in record.flagged
        if visit.id is not None and visit.id not in record.answered
    }
    return next((known[v] for v in flag.visits if v in known), None)


def _visit_to_check(record: RepRecord, seed: int) -> VisitedCustomer | None:
    """A hashed pick among the day's visits, preferring a customer with a phone to call, then
    one with a contact; among those with a phone, an order visit that sold nothing first (an
    invented visit leaves no sale behind, so that is the customer to ask)."""
    phoned = [visit for visit in record.visits if visit.phone and visit.id not in record.answered]
    unsold = [visit for visit in phoned if visit.unsold]
    checkable = [visit for visit in record.visits if visit.contact or visit.phone]
    pool = sorted(
        unsold or phoned or checkable or record.visits,
        key=lambda visit: (visit.start or time.max, visit.customer, visit.end or time.max),
    )
    if not pool:
        return None
    return pool[stable_number(seed, record.rep, record.previous_workday, "visit") % len(pool)]


def time_slot(visit: VisitedCustomer) -> str:
    """`10:00–10:45`, `10:00` without an end, or that no time was logged."""
    if visit.start is None:
        return _("time not logged")
    if visit.end is None:
        return f"{visit.start:%H:%M}"
    return f"{visit.start:%H:%M}–{visit.end:%H:%M}"


def _visit_question(record: RepRecord, seed: int) -> str | None:
    visit = _visit_to_check(record, seed)
    if visit is None:
        return None
    values = {"day": record.previous_workday, "slot": time_slot(visit), "customer": visit.customer}
    if visit.contact and visit.phone:
        check = _("{contact}, tel. {phone}").format(contact=visit.contact, phone=visit.phone)
    elif visit.contact or visit.phone:
        check = visit.contact or _("tel. {phone}").format(phone=visit.phone)
    else:
        return _(
            "On {day}, {slot}, you were at {customer}: whom did you meet, and what was agreed? "
            "The visit has no contact or phone: give me one to check."
        ).format(**values)
    return _(
        "On {day}, {slot}, you were at {customer}: whom did you meet, and what was agreed? "
        "I will check with {check}."
    ).format(check=check, **values)


def _promise_to_ask(record: RepRecord) -> Promise | None:
    """The longest-missed promise; if none was missed, the latest one kept (to praise it).
    Of promises tied on (due, customer), the first in the record's order."""
    missed = [p for p in record.promises if not p.visited]
    if missed:
        return min(missed, key=_due_customer)
    return max(record.promises, key=_due_customer, default=None)


def _due_customer(promise: Promise) -> tuple[date, str]:
    return promise.due, promise.customer


def _promise_question(promise: Promise | None) -> str | None:
    if promise is None:
        return None
    if promise.visited:
        return _("You promised {customer} a revisit by {day} and went: what came of it?").format(
            customer=promise.customer, day=promise.due
        )
    return _(
        "You promised {customer} a revisit by {day}; no visit is logged since: "
        "why, and when will you go?"
    ).format(customer=promise.customer, day=promise.due)


def _gaps_covered(record: RepRecord, quota: int) -> set[tuple[Rule, date]]:
    """The flags (rule, day) a gap question already asks about."""
    day = record.previous_workday
    if not record.had_report:
        return {(Rule.NO_REPORT, day), (Rule.BELOW_QUOTA, day)}
    if quota > 0 and record.visits_that_day < quota:
        return {(Rule.BELOW_QUOTA, day)}
    return set()


def _gap_questions(
    record: RepRecord,
    quota: int,
    promise: Promise | None,
    covered: set[tuple[Rule, date]],
    ask_flag: bool = True,
) -> list[str]:
    """No report or too few visits on the previous working day, then one other flagged item
    (unless a red flag was asked first: one flagged item per call)."""
    day = record.previous_workday
    gaps: list[str] = []
    if not record.had_report:
        gaps.append(
            _(
                "No daily report for {day}: where were you that day, and when will it come in?"
            ).format(day=day)
        )
    elif quota > 0 and record.visits_that_day < quota:
        count = record.visits_that_day
        gaps.append(
            ngettext(
                "Only {n} visit on {day}, below the quota of {quota}: what got in the way?",
                "Only {n} visits on {day}, below the quota of {quota}: what got in the way?",
                count,
            ).format(n=count, day=day, quota=quota)
        )
    if ask_flag:  # worked out only then: a week's flags are dozens a rep
        flag = worst_flag(_not_asked(record.flags, covered, promise))
        if flag is not None:
            gaps.append(_flag_question(flag))
    return gaps


def _not_asked(
    flags: Iterable[Flag], covered: set[tuple[Rule, date]], promise: Promise | None
) -> list[Flag]:
    """The flags a gap question (`covered`) or the promise question does not ask about."""
    return [f for f in flags if (f.rule, f.day) not in covered and not _same_promise(f, promise)]


def _same_promise(flag: Flag, promise: Promise | None) -> bool:
    """A missed-revisit flag about the promise already asked about is not asked twice.

    The audit dates such a flag on the promised day and names the customer.
    """
    return (
        promise is not None
        and not promise.visited
        and flag.rule == Rule.MISSED_REVISIT
        and flag.day == promise.due
        and promise.customer in flag.evidence
    )


def rule_order(rule: Rule, order: Sequence[Rule] = RULES) -> tuple[int, str]:
    """The rule's place in `order` (the audit's by default); a rule not in it comes last."""
    return (order.index(rule) if rule in order else len(order), str(rule))


#: `rule_order(rule, ASK_ORDER)` of each rule, worked out once
_ASK_PLACE = {rule: rule_order(rule, ASK_ORDER) for rule in Rule}


def worst_flag(flags: Iterable[Flag]) -> Flag | None:
    """The flagged item to ask about: a red flag before a follow-up, then the strongest rule
    (`ASK_ORDER`), then the latest day."""
    flags = list(flags)
    if not flags:
        return None
    return first_by(
        flags,
        lambda f: (
            not getattr(f, "red", True),
            _ASK_PLACE.get(f.rule) or rule_order(f.rule, ASK_ORDER),
            -f.day.toordinal(),
        ),
    )


def rule_label(rule: Rule) -> str:
    """The rule in words, in the current language (a rule the plan has no words for as it is)."""
    return _(RULE_LABELS[rule]) if rule in RULE_LABELS else str(rule)


def _flag_question(flag: Flag, visit: VisitedCustomer | None = None) -> str:
    values = {"day": flag.day, "rule": rule_label(flag.rule), "evidence": flag.evidence}
    if visit is not None:
        values |= {"customer": visit.customer, "visit_day": visit.day or flag.day}
        if visit.phone:
            return _(
                "Flagged on {day}, {rule}: {evidence}. Tell me about your visit to {customer} "
                "on {visit_day}: I will phone {customer} at {phone} to confirm it."
            ).format(phone=visit.phone, **values)
        return _(
            "Flagged on {day}, {rule}: {evidence}. Tell me about your visit to {customer} "
            "on {visit_day}: {customer} has no phone on file, give me one to confirm it."
        ).format(**values)
    if flag.evidence:
        return _("Flagged on {day}, {rule}: {evidence}. What happened?").format(**values)
    return _("Flagged on {day}, {rule}: what happened?").format(**values)


def _leaderboard_question(record: RepRecord) -> str:
    if record.rank is None:
        return _("No sales this month yet: what will you close this week?")
    if record.rank == 1:
        return _(
            "You lead the team this month with {amount}: well done! "
            "How will you stay ahead this week?"
        ).format(amount=record.month_amount)
    return _(
        "You rank {rank} of {size} this month with {amount}: what will you close this week?"
    ).format(rank=record.rank, size=record.team_size, amount=record.month_amount)


_WINDOW_QUESTIONS = {
    None: N_("What is your plan for tomorrow?"),
    Window.MORNING: N_("What is your plan for today: which customers, in what order?"),
    Window.ON_THE_JOB: N_(
        "Where are you now, and with which customer? Put the customer on the phone."
    ),
    Window.AFTER_WORK: N_("Did today's plan happen: whom did you see, and what is left undone?"),
    Window.EVENING: N_("What did today bring, and what is your plan for tomorrow?"),
}


def _window_question(window: Window | None) -> str:
    """The question the call's time of day is for (DOMAIN: a plan in the morning, …)."""
    return _(_WINDOW_QUESTIONS[None if window is None else Window(window)])


# --- announced on every call -------------------------------------------------------------


class Standout(NamedTuple):
    """A rep singled out on every call: its name and its sales as the leaderboard prints them."""

    name: str
    amount: str


def announce(best: Standout | None, worst: Standout | None, day: date) -> list[str]:
    """The lines to read out on every call: the best and the lowest sales of `day`.

    Praise comes first; the lowest is left out when it is the best (a team
    of one, or everybody equal).
    """
    if best is None and worst is None:
        return [_("No sales on {day} to announce.").format(day=day)]
    lines = []
    if best is not None:
        name, amount = best
        lines.append(
            _("Best sales on {day}: {name} {amount}. Well done!").format(
                day=day, name=name, amount=amount
            )
        )
    if worst is not None and worst != best:
        name, amount = worst
        lines.append(
            _("Lowest sales on {day}: {name} {amount}. Catch up today!").format(
                day=day, name=name, amount=amount
            )
        )
    return lines
