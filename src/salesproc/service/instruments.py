"""The supervisor's instruments (the audit, the call plan, logging calls, logins), refused to
a rep's login before any work.

Apart from `service.team` so that the audit and the call plan, which ask this first,
never load the ORM: the login is looked up through Core (`db.team_login`), and on an
SQLite file not at all. The ORM's import cost each of them a sixth of its time.
"""

from typing import TYPE_CHECKING

from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.service.context import Context

if TYPE_CHECKING:
    from salesproc.db.team_login import RepLogin


def _on_server(ctx: Context) -> bool:
    """Whether the database may have logins at all: an SQLite file is never opened to ask."""
    return str(ctx.settings.db.value).startswith(("postgresql:", "postgresql+"))


#: the supervisor's instruments, by command: what a rep's login is told it may not run
INSTRUMENTS = {
    "audit": N_("the audit"),
    "audit stats": N_("the audit's statistics"),
    "call-plan": N_("the call plan"),
    "call log": N_("logging calls"),
    "team": N_("managing logins"),
}


def supervisors_only(ctx: Context, command: str) -> None:
    """Refuse the supervisor's instrument `command` (a key of INSTRUMENTS) to a rep's login,
    before any work: the policies would let it run on the rep's own rows alone, and say
    nothing of the rest."""
    login = _rep_login(ctx)
    if login is not None:
        raise InputError(
            _("{what} is the supervisor's: your login {login} is a rep's").format(
                what=_(INSTRUMENTS[command]), login=login.login
            )
        )


def _rep_login(ctx: Context) -> "RepLogin | None":
    if not _on_server(ctx):
        return None
    from salesproc.db.team_login import rep_login

    with ctx.reading() as db:
        return rep_login(db)


def exported_as(ctx: Context) -> None:
    """Say once, on the side, that a rep's login exports only its own rows (the policies hide
    the rest): a file that looks like the team's would mislead whoever reads it."""
    login = _rep_login(ctx)
    if login is not None:
        ctx.warn(
            _("as rep {rep}, only your own rows are exported").format(rep=login.rep or login.login)
        )
