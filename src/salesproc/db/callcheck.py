"""The check-in call's customer check: the visit a customer confirmed or denied (`call log
--customer … --confirmed yes|no`); the visits a plan names are read by `db.audit_reads`.

A rep can invent a visit; the customer it names cannot be made to confirm it. The
plan names the visit to phone about (`call-plan`'s `confirm`), the supervisor phones,
and what the customer said is stored on the call with the visit it concerned, for the
audit (`unconfirmed-visit`, and a confirmed visit clears the flags it drew).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from salesproc.db import tables
from salesproc.db.shared_core import Reader

if TYPE_CHECKING:  # `call log` loads the ORM itself; `call list` reads through a session
    from sqlalchemy.orm import Session

    from salesproc.db.models import Call, Customer, Visit

_c = tables.customers.c
_k = tables.calls.c

#: how far before the call's day the visit a customer confirms may be
CONFIRM_LOOK_BACK = timedelta(days=7)


def visit_to_confirm(
    session: "Session", rep_id: int, customer_id: int, day: date
) -> "Visit | None":
    """The rep's latest visit to the customer on or before `day`, at most
    `CONFIRM_LOOK_BACK` before it: the visit a customer phoned on `day` speaks about."""
    from salesproc.db.models import Visit

    query = (
        select(Visit)
        .where(
            Visit.rep_id == rep_id,
            Visit.customer_id == customer_id,
            Visit.visit_date <= day,
            Visit.visit_date >= day - CONFIRM_LOOK_BACK,
        )
        .order_by(Visit.visit_date.desc(), Visit.start_time.desc(), Visit.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def record_confirmation(
    call: "Call", customer: "Customer", visit: "Visit", confirmed: bool
) -> None:
    """What the customer said about the visit, on the call just logged."""
    call.customer_id = customer.id
    call.visit_id = visit.id
    call.confirmed = confirmed


@dataclass(frozen=True)
class CallCheck:
    """A call's customer check as `call list` shows it: the customer and what they said."""

    customer: str | None
    confirmed: bool | None


def call_checks(db: Reader, call_ids: Iterable[int]) -> dict[int, CallCheck]:
    """The customer check of each call with one, by call id."""
    wanted = sorted(set(call_ids))
    if not wanted:
        return {}
    query = (
        select(_k.id, _c.name, _k.confirmed)
        .join_from(tables.calls, tables.customers, _c.id == _k.customer_id)
        .where(_k.id.in_(wanted))
    )
    return {call_id: CallCheck(name, confirmed) for call_id, name, confirmed in db.execute(query)}
