"""The daily commands' reads as they run: the rep a `--rep` names, the due list, the four-visit
rule, the leaderboard, the targets, the daily reports and what the broadcast announces, as
plain rows.

Why a module apart from their statements (`db.reads`, `db.shared_core`): this one imports no
SQLAlchemy. Each read names its statement's builder and runs it through `db.prepared`: on an
SQLite file (`Context.quick_reading`) as SQL text compiled once, on PostgreSQL or in a writer's
session through SQLAlchemy. Every figure is computed in the database; Python sees the rows it
prints.
"""

import json
from collections.abc import Collection as Many
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from salesproc.db.prepared import Query, SqliteReader, rows, scalar
from salesproc.errors import InputError
from salesproc.rules.corrections import ChangeFact, SentEdition
from salesproc.rules.due import days_overdue
from salesproc.rules.fourvisit import (
    ProspectStatus,
    WinSummary,
    gave_up,
    open_status,
    sort_key,
    summarize_wins,
)
from salesproc.rules.names import code_key, name_key, shown_names
from salesproc.rules.ranking import Metric, rank_with_ties

_READS = "salesproc.db.reads:"


def is_postgresql(db: Any) -> bool:
    """Whether `db` (a `SqliteReader`, a Core connection or an ORM session) is PostgreSQL."""
    if isinstance(db, SqliteReader):
        return False
    dialect = db.dialect if hasattr(db, "dialect") else db.get_bind().dialect
    return bool(dialect.name == "postgresql")


@dataclass(frozen=True)
class RepRef:
    """A rep as a `--rep` names it."""

    id: int
    code: str
    name: str
    active: bool


def find_rep(db: Any, code: str, option: str | None = "--rep") -> RepRef:
    """The rep `code` names: its code exactly, else its code ignoring case, else its name
    (as `name_key` compares names). A name several reps share is refused, listing their codes.

    The one resolver of every `--rep` (and `customer reassign --from/--to`: `option`);
    `writes.find_rep` loads the record it finds.
    """
    text = code.strip()
    exact = rows(db, Query("salesproc.db.shared_core:rep_by_code", values={"code": text}))
    if exact:
        return RepRef(*exact[0])
    reps = [RepRef(*row) for row in rows(db, Query("salesproc.db.shared_core:reps_by_id"))]
    found = [r for r in reps if code_key(r.code) == code_key(text)]
    if not found:
        found = [r for r in reps if name_key(r.name) == name_key(text)]
    from salesproc.db import writes  # the words of a rep not found; never on the way to one

    if len(found) > 1:
        raise InputError(writes.same_name_reps(text, [r.code for r in found], option))
    if found:
        return found[0]
    login = None if isinstance(db, SqliteReader) else db
    writes.refuse_unknown_rep(login, code, [r.code for r in reps])
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class DueRow:
    customer: str
    grade: str
    category: str
    rep: str | None
    due_date: date
    days_overdue: int
    visits: int
    last_visit: date | None
    last_result: str | None
    phone: str | None


def _mine(rep_id: int | None) -> dict[str, int]:
    return {} if rep_id is None else {"rep_id": rep_id}


def due_list(
    db: Any, as_of: date, today: date, ahead: int = 0, rep_id: int | None = None
) -> list[DueRow]:
    """Every open customer whose due date is on or before `as_of + ahead`.

    Sorted by days overdue (most first), then grade A→C, then name.
    """
    until = as_of + timedelta(days=ahead)
    query = Query(
        _READS + "due_list",
        (as_of < today, rep_id is not None),
        {"as_of": as_of, "until": until, **_mine(rep_id)},
    )
    return [
        DueRow(
            name, grade, category, rep, due, days_overdue(due, as_of), visits, last, result, phone
        )
        for name, grade, category, rep, due, visits, last, result, phone in rows(db, query)
    ]


@dataclass(frozen=True)
class ProspectRow:
    customer: str
    rep: str | None
    visits: int
    last_visit: date | None
    next_visit: date | None
    status: ProspectStatus


