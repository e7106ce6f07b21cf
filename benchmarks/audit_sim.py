"""Measure the audit on a simulated team: recall per planted fabrication, precision per rule,
and how often honest days are flagged (issue 12's instrument).

    python benchmarks/audit_sim.py [--seed 1] [--reps 20] [--weeks 8] [--liars 8] [--json]
    python benchmarks/audit_sim.py --seed 1-5 [--sweep]    # the mean over seeds; thresholds moved

The team comes from `team_sim.py` (honest behaviour that knows nothing of the
audit's thresholds, and labelled fabrications). Every record goes in through
salesproc's service layer in-process, in the order and at the time it would
have been typed (the context's clock is the simulated clock, so `logged_at`,
the calls and the history of edits carry simulated times), into a fresh SQLite
database in a temporary folder with an empty config file (your own config
never applies). Then `supervision.audit` runs over the audited weeks with the
default settings, as `salesproc audit --from … --to …` would.

A flag *finds* a case when it is against the case's rep and dated within the
case's days (a flag with a span — a `from` attribute, as issue 12 plans for
pattern flags — when its span meets them; a pattern case such as pressing stock
or a quietly dropped prospect is met by any flag dated within its span). A
flag is *on a planted case* when it finds any case; precision is that share.
Honest rep-days are the working days of the reps with no planted case.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import resource
import sys
import tempfile
import time as timer
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from team_sim import KINDS, Case, Supervisor, Team, simulate

from salesproc.errors import InputError
from salesproc.rules.vocab import Category, Grade, Outcome, Purpose
from salesproc.service import Context, people, setup, supervision, visits

#: the rule built for each kind, as the README's table names the rules today; a kind no
#: rule targets yet has none. Extend this when the audit gains the rules issue 12 asks for.
BUILT_FOR: dict[str, tuple[str, ...]] = {
    "overlap": ("overlap",),
    "late-batch": ("late-log",),
    "gap-filler": ("tight-gap",),
    "padding": ("duration",),
    "pressing": ("pressing-stock",),
    "quiet-drop": ("gave-up",),
    "careful-liar": ("doubtful-call", "unconfirmed-visit"),
    "copied-day": ("copied-result", "weather", "order-no-sale"),
    "edit-after-call": ("edited-after-call",),
}


@dataclass
class SimFlag:
    """A flag as the measure reads it: whose, which rule, the days it covers, how severe."""

    rule: str
    rep: str
    first: date
    last: date
    severity: str | None  # None: the tool does not distinguish severities
    evidence: str = ""


def _clock_context(db: Path) -> tuple[Context, list[datetime]]:
    """A context whose clock reads a list the feeder moves forward (one engine for the run)."""
    now = [datetime(2026, 1, 1)]
    ctx = Context.open(str(db))
    ctx.clock = lambda: now[0]
    return ctx, now


def feed(
    team: Team,
    ctx: Context,
    now: list[datetime],
    seed: int = 1,
    phoning: tuple[float, float] = Supervisor.FOCUSED,
) -> dict[str, int]:
    """Everything the team typed, in the order it typed it, through the service layer."""
    refused: Counter[str] = Counter()
    now[0] = datetime.combine(team.warmup, time(8))
    setup.init(ctx)
    for rep in team.reps:
        people.add_rep(ctx, rep.code, rep.name, region=rep.region, phone=rep.phone)
    for c in team.customers:
        fields = people.CustomerFields(
            name=c.name,
            grade=Grade(c.grade),
            rep=c.rep,
            contact=c.contact,
            phone=c.phone,
            region=c.region,
            category=Category.PROSPECT if c.category == "prospect" else Category.EXISTING,
        )
        people.add_customer(ctx, fields)
    events: list[tuple[datetime, int, int, object]] = []
    order = itertools.count()
    events += [(v.logged_at, 0, next(order), v) for v in team.visits]
    events += [(datetime.combine(c.day, c.at), 1, next(order), c) for c in team.calls]
    events += [(e.at, 2, next(order), e) for e in team.edits]
    day = team.start
    while day <= team.end:  # the supervisor opens the day's call plan before 08:00
        events.append((datetime.combine(day, time(7, 30)), 3, next(order), day))
        day += timedelta(days=1)
    heapq.heapify(events)
    supervisor = Supervisor(team, seed, phoning)
    ids: dict[int, int] = {}
    while events:
        when, what, _n, item = heapq.heappop(events)
        now[0] = when
        if what == 3:
            for call in _planned_calls(ctx, item, supervisor, seed):  # type: ignore[arg-type]
                heapq.heappush(events, (call[0], 4, next(order), call))
            continue
        if what == 4:
            _make_call(ctx, supervisor, item)  # type: ignore[arg-type]
            continue
        try:
            if what == 0:
                v = item  # a SimVisit
                logged = visits.log_visit(
                    ctx,
                    visits.VisitInput(
                        rep=v.rep,  # type: ignore[attr-defined]
                        customer=v.customer,  # type: ignore[attr-defined]
                        purposes=tuple(Purpose(p) for p in v.purposes),  # type: ignore[attr-defined]
                        visit_date=v.day,  # type: ignore[attr-defined]
                        start=v.start,  # type: ignore[attr-defined]
                        end=v.end,  # type: ignore[attr-defined]
                        result=v.result or None,  # type: ignore[attr-defined]
                        outcome=Outcome(v.outcome) if v.outcome else None,  # type: ignore[attr-defined]
                        next_visit=v.next_visit,  # type: ignore[attr-defined]
                        weather=v.weather,  # type: ignore[attr-defined]
                        amount_cents=v.amount_cents,  # type: ignore[attr-defined]
                    ),
                    again=True,
                )
                ids[v.key] = logged.id  # type: ignore[attr-defined]
            elif what == 1:
                c = item
                supervision.log_call(ctx, c.rep, supervision.Verdict(c.verdict), c.day, c.at)  # type: ignore[attr-defined]
            else:
                e = item
                if e.visit_key in ids:  # type: ignore[attr-defined]
                    changes = visits.VisitChanges(start=e.start, end=e.end)  # type: ignore[attr-defined]
                    visits.edit_visit(ctx, ids[e.visit_key], changes)  # type: ignore[attr-defined]
        except InputError as refusal:
            refused[f"{['visit', 'call', 'edit'][what]}: {str(refusal)[:60]}"] += 1
    return dict(refused)


PlannedCall = tuple[datetime, str, time, Any, bool]


def _planned_calls(ctx: Context, day: date, supervisor: Supervisor, seed: int) -> list[PlannedCall]:
    """The calls the supervisor makes on `day`: the tool's plan, a few missed."""
    if not ctx.calendar({day.year}, warn=False).is_workday(day):
        return []
    plan = supervision.call_plan(ctx, day, seed)
    return [
        (
            datetime.combine(day, call.at), call.rep, call.at, getattr(call, "confirm", None),
            bool(getattr(call, "red", ())),
        )
        for call in plan.calls
        if supervisor.calls()
    ]  # fmt: skip


