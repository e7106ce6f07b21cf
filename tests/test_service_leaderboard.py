"""The leaderboard's use cases called from Python, without the CLI: rank, targets, progress,
the broadcast and the morning's lists, each on its own temporary database and a pinned clock."""

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from salesproc.db import writes
from salesproc.errors import InputError
from salesproc.rules.dates import Period
from salesproc.rules.ranking import By, Metric
from salesproc.rules.targets import parse_split
from salesproc.rules.vocab import Grade
from salesproc.service import Context, broadcast, leaderboard, sales, schedule
from salesproc.service.broadcast import Edition, Outcome

NOW = datetime(2026, 11, 30, 18, 30)
REPS = [("zhang", "张伟", "杭州"), ("li", "李娜", "宁波"), ("wang", "王芳", "杭州")]


def open_context(tmp_path: Path, now: datetime = NOW) -> Context:
    ctx = Context.open(db=str(tmp_path / "x.db"), now=now)
    ctx.engine(create=True)
    return ctx


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Context]:
    """A database with three reps and no sale yet."""
    with open_context(tmp_path) as ctx:
        with ctx.session() as s:
            for code, name, region in REPS:
                writes.add_rep(s, code, name, region, None, NOW)
        yield ctx


def sell(ctx: Context, rep: str, cents: int, day: date) -> None:
    sales.add_sale(ctx, rep, cents, day)


# --- one target per period, wherever it shows ---------------------------------------------

DAYS = [
    date(2026, 1, 1),
    date(2026, 2, 17),  # the Spring Festival
    date(2026, 3, 31),  # a quarter's last day
    date(2026, 4, 1),
    date(2026, 6, 15),
    date(2026, 10, 8),
    date(2026, 11, 30),
    date(2026, 12, 31),
]


@pytest.fixture
def targeted(ctx: Context) -> Context:
    """Targets that differ month by month (by working days, weights, by hand); wang has none."""
    weights = parse_split("weights:" + ",".join(str(m % 5) for m in range(1, 13)))
    leaderboard.set_year_target(ctx, None, 12_000_000_00, parse_split("workdays"))
    leaderboard.set_year_target(ctx, "zhang", 1_000_000_01, weights)
    leaderboard.set_year_target(ctx, "li", 1_200_000_00, parse_split("even"))
    leaderboard.set_month_target(ctx, "li", 2026, 11, 333_333_33)
    for day, rep, cents in [(date(2026, 3, 31), "zhang", 500_00), (date(2026, 11, 30), "li", 7)]:
        sell(ctx, rep, cents, day)
    return ctx


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_rank_progress_and_the_broadcast_show_the_same_target(targeted: Context, day: date):
    ctx = targeted
    shown = {(p.rep, p.period.value): p.progress.target for p in leaderboard.progress(ctx, day)}
    for period in (Period.MONTH, Period.QUARTER, Period.YEAR):
        board = leaderboard.rank(ctx, day, period)
        assert board.with_targets
        assert {r.rep: r.target_cents for r in board.rows} == {
            code: shown.get((code, period.value)) for code, _name, _region in REPS
        }, period
    daily = leaderboard.rank(ctx, day)  # a daily board measures the month
    assert {r.rep: r.target_cents for r in daily.rows} == {
        code: shown.get((code, "month")) for code, _name, _region in REPS
    }
    standings = broadcast.standings(ctx, day)
    names = {name: code for code, name, _region in REPS}
    assert {names[p.name]: p.target_cents for p in standings.month} == {
        code: shown.get((code, "month")) for code, _name, _region in REPS
    }
    assert standings.team.target_cents == shown[(None, "month")]
    # the test means something only if the periods' targets differ
    assert len({shown[("zhang", p)] for p in ("month", "quarter", "year")}) == 3


def test_a_target_set_by_hand_is_the_months_target_everywhere(targeted: Context):
    day = date(2026, 11, 20)
    [li] = [p for p in leaderboard.progress(targeted, day, "li") if p.period.value == "month"]
    assert li.progress.target == 333_333_33
    [row] = [r for r in leaderboard.rank(targeted, day, Period.MONTH).rows if r.rep == "li"]
    assert row.target_cents == 333_333_33
    [place] = [p for p in broadcast.standings(targeted, day).month if p.name == "李娜"]
    assert place.target_cents == 333_333_33


# --- rank -----------------------------------------------------------------------------------


