"""The morning and evening leaderboard message (一个短信), composed and sent to the team.

A cron job runs it, so it must be safe to rerun: the outbox records every
attempt, a channel that already has the day's edition is skipped unless
forced, and a channel that fails neither stops the others nor is lost (a
rerun retries it alone). An attempt is recorded as `sending` before it is
made (`db.outbox`), so a run killed mid-send leaves a trace: the next run does
not send that edition there again unless forced, since the team may have it.
Nothing here prints: `broadcast` returns what happened on each channel, and
tells `on_delivery` as each one is done, so a front end can show it in step
with a channel that writes to stdout.
"""

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from salesproc.db import daily_reads
from salesproc.db.daily_reads import BroadcastRow
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules import targets as t
from salesproc.rules.broadcast import (
    Collected,
    Edition,
    Place,
    TeamStanding,
    WeekBoard,
    compose,
    report_day,
    subject,
    week_to_show,
)
from salesproc.rules.corrections import Correction
from salesproc.rules.dates import Period
from salesproc.rules.names import shown_names
from salesproc.rules.ranking import Metric
from salesproc.rules.text import escape_controls
from salesproc.service.context import Context

if TYPE_CHECKING:  # the channels' models and adapters (pydantic) load when a message is sent
    from sqlalchemy.orm import Session

    from salesproc.channel_settings import Channel

__all__ = [
    "Broadcast",
    "BroadcastRow",
    "Delivery",
    "Edition",
    "Message",
    "Outcome",
    "Standings",
    "broadcast",
    "channels",
    "corrections",
    "deliver",
    "edition_now",
    "log",
    "message",
    "standings",
]


@dataclass(frozen=True)
class Standings:
    """What the message is made of: the rankings of the day it covers and of its month."""

    covered: date
    daily: list[Place]
    month: list[Place]
    team: TeamStanding
    #: the month's collections (回款): shown when there is any
    collected: Collected | None = None
    #: the previous week's board, on a Monday morning (`rules.broadcast.week_to_show`)
    week: WeekBoard | None = None


@dataclass(frozen=True)
class Message:
    day: date
    edition: Edition
    text: str

    @property
    def subject(self) -> str:
        return subject(self.day)

    @property
    def digest(self) -> str:
        """What the outbox records of the text: enough to tell two versions apart."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


class Outcome(StrEnum):
    SENT = "sent"
    #: the channel already has this edition and the send was not forced
    SKIPPED = "skipped"
    FAILED = "failed"
    #: an earlier send there did not finish (still `sending`): it may have gone out, so it is
    #: not repeated unless forced
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Delivery:
    """What happened to one day's edition on one channel (as its outbox row says, and skips)."""

    day: date
    edition: Edition
    channel: str
    outcome: Outcome
    #: where a sent message went (`adapters.channels.describe`: nothing secret in it)
    where: str | None = None
    #: why it failed, as the outbox records it (no secret in it)
    reason: str | None = None
    #: the failure as one line naming the channel, for the user
    error: str | None = None
    #: when the unfinished earlier send started (`Outcome.UNKNOWN`)
    started: datetime | None = None


@dataclass(frozen=True)
class Broadcast:
    message: Message
    #: one per channel, in the config's order; empty for a dry run
    deliveries: list[Delivery] = field(default_factory=list)
    #: `on` is not a working day, so nothing was sent (the send was not forced)
    day_off: bool = False

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.outcome is Outcome.FAILED]

    @property
    def unknown(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.outcome is Outcome.UNKNOWN]


def edition_now(ctx: Context) -> Edition:
    """The edition the clock says: the morning one before noon, else the evening one."""
    return Edition.MORNING if ctx.now.hour < t.EVENING_HOUR else Edition.EVENING