def _make_call(ctx: Context, supervisor: Supervisor, call: PlannedCall) -> None:
    """One call as the plan prepared it, and the customer it names phoned on every other."""
    when, rep, at, confirm, flagged = call
    day = when.date()
    verdict = "doubtful" if supervisor.doubtful(rep, day, at) else "ok"
    customer = confirmed = None
    if confirm is not None and supervisor.phones_customer(flagged):
        customer = confirm.customer
        confirmed = supervisor.customer_confirms(rep, customer, confirm.visit_day)
    phoned = {} if customer is None else {"customer": customer, "confirmed": confirmed}
    try:
        supervision.log_call(ctx, rep, supervision.Verdict(verdict), day, at, **phoned)
    except InputError:  # the customer's visit is not in the week the tool looks at
        supervision.log_call(ctx, rep, supervision.Verdict(verdict), day, at)


def read_flags(ctx: Context, now: list[datetime], team: Team) -> tuple[list[SimFlag], bool]:
    """The audit of the audited weeks, as the supervisor would run it the morning after."""
    now[0] = datetime.combine(team.today, time(9))
    result = supervision.audit(ctx, team.start, team.end)
    flags: list[SimFlag] = []
    graded = False
    for flag in result.flags:
        severity = getattr(flag, "severity", None)
        graded = graded or severity is not None
        first = getattr(flag, "start", None) or getattr(flag, "from_day", None) or flag.day
        flags.append(
            SimFlag(
                str(getattr(flag.rule, "value", flag.rule)),
                flag.rep,
                first,
                flag.day,
                None if severity is None else str(getattr(severity, "value", severity)),
                flag.evidence,
            )
        )
    return flags, graded