def four_visit(
    db: Any,
    as_of: date,
    today: date,
    since: date,
    min_visits: int,
    rep_id: int | None = None,
) -> tuple[list[ProspectRow], WinSummary]:
    """Open prospects with their status, those given up since `since`, and the win summary."""
    by_rep = rep_id is not None
    values = {"as_of": as_of, "since": since, **_mine(rep_id)}
    opened = Query(_READS + "open_prospects", (as_of < today, by_rep), values)
    lost = Query(_READS + "lost_prospects", (by_rep,), values)
    won = Query(_READS + "won_prospects", (by_rep,), values)
    found = [
        ProspectRow(name, rep, visits, last_date, next_visit, open_status(next_visit, as_of))
        for name, rep, visits, last_date, next_visit in rows(db, opened)
    ]
    found += [
        ProspectRow(name, rep, visits, last_date, None, ProspectStatus.GAVE_UP)
        for name, rep, visits, last_date in rows(db, lost)
        if gave_up(visits, min_visits)
    ]
    found.sort(key=lambda r: sort_key(r.status, r.next_visit, r.customer, as_of))
    summary = summarize_wins(dict(rows(db, won)), min_visits)  # type: ignore[arg-type]
    return found, summary


@dataclass(frozen=True)
class RankRow:
    rank: int
    rep: str
    name: str
    value: int  # cents for sales and collections, a count for visits


def leaderboard(
    db: Any, start: date | None, end: date, metric: Metric, by: str = "rep"
) -> list[RankRow]:
    """Every active rep's (or region's) total from `start` (None: all time) through `end`,
    ranked with ties. A region is its active reps' region; reps without one share "–"."""
    query = Query(
        _READS + "leaderboard",
        (is_postgresql(db), metric.value, by, start is not None),
        {"end": end} if start is None else {"start": start, "end": end},
    )
    totals = {key: (name, int(value)) for key, name, value in rows(db, query)}
    ranked = rank_with_ties((key, v) for key, (_, v) in totals.items())
    return [RankRow(r.rank, r.key, totals[r.key][0], r.value) for r in ranked]


def sales_total(db: Any, start: date, end: date, rep_id: int | None = None) -> int:
    """Sales in cents from `start` through `end`: one rep's, or the whole team's (any rep).
    Summed as the boards sum them, so a rep's login sees the team's figure too."""
    return published_total(db, Metric.SALES, start, end, rep_id)


def published_total(
    db: Any, metric: Metric, start: date, end: date, rep_id: int | None = None
) -> int:
    """A board's total over [start, end]: one rep's, or the whole team's."""
    query = Query(
        _READS + "published_total",
        (is_postgresql(db), metric.value, rep_id is not None),
        {"start": start, "end": end, **_mine(rep_id)},
    )
    return int(scalar(db, query) or 0)


@dataclass(frozen=True)
class TargetYear:
    rep: str | None  #: None for the team
    rep_id: int | None
    year: int
    months: list[int]  #: cents, January first
    split: str


def target_years(
    db: Any, year: int, rep_id: int | None = None, metric: str = "sales"
) -> list[TargetYear]:
    """The targets set for `year`: the team's first, then each rep's by code.

    A scope with some months missing (only ever set month by month) counts
    those months as 0.
    """
    query = Query(
        _READS + "target_years",
        (is_postgresql(db), rep_id is not None),
        {"year": year, "metric": metric, **_mine(rep_id)},
    )
    found: dict[int | None, TargetYear] = {}
    for rid, code, month, cents, split in rows(db, query):
        scope = found.setdefault(rid, TargetYear(code, rid, year, [0] * 12, split))
        scope.months[month - 1] = int(cents)
    return list(found.values())


@dataclass(frozen=True)
class DailyReportRow:
    """One rep's daily sales report (销售日报表): the header and its visits in order."""

    rep: str
    name: str
    region: str | None
    date: date
    weather: str | None
    visits: list[dict[str, Any]]


