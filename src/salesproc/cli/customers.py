"""`salesproc customer …`: the customer file, graded A/B/C."""

from typing import Annotated

import typer

from salesproc.cli.output import (
    VISIT_COLUMNS,
    Column,
    FormatOption,
    emit,
    print_table,
    to_json,
    word,
)
from salesproc.cli.output import Format as Fmt
from salesproc.cli.runtime import runtime
from salesproc.i18n import N_, _, ngettext
from salesproc.rules.vocab import parse_category, parse_grade

customer_app = typer.Typer(
    no_args_is_help=True, help="Add, list, show, edit, merge and delete customers (客户)."
)

Name = Annotated[
    str, typer.Argument(help="Customer name; case, spacing and full-width forms do not matter.")
]
GradeOpt = Annotated[str | None, typer.Option("--grade", help="A, B or C.")]
RepOpt = Annotated[str | None, typer.Option("--rep", help="Code (or name) of the rep in charge.")]
ContactOpt = Annotated[str | None, typer.Option("--contact", help="Contact person.")]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="Phone, to verify visits.")]
RegionOpt = Annotated[str | None, typer.Option("--region")]
CategoryOpt = Annotated[
    str | None, typer.Option("--category", help="prospect (开发), new (新增) or existing (原有).")
]

#: `customer show`'s field labels, by JSON key.
FIELDS = {
    "name": N_("Name"), "grade": N_("Grade"), "category": N_("Category"), "rep": N_("Rep"),
    "contact": N_("Contact"), "phone": N_("Phone"), "region": N_("Region"),
    "added_on": N_("Added on"), "won_on": N_("Won on"), "lost_on": N_("Lost on"),
    "status": N_("Status"),
}  # fmt: skip


@customer_app.command("add")
def add(
    ctx: typer.Context,
    name: Name,
    grade: Annotated[str, typer.Option("--grade", help="A, B or C.")],
    rep: RepOpt = None,
    contact: ContactOpt = None,
    phone: PhoneOpt = None,
    region: RegionOpt = None,
    category: CategoryOpt = None,
) -> None:
    """Add a customer (default category: prospect)."""
    from salesproc.service import people

    fields = people.CustomerFields(
        name=name,
        grade=parse_grade(grade),
        rep=rep,
        contact=contact,
        phone=phone,
        region=region,
        category=parse_category(category) if category else None,
    )
    customer = people.add_customer(runtime(ctx).context, fields)
    typer.echo(
        _("Added customer {name} (grade {grade}, {category}).").format(
            name=customer.name, grade=customer.grade, category=word(customer.category)
        )
    )


@customer_app.command("edit")
def edit(
    ctx: typer.Context,
    name: Name,
    new_name: Annotated[str | None, typer.Option("--name", help="Rename the customer.")] = None,
    grade: GradeOpt = None,
    rep: RepOpt = None,
    contact: ContactOpt = None,
    phone: PhoneOpt = None,
    region: RegionOpt = None,
    category: CategoryOpt = None,
) -> None:
    """Change a customer's details; revisit dates already agreed stay as they are."""
    from salesproc.service import people

    fields = people.CustomerFields(
        name=new_name,
        grade=parse_grade(grade) if grade else None,
        rep=rep,
        contact=contact,
        phone=phone,
        region=region,
        category=parse_category(category) if category else None,
    )
    customer = people.edit_customer(runtime(ctx).context, name, fields)
    typer.echo(_("Updated customer {name}.").format(name=customer.name))


@customer_app.command("list")
def list_(
    ctx: typer.Context,
    grade: GradeOpt = None,
    rep: RepOpt = None,
    category: CategoryOpt = None,
    fmt: FormatOption = Fmt.TABLE,
) -> None:
    """List customers with their visit count and last visit."""
    from salesproc.service import people

    rows = people.list_customers(
        runtime(ctx).context,
        parse_grade(grade) if grade else None,
        rep,
        parse_category(category) if category else None,
    )
    records = [
        {
            "name": r.name,
            "grade": r.grade,
            "category": r.category,
            "rep": r.rep,
            "phone": r.phone,
            "contact": r.contact,
            "region": r.region,
            "visits": r.visits,
            "last_visit": r.last_visit,
            "status": "lost" if r.lost_on else "open",
        }
        for r in rows
    ]
    columns = [
        Column("name", N_("Customer")),
        Column("grade", N_("Grade")),
        Column("category", N_("Category"), show=word),
        Column("rep", N_("Rep")),
        Column("phone", N_("Phone")),
        Column("contact", N_("Contact")),
        Column("region", N_("Region")),
        Column("visits", N_("Visits"), "right"),
        Column("last_visit", N_("Last visit")),
        Column("status", N_("Status"), show=word),
    ]
    footer = ngettext("{n} customer", "{n} customers", len(records)).format(n=len(records))
    emit(records, columns, fmt, footer=footer)


