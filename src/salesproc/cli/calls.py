"""`call-plan`, `call log` and `call list`: the supervisor's check-in call (一个电话).

The plan says when to call each rep (an irregular window each day) and what
to ask, prepared from the rep's own records, and which customer to phone
to confirm the visit it asks about; `call log` records what the call found
(and what that customer said), and a doubtful call or an unconfirmed visit
becomes a red flag of the audit.
"""

from enum import StrEnum
from typing import Annotated, Any

import typer

from salesproc.cli.choices import enum_option, format_option
from salesproc.cli.output import Column, Format, FormatOption, emit, to_json, word
from salesproc.cli.runtime import FromOpt, ToOpt, runtime
from salesproc.i18n import N_, _, ngettext
from salesproc.rules import vocab
from salesproc.rules.vocab import Verdict

call_app = typer.Typer(no_args_is_help=True, help="Check-in calls (一个电话): log and list them.")


#: the verdicts as tables show them, here so that the catalog has them
VERDICT_WORDS = (N_("ok"), N_("doubtful"))
#: the windows as the plan and the call list name them ("morning" alone is the broadcast's 早报)
WINDOW_WORDS = {
    "morning": N_("morning window"), "on-the-job": N_("on-the-job window"),
    "after-work": N_("after-work window"), "evening": N_("evening window"),
}  # fmt: skip
#: what the customer said when phoned (`--confirmed`), in English or Chinese
ANSWER_ZH = {"yes": ("是", "确认"), "no": ("否", "未确认")}


class Answer(StrEnum):
    YES = "yes"
    NO = "no"


def parse_answer(text: str) -> Answer:
    message = N_("unknown answer {text!r}; use one of: {choices}")
    return vocab.choose(text, Answer, ANSWER_ZH, message)


def _window(value: str | None) -> str:
    return _(WINDOW_WORDS[value]) if value in WINDOW_WORDS else ""


def _answer(value: bool | None) -> str:
    return "" if value is None else _("yes") if value else _("no")


class PlanFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def call_plan(
    ctx: typer.Context,
    day: Annotated[str | None, typer.Option("--date", help="The day to plan [today].")] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Another seed, another (equally irregular) plan.")
    ] = 0,
    fmt: Annotated[
        PlanFormat,
        typer.Option(
            "--format", "-f", help="table (default) or json.", **format_option(PlanFormat)
        ),
    ] = PlanFormat.TABLE,
) -> None:
    """When to call each rep today, what to ask it, and what to announce on every call."""
    from salesproc.rules.callplan import plan_json
    from salesproc.service import supervision

    rt = runtime(ctx)
    plan = supervision.call_plan(rt.context, rt.date(day), seed)
    if fmt is PlanFormat.JSON:
        typer.echo(to_json(plan_json(plan.calls, plan.announce)))
        return
    # the lines written at once: one write, not one (flushed) per line of a thousand
    lines = [_("Check-in calls for {day} (一个电话)").format(day=plan.day)]
    for call in plan.calls:
        flags = f"  [{', '.join(call.flags)}]" if call.flags else ""
        window = _window(call.window.value)
        lines.append(f"\n{call.at:%H:%M}  {call.name} ({call.rep}) · {window}{flags}")
        lines += (f"  {number}. {q}" for number, q in enumerate(call.questions, start=1))
        if call.confirm is not None:
            lines.append("  ☎ " + _confirm_line(call.confirm))
    lines.append("\n" + _("Announce on every call:"))
    lines += (f"  · {line}" for line in plan.announce)
    typer.echo("\n".join(lines))


def _confirm_line(confirm: Any) -> str:
    """Whom to phone about the visit the call asks about, and how to log the answer."""
    values = {"customer": confirm.customer, "day": confirm.visit_day}
    if confirm.phone:
        return _(
            "Confirm with {customer} (tel. {phone}) the visit of {day}; then "
            "`call log … --customer {customer} --confirmed yes|no`."
        ).format(phone=confirm.phone, **values)
    return _(
        "Confirm with {customer} the visit of {day} (no phone on file: ask the rep for one); "
        "then `call log … --customer {customer} --confirmed yes|no`."
    ).format(**values)


@call_app.command("log")
def call_log(
    ctx: typer.Context,
    rep: Annotated[str, typer.Option("--rep", help="Whom you called (its code).")],
    verdict: Annotated[
        Verdict,
        typer.Option(
            "--verdict",
            help="ok, or doubtful (a red flag for the audit).",
            **enum_option(Verdict, vocab.parse_verdict),
        ),
    ],
    at: Annotated[
        str | None, typer.Option("--at", metavar="HH:MM", help="When [default: now].")
    ] = None,
    day: Annotated[str | None, typer.Option("--date", help="The day [default: today].")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What you asked and heard.")] = None,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer",
            help="The customer you phoned to confirm the rep's latest visit to it "
            "(in the week up to the call's day); with --confirmed.",
        ),
    ] = None,
    confirmed: Annotated[
        Answer | None,
        typer.Option(
            "--confirmed",
            help="Whether that customer confirmed the visit: yes, or no (a red flag for the "
            "audit); with --customer.",
            **enum_option(Answer, parse_answer),
        ),
    ] = None,
) -> None:
    """Record a check-in call and its verdict, and what the customer phoned said."""
    from salesproc.rules.dates import parse_time
    from salesproc.service import supervision

    rt = runtime(ctx)
    call = supervision.log_call(
        rt.context,
        rep,
        verdict,
        rt.date(day),
        parse_time(at) if at else None,
        note,
        customer,
        None if confirmed is None else confirmed is Answer.YES,
    )
    typer.echo(
        _("Logged call #{id} to {rep} on {day} at {time}: {verdict}.").format(
            id=call.id,
            rep=call.rep,
            day=call.day,
            time=f"{call.at:%H:%M}",
            verdict=word(call.verdict.value),
        )
    )
    if call.confirmed is not None:
        said = (
            _("{customer} confirmed the visit of {day}.")
            if call.confirmed
            else _("{customer} did not confirm the visit of {day}: a red flag for the audit.")
        )
        typer.echo(said.format(customer=call.customer, day=call.visit_day))


@call_app.command("list")
def call_list(
    ctx: typer.Context,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's calls.")] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The calls made, oldest first, with their verdicts."""
    from salesproc.service import supervision

    rt = runtime(ctx)
    rows = supervision.list_calls(rt.context, rep, *rt.span(start, end))
    records: list[dict[str, Any]] = [dict(vars(r)) for r in rows]
    emit(
        records,
        [
            Column("id", "#", "right"),
            Column("date", N_("Date")),
            Column("time", N_("At")),
            Column("rep", N_("Rep")),
            Column("window", N_("Window"), show=_window),
            Column("verdict", N_("Verdict"), show=word),
            Column("customer", N_("Customer")),
            Column("confirmed", N_("Confirmed"), show=_answer),
            Column("note", N_("Notes")),
        ],
        fmt,
        footer=ngettext("{n} call", "{n} calls", len(rows)).format(n=len(rows)),
        row_style=lambda r: (
            "red" if r["verdict"] == "doubtful" or r["confirmed"] is False else None
        ),
    )


def register(app: typer.Typer) -> None:
    app.command("call-plan")(call_plan)
    app.add_typer(call_app, name="call")
