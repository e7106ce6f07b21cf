"""Collections (回款): money a rep collected from a customer, recorded, listed and corrected.

A collection stands beside the sales and never touches a customer's standing:
being paid wins no prospect. It may be logged on a visit (`log-visit
--collected`, `collection add --visit`), whose rep and customer it then takes
unless told otherwise. Every edit and delete goes into the history in the same
transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.db import history
from salesproc.db.history import Who
from salesproc.db.models import Collection, Customer, Rep
from salesproc.db.reads import between
from salesproc.db.writes import find_active_rep, find_customer, find_visit
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.dates import COLLECTION_DATE_AHEAD, check_not_future

KIND = "collection"


@dataclass(frozen=True)
class CollectionRow:
    """One collection as `collection list` shows it; the fields are the JSON keys."""

    id: int
    date: date
    rep: str
    customer: str | None
    amount_cents: int
    ref: str | None
    visit_id: int | None


@dataclass(frozen=True)
class CollectionChanges:
    """What `collection edit` may change; None means "leave as is"."""

    amount_cents: int | None = None
    day: date | None = None
    rep: str | None = None
    customer: str | None = None
    ref: str | None = None


def _row(c: Collection) -> CollectionRow:
    return CollectionRow(
        c.id,
        c.collection_date,
        c.rep.code,
        c.customer.name if c.customer else None,
        c.amount_cents,
        c.ref,
        c.visit_id,
    )


def _find(session: Session, collection_id: int) -> Collection:
    found = session.get(Collection, collection_id)
    if found is None:
        raise InputError(
            _("no collection #{id}; see `salesproc collection list`").format(id=collection_id)
        )
    return found


def add_collection(
    session: Session,
    rep_code: str | None,
    amount_cents: int,
    day: date | None,
    customer_name: str | None,
    ref: str | None,
    visit_id: int | None,
    today: date,
    now: datetime,
) -> CollectionRow:
    """A collection; on a visit, the visit's rep, customer and day unless given."""
    visit = find_visit(session, visit_id) if visit_id is not None else None
    if rep_code is None:
        if visit is None:
            raise InputError(_("no rep given; pass --rep CODE or set `rep` in the config file"))
        rep_code = visit.rep.code
    rep = find_active_rep(session, rep_code)
    customer: Customer | None = None
    if customer_name:
        customer = find_customer(session, customer_name)
    elif visit is not None:
        customer = visit.customer
    if day is None:
        day = visit.visit_date if visit is not None else today
    check_not_future(day, today, COLLECTION_DATE_AHEAD)
    collection = Collection(
        rep_id=rep.id,
        customer_id=customer.id if customer else None,
        visit_id=visit.id if visit else None,
        collection_date=day,
        amount_cents=amount_cents,
        ref=ref,
        created_at=now,
    )
    session.add(collection)
    session.flush()
    return _row(collection)


def edit_collection(
    session: Session, who: Who, collection_id: int, changes: CollectionChanges, today: date
) -> CollectionRow:
    """Correct a collection's amount, day, rep, customer or reference; recorded in the history."""
    collection = _find(session, collection_id)
    before = history.values(collection)
    if changes.rep is not None:
        collection.rep_id = find_active_rep(session, changes.rep).id
    if changes.customer is not None:
        collection.customer_id = find_customer(session, changes.customer).id
    if changes.day is not None:
        collection.collection_date = check_not_future(changes.day, today, COLLECTION_DATE_AHEAD)
    if changes.amount_cents is not None:
        collection.amount_cents = changes.amount_cents
    if changes.ref is not None:
        collection.ref = changes.ref or None
    session.flush()
    session.refresh(collection)
    after = history.values(collection)
    if after != before:
        history.record(session, who, KIND, collection.id, "edit", before, after)
    return _row(collection)


def delete_collection(session: Session, who: Who, collection_id: int) -> CollectionRow:
    """Remove a collection recorded in error; the history keeps what it was."""
    collection = _find(session, collection_id)
    gone = _row(collection)
    history.record(session, who, KIND, collection.id, "delete", history.values(collection), None)
    session.delete(collection)
    session.flush()
    return gone


def collection_list(
    session: Session,
    rep_id: int | None = None,
    customer_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[CollectionRow]:
    """Collections by day, then in the order recorded."""
    query = (
        select(
            Collection.id,
            Collection.collection_date,
            Rep.code,
            Customer.name,
            Collection.amount_cents,
            Collection.ref,
            Collection.visit_id,
        )
        .join(Rep, Rep.id == Collection.rep_id)
        .outerjoin(Customer, Customer.id == Collection.customer_id)
        .order_by(Collection.collection_date, Collection.id)
    )
    if rep_id is not None:
        query = query.where(Collection.rep_id == rep_id)
    if customer_id is not None:
        query = query.where(Collection.customer_id == customer_id)
    query = between(query, Collection.collection_date, start, end)
    return [CollectionRow(*row) for row in session.execute(query)]
