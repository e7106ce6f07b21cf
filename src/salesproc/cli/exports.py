"""`salesproc export …`: visits, sales and customers for the office, or for another database."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from salesproc.cli.choices import enum_option, format_option
from salesproc.cli.runtime import FromOpt, ToOpt, runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.rules import vocab
from salesproc.rules.vocab import Dataset

What = Dataset


#: How `Exported 12 visits` names each, here so that the catalog has them.
WHAT_WORDS = (N_("visits"), N_("sales"), N_("customers"))


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


def export(
    ctx: typer.Context,
    what: Annotated[
        What,
        typer.Argument(
            help="visits, sales or customers.", **enum_option(What, vocab.parse_dataset)
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    fmt: Annotated[
        FileFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, xlsx or json [default: from the file name].",
            **format_option(FileFormat),
        ),
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's.")] = None,
) -> None:
    """Export visits, sales or customers, with the headings import reads (all, by default)."""
    from salesproc.service import exporting

    if fmt is None:
        try:
            fmt = FileFormat(output.suffix.lstrip(".").casefold())
        except ValueError:
            raise InputError(
                _("cannot tell the format from {name!r}; pass --format csv|xlsx|json").format(
                    name=output.name
                )
            ) from None
    rt = runtime(ctx)
    first, last = rt.span(start, end)
    count = exporting.export(rt.context, what.value, fmt.value, output, rep, first, last)
    typer.echo(
        _("Exported {count} {what} to {file}.").format(
            count=f"{count:,}", what=_(what.value), file=output
        )
    )


def register(app: typer.Typer) -> None:
    app.command("export")(export)
