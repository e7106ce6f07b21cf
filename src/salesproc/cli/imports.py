"""`salesproc import …`: bring in what the head office and the reps' forms already hold."""

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesproc.cli.runtime import runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from salesproc.service.transfer import Imported, SalesOptions

import_app = typer.Typer(
    no_args_is_help=True,
    help="Import sales, collections, customers and visits (all rows or none).",
)


CreateReps = Annotated[
    bool, typer.Option("--create-reps", help="Add unknown reps instead of refusing.")
]
CreateCustomers = Annotated[
    bool, typer.Option("--create-customers", help="Add unknown customers instead of refusing.")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check and count only; write nothing.")]
IgnoreColumn = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore-column",
        metavar="NAME",
        help="Leave out this column (repeatable); other unknown columns are refused.",
    ),
]


def _pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    """`--map amount=close_value` → ("amount", "close_value")."""
    pairs = []
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise InputError(
                _("bad {option} {value!r}; write it as NAME=VALUE").format(
                    option=option, value=value
                )
            )
        pairs.append((left.strip(), right.strip()))
    return pairs


MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="FIELD=COLUMN",
        help="Read a field (rep, customer, date, amount, ref) from this column.",
    ),
]
WhereOpt = Annotated[
    list[str] | None,
    typer.Option("--where", metavar="COLUMN=VALUE", help="Only rows with this value."),
]
KeyOpt = Annotated[
    str | None,
    typer.Option("--key", metavar="COLUMN", help="Identifies a row: re-imports add nothing."),
]


def _options(
    map_: Sequence[str] | None,
    where: Sequence[str] | None,
    key: str | None,
    create_reps: bool,
    create_customers: bool,
) -> "SalesOptions":
    """The options of `import sales` and `import collections`, which read files alike."""
    from salesproc.service.transfer import SalesOptions

    return SalesOptions(
        mapping=dict(_pairs(map_ or [], "--map")),
        where=_pairs(where or [], "--where"),
        key=key,
        create_reps=create_reps,
        create_customers=create_customers,
    )


def _done(
    dry_run: bool, what: str, file: Path, report: "Imported", already: str | None = None
) -> None:
    """`Imported 4,238 sales from x.csv (30 new reps; …).` `already` tells the rows left out
    as on file (default: `N already imported, skipped`)."""
    notes = (
        [(already or _("{n} already imported, skipped")).format(n=f"{report.already:,}")]
        if report.already
        else []
    )
    if report.filtered:
        notes.append(_("{n} left out by --where").format(n=f"{report.filtered:,}"))
    if report.new_reps:
        notes.append(_("{n} new reps").format(n=len(report.new_reps)))
    if report.new_customers:
        notes.append(_("{n} new customers").format(n=len(report.new_customers)))
    done = (
        _("Would import {count} {what} from {file}{detail}.")
        if dry_run
        else _("Imported {count} {what} from {file}{detail}.")
    )
    detail = _(" ({notes})").format(notes=_("; ").join(notes)) if notes else ""
    count = f"{report.imported:,}"
    typer.echo(done.format(count=count, what=_(what), file=file.name, detail=detail))


@import_app.command("sales")
def sales(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A .csv (UTF-8, GBK or UTF-16) or .xlsx sales export.")
    ],
    map_: MapOpt = None,
    where: WhereOpt = None,
    key: KeyOpt = None,
    create_reps: CreateReps = False,
    create_customers: CreateCustomers = False,
    dry_run: DryRun = False,
) -> None:
    """Import a sales export in any column layout; a bad row means nothing is imported."""
    from salesproc.service import transfer

    options = _options(map_, where, key, create_reps, create_customers)
    context = runtime(ctx).context
    with _progress(file) as progress:
        report = transfer.import_sales(context, file, options, dry_run, progress)
    _done(dry_run, N_("sales"), file, report)


@import_app.command("collections")
def collections(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8) or .xlsx of collections (回款).")],
    map_: MapOpt = None,
    where: WhereOpt = None,
    key: KeyOpt = None,
    create_reps: CreateReps = False,
    create_customers: CreateCustomers = False,
    dry_run: DryRun = False,
) -> None:
    """Import collections (回款) in any column layout, as `import sales` reads sales; a bad
    row means nothing is imported."""
    from salesproc.service import transfer

    options = _options(map_, where, key, create_reps, create_customers)
    context = runtime(ctx).context
    with _progress(file) as progress:
        report = transfer.import_collections(context, file, options, dry_run, progress)
    _done(dry_run, N_("collections"), file, report)


@import_app.command("customers")
def customers(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx with export customers' headings.")],
    create_reps: CreateReps = False,
    dry_run: DryRun = False,
    ignore_column: IgnoreColumn = None,
) -> None:
    """Import a customer list (name and grade required); a bad row means nothing is imported."""
    from salesproc.service import transfer

    report = transfer.import_customers(
        runtime(ctx).context, file, create_reps, dry_run, ignore_column or []
    )
    _done(dry_run, N_("customers"), file, report)


@import_app.command("visits")
def visits(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="A .csv or .xlsx: report rows, or filled daily report forms."),
    ],
    create_reps: CreateReps = False,
    create_customers: CreateCustomers = False,
    dry_run: DryRun = False,
    ignore_column: IgnoreColumn = None,
) -> None:
    """Import visits: rows with export visits' headings (or the form's 中文 words), or the
    filled forms of `report template` / `report daily --format xlsx`, every sheet. A visit
    already on file (same rep, customer, day and start time) is skipped: a re-import adds
    nothing."""
    from salesproc.service import transfer

    context = runtime(ctx).context
    with _progress(file) as progress:
        report = transfer.import_visits(
            context, file, create_reps, create_customers, dry_run, progress, ignore_column or []
        )
    already = ngettext(
        "{n} visit already on file, skipped", "{n} visits already on file, skipped", report.already
    )
    _done(dry_run, N_("visits"), file, report, already)


class _progress:
    """A Rich progress bar on a terminal's stderr, fed bytes of the file read; nothing when
    piped (the callback is then None)."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.bar = None

    def __enter__(self) -> Callable[[int | None], None] | None:
        if not sys.stderr.isatty() or not self.file.is_file():
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = bar = Progress(console=Console(stderr=True), transient=True)
        bar.start()
        task = bar.add_task(
            _("Reading {file}").format(file=self.file.name), total=self.file.stat().st_size
        )

        def advance(position: int | None) -> None:
            if position is not None:
                bar.update(task, completed=position)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
