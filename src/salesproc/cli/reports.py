"""`due`, `four-visit` and `rank`: what the team reads each morning and evening."""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesproc.cli.choices import enum_option
from salesproc.cli.output import Column, Format, FormatOption, Record, emit, word
from salesproc.cli.runtime import runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _, ngettext
from salesproc.rules import vocab
from salesproc.rules.dates import Period
from salesproc.rules.ranking import By, Metric

if TYPE_CHECKING:
    from salesproc.service.leaderboard import Leaderboard

DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="As of: YYYY-MM-DD, today, yesterday, -N [default: today]."),
]
#: The statuses tables show through `word`, here so that the catalog has them.
STATUS_WORDS = (N_("on-track"), N_("overdue"), N_("gave-up"), N_("open"), N_("lost"))
RepFilter = Annotated[str | None, typer.Option("--rep", help="Only this rep's customers.")]


def _lateness(days: int) -> str:
    if days > 0:
        return ngettext("{n} day overdue", "{n} days overdue", days).format(n=days)
    if days == 0:
        return _("today")
    return ngettext("in {n} day", "in {n} days", -days).format(n=-days)


def due(
    ctx: typer.Context,
    day: DateOpt = None,
    rep: RepFilter = None,
    ahead: Annotated[
        int, typer.Option("--ahead", min=0, help="Also list customers due within N days.")
    ] = 0,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Customers to visit today or overdue (待回访), most overdue first, then A→C."""
    from salesproc.service import schedule

    rt = runtime(ctx)
    as_of = rt.date(day)
    if as_of.toordinal() + ahead > date.max.toordinal():
        raise InputError(
            _("--date {day} with --ahead {ahead} goes past the last day of the calendar").format(
                day=as_of, ahead=ahead
            )
        )
    rows = schedule.due(rt.context, as_of, rep, ahead)
    records = [dict(vars(r)) for r in rows]  # DueRow's fields are the JSON keys
    columns = [
        Column("customer", N_("Customer")),
        Column("grade", N_("Grade")),
        Column("category", N_("Category"), show=word),
        Column("rep", N_("Rep")),
        Column("due_date", N_("Due")),
        Column("days_overdue", N_("When"), show=_lateness),
        Column("visits", N_("Visits"), "right"),
        Column("last_visit", N_("Last visit")),
        Column("last_result", N_("Last result")),
        Column("phone", N_("Phone")),
    ]
    overdue = sum(r.days_overdue > 0 for r in rows)
    window = _(" (and the next {n} days)").format(n=ahead) if ahead else ""
    emit(
        records,
        columns,
        fmt,
        title=_("Due on {day}{window} — 待回访").format(day=as_of, window=window),
        footer=_("{n} customers due, {overdue} overdue").format(n=len(rows), overdue=overdue),
        row_style=lambda r: "red" if r["days_overdue"] > 0 else None,
    )


def four_visit(
    ctx: typer.Context,
    day: DateOpt = None,
    rep: RepFilter = None,
    min_visits: Annotated[
        int, typer.Option("--min-visits", min=1, help="Visits a prospect deserves.")
    ] = 4,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Count prospects given up since [default: 1st of month]."),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when any prospect is overdue or given up.")
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Prospects at risk of being dropped before their fourth visit (四次拜访法则)."""
    from salesproc.service import schedule

    rt = runtime(ctx)
    as_of = rt.date(day)
    report = schedule.four_visit(
        rt.context, as_of, rep, min_visits, rt.date(since) if since else None
    )
    rows, summary = report.prospects, report.summary
    records: list[Record] = [dict(vars(r)) for r in rows]  # ProspectRow's fields: JSON keys
    share = summary.share_at_or_above_min
    data = {
        "prospects": records,
        "summary": {
            "won": summary.won,
            "won_at_or_above_min": summary.won_at_or_above_min,
            "share_at_or_above_min": None if share is None else round(float(share), 4),
            "visits_to_win": {str(k): v for k, v in summary.visits_to_win.items()},
        },
    }
    styles = {"overdue": "red", "gave-up": "yellow"}
    if share is None:
        footer = _("No prospect won yet.")
    else:
        spread = _(", ").join(
            _("{n} visits: {count}").format(n=n, count=c) for n, c in summary.visits_to_win.items()
        )
        footer = _(
            "{won} prospects won; {enough} ({share}) took {min}+ visits. Visits to win — {spread}."
        ).format(
            won=summary.won,
            enough=summary.won_at_or_above_min,
            share=f"{float(share):.0%}",
            min=min_visits,
            spread=spread,
        )
    emit(
        records,
        [
            Column("customer", N_("Prospect")),
            Column("rep", N_("Rep")),
            Column("visits", N_("Visits"), "right"),
            Column("last_visit", N_("Last visit")),
            Column("next_visit", N_("Next visit")),
            Column("status", N_("Status"), show=word),
        ],
        fmt,
        data=data,
        title=_("Four-visit rule on {day} — 四次拜访法则").format(day=as_of),
        footer=footer,
        row_style=lambda r: styles.get(r["status"]),
    )
    if check and any(r.status != "on-track" for r in rows):
        raise typer.Exit(1)


def rank(
    ctx: typer.Context,
    day: DateOpt = None,
    cumulative: Annotated[
        bool, typer.Option("--cumulative", help="From the start of the period through the day.")
    ] = False,
    period: Annotated[
        Period | None,
        typer.Option(
            "--period",
            help="With --cumulative: week (Monday–Sunday), month (default), quarter, year or all.",
            **enum_option(Period, vocab.parse_period),
        ),
    ] = None,
    metric: Annotated[
        Metric,
        typer.Option(
            "--metric",
            help="Rank by sales amount, by visits or by collections (回款).",
            **enum_option(Metric, vocab.parse_metric),
        ),
    ] = Metric.SALES,
    by: Annotated[
        By,
        typer.Option(
            "--by", help="Rank reps (default) or regions.", **enum_option(By, vocab.parse_by)
        ),
    ] = By.REP,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The leaderboard (龙虎排行榜): daily, or cumulative for the period."""
    from salesproc.rules.money import format_amount
    from salesproc.rules.ranking import arrow
    from salesproc.service import leaderboard

    if period is not None and not cumulative:
        raise InputError(_("--period needs --cumulative, e.g. `rank --cumulative --period year`"))
    rt = runtime(ctx)
    board = leaderboard.rank(
        rt.context, rt.date(day), (period or Period.MONTH) if cumulative else None, metric, by
    )
    end, rows = board.end, board.rows
    sales = metric is not Metric.VISITS  # money: sales or collections
    if not cumulative:
        span = _("on {day}").format(day=end)
    elif board.start is None:
        span = _("all time through {day}").format(day=end)
    else:
        span = f"{board.start} – {end}"
    title_kind = _("Cumulative leaderboard") if cumulative else _("Daily leaderboard")
    total = board.total
    visits = ngettext("{n} visit", "{n} visits", total).format(n=total)
    shown_total = format_amount(total) if sales else visits
    last_rank = rows[-1].rank if rows else 0
    columns = [
        Column("rank", "#", "right"),
        Column("change", "±", show=arrow),
        Column("rep", N_("Rep") if by is By.REP else N_("Region")),
    ]
    if by is By.REP:
        columns.append(Column("name", N_("Name")))
    columns.append(
        Column(
            "amount",
            _AMOUNT_HEADERS[metric],
            "right",
            show=(lambda v: f"{v:,.2f}") if sales else str,
        )
    )
    if board.with_targets:
        columns.append(Column("reached", N_("Of target"), "right", show=_percent))
    reps = ngettext("{n} rep", "{n} reps", len(rows)) if by is By.REP else None
    count = (reps or ngettext("{n} region", "{n} regions", len(rows))).format(n=len(rows))
    emit(
        _records(board),
        columns,
        fmt,
        title=_("{kind} (龙虎排行榜), {metric}, {span}").format(
            kind=title_kind, metric=_(metric.value), span=span
        ),
        footer=_("{count}, team total {total}").format(count=count, total=shown_total),
        row_style=lambda r: (
            "bold green"
            if r["rank"] == 1 and r["amount"]
            else ("red" if r["rank"] == last_rank and len(rows) > 1 else None)
        ),
    )


#: the amount column's heading by metric
_AMOUNT_HEADERS = {
    Metric.SALES: N_("Sales"),
    Metric.VISITS: N_("Visits"),
    Metric.COLLECTIONS: N_("Collections"),
}


def _records(board: "Leaderboard") -> list[Record]:
    """The board's rows under their JSON keys: money in units, the target's only when set."""
    from salesproc.rules.money import cents_to_decimal

    sales = board.metric is not Metric.VISITS
    records = []
    for r in board.rows:
        record: Record = {
            "rank": r.rank,
            "rep": r.rep,
            "name": r.name,
            "amount": cents_to_decimal(r.value) if sales else r.value,
            "change": r.change,
        }
        if board.with_targets:
            target = r.target_cents
            record["target"] = None if target is None else cents_to_decimal(target)
            record["reached"] = r.reached
        records.append(record)
    return records


def _percent(value: Any) -> str:
    return "" if value is None else f"{float(value):.0%}"


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("four-visit")(four_visit)
    app.command("rank")(rank)