def test_rank_shows_the_change_since_the_day_before_and_the_share_of_target(ctx: Context):
    sell(ctx, "li", 300_00, date(2026, 11, 29))
    sell(ctx, "zhang", 400_00, date(2026, 11, 30))
    board = leaderboard.rank(ctx, NOW.date(), Period.MONTH)
    assert board.start == date(2026, 11, 1) and board.total == 700_00
    assert [(r.rep, r.rank, r.change) for r in board.rows] == [
        ("zhang", 1, 1), ("li", 2, -1), ("wang", 3, -1)
    ]  # fmt: skip
    assert not board.with_targets and all(r.target_cents is None for r in board.rows)

    leaderboard.set_year_target(ctx, "zhang", 12_000_00, parse_split("even"))
    board = leaderboard.rank(ctx, NOW.date(), Period.MONTH)
    assert board.with_targets
    assert [(r.rep, r.target_cents, r.reached) for r in board.rows] == [
        ("zhang", 1_000_00, Decimal("0.4000")), ("li", None, None), ("wang", None, None)
    ]  # fmt: skip
    daily = leaderboard.rank(ctx, date(2026, 11, 29))  # against the month so far
    assert daily.start == daily.end == date(2026, 11, 29)
    assert [(r.rep, r.value, r.target_cents, r.reached) for r in daily.rows] == [
        ("li", 300_00, None, None), ("wang", 0, None, None), ("zhang", 0, 1_000_00, Decimal(0))
    ]  # fmt: skip


def test_no_target_column_where_a_target_means_nothing(ctx: Context):
    leaderboard.set_year_target(ctx, "zhang", 12_000_00, parse_split("even"))
    sell(ctx, "zhang", 100_00, NOW.date())
    everything = leaderboard.rank(ctx, NOW.date(), Period.ALL)
    assert everything.start is None and not everything.with_targets
    assert not leaderboard.rank(ctx, NOW.date(), Period.MONTH, Metric.VISITS).with_targets
    regions = leaderboard.rank(ctx, NOW.date(), Period.MONTH, by=By.REGION)
    assert not regions.with_targets
    assert [(r.rep, r.value) for r in regions.rows] == [("杭州", 100_00), ("宁波", 0)]


# --- targets and progress ------------------------------------------------------------------


def test_set_and_show_targets(ctx: Context):
    team = leaderboard.set_year_target(ctx, None, 1200_00, parse_split("even"), 2026)
    assert (team.scope.rep, team.months, team.split, team.fell_back) == (
        None, [100_00] * 12, "even", False
    )  # fmt: skip
    li = leaderboard.set_year_target(ctx, "li", 1200_00, parse_split("last-year"))
    assert (li.year, li.scope.name, li.split, li.fell_back) == (2026, "李娜", "even", True)
    one = leaderboard.set_month_target(ctx, "zhang", 2026, 3, 500_00)
    assert (one.scope.rep, one.scope.name, one.month) == ("zhang", "张伟", 3)

    shown = leaderboard.targets(ctx)
    assert shown.year == 2026 and shown.scopes == [None, "li", "zhang"]
    assert not any(p.period == "week" for p in shown.parts)
    for scope in shown.scopes:
        parts = [p for p in shown.parts if p.rep == scope]
        [year] = [p.cents for p in parts if p.period == "year"]
        assert [p.period for p in parts] == ["year"] + ["quarter"] * 4 + ["month"] * 12
        assert sum(p.cents for p in parts if p.period == "quarter") == year
        assert sum(p.cents for p in parts if p.period == "month") == year
    weeks = [p for p in leaderboard.targets(ctx, rep="li", weeks=True).parts if p.period == "week"]
    assert sum(p.cents for p in weeks) == 1200_00 and weeks[0].start == date(2025, 12, 29)
    with pytest.raises(InputError, match="no target for 2030"):
        leaderboard.targets(ctx, 2030)


def test_progress_against_target_and_time(ctx: Context):
    leaderboard.set_year_target(ctx, "zhang", 12_000_00, parse_split("even"))
    sell(ctx, "zhang", 990_00, date(2026, 11, 20))
    ctx.clock = lambda: NOW.replace(hour=9)  # the morning: today not gone yet (issue 11)
    found = leaderboard.progress(ctx, NOW.date())
    assert [(p.rep, p.period.value) for p in found] == [
        ("zhang", "week"), ("zhang", "month"), ("zhang", "quarter"), ("zhang", "year")
    ]  # fmt: skip
    month = found[1].progress
    assert (month.actual, month.target, month.gap, month.per_day_needed) == (
        990_00, 1_000_00, 10_00, 10_00
    )  # fmt: skip
    assert (month.workdays_total, month.workdays_elapsed) == (21, 20)
    with pytest.raises(InputError, match="no target for 2027"):
        leaderboard.progress(ctx, date(2027, 1, 4))


