"""The supervisor's judgement on the audit's flags: dismissed, confirmed, and counted.

A flag is a question, and an audit that keeps asking what was already answered
stops being read. `review_flag` records the answer by the flag's stable id
(`rules.audit.Flag.id`): a flag checked and found honest is dismissed and the
audit leaves it out from then on (`supervision.audit_flags`); one found true is
confirmed and stays. `stats` counts both per rule, so the rules' false-flag rate
in real use is measured, not guessed.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from salesproc.db import reviews as store
from salesproc.db.reviews import CONFIRMED, DISMISSED, FlagRef, ReviewRow
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.audit import RULES, Flag, Severity
from salesproc.service import supervision
from salesproc.service.context import Context
from salesproc.service.instruments import supervisors_only

__all__ = [
    "CONFIRMED",
    "DISMISSED",
    "LOOK_BACK",
    "AuditStats",
    "Reviewed",
    "RuleCount",
    "review_flag",
    "stats",
]

#: how far back `audit dismiss/confirm` looks for the flag (`--from` looks further)
LOOK_BACK = timedelta(days=92)


@dataclass(frozen=True)
class Reviewed:
    """A review recorded (or found already on file: `changed` is False)."""

    flag: Flag
    verdict: str
    note: str | None
    #: the review on file before this one, None when the flag had none
    before: ReviewRow | None
    changed: bool


@dataclass(frozen=True)
class RuleCount:
    """One rule's flags of the window (of one severity; None: flags reviewed that the rules
    no longer raise, their records changed since) and what the supervisor found of them."""

    rule: str
    severity: str | None
    raised: int
    dismissed: int
    confirmed: int

    @property
    def open(self) -> int:
        """Raised and not yet reviewed."""
        return self.raised - self.dismissed - self.confirmed


@dataclass(frozen=True)
class AuditStats:
    start: date
    end: date
    rules: list[RuleCount]

    @property
    def total(self) -> RuleCount:
        return RuleCount(
            "",
            None,
            sum(r.raised for r in self.rules),
            sum(r.dismissed for r in self.rules),
            sum(r.confirmed for r in self.rules),
        )

    @property
    def false_share(self) -> Fraction | None:
        """Of the flags reviewed, the share found honest: the false-flag rate in real use
        (None when none was reviewed)."""
        total = self.total
        reviewed = total.dismissed + total.confirmed
        return Fraction(total.dismissed, reviewed) if reviewed else None


def _window(ctx: Context, start: date | None, end: date | None) -> tuple[date, date]:
    last = end or ctx.today
    first = start or min(last, ctx.today) - LOOK_BACK
    if first > last:
        raise InputError(_("--from {start} is after --to {end}").format(start=first, end=last))
    return first, last


def _find(ctx: Context, flag_id: str, start: date | None, end: date | None) -> Flag:
    """The flag raised with this id: in [start, end] (the look-back by default), else, with
    no window given, in the month to date `audit` shows (a pattern flag's days, and so its
    id, depend on the window it was raised in)."""
    first, last = _window(ctx, start, end)
    windows = [(first, last)]
    if start is None and end is None:
        windows.append(supervision.audit_window(ctx, None, None))
    for window in windows:
        for flag in supervision.raised_flags(ctx, *window):
            if flag.id == flag_id:
                return flag
    raise InputError(
        _("no flag {id} in the audit of {start}..{end}; `salesproc audit --all` shows the ids")
        .format(id=flag_id, start=first, end=last)
    )  # fmt: skip


def review_flag(
    ctx: Context,
    flag_id: str,
    verdict: str,
    note: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Reviewed:
    """Record the supervisor's verdict on a flag the audit raises (dismissed needs a note:
    the reason is the point); a verdict already on file is changed, and said so."""
    assert verdict in (DISMISSED, CONFIRMED), verdict
    text = note.strip() if note is not None else None
    if verdict == DISMISSED and not text:
        raise InputError(
            _("--note is empty; say what you checked and why the flag is honest")
        )  # fmt: skip
    if note is not None and not text:
        raise InputError(_("--note is empty; leave it out or say what you found"))
    flag = _find(ctx, flag_id.strip().lower(), start, end)
    ref = FlagRef(flag.id, flag.rule.value, flag.rep, flag.day, flag.from_day)
    who = ctx.who
    before, after = ctx.transaction(lambda s: store.review(s, who, ref, verdict, text))
    if after is None:
        assert before is not None
        return Reviewed(flag, before.verdict, before.note, before, changed=False)
    return Reviewed(flag, after.verdict, after.note, before, changed=True)


def _rule_order(count: RuleCount) -> tuple[int, int, str]:
    position = {rule.value: i for i, rule in enumerate(RULES)}
    severity = {Severity.RED.value: 0, Severity.FOLLOW_UP.value: 1}
    return (
        position.get(count.rule, len(position)),
        severity.get(count.severity or "", 2),
        count.rule,
    )


def stats(ctx: Context, start: date | None = None, end: date | None = None) -> AuditStats:
    """Per rule, over [start, end] (the month to date by default): the flags raised (the
    dismissed ones too), dismissed and confirmed; a review counts in the window of its
    flag's day."""
    supervisors_only(ctx, "audit stats")
    first, last = supervision.audit_window(ctx, start, end)
    flags = supervision.raised_flags(ctx, first, last)
    with ctx.session(write=False) as s:
        done = {r.flag_id: r for r in store.reviews(s, first, last)}
    kind: dict[str, tuple[str, str | None]] = {
        f.id: (f.rule.value, f.severity.value) for f in flags
    }
    for flag_id, row in done.items():  # reviewed, and no longer raised
        kind.setdefault(flag_id, (row.rule, None))
    raised = Counter(kind.values())
    verdicts = Counter((kind[i], r.verdict) for i, r in done.items())
    counts = [
        RuleCount(rule, severity, n, verdicts[(key, DISMISSED)], verdicts[(key, CONFIRMED)])
        for key, n in raised.items()
        for rule, severity in [key]
    ]
    return AuditStats(first, last, sorted(counts, key=_rule_order))
