"""Joining, removing and handing over customers: `customer merge`, `delete` and `reassign`.

Look-alike names (`华联超市（文三店）` and `华联超市(文三店)`) made two customers
before names were compared by `rules.names.name_key`, and the 0006 migration
leaves such pairs apart rather than guess: merging them is the supervisor's
call. A customer with a history is never deleted, only merged into another,
so no visit or sale of the leaderboard ever loses its customer. Each of
these writes its history rows in the caller's transaction.
"""

from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from salesproc.db import history, writes
from salesproc.db.collation import bytewise
from salesproc.db.history import Who
from salesproc.db.models import Collection, Customer, Sale, Visit
from salesproc.db.tables import field_day_customers
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.lifecycle import Standing, before_history
from salesproc.rules.names import name_key
from salesproc.rules.vocab import Category, Grade

#: the order of a customer's standing before any event: a merge keeps the further one
_FURTHER = (Category.PROSPECT, Category.NEW, Category.EXISTING)


@dataclass(frozen=True)
class Moved:
    """A customer's history, by kind: what a merge moves, what forbids a delete."""

    visits: int = 0
    sales: int = 0
    collections: int = 0
    field_days: int = 0

    @property
    def empty(self) -> bool:
        return not (self.visits or self.sales or self.collections or self.field_days)


def history_of(session: Session, customer_id: int) -> Moved:
    """How many visits, sales, collections and field records name the customer."""

    def count(column: ColumnElement[int]) -> int:
        return session.scalar(select(func.count()).where(column == customer_id)) or 0

    return Moved(
        visits=count(Visit.customer_id),
        sales=count(Sale.customer_id),
        collections=count(Collection.customer_id),
        field_days=count(field_day_customers.c.customer_id),
    )


@dataclass(frozen=True)
class Merge:
    keep: Customer
    #: the customer merged away, as it was (deleted unless a dry run)
    other: Customer
    moved: Moved


def merge_customers(
    session: Session, keep_name: str, other_name: str, who: Who, *, dry_run: bool = False
) -> Merge:
    """Move OTHER's visits, sales, collections and field records to KEEP, then delete OTHER.

    KEEP's gaps (rep, contact, phone, region) are filled from OTHER, it is known
    since the earlier of the two days added, and its standing is replayed from
    the joined history, starting from the further of the two (a prospect merged
    with an existing customer is an existing one). A dry run changes nothing.
    """
    keep = writes.find_customer(session, keep_name)
    other = writes.find_customer(session, other_name)
    if keep.id == other.id:
        raise InputError(
            _("{keep} and {other} are the same customer ({name}); nothing to merge").format(
                keep=keep_name, other=other_name, name=keep.name
            )
        )
    moved = history_of(session, other.id)
    if dry_run:
        return Merge(keep, other, moved)
    before = {**history.values(other), "moved": asdict(moved), "into": keep.id}

    for model in (Visit, Sale, Collection):
        session.execute(
            update(model).where(model.customer_id == other.id).values(customer_id=keep.id),
            execution_options={"synchronize_session": False},
        )
    links = field_day_customers.c
    both = select(links.field_day_id).where(links.customer_id == keep.id)
    session.execute(
        delete(field_day_customers).where(
            links.customer_id == other.id, links.field_day_id.in_(both)
        )
    )
    session.execute(
        update(field_day_customers).where(links.customer_id == other.id).values(customer_id=keep.id)
    )

    for attribute in ("rep_id", "contact", "phone", "region"):
        if getattr(keep, attribute) is None:
            setattr(keep, attribute, getattr(other, attribute))
    keep.added_on = min(keep.added_on, other.added_on)
    starts = [
        before_history(Standing(Category(c.category), c.lost_on, c.won_on)).category
        for c in (keep, other)
    ]
    keep.category = max(starts, key=_FURTHER.index)
    keep.won_on = keep.lost_on = None
    session.delete(other)
    session.flush()
    if keep.name_key != name_key(keep.name) and not _key_taken(session, name_key(keep.name)):
        keep.name_key = name_key(keep.name)  # left on its old key by 0006: OTHER held the new
    writes.replay_standing(session, keep)
    writes.refresh_schedules(session, [keep.id])
    session.flush()
    history.record(session, who, "customer", other.id, "merge", before, history.values(keep))
    return Merge(keep, other, moved)


def _key_taken(session: Session, key: str) -> bool:
    return session.scalar(select(Customer.id).where(Customer.name_key == key)) is not None


def delete_customer(session: Session, name: str, who: Who) -> Customer:
    """Remove a customer added in error; one with any history must be merged instead."""
    customer = writes.find_customer(session, name)
    found = history_of(session, customer.id)
    if not found.empty:
        raise InputError(
            _(
                "customer {name} has a history (visits: {visits}, sales: {sales}, "
                "collections: {collections}, field records: {field_days}); "
                "merge it into another with `salesproc customer merge KEEP {name}`"
            ).format(name=customer.name, **asdict(found))
        )
    before = history.values(customer)
    session.delete(customer)
    session.flush()
    history.record(session, who, "customer", customer.id, "delete", before, None)
    return customer


@dataclass(frozen=True)
class Reassign:
    source: str
    target: str
    #: the names of the customers moved, by name
    customers: list[str]


def reassign_customers(
    session: Session,
    source: str,
    target: str,
    who: Who,
    grade: Grade | None = None,
    category: Category | None = None,
) -> Reassign:
    """Hand a rep's customers (all, or of one grade or category) to another, active, rep.

    One history row per customer, so each one's change of rep can be found by its id.
    """
    old = writes.find_rep(session, source, option="--from")
    new = writes.find_active_rep(session, target, option="--to")
    if old.id == new.id:
        raise InputError(
            _("--from and --to are the same rep ({code}); name the rep taking over").format(
                code=old.code
            )
        )
    query = select(Customer).where(Customer.rep_id == old.id)
    if grade is not None:
        query = query.where(Customer.grade == grade)
    if category is not None:
        query = query.where(Customer.category == category)
    moved = []
    for customer in list(session.scalars(query.order_by(bytewise(Customer.name_key)))):
        before = history.values(customer)
        customer.rep_id = new.id
        session.flush()
        history.record(
            session, who, "customer", customer.id, "reassign", before, history.values(customer)
        )
        moved.append(customer.name)
    return Reassign(old.code, new.code, moved)
