"""`salesproc team …`: the logins of a shared PostgreSQL database (team mode)."""

import sys
from typing import Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import runtime
from salesproc.i18n import N_, _

team_app = typer.Typer(
    no_args_is_help=True,
    help="Logins of a shared PostgreSQL database: the supervisor and the reps (team mode).",
)

Login = Annotated[str, typer.Argument(help="The login (a PostgreSQL role), e.g. zhangwei.")]


def _password() -> str:
    """The password typed twice at a terminal, else the first line of stdin (a script's pipe):
    never an argument, which every user of the machine could read in the process list."""
    if sys.stdin.isatty():
        return str(typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True, err=True))
    return sys.stdin.readline().rstrip("\r\n")


@team_app.command("add-user")
def add_user(
    ctx: typer.Context,
    login: Login,
    role: Annotated[str, typer.Option("--role", help="supervisor or rep.")],
    rep: Annotated[
        str | None, typer.Option("--rep", help="For a rep's login: the rep it logs as.")
    ] = None,
) -> None:
    """Create a login: the supervisor (changes everything) or a rep (changes only its own).

    The password is asked for (or read from the first line of stdin).
    """
    from salesproc.service import team

    member = team.add_user(runtime(ctx).context, login, role, rep, _password)
    if member.rep:
        typer.echo(_("Added login {login}: rep {rep}.").format(login=member.login, rep=member.rep))
    else:
        typer.echo(_("Added login {login}: supervisor.").format(login=member.login))


@team_app.command("list")
def list_(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Every login of this database, its role and its rep."""
    from salesproc.service import team

    found = team.list_users(runtime(ctx).context)
    records = [dict(vars(m)) for m in found.members]
    columns = [
        Column("login", N_("Login")),
        Column("role", N_("Role")),
        Column("rep", N_("Rep")),
        Column("can_log_in", N_("Can log in"), show=lambda v: _("yes") if v else _("no")),
    ]
    footer = _("{n} logins; a rep may edit its own records for {days} days").format(
        n=len(found.members), days=found.edit_days
    )
    emit(records, columns, fmt, footer=footer)


@team_app.command("remove")
def remove(ctx: typer.Context, login: Login) -> None:
    """Remove a login: it can no longer connect. What it logged stays."""
    from salesproc.service import team

    gone = team.remove_user(runtime(ctx).context, login)
    typer.echo(_("Removed login {login}.").format(login=gone))


@team_app.command("password")
def password(ctx: typer.Context, login: Login) -> None:
    """Set a login's password (asked for, or read from the first line of stdin)."""
    from salesproc.service import team

    changed = team.set_password(runtime(ctx).context, login, _password)
    typer.echo(_("Password of {login} changed.").format(login=changed))


def register(app: typer.Typer) -> None:
    app.add_typer(team_app, name="team")
