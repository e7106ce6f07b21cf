"""`salesproc audit`: the red flags in the reports (a good result does not prove a good process).

The rules live in `rules/audit.py` and `service/supervision.py` gathers their
facts; this command shows what they raise, so the supervisor asks about it on
the next call or goes to see for itself.
"""

from typing import Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import FromOpt, ToOpt, runtime
from salesproc.i18n import N_, _, ngettext


def audit_command(
    ctx: typer.Context,
    start: FromOpt = None,
    end: ToOpt = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's flags.")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when any flag is raised (for cron or CI).")
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Red flags: overlapping visits, late logs, quotas, durations, unverifiable customers,
    missed revisits, prospects given up, pressing stock, doubtful calls."""
    from salesproc.service import supervision

    rt = runtime(ctx)
    found = supervision.audit(rt.context, *rt.span(start, end), rep)
    flags = found.flags
    records = [
        {"rule": f.rule.value, "rep": f.rep, "date": f.day, "evidence": f.evidence,
         "explanation": f.explanation}
        for f in flags
    ]  # fmt: skip
    title = _("Audit {start} – {end}").format(start=found.start, end=found.end)
    footer = ngettext("{n} red flag", "{n} red flags", len(flags)).format(n=len(flags))
    if fmt is not Format.TABLE:
        emit(records, [], fmt, keys=["rule", "rep", "date", "evidence", "explanation"])
    else:
        # Why each rule matters, once under the table: the same words on every row hide the rows.
        why = {f.rule.value: f.explanation for f in flags}
        notes = [f"{rule}: {text}" for rule, text in why.items()]
        emit(
            records,
            [
                Column("rule", N_("Rule")),
                Column("rep", N_("Rep")),
                Column("date", N_("Date")),
                Column("evidence", N_("Evidence")),
            ],
            fmt,
            title=title,
            footer="\n".join([footer, *notes]),
        )
    if check and flags:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_command)
