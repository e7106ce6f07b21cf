"""`target set`, `target show` and `progress`: the annual target (销售目标), split and paced.

The supervisor agrees a year's target with each rep and for the team; the
tool splits it into months, quarters and weeks, and every day shows how far
each one is against the time gone (销售进度), so a rep behind is pushed early.
"""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

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
from salesproc.cli.runtime import Runtime, runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _

if TYPE_CHECKING:
    from decimal import Decimal

    from sqlalchemy.orm import Session

    from salesproc.db.queries import TargetYear

target_app = typer.Typer(no_args_is_help=True, help="Annual sales targets (销售目标), split down.")

RepOpt = Annotated[str | None, typer.Option("--rep", help="A rep's target (its code).")]
TeamOpt = Annotated[bool, typer.Option("--team", help="The whole team's target.")]
YearOpt = Annotated[int | None, typer.Option("--year", help="The year [default: this year].")]
#: how `target show` and `progress` name each period, here so that the catalog has them
PERIOD_WORDS = (N_("year"), N_("quarter"), N_("month"), N_("week"), N_("team"))


def _scope(session: "Session", rep: str | None, team: bool) -> tuple[int | None, str]:
    """(rep id or None for the team, the name to show) from exactly one of --rep and --team."""
    from salesproc.db import writes

    if bool(rep) == team:
        raise InputError(_("give either --rep CODE or --team"))
    if team:
        return None, _("the team")
    found = writes.find_rep(session, str(rep))
    return found.id, f"{found.name} ({found.code})"


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
) -> None:
    """Set a year's target, split into months (or one month by hand with --month)."""
    from salesproc.db import queries, writes
    from salesproc.rules.money import format_amount, parse_amount
    from salesproc.rules.targets import (
        SplitMethod,
        effective_method,
        parse_month,
        parse_split,
        split_year,
    )

    rt = runtime(ctx)
    if not amount:
        raise InputError(_("no amount given; pass --amount N, e.g. --amount 1200000"))
    cents = parse_amount(amount)
    chosen = parse_split(split)
    with rt.session() as s:
        rep_id, who = _scope(s, rep, team)
        if month is not None:
            in_year, in_month = parse_month(month)
            if year is not None and year != in_year:
                raise InputError(
                    _("--month {month} is not in --year {year}").format(month=month, year=year)
                )
            writes.set_month_target(s, rep_id, in_year, in_month, cents, rt.now)
            typer.echo(
                _("Set the target of {who} for {month}: {amount}.").format(
                    who=who, month=f"{in_year}-{in_month:02d}", amount=format_amount(cents)
                )
            )
            return
        year = year or rt.today.year
        calendar = rt.calendar([year])
        last_year = (
            queries.monthly_sales(s, year - 1, rep_id)
            if chosen.method is SplitMethod.LAST_YEAR
            else None
        )
        used = effective_method(chosen.method, calendar, year, last_year)
        months = split_year(cents, used, calendar, year, chosen.weights, last_year)
        stored = str(chosen) if used is chosen.method else used.value
        writes.set_year_target(s, rep_id, year, months, stored, rt.now)
    if used is not chosen.method:
        typer.echo(
            _("No sales in {year} to split by; split evenly instead.").format(year=year - 1),
            err=True,
        )
    typer.echo(
        _("Set the {year} target of {who}: {amount}, split {split}.").format(
            year=year, who=who, amount=format_amount(cents), split=stored
        )
    )


def _rows(target: "TargetYear", calendar: Any, weeks: bool) -> list[Record]:
    """One scope's decomposition: the year, its quarters, its months (and weeks)."""
    from salesproc.rules import targets as t
    from salesproc.rules.money import cents_to_decimal

    year = target.year
    rows: list[tuple[str, date, date, int]] = [("year", *t.year_bounds(year), sum(target.months))]
    for q, cents in enumerate(t.quarters(target.months)):
        first, last = t.month_bounds(year, 3 * q + 1)[0], t.month_bounds(year, 3 * q + 3)[1]
        rows.append(("quarter", first, last, cents))
    for m, cents in enumerate(target.months, start=1):
        rows.append(("month", *t.month_bounds(year, m), cents))
    if weeks:
        rows.extend(
            ("week", w.monday, w.sunday, w.cents) for w in t.weeks(year, target.months, calendar)
        )
    return [
        {"rep": target.rep, "period": p, "start": s, "end": e, "amount": cents_to_decimal(c)}
        for p, s, e, c in rows
    ]  # fmt: skip


