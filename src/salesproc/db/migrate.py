"""Alembic, shipped inside the package and applied by the tool itself.

Opening a database compares its revision with `HEAD` first; Alembic (slow to
import) is only loaded when there is something to upgrade.
"""

from sqlalchemy import Engine

#: The newest migration in `migrations/versions`; a test checks it is Alembic's head.
HEAD = "0005"
#: Every revision this release can upgrade from.
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005")


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "salesproc.db:migrations")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a new SQLite file also switches to WAL, once and for good."""
    from alembic import command
    from sqlalchemy import text

    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.execute(text("PRAGMA journal_mode = WAL"))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
