"""Reading the history beyond `history` itself: names for its ids, and what the broadcast's
corrections section (更正) is decided from (`rules.corrections`)."""

import json
from collections.abc import Collection as Many
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import Session

from salesproc.db.models import Broadcast, Change, Customer, Rep
from salesproc.rules.audit import VisitEdit
from salesproc.rules.corrections import ChangeFact, SentEdition
from salesproc.rules.names import shown_names


def rep_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The reps' names by id (a rep's name is what the team reads)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(Rep.id, Rep.name).where(Rep.id.in_(wanted))
    return {rep_id: name for rep_id, name in session.execute(query)}


def customer_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(Customer.id, Customer.name).where(Customer.id.in_(wanted))
    return {customer_id: name for customer_id, name in session.execute(query)}


@dataclass(frozen=True)
class CorrectionFacts:
    """The changes not yet announced, the editions sent that may have shown their figures,
    and the names of their reps."""

    changes: list[ChangeFact] = field(default_factory=list)
    sent: list[SentEdition] = field(default_factory=list)
    reps: dict[int, str] = field(default_factory=dict)


def correction_facts(
    session: Session, day: date, edition: str, kinds: Many[str]
) -> CorrectionFacts:
    """What `day`'s `edition` announces: the changes of `kinds` made after the last edition
    sent, other than this one (its rerun or forced resend repeats its own corrections).

    "Not yet announced" is thereby "made after the last edition that went out": every
    edition sent carries the corrections made before it, so the next one starts afresh.
    Nothing sent yet: nothing was seen, so nothing to correct.
    """
    sent = Broadcast.status == "sent"
    this = and_(Broadcast.day == day, Broadcast.edition == edition)
    last = session.scalar(select(func.max(Broadcast.at)).where(sent, not_(this)))
    if last is None:
        return CorrectionFacts()
    rows = session.scalars(
        select(Change)
        .where(Change.kind.in_(list(kinds)), Change.at > last)
        .order_by(Change.at, Change.id)
    ).all()
    changes = [
        ChangeFact(
            c.kind,
            c.at,
            None if c.before is None else json.loads(c.before),
            None if c.after is None else json.loads(c.after),
        )
        for c in rows
    ]
    if not changes:
        return CorrectionFacts()
    days = [
        date.fromisoformat(str(value)[:10])
        for c in changes
        for values in (c.before, c.after)
        if values is not None
        for key, value in values.items()
        if key.endswith("_date") and value
    ]
    # an edition shows a day in its daily ranking (the evening's, the next morning's) or in
    # its month to date (to the month's end): it was sent within a month after the day
    editions = session.execute(
        select(Broadcast.day, Broadcast.edition, Broadcast.at)
        .where(
            sent,
            Broadcast.at < max(c.at for c in changes),
            Broadcast.day >= min(days, default=day),
            Broadcast.day <= max(days, default=day) + timedelta(days=32),
        )
        .distinct()
    )
    reps = rep_names(
        session,
        (
            int(values["rep_id"])
            for c in changes
            for values in (c.before, c.after)
            if values is not None and values.get("rep_id") is not None
        ),
    )
    # as the leaderboard names them: 张伟(zhangwei) where two active reps share a name
    active = session.execute(select(Rep.id, Rep.code, Rep.name).where(Rep.active.is_(True))).all()
    shown = shown_names((code, name) for _id, code, name in active)
    reps.update({rid: shown[code] for rid, code, _name in active if rid in reps})
    return CorrectionFacts(changes, [SentEdition(*row) for row in editions], reps)


def _time(value: object) -> time | None:
    return None if value is None else time.fromisoformat(str(value))


def visit_edits(session: Session, since: date, rep_id: int | None = None) -> list[VisitEdit]:
    """The visits changed by `visit edit` from `since` on, as the audit's edited-after-call
    reads them (`rules.audit.VisitEdit`): a visit can only be dated up to the day it is
    edited, so an edit of a visit dated in a window is made on or after the window's start."""
    rows = session.scalars(
        select(Change)
        .where(
            Change.kind == "visit",
            Change.action == "edit",
            Change.at >= datetime.combine(since, time()),
        )
        .order_by(Change.at, Change.id)
    ).all()
    pairs = [
        (c, json.loads(c.before), json.loads(c.after))
        for c in rows
        if c.before is not None and c.after is not None
    ]
    pairs = [p for p in pairs if rep_id is None or p[1].get("rep_id") == rep_id]
    codes = {
        rid: code
        for rid, code in session.execute(
            select(Rep.id, Rep.code).where(Rep.id.in_({int(b["rep_id"]) for _, b, _ in pairs}))
        )
    }
    customers = customer_names(
        session, (int(v["customer_id"]) for _, b, a in pairs for v in (b, a))
    )
    return [
        VisitEdit(
            change.record_id,
            codes.get(int(before["rep_id"]), str(before["rep_id"])),
            change.at,
            date.fromisoformat(before["visit_date"]),
            date.fromisoformat(after["visit_date"]),
            _time(before.get("start_time")),
            _time(after.get("start_time")),
            _time(before.get("end_time")),
            _time(after.get("end_time")),
            customers.get(int(before["customer_id"]), f"#{before['customer_id']}"),
            customers.get(int(after["customer_id"]), f"#{after['customer_id']}"),
        )
        for change, before, after in pairs
    ]
