"""`call-plan`, `call log` and `call list`: the supervisor's check-in call (一个电话).

The plan says when to call each rep (an irregular window each day) and what
to ask, prepared from the rep's own records; `call log` records what the
call found, and a doubtful one becomes a red flag of the audit.
"""

from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit, to_json, word
from salesproc.cli.runtime import FromOpt, Runtime, ToOpt, runtime
from salesproc.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from datetime import date

    from salesproc.rules.callplan import Call

call_app = typer.Typer(no_args_is_help=True, help="Check-in calls (一个电话): log and list them.")


class Verdict(StrEnum):
    OK = "ok"
    DOUBTFUL = "doubtful"


#: the verdicts as tables show them, here so that the catalog has them
VERDICT_WORDS = (N_("ok"), N_("doubtful"))
#: the windows as the plan and the call list name them ("morning" alone is the broadcast's 早报)
WINDOW_WORDS = {
    "morning": N_("morning window"), "noon": N_("noon window"),
    "after-work": N_("after-work window"), "evening": N_("evening window"),
}  # fmt: skip


def _window(value: str | None) -> str:
    return _(WINDOW_WORDS[value]) if value in WINDOW_WORDS else ""


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
        PlanFormat, typer.Option("--format", "-f", help="table (default) or json.")
    ] = PlanFormat.TABLE,
) -> None:
    """When to call each rep today, what to ask it, and what to announce on every call."""
    rt = runtime(ctx)
    on = rt.date(day)
    calls, lines = plan(rt, on, seed)
    if fmt is PlanFormat.JSON:
        from salesproc.rules.callplan import plan_json

        typer.echo(to_json(plan_json(calls, lines)))
        return
    typer.echo(_("Check-in calls for {day} (一个电话)").format(day=on))
    for call in calls:
        flags = f"  [{', '.join(call.flags)}]" if call.flags else ""
        window = _window(call.window.value)
        typer.echo(f"\n{call.at:%H:%M}  {call.name} ({call.rep}) · {window}{flags}")
        for number, question in enumerate(call.questions, start=1):
            typer.echo(f"  {number}. {question}")
    typer.echo("\n" + _("Announce on every call:"))
    for line in lines:
        typer.echo(f"  · {line}")


def plan(rt: Runtime, on: "date", seed: int) -> "tuple[list[Call], list[str]]":
    """The day's calls, red-flagged reps first, and the lines to announce."""
    from salesproc.cli.audit import flags_between
    from salesproc.db import queries
    from salesproc.rules import callplan as cp
    from salesproc.rules.money import format_amount
    from salesproc.rules.ranking import Metric

    calendar = rt.calendar({on.year, on.year - 1})
    before = cp.previous_workday(on, calendar)
    flags = flags_between(rt, before - timedelta(days=6), before, None)
    with rt.session() as s:
        team = queries.leaderboard(s, before, before, Metric.SALES)
        # the month as it stood after the day asked about (on the 1st: the month just ended)
        month = queries.leaderboard(s, before.replace(day=1), before, Metric.SALES)
        visits = queries.day_visits(s, before)
        promised = queries.promises(s, before - timedelta(days=6), before)
        logged = queries.recent_windows(s, on)
    slots = cp.plan_team(seed, on, {r.rep: logged.get(r.rep, []) for r in team})
    standing = {r.rep: r for r in month}
    calls = []
    for rep in team:
        mine = [v for v in visits if v.rep == rep.rep]
        place = standing[rep.rep]
        record = cp.RepRecord(
            rep=rep.rep,
            name=rep.name,
            previous_workday=before,
            visits=tuple(
                cp.VisitFact(v.customer, v.start, v.end, v.contact, v.phone) for v in mine
            ),
            promises=tuple(
                cp.Promise(p.customer, p.due, p.visited) for p in promised if p.rep == rep.rep
            ),
            flags=tuple(f for f in flags if f.rep == rep.rep),
            had_report=bool(mine),
            rank=place.rank if place.value else None,
            team_size=len(month),
            month_amount=format_amount(place.value),
        )
        calls.append(cp.make_call(record, slots[rep.rep], rt.settings.visit_quota, seed))
    best = (team[0].name, format_amount(team[0].value)) if team and team[0].value else None
    worst = (team[-1].name, format_amount(team[-1].value)) if team else None
    return cp.order_calls(calls), cp.announce(best, worst if best else None, before)


@call_app.command("log")
def call_log(
    ctx: typer.Context,
    rep: Annotated[str, typer.Option("--rep", help="Whom you called (its code).")],
    verdict: Annotated[
        Verdict, typer.Option("--verdict", help="ok, or doubtful (a red flag for the audit).")
    ],
    at: Annotated[
        str | None, typer.Option("--at", metavar="HH:MM", help="When [default: now].")
    ] = None,
    day: Annotated[str | None, typer.Option("--date", help="The day [default: today].")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What you asked and heard.")] = None,
) -> None:
    """Record a check-in call and its verdict."""
    from salesproc.db import writes
    from salesproc.errors import InputError
    from salesproc.rules.callplan import window_at
    from salesproc.rules.dates import parse_time

    rt = runtime(ctx)
    on = rt.date(day)
    if on > rt.today:
        raise InputError(_("{day} is after today ({today})").format(day=on, today=rt.today))
    when = parse_time(at) if at else (rt.now.time().replace(second=0, microsecond=0))
    window = window_at(when)
    with rt.session() as s:
        found = writes.find_active_rep(s, rep)
        call = writes.log_call(
            s, found, on, when, window.value if window else None, verdict.value, note, rt.now
        )
        typer.echo(
            _("Logged call #{id} to {rep} on {day} at {time}: {verdict}.").format(
                id=call.id,
                rep=found.code,
                day=on,
                time=f"{when:%H:%M}",
                verdict=word(verdict.value),
            )
        )


@call_app.command("list")
def call_list(
    ctx: typer.Context,
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's calls.")] = None,
    start: FromOpt = None,
    end: ToOpt = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The calls made, oldest first, with their verdicts."""
    from salesproc.db import queries, writes

    rt = runtime(ctx)
    first, last = rt.span(start, end)
    with rt.session() as s:
        rep_id = writes.find_rep(s, rep).id if rep else None
        rows = queries.call_list(s, rep_id, first, last)
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
            Column("note", N_("Notes")),
        ],
        fmt,
        footer=ngettext("{n} call", "{n} calls", len(rows)).format(n=len(rows)),
        row_style=lambda r: "red" if r["verdict"] == "doubtful" else None,
    )


def register(app: typer.Typer) -> None:
    app.command("call-plan")(call_plan)
    app.add_typer(call_app, name="call")
