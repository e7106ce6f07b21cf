"""`salesproc audit`: the red flags in the reports (a good result does not prove a good process).

The rules live in `rules/audit.py` and `service/supervision.py` gathers their
facts; this command shows what they raise, so the supervisor asks about it on
the next call or goes to see for itself. Red flags (integrity) are shown by
default, follow-ups (hygiene) with `--all`; `--by rep` sums them up per rep.
What the supervisor then finds is recorded by the flag's id (`audit dismiss`,
`audit confirm`), and `audit stats` counts it, so the rules' false alarms are
measured in real use.
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from salesproc.cli.choices import word_option
from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import FromOpt, ToOpt, runtime
from salesproc.errors import InputError
from salesproc.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from salesproc.service.reviews import AuditStats, Reviewed
    from salesproc.service.supervision import Audit, AuditByRep

#: what a flag's severity is called in a table
SEVERITY_WORDS = {"red": N_("red"), "follow-up": N_("follow-up")}


class By(StrEnum):
    REP = "rep"


def parse_by(text: str) -> By:
    """`rep` (or 销售员, 业务员): the one grouping `audit --by` knows."""
    if text.strip().casefold() in ("rep", "销售员", "业务员"):
        return By.REP
    raise InputError(_("unknown grouping {value!r}: use rep").format(value=text))


ByOption = Annotated[
    By | None,
    typer.Option(
        "--by",
        help="rep: each rep's red flags and follow-ups, a score and the strongest evidence.",
        **word_option(parse_by, [By.REP.value]),
    ),
]


#: `audit` is a group: its own options run the audit, its commands review a flag or count them
audit_app = typer.Typer(invoke_without_command=True)


@audit_app.callback()
def audit_command(
    ctx: typer.Context,
    start: FromOpt = None,
    end: ToOpt = None,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's flags.")] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Show the follow-ups too, not only the red flags.")
    ] = False,
    by: ByOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when any red flag is raised (for cron or CI).")
    ] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Red flags: visits that look invented, backdated, padded or pressed (overlaps, late logs,
    short visits, tight gaps, copied days, unsold orders, unconfirmed visits, pressing stock,
    doubtful calls); --all adds the follow-ups."""
    if ctx.invoked_subcommand is not None:
        return
    from salesproc.service import supervision

    rt = runtime(ctx)
    if by is By.REP:
        summary = supervision.audit_by_rep(rt.context, *rt.span(start, end), rep)
        _by_rep(summary, fmt)
        red = any(r.red for r in summary.reps)
    else:
        found = supervision.audit(rt.context, *rt.span(start, end), rep, follow_ups=everything)
        _flags(found, fmt)
        red = any(f.red for f in found.flags)
    if check and red:
        raise typer.Exit(1)


def _flags(found: "Audit", fmt: Format) -> None:
    flags = found.flags
    records = [
        {"id": f.id, "rule": f.rule.value, "rep": f.rep, "date": f.day, "evidence": f.evidence,
         "explanation": f.explanation, "severity": f.severity.value, "from": f.from_day}
        for f in flags
    ]  # fmt: skip
    if fmt is not Format.TABLE:
        keys = ["id", "rule", "rep", "date", "evidence", "explanation", "severity", "from"]
        emit(records, [], fmt, keys=keys)
        return
    title = _("Audit {start} – {end}").format(start=found.start, end=found.end)
    red = sum(1 for f in flags if f.red)
    lines = [ngettext("{n} red flag", "{n} red flags", red).format(n=red)]
    if len(flags) > red:
        n = len(flags) - red
        lines.append(ngettext("{n} follow-up", "{n} follow-ups", n).format(n=n))
    if found.hidden:
        lines.append(
            ngettext(
                "{n} follow-up not shown (--all shows it)",
                "{n} follow-ups not shown (--all shows them)",
                found.hidden,
            ).format(n=found.hidden)
        )
    if found.dismissed:
        lines.append(
            ngettext(
                "{n} flag not shown: dismissed as honest",
                "{n} flags not shown: dismissed as honest",
                found.dismissed,
            ).format(n=found.dismissed)
        )
    # Why each rule matters, once under the table: the same words on every row hide the rows.
    why = {f.rule.value: f.explanation for f in flags}
    notes = [f"{rule}: {text}" for rule, text in why.items()]
    for record in records:
        record["severity"] = _(SEVERITY_WORDS[record["severity"]])
        if record["from"] is not None:
            record["date"] = f"{record['from']}–{record['date']}"
    emit(
        records,
        [
            Column("id", N_("ID")),
            Column("severity", N_("Severity")),
            Column("rule", N_("Rule")),
            Column("rep", N_("Rep")),
            Column("date", N_("Date")),
            Column("evidence", N_("Evidence")),
        ],
        fmt,
        title=title,
        footer="\n".join([", ".join(lines), *notes]),
    )


def _by_rep(summary: "AuditByRep", fmt: Format) -> None:
    records = [
        {"rep": r.rep, "red": r.red, "follow_up": r.follow_up, "score": r.score,
         "rules": dict(r.rules), "top": list(r.top)}
        for r in summary.reps
    ]  # fmt: skip
    if fmt is Format.JSON:
        emit(records, [], fmt)
        return
    if fmt is Format.CSV:
        rows = [{**r, "rules": "; ".join(f"{k} {v}" for k, v in r["rules"].items()),
                 "top": " | ".join(r["top"])} for r in records]  # fmt: skip
        emit(rows, [], fmt, keys=["rep", "red", "follow_up", "score", "rules", "top"])
        return
    rows = []  # one line of evidence per row: the rep's first, the rest under it
    for r in records:
        first, *more = r["top"] or [""]
        rows.append({**r, "top": first})
        rows.extend(
            {"rep": "", "red": "", "follow_up": "", "score": "", "top": line} for line in more
        )
    title = _("Audit by rep {start} – {end}").format(start=summary.start, end=summary.end)
    emit(
        rows,
        [
            Column("rep", N_("Rep")),
            Column("red", N_("Red"), justify="right"),
            Column("follow_up", N_("Follow-ups"), justify="right"),
            Column("score", N_("Score"), justify="right"),
            Column("top", N_("Strongest evidence")),
        ],
        fmt,
        title=title,
        footer=_("score: 10 per rule with a red flag, 2 per red flag, 1 per rule with a follow-up"),
    )


