"""`import customers`: a customer list from Excel or CSV, with the headings of `export customers`.

All rows or none: every problem of every row is listed, and nothing is
written while any is left. A name already on file is a bad row, not an
update: a list typed elsewhere must not overwrite what the team keeps here.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from salesproc.adapters.export import CUSTOMER_HEADINGS
from salesproc.adapters.lookup import RepIndex
from salesproc.adapters.tabular import open_table, rejected_rows
from salesproc.db import writes
from salesproc.db.models import Customer
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.names import clean_name, name_key
from salesproc.rules.vocab import Category, parse_category, parse_grade

REQUIRED = ("name", "grade")


@dataclass
class Report:
    imported: int = 0
    new_reps: list[str] = field(default_factory=list)


def import_customers(
    session: Session, path: Path, create_reps: bool, today: date, now: datetime
) -> Report:
    report = Report()
    reps = RepIndex(session)
    on_file = set(session.scalars(select(Customer.name_key)))
    seen: dict[str, int] = {}
    problems: list[str] = []
    bad_rows = 0
    rows: list[dict[str, object]] = []
    with open_table(path) as table:
        at = {h: table.column(h, required=h in REQUIRED) for h in CUSTOMER_HEADINGS}

        for number, row in table.rows:

            def cell(heading: str, row: list[str] = row) -> str:
                where = at[heading]
                return row[where] if where is not None and where < len(row) else ""

            bad: list[str] = []

            def fail(heading: str, reason: str, number: int = number, bad: list[str] = bad) -> None:
                column = table.headings[at[heading]] if at[heading] is not None else heading
                line = _("row {number}, column {column}: {reason}")
                bad.append(line.format(number=number, column=column, reason=reason))

            name = clean_name(cell("name"))
            key = name_key(name)
            if not name:
                fail("name", _("no name"))
            elif key in on_file:
                fail("name", _("customer {name!r} already exists").format(name=name))
            elif key in seen:
                fail("name", _("{name!r} repeats row {row}").format(name=name, row=seen[key]))
            else:
                seen[key] = number

            values: dict[str, object] = {}
            for heading, parse in (("grade", parse_grade), ("category", parse_category)):
                text = cell(heading)
                if text:
                    try:
                        values[heading] = parse(text)
                    except InputError as exc:
                        fail(heading, str(exc))
                elif heading == "grade":
                    fail("grade", _("no grade; use A, B or C"))

            days: dict[str, date | None] = {}
            for heading in ("added_on", "won_on", "lost_on"):
                text = cell(heading)
                try:
                    days[heading] = date.fromisoformat(text[:10]) if text else None
                except ValueError:
                    fail(heading, _("bad date {text!r}; use YYYY-MM-DD").format(text=text))
                    continue
                if days[heading] and days[heading] > today:  # type: ignore[operator]
                    message = _("{day} is after today ({today})")
                    fail(heading, message.format(day=days[heading], today=today))

            rep_text = cell("rep")
            rep_id = reps.find(rep_text) if rep_text else None
            if rep_text and rep_id is None:
                if not create_reps:
                    message = _("unknown rep {rep!r}; add it or pass --create-reps")
                    fail("rep", message.format(rep=rep_text))
                else:
                    rep_id = reps.create(rep_text, now)

            if bad:
                problems.extend(bad)
                bad_rows += 1
                continue
            added = days.get("added_on") or today
            category = values.get("category", Category.PROSPECT)
            record = writes.new_customer_row(name, values["grade"], category, rep_id, added, now)  # type: ignore[arg-type]
            record.update(
                contact=cell("contact") or None,
                phone=cell("phone") or None,
                region=cell("region") or None,
                won_on=days.get("won_on"),
                lost_on=days.get("lost_on"),
            )
            rows.append(record)
    if problems:
        raise rejected_rows(problems, path, bad_rows)
    connection = session.connection()
    for start in range(0, len(rows), 5_000):
        connection.execute(insert(Customer.__table__), rows[start : start + 5_000])
    report.imported = len(rows)
    report.new_reps = reps.created
    return report
