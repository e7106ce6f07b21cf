"""The broadcast's outbox: an attempt is written down before the message leaves, not after.

A send is a request the other side may have acted on even when no answer came
back (the process killed while the robot held the request, the machine off).
So each attempt is first committed as `sending`, then turned into `sent` or
`failed` once the channel has answered: a row still `sending` is a send whose
outcome nobody knows, and a rerun must not repeat it blindly. A unique index
(migration 0010) lets only one `sending` row stand per day, edition and channel,
so two runs started at the same instant cannot both send; one sent again with
`--force` turns the row it replaces into `unknown`.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from salesproc.db.models import Broadcast

#: the states of an attempt, as the outbox stores them and `broadcast log` shows them;
#: `unknown` is a `sending` one that a forced send replaced: its outcome is never known
SENDING, SENT, FAILED, UNKNOWN = "sending", "sent", "failed", "unknown"


@dataclass(frozen=True)
class Standing:
    """Where one channel stands with one edition: what a rerun decides by."""

    status: str
    #: when that attempt started
    at: datetime


def standing(session: Session, day: date, edition: str, channel: str) -> Standing | None:
    """The edition's state on `channel`: `sent` if any attempt went out (a later forced one
    that failed does not undo it), else the latest attempt's; None if never tried."""
    rows = session.execute(
        select(Broadcast.status, Broadcast.at)
        .where(Broadcast.day == day, Broadcast.edition == edition, Broadcast.channel == channel)
        .order_by(Broadcast.id)
    ).all()
    sent = [Standing(status, at) for status, at in rows if status == SENT]
    if sent:
        return sent[0]
    return Standing(*rows[-1]) if rows else None


def start(
    session: Session,
    day: date,
    edition: str,
    channel: str,
    digest: str,
    now: datetime,
    force: bool = False,
) -> int | None:
    """An attempt about to be made, as `sending`: the caller commits it before sending.

    None when another run's `sending` row stands (it committed between our reading
    and our writing): that run is sending, so this one must not. A `force`d attempt
    first turns any unfinished one into `unknown`.
    """
    where = (Broadcast.day == day, Broadcast.edition == edition, Broadcast.channel == channel)
    if force:
        session.execute(
            update(Broadcast).where(*where, Broadcast.status == SENDING).values(status=UNKNOWN)
        )
    row = Broadcast(
        day=day, edition=edition, channel=channel, digest=digest, status=SENDING, at=now
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row.id


def finish(session: Session, attempt: int, error: str | None) -> None:
    """The attempt's outcome: `sent` when `error` is None, else `failed` with the reason.

    Its `at` stays the start: the corrections rule counts an edition as seen from
    then (`db.daily_reads.correction_facts`), and the message was composed before it.
    """
    row = session.get(Broadcast, attempt)
    if row is None:  # pragma: no cover - the row was committed by `start`
        return
    row.status = SENT if error is None else FAILED
    row.error = error
    session.flush()