def finds(flag: SimFlag, case: Case) -> bool:
    """Does `flag` point at `case` (right rep, dated within its days or span)?

    A one-day case is met by a flag dated on one of its days (or whose span
    covers one). A pattern case (pressing stock, a quietly dropped prospect)
    is met only by a flag about it, dated within its span: for a case about
    one customer (a dropped prospect) a flag naming that customer; otherwise
    a rep-level flag (one with a span, or the rule built for the kind) — not
    by a day's unrelated flag that happens to fall in those weeks.
    """
    if flag.rep != case.rep:
        return False
    if case.pattern:
        if not (flag.first <= case.last and case.first <= flag.last):
            return False
        if case.note:  # about one customer (a dropped prospect): the flag must name it
            return case.note in flag.evidence
        return flag.first != flag.last or flag.rule in BUILT_FOR.get(case.kind, ())
    # a flag over a span finds a one-day case only when the span is a week at most: a
    # rep-level flag over the whole window is no finding of one day's invention
    if (flag.last - flag.first).days > 7:
        return False
    return any(flag.first <= day <= flag.last for day in case.days)


def is_red(flag: SimFlag) -> bool:
    """Red when the tool says so; every flag when the tool has no severities (all equal)."""
    return flag.severity in (None, "red")


def measure(team: Team, flags: list[SimFlag], graded: bool, workdays: list[date]) -> dict[str, Any]:
    """Recall per kind, precision per rule, and the honest false-flag rates."""
    per_kind: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        cases = [c for c in team.cases if c.kind == kind]
        built = BUILT_FOR.get(kind, ())
        by_built = sum(any(finds(f, c) for f in flags if f.rule in built) for c in cases)
        by_any = sum(any(finds(f, c) for f in flags) for c in cases)
        by_red = sum(any(finds(f, c) for f in flags if is_red(f)) for c in cases)
        per_kind[kind] = {
            "cases": len(cases),
            "built_rule": ",".join(built) or None,
            "by_built_rule": by_built,
            "by_any_rule": by_any,
            "by_red_flag": by_red,
        }
    per_rule: dict[str, dict[str, int]] = defaultdict(
        lambda: {"flags": 0, "on_cases": 0, "on_honest": 0}
    )
    liars = team.liars()
    for f in flags:
        row = per_rule[f.rule]
        row["flags"] += 1
        row["on_cases"] += any(finds(f, c) for c in team.cases)
        row["on_honest"] += f.rep not in liars
    honest = [r.code for r in team.reps if r.code not in liars]
    rep_days = {(r, d) for r in honest for d in workdays}
    flagged = {
        (f.rep, d) for f in flags for d in workdays if f.rep in honest and f.first <= d <= f.last
    }
    red_flagged = {
        (f.rep, d)
        for f in flags
        if is_red(f)
        for d in workdays
        if f.rep in honest and f.first <= d <= f.last
    }
    weeks = (team.end - team.start).days / 7 + 1 / 7
    honest_flags = sum(1 for f in flags if f.rep in honest)
    total = len(team.cases)
    return {
        "team": {
            "reps": len(team.reps),
            "liars": sorted(liars),
            "start": team.start.isoformat(),
            "end": team.end.isoformat(),
            "audited_on": team.today.isoformat(),
            "working_days": len(workdays),
            "visits": len(team.visits),
            "invented_visits": sum(v.invented for v in team.visits),
            "calls": len(team.calls),
            "edits": len(team.edits),
            "cases": total,
        },
        "severities": graded,
        "recall": per_kind,
        "recall_total": {
            "by_built_rule": sum(k["by_built_rule"] for k in per_kind.values()) / max(total, 1),
            "by_any_rule": sum(k["by_any_rule"] for k in per_kind.values()) / max(total, 1),
            "by_red_flag": sum(k["by_red_flag"] for k in per_kind.values()) / max(total, 1),
        },
        "precision": {
            rule: {**row, "precision": row["on_cases"] / row["flags"]}
            for rule, row in sorted(per_rule.items())
        },
        "honest": {
            "reps": len(honest),
            "rep_days": len(rep_days),
            "flagged_share": len(flagged & rep_days) / max(len(rep_days), 1),
            "red_flagged_share": len(red_flagged & rep_days) / max(len(rep_days), 1),
            "flags": honest_flags,
            "flags_per_rep_week": honest_flags / max(len(honest) * weeks, 1),
            "by_rule": dict(Counter(f.rule for f in flags if f.rep in honest).most_common()),
        },
        "all_flags": len(flags),
        "cases": [
            {
                "rep": c.rep,
                "kind": c.kind,
                "days": [d.isoformat() for d in c.days],
                "pattern": c.pattern,
                "note": c.note,
                "found_by": sorted({f.rule for f in flags if finds(f, c)}),
            }
            for c in team.cases
        ],
    }


