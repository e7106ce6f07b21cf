"""Reading the history beyond `history` itself: the customers' names for its ids.

(What the broadcast's corrections section is decided from is `db.daily_reads.correction_facts`;
the audit's visit edits are `db.audit_reads.visit_edits`.)"""

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