FlagIdArgument = Annotated[
    str, typer.Argument(metavar="ID", help="The flag's id, as `audit` shows it (first column).")
]
LookFromOpt = Annotated[
    str | None,
    typer.Option(
        "--from", help="Look for the flag from this day on [default: 92 days before today]."
    ),
]


@audit_app.command("dismiss")
def dismiss(
    ctx: typer.Context,
    flag_id: FlagIdArgument,
    note: Annotated[
        str, typer.Option("--note", help="Why it is honest: what you checked and found.")
    ],
    start: LookFromOpt = None,
    end: ToOpt = None,
) -> None:
    """Mark a flag as checked and honest: it no longer shows in the audit, the call plan
    or --check; the history keeps who dismissed it, when and why."""
    from salesproc.service import reviews

    rt = runtime(ctx)
    done = reviews.review_flag(rt.context, flag_id, reviews.DISMISSED, note, *rt.span(start, end))
    _reviewed(done)


@audit_app.command("confirm")
def confirm(
    ctx: typer.Context,
    flag_id: FlagIdArgument,
    note: Annotated[str | None, typer.Option("--note", help="What you found.")] = None,
    start: LookFromOpt = None,
    end: ToOpt = None,
) -> None:
    """Mark a flag as checked and true: it stays in the audit, and counts as confirmed."""
    from salesproc.service import reviews

    rt = runtime(ctx)
    done = reviews.review_flag(rt.context, flag_id, reviews.CONFIRMED, note, *rt.span(start, end))
    _reviewed(done)


#: a review's verdicts as a sentence names them, here so that the catalog has them
VERDICT_WORDS = {"dismissed": N_("dismissed as honest"), "confirmed": N_("confirmed as true")}


def _reviewed(done: "Reviewed") -> None:
    flag = done.flag
    what = f"{flag.id} ({flag.rule.value}, {flag.rep}, {flag.day})"
    verdict = _(VERDICT_WORDS[done.verdict])
    if not done.changed:
        typer.echo(_("flag {flag} was already {verdict}; nothing changed").format(
            flag=what, verdict=verdict))  # fmt: skip
        return
    line = _("flag {flag}: {verdict}").format(flag=what, verdict=verdict)
    before = done.before
    if before is not None and before.verdict != done.verdict:
        line += _(" (it was {verdict}: {note})").format(
            verdict=_(VERDICT_WORDS[before.verdict]), note=before.note or "–"
        )
    elif before is not None:
        line += _("; its note was: {note}").format(note=before.note or "–")
    typer.echo(line)


@audit_app.command("stats")
def stats(
    ctx: typer.Context, start: FromOpt = None, end: ToOpt = None, fmt: FormatOption = Format.TABLE
) -> None:
    """Per rule: the flags raised, dismissed as honest, confirmed as true and still open,
    and the share of the reviewed ones that were dismissed (the false-flag rate in use)."""
    from salesproc.service import reviews

    rt = runtime(ctx)
    _stats(reviews.stats(rt.context, *rt.span(start, end)), fmt)


def _stats(found: "AuditStats", fmt: Format) -> None:
    records = [
        {"rule": r.rule, "severity": r.severity, "raised": r.raised, "dismissed": r.dismissed,
         "confirmed": r.confirmed, "open": r.open}
        for r in found.rules
    ]  # fmt: skip
    keys = ["rule", "severity", "raised", "dismissed", "confirmed", "open"]
    if fmt is not Format.TABLE:
        emit(records, [], fmt, keys=keys)
        return
    total = found.total
    shown = [
        {**r, "severity": _(SEVERITY_WORDS[r["severity"]]) if r["severity"] else "–"}
        for r in records
    ]
    if records:
        shown.append(
            {"rule": _("total"), "severity": "", "raised": total.raised,
             "dismissed": total.dismissed, "confirmed": total.confirmed, "open": total.open}
        )  # fmt: skip
    share = found.false_share
    if share is None:
        footer = _("no flag reviewed yet (`audit dismiss ID`, `audit confirm ID`)")
    else:
        reviewed = total.dismissed + total.confirmed
        footer = ngettext(
            "{dismissed} of {reviewed} reviewed flag dismissed as honest ({share:.0%}): "
            "the false-flag rate in use",
            "{dismissed} of {reviewed} reviewed flags dismissed as honest ({share:.0%}): "
            "the false-flag rate in use",
            reviewed,
        ).format(dismissed=total.dismissed, reviewed=reviewed, share=float(share))
    emit(
        shown,
        [
            Column("rule", N_("Rule")),
            Column("severity", N_("Severity")),
            Column("raised", N_("Raised"), justify="right"),
            Column("dismissed", N_("Dismissed"), justify="right"),
            Column("confirmed", N_("Confirmed"), justify="right"),
            Column("open", N_("Open"), justify="right"),
        ],
        fmt,
        title=_("Audit reviews {start} – {end}").format(start=found.start, end=found.end),
        footer=footer,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
