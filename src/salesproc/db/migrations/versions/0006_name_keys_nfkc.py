"""customer name keys by the NFKC rule: full-width and half-width, case and spacing are one name

Revision ID: 0006
Revises: 0005

Until 0005 a customer's `name_key` was its name trimmed, spaces folded and
case-folded, so `华联超市（文三店）` and `华联超市(文三店)`, or `KK便利店` and
`ＫＫ便利店`, were two customers. `rules.names.name_key` now also applies
Unicode NFKC and drops all white space; this data migration recomputes every
key with it, in batches, in plain portable SQL.

Two customers already on file may now have the same key. Nothing fails and
nothing is joined behind the user's back: the first of them keeps the new key
(the one already holding it, else the lowest id) and the others stay on their
old keys, where `customer show`/`customer merge` still find them by their exact
names, so the supervisor can join them with `salesproc customer merge KEEP OTHER`.
"""

from collections.abc import Callable, Iterator, Sequence

import sqlalchemy as sa
from alembic import op

from salesproc.rules.names import legacy_name_key, name_key

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: rows read and written per statement: well inside every driver's parameter limit
BATCH = 1000

customers = sa.table(
    "customers", sa.column("id", sa.Integer), sa.column("name"), sa.column("name_key")
)


def _rows(connection: sa.Connection) -> Iterator[tuple[int, str, str]]:
    """Every customer (id, name, key), by id, one batch in memory at a time."""
    last = 0
    while True:
        batch = connection.execute(
            sa.select(customers.c.id, customers.c.name, customers.c.name_key)
            .where(customers.c.id > last)
            .order_by(customers.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        yield from ((row.id, row.name, row.name_key) for row in batch)
        last = batch[-1].id


def _rekey(connection: sa.Connection, key: Callable[[str], str]) -> None:
    """Give each customer `key(name)`, unless another one takes that key first.

    Of the customers one key gathers, the one already on it keeps it (so no
    one is left on a key another takes); else the lowest id takes it. Were
    the key held by a customer that `key` sends elsewhere, none of them takes it.
    """
    holder: dict[str, int] = {}
    groups: dict[str, list[int]] = {}
    for customer_id, name, old in _rows(connection):
        holder[old] = customer_id
        groups.setdefault(key(name), []).append(customer_id)
    changes = []
    for new, ids in groups.items():
        current = holder.get(new)
        if current is None:
            changes.append({"customer_id": ids[0], "new_key": new})
        # else: it keeps the key (it is in `ids`) or, exotic, no one of `ids` takes it
    update = (
        sa.update(customers)
        .where(customers.c.id == sa.bindparam("customer_id"))
        .values(name_key=sa.bindparam("new_key"))
    )
    for start in range(0, len(changes), BATCH):
        connection.execute(update, changes[start : start + BATCH])


def upgrade() -> None:
    _rekey(op.get_bind(), name_key)


def downgrade() -> None:
    _rekey(op.get_bind(), legacy_name_key)
