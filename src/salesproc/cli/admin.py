"""`init`, `config show` and `demo`: setting up and finding your data."""

from typing import Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import runtime
from salesproc.errors import InputError

config_app = typer.Typer(
    no_args_is_help=True, help="Show the effective settings and where each came from."
)


def init(ctx: typer.Context) -> None:
    """Create the database (or bring an older one up to date). Safe to run again."""
    from salesproc.db.engine import describe
    from salesproc.db.migrate import HEAD

    rt = runtime(ctx)
    rt.engine(create=True)
    typer.echo(f"Database ready at {describe(str(rt.settings.db.value))} (schema {HEAD}).")


@config_app.command("show")
def config_show(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Print every setting, its value and its source (flag, env, config file or default)."""
    settings = runtime(ctx).settings
    records = [
        {"key": key, "value": setting.value, "source": setting.source}
        for key, setting in settings.values.items()
    ]
    state = "" if settings.config_exists else " (not present: defaults apply)"
    emit(
        records,
        [Column("key", "Key"), Column("value", "Value"), Column("source", "Source")],
        fmt,
        data={"config_file": str(settings.config_path), "settings": records},
        title=f"Config file: {settings.config_path}{state}",
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
                    f"{where} already holds data; pass --force to replace it with the demo, "
                    "or --db to build it elsewhere"
                )
            queries.delete_everything(s)
        demo_data.build(s, seed, rt.now, rt.settings.cadence)
    typer.echo(f"Demo team built in {where} (seed {seed}).\n")
    reports.due(ctx)
    typer.echo("")
    reports.rank(ctx, cumulative=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.add_typer(config_app, name="config")
