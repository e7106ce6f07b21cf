"""Team mode's logins: PostgreSQL roles in the groups migration 0009 made, and their reps.

A login is a server-wide role; `team_users` says, for this database, what it
is (supervisor or rep) and which rep it logs as, which is what the row-level
security policies read through `current_user`. Logins are made, changed and
dropped by functions of migration 0011 that run with the owner's rights and
make only team logins, so the supervisor's login can manage them without
CREATEROLE; every value goes to them as a bound parameter. A password never
reaches the server: what goes is its SCRAM-SHA-256 verifier, computed here by
libpq (as psql's `\\password` does), so no statement log or `pg_stat_activity`
shows it.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from salesproc.db.models import Rep, TeamUser

#: the group role of each team role (migration 0009)
GROUPS = {"supervisor": "salesproc_supervisor", "rep": "salesproc_rep"}


def has_users(session: Session) -> bool:
    """Whether the database has logins at all: PostgreSQL yes, an SQLite file no."""
    return session.get_bind().dialect.name == "postgresql"


def _verifier(session: Session, login: str, password: str) -> str:
    """`password`'s SCRAM-SHA-256 verifier for `login` (libpq's PQencryptPasswordConn through
    psycopg): the server stores it as given, and never sees the password itself."""
    driver = session.connection().connection.driver_connection
    verifier = driver.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode("utf-8"), login.encode("utf-8"), b"scram-sha-256"
    )
    return bytes(verifier).decode("ascii")


def published_codes(session: Session) -> list[tuple[str, str]]:
    """Every rep's (code, name) as the boards publish them (view `rep_names`, migration 0011):
    what a rep's login may know of a colleague it cannot read in `reps`."""
    return [(code, name) for code, name in session.execute(text(
        "SELECT code, name FROM rep_names ORDER BY id"
    ))]  # fmt: skip


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
    """A new login in its group, and its row, in one transaction (CREATE ROLE is one too).

    Through `salesproc_add_login` (migration 0011), which runs with the owner's rights: so the
    supervisor's login, which has no CREATEROLE, adds logins too, and only team logins."""
    session.execute(
        text("SELECT salesproc_add_login(:login, :role, :rep, :verifier, :at)"),
        {"login": login, "role": role, "rep": rep_id, "at": now,
         "verifier": _verifier(session, login, password)},
    )  # fmt: skip


def remove_user(session: Session, login: str) -> None:
    """The login's row, and its role if the server has it (it owns nothing: the groups hold
    every privilege)."""
    session.execute(text("SELECT salesproc_remove_login(:login)"), {"login": login})


def set_password(session: Session, login: str, password: str) -> None:
    session.execute(
        text("SELECT salesproc_set_password(:login, :verifier)"),
        {"login": login, "verifier": _verifier(session, login, password)},
    )


def edit_days(session: Session) -> int:
    return int(session.scalar(text("SELECT salesproc_edit_days()")) or 0)


def set_edit_days(session: Session, days: int) -> None:
    """The number the policies and the trigger read: a function that returns it, replaced
    (by `salesproc_set_edit_days`, with the owner's rights)."""
    session.execute(text("SELECT salesproc_set_edit_days(:days)"), {"days": int(days)})
