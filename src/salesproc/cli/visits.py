"""`salesproc log-visit` and `salesproc visit …`: what reps record during the day, and its
corrections (`sale …` is in `cli.sales`)."""

from typing import TYPE_CHECKING, Annotated

import typer

from salesproc.cli.output import VISIT_COLUMNS, Format, FormatOption, emit, word
from salesproc.cli.runtime import FromOpt, Runtime, ToOpt, runtime
from salesproc.i18n import _, ngettext
from salesproc.rules.cadence import moved_note
from salesproc.rules.dates import counts_days, parse_time
from salesproc.rules.money import format_amount, parse_amount
from salesproc.rules.vocab import parse_outcome, parse_purposes

if TYPE_CHECKING:
    from datetime import date, timedelta

RepOpt = Annotated[
    str | None, typer.Option("--rep", help="Rep code [config `rep` on a rep's own machine].")
]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="YYYY-MM-DD, today, yesterday or -N [default: today]."),
]
AmountHelp = "A plain number with up to 2 decimals, e.g. 1200 or 1200.50."


def log_visit(
    ctx: typer.Context,
    customer: Annotated[str, typer.Option("--customer", help="The customer visited.")],
    purpose: Annotated[
        list[str],
        typer.Option(
            "--purpose",
            help="order, collection, development, service, explanation"
            " (or 订货 收款 开发 服务 说明); repeat it or separate with commas.",
        ),
    ],
    rep: RepOpt = None,
    day: DateOpt = None,
    start: Annotated[str | None, typer.Option("--start", help="Start time, HH:MM.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="End time, HH:MM.")] = None,
    result: Annotated[str | None, typer.Option("--result", help="What the talk achieved.")] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="won (prospect becomes new) or lost (closed).")
    ] = None,
    next_: Annotated[
        str | None,
        typer.Option(
            "--next",
            help="Agreed revisit: a date or +N days from the visit [default: the grade's cadence].",
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Objections, open problems, memos.")
    ] = None,
    weather: Annotated[
        str | None, typer.Option("--weather", help="The day's weather (天气).")
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help=f"A sale on this visit. {AmountHelp}")
    ] = None,
    collected: Annotated[
        str | None,
        typer.Option("--collected", help=f"Money collected on this visit (回款). {AmountHelp}"),
    ] = None,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Log it even though a visit with this rep, customer, date and start time is"
            " on file.",
        ),
    ] = False,
) -> None:
    """Log one customer visit: a row of the daily sales report (销售日报表)."""
    from salesproc.service import visits

    rt = runtime(ctx)
    visit_date = rt.date(day)
    counted = next_ is not None and counts_days(next_)  # `+N`: a day the tool counts
    entry = visits.VisitInput(
        rep=rt.context.rep_code(rep),
        customer=customer,
        purposes=parse_purposes(purpose),
        visit_date=visit_date,
        start=parse_time(start) if start else None,
        end=parse_time(end) if end else None,
        result=result,
        outcome=parse_outcome(outcome) if outcome else None,
        next_visit=rt.date(next_, relative_to=visit_date) if next_ and not counted else None,
        next_days=(rt.date(next_, relative_to=visit_date) - visit_date).days if counted else None,
        note=note,
        weather=weather,
        amount_cents=parse_amount(amount) if amount is not None else None,
        collected_cents=parse_amount(collected) if collected is not None else None,
    )
    visit = visits.log_visit(rt.context, entry, again)
    message = _(
        "Logged visit #{id}: {rep} → {customer} on {day} ({purposes}); next visit {next}."
    ).format(
        id=visit.id,
        rep=visit.rep,
        customer=visit.customer,
        day=visit.visit_date,
        purposes=_(", ").join(word(p) for p in entry.purposes),
        next=f"{visit.next_visit}{moved_note(visit.moved_from, visit.next_visit)}",
    )
    if visit.amount_cents is not None:
        message += _(" Sale {amount}.").format(amount=format_amount(visit.amount_cents))
    if entry.collected_cents is not None:
        message += _(" Collected {amount}.").format(amount=format_amount(entry.collected_cents))
    if visit.customer_category != visit.category:
        message += _(" Now a {category} customer.").format(category=word(visit.customer_category))
    if visit.lost:
        message += _(" Closed as lost.")
    typer.echo(message)


visit_app = typer.Typer(no_args_is_help=True, help="List and correct logged visits.")


@visit_app.command("list")
def visit_list(
    ctx: typer.Context,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's visits.")] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Only visits to this customer.")
    ] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Visits in the order of the daily report: by day, then time."""
    from salesproc.service import visits

    rt = runtime(ctx)
    rows = visits.list_visits(rt.context, rep, customer, *rt.span(start, end))
    records = [dict(vars(r)) for r in rows]  # VisitRow's fields are the JSON keys
    footer = ngettext("{n} visit", "{n} visits", len(rows)).format(n=len(rows))
    emit(records, VISIT_COLUMNS, fmt, footer=footer)


@visit_app.command("edit")
def visit_edit(
    ctx: typer.Context,
    visit_id: Annotated[int, typer.Argument(metavar="ID", help="The visit's number.")],
    day: DateOpt = None,
    start: Annotated[str | None, typer.Option("--start", help="Start time, HH:MM.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="End time, HH:MM.")] = None,
    purpose: Annotated[
        list[str] | None, typer.Option("--purpose", help="Replaces the purposes.")
    ] = None,
    result: Annotated[str | None, typer.Option("--result")] = None,
    next_: Annotated[
        str | None, typer.Option("--next", help="Agreed revisit: a date or +N from the visit.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Correct a visit's day, times, purposes, result, revisit or notes."""
    from salesproc.service import visits

    rt = runtime(ctx)
    changes = visits.VisitChanges(
        visit_date=rt.date(day) if day else None,
        start=parse_time(start) if start else None,
        end=parse_time(end) if end else None,
        purposes=parse_purposes(purpose) if purpose else None,
        result=result,
        next_visit=_next_visit(rt, next_) if next_ is not None else None,
        note=note,
    )
    visit = visits.edit_visit(rt.context, visit_id, changes)
    typer.echo(
        _("Updated visit #{id}: {customer} on {day}; next visit {next}.").format(
            id=visit.id, customer=visit.customer, day=visit.visit_date, next=visit.next_visit
        )
    )


def _next_visit(rt: Runtime, text: str) -> "date | timedelta":
    """`--next` of an edit: `+N`/`-N` count from the visit's date, which the edit may move."""

    relative = rt.date(text, relative_to=rt.today) - rt.today
    return relative if counts_days(text) else rt.date(text)


@visit_app.command("delete")
def visit_delete(
    ctx: typer.Context,
    visit_id: Annotated[int, typer.Argument(metavar="ID", help="The visit's number.")],
) -> None:
    """Delete a visit logged in error and the sale logged with it; undo a win or loss it made."""
    from salesproc.service import visits

    visit = visits.delete_visit(runtime(ctx).context, visit_id)
    sales = visit.sales_deleted
    also = ngettext(" and its sale", " and its sales", sales) if sales else ""
    done = _("Deleted visit #{id}{also}: {customer} on {day}; {customer} is now {category}.")
    typer.echo(
        done.format(
            id=visit_id,
            also=also,
            customer=visit.customer,
            day=visit.visit_date,
            category=word(visit.customer_category),
        )
    )


def register(app: typer.Typer) -> None:
    app.command("log-visit")(log_visit)
    app.add_typer(visit_app, name="visit")
