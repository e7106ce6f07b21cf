"""returns, collections, targets by metric, and the history of changes

Revision ID: 0005
Revises: 0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sales") as sales:
        sales.add_column(sa.Column("return_of_id", sa.Integer(), nullable=True))
        sales.create_foreign_key(
            op.f("fk_sales_return_of_id_sales"), "sales", ["return_of_id"], ["id"]
        )
        sales.create_index(op.f("ix_sales_return_of_id"), ["return_of_id"], unique=False)
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=True),
        sa.Column("source_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_collections_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], name=op.f("fk_collections_rep_id_reps")),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_collections_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
        sa.UniqueConstraint("source_key", name=op.f("uq_collections_source_key")),
    )
    op.create_index(
        op.f("ix_collections_customer_id"), "collections", ["customer_id"], unique=False
    )
    op.create_index(
        "ix_collections_rep_date_amount",
        "collections",
        ["rep_id", "collection_date", "amount_cents"],
        unique=False,
    )
    with op.batch_alter_table("targets") as targets:
        targets.add_column(
            sa.Column("metric", sa.String(length=12), nullable=False, server_default="sales")
        )
        targets.drop_constraint("uq_targets_rep_id", type_="unique")
        targets.create_unique_constraint(
            op.f("uq_targets_rep_id"), ["rep_id", "metric", "year", "month"]
        )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    op.create_index(op.f("ix_history_at"), "history", ["at"], unique=False)
    op.create_index("ix_history_kind_record", "history", ["kind", "record_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_history_kind_record", table_name="history")
    op.drop_index(op.f("ix_history_at"), table_name="history")
    op.drop_table("history")
    with op.batch_alter_table("targets") as targets:
        targets.drop_constraint("uq_targets_rep_id", type_="unique")
        targets.create_unique_constraint("uq_targets_rep_id", ["rep_id", "year", "month"])
        targets.drop_column("metric")
    op.drop_index("ix_collections_rep_date_amount", table_name="collections")
    op.drop_index(op.f("ix_collections_customer_id"), table_name="collections")
    op.drop_table("collections")
    with op.batch_alter_table("sales") as sales:
        sales.drop_index(op.f("ix_sales_return_of_id"))
        sales.drop_constraint(op.f("fk_sales_return_of_id_sales"), type_="foreignkey")
        sales.drop_column("return_of_id")
