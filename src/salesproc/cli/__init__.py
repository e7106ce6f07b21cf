"""The `salesproc` command line: Typer commands that parse, call and render.

Importing this package must stay cheap (`salesproc --help` loads no
SQLAlchemy, Alembic or Rich table code): command modules import the
database and rendering code inside the functions that use them.
"""

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salesproc import __version__
from salesproc.cli.output import Language
from salesproc.cli.runtime import Runtime
from salesproc.errors import SalesprocError
from salesproc.i18n import _


class Group(TyperGroup):
    """Every failure becomes one line on stderr and an exit code; a traceback only with --debug."""

    def main(self, args: Any = None, *a: Any, **kw: Any) -> Any:  # type: ignore[override]
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        kw["standalone_mode"] = False
        try:
            code = super().main(argv, *a, **kw)
        except SalesprocError as exc:
            if debug:
                raise
            for line in getattr(exc, "details", []):
                typer.echo(line, err=True)
            _fail(str(exc), exc.exit_code)
        except (typer.Exit, typer.Abort) as exc:
            sys.exit(getattr(exc, "exit_code", 1))
        except KeyboardInterrupt:
            _fail(_("interrupted"), 130)
        except Exception as exc:
            if debug:
                raise
            if hasattr(exc, "format_message"):  # Click's usage errors: bad option, missing value
                if type(exc).__name__ == "NoArgsIsHelpError":  # bare `salesproc` or `salesproc rep`
                    typer.echo(exc.format_message())
                    sys.exit(0)
                message = " ".join(exc.format_message().split())
                _fail(
                    _("{message} (see --help)").format(message=message),
                    getattr(exc, "exit_code", 2),
                )
            cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
            reason = " ".join(str(cause).split())
            _fail(
                _("unexpected {kind}: {reason} (rerun with --debug)").format(
                    kind=type(cause).__name__, reason=reason
                ),
                1,
            )
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> None:
    typer.echo(_("Error: {message}").format(message=message), err=True)
    sys.exit(code)


app = typer.Typer(
    cls=Group,
    help="The daily sales process: visit reports, due lists, the four-visit rule, leaderboards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesproc {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH_OR_URL",
            help="SQLite file or SQLAlchemy URL [env SALESPROC_DB, config `db`].",
        ),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang", help="Language of the output [config `lang`, else the locale, else en]."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    import os

    from salesproc import i18n

    flag = lang.value if lang else None
    # The locale's language first, so that an error in the config file is in it too.
    i18n.use(flag or i18n.from_locale(os.environ) or "en")
    ctx.obj = rt = Runtime(db_flag=db, debug=debug, lang_flag=flag)
    ctx.call_on_close(rt.close)  # the engine's connections go back when the command ends
    i18n.use(rt.settings.lang.value)


def _register() -> None:
    from salesproc.cli import (
        admin,
        audit,
        broadcast,
        calls,
        collections,
        customers,
        daily_report,
        exports,
        field,
        history,
        imports,
        reports,
        reps,
        sales,
        targets,
        visits,
    )

    for module in (
        admin, reps, customers, visits, sales, reports, daily_report, targets, broadcast, calls,
        audit, field, imports, exports, collections, history,
    ):  # fmt: skip
        module.register(app)


_register()


def main() -> None:
    app(prog_name="salesproc")
