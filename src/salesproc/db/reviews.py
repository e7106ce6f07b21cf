"""The supervisor's reviews of audit flags: kept by the flag's stable id, one row a flag.

A flag is a question; once the supervisor has checked it, the answer is kept so
that a flag found honest (dismissed) stops coming back and a true one
(confirmed) is on record, and so `audit stats` can say how often the rules were
wrong in real use. Each review is also a row of the history (kind `flag`): a
verdict changed later keeps what it was.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.db import history
from salesproc.db.audit_reads import DISMISSED
from salesproc.db.history import Who
from salesproc.db.models import AuditReview, Rep

#: what a review says of its flag (the flags dismissed are read in `db.audit_reads`)
CONFIRMED = "confirmed"
#: the history's action for each verdict
ACTIONS = {DISMISSED: "dismiss", CONFIRMED: "confirm"}


@dataclass(frozen=True)
class ReviewRow:
    flag_id: str
    rule: str
    rep: str
    day: date
    from_day: date | None
    verdict: str
    note: str | None


@dataclass(frozen=True)
class FlagRef:
    """What a review keeps of its flag (the flag itself is recomputed, never stored)."""

    flag_id: str
    rule: str
    rep: str
    day: date
    from_day: date | None


def _row(review: AuditReview, rep: str) -> ReviewRow:
    return ReviewRow(
        review.flag_id, review.rule, rep, review.day, review.from_day, review.verdict, review.note
    )


def reviews(session: Session, start: date, end: date) -> list[ReviewRow]:
    """The reviews of the flags whose day is in [start, end], by day then flag id."""
    query = (
        select(AuditReview, Rep.code)
        .join(Rep, Rep.id == AuditReview.rep_id)
        .where(AuditReview.day >= start, AuditReview.day <= end)
        .order_by(AuditReview.day, AuditReview.flag_id)
    )
    return [_row(review, code) for review, code in session.execute(query)]


def review(
    session: Session, who: Who, flag: FlagRef, verdict: str, note: str | None
) -> tuple[ReviewRow | None, ReviewRow | None]:
    """Record `verdict` on `flag` (a note of None keeps the one on file): (before, after).

    Nothing is written when the review on file already says the same (after is
    then None); any change is a row of the history, kind `flag`.
    """
    assert verdict in ACTIONS, verdict
    rep = session.scalar(select(Rep).where(Rep.code == flag.rep))
    assert rep is not None, flag.rep
    found = session.scalar(select(AuditReview).where(AuditReview.flag_id == flag.flag_id))
    before = None if found is None else _row(found, rep.code)
    old = None if found is None else history.values(found)
    if found is None:
        found = AuditReview(
            flag_id=flag.flag_id, rule=flag.rule, rep_id=rep.id, day=flag.day,
            from_day=flag.from_day, verdict=verdict, note=note, at=who.at,
        )  # fmt: skip
        session.add(found)
    else:
        if found.verdict == verdict and (note is None or note == found.note):
            return before, None
        found.verdict, found.at = verdict, who.at
        if note is not None:
            found.note = note
    session.flush()
    history.record(session, who, "flag", found.id, ACTIONS[verdict], old, history.values(found))
    return before, _row(found, rep.code)
