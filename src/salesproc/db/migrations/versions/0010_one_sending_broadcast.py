"""at most one broadcast attempt `sending` per day, edition and channel

Revision ID: 0010
Revises: 0009

Issue 13: two `broadcast` runs started at the same instant (a cron job and a
supervisor by hand) could both find no attempt and both send. A partial unique
index lets only one of them record its `sending` row; the other finds it taken
and does not send. An attempt left `sending` by a killed run and then sent
again with `--force` becomes `unknown` (its outcome will never be known).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = sa.text("status = 'sending'")


def upgrade() -> None:
    # rows left `sending` twice by old versions (possible before this index): all but
    # the latest become `unknown`, which is what they are
    op.execute(
        "UPDATE broadcasts SET status = 'unknown' WHERE status = 'sending' AND id NOT IN "
        "(SELECT MAX(id) FROM broadcasts WHERE status = 'sending' "
        "GROUP BY day, edition, channel)"
    )
    op.create_index(
        "ux_broadcasts_one_sending",
        "broadcasts",
        ["day", "edition", "channel"],
        unique=True,
        sqlite_where=_WHERE,
        postgresql_where=_WHERE,
    )


def downgrade() -> None:
    op.drop_index("ux_broadcasts_one_sending", table_name="broadcasts")
    op.execute("UPDATE broadcasts SET status = 'sending' WHERE status = 'unknown'")
