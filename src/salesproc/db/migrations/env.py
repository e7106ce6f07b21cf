"""Alembic environment: runs on the connection salesproc hands it."""

from alembic import context

from salesproc.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` CLI for developers: a scratch SQLite file
    from sqlalchemy import create_engine

    connection = create_engine("sqlite:///migrations-dev.db").connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
