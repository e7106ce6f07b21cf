"""a check-in call can name the customer phoned, and the audit keeps the supervisor's reviews

Revision ID: 0008
Revises: 0007

Issue 12: the supervisor phones the customer a call plan's question named
(`call log --customer NAME --confirmed yes|no`), so a call row gains the
customer and the visit it checked and whether the customer confirmed it; and
`audit dismiss` / `audit confirm` record a judgement on a flag (by its stable
id) so a dismissed flag does not return and `audit stats` can count them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("visit_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("confirmed", sa.Boolean(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_calls_customer_id_customers"), "customers", ["customer_id"], ["id"]
        )
        batch.create_foreign_key(
            op.f("fk_calls_visit_id_visits"), "visits", ["visit_id"], ["id"], ondelete="SET NULL"
        )
    op.create_table(
        "audit_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["rep_id"], ["reps.id"], name=op.f("fk_audit_reviews_rep_id_reps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_reviews")),
        sa.UniqueConstraint("flag_id", name=op.f("uq_audit_reviews_flag_id")),
    )
    op.create_index("ix_audit_reviews_day", "audit_reviews", ["day"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_reviews_day", table_name="audit_reviews")
    op.drop_table("audit_reviews")
    with op.batch_alter_table("calls") as batch:
        batch.drop_constraint(op.f("fk_calls_visit_id_visits"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_calls_customer_id_customers"), type_="foreignkey")
        batch.drop_column("confirmed")
        batch.drop_column("visit_id")
        batch.drop_column("customer_id")
