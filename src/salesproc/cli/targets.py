"""`target set`, `target show` and `progress`: the annual target (销售目标), split and paced.

The supervisor agrees a year's target with each rep and for the team; the
tool splits it into months, quarters and weeks, and every day shows how far
each one is against the time gone (销售进度), so a rep behind is pushed early.
"""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesproc.cli.choices import enum_option
from salesproc.cli.output import (
    Column,
    Format,
    FormatOption,
    Record,
    emit,
    print_table,
    to_json,
    word,
)
from salesproc.cli.runtime import runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.rules import vocab
from salesproc.rules.ranking import Metric

if TYPE_CHECKING:
    from decimal import Decimal

    from salesproc.service.leaderboard import PeriodProgress, Scope

target_app = typer.Typer(no_args_is_help=True, help="Annual sales targets (销售目标), split down.")

RepOpt = Annotated[str | None, typer.Option("--rep", help="A rep's target (its code).")]
TeamOpt = Annotated[bool, typer.Option("--team", help="The whole team's target.")]
YearOpt = Annotated[
    int | None,
    typer.Option("--year", min=1900, max=2999, help="The year [default: this year]."),
]
MetricOpt = Annotated[
    Metric,
    typer.Option(
        "--metric",
        help="What the target counts: sales (default) or collections.",
        **enum_option(Metric, vocab.parse_metric),
    ),
]


def _target_metric(metric: Metric) -> Metric:
    """Targets count money: sales or collections, never visits."""
    if metric is Metric.VISITS:
        raise InputError(_("a target counts sales or collections; use --metric sales|collections"))
    return metric


#: how `target show` and `progress` name each period, here so that the catalog has them
PERIOD_WORDS = (N_("year"), N_("quarter"), N_("month"), N_("week"), N_("team"))


def _who(scope: "Scope") -> str:
    """How a confirmation names whose target it set."""
    return _("the team") if scope.rep is None else f"{scope.name} ({scope.rep})"


@target_app.command("set")
def target_set(
    ctx: typer.Context,
    rep: RepOpt = None,
    team: TeamOpt = False,
    year: YearOpt = None,
    amount: Annotated[str, typer.Option("--amount", help="The target, e.g. 1200000.")] = "",
    split: Annotated[
        str,
        typer.Option(
            "--split", help="even, workdays, weights:W1,…,W12 or last-year [default: workdays]."
        ),
    ] = "workdays",
    month: Annotated[
        str | None,
        typer.Option("--month", metavar="YYYY-MM", help="Set only this month, by hand."),
    ] = None,
    metric: MetricOpt = Metric.SALES,
) -> None:
    """Set a year's target, split into months (or one month by hand with --month)."""
    from salesproc.rules.money import format_amount, parse_amount
    from salesproc.rules.targets import parse_month, parse_split
    from salesproc.service import leaderboard

    rt = runtime(ctx)
    if not amount:
        raise InputError(_("no amount given; pass --amount N, e.g. --amount 1200000"))
    cents = parse_amount(amount)
    chosen = parse_split(split)
    if bool(rep) == team:
        raise InputError(_("give either --rep CODE or --team"))
    code = None if team else rep
    metric = _target_metric(metric)
    if month is not None:
        in_year, in_month = parse_month(month)
        if year is not None and year != in_year:
            raise InputError(
                _("--month {month} is not in --year {year}").format(month=month, year=year)
            )
        one = leaderboard.set_month_target(rt.context, code, in_year, in_month, cents, metric)
        typer.echo(
            _("Set the target of {who} for {month}: {amount}.").format(
                who=_who(one.scope),
                month=f"{one.year}-{one.month:02d}",
                amount=format_amount(cents),
            )
        )
        return
    whole = leaderboard.set_year_target(rt.context, code, cents, chosen, year, metric)
    if whole.fell_back:
        nothing = (
            _("No collections in {year} to split by; split evenly instead.")
            if metric is Metric.COLLECTIONS
            else _("No sales in {year} to split by; split evenly instead.")
        )
        typer.echo(nothing.format(year=whole.year - 1), err=True)
    typer.echo(
        _("Set the {year} target of {who}: {amount}, split {split}.").format(
            year=whole.year, who=_who(whole.scope), amount=format_amount(cents), split=whole.split
        )
    )


