"""`salesproc report …`: the daily sales report (销售日报表), one form per rep and day."""

from collections import Counter
from typing import Annotated

import typer

from salesproc.cli.output import (
    Column,
    Format,
    FormatOption,
    Record,
    print_table,
    to_json,
    write_csv,
)
from salesproc.cli.runtime import runtime

report_app = typer.Typer(no_args_is_help=True, help="The daily sales report (销售日报表).")

DateOpt = Annotated[str | None, typer.Option("--date", help="The report's day [default: today].")]
VISIT_COLUMNS = [
    Column("seq", "#", "right"),
    Column("customer", "Customer"),
    Column("phone", "Phone"),
    Column("time", "Visit time"),
    Column("purposes", "Purposes"),
    Column("result", "Result"),
    Column("category", "Category"),
    Column("next_visit", "Revisit"),
    Column("notes", "Notes"),
]
CSV_KEYS = [
    "rep", "name", "region", "date", "weather", "seq", "customer", "phone", "start", "end",
    "purposes", "result", "category", "next_visit", "notes",
]  # fmt: skip


def _span(visit: Record) -> str:
    start, end = visit["start"], visit["end"]
    if start is None and end is None:
        return ""
    return (
        f"{start:%H:%M}"
        if end is None
        else f"{'' if start is None else f'{start:%H:%M}'}–{end:%H:%M}"
    )


@report_app.command("daily")
def daily(
    ctx: typer.Context,
    day: DateOpt = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's report.")] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Each active rep's report: header, one row per visit by start time, and the quota."""
    from salesproc.db import queries, writes

    rt = runtime(ctx)
    on = rt.date(day)
    quota = rt.settings.visit_quota
    with rt.session() as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        reports = queries.daily_reports(s, on, rep_id)
    documents = [
        {
            "rep": r.rep, "name": r.name, "region": r.region, "date": r.date,
            "weather": r.weather, "reported": bool(r.visits), "visit_count": len(r.visits),
            "quota": quota, "visits": r.visits,
        }
        for r in reports
    ]  # fmt: skip
    if fmt is Format.JSON:
        typer.echo(to_json(documents))
        return
    if fmt is Format.CSV:
        head = ("rep", "name", "region", "date", "weather")
        rows = [
            {**{k: d[k] for k in head}, **visit}
            for d in documents
            for visit in (d["visits"] or [{}])
        ]
        write_csv(rows, CSV_KEYS)
        return
    for document in documents:
        title = (
            f"Region {document['region'] or '–'} · Reporter {document['name']} "
            f"({document['rep']}) · Date {on} · Weather {document['weather'] or '–'}"
        )
        visits = [{**v, "time": _span(v)} for v in document["visits"]]
        if not visits:
            print_table([], VISIT_COLUMNS, title=title, footer="no report")
            typer.echo("")
            continue
        purposes = Counter(p for v in visits for p in v["purposes"])
        categories = Counter(v["category"] for v in visits)
        short = quota - len(visits)
        quota_text = f", {short} short" if short > 0 else ""
        footer = (
            f"{len(visits)} visits of a quota of {quota}{quota_text} · "
            + ", ".join(f"{p} {n}" for p, n in purposes.most_common())
            + " · "
            + ", ".join(f"{c} {n}" for c, n in categories.most_common())
        )
        print_table(visits, VISIT_COLUMNS, title=title, footer=footer)
        typer.echo("")


@report_app.command("header")
def header(
    ctx: typer.Context,
    rep: Annotated[str | None, typer.Option("--rep", help="Rep code [config `rep`].")] = None,
    day: DateOpt = None,
    weather: Annotated[
        str | None, typer.Option("--weather", help="The day's weather (天气).")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Where the rep worked (区域).")
    ] = None,
) -> None:
    """Set a report's weather or region without logging a visit."""
    from salesproc.db import writes
    from salesproc.errors import InputError

    if weather is None and region is None:
        raise InputError("nothing to set; pass --weather and/or --region")
    rt = runtime(ctx)
    on = rt.date(day)
    with rt.session() as s:
        found = writes.find_active_rep(s, rt.rep_code(rep))
        if on > rt.today:
            raise InputError(f"report date {on} is after today ({rt.today})")
        saved = writes.set_report_header(s, found, on, weather, region)
        typer.echo(
            f"Report of {found.code} on {on}: region {saved.region or '–'}, "
            f"weather {saved.weather or '–'}."
        )


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
