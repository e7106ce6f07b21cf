"""`salesproc import …`: bring in what the head office and the reps' forms already hold."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from salesproc.cli.runtime import runtime
from salesproc.i18n import N_, _

import_app = typer.Typer(
    no_args_is_help=True, help="Import sales, customers and visits (all rows or none)."
)


CreateReps = Annotated[
    bool, typer.Option("--create-reps", help="Add unknown reps instead of refusing.")
]
CreateCustomers = Annotated[
    bool, typer.Option("--create-customers", help="Add unknown customers instead of refusing.")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check and count only; write nothing.")]


def _done(dry_run: bool, count: int, what: str, file: Path, notes: list[str]) -> None:
    """`Imported 4,238 sales from x.csv (30 new reps; …).`"""
    done = (
        _("Would import {count} {what} from {file}{detail}.")
        if dry_run
        else _("Imported {count} {what} from {file}{detail}.")
    )
    detail = _(" ({notes})").format(notes=_("; ").join(notes)) if notes else ""
    typer.echo(done.format(count=f"{count:,}", what=_(what), file=file.name, detail=detail))


def _new(reps: list[str], customers: list[str] | None = None) -> list[str]:
    notes = [_("{n} new reps").format(n=len(reps))] if reps else []
    return notes + ([_("{n} new customers").format(n=len(customers))] if customers else [])


@import_app.command("sales")
def sales(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .csv (UTF-8) or .xlsx sales export.")],
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN",
            help="Read a field (rep, customer, date, amount, ref) from this column.",
        ),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", metavar="COLUMN=VALUE", help="Only rows with this value."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", metavar="COLUMN", help="Identifies a row: re-imports add nothing."),
    ] = None,
    create_reps: CreateReps = False,
    create_customers: CreateCustomers = False,
    dry_run: DryRun = False,
) -> None:
    """Import a sales export in any column layout; a bad row means nothing is imported."""
    from salesproc.adapters import sales_import

    options = sales_import.Options(
        mapping=dict(sales_import.parse_pairs(map_ or [], "--map")),
        where=sales_import.parse_pairs(where or [], "--where"),
        key=key,
        create_reps=create_reps,
        create_customers=create_customers,
    )
    rt = runtime(ctx)
    with rt.session(commit=not dry_run) as s, _progress(file) as progress:
        report = sales_import.import_sales(s, file, options, rt.today, rt.now, progress)
    notes = (
        [_("{n} already imported, skipped").format(n=f"{report.already:,}")]
        if report.already
        else []
    )
    if report.filtered:
        notes.append(_("{n} left out by --where").format(n=f"{report.filtered:,}"))
    notes += _new(report.new_reps, report.new_customers)
    _done(dry_run, report.imported, N_("sales"), file, notes)


@import_app.command("customers")
def customers(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx with export customers' headings.")],
    create_reps: CreateReps = False,
    dry_run: DryRun = False,
) -> None:
    """Import a customer list (name and grade required); a bad row means nothing is imported."""
    from salesproc.adapters.customer_import import import_customers

    rt = runtime(ctx)
    with rt.session(commit=not dry_run) as s:
        report = import_customers(s, file, create_reps, rt.today, rt.now)
    _done(dry_run, report.imported, N_("customers"), file, _new(report.new_reps))


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
) -> None:
    """Import visits: rows with export visits' headings (or the form's 中文 words), or the
    filled forms of `report template` / `report daily --format xlsx`, every sheet."""
    from salesproc.adapters.visit_import import import_visits

    rt = runtime(ctx)
    with rt.session(commit=not dry_run) as s, _progress(file) as progress:
        report = import_visits(
            s, file, create_reps, create_customers, rt.settings.cadence, rt.today, rt.now, progress
        )
    _done(dry_run, report.imported, N_("visits"), file, _new(report.new_reps, report.new_customers))


class _progress:
    """A Rich progress bar on a terminal's stderr; nothing when piped."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.bar = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not sys.stderr.isatty() or not self.file.is_file():
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task(
            _("Reading {file}").format(file=self.file.name), total=self.file.stat().st_size
        )
        bar = self.bar

        def advance(position: int | None) -> None:
            if position is not None:
                bar.update(task, completed=position)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
