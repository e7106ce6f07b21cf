"""salesproc from Python, with no command line: a day of one rep, as a script or a bot would run it.

    python examples/library.py [DATABASE]

Without DATABASE it works in a temporary folder, so your own data is never touched.
Every function of `salesproc.service` takes a `Context` first and returns plain values.
"""

import sys
import tempfile
from datetime import datetime, time
from pathlib import Path

from salesproc.errors import InputError
from salesproc.rules.dates import Period
from salesproc.rules.money import format_amount, parse_amount
from salesproc.rules.ranking import Metric
from salesproc.rules.vocab import Category, Grade, Purpose
from salesproc.service import Context, leaderboard, people, schedule, setup, supervision, visits


def main(path: Path) -> None:
    # The clock is pinned so that the example prints the same every day; leave `now`
    # out to use the real one (or SALESPROC_NOW).
    now = datetime(2026, 11, 30, 18, 30)
    with Context.open(str(path), now=now, warn=print) as ctx:
        print(f"database: {setup.init(ctx).where}")
        if not people.list_reps(ctx):  # a new database: the team and its customers
            people.add_rep(ctx, "zhangwei", "张伟", region="杭州", phone="13800000001")
            for name, grade, category in [
                ("万家超市", Grade.A, Category.EXISTING),
                ("华联便利店", Grade.B, Category.PROSPECT),
            ]:
                fields = people.CustomerFields(
                    name=name, grade=grade, rep="zhangwei", phone="13900000001", category=category
                )
                people.add_customer(ctx, fields)

        # morning: whom to visit
        for row in schedule.due(ctx, ctx.today):
            print(f"due: {row.customer} ({row.grade}), {row.days_overdue} days overdue")

        # after a visit: one row of the daily report, with the order it brought (run again,
        # the same visit is refused: `again=True` would log a second one)
        try:
            visit = visits.log_visit(
                ctx,
                visits.VisitInput(
                    rep="zhangwei",
                    customer="万家超市",
                    purposes=(Purpose.ORDER, Purpose.COLLECTION),
                    visit_date=ctx.today,
                    start=time(9, 30),
                    end=time(10, 15),
                    result="下单补货",
                    amount_cents=parse_amount("3200"),
                ),
            )
            print(f"logged visit #{visit.id}: next visit {visit.next_visit}")
        except InputError as refused:
            print(f"not logged: {refused}")

        # evening: the month's leaderboard and the audit's red flags
        board = leaderboard.rank(ctx, ctx.today, Period.MONTH, Metric.SALES)
        for place in board.rows:
            print(f"#{place.rank} {place.name} {format_amount(place.value)}")
        for flag in supervision.audit(ctx).flags:
            print(f"flag: {flag.rule.value} {flag.rep} {flag.day}: {flag.evidence}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as folder:
            main(Path(folder) / "team.db")
