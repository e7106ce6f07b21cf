"""`salesproc report …`: the daily sales report (销售日报表), one form per rep and day."""

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from salesproc.cli.choices import format_option, language_option
from salesproc.cli.output import Column, Language, print_table, to_json, word, write_csv
from salesproc.cli.runtime import runtime
from salesproc.errors import InputError
from salesproc.i18n import _, language

report_app = typer.Typer(no_args_is_help=True, help="The daily sales report (销售日报表).")

DateOpt = Annotated[str | None, typer.Option("--date", help="The report's day [default: today].")]
CSV_KEYS = [
    "rep", "name", "region", "date", "weather", "seq", "customer", "phone", "start", "end",
    "purposes", "result", "outcome", "category", "next_visit", "notes", "amount", "collected",
]  # fmt: skip
#: the money of a visit: the order it took (a sale) and what was collected, in cents
MONEY = ("amount", "collected")


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


def _columns(lang: str) -> list[Column]:
    """The form's own column headings (访问客户, 访问时间, …), not the listings' words."""
    from salesproc.adapters.form_words import COLUMNS
    from salesproc.rules.money import format_amount

    shown = ("seq", "customer", "phone", "time", "purposes", "result", "amount", "collected",
             "category", "next_visit", "notes")  # fmt: skip
    words = ("purposes", "category")

    def show(key: str) -> Callable[[Any], str] | None:
        if key in MONEY:
            return lambda cents: "" if cents is None else format_amount(cents)
        return word if key in words else None

    return [Column("seq", "#", "right")] + [
        Column(key, COLUMNS[key][lang], "right" if key in MONEY else "left", show(key))
        for key in shown[1:]
    ]


def _money_as_text(documents: list[dict[str, Any]]) -> None:
    """JSON and CSV give a visit's amounts as exact strings (`3200.00`), as every listing."""
    from salesproc.rules.money import amount_text

    for document in documents:
        document["visits"] = [
            {**v, **{k: None if v[k] is None else amount_text(v[k]) for k in MONEY}}
            for v in document["visits"]
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
        typer.Option(
            "--format",
            "-f",
            help="table (default), json, csv or xlsx (the form).",
            **format_option(ReportFormat),
        ),
    ] = ReportFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The .xlsx file to write.")
    ] = None,
) -> None:
    """Each active rep's report: header, one row per visit by start time, and the quota."""
    from salesproc.adapters import form_words
    from salesproc.service import reports

    rt = runtime(ctx)
    on = rt.date(day)
    if fmt is ReportFormat.XLSX:
        path = _xlsx_path(output, "--format xlsx")
        written = reports.write_daily_reports(rt.context, path, on, rep)
        typer.echo(
            _("Wrote {n} reports of {day} to {file}.").format(n=len(written), day=on, file=path)
        )
        return
    documents = [r.as_document() for r in reports.daily_reports(rt.context, on, rep)]
    if fmt in (ReportFormat.JSON, ReportFormat.CSV):
        _money_as_text(documents)
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
        footer = form_words.summary(visits, document["quota"], lang)
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
        typer.Option(
            "--lang",
            help="The form's language [default: the output language].",
            **language_option(Language),
        ),
    ] = None,
) -> None:
    """Write the blank daily report form (Excel) for reps to fill in and `import visits` to read."""
    from salesproc import i18n
    from salesproc.service import reports

    path = _xlsx_path(output, "report template")
    if lang is not None:
        i18n.use(lang.value)
    reports.write_template(runtime(ctx).context, path)
    typer.echo(_("Wrote the blank daily report form to {file}.").format(file=path))


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
    from salesproc.service import reports

    if weather is None and region is None:
        raise InputError(_("nothing to set; pass --weather and/or --region"))
    rt = runtime(ctx)
    saved = reports.set_header(rt.context, rt.context.rep_code(rep), rt.date(day), weather, region)
    typer.echo(
        _("Report of {rep} on {day}: region {region}, weather {weather}.").format(
            rep=saved.rep, day=saved.day, region=saved.region or "–", weather=saved.weather or "–"
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