def behaviour(team: Team, workdays: list[date]) -> dict[str, float]:
    """What the honest reps did, measured on the records, to check the simulation is realistic."""
    liars = team.liars()
    honest = [v for v in team.visits if v.rep not in liars and team.start <= v.day <= team.end]
    per_day = Counter((v.rep, v.day) for v in honest)
    on_time = sum(1 for v in honest if v.logged_at.date() == v.day)
    by_customer: defaultdict[str, list[Any]] = defaultdict(list)
    for v in team.visits:
        if v.rep not in liars:
            by_customer[v.customer].append(v)
    promises = kept = 0
    for seen in by_customer.values():
        seen.sort(key=lambda v: (v.day, v.start))
        for v, after in zip(seen, [*seen[1:], None], strict=True):
            if (
                v.next_visit is None
                or not (team.start <= v.next_visit <= team.end)
                or (after is None and v.outcome)
            ):
                continue
            promises += 1
            kept += after is not None and after.day <= v.next_visit
    return {
        "promises_kept": kept / max(promises, 1),
        "visits_per_day": sum(per_day.values()) / max(len(per_day), 1),
        "days_under_4": sum(1 for n in per_day.values() if n < 4) / max(len(per_day), 1),
        "typed_same_evening": on_time / max(len(honest), 1),
        "with_sale": sum(1 for v in honest if v.amount_cents) / max(len(honest), 1),
    }


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def render(m: dict[str, Any], cpu: float, wall: float, refused: dict[str, int]) -> str:
    """The readable table."""
    t = m["team"]
    lines = [
        f"team: {t['reps']} reps ({len(t['liars'])} with planted cases: {', '.join(t['liars'])}), "
        f"{t['start']}..{t['end']} ({t['working_days']} working days), audited {t['audited_on']}",
        f"records: {t['visits']} visits ({t['invented_visits']} invented), {t['calls']} calls "
        f"({t.get('customers_phoned', 0)} with the customer phoned), "
        f"{t['edits']} edits; {t['cases']} planted cases; {m['all_flags']} flags",
        "",
        "recall per planted kind (a flag against the right rep, dated within the case)",
        f"  {'kind':<16}{'cases':>6}  {'rule built for it':<20}"
        f"{'by it':>8}{'any rule':>10}{'red':>8}",
    ]
    for kind, r in m["recall"].items():
        n = max(r["cases"], 1)
        built = r["built_rule"] or "(none yet)"
        by_built = f"{r['by_built_rule']}/{r['cases']}" if r["built_rule"] else "-"
        lines.append(
            f"  {kind:<16}{r['cases']:>6}  {built:<20}{by_built:>8}"
            f"{r['by_any_rule']:>5}/{r['cases']:<4}{_pct(r['by_red_flag'] / n):>8}"
        )
    rt = m["recall_total"]
    lines += [
        f"  {'all':<16}{t['cases']:>6}  {'':<20}"
        f"{_pct(rt['by_built_rule']):>8}{_pct(rt['by_any_rule']):>10}"
        f"{_pct(rt['by_red_flag']):>8}",
        "",
        "precision per rule (flags on planted cases / all its flags)",
        f"  {'rule':<20}{'flags':>7}{'on cases':>10}{'on honest reps':>16}{'precision':>11}",
    ]
    for rule, p in m["precision"].items():
        lines.append(
            f"  {rule:<20}{p['flags']:>7}{p['on_cases']:>10}"
            f"{p['on_honest']:>16}{p['precision']:>11.2f}"
        )
    h = m["honest"]
    lines += [
        "",
        f"honest reps ({h['reps']}, {h['rep_days']} rep-days):",
        f"  rep-days with at least one flag: {_pct(h['flagged_share'])}",
        f"  flags per honest rep-week:       {h['flags_per_rep_week']:.1f}",
        "  rep-days with a red flag:        "
        + (
            _pct(h["red_flagged_share"])
            if m["severities"]
            else "n/a — the audit has no severities yet (every flag is equal)"
        ),
        "  their flags by rule:             "
        + ", ".join(f"{rule} {n}" for rule, n in h["by_rule"].items()),
        "",
        "honest behaviour as simulated: "
        + ", ".join(f"{k} {v:.2f}" for k, v in m["behaviour"].items()),
    ]
    if refused:
        lines.append("refused by the tool: " + "; ".join(f"{k} ×{n}" for k, n in refused.items()))
    lines.append(f"time: {wall:.1f} s wall, {cpu:.1f} s CPU")
    return "\n".join(lines)


