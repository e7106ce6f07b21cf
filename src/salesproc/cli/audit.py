"""`salesproc audit`: the red flags in the reports (a good result does not prove a good process).

The rules live in `rules/audit.py`; this command gathers their facts from the
database and shows what they raise, so the supervisor asks about it on the
next call or goes to see for itself.
"""

from typing import TYPE_CHECKING, Annotated

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import FromOpt, Runtime, ToOpt, runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from datetime import date

    from salesproc.rules.audit import Flag


def flags_between(rt: Runtime, start: "date", end: "date", rep: str | None) -> "list[Flag]":
    """The audit's flags for [start, end] (and one rep): also what the call plan asks about."""
    from salesproc.db import queries, writes
    from salesproc.rules import audit

    try:
        thresholds = audit.Thresholds(quota=rt.settings.visit_quota, **rt.settings.audit)
    except ValueError as exc:
        raise InputError(
            _("config {path}: [audit]: {reason}").format(path=rt.settings.config_path, reason=exc)
        ) from None
    calendar = rt.calendar(range(start.year, end.year + 1))
    with rt.session() as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        facts = queries.audit_facts(s, start, end, rt.today, rep_id)
    flags = audit.audit(facts, start, end, rt.today, calendar, thresholds)
    return [flag for flag in flags if rep is None or flag.rep == rep]


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
    rt = runtime(ctx)
    first, last = rt.span(start, end)
    first = first or rt.today.replace(day=1)
    last = last or rt.today
    if first > last:
        raise InputError(_("--from {start} is after --to {end}").format(start=first, end=last))
    flags = flags_between(rt, first, last, rep)
    records = [
        {"rule": f.rule.value, "rep": f.rep, "date": f.day, "evidence": f.evidence,
         "explanation": f.explanation}
        for f in flags
    ]  # fmt: skip
    title = _("Audit {start} – {end}").format(start=first, end=last)
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
