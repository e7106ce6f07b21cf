"""`init`, `config show` and `demo`: setting up and finding your data."""

from typing import Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import runtime
from salesproc.i18n import N_, _

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
    """Build a demo team (8 reps, ~150 customers, 60 days ending today) and show its day."""
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
    typer.echo(_next_commands(rt.settings.db.source, built.where))


def _next_commands(source: str, where: str) -> str:
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
        "  salesproc audit",
        "  salesproc --lang zh report daily",
    ]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.add_typer(config_app, name="config")
