"""`salesproc collection add|list|edit|delete`: the money collected (回款), and its corrections."""

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, Record, emit
from salesproc.cli.runtime import FromOpt, ToOpt, runtime
from salesproc.i18n import N_, _, ngettext
from salesproc.rules.money import cents_to_decimal, format_amount, parse_amount

if TYPE_CHECKING:
    from salesproc.service.collections import CollectionRow

collection_app = typer.Typer(
    no_args_is_help=True, help="Record and correct money collected from customers (回款)."
)

AmountHelp = "A plain number with up to 2 decimals, e.g. 1200 or 1200.50."
IdArg = Annotated[int, typer.Argument(metavar="ID", help="The collection's number.")]
CustomerOpt = Annotated[str | None, typer.Option("--customer", help="Who paid.")]
RefOpt = Annotated[str | None, typer.Option("--ref", help="Receipt or invoice number.")]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", help="YYYY-MM-DD, today, yesterday or -N [default: today, or the visit's day]."
    ),
]

COLUMNS = [
    Column("id", "#", "right"),
    Column("date", N_("Date")),
    Column("rep", N_("Rep")),
    Column("customer", N_("Customer")),
    Column("amount", N_("Amount"), "right", show=lambda v: f"{Decimal(v):,.2f}"),
    Column("ref", N_("Ref")),
    Column("visit_id", N_("Visit"), "right"),
]


def _record(row: "CollectionRow") -> Record:
    """A collection under its JSON keys: the amount a string with two decimals."""
    return {
        "id": row.id,
        "date": row.date,
        "rep": row.rep,
        "customer": row.customer,
        "amount": f"{cents_to_decimal(row.amount_cents):.2f}",
        "ref": row.ref,
        "visit_id": row.visit_id,
    }


def _from(row: "CollectionRow") -> str:
    return _(" from {customer}").format(customer=row.customer) if row.customer else ""


@collection_app.command("add")
def collection_add(
    ctx: typer.Context,
    amount: Annotated[str, typer.Option("--amount", help=AmountHelp)],
    rep: Annotated[
        str | None,
        typer.Option("--rep", help="Rep code [default: the visit's, else config `rep`]."),
    ] = None,
    customer: CustomerOpt = None,
    day: DateOpt = None,
    ref: RefOpt = None,
    visit: Annotated[
        int | None,
        typer.Option("--visit", metavar="ID", help="Collected on this visit (its rep, customer)."),
    ] = None,
) -> None:
    """Record money collected by a rep, stored to the cent."""
    from salesproc.service import collections

    rt = runtime(ctx)
    cents = parse_amount(amount)
    found = collections.add_collection(
        rt.context, rep, cents, rt.date(day) if day else None, customer, ref, visit
    )
    typer.echo(
        _("Recorded collection #{id}: {amount} for {rep}{source} on {day}.").format(
            id=found.id,
            amount=format_amount(found.amount_cents),
            rep=found.rep,
            source=_from(found),
            day=found.date,
        )
    )


@collection_app.command("list")
def collection_list(
    ctx: typer.Context,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's collections.")] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Only this customer's collections.")
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Collections by day, then in the order recorded."""
    from salesproc.service import collections

    rt = runtime(ctx)
    rows = collections.list_collections(rt.context, rep, customer, *rt.span(start, end))
    total = format_amount(sum(r.amount_cents for r in rows))
    footer = ngettext(
        "{n} collection, {total} in all", "{n} collections, {total} in all", len(rows)
    ).format(n=len(rows), total=total)
    emit(
        [_record(r) for r in rows],
        COLUMNS,
        fmt,
        keys=[c.key for c in COLUMNS],
        title=_("Collections (回款)"),
        footer=footer,
    )


@collection_app.command("edit")
def collection_edit(
    ctx: typer.Context,
    collection_id: IdArg,
    amount: Annotated[str | None, typer.Option("--amount", help=AmountHelp)] = None,
    day: Annotated[str | None, typer.Option("--date", help="The day it was collected.")] = None,
    rep: Annotated[str | None, typer.Option("--rep", help="The rep who collected it.")] = None,
    customer: CustomerOpt = None,
    ref: RefOpt = None,
) -> None:
    """Correct a collection's amount, day, rep, customer or reference (kept in the history)."""
    from salesproc.service import collections

    rt = runtime(ctx)
    changes = collections.CollectionChanges(
        amount_cents=parse_amount(amount) if amount is not None else None,
        day=rt.date(day) if day else None,
        rep=rep,
        customer=customer,
        ref=ref,
    )
    found = collections.edit_collection(rt.context, collection_id, changes)
    typer.echo(
        _("Updated collection #{id}: {amount} for {rep}{source} on {day}.").format(
            id=found.id,
            amount=format_amount(found.amount_cents),
            rep=found.rep,
            source=_from(found),
            day=found.date,
        )
    )


@collection_app.command("delete")
def collection_delete(ctx: typer.Context, collection_id: IdArg) -> None:
    """Delete a collection recorded in error (kept in the history)."""
    from salesproc.service import collections

    found = collections.delete_collection(runtime(ctx).context, collection_id)
    typer.echo(
        _("Deleted collection #{id}: {amount} for {rep}{source} on {day}.").format(
            id=found.id,
            amount=format_amount(found.amount_cents),
            rep=found.rep,
            source=_from(found),
            day=found.date,
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(collection_app, name="collection")
