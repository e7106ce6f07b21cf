"""The `salesproc` command line: Typer commands that parse, call and render.

Importing this package must stay cheap (`salesproc --help` loads no
SQLAlchemy, Alembic or Rich table code): command modules import the
database and rendering code inside the functions that use them.
"""

import sys
from typing import Annotated, Any

import typer

from salesproc import __version__
from salesproc.cli import localized
from salesproc.cli.choices import language_option
from salesproc.cli.output import Language
from salesproc.cli.registry import LazyCommands
from salesproc.cli.runtime import Runtime
from salesproc.errors import SalesprocError
from salesproc.i18n import _


class Group(LazyCommands, localized.Group):
    """Every failure becomes one line on stderr and an exit code; a traceback only with --debug.

    Its commands are built on first use (`registry`): a run builds only the one it runs.
    """

    def main(self, args: Any = None, *a: Any, **kw: Any) -> Any:  # type: ignore[override]
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        kw["standalone_mode"] = False
        localized.use_early_language(argv)  # for an error or help before the root callback
        try:
            _refuse_control_characters(argv)
            code = super().main(argv, *a, **kw)
        except SalesprocError as exc:
            if debug:  # the traceback, and still the exit code scripts check
                import traceback

                traceback.print_exc()
            from salesproc.rules.text import escape_controls

            for line in getattr(exc, "details", []):
                typer.echo(escape_controls(line), err=True)
            _fail(str(exc), exc.exit_code)
        except (typer.Exit, typer.Abort) as exc:
            sys.exit(getattr(exc, "exit_code", 1))
        except KeyboardInterrupt:
            _fail(_("interrupted"), 130)
        except OverflowError as exc:  # a date so far off that the calendar ends: the input's fault
            if debug:
                import traceback

                traceback.print_exc()
            _fail(_("a date out of range ({reason}); give one nearer today").format(reason=exc), 2)
        except Exception as exc:
            if debug and not hasattr(exc, "format_message"):
                raise
            if hasattr(exc, "format_message"):  # Click's usage errors: bad option, missing value
                if type(exc).__name__ == "NoArgsIsHelpError":  # bare `salesproc` or `salesproc rep`
                    typer.echo(exc.format_message())
                    sys.exit(0)
                message = localized.usage_message(exc)
                _fail(
                    _("{message} (see --help)").format(message=message),
                    getattr(exc, "exit_code", 2),
                )
            cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
            from salesproc.service.team import refusal

            refused = refusal(cause)  # a team login's write the database refused: exit 2
            if refused is not None:
                _fail(refused, 2)
            reason = " ".join(str(cause).split())
            _fail(
                _("unexpected {kind}: {reason} (rerun with --debug)").format(
                    kind=type(cause).__name__, reason=reason
                ),
                1,
            )
        sys.exit(code if isinstance(code, int) else 0)


def _refuse_control_characters(argv: list[str]) -> None:
    """Every text typed on the command line, refused before any command runs when it holds a
    control character (an ESC stored in a name would colour every reader's terminal)."""
    from salesproc.rules.text import control_char, escape_controls, refuse_controls

    previous = ""
    for arg in argv:
        if control_char(arg) is not None:
            option, eq, value = arg.partition("=")
            if arg.startswith("--") and eq:
                refuse_controls(value, option)
            elif previous.startswith("-") and previous != "--":
                refuse_controls(arg, previous)
            refuse_controls(arg, _("the value {value}").format(value=escape_controls(arg)))
        previous = arg


def _fail(message: str, code: int) -> None:
    from salesproc.rules.text import escape_controls  # a stored name quoted in an error

    typer.echo(escape_controls(_("Error: {message}").format(message=message)), err=True)
    sys.exit(code)


app = typer.Typer(
    cls=Group,
    help="The daily sales process: visit reports, due lists, the four-visit rule, leaderboards.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
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
            "--lang",
            help="Language of the output [config `lang`, else the locale, else en].",
            **language_option(Language),
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
    from salesproc.cli.output import screen_safe_stdout

    ctx.call_on_close(screen_safe_stdout())  # no stored ESC reaches the reader's terminal
    i18n.use(rt.settings.lang.value)


Group.app = app  # the commands, listed in `registry.COMMANDS`, are built from their modules


def main() -> None:
    """The `salesproc` program (the console script, `python -m salesproc`); the tests run `app`.

    A command is a short process, and the garbage collector's work in it is mostly wasted
    (together a tenth to a quarter of a daily command's CPU, `benchmarks/results/issue-14.md`):
    - a young collection runs every 100,000 new objects, not every 700: a listing makes
      hundreds of thousands of objects and next to none in a cycle (a long import still
      collects, within the same memory);
    - as the process ends, every object left is moved out of its sight (`gc.freeze`): the
      interpreter's shutdown would otherwise walk them all, several times, for cycles that
      a process about to exit need not free. Files and connections are closed by the
      commands themselves; exit handlers and the flushing of output run as before."""
    import gc

    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
    try:
        app(prog_name="salesproc")
    finally:
        gc.freeze()


#: new objects between two young garbage collections in a `salesproc` process (Python: 700)
YOUNG_COLLECTION = 100_000