#: the thresholds `--sweep` moves, one at a time, around the defaults
SWEEP: tuple[tuple[str, object], ...] = (
    ("gap_percentile", 1), ("gap_percentile", 5),
    ("short_percentile", 1), ("short_percentile", 5),
    ("no_sale_chance", 0.001), ("no_sale_chance", 0.05),
    ("copied_percentile", 90), ("copied_min", 5),
    ("drop_days", 14), ("drop_days", 28),
    ("pressing_multiple", 3), ("pressing_multiple", 10),
    ("late_red_days", 2), ("late_red_days", 5),
    ("missed_share", 0.4), ("missed_share", 0.7),
)  # fmt: skip


def run(seed: int, args: argparse.Namespace, sweep: bool) -> tuple[dict[str, Any], list[Any]]:
    """One simulated team fed and audited with the defaults; with `sweep`, the same records
    audited again under each threshold of `SWEEP` (the calls stay those the default plan
    prepared). Returns the measure and the sweep's (setting, measure) rows."""
    import os

    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text("", encoding="utf-8")
        os.environ["SALESPROC_CONFIG"] = str(config)  # defaults only: never the user's config
        os.environ.pop("SALESPROC_DB", None)
        ctx, now = _clock_context(Path(folder) / "team.db")
        calendar = ctx.calendar(range(2025, 2028), warn=False)
        team = simulate(calendar, seed=seed, reps=args.reps, weeks=args.weeks, liars=args.liars)
        phoning = Supervisor.EVEN if args.phoning == "even" else Supervisor.FOCUSED
        refused = feed(team, ctx, now, seed, phoning)
        flags, graded = read_flags(ctx, now, team)
        calls = supervision.list_calls(ctx)
        ctx.close()
        workdays = [
            team.start + timedelta(days=i)
            for i in range((team.end - team.start).days + 1)
            if calendar.is_workday(team.start + timedelta(days=i))
        ]
        rows = []
        for name, value in SWEEP if sweep else ():
            config.write_text(f"[audit]\n{name} = {value}\n", encoding="utf-8")
            other, now = _clock_context(Path(folder) / "team.db")
            moved, _graded = read_flags(other, now, team)
            other.close()
            rows.append((f"{name} = {value}", measure(team, moved, graded, workdays)))
    m = measure(team, flags, graded, workdays)
    m["team"]["calls"] = len(calls)
    phoned = [c for c in calls if getattr(c, "confirmed", None) is not None]
    m["team"]["customers_phoned"] = len(phoned)
    m["behaviour"] = behaviour(team, workdays)
    m["refused"] = refused
    return m, rows