def channels(
    ctx: Context, names: Sequence[str] = (), dry_run: bool = False
) -> "dict[str, Channel]":
    """The configured channels called `names` (all of them when none is named).

    A name not configured is an error even for a dry run, which is how a cron
    line is checked; having no channel at all is one only when sending.
    """
    configured = ctx.settings.channels
    unknown = [name for name in names if name not in configured]
    if unknown:
        raise InputError(
            _("no channel {name!r} in {path}; configured: {names}").format(
                name=unknown[0], path=ctx.settings.config_path, names=", ".join(configured) or "–"
            )
        )
    if not configured and not dry_run:
        raise InputError(
            _("no channel configured; add a [channels.NAME] table to {path}").format(
                path=ctx.settings.config_path
            )
        )
    return {name: configured[name] for name in (names or configured)}


def standings(ctx: Context, covered: date, week: tuple[date, date] | None = None) -> Standings:
    """The day's ranking, the month's to that day against target, and the team's month;
    and `week`'s ranking when given.

    The targets are the month's (`rules.targets.period_target`, as the
    leaderboard and `progress` have them); the team's time gone is `progress`'s
    on the covered day (`rules.targets.today_counts`: a past day is gone, today
    from the evening).
    """
    first = covered.replace(day=1)
    with ctx.quick_reading() as s:
        found = daily_reads.target_years(s, covered.year)
        target = {x.rep: t.period_target(Period.MONTH, covered, x.months) for x in found}
        board = daily_reads.leaderboard(s, covered, covered, Metric.SALES)
        shown = shown_names((r.rep, r.name) for r in board)  # every active rep: 张伟(zhangwei)
        daily = [Place(r.rank, shown[r.rep], r.value) for r in board]
        month = [
            Place(r.rank, shown.get(r.rep, r.name), r.value, target.get(r.rep))
            for r in daily_reads.leaderboard(s, first, covered, Metric.SALES)
        ]
        sold = daily_reads.sales_total(s, first, covered)
        collected = Collected(
            daily_reads.published_total(s, Metric.COLLECTIONS, first, covered),
            [
                Place(r.rank, shown.get(r.rep, r.name), r.value)
                for r in daily_reads.leaderboard(s, first, covered, Metric.COLLECTIONS)
            ],
        )
        board = None
        if week is not None:
            weekly = daily_reads.leaderboard(s, *week, Metric.SALES)
            places = [Place(r.rank, shown.get(r.rep, r.name), r.value) for r in weekly]
            board = WeekBoard(*week, places)
    team_target = target.get(None)
    elapsed = through = None
    if team_target:
        span = t.month_bounds(covered.year, covered.month)
        calendar = ctx.calendar([covered.year])
        gone = t.today_counts(covered, ctx.now)
        elapsed = t.progress(sold, team_target, *span, covered, calendar, gone).elapsed
        through = covered if gone else covered - timedelta(days=1)
    team = TeamStanding(sold, team_target, elapsed, through)
    return Standings(covered, daily, month, team, collected, board)


def message(ctx: Context, on: date, edition: Edition) -> Message:
    """`on`'s edition of the message, in the current language (`salesproc.i18n.use`)."""
    covered = report_day(edition, on, ctx.calendar({on.year, on.year - 1}))
    found = standings(ctx, covered, week_to_show(edition, on, covered))
    fixes = corrections(ctx, on, edition)
    text = compose(
        edition,
        on,
        found.daily,
        found.month,
        found.team,
        found.collected,
        corrections=fixes,
        covered=covered,
        week=found.week,
    )
    return Message(on, edition, escape_controls(text))  # a stored ESC reaches no chat or file


def corrections(ctx: Context, on: date, edition: Edition) -> list[Correction]:
    """The figures the team saw and that were changed since, not yet announced: what `on`'s
    `edition` says in its corrections section (更正; `rules.corrections` says which)."""
    from salesproc.rules.corrections import FIGURES, to_announce

    with ctx.quick_reading() as s:
        facts = daily_reads.correction_facts(s, on, edition.value, FIGURES)
    # the days the sent editions covered, as they were composed: by the team's working days
    years = {e.day.year for e in facts.sent} | {on.year}
    calendar = ctx.calendar(years | {y - 1 for y in years}) if facts.sent else None
    return to_announce(facts.changes, facts.sent, facts.reps, calendar)