def daily_reports(db: Any, day: date, rep_id: int | None = None) -> list[DailyReportRow]:
    """Every active rep's report for `day` (one query for the visits, by rep and start time)."""
    team = rows(db, Query(_READS + "report_team", (rep_id is not None,), _mine(rep_id)))
    ids = [rep[0] for rep in team]
    if not ids:
        return []
    values = {"day": day, "ids": ids}
    headers = {
        rep: (region, weather)
        for rep, region, weather in rows(db, Query(_READS + "report_headers", (), values))
    }
    visits: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in rows(db, Query(_READS + "report_visits", (), values)):
        rep, name, phone, start, end, purposes, result, outcome, category, then, note, *money = row
        mine = visits[rep]
        mine.append(
            {
                "seq": len(mine) + 1, "customer": name, "phone": phone, "start": start,
                "end": end, "purposes": purposes.split(","), "result": result,
                "outcome": outcome, "category": category, "next_visit": then, "notes": note,
                "amount": money[0], "collected": money[1],
            }
        )  # fmt: skip
    return [
        DailyReportRow(
            code,
            name,
            headers.get(rep, (None, None))[0] or region,
            day,
            headers.get(rep, (None, None))[1],
            visits[rep],
        )
        for rep, code, name, region in team
    ]


@dataclass(frozen=True)
class BroadcastRow:
    day: date
    edition: str
    channel: str
    status: str
    at: Any
    digest: str
    error: str | None


def broadcast_log(db: Any, limit: int = 50) -> list[BroadcastRow]:
    """The latest attempts first."""
    return [BroadcastRow(*row) for row in rows(db, Query(_READS + "broadcast_log", (limit,)))]


def rep_names(db: Any, ids: Iterable[int]) -> dict[int, str]:
    """The reps' names by id (a rep's name is what the team reads)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = Query(_READS + "rep_names", (), {"ids": wanted})
    return {rep_id: name for rep_id, name in rows(db, query)}


@dataclass(frozen=True)
class CorrectionFacts:
    """The changes not yet announced, the editions sent that may have shown their figures,
    and the names of their reps."""

    changes: list[ChangeFact] = field(default_factory=list)
    sent: list[SentEdition] = field(default_factory=list)
    reps: dict[int, str] = field(default_factory=dict)


def correction_facts(db: Any, day: date, edition: str, kinds: Many[str]) -> CorrectionFacts:
    """What `day`'s `edition` announces: the changes of `kinds` made after the last edition
    sent, other than this one (its rerun or forced resend repeats its own corrections).

    "Not yet announced" is thereby "made after the last edition that went out": every
    edition sent carries the corrections made before it, so the next one starts afresh.
    Nothing sent yet: nothing was seen, so nothing to correct. (A read of the broadcast,
    even a dry run: hence here.)
    """
    last = scalar(db, Query(_READS + "last_sent", (), {"day": day, "edition": edition}))
    if last is None:
        return CorrectionFacts()
    found = rows(db, Query(_READS + "changes_since", (), {"kinds": list(kinds), "since": last}))
    changes = [
        ChangeFact(
            kind,
            at,
            None if before is None else json.loads(before),
            None if after is None else json.loads(after),
        )
        for kind, at, before, after in found
    ]
    if not changes:
        return CorrectionFacts()
    days = [
        date.fromisoformat(str(value)[:10])
        for c in changes
        for values in (c.before, c.after)
        if values is not None
        for key, value in values.items()
        if key.endswith("_date") and value
    ]
    # an edition shows a day in its daily ranking (the evening's, the next morning's) or in
    # its month to date (to the month's end): it was sent within a month after the day
    window = {
        "before": max(c.at for c in changes),
        "first": min(days, default=day),
        "last": max(days, default=day) + timedelta(days=32),
    }
    editions = rows(db, Query(_READS + "editions_sent", (), window))
    reps = rep_names(
        db,
        (
            int(values["rep_id"])
            for c in changes
            for values in (c.before, c.after)
            if values is not None and values.get("rep_id") is not None
        ),
    )
    # as the leaderboard names them: 张伟(zhangwei) where two active reps share a name
    active = rows(db, Query(_READS + "active_reps"))
    shown = shown_names((code, name) for _id, code, name in active)
    reps.update({rid: shown[code] for rid, code, _name in active if rid in reps})
    return CorrectionFacts(changes, [SentEdition(*row) for row in editions], reps)
