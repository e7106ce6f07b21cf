"""the sale and the collection a visit recorded, found by the visit

Revision ID: 0012
Revises: 0011

Issue 14's benchmark found `report daily` scanning the whole sales and
collections tables once per visit of the day (19.6 s for the team's report on
a million visits): they are found by `visit_id`, which had no index.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_sales_visit_id", "sales", ["visit_id"])
    op.create_index("ix_collections_visit_id", "collections", ["visit_id"])


def downgrade() -> None:
    op.drop_index("ix_collections_visit_id", table_name="collections")
    op.drop_index("ix_sales_visit_id", table_name="sales")