# --- the broadcast --------------------------------------------------------------------------


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two file channels: `ok` appends to a file, `bad` to a folder that does not exist."""
    spool = tmp_path / "spool.txt"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[channels.ok]\ntype = "file"\npath = "{spool}"\n'
        f'[channels.bad]\ntype = "file"\npath = "{tmp_path / "none" / "x.txt"}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    return spool


def test_a_dry_run_composes_and_records_nothing(ctx: Context):
    sell(ctx, "zhang", 1200_00, NOW.date())
    done = broadcast.broadcast(ctx, NOW.date(), Edition.EVENING, dry_run=True)
    assert done.deliveries == [] and done.failed == []
    assert done.message.text.startswith("Leaderboard, evening edition, 2026-11-30\n")
    assert "1. 张伟 1,200.00" in done.message.text
    assert broadcast.log(ctx) == []
    with pytest.raises(InputError, match="no channel configured"):
        broadcast.broadcast(ctx, NOW.date())


def test_each_channel_gets_its_result_and_a_failure_is_retried_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    spool = configure(tmp_path, monkeypatch)
    with open_context(tmp_path) as ctx:
        heard: list[broadcast.Delivery] = []
        done = broadcast.broadcast(ctx, NOW.date(), on_delivery=heard.append)
        assert done.message.edition is Edition.EVENING  # 18:30
        assert heard == done.deliveries
        assert [(d.channel, d.outcome) for d in done.deliveries] == [
            ("ok", Outcome.SENT), ("bad", Outcome.FAILED)
        ]  # fmt: skip
        sent, failed = done.deliveries
        assert sent.where is not None and sent.where.startswith("file ")
        assert failed.reason is not None and failed.reason.startswith("cannot append to")
        assert failed.error is not None and failed.error.startswith("channel 'bad': ")
        assert spool.read_text(encoding="utf-8") == done.message.text
        log = broadcast.log(ctx)
        assert sorted((r.channel, r.status, r.error) for r in log) == [
            ("bad", "failed", failed.reason), ("ok", "sent", None)
        ]  # fmt: skip
        assert {r.digest for r in log} == {done.message.digest}

        again = broadcast.broadcast(ctx, NOW.date(), Edition.EVENING)
        assert [(d.channel, d.outcome) for d in again.deliveries] == [
            ("ok", Outcome.SKIPPED), ("bad", Outcome.FAILED)
        ]  # fmt: skip
        forced = broadcast.broadcast(ctx, NOW.date(), Edition.EVENING, ["ok"], force=True)
        assert [(d.channel, d.outcome) for d in forced.deliveries] == [("ok", Outcome.SENT)]
        assert spool.read_text(encoding="utf-8").count("Leaderboard") == 2
        with pytest.raises(InputError, match="no channel 'nope'"):
            broadcast.broadcast(ctx, NOW.date(), names=["nope"], dry_run=True)


def test_the_clock_chooses_the_edition(tmp_path: Path):
    with open_context(tmp_path, datetime(2026, 11, 30, 8, 0)) as ctx:
        assert broadcast.edition_now(ctx) is Edition.MORNING
        message = broadcast.message(ctx, NOW.date(), Edition.MORNING)
        assert "Daily ranking, 2026-11-27:" in message.text.splitlines()  # Monday: Friday
    with open_context(tmp_path) as ctx:
        assert broadcast.edition_now(ctx) is Edition.EVENING


# --- the morning's lists -------------------------------------------------------------------


def test_due_and_four_visit(ctx: Context):
    with ctx.session() as s:
        fields = writes.CustomerFields(name="万家超市", grade=Grade.A, rep="zhang")
        writes.add_customer(s, fields, date(2026, 11, 20), NOW)
    [row] = schedule.due(ctx, NOW.date())
    assert (row.customer, row.due_date, row.days_overdue) == ("万家超市", date(2026, 11, 20), 10)
    assert schedule.due(ctx, NOW.date(), rep="li") == []
    with pytest.raises(InputError, match="nobody"):
        schedule.due(ctx, NOW.date(), rep="nobody")
    report = schedule.four_visit(ctx, NOW.date())
    assert report.since == date(2026, 11, 1) and report.summary.won == 0
    assert [(p.customer, p.status) for p in report.prospects] == [("万家超市", "overdue")]
