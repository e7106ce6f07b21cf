"""`salesproc sale …`: record sales and returns, list them, correct a wrong figure."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit, word
from salesproc.cli.runtime import FromOpt, ToOpt, runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _, ngettext
from salesproc.rules.money import amount_text, format_amount, parse_amount

if TYPE_CHECKING:
    from salesproc.service.sales import SaleRow

RepOpt = Annotated[
    str | None, typer.Option("--rep", help="Rep code [config `rep` on a rep's own machine].")
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="YYYY-MM-DD, today, yesterday or -N [default: today]."),
]
AmountHelp = "A plain number with up to 2 decimals, e.g. 1200 or 1200.50."

SALE_COLUMNS = [
    Column("id", "#", "right"),
    Column("date", N_("Date")),
    Column("rep", N_("Rep")),
    Column("customer", N_("Customer")),
    Column("amount", N_("Amount"), "right", show=lambda a: format_amount(_cents(a))),
    Column("kind", N_("Kind"), show=word),
    Column("ref", N_("Ref")),
    Column("visit_id", N_("Visit"), "right"),
]

#: the kinds as `sale list` shows them (`word` translates them)
KINDS = (N_("sale"), N_("return"))

sale_app = typer.Typer(
    no_args_is_help=True, help="Record, list and correct sales and returns (退货)."
)


def _cents(text: str) -> int:
    """The cents of a record's `amount` (`-4200.00`), for the table's `-4,200.00`."""
    return parse_amount(text, allow_negative=True)


def _positive(text: str, returning: bool | None) -> int:
    """`--amount` as typed: positive always, a return being said with `--return` (`returning`
    None: an edit, where a return stays a return)."""
    if text.strip().startswith("-"):
        if returning is None:
            message = _("give --amount as a positive number, e.g. {amount}; a return stays one")
        elif returning:
            message = _("give --return a positive amount, e.g. --return --amount {amount}")
        else:
            message = _("a negative amount is a return; record it with --return --amount {amount}")
        raise InputError(message.format(amount=text.strip()[1:].strip()))
    return parse_amount(text)


def _record(row: "SaleRow") -> dict[str, Any]:
    return {
        "id": row.id,
        "date": row.date,
        "rep": row.rep,
        "customer": row.customer,
        "amount": amount_text(row.amount_cents),
        "kind": row.kind.value,
        "ref": row.ref,
        "visit_id": row.visit_id,
    }


def _what(row: "SaleRow") -> str:
    """`sale #12` or `return #13`, in the output language."""
    if row.amount_cents < 0:
        return _("return #{id}").format(id=row.id)
    return _("sale #{id}").format(id=row.id)


def _said(row: "SaleRow") -> str:
    """A sale as the confirmations say it: amount, rep, customer, day."""
    source = _(" from {customer}").format(customer=row.customer) if row.customer else ""
    return _("{amount} for {rep}{source} on {day}").format(
        amount=format_amount(row.amount_cents), rep=row.rep, source=source, day=row.date
    )


@sale_app.command("add")
def sale_add(
    ctx: typer.Context,
    amount: Annotated[str, typer.Option("--amount", help=AmountHelp)],
    rep: RepOpt = None,
    day: DateOpt = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="A prospect's first sale wins it.")
    ] = None,
    ref: Annotated[str | None, typer.Option("--ref", help="Order or invoice number.")] = None,
    returning: Annotated[
        bool,
        typer.Option("--return", help="A return (退货): recorded as −N, off the rep's figures."),
    ] = False,
    of: Annotated[
        int | None,
        typer.Option(
            "--of",
            metavar="ID",
            help="With --return: the sale it reverses (its rep and customer by default).",
        ),
    ] = None,
) -> None:
    """Record a sale for a rep, stored to the cent; or, with --return, a return."""
    from salesproc.service import sales

    rt = runtime(ctx)
    cents = _positive(amount, returning)
    if not returning:
        if of is not None:
            raise InputError(_("--of names the sale a return reverses; add --return"))
        sale = sales.add_sale(
            rt.context, rt.context.rep_code(rep), cents, rt.date(day), customer, ref
        )
        to = _(" from {customer}").format(customer=sale.customer) if sale.customer else ""
        typer.echo(
            _("Recorded sale #{id}: {amount} for {rep}{source} on {day}.").format(
                id=sale.id,
                amount=format_amount(cents),
                rep=sale.rep,
                source=to,
                day=sale.sale_date,
            )
        )
        return
    row = sales.add_return(rt.context, cents, rt.date(day), rep, customer, ref, of)
    against = _(" against sale #{of}").format(of=of) if of is not None else ""
    typer.echo(
        _("Recorded return #{id}{against}: {sale}.").format(
            id=row.id, against=against, sale=_said(row)
        )
    )


@sale_app.command("list")
def sale_list(
    ctx: typer.Context,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's sales.")] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Only sales to this customer.")
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Sales and returns by date, then number; returns are negative."""
    from salesproc.service import sales

    rt = runtime(ctx)
    rows = sales.list_sales(rt.context, rep, customer, *rt.span(start, end))
    records = [_record(r) for r in rows]
    net = sum(r.amount_cents for r in rows)
    footer = ngettext(
        "{n} sale or return, net {amount}", "{n} sales and returns, net {amount}", len(rows)
    ).format(n=len(rows), amount=format_amount(net))
    emit(records, SALE_COLUMNS, fmt, keys=[c.key for c in SALE_COLUMNS], footer=footer)


@sale_app.command("edit")
def sale_edit(
    ctx: typer.Context,
    sale_id: Annotated[int, typer.Argument(metavar="ID", help="The sale's number.")],
    amount: Annotated[
        str | None,
        typer.Option("--amount", help=f"{AmountHelp} A return's too: it stays a return."),
    ] = None,
    day: Annotated[str | None, typer.Option("--date", help="Move it to this day.")] = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Credit it to this rep.")] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Book it to this customer.")
    ] = None,
    ref: Annotated[
        str | None, typer.Option("--ref", help='Order or invoice number; "" clears it.')
    ] = None,
) -> None:
    """Correct a sale or return recorded wrong (the history keeps what it was)."""
    from salesproc.service import sales

    rt = runtime(ctx)
    if amount is None and day is None and rep is None and customer is None and ref is None:
        raise InputError(_("nothing to change; give --amount, --date, --rep, --customer or --ref"))
    changes = sales.SaleChanges(
        amount_cents=_positive(amount, returning=None) if amount is not None else None,
        sale_date=rt.date(day) if day else None,
        rep=rep,
        customer=customer,
        ref=ref,
    )
    row = sales.edit_sale(rt.context, sale_id, changes)
    typer.echo(_("Updated {what}: {sale}.").format(what=_what(row), sale=_said(row)))


@sale_app.command("delete")
def sale_delete(
    ctx: typer.Context,
    sale_id: Annotated[int, typer.Argument(metavar="ID", help="The sale's number.")],
) -> None:
    """Delete a sale or return recorded in error; a win its sale made is undone."""
    from salesproc.service import sales

    row = sales.delete_sale(runtime(ctx).context, sale_id)
    typer.echo(_("Deleted {what}: {sale}.").format(what=_what(row), sale=_said(row)))


def register(app: typer.Typer) -> None:
    app.add_typer(sale_app, name="sale")
