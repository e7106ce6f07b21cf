"""check-in calls and field days

Revision ID: 0004
Revises: 0003

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.Time(), nullable=True),
        sa.Column("window", sa.String(length=12), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], name=op.f("fk_calls_rep_id_reps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    op.create_index(op.f("ix_calls_day"), "calls", ["day"], unique=False)
    op.create_index("ix_calls_rep_day", "calls", ["rep_id", "day"], unique=False)
    op.create_table(
        "field_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("issue", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_days")),
    )
    op.create_index(op.f("ix_field_days_day"), "field_days", ["day"], unique=False)
    op.create_table(
        "field_day_reps",
        sa.Column("field_day_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_day_id"],
            ["field_days.id"],
            name=op.f("fk_field_day_reps_field_day_id_field_days"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["reps.id"], name=op.f("fk_field_day_reps_rep_id_reps")
        ),
        sa.PrimaryKeyConstraint("field_day_id", "rep_id", name=op.f("pk_field_day_reps")),
    )
    op.create_table(
        "field_day_customers",
        sa.Column("field_day_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_field_day_customers_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["field_day_id"],
            ["field_days.id"],
            name=op.f("fk_field_day_customers_field_day_id_field_days"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("field_day_id", "customer_id", name=op.f("pk_field_day_customers")),
    )


def downgrade() -> None:
    op.drop_table("field_day_customers")
    op.drop_table("field_day_reps")
    op.drop_index(op.f("ix_field_days_day"), table_name="field_days")
    op.drop_table("field_days")
    op.drop_index("ix_calls_rep_day", table_name="calls")
    op.drop_index(op.f("ix_calls_day"), table_name="calls")
    op.drop_table("calls")
