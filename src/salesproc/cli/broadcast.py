"""`salesproc broadcast`: the morning and evening leaderboard message, sent to the team.

A cron job runs it (see the README). The outbox makes it safe to rerun: a
channel that has the day's edition is skipped unless `--force`, and a rerun
after a failure sends only where it failed.
"""

import hashlib
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesproc.cli.output import Column, Format, FormatOption, emit, word
from salesproc.cli.runtime import Runtime, runtime
from salesproc.errors import InputError, RuntimeFailure
from salesproc.i18n import N_, _, ngettext
from salesproc.rules.broadcast import Edition, compose, report_day

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from salesproc.rules.broadcast import Place, TeamStanding

broadcast_app = typer.Typer(
    invoke_without_command=True,
    help="Send the leaderboard message to the team's channels (or `broadcast log`).",
)
#: the words `broadcast log` shows, here so that the catalog has them
STATUS_WORDS = (N_("sent"), N_("failed"), N_("morning"), N_("evening"))


@broadcast_app.callback()
def broadcast(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help="The broadcast's day [default: today].")
    ] = None,
    edition: Annotated[
        Edition | None,
        typer.Option(
            "--edition",
            help="morning (yesterday's ranking) or evening (today's) "
            "[default: morning before noon, else evening].",
        ),
    ] = None,
    channel: Annotated[
        list[str] | None,
        typer.Option("--channel", help="Only this configured channel (repeatable) [default: all]."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the message; send and record nothing.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Send again where this edition was already sent.")
    ] = False,
) -> None:
    """Compose the daily and month leaderboard message and send it to every channel."""
    if ctx.invoked_subcommand is not None:
        return
    rt = runtime(ctx)
    on = rt.date(day)
    chosen = edition or (Edition.MORNING if rt.now.hour < 12 else Edition.EVENING)
    channels = _channels(rt, channel or [], dry_run)
    message = message_of(rt, on, chosen)
    if dry_run:
        typer.echo(message, nl=False)
        return
    _send(rt, on, chosen, channels, message, force)


def _channels(rt: Runtime, names: list[str], dry_run: bool) -> dict[str, Any]:
    configured = rt.settings.channels
    unknown = [name for name in names if name not in configured]
    if unknown:
        raise InputError(
            _("no channel {name!r} in {path}; configured: {names}").format(
                name=unknown[0], path=rt.settings.config_path, names=", ".join(configured) or "–"
            )
        )
    if not configured and not dry_run:
        raise InputError(
            _("no channel configured; add a [channels.NAME] table to {path}").format(
                path=rt.settings.config_path
            )
        )
    return {name: configured[name] for name in (names or configured)}


def message_of(rt: Runtime, on: date, edition: Edition) -> str:
    """The message of `on`'s edition, from the leaderboards and the month's targets."""
    covered = report_day(edition, on)
    with rt.session() as s:
        daily, month, team = _standings(rt, s, covered)
    return compose(edition, on, daily, month, team)


def _standings(
    rt: Runtime, session: "Session", covered: date
) -> "tuple[list[Place], list[Place], TeamStanding]":
    from salesproc.db import queries
    from salesproc.rules import targets as t
    from salesproc.rules.broadcast import Place, TeamStanding
    from salesproc.rules.ranking import Metric

    first = covered.replace(day=1)
    months = {target.rep: target.months for target in queries.target_years(session, covered.year)}
    month_target = {rep: m[covered.month - 1] for rep, m in months.items()}
    daily = [
        Place(r.rank, r.name, r.value)
        for r in queries.leaderboard(session, covered, covered, Metric.SALES)
    ]
    month = [
        Place(r.rank, r.name, r.value, month_target.get(r.rep))
        for r in queries.leaderboard(session, first, covered, Metric.SALES)
    ]
    sold = queries.sales_total(session, first, covered)
    team_target = month_target.get(None)
    elapsed = None
    if team_target:
        start, end = t.month_bounds(covered.year, covered.month)
        calendar = rt.calendar([covered.year])
        # the evening's numbers include the day: count it as gone
        elapsed = t.progress(
            sold, team_target, start, end, covered + timedelta(days=1), calendar
        ).elapsed
    return daily, month, TeamStanding(sold, team_target, elapsed)


def _send(
    rt: Runtime, on: date, edition: Edition, channels: dict[str, Any], text: str, force: bool
) -> None:
    """Send to each channel in turn; one failing does not stop the others."""
    from salesproc.adapters.channels import DeliveryError, describe, send
    from salesproc.db import queries, writes

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with rt.session() as s:
        done = queries.delivered(s, on, edition.value)
    subject = _("Leaderboard {day}").format(day=on)
    failed = []
    for name, channel in channels.items():
        if name in done and not force:
            typer.echo(
                _("{name}: {edition} edition of {day} already sent; --force sends it again.")
                .format(name=name, edition=_(edition.value), day=on)
            )  # fmt: skip
            continue
        error = None
        try:
            send(channel, name, subject, text)
        except DeliveryError as exc:
            error = exc.reason
            failed.append(name)
            typer.echo(_("Error: {message}").format(message=exc), err=True)
        with rt.session() as s:  # one transaction each: what was sent stays recorded
            writes.record_broadcast(s, on, edition.value, name, digest, error, rt.now)
        if error is None:
            typer.echo(_("Sent to {name} ({where}).").format(name=name, where=describe(channel)))
    if failed:
        raise RuntimeFailure(
            ngettext(
                "{n} channel failed; run the broadcast again to retry it",
                "{n} channels failed; run the broadcast again to retry them",
                len(failed),
            ).format(n=len(failed))
        )


@broadcast_app.command("log")
def broadcast_log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, latest first.")] = 50,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The outbox: every attempt to send, latest first, with its status and error."""
    from salesproc.db import queries

    with runtime(ctx).session() as s:
        rows = queries.broadcast_log(s, limit)
    records = [dict(vars(r)) for r in rows]
    emit(
        records,
        [
            Column("day", N_("Date")),
            Column("edition", N_("Edition"), show=word),
            Column("channel", N_("Channel")),
            Column("status", N_("Status"), show=word),
            Column("at", N_("At")),
            Column("error", N_("Error")),
        ],
        fmt,
        footer=ngettext("{n} attempt", "{n} attempts", len(rows)).format(n=len(rows)),
        row_style=lambda r: "red" if r["status"] == "failed" else None,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(broadcast_app, name="broadcast")
