"""Reading the history beyond `history` itself: names for its ids, and what the broadcast's
corrections section (更正) is decided from (`rules.corrections`)."""

import json
from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.db.models import Change, Customer, Rep
from salesproc.db.reads import (  # noqa: F401  (read by the broadcast: `db.reads`, no ORM)
    CorrectionFacts,
    correction_facts,
    rep_names,
)
from salesproc.rules.audit import VisitEdit


def customer_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(Customer.id, Customer.name).where(Customer.id.in_(wanted))
    return {customer_id: name for customer_id, name in session.execute(query)}


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