def _seeds(text: str) -> list[int]:
    """`3`, `1-5` or `1,4,9`."""
    if "-" in text:
        first, last = text.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(part) for part in text.split(",")]


def _summary(label: str, ms: list[dict[str, Any]]) -> str:
    recall = [m["recall_total"]["by_red_flag"] for m in ms]
    honest = [m["honest"]["red_flagged_share"] for m in ms]
    return (
        f"  {label:<26}{_pct(sum(recall) / len(recall))} ({_pct(min(recall))}–"
        f"{_pct(max(recall)).strip()})   {_pct(sum(honest) / len(honest))} "
        f"({_pct(min(honest))}–{_pct(max(honest)).strip()})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", default="1", help="a seed, a range (1-5) or a list (1,4)")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--liars", type=int, default=8, help="reps with planted cases")
    parser.add_argument(
        "--sweep", action="store_true", help="also audit under each threshold of SWEEP"
    )
    parser.add_argument(
        "--phoning",
        choices=["focused", "even"],
        default="focused",
        help="the supervisor phones the named customer on 9 calls in 10 to a red-flagged rep "
        "and 1 in 3 otherwise (focused), or on 1 in 2 for all (even)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    seeds = _seeds(str(args.seed))
    wall0, cpu0 = timer.perf_counter(), timer.process_time()
    results = [run(seed, args, args.sweep) for seed in seeds]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = timer.process_time() - cpu0
    wall = timer.perf_counter() - wall0
    seconds = {"wall": round(wall, 1), "cpu": round(cpu, 1), "max_rss_mb": usage.ru_maxrss // 1024}
    if args.json:
        measured = zip(seeds, results, strict=True)
        out = [{**m, "seed": seed, "seconds": seconds} for seed, (m, _rows) in measured]
        print(json.dumps(out[0] if len(out) == 1 else out, ensure_ascii=False, indent=2))
        return 0
    if len(seeds) == 1 and not args.sweep:
        m = results[0][0]
        print(render(m, cpu, wall, m["refused"]))
        return 0
    lines = [
        f"seeds {', '.join(map(str, seeds))}: red recall, honest rep-days with a red flag "
        "(mean, min–max)",
        _summary("defaults", [m for m, _rows in results]),
    ]
    if len(seeds) > 1:
        measured = zip(seeds, results, strict=True)
        lines += [_summary(f"  seed {seed}", [m]) for seed, (m, _rows) in measured]
    for i, (name, value) in enumerate(SWEEP if args.sweep else ()):
        lines.append(_summary(f"{name} = {value}", [rows[i][1] for _m, rows in results]))
    lines.append(f"time: {wall:.1f} s wall, {cpu:.1f} s CPU")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
