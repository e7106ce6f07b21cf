"""`salesproc field …`: the supervisor's days in the market (走动管理 / 现场管理).

The method's model spent 200+ days a year in the market: accompanying reps,
seeing customers, finding cross-region selling (窜货) or price disorder (乱价)
on the spot. An issue found stays open until it is resolved, with how.
"""

from typing import Annotated

import typer

from salesproc.cli.choices import enum_option
from salesproc.cli.output import Column, Format, FormatOption, emit, to_json, word
from salesproc.cli.runtime import FromOpt, ToOpt, runtime
from salesproc.i18n import N_, _, ngettext
from salesproc.rules import vocab
from salesproc.rules.vocab import Issue, IssueStatus

field_app = typer.Typer(
    no_args_is_help=True, help="Days in the market (走动管理) and what they found."
)


Status = IssueStatus


#: the words tables show for issues and their status, here so that the catalog has them
ISSUE_WORDS = (
    N_("cross-region"), N_("price"), N_("display"), N_("stock"), N_("other"), N_("resolved"),
)  # fmt: skip


@field_app.command("log")
def field_log(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="The day [default: today].")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Where (区域).")] = None,
    rep: Annotated[
        list[str] | None, typer.Option("--rep", help="A rep accompanied (repeatable).")
    ] = None,
    customer: Annotated[
        list[str] | None, typer.Option("--customer", help="A customer seen (repeatable).")
    ] = None,
    issue: Annotated[
        Issue | None,
        typer.Option(
            "--issue",
            help="What was found: cross-region (窜货), price (乱价), display, stock or other.",
            **enum_option(Issue, vocab.parse_issue),
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What was seen, coaching given on the spot.")
    ] = None,
) -> None:
    """Record a day in the market: whom you went with, whom you saw, what you found."""
    from salesproc.service import field

    rt = runtime(ctx)
    entry = field.FieldEntry(
        rt.date(day), region, rep or [], customer or [], issue.value if issue else None, note
    )
    record = field.log_day(rt.context, entry)
    typer.echo(
        _("Recorded field day #{id} on {day}{issue}.").format(
            id=record.id,
            day=record.day,
            issue=_(": {issue}, open until resolved").format(issue=word(record.issue))
            if record.issue
            else "",
        )
    )


@field_app.command("list")
def field_list(
    ctx: typer.Context,
    start: FromOpt = None,
    end: ToOpt = None,
    status: Annotated[
        Status | None,
        typer.Option(
            "--status",
            help="Only open or resolved issues.",
            **enum_option(Status, vocab.parse_issue_status),
        ),
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Days in the market, with the issues found and whether they are resolved."""
    from salesproc.service import field

    rt = runtime(ctx)
    rows = field.list_days(rt.context, *rt.span(start, end), status.value if status else None)
    records = [dict(vars(r)) for r in rows]
    emit(
        records,
        [
            Column("id", "#", "right"),
            Column("date", N_("Date")),
            Column("region", N_("Region")),
            Column("reps", N_("Reps"), show=lambda v: ", ".join(v)),
            Column("customers", N_("Customers"), show=lambda v: ", ".join(v)),
            Column("issue", N_("Issue"), show=word),
            Column("status", N_("Status"), show=word),
            Column("note", N_("Notes")),
            Column("resolution", N_("Resolution")),
        ],
        fmt,
        footer=ngettext("{n} day in the market", "{n} days in the market", len(rows)).format(
            n=len(rows)
        ),
        row_style=lambda r: "red" if r["status"] == "open" else None,
    )


@field_app.command("resolve")
def field_resolve(
    ctx: typer.Context,
    field_id: Annotated[int, typer.Argument(metavar="ID", help="The field record's number.")],
    note: Annotated[str, typer.Option("--note", help="How it was resolved.")],
) -> None:
    """Close an issue found in the market, saying how it was resolved."""
    from salesproc.service import field

    record = field.resolve_issue(runtime(ctx).context, field_id, note)
    typer.echo(
        _("Resolved the {issue} issue of field day #{id} ({day}).").format(
            issue=word(record.issue), id=record.id, day=record.day
        )
    )


@field_app.command("summary")
def field_summary(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", min=1900, max=2999, help="[default: this year]")
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Days in the market against working days, reps accompanied, open issues by kind."""
    from salesproc.service import field

    summary = field.summary(runtime(ctx).context, year)
    if fmt is Format.JSON:
        typer.echo(to_json(dict(vars(summary))))  # FieldYear's fields are the JSON keys
        return
    rows = [
        {"what": _("Days in the market"), "count": summary.days_in_market},
        {"what": _("Working days so far"), "count": summary.working_days},
        *(
            {"what": _("With {rep}").format(rep=code), "count": n}
            for code, n in summary.reps.items()
        ),
        *(
            {"what": _("Open issues: {kind}").format(kind=word(kind)), "count": n}
            for kind, n in summary.open_issues.items()
        ),
    ]
    emit(
        rows,
        [Column("what", ""), Column("count", "", "right")],
        fmt,
        title=_("In the market in {year} (走动管理)").format(year=summary.year),
    )


def register(app: typer.Typer) -> None:
    app.add_typer(field_app, name="field")
