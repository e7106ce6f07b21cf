"""`init`, `config show`, `demo` and `backup`: setting up, finding and keeping your data."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import runtime
from salesproc.i18n import N_, _

if TYPE_CHECKING:
    from salesproc.service.demo import DemoTeam

config_app = typer.Typer(
    no_args_is_help=True, help="Show the effective settings and where each came from."
)


def init(ctx: typer.Context) -> None:
    """Create the database (or bring an older one up to date). Safe to run again."""
    from salesproc.service import setup

    database = setup.init(runtime(ctx).context)
    typer.echo(
        _("Database ready at {where} (schema {schema}).").format(
            where=database.where, schema=database.schema
        )
    )


@config_app.command("show")
def config_show(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Print every setting, its value and its source (flag, env, config file or default)."""
    from salesproc.config import source_label

    settings = runtime(ctx).settings
    records = [
        {"key": key, "value": _shown(key, setting.value), "source": setting.source}
        for key, setting in settings.values.items()
    ]
    state = "" if settings.config_exists else _(" (not present: defaults apply)")
    emit(
        records,
        [
            Column("key", N_("Key")),
            Column("value", N_("Value")),
            Column("source", N_("Source"), show=source_label),
        ],
        fmt,
        data={"config_file": str(settings.config_path), "settings": records},
        title=_("Config file: {path}{state}").format(path=settings.config_path, state=state),
    )


def _shown(key: str, value: object) -> object:
    """A setting as `config show` prints it: a database URL without its password."""
    from salesproc.rules.text import mask_password

    return mask_password(value) if key == "db" and isinstance(value, str) else value


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same demo.")] = 7,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data in a database that holds some.")
    ] = False,
) -> None:
    """Build a demo team (10 reps, ~630 customers, 60 days ending today), show its day and
    the cases planted for the audit to find."""
    from salesproc.service.demo import build_demo

    rt = runtime(ctx)
    built = build_demo(rt.context, seed, force)
    typer.echo(
        _("Demo team built in {where} (seed {seed}).").format(where=built.where, seed=seed) + "\n"
    )
    typer.echo(
        _(
            "Suggested for your config file: [cadence] prospect = 7, so that a prospect's"
            " four visits fit in about a month."
        )
        + "\n"
    )
    # Today's due list and the month's leaderboard, as their own commands print them
    # (found through the root group, so this module imports no other command module).
    root = ctx.find_root()
    for name, *args in (("due",), ("rank", "--cumulative")):
        command = root.command.get_command(root, name)  # type: ignore[attr-defined]
        with command.make_context(name, list(args), parent=ctx) as sub:
            command.invoke(sub)
        typer.echo("")
    typer.echo(_next_commands(rt.settings.db.source, built.where, _audit_command(built)))
    typer.echo("")
    typer.echo(_planted(built))


def backup(
    ctx: typer.Context,
    target: Annotated[
        Path, typer.Argument(metavar="FILE", help="The copy to write; it must not exist yet.")
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the database to FILE while the team goes on working; the copy is checked
    (`integrity_check`) before it is kept. On PostgreSQL, says the `pg_dump` line to run."""
    from salesproc.service.backup import backup as copy

    done = copy(runtime(ctx).context, target, force)
    typer.echo(
        _("Backed up {source} to {target} ({size:.1f} MB, integrity ok).").format(
            source=done.source, target=done.target, size=done.size / 1_000_000
        )
    )


def _audit_command(built: "DemoTeam") -> str:
    """The audit that reads the planted cases: the month to date, or (early in a month, when
    they went into the month before) that month."""
    if built.audit_span is None:
        return "salesproc audit"
    first, last = built.audit_span
    return f"salesproc audit --from {first} --to {last}"


def _planted(built: "DemoTeam") -> str:
    """The demo's story of what to find: one case per red-flag kind, each on its own rep."""
    audit = _audit_command(built)
    lines = [
        _(
            "Planted for the audit to find, one case per rep (every other day is honest)."
            " Run `{audit}` and check each red flag against this list:"
        ).format(audit=audit)
    ]
    for case in sorted(built.planted, key=lambda c: (c.day, c.rep)):
        rules = ", ".join((case.kind, *case.also))
        lines.append(f"  {case.day}  {case.rep} {case.name}  [{rules}]  {case.what}")
        if case.kind == "pressing-stock" and built.pressed_month is not None:
            first, last = built.pressed_month
            lines.append(
                "      "
                + _("(a complete month: `salesproc audit --from {first} --to {last}`)").format(
                    first=first, last=last
                )
            )
    return "\n".join(lines)


def _next_commands(source: str, where: str, audit: str = "salesproc audit") -> str:
    """What to type next, so that it works as printed: the demo may not be the default database."""
    import shlex

    lines = [_("Next, try:")]
    if source == "--db":
        lines.append(f"  export SALESPROC_DB={shlex.quote(where)}")
    lines += [
        "  salesproc due --rep wangwei --ahead 3",
        "  salesproc customer list --rep wangwei",
        "  salesproc rank --cumulative --period quarter",
        "  salesproc call-plan",
        f"  {audit}",
        "  salesproc --lang zh report daily",
    ]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("backup")(backup)
    app.add_typer(config_app, name="config")