@customer_app.command("show")
def show(ctx: typer.Context, name: Name, fmt: FormatOption = Fmt.TABLE) -> None:
    """A customer's details and visit timeline."""
    from salesproc.rules.money import cents_to_decimal, format_amount
    from salesproc.service import people

    found = people.show_customer(runtime(ctx).context, name)
    details = dict(vars(found.details))  # CustomerInfo's fields are the JSON keys
    timeline = [dict(vars(v)) for v in found.visits]
    sales = found.sales
    sale_records = [
        {"date": x.date, "rep": x.rep, "amount": cents_to_decimal(x.amount_cents), "ref": x.ref}
        for x in sales
    ]
    if fmt is Fmt.JSON:
        typer.echo(to_json({**details, "visits": timeline, "sales": sale_records}))
        return
    if fmt is Fmt.CSV:
        emit(timeline, VISIT_COLUMNS, fmt)
        return
    detail_rows = [
        {"field": _(FIELDS[k]), "value": word(v) if k in ("category", "status") else v}
        for k, v in details.items()
        if v is not None
    ]
    print_table(
        detail_rows,
        [Column("field", ""), Column("value", "")],
        title=found.details.name,
        header=False,
    )
    typer.echo("")
    print_table(
        timeline,
        [column for column in VISIT_COLUMNS if column.key != "customer"],
        title=_("Visits"),
        footer=ngettext("{n} visit", "{n} visits", len(timeline)).format(n=len(timeline)),
    )
    total = sum(x.amount_cents for x in sales)
    if sales:
        typer.echo(
            ngettext("{n} sale, {amount} in all", "{n} sales, {amount} in all", len(sales)).format(
                n=len(sales), amount=format_amount(total)
            )
        )


@customer_app.command("merge")
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="The customer to keep.")],
    other: Annotated[str, typer.Argument(help="The look-alike to merge into KEEP and remove.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would move; write nothing.")
    ] = False,
) -> None:
    """Merge two customers that are one: OTHER's visits, sales, collections and field records
    move to KEEP, and OTHER is removed (recorded in the history)."""
    from salesproc.service import people

    done = people.merge_customers(runtime(ctx).context, keep, other, dry_run)
    counts = _(
        "visits: {visits}, sales: {sales}, collections: {collections}, field records: {field_days}"
    ).format(**vars(done.moved))
    if dry_run:
        message = _("Would merge {other} into {keep}, moving {counts}; nothing written.")
    else:
        message = _("Merged {other} into {keep}, moving {counts}.")
    typer.echo(message.format(other=done.other.name, keep=done.keep.name, counts=counts))


@customer_app.command("delete")
def delete(ctx: typer.Context, name: Name) -> None:
    """Delete a customer added in error; one with visits, sales, collections or field records
    must be merged into another instead (`customer merge`)."""
    from salesproc.service import people

    customer = people.delete_customer(runtime(ctx).context, name)
    typer.echo(_("Deleted customer {name}.").format(name=customer.name))


@customer_app.command("reassign")
def reassign(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--from", help="Code or name of the rep leaving.")],
    target: Annotated[str, typer.Option("--to", help="Code or name of the rep taking over.")],
    grade: GradeOpt = None,
    category: CategoryOpt = None,
) -> None:
    """Move a rep's customers (all, or only one grade or category) to another rep."""
    from salesproc.service import people

    done = people.reassign_customers(
        runtime(ctx).context,
        source,
        target,
        parse_grade(grade) if grade else None,
        parse_category(category) if category else None,
    )
    n = len(done.customers)
    typer.echo(
        ngettext(
            "Moved {n} customer from {source} to {target}.",
            "Moved {n} customers from {source} to {target}.",
            n,
        ).format(n=n, source=done.source, target=done.target)
    )


def register(app: typer.Typer) -> None:
    app.add_typer(customer_app, name="customer")
