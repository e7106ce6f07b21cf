"""`salesproc rep …`: the team."""

from typing import Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import runtime
from salesproc.i18n import N_, _

rep_app = typer.Typer(
    no_args_is_help=True, help="Add, list, deactivate and reactivate reps (销售人员)."
)

Code = Annotated[str, typer.Argument(help="The rep's short code, e.g. zhangwei.")]


@rep_app.command("add")
def add(
    ctx: typer.Context,
    code: Code,
    name: Annotated[str, typer.Option("--name", help="Full name, e.g. 张伟.")],
    region: Annotated[str | None, typer.Option("--region", help="Sales region (区域).")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    allow_same_name: Annotated[
        bool,
        typer.Option(
            "--allow-same-name", help="Add it although another rep has this name (two people)."
        ),
    ] = False,
) -> None:
    """Add a rep to the team (codes are unique ignoring case, names unless allowed)."""
    from salesproc.service import people

    rep = people.add_rep(runtime(ctx).context, code, name, region, phone, allow_same_name)
    typer.echo(_("Added rep {code} ({name}).").format(code=rep.code, name=rep.name))


@rep_app.command("list")
def list_(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """List every rep, active or not."""
    from salesproc.service import people

    reps = people.list_reps(runtime(ctx).context)
    records = [dict(vars(r)) for r in reps]  # RepInfo's fields are the JSON keys
    columns = [
        Column("code", N_("Code")),
        Column("name", N_("Name")),
        Column("region", N_("Region")),
        Column("phone", N_("Phone")),
        Column("active", N_("Active"), show=lambda v: _("yes") if v else _("no")),
    ]
    active = sum(r.active for r in reps)
    footer = _("{n} reps, {active} active").format(n=len(reps), active=active)
    emit(records, columns, fmt, footer=footer)


def _set_active(ctx: typer.Context, code: str, active: bool) -> None:
    from salesproc.service import people

    set_active = people.activate_rep if active else people.deactivate_rep
    rep = set_active(runtime(ctx).context, code)
    if active:
        typer.echo(_("Rep {code} is active again.").format(code=rep.code))
    else:
        typer.echo(
            _(
                "Rep {code} is deactivated: off the leaderboard, can log nothing new; "
                "history is kept and its customers stay due until reassigned."
            ).format(code=rep.code)
        )


@rep_app.command("deactivate")
def deactivate(ctx: typer.Context, code: Code) -> None:
    """Take a rep off the leaderboard and stop new entries; history is kept."""
    _set_active(ctx, code, False)


@rep_app.command("activate")
def activate(ctx: typer.Context, code: Code) -> None:
    """Bring a deactivated rep back."""
    _set_active(ctx, code, True)


def register(app: typer.Typer) -> None:
    app.add_typer(rep_app, name="rep")
