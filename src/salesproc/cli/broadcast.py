"""`salesproc broadcast`: the morning and evening leaderboard message, sent to the team.

A cron job runs it (see the README). The outbox makes it safe to rerun: a
channel that has the day's edition is skipped unless `--force`, and a rerun
after a failure sends only where it failed. A send that never finished (the run
was killed) is not repeated either: it may have reached the team, and only the
user can look; exit 1 says so, as for a failed channel.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from salesproc.cli.choices import enum_option
from salesproc.cli.output import Column, Format, FormatOption, emit, word
from salesproc.cli.runtime import runtime
from salesproc.errors import RuntimeFailure
from salesproc.i18n import N_, _, ngettext
from salesproc.rules import vocab
from salesproc.rules.cadence import weekday_name
from salesproc.rules.vocab import Edition

if TYPE_CHECKING:
    from salesproc.service.broadcast import Delivery

broadcast_app = typer.Typer(
    invoke_without_command=True,
    help="Send the leaderboard message to the team's channels (or `broadcast log`).",
)
#: the words `broadcast log` shows, here so that the catalog has them
STATUS_WORDS = (
    N_("sending"), N_("sent"), N_("failed"), N_("unknown"), N_("morning"), N_("evening")
)  # fmt: skip
#: an attempt that did not go out, or may not have
STATUS_STYLES = {"failed": "red", "sending": "yellow", "unknown": "yellow"}


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
            **enum_option(Edition, vocab.parse_edition),
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
        bool,
        typer.Option(
            "--force",
            help="Send again where this edition was already sent or its earlier send did not "
            "finish; send on a day off too.",
        ),
    ] = False,
) -> None:
    """Compose the daily and month leaderboard message and send it to every channel."""
    if ctx.invoked_subcommand is not None:
        return
    from salesproc.service import broadcast as service

    rt = runtime(ctx)
    done = service.broadcast(
        rt.context,
        rt.date(day),
        edition,
        channel or [],
        dry_run=dry_run,
        force=force,
        on_delivery=_show,
    )
    if dry_run:
        typer.echo(done.message.text, nl=False)
        return
    if done.day_off:
        typer.echo(
            _("{day} ({weekday}) is not a working day: nothing sent; --force sends anyway.").format(
                day=done.message.day, weekday=weekday_name(done.message.day)
            )
        )
        return
    problems = []
    if done.failed:
        problems.append(
            ngettext(
                "{n} channel failed; run the broadcast again to retry it",
                "{n} channels failed; run the broadcast again to retry them",
                len(done.failed),
            ).format(n=len(done.failed))
        )
    if done.unknown:
        problems.append(
            ngettext(
                "{n} channel not sent: an earlier send's outcome is unknown",
                "{n} channels not sent: the earlier sends' outcome is unknown",
                len(done.unknown),
            ).format(n=len(done.unknown))
        )
    if problems:
        raise RuntimeFailure("; ".join(problems))


def _show(delivery: "Delivery") -> None:
    """One channel's outcome, as soon as it is known: in step with a channel writing to stdout."""
    from salesproc.service.broadcast import Outcome

    if delivery.outcome is Outcome.SKIPPED:
        typer.echo(
            _("{name}: {edition} edition of {day} already sent; --force sends it again.").format(
                name=delivery.channel, edition=_(delivery.edition.value), day=delivery.day
            )
        )
    elif delivery.outcome is Outcome.FAILED:
        typer.echo(_("Error: {message}").format(message=delivery.error), err=True)
    elif delivery.outcome is Outcome.UNKNOWN:
        typer.echo(
            _(
                "{name}: an earlier send of the {edition} edition of {day} did not finish "
                "(started {started}); its outcome is unknown — check whether the team got it, "
                "then run with --force to send it again"
            ).format(
                name=delivery.channel,
                edition=_(delivery.edition.value),
                day=delivery.day,
                started=_started(delivery.started, delivery.day),
            ),
            err=True,
        )
    else:
        typer.echo(
            _("Sent to {name} ({where}).").format(name=delivery.channel, where=delivery.where)
        )


def _started(at: datetime | None, day: date) -> str:
    """The time alone on the edition's own day (07:30), else the date too."""
    if at is None:
        return "?"
    return at.strftime("%H:%M" if at.date() == day else "%Y-%m-%d %H:%M")


@broadcast_app.command("log")
def broadcast_log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, latest first.")] = 50,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """The outbox: every attempt to send, latest first, with its status and error."""
    from salesproc.service import broadcast as service

    rows = service.log(runtime(ctx).context, limit)
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
        row_style=lambda r: STATUS_STYLES.get(r["status"]),
    )


def register(app: typer.Typer) -> None:
    app.add_typer(broadcast_app, name="broadcast")
