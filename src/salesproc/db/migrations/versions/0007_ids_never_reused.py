"""ids never reused: visits, sales, collections and customers on SQLite get AUTOINCREMENT

Revision ID: 0007
Revises: 0006

The history names records by id. Without AUTOINCREMENT SQLite gives a new row
the highest id + 1, so deleting the latest sale and adding another made two
sales #500: `history --kind sale --id 500` would mix a deleted sale's story
with a live one's. PostgreSQL's sequences never go back; SQLite needs each
table rebuilt once (batch mode copies it; `migrate.upgrade` turns foreign
keys off for the copy and checks them after).
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("customers", "visits", "sales", "collections")


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