def deliver(
    ctx: Context,
    composed: Message,
    to: "Mapping[str, Channel]",
    force: bool = False,
    on_delivery: Callable[[Delivery], None] | None = None,
) -> list[Delivery]:
    """Send to each channel in turn, recording each attempt in the outbox as it is made.

    One channel failing does not stop the others; each attempt is committed
    as `sending` before the send and as its outcome after, each on its own, so
    whatever happens in between leaves a record that stops a blind resend.
    """
    deliveries = []
    for name, channel in to.items():
        delivery = _attempt(ctx, composed, name, channel, force)
        deliveries.append(delivery)
        if on_delivery is not None:
            on_delivery(delivery)
    return deliveries


def send(channel: "Channel", name: str, subject: str, text: str) -> None:
    """`adapters.channels.send`, imported when a message goes out: a dry run needs none."""
    from salesproc.adapters.channels import send as send_to

    send_to(channel, name, subject, text)


def _attempt(
    ctx: Context, composed: Message, name: str, channel: "Channel", force: bool
) -> Delivery:
    from salesproc.adapters.channels import DeliveryError, describe
    from salesproc.db import outbox  # the ORM: a send records, a dry run never gets here

    day, edition = composed.day, composed.edition

    # the state is read just before the send, in the transaction that records it: a run
    # that overlaps this one sees its `sending` row as soon as it is committed
    def claim(s: "Session") -> Delivery | int | None:
        before = outbox.standing(s, day, edition.value, name)
        if before is not None and not force:
            if before.status == outbox.SENT:
                return Delivery(day, edition, name, Outcome.SKIPPED)
            if before.status == outbox.SENDING:
                return Delivery(day, edition, name, Outcome.UNKNOWN, started=before.at)
        return outbox.start(s, day, edition.value, name, composed.digest, ctx.now, force)

    attempt = ctx.transaction(claim)
    if isinstance(attempt, Delivery):
        return attempt
    if attempt is None:  # another run started sending it a moment ago
        with ctx.session(write=False) as s:
            other = outbox.standing(s, day, edition.value, name)
        started = other.at if other is not None else ctx.now
        return Delivery(day, edition, name, Outcome.UNKNOWN, started=started)
    try:
        send(channel, name, composed.subject, composed.text)
    except DeliveryError as exc:
        delivery = Delivery(day, edition, name, Outcome.FAILED, reason=exc.reason, error=str(exc))
    else:
        delivery = Delivery(day, edition, name, Outcome.SENT, where=describe(channel))
    sent = attempt
    ctx.transaction(lambda s: outbox.finish(s, sent, delivery.reason))
    return delivery


def broadcast(
    ctx: Context,
    on: date,
    edition: Edition | None = None,
    names: Sequence[str] = (),
    *,
    dry_run: bool = False,
    force: bool = False,
    on_delivery: Callable[[Delivery], None] | None = None,
) -> Broadcast:
    """Compose `on`'s edition (default: the one the clock says) and send it to the channels
    `names` (default: all configured); a dry run composes only, sending and recording nothing.
    On a day the team does not work nothing is sent (`day_off`) unless `force`."""
    chosen = edition or edition_now(ctx)
    to = channels(ctx, names, dry_run)
    composed = message(ctx, on, chosen)
    if dry_run:
        return Broadcast(composed)
    if not force and not ctx.calendar([on.year]).is_workday(on):  # cron runs it every day
        return Broadcast(composed, day_off=True)
    return Broadcast(composed, deliver(ctx, composed, to, force, on_delivery))


def log(ctx: Context, limit: int = 50) -> list[BroadcastRow]:
    """The outbox: the latest `limit` attempts first, sending, sent or failed, with the failure's
    reason."""
    with ctx.quick_reading() as s:
        return daily_reads.broadcast_log(s, limit)
