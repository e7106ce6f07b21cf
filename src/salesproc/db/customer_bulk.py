"""Writing an imported customer list: what `import customers` needs of the database."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.db import pg_copy, writes
from salesproc.db.models import Customer
from salesproc.rules.vocab import Category, Grade


@dataclass(frozen=True)
class NewCustomer:
    """A checked row of a customer list: a customer as `customer add` would add it, with
    the standing (won, lost) it had where the list comes from."""

    name: str
    grade: Grade
    category: Category
    rep_id: int | None
    added_on: date
    contact: str | None = None
    phone: str | None = None
    region: str | None = None
    won_on: date | None = None
    lost_on: date | None = None


def name_keys(session: Session) -> set[str]:
    """Every customer's name key: a name already on file is a bad row of a list."""
    return set(session.scalars(select(Customer.name_key)))


def insert_customers(session: Session, customers: Sequence[NewCustomer], now: datetime) -> int:
    """Add the customers, never visited (due from the day each was added); returns how many."""
    rows = []
    for c in customers:
        row = writes.new_customer_row(c.name, c.grade, c.category, c.rep_id, c.added_on, now)
        row.update(
            contact=c.contact, phone=c.phone, region=c.region, won_on=c.won_on, lost_on=c.lost_on
        )
        rows.append(row)
    return pg_copy.insert_dicts(session, Customer.__table__, rows)  # by COPY on PostgreSQL