@target_app.command("show")
def target_show(
    ctx: typer.Context,
    year: YearOpt = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's target.")] = None,
    weeks: Annotated[
        bool, typer.Option("--weeks", help="List the weeks in the table too.")
    ] = False,
    metric: MetricOpt = Metric.SALES,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The targets split into year, quarters, months and weeks; the team beside its reps' sum."""
    from salesproc.rules.money import cents_to_decimal
    from salesproc.service import leaderboard

    rt = runtime(ctx)
    metric = _target_metric(metric)
    found = leaderboard.targets(rt.context, year, rep, weeks or fmt is not Format.TABLE, metric)
    records = [
        {"rep": p.rep, "period": p.period, "start": p.start, "end": p.end,
         "amount": cents_to_decimal(p.cents)}
        for p in found.parts
    ]  # fmt: skip
    if fmt is not Format.TABLE:
        emit(records, [], fmt, keys=["rep", "period", "start", "end", "amount"])
        return
    title = (
        _("Collection targets {year}")
        if metric is Metric.COLLECTIONS
        else _("Sales targets {year}")
    )
    _side_by_side(found.scopes, records, title.format(year=found.year))


def _side_by_side(scopes: list[str | None], records: list[Record], title: str) -> None:
    """One table: each period with the team's target, its reps' sum and every rep's amount."""
    table: dict[tuple[str, date], Record] = {}
    for r in records:
        row = table.setdefault(
            (r["period"], r["start"]),
            {
                "period": _period_label(r["period"], r["start"]),
                "start": r["start"],
                "end": r["end"],
            },
        )
        row[r["rep"] or "team"] = r["amount"]
    reps = [code for code in scopes if code is not None]
    columns = [Column("period", N_("Period")), Column("start", N_("From")), Column("end", N_("To"))]
    if None in scopes:
        columns.append(Column("team", N_("Team"), "right", show=_money))
    if reps and None in scopes:
        for row in table.values():
            row["reps_sum"] = sum(row.get(code) or 0 for code in reps)
        columns.append(Column("reps_sum", N_("Reps' sum"), "right", show=_money))
    columns += [Column(code, code, "right", show=_money) for code in reps]
    print_table(list(table.values()), columns, title=title)


def _period_label(period: str, start: date) -> str:
    if period == "year":
        return str(start.year)
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1}"
    if period == "month":
        return f"{start:%Y-%m}"
    return _("week of {day}").format(day=start)


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.2f}"


def progress(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help="As of this day [default: today].")
    ] = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep.")] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Week, month, quarter and year to date against target and against the time gone."""
    from salesproc.service import leaderboard

    rt = runtime(ctx)
    on = rt.date(day)
    found = leaderboard.progress(rt.context, on, rep)
    records = [_progress_record(p) for p in found]
    collected = any(p.metric is Metric.COLLECTIONS for p in found)
    if collected:  # the metric shows only where collections have a target too
        records = [{"metric": p.metric.value, **r} for p, r in zip(found, records, strict=True)]
    if fmt is Format.JSON:
        typer.echo(to_json(records))
        return
    keys = ["rep", "period", "actual", "target", "reached", "elapsed", "gap", "per_day_needed"]
    if collected:
        keys.insert(0, "metric")
    if fmt is Format.CSV:
        emit(records, [], fmt, keys=keys)
        return
    shown = [{**r, "who": r["rep"] or _("team"), "pace": _pace(r)} for r in records]
    counted = any(p.progress.today_counted for p in found)
    columns = [
        Column("who", N_("Rep")),
        *([Column("metric", N_("Metric"), show=_)] if collected else []),
        Column("period", N_("Period"), show=word),
        Column("actual", N_("Actual"), "right", show=_money),
        Column("target", N_("Target"), "right", show=_money),
        Column("reached", N_("Reached"), "right", show=_percent),
        Column("elapsed", N_("Time gone"), "right", show=_percent),
        Column("pace", N_("Pace"), show=lambda v: word(v) if v else ""),  # none: no target
        Column("gap", N_("Gap"), "right", show=_money),
        Column("per_day_needed", N_("Needed per day"), "right", show=_money),
    ]
    print_table(
        shown,
        columns,
        title=_("Progress against target on {day} (销售进度)").format(day=on)
        + (_("; time gone includes {day}") if counted else _("; time gone excludes {day}")).format(
            day=on
        ),
        row_style=lambda r: {"ahead": "green", "behind": "red"}.get(r["pace"]),
    )


#: The pace column's words, here so that the catalog has them.
PACE_WORDS = (N_("ahead"), N_("behind"))


def _pace(record: Record) -> str:
    """`ahead` of the time line (reached ≥ time gone) or `behind` it: visible without colour."""
    reached, elapsed = record["reached"], record["elapsed"]
    if reached is None or elapsed is None:
        return ""
    return "ahead" if reached >= elapsed else "behind"


def _fraction(value: "Decimal | None") -> "Decimal | None":
    from decimal import Decimal

    return None if value is None else value.quantize(Decimal("0.0001"))


def _percent(value: Any) -> str:
    return "" if value is None else f"{float(value):.0%}"


def _progress_record(found: "PeriodProgress") -> Record:
    """One scope's period under its JSON keys: money in units, shares to 4 places."""
    from salesproc.rules.money import cents_to_decimal

    p = found.progress
    per_day = p.per_day_needed
    return {
        "rep": found.rep, "period": found.period.value,
        "actual": cents_to_decimal(p.actual), "target": cents_to_decimal(p.target),
        "reached": _fraction(p.reached), "elapsed": _fraction(p.elapsed),
        "gap": cents_to_decimal(p.gap),
        "per_day_needed": None if per_day is None else cents_to_decimal(per_day),
        "today_counted": p.today_counted,
    }  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(target_app, name="target")
    app.command("progress")(progress)
