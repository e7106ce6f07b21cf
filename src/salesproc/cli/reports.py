"""`due`, `four-visit` and `rank`: what the team reads each morning and evening."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, Record, emit
from salesproc.cli.runtime import runtime
from salesproc.errors import InputError
from salesproc.rules.dates import Period, period_start
from salesproc.rules.ranking import Metric

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="As of: YYYY-MM-DD, today, yesterday, -N [default: today]."),
]
RepFilter = Annotated[str | None, typer.Option("--rep", help="Only this rep's customers.")]


def _rep_id(session: "Session", code: str | None) -> int | None:
    from salesproc.db import writes

    return writes.find_rep(session, code).id if code else None


def _lateness(days: int) -> str:
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} overdue"
    if days == 0:
        return "today"
    return f"in {-days} day{'s' if days != -1 else ''}"


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
    from salesproc.db import queries

    rt = runtime(ctx)
    as_of = rt.date(day)
    with rt.session() as s:
        rows = queries.due_list(s, as_of, rt.today, ahead, _rep_id(s, rep))
    records = [dict(vars(r)) for r in rows]  # DueRow's fields are the JSON keys
    columns = [
        Column("customer", "Customer"),
        Column("grade", "Grade"),
        Column("category", "Category"),
        Column("rep", "Rep"),
        Column("due_date", "Due"),
        Column("days_overdue", "When", show=_lateness),
        Column("visits", "Visits", "right"),
        Column("last_visit", "Last visit"),
        Column("last_result", "Last result"),
        Column("phone", "Phone"),
    ]
    overdue = sum(r.days_overdue > 0 for r in rows)
    window = f" (and the next {ahead} days)" if ahead else ""
    emit(
        records,
        columns,
        fmt,
        title=f"Due on {as_of}{window} — 待回访",
        footer=f"{len(rows)} customers due, {overdue} overdue",
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
    from salesproc.db import queries

    rt = runtime(ctx)
    as_of = rt.date(day)
    since_day = rt.date(since) if since else as_of.replace(day=1)
    with rt.session() as s:
        rep_id = _rep_id(s, rep)
        rows, summary = queries.four_visit(s, as_of, rt.today, since_day, min_visits, rep_id)
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
        footer = "No prospect won yet."
    else:
        spread = ", ".join(f"{n} visits: {c}" for n, c in summary.visits_to_win.items())
        footer = (
            f"{summary.won} prospects won; {summary.won_at_or_above_min} ({float(share):.0%}) "
            f"took {min_visits}+ visits. Visits to win — {spread}."
        )
    emit(
        records,
        [
            Column("customer", "Prospect"),
            Column("rep", "Rep"),
            Column("visits", "Visits", "right"),
            Column("last_visit", "Last visit"),
            Column("next_visit", "Next visit"),
            Column("status", "Status"),
        ],
        fmt,
        data=data,
        title=f"Four-visit rule on {as_of} — 四次拜访法则",
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
        typer.Option("--period", help="With --cumulative: month (default), quarter, year or all."),
    ] = None,
    metric: Annotated[
        Metric, typer.Option("--metric", help="Rank by sales amount or by visits.")
    ] = Metric.SALES,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The leaderboard (龙虎排行榜): daily, or cumulative for the period."""
    from salesproc.db import queries
    from salesproc.rules.money import cents_to_decimal, format_amount

    if period is not None and not cumulative:
        raise InputError("--period needs --cumulative, e.g. `rank --cumulative --period year`")
    rt = runtime(ctx)
    end = rt.date(day)
    start: date | None = end
    if cumulative:
        start = period_start(end, period or Period.MONTH)
    sales = metric is Metric.SALES
    with rt.session() as s:
        rows = queries.leaderboard(s, start, end, metric)
    records = [
        {
            "rank": r.rank,
            "rep": r.rep,
            "name": r.name,
            "amount": cents_to_decimal(r.value) if sales else r.value,
        }
        for r in rows
    ]
    if not cumulative:
        span = f"on {end}"
    elif start is None:
        span = f"all time through {end}"
    else:
        span = f"{start} – {end}"
    kind = "Cumulative leaderboard" if cumulative else "Daily leaderboard"
    total = sum(r.value for r in rows)
    shown_total = format_amount(total) if sales else f"{total} visits"
    last_rank = rows[-1].rank if rows else 0
    emit(
        records,
        [
            Column("rank", "#", "right"),
            Column("rep", "Rep"),
            Column("name", "Name"),
            Column(
                "amount",
                "Sales" if sales else "Visits",
                "right",
                show=(lambda v: f"{v:,.2f}") if sales else str,
            ),
        ],
        fmt,
        title=f"{kind} (龙虎排行榜), {metric}, {span}",
        footer=f"{len(rows)} reps, team total {shown_total}",
        row_style=lambda r: (
            "bold green"
            if r["rank"] == 1 and r["amount"]
            else ("red" if r["rank"] == last_rank and len(rows) > 1 else None)
        ),
    )


def register(app: typer.Typer) -> None:
    app.command("due")(due)
    app.command("four-visit")(four_visit)
    app.command("rank")(rank)
