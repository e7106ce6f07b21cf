"""Corrections (更正): a figure the team already saw in the broadcast, changed since.

The leaderboard message puts every rep's sales in front of the whole team; when
one of those figures is corrected afterwards (42,000 typed for 4,200), the
team must hear it, or the next message's numbers simply disagree with the last
one and nobody knows why. So the next edition composed carries a short
"corrections" line, and only the next one: a correction is announced once.

What counts, from the history (`salesproc.db.history`), pure and in one place:

- a change (edit or delete) of a record that is a figure of the message, a
  kind in `FIGURES` (sales, and collections where the message shows them); a
  record added, a return included, is no correction: its own day's message shows it;
- that changed the figure: its day, its rep or its amount (not a note, a reference
  or a customer);
- of a figure the team had seen: an edition was sent (the outbox says `sent`)
  before the change and after the record was added, whose message showed the
  record's day, before or after the change: its daily ranking (the day it
  covers) or its month to date (a later day of the same month);
- not yet announced: the database layer passes only the changes made after the
  last edition sent (an edition other than the one being composed, so a rerun
  or a forced resend of an edition repeats its own corrections). An edition
  sent announces what changed before it; a dry run sends nothing, so the next
  real edition still does.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from salesproc.i18n import N_, _
from salesproc.rules.money import format_amount

if TYPE_CHECKING:
    from salesproc.rules.calendar import WorkCalendar

#: the kinds of history record that are figures of the message, and the field of their day
FIGURES: dict[str, str] = {"sale": "sale_date", "collection": "collection_date"}

#: how the line names each kind of figure (a negative sale is a return, 退货)
_LABELS = {"sale": N_("sales"), "return": N_("returns"), "collection": N_("collections")}


@dataclass(frozen=True)
class ChangeFact:
    """One row of the history as the broadcast reads it: `before`/`after` are the record's
    values as the history keeps them (`after` None when deleted)."""

    kind: str
    at: datetime
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True)
class SentEdition:
    """An edition of the message that went out (on at least one channel), and when."""

    day: date
    #: morning (it covers the day before) or evening (the day itself)
    edition: str
    at: datetime


@dataclass(frozen=True)
class Correction:
    """A figure the team saw, as it was and as it is: `after_*` None when it was deleted."""

    kind: str
    before_day: date
    before_rep: str
    before_cents: int
    after_day: date | None = None
    after_rep: str | None = None
    after_cents: int | None = None


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def covered(sent: SentEdition, calendar: "WorkCalendar | None" = None) -> date:
    """The day an edition's rankings end on: the previous working day in the morning, the
    day itself in the evening (`rules.broadcast.report_day`, with the team's calendar)."""
    from salesproc.rules.broadcast import report_day
    from salesproc.rules.vocab import Edition

    return report_day(Edition(sent.edition), sent.day, calendar)


def showed(sent: SentEdition, day: date, calendar: "WorkCalendar | None" = None) -> bool:
    """Whether an edition's message had `day`'s figures: its daily ranking is that day, or
    its month to date runs through it."""
    end = covered(sent, calendar)
    return (end.year, end.month) == (day.year, day.month) and end >= day


def to_announce(
    changes: Iterable[ChangeFact],
    sent: Sequence[SentEdition],
    reps: Mapping[int, str],
    calendar: "WorkCalendar | None" = None,
) -> list[Correction]:
    """The corrections among `changes` (those not yet announced: see the module), oldest first.

    `reps` names the reps by id (a rep not in it shows as its id).
    """
    found: list[Correction] = []
    for change in sorted(changes, key=lambda c: c.at):
        field = FIGURES.get(change.kind)
        before, after = change.before, change.after
        if field is None or before is None:
            continue
        figure = (before[field], before["rep_id"], before["amount_cents"])
        if after is not None and (after[field], after["rep_id"], after["amount_cents"]) == figure:
            continue  # a note, a reference, a customer: not a figure of the message
        days = [_day(v[field]) for v in (before, after) if v is not None]
        added = _moment(before.get("created_at"))
        seen = any(
            s.at < change.at and (added is None or s.at > added) and showed(s, day, calendar)
            for s in sent
            for day in days
        )
        if not seen:
            continue
        kind = (
            "return" if change.kind == "sale" and int(before["amount_cents"]) < 0 else change.kind
        )
        found.append(
            Correction(
                kind,
                _day(before[field]),
                reps.get(int(before["rep_id"]), str(before["rep_id"])),
                int(before["amount_cents"]),
                None if after is None else _day(after[field]),
                None if after is None else reps.get(int(after["rep_id"]), str(after["rep_id"])),
                None if after is None else int(after["amount_cents"]),
            )
        )
    return found


def _moved(before: str, after: str | None) -> str:
    return before if after is None or after == before else f"{before}→{after}"


def correction_text(fix: Correction) -> str:
    """`11-27 张伟 sales 42,000.00 → 4,200.00`; a moved figure names both days (or reps),
    a deleted one ends `→ deleted`."""
    day = _moved(
        f"{fix.before_day:%m-%d}", None if fix.after_day is None else f"{fix.after_day:%m-%d}"
    )
    rep = _moved(fix.before_rep, fix.after_rep)
    amount = format_amount(fix.before_cents)
    if fix.after_cents is None:
        amount += " → " + _("deleted")
    elif fix.after_cents != fix.before_cents:
        amount += " → " + format_amount(fix.after_cents)
    return f"{day} {rep} {_(_LABELS[fix.kind])} {amount}"


def correction_lines(fixes: Sequence[Correction]) -> list[str]:
    """The message's corrections section: one paragraph, nothing when there is none."""
    if not fixes:
        return []
    items = _("; ").join(correction_text(fix) for fix in fixes)
    return [_("Corrections: {items}").format(items=items)]
