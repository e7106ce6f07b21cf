"""Team mode: who may log in to the shared PostgreSQL database, and as whom.

The rights themselves live in the database (migration 0009: group roles,
row-level security, a trigger), so a rep with `psql` can do no more than with
`salesproc`. These use cases only make and remove logins, and `refusal` turns
the database's refusal of a rep's write into the sentence the rep should read.
An SQLite file has no users: every use case here says so.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesproc.db import team, team_login, writes
from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.service.context import Context
from salesproc.service.instruments import INSTRUMENTS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "ROLES",
    "Member",
    "add_user",
    "list_users",
    "refusal",
    "remove_user",
    "set_password",
]

ROLES = ("supervisor", "rep")
#: a PostgreSQL role name salesproc makes: lower case, so that it needs no quoting in `psql`
LOGIN = re.compile(r"[a-z_][a-z0-9_]{0,62}")
#: names a login may not take: the server's own and the groups'
RESERVED = ("postgres", "public", "salesproc_rep", "salesproc_supervisor")


@dataclass(frozen=True)
class Member:
    login: str
    role: str
    rep: str | None
    #: whether the server still has the login (one dropped outside salesproc: no)
    can_log_in: bool


@dataclass(frozen=True)
class Team:
    members: list[Member]
    #: days a rep may still edit or delete its own records, as the database enforces it
    edit_days: int


def _server(ctx: Context, s: "Session") -> None:
    """Refuse on SQLite; on PostgreSQL, bring the edit window in line with config `edit_days`."""
    if not team.has_users(s):
        raise InputError(
            _(
                "an SQLite file has no users: team logins need a shared PostgreSQL database "
                "(see Team mode in the README)"
            )
        )
    login = team_login.rep_login(s)
    if login is not None:
        raise InputError(
            _("{what} is the supervisor's: your login {login} is a rep's").format(
                what=_(INSTRUMENTS["team"]), login=login.login
            )
        )
    if team.edit_days(s) != ctx.settings.edit_days:
        team.set_edit_days(s, ctx.settings.edit_days)


def _check_login(login: str) -> str:
    if not LOGIN.fullmatch(login) or login in RESERVED or login.startswith("pg_"):
        raise InputError(
            _(
                "{login} cannot be a login: use lower-case letters, digits and _, "
                "starting with a letter (at most 63), e.g. zhangwei"
            ).format(login=login)
        )
    return login


def _check_password(password: str) -> str:
    if not password or password.strip() != password or "\0" in password:
        raise InputError(
            _("give a password that is not empty and neither starts nor ends with a space")
        )
    return password


def add_user(
    ctx: Context, login: str, role: str, rep: str | None, password: Callable[[], str]
) -> Member:
    """A new login: the supervisor's, or a rep's that logs as `rep` and only as it.

    `password` is asked for only once everything else is known to be right.
    """
    _check_login(login)
    if role not in ROLES:
        raise InputError(_("{role} is not a role: use supervisor or rep").format(role=role))
    if role == "rep" and rep is None:
        raise InputError(_("a rep's login needs the rep it logs as: add --rep CODE"))
    if role == "supervisor" and rep is not None:
        raise InputError(_("a supervisor's login is no rep's: leave out --rep"))
    with ctx.session() as s:
        _server(ctx, s)
        found = writes.find_rep(s, rep) if rep is not None else None
        if team.find_user(s, login) is not None or team.role_exists(s, login):
            raise InputError(
                _(
                    "the server has a login {login} already; choose another name "
                    "(a login serves every database of the server)"
                ).format(login=login)
            )
        secret = _check_password(password())
        team.add_user(s, login, role, found.id if found else None, secret, ctx.now)
    return Member(login, role, found.code if found else None, True)


def list_users(ctx: Context) -> Team:
    with ctx.session() as s:
        _server(ctx, s)
        rows = team.users(s)
        days = team.edit_days(s)
    return Team([Member(r.login, r.role, r.rep, r.can_log_in) for r in rows], days)


def _known(s: "Session", login: str) -> None:
    if team.find_user(s, login) is None:
        raise InputError(
            _("{login} is not a login of this database; see `salesproc team list`").format(
                login=login
            )
        )


def remove_user(ctx: Context, login: str) -> str:
    """The login gone from the server: it can no longer connect. What it logged stays."""
    with ctx.session() as s:
        _server(ctx, s)
        _known(s, login)
        team.remove_user(s, login)
    return login


def set_password(ctx: Context, login: str, password: Callable[[], str]) -> str:
    """A login's new password, asked for (`password`) once the login is known."""
    with ctx.session() as s:
        _server(ctx, s)
        _known(s, login)
        team.set_password(s, login, _check_password(password()))
    return login


