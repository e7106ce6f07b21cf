"""The check-in call's customer check: the visits a call names, and the visit a customer
confirmed or denied (`call log --customer … --confirmed yes|no`).

A rep can invent a visit; the customer it names cannot be made to confirm it. The
plan names the visit to phone about (`call-plan`'s `confirm`), the supervisor phones,
and what the customer said is stored on the call with the visit it concerned, for the
audit (`unconfirmed-visit`, and a confirmed visit clears the flags it drew).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.db.models import Call, Customer, Rep, Visit

#: how far before the call's day the visit a customer confirms may be
CONFIRM_LOOK_BACK = timedelta(days=7)


@dataclass(frozen=True)
class NamedVisit:
    """A visit as a call names it: its customer, slot, contact and phone, id and day."""

    id: int
    rep: str
    day: date
    customer: str
    start: time | None
    end: time | None
    contact: str | None
    phone: str | None


def visits_by_id(session: Session, ids: Iterable[int]) -> list[NamedVisit]:
    """The visits with these ids (those that still exist), in id order."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    query = (
        select(Visit.id, Rep.code, Visit.visit_date, Customer.name, Visit.start_time,
               Visit.end_time, Customer.contact, Customer.phone)
        .join(Rep, Rep.id == Visit.rep_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.id.in_(wanted))
        .order_by(Visit.id)
    )  # fmt: skip
    return [NamedVisit(*row) for row in session.execute(query)]


def answered(session: Session, ids: Iterable[int]) -> frozenset[int]:
    """The visits among `ids` a customer was already phoned about (confirmed or not): the
    plan does not name them again."""
    wanted = sorted(set(ids))
    if not wanted:
        return frozenset()
    query = select(Call.visit_id).where(Call.visit_id.in_(wanted), Call.confirmed.is_not(None))
    return frozenset(session.scalars(query))


def visit_to_confirm(session: Session, rep_id: int, customer_id: int, day: date) -> Visit | None:
    """The rep's latest visit to the customer on or before `day`, at most
    `CONFIRM_LOOK_BACK` before it: the visit a customer phoned on `day` speaks about."""
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


def record_confirmation(call: Call, customer: Customer, visit: Visit, confirmed: bool) -> None:
    """What the customer said about the visit, on the call just logged."""
    call.customer_id = customer.id
    call.visit_id = visit.id
    call.confirmed = confirmed


@dataclass(frozen=True)
class CallCheck:
    """A call's customer check as `call list` shows it: the customer and what they said."""

    customer: str | None
    confirmed: bool | None


def call_checks(session: Session, call_ids: Iterable[int]) -> dict[int, CallCheck]:
    """The customer check of each call with one, by call id."""
    wanted = sorted(set(call_ids))
    if not wanted:
        return {}
    query = (
        select(Call.id, Customer.name, Call.confirmed)
        .join(Customer, Customer.id == Call.customer_id)
        .where(Call.id.in_(wanted))
    )
    return {
        call_id: CallCheck(name, confirmed) for call_id, name, confirmed in session.execute(query)
    }
