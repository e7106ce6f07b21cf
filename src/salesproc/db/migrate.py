"""Alembic, shipped inside the package and applied by the tool itself.

Opening a database compares its revision with `HEAD` first; Alembic (slow to
import) is only loaded when there is something to upgrade.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: The newest migration in `migrations/versions`; a test checks it is Alembic's head.
HEAD = "0013"
#: Every revision this release can upgrade from.
KNOWN_REVISIONS = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012",
    "0013",
)  # fmt: skip


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "salesproc.db:migrations")
    return config


def upgrade(engine: "Engine", revision: str = "head") -> None:
    """Bring the schema to `revision`; a new SQLite file also switches to WAL, once and for good.

    On SQLite the migrations run with foreign keys off, as SQLite's own recipe for
    rebuilding a table asks (a rebuilt table is dropped while others refer to it), and
    every reference is checked before the transaction commits.
    """
    from alembic import command
    from sqlalchemy import text

    from salesproc.errors import RuntimeFailure

    sqlite = engine.dialect.name == "sqlite"
    config = alembic_config()
    with engine.connect() as connection:
        if sqlite:
            # outside any transaction: SQLite ignores both pragmas inside one
            connection.exec_driver_sql("PRAGMA journal_mode = WAL")
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()  # ends SQLAlchemy's autobegun (empty) transaction
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.execute(text("PRAGMA foreign_key_check")).first()
                    if broken is not None:
                        raise RuntimeFailure(
                            f"the schema upgrade left a broken reference in {broken[0]}"
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()
