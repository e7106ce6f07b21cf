"""`salesproc report …`: the daily sales report (销售日报表), one form per rep and day."""

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from salesproc.cli import Language
from salesproc.cli.output import Column, print_table, to_json, word, write_csv
from salesproc.cli.runtime import runtime
from salesproc.errors import InputError
from salesproc.i18n import _, language

report_app = typer.Typer(no_args_is_help=True, help="The daily sales report (销售日报表).")

DateOpt = Annotated[str | None, typer.Option("--date", help="The report's day [default: today].")]
CSV_KEYS = [
    "rep", "name", "region", "date", "weather", "seq", "customer", "phone", "start", "end",
    "purposes", "result", "outcome", "category", "next_visit", "notes",
]  # fmt: skip


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


def _columns(lang: str) -> list[Column]:
    """The form's own column headings (访问客户, 访问时间, …), not the listings' words."""
    from salesproc.adapters.form_words import COLUMNS

    shown = ("seq", "customer", "phone", "time", "purposes", "result", "category", "next_visit",
             "notes")  # fmt: skip
    words = ("purposes", "category")
    return [Column("seq", "#", "right")] + [
        Column(key, COLUMNS[key][lang], show=word if key in words else None) for key in shown[1:]
    ]


def _xlsx_path(output: Path | None, what: str) -> Path:
    if output is None or output.suffix.casefold() != ".xlsx":
        raise InputError(
            _("{what} needs --output FILE.xlsx, e.g. --output report.xlsx").format(what=what)
        )
    return output


@report_app.command("daily")
def daily(
    ctx: typer.Context,
    day: DateOpt = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's report.")] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="table (default), json, csv or xlsx (the form)."),
    ] = ReportFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The .xlsx file to write.")
    ] = None,
) -> None:
    """Each active rep's report: header, one row per visit by start time, and the quota."""
    from salesproc.adapters import form_words
    from salesproc.db import queries, writes

    rt = runtime(ctx)
    on = rt.date(day)
    quota = rt.settings.visit_quota
    if fmt is ReportFormat.XLSX:
        output = _xlsx_path(output, "--format xlsx")
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
    if fmt is ReportFormat.JSON:
        typer.echo(to_json(documents))
        return
    if fmt is ReportFormat.CSV:
        head = ("rep", "name", "region", "date", "weather")
        rows = [
            {**{k: d[k] for k in head}, **visit}
            for d in documents
            for visit in (d["visits"] or [{}])
        ]
        write_csv(rows, CSV_KEYS)
        return
    lang = language()
    if fmt is ReportFormat.XLSX:
        assert output is not None
        if not documents:
            raise InputError(_("no active rep has a report on {day}").format(day=on))
        from salesproc.adapters.report_form import write_reports

        _write(output, lambda: write_reports(output, documents))
        typer.echo(
            _("Wrote {n} reports of {day} to {file}.").format(n=len(documents), day=on, file=output)
        )
        return
    labels = form_words.HEADER
    for document in documents:
        title = " · ".join(
            f"{labels[key][lang]} {value or '–'}"
            for key, value in (
                ("region", document["region"]),
                ("rep", f"{document['name']} ({document['rep']})"),
                ("date", on),
                ("weather", document["weather"]),
            )
        )
        visits = [{**v, "time": form_words.span(v["start"], v["end"])} for v in document["visits"]]
        footer = form_words.summary(visits, quota, lang)
        print_table(visits, _columns(lang), title=title, footer=footer)
        typer.echo("")


@report_app.command("template")
def template(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The .xlsx file to write.")
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="The form's language [default: the output language]."),
    ] = None,
) -> None:
    """Write the blank daily report form (Excel) for reps to fill in and `import visits` to read."""
    from salesproc import i18n
    from salesproc.adapters.report_form import write_template

    path = _xlsx_path(output, "report template")
    if lang is not None:
        i18n.use(lang.value)
    _write(path, lambda: write_template(path))
    typer.echo(_("Wrote the blank daily report form to {file}.").format(file=path))


def _write(path: Path, write: Callable[[], None]) -> None:
    try:
        write()
    except OSError as exc:
        raise InputError(
            _("cannot write {file}: {reason}").format(file=path, reason=exc.strerror)
        ) from None


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

    if weather is None and region is None:
        raise InputError(_("nothing to set; pass --weather and/or --region"))
    rt = runtime(ctx)
    on = rt.date(day)
    with rt.session() as s:
        found = writes.find_active_rep(s, rt.rep_code(rep))
        if on > rt.today:
            raise InputError(
                _("report date {day} is after today ({today})").format(day=on, today=rt.today)
            )
        saved = writes.set_report_header(s, found, on, weather, region)
        typer.echo(
            _("Report of {rep} on {day}: region {region}, weather {weather}.").format(
                rep=found.code, day=on, region=saved.region or "–", weather=saved.weather or "–"
            )
        )


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
