"""What every command needs: its use-case `Context`, and the dates as the user typed them."""

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # imported where used: `--help` needs neither the config nor the use cases
    from salesproc.config import Settings
    from salesproc.service.context import Context

FromOpt = Annotated[
    str | None, typer.Option("--from", help="From this day on (YYYY-MM-DD, today, -N).")
]
ToOpt = Annotated[str | None, typer.Option("--to", help="Up to this day, included.")]


@dataclass
class Runtime:
    """A command's `Context` (built on first use) and the parsing of what the user typed."""

    db_flag: str | None
    debug: bool = False
    lang_flag: str | None = None
    _context: "Context | None" = field(default=None, repr=False)

    @property
    def context(self) -> "Context":
        if self._context is None:
            from salesproc.config import load
            from salesproc.service.context import Context

            self._context = Context(load(self.db_flag, self.lang_flag), warn=_to_stderr)
        return self._context

    @property
    def settings(self) -> "Settings":
        return self.context.settings

    @property
    def today(self) -> date:
        return self.context.today

    def date(self, text: str | None, relative_to: date | None = None) -> date:
        """A date option as the user typed it; today when omitted."""
        from salesproc.rules.dates import parse_date

        return self.today if text is None else parse_date(text, self.today, relative_to)

    def span(self, start: str | None, end: str | None) -> "tuple[date | None, date | None]":
        """--from and --to as typed; None where not given (open-ended)."""
        return (self.date(start) if start else None, self.date(end) if end else None)

    def close(self) -> None:
        if self._context is not None:
            self._context.close()


def _to_stderr(message: str) -> None:
    typer.echo(message, err=True)


def runtime(ctx: typer.Context) -> Runtime:
    obj = ctx.find_root().obj
    assert isinstance(obj, Runtime)
    return obj
