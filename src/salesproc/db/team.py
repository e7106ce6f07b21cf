"""Team mode's logins: PostgreSQL roles in the groups migration 0009 made, and their reps.

A login is a server-wide role; `team_users` says, for this database, what it
is (supervisor or rep) and which rep it logs as, which is what the row-level
security policies read through `current_user`. Role names and passwords cannot
be bound parameters in `CREATE ROLE`, so a login is checked against a strict
pattern first (`service.team`) and quoted here; a password goes as a quoted
literal.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from salesproc.db.models import Rep, TeamUser

#: the group role of each team role (migration 0009)
GROUPS = {"supervisor": "salesproc_supervisor", "rep": "salesproc_rep"}


def has_users(session: Session) -> bool:
    """Whether the database has logins at all: PostgreSQL yes, an SQLite file no."""
    return session.get_bind().dialect.name == "postgresql"


def _name(session: Session, login: str) -> str:
    return session.get_bind().dialect.identifier_preparer.quote_identifier(login)


def _literal(value: str) -> str:
    """A string literal inside `text()`: quotes doubled, colons escaped (no bind parameter)."""
    return "'" + value.replace("'", "''").replace(":", "\\:") + "'"


def role_exists(session: Session, login: str) -> bool:
    query = text("SELECT 1 FROM pg_roles WHERE rolname = :login")
    return session.execute(query, {"login": login}).first() is not None


@dataclass(frozen=True)
class UserRow:
    login: str
    role: str
    rep: str | None
    #: whether the server still has the role (a login dropped by hand outside salesproc: no)
    can_log_in: bool


def users(session: Session) -> list[UserRow]:
    roles = set(session.scalars(text("SELECT rolname FROM pg_roles WHERE rolcanlogin")))
    query = (
        select(TeamUser.login, TeamUser.role, Rep.code)
        .outerjoin(Rep, Rep.id == TeamUser.rep_id)
        .order_by(TeamUser.role.desc(), TeamUser.login)  # the supervisors first
    )
    return [
        UserRow(login, role, rep, login in roles) for login, role, rep in session.execute(query)
    ]


def find_user(session: Session, login: str) -> TeamUser | None:
    return session.get(TeamUser, login)


def add_user(
    session: Session, login: str, role: str, rep_id: int | None, password: str, now: datetime
) -> None:
    """A new login role in its group, and its row; one transaction (CREATE ROLE is one too)."""
    name = _name(session, login)
    session.execute(
        text(f"CREATE ROLE {name} LOGIN PASSWORD {_literal(password)} IN ROLE {GROUPS[role]}")
    )
    session.add(TeamUser(login=login, role=role, rep_id=rep_id, created_at=now))
    session.flush()


def remove_user(session: Session, login: str) -> None:
    """The login's row, and its role if the server has it (it owns nothing: the groups hold
    every privilege)."""
    session.execute(delete(TeamUser).where(TeamUser.login == login))
    if role_exists(session, login):
        session.execute(text(f"DROP ROLE {_name(session, login)}"))


def set_password(session: Session, login: str, password: str) -> None:
    name = _name(session, login)
    session.execute(text(f"ALTER ROLE {name} PASSWORD {_literal(password)}"))


def edit_days(session: Session) -> int:
    return int(session.scalar(text("SELECT salesproc_edit_days()")) or 0)


def set_edit_days(session: Session, days: int) -> None:
    """The number the policies and the trigger read: a function that returns it, replaced."""
    session.execute(
        text(
            "CREATE OR REPLACE FUNCTION salesproc_edit_days() RETURNS integer "
            f"LANGUAGE sql IMMUTABLE AS 'SELECT {int(days)}'"
        )
    )
