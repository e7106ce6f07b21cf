"""Imports: what the head office and the reps' spreadsheets hold, in (exports: `exporting`).

An import is all rows or none: the file is read and every row checked
against the database (`adapters`), the good rows written in bulk (`db`), all
inside one transaction; any bad row raises an InputError listing each
problem as `row N, column C: reason` and nothing is written. A dry run does
everything and rolls back, so it finds the same problems and counts the same
rows. Reps are found the same way by every import (`db.lookup.RepIndex`):
the same texts name the same rep, and a deactivated one can record nothing.

An import is not run again when another writer is in the way (`ctx.session`,
not `ctx.transaction`): its transaction reads the file and reports progress as
it goes, so a second run would read a million rows again and move the bar
backwards. It takes the write lock before it reads anything (SQLite), waiting
up to ~30 s behind the short transactions of other commands; past that, or on
a PostgreSQL deadlock, the busy message says nothing was written, and the
user runs it again.

`progress`, where given, is fed how far an import is, in bytes of the file
(None where the format cannot tell): for a progress bar.
"""

import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from salesproc.adapters import customer_import, sales_import, visit_import
from salesproc.adapters.tabular import Imported, rejected_rows
from salesproc.adapters.visit_rows import Checker, People
from salesproc.db import customer_bulk, visit_bulk, visit_keys, writes
from salesproc.db.lookup import RepIndex
from salesproc.db.sale_bulk import COLLECTIONS, SALES, Ledger, SaleBook, undone_if_repeated
from salesproc.db.visit_bulk import CustomerTally
from salesproc.rules.calendar import WorkCalendar
from salesproc.service.context import Context

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "Imported",
    "Progress",
    "SalesOptions",
    "import_collections",
    "import_customers",
    "import_sales",
    "import_visits",
]

SalesOptions = sales_import.Options
Progress = Callable[[int | None], None]


def import_sales(
    ctx: Context,
    path: Path,
    options: SalesOptions,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Imported:
    """A sales export in any column layout (`options` map its columns and filter its rows);
    with `options.key`, a row whose key was imported before is left out."""
    return _import_ledger(ctx, path, options, dry_run, progress, SALES, sales_import.SALES)


def import_collections(
    ctx: Context,
    path: Path,
    options: SalesOptions,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Imported:
    """Collections (回款) from an export in any column layout, read as `import_sales` reads
    sales (the same fields and options); an amount is above 0, and no collection wins a
    customer."""
    return _import_ledger(
        ctx, path, options, dry_run, progress, COLLECTIONS, sales_import.COLLECTIONS
    )


def _import_ledger(
    ctx: Context,
    path: Path,
    options: SalesOptions,
    dry_run: bool,
    progress: Progress | None,
    ledger: Ledger,
    kind: sales_import.Kind,
) -> Imported:
    """One import for both money tables: `ledger` is where the rows go, `kind` how they read.

    A first import of keys is tried keeping none (`read_sales`' `unsure`): a good file
    goes in at once; one with a bad row or a repeated key is undone and read again,
    keeping them, to tell every problem as ever.
    """

    def once(s: "Session", unsure: bool) -> Imported:
        reps = RepIndex(s, ctx.now, create=options.create_reps)
        with SaleBook(s, ctx.now, options.key is not None, ledger) as book:
            filtered = sales_import.read_sales(
                path, options, ctx.today, reps, book, progress, kind, unsure
            )
        book.record_effects()
        return Imported(book.imported, reps.created, book.new_customers, book.already, filtered)

    with ctx.session(commit=not dry_run) as s:
        if options.key is not None:
            try:
                done = undone_if_repeated(s, lambda: once(s, unsure=True))
            except sales_import.Unsure:
                done = None
            if done is not None:
                return done
        return once(s, unsure=False)


def import_customers(
    ctx: Context,
    path: Path,
    create_reps: bool = False,
    dry_run: bool = False,
    ignore: Sequence[str] = (),
) -> Imported:
    """A customer list with `export customers`' headings; a name on file is a bad row, and
    a column it does not read is refused unless `ignore` names it."""
    with ctx.session(commit=not dry_run) as s:
        # a customer list may name a deactivated rep, as `customer add --rep` may
        reps = RepIndex(s, ctx.now, create=create_reps, active_only=False)
        found = customer_import.read_customers(
            path, ctx.today, reps, customer_bulk.name_keys(s), ignore
        )
        count = customer_bulk.insert_customers(s, found, ctx.now)
    return Imported(count, reps.created)


def import_visits(
    ctx: Context,
    path: Path,
    create_reps: bool = False,
    create_customers: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    ignore: Sequence[str] = (),
) -> Imported:
    """Visits in either layout (rows, or the filled paper forms), each written as
    `log-visit` would have: the customers' standing, report headers and schedules too.
    A visit already on file (same rep, customer, day and start time) is left out and
    counted: re-importing a form adds nothing; the same visit twice in the file is a bad row.

    The file is read once to check and sum up (the first half of `progress`),
    then the good rows kept aside are written (the second half).
    """
    size = path.stat().st_size if path.is_file() else 0
    with ctx.session(commit=not dry_run) as s, tempfile.TemporaryFile() as stored:
        reps = RepIndex(s, ctx.now, create=create_reps)
        customers, by_key = visit_bulk.load_customers(s)
        checker = Checker(People(reps, customers, by_key, create_customers), ctx.today)
        halfway = None if progress is None else lambda at: progress(None if at is None else at // 2)
        # the visits on file are let go with the survey: the writing needs none of them
        survey = visit_import.survey(path, checker, stored, visit_keys.OnFile(s), halfway, ignore)
        problems = checker.problems
        if problems.lines:
            raise rejected_rows(problems.lines, path, len(problems.rows))
        new_customers = visit_bulk.create_customers(s, customers, ctx.now)

        def written(n: int) -> None:
            if progress is not None:
                progress(size // 2 + size * n // (2 * survey.count))

        visit_bulk.insert_visits(
            s,
            survey.rows(),
            survey.count,
            customers,
            ctx.settings.cadence,
            ctx.now,
            written,
            _revisit_calendar(ctx, customers.values()),
            ctx.settings.prospect_cadence,
        )
        visited = visit_bulk.update_customers(s, customers)
        visit_bulk.write_headers(s, survey.headers, reps.reps)
        writes.refresh_many(s, visited, len(customers))
    return Imported(survey.count, reps.created, new_customers, survey.already)


def _revisit_calendar(ctx: Context, customers: Iterable[CustomerTally]) -> WorkCalendar:
    """The working days the counted revisits of an import may fall on: from its first
    visit's year to the year the cadence reaches from today."""
    from salesproc.service.visits import revisit_calendar

    first = min((c.first_day for c in customers if c.first_day is not None), default=ctx.today)
    return revisit_calendar(ctx, first, reach_from=ctx.today)
