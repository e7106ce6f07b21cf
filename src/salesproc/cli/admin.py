"""`init`, `config show` and `demo`: setting up and finding your data."""

from typing import Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _

config_app = typer.Typer(
    no_args_is_help=True, help="Show the effective settings and where each came from."
)


def init(ctx: typer.Context) -> None:
    """Create the database (or bring an older one up to date). Safe to run again."""
    from salesproc.db.engine import describe
    from salesproc.db.migrate import HEAD

    rt = runtime(ctx)
    rt.engine(create=True)
    typer.echo(
        _("Database ready at {where} (schema {schema}).").format(
            where=describe(str(rt.settings.db.value)), schema=HEAD
        )
    )


@config_app.command("show")
def config_show(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Print every setting, its value and its source (flag, env, config file or default)."""
    from salesproc.config import source_label

    settings = runtime(ctx).settings
    records = [
        {"key": key, "value": setting.value, "source": setting.source}
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


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same demo.")] = 7,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data in a database that holds some.")
    ] = False,
) -> None:
    """Build a demo team (8 reps, ~150 customers, 60 days ending today) and show its day."""
    from salesproc.adapters import demo as demo_data
    from salesproc.cli import reports
    from salesproc.db import queries
    from salesproc.db.engine import describe

    rt = runtime(ctx)
    where = describe(str(rt.settings.db.value))
    with rt.session(create=True) as s:
        if queries.has_data(s):
            if not force:
                raise InputError(
                    _(
                        "{where} already holds data; pass --force to replace it with the demo, "
                        "or --db to build it elsewhere"
                    ).format(where=where)
                )
            queries.delete_everything(s)
        demo_data.build(s, seed, rt.now, rt.settings.cadence)
    typer.echo(_("Demo team built in {where} (seed {seed}).").format(where=where, seed=seed) + "\n")
    reports.due(ctx)
    typer.echo("")
    reports.rank(ctx, cumulative=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.add_typer(config_app, name="config")
