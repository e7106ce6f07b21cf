"""The team and its customers: the reps (销售人员) and the customer file (客户), graded A/B/C.

A rep who leaves is deactivated, never deleted: the history it logged stays
with the customers it visited, and its customers stay due until reassigned.
Customers are found by name ignoring case and spacing, since that is how
reps type them.
"""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from salesproc.db import merge, queries, writes
from salesproc.db.merge import Moved
from salesproc.db.models import Customer, Rep
from salesproc.db.queries import CustomerRow, VisitRow
from salesproc.db.writes import CustomerFields
from salesproc.rules.vocab import Category, Grade
from salesproc.service.context import Context

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "CustomerFields",
    "CustomerFile",
    "CustomerInfo",
    "CustomerRow",
    "MergeInfo",
    "Moved",
    "ReassignInfo",
    "RepInfo",
    "SaleInfo",
    "VisitRow",
    "activate_rep",
    "add_customer",
    "add_rep",
    "deactivate_rep",
    "delete_customer",
    "edit_customer",
    "list_customers",
    "list_reps",
    "merge_customers",
    "reassign_customers",
    "show_customer",
]


@dataclass(frozen=True)
class RepInfo:
    code: str
    name: str
    region: str | None
    phone: str | None
    active: bool


@dataclass(frozen=True)
class CustomerInfo:
    """A customer's details; its fields, in order, are `customer show`'s (and its JSON keys)."""

    name: str
    grade: str
    category: str
    rep: str | None
    contact: str | None
    phone: str | None
    region: str | None
    added_on: date
    won_on: date | None
    lost_on: date | None
    #: lost once `lost_on` is set, else open
    status: str


@dataclass(frozen=True)
class SaleInfo:
    date: date
    rep: str
    amount_cents: int
    ref: str | None


@dataclass(frozen=True)
class CustomerFile:
    """Everything on one customer: its details, its visits in report order, its sales."""

    details: CustomerInfo
    visits: list[VisitRow]
    sales: list[SaleInfo]


def _rep(rep: Rep) -> RepInfo:
    return RepInfo(rep.code, rep.name, rep.region, rep.phone, rep.active)


def _customer(customer: Customer) -> CustomerInfo:
    return CustomerInfo(
        name=customer.name,
        grade=customer.grade,
        category=customer.category,
        rep=customer.rep.code if customer.rep else None,
        contact=customer.contact,
        phone=customer.phone,
        region=customer.region,
        added_on=customer.added_on,
        won_on=customer.won_on,
        lost_on=customer.lost_on,
        status="lost" if customer.lost_on else "open",
    )


# --- reps --------------------------------------------------------------------------------


def add_rep(
    ctx: Context,
    code: str,
    name: str,
    region: str | None = None,
    phone: str | None = None,
    allow_same_name: bool = False,
) -> RepInfo:
    """A new rep; a name another rep has is refused unless `allow_same_name` (two people)."""
    now = ctx.now
    return ctx.transaction(
        lambda s: _rep(
            writes.add_rep(s, code, name, region, phone, now, allow_same_name=allow_same_name)
        )
    )


def list_reps(ctx: Context) -> list[RepInfo]:
    """Every rep, active or not: a deactivated rep's history is still the team's."""
    with ctx.session(write=False) as s:
        return [_rep(rep) for rep in queries.rep_list(s)]


def deactivate_rep(ctx: Context, code: str) -> RepInfo:
    """Off the leaderboard and unable to log anything new; history and customers are kept."""
    who = ctx.who
    return ctx.transaction(lambda s: _rep(writes.set_rep_active(s, code, False, who)))


def activate_rep(ctx: Context, code: str) -> RepInfo:
    who = ctx.who
    return ctx.transaction(lambda s: _rep(writes.set_rep_active(s, code, True, who)))


# --- customers ---------------------------------------------------------------------------


def add_customer(ctx: Context, fields: CustomerFields) -> CustomerInfo:
    """A new customer (`fields.name` and `fields.grade` required; a prospect by default)."""
    today, now = ctx.today, ctx.now
    return ctx.transaction(lambda s: _customer(writes.add_customer(s, fields, today, now)))


def edit_customer(ctx: Context, name: str, fields: CustomerFields) -> CustomerInfo:
    """Change what `fields` sets; revisit dates already agreed stay as they are."""
    who = ctx.who
    return ctx.transaction(lambda s: _customer(writes.edit_customer(s, name, fields, who)))


def list_customers(
    ctx: Context,
    grade: Grade | None = None,
    rep: str | None = None,
    category: Category | None = None,
) -> list[CustomerRow]:
    """Customers with their visit count and last visit."""
    with ctx.session(write=False) as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        return queries.customer_list(s, grade, rep_id, category)


def show_customer(ctx: Context, name: str) -> CustomerFile:
    """A customer's details, visit timeline and sales."""
    with ctx.session(write=False) as s:
        customer = writes.find_customer(s, name)
        return CustomerFile(
            details=_customer(customer),
            visits=queries.visit_list(s, customer_id=customer.id),
            sales=[
                SaleInfo(sale.sale_date, sale.rep.code, sale.amount_cents, sale.ref)
                for sale in queries.customer_sales(s, customer.id)
            ],
        )


@dataclass(frozen=True)
class MergeInfo:
    #: the customer kept, as it stands after the merge (before it, for a dry run)
    keep: CustomerInfo
    #: the customer merged away, as it was
    other: CustomerInfo
    moved: Moved
    dry_run: bool


def merge_customers(ctx: Context, keep: str, other: str, dry_run: bool = False) -> MergeInfo:
    """Join two customers that are one shop: OTHER's history moves to KEEP, OTHER goes.

    Recorded in the history; a dry run tells what would move and writes nothing.
    """
    who = ctx.who

    def work(s: "Session") -> MergeInfo:  # run again if another writer was in the way
        done = merge.merge_customers(s, keep, other, who, dry_run=dry_run)
        return MergeInfo(_customer(done.keep), _customer(done.other), done.moved, dry_run)

    return ctx.transaction(work, commit=not dry_run)  # a dry run: the same, rolled back


def delete_customer(ctx: Context, name: str) -> CustomerInfo:
    """Remove a customer added in error; one with a history must be merged instead."""
    who = ctx.who
    return ctx.transaction(lambda s: _customer(merge.delete_customer(s, name, who)))


@dataclass(frozen=True)
class ReassignInfo:
    source: str
    target: str
    #: the customers moved, by name
    customers: list[str]


def reassign_customers(
    ctx: Context,
    source: str,
    target: str,
    grade: Grade | None = None,
    category: Category | None = None,
) -> ReassignInfo:
    """Hand a leaving rep's customers (all, or of one grade or category) to another rep."""
    who = ctx.who

    def work(s: "Session") -> ReassignInfo:  # run again if another writer was in the way
        done = merge.reassign_customers(s, source, target, who, grade, category)
        return ReassignInfo(done.source, done.target, done.customers)

    return ctx.transaction(work)