@target_app.command("show")
def target_show(
    ctx: typer.Context,
    year: YearOpt = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's target.")] = None,
    weeks: Annotated[
        bool, typer.Option("--weeks", help="List the weeks in the table too.")
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The targets split into year, quarters, months and weeks; the team beside its reps' sum."""
    from salesproc.db import queries, writes

    rt = runtime(ctx)
    year = year or rt.today.year
    with rt.session() as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        found = queries.target_years(s, year, rep_id)
    if not found:
        raise InputError(
            _("no target for {year}; set one with `salesproc target set`").format(year=year)
        )
    calendar = rt.calendar([year]) if weeks or fmt is not Format.TABLE else None
    records = [r for t in found for r in _rows(t, calendar, weeks or fmt is not Format.TABLE)]
    if fmt is not Format.TABLE:
        emit(records, [], fmt, keys=["rep", "period", "start", "end", "amount"])
        return
    _side_by_side(found, records, year)


def _side_by_side(found: "list[TargetYear]", records: list[Record], year: int) -> None:
    """One table: each period with the team's target, its reps' sum and every rep's amount."""
    scopes = [t.rep for t in found]
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
    print_table(list(table.values()), columns, title=_("Sales targets {year}").format(year=year))


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
    rt = runtime(ctx)
    on = rt.date(day)
    records = progress_records(rt, on, rep)
    if fmt is Format.JSON:
        typer.echo(to_json(records))
        return
    keys = ["rep", "period", "actual", "target", "reached", "elapsed", "gap", "per_day_needed"]
    if fmt is Format.CSV:
        emit(records, [], fmt, keys=keys)
        return
    shown = [{**r, "who": r["rep"] or _("team"), "pace": _pace(r)} for r in records]
    columns = [
        Column("who", N_("Rep")),
        Column("period", N_("Period"), show=word),
        Column("actual", N_("Actual"), "right", show=_money),
        Column("target", N_("Target"), "right", show=_money),
        Column("reached", N_("Reached"), "right", show=_percent),
        Column("elapsed", N_("Time gone"), "right", show=_percent),
        Column("pace", N_("Pace"), show=word),
        Column("gap", N_("Gap"), "right", show=_money),
        Column("per_day_needed", N_("Needed per day"), "right", show=_money),
    ]
    print_table(
        shown,
        columns,
        title=_("Progress against target on {day} (销售进度)").format(day=on),
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


def progress_records(rt: Runtime, on: date, rep: str | None) -> list[Record]:
    """The team's and each rep's progress for the four periods to date (JSON keys)."""
    from salesproc.db import queries, writes
    from salesproc.rules import targets as t
    from salesproc.rules.money import cents_to_decimal

    with rt.session() as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        found = queries.target_years(s, on.year, rep_id)
        if not found:
            raise InputError(
                _("no target for {year}; set one with `salesproc target set`").format(year=on.year)
            )
        week = t.period_bounds(t.ProgressPeriod.WEEK, on)
        calendar = rt.calendar({on.year, week[0].year, week[1].year})
        records: list[Record] = []
        for target in found:
            for kind in t.ProgressPeriod:
                start, end = t.period_bounds(kind, on)
                actual = queries.sales_total(s, max(start, date(on.year, 1, 1)), on, target.rep_id)
                goal = t.period_target(kind, on, target.months, calendar)
                p = t.progress(actual, goal, start, end, on, calendar)
                records.append(
                    {
                        "rep": target.rep, "period": kind.value,
                        "actual": cents_to_decimal(p.actual), "target": cents_to_decimal(p.target),
                        "reached": _fraction(p.reached), "elapsed": _fraction(p.elapsed),
                        "gap": cents_to_decimal(p.gap),
                        "per_day_needed": None if p.per_day_needed is None
                        else cents_to_decimal(p.per_day_needed),
                    }
                )  # fmt: skip
    return records


def register(app: typer.Typer) -> None:
    app.add_typer(target_app, name="target")
    app.command("progress")(progress)