# --- the supervisor's instruments: in `service.instruments` (the audit loads no ORM to ask) ----


# --- the database's refusals, in words ----------------------------------------------------

#: what a rep's refused write was, by table and operation: "you can … only as zhangwei"
_OWN_WRITES = {
    ("visits", "insert"): N_("log visits"),
    ("visits", "update"): N_("edit visits"),
    ("visits", "delete"): N_("delete visits"),
    ("sales", "insert"): N_("record sales"),
    ("sales", "update"): N_("edit sales"),
    ("sales", "delete"): N_("delete sales"),
    ("collections", "insert"): N_("record collections"),
    ("collections", "update"): N_("edit collections"),
    ("collections", "delete"): N_("delete collections"),
    ("customers", "insert"): N_("add customers"),
    ("customers", "update"): N_("change customers"),
    ("daily_reports", "insert"): N_("write daily reports"),
    ("daily_reports", "update"): N_("edit daily reports"),
    ("daily_reports", "delete"): N_("delete daily reports"),
}
#: what only the supervisor may change (or read), by table
_SUPERVISORS = {
    "targets": N_("targets"),
    "reps": N_("reps"),
    "customers": N_("customers' assignments"),
    "calls": N_("calls"),
    "field_days": N_("field records"),
    "field_day_reps": N_("field records"),
    "field_day_customers": N_("field records"),
    "audit_reviews": N_("audit reviews"),
    "broadcasts": N_("broadcasts"),
    "team_users": N_("logins"),
    "history": N_("the history"),
}


def _own_write(table: str, op: str) -> str:
    found = _OWN_WRITES.get((table, op)) or _OWN_WRITES.get((table, "update"))
    return _(found) if found else _("change {table}").format(table=table)


def _supervisors(table: str) -> str:
    found = _SUPERVISORS.get(table)
    return _(found) if found else table


def refusal(error: Any) -> str | None:
    """The sentence for PostgreSQL's refusal (SQLSTATE 42501) of a team login's read or write;
    None for any other error. `error` is the driver's exception (psycopg's: `sqlstate`, `diag`).
    """
    if getattr(error, "sqlstate", None) != "42501":
        return None
    diag = getattr(error, "diag", None)
    detail = (getattr(diag, "message_detail", None) or "").split("|")
    primary = getattr(diag, "message_primary", None) or str(error)
    if detail[:1] == ["salesproc"] and len(detail) >= 5:
        kind, table, op, rep = detail[1:5]
        what = _own_write(table, op)
        if kind == "edit-window" and len(detail) >= 6:
            return _(
                "you can {what} only within {days} days of their date; "
                "ask the supervisor to correct an older one"
            ).format(what=what, days=detail[5])
        return _("you can {what} only as {rep}").format(what=what, rep=rep)
    found = re.search(r"(?:table|relation|sequence) \"?(\w+)", primary)
    if "row-level security" in primary and found:
        return _("your login may not {what} of another rep").format(
            what=_own_write(found.group(1).removesuffix("_id_seq"), "update")
        )
    if found:
        return _("{what} are the supervisor's: your login has no right to this").format(
            what=_supervisors(found.group(1).removesuffix("_id_seq"))
        )
    if "create role" in primary.lower() or "role" in primary.lower():
        return _("only the database's owner can add, change or remove logins; use its URL")
    return _("your login may not do this: {reason}").format(reason=primary)
