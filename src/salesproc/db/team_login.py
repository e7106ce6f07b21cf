"""Whether this connection's login is a rep's: the one team-mode question a read asks first.

Apart from `db.team` (the ORM's logins) so that the supervisor's instruments, which ask
it before any work, read it through Core on the reading connection and never load the
ORM (`service.instruments`).
"""

from dataclasses import dataclass

from sqlalchemy import text

from salesproc.db.daily_reads import is_postgresql
from salesproc.db.shared_core import Reader


@dataclass(frozen=True)
class RepLogin:
    """The login this session connected as, when it is a rep's."""

    login: str
    #: the rep it logs as (None: a login put in the rep group by hand, with no rep)
    rep: str | None


_REP_LOGIN = text(
    "SELECT u.rolname, r.code FROM pg_roles u "
    "LEFT JOIN team_users t ON t.login = u.rolname LEFT JOIN reps r ON r.id = t.rep_id "
    "WHERE u.rolname = current_user AND NOT u.rolsuper AND EXISTS ("
    "SELECT FROM pg_roles g WHERE g.rolname = 'salesproc_rep' "
    "AND pg_has_role(current_user, g.oid, 'MEMBER'))"
)


def rep_login(db: Reader) -> RepLogin | None:
    """The login `db` (a Core connection or a session) connected as if it is a rep's (a member
    of `salesproc_rep`, not a superuser); None for the supervisor, the owner, and on SQLite.
    A superuser counts as a member of every role, hence the test of `rolsuper`."""
    if not is_postgresql(db):
        return None
    row = db.execute(_REP_LOGIN).first()
    return None if row is None else RepLogin(row[0], row[1])
