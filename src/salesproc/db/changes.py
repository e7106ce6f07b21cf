"""Reading the history beyond `history` itself: names for its ids, and what the broadcast's
corrections section (更正) is decided from (`rules.corrections`)."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.db.models import Customer


def customer_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(Customer.id, Customer.name).where(Customer.id.in_(wanted))
    return {customer_id: name for customer_id, name in session.execute(query)}
