"""`import visits`: daily report rows from Excel or CSV, each logged exactly as `log-visit` would.

The flat layout: one visit a row, with the headings of `export visits` in
English or the paper form's Chinese words. Every row is checked first with the
same rules `log-visit` uses; with any bad row nothing is written.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.adapters.lookup import RepIndex
from salesproc.adapters.tabular import open_table, rejected_rows
from salesproc.db import writes
from salesproc.db.models import Customer
from salesproc.errors import InputError
from salesproc.rules.cadence import DEFAULT_CADENCE
from salesproc.rules.dates import parse_time
from salesproc.rules.names import clean_name, name_key
from salesproc.rules.vocab import Category, Grade, parse_category, parse_outcome, parse_purposes

#: Each field's headings: `export visits`' English, then the paper form's words (销售日报表).
HEADINGS = {
    "date": ("date", "填写日期", "日期"),
    "rep": ("rep", "日报人", "销售人员"),
    "customer": ("customer", "访问客户", "客户"),
    "phone": ("phone", "电话"),
    "time": ("time", "访问时间"),
    "start": ("start", "开始"),
    "end": ("end", "结束"),
    "purposes": ("purposes", "访问目的"),
    "result": ("result", "商谈结果"),
    "outcome": ("outcome", "结果"),
    "category": ("category", "客户类别"),
    "next_visit": ("next_visit", "预定再访时间"),
    "notes": ("notes", "其他记录"),
    "weather": ("weather", "天气"),
    "region": ("region", "区域"),
}
REQUIRED = ("date", "rep", "customer", "purposes")
_SPAN = re.compile(r"\s*(\d{1,2}:\d{2})\s*[-–—~至到]\s*(\d{1,2}:\d{2})\s*")
_SEPARATORS = re.compile(r"[/、，;；]")


@dataclass
class Report:
    imported: int = 0
    new_reps: list[str] = field(default_factory=list)
    new_customers: list[str] = field(default_factory=list)


def import_visits(
    session: Session,
    path: Path,
    create_reps: bool,
    create_customers: bool,
    cadence: dict[Grade, int] | None,
    today: date,
    now: datetime,
) -> Report:
    report = Report()
    reps = RepIndex(session)
    known = {k: n for k, n in session.execute(select(Customer.name_key, Customer.name))}
    entries: list[writes.VisitInput] = []
    problems: list[str] = []
    with open_table(path) as table:
        at: dict[str, int | None] = {}
        for name, words in HEADINGS.items():
            found = [table.column(w, required=False) for w in words]
            at[name] = next((f for f in found if f is not None), None)
        for name in REQUIRED:
            if at[name] is None:
                table.column(HEADINGS[name][0])  # raises: the file has no such column

        for number, row in table.rows:
            bad: list[str] = []

            def cell(name: str, row: list[str] = row) -> str:
                where = at[name]
                return row[where] if where is not None and where < len(row) else ""

            def fail(name: str, reason: str, number: int = number, bad: list[str] = bad) -> None:
                where = at[name]
                column = table.headings[where] if where is not None else name
                bad.append(f"row {number}, column {column}: {reason}")

            def parsed(name: str, parse, *args):  # type: ignore[no-untyped-def]
                text = cell(name)
                if not text:
                    return None
                try:
                    return parse(text, *args)
                except (InputError, ValueError) as exc:
                    fail(name, str(exc) if isinstance(exc, InputError) else f"bad value {text!r}")
                    return None

            day = parsed("date", lambda t: date.fromisoformat(t[:10]))
            if day is None and not cell("date"):
                fail("date", "no date")
            elif day is not None and day > today:
                fail("date", f"{day} is after today ({today})")

            start, end = _times(
                cell("time"), parsed("start", parse_time), parsed("end", parse_time)
            )
            if cell("time") and start is None:
                fail("time", f"bad visit time {cell('time')!r}; use 09:30-10:15")
            if start and end and end < start:
                fail("end" if at["end"] is not None else "time", "the visit ends before it starts")

            purposes = parsed("purposes", lambda t: parse_purposes([_SEPARATORS.sub(",", t)]))
            if not cell("purposes"):
                fail("purposes", "no purpose")
            outcome = parsed("outcome", parse_outcome)
            category = parsed("category", parse_category)
            next_visit = parsed("next_visit", lambda t: date.fromisoformat(t[:10]))
            if next_visit and day and next_visit < day:
                fail("next_visit", f"next visit {next_visit} is before the visit date {day}")

            rep_text = cell("rep")
            rep_id = reps.find(rep_text) if rep_text else None
            if not rep_text:
                fail("rep", "no rep")
            elif rep_id is None and not create_reps:
                fail("rep", f"unknown rep {rep_text!r}; add it or pass --create-reps")
            elif rep_id is None:
                rep_id = reps.create(rep_text, now)
            rep_code = reps.code_of(rep_id) if rep_id is not None else rep_text

            customer = clean_name(cell("customer"))
            if not customer:
                fail("customer", "no customer")
            elif name_key(customer) not in known:
                if not create_customers:
                    fail(
                        "customer",
                        f"unknown customer {customer!r}; add it or pass --create-customers",
                    )
                elif day is not None:
                    fields = writes.CustomerFields(
                        name=customer,
                        grade=Grade.C,
                        rep=rep_code if rep_id is not None else None,
                        phone=cell("phone") or None,
                        region=cell("region") or None,
                        category=category or Category.PROSPECT,
                    )
                    writes.add_customer(session, fields, day, now)
                    known[name_key(customer)] = customer
                    report.new_customers.append(customer)

            if bad:
                problems.extend(bad)
                continue
            assert day is not None and purposes is not None
            entries.append(
                writes.VisitInput(
                    rep=rep_code,
                    customer=customer,
                    purposes=purposes,
                    visit_date=day,
                    start=start,
                    end=end,
                    result=cell("result") or None,
                    outcome=outcome,
                    next_visit=next_visit,
                    note=cell("notes") or None,
                    weather=cell("weather") or None,
                    region=cell("region") or None,
                    category=category,
                )
            )
    if problems:
        raise rejected_rows(problems, path)
    # In the order the visits happened, so each records the customer as it then stood.
    entries.sort(key=lambda e: (e.visit_date, e.start or time.min, e.start is not None))
    for entry in entries:
        writes.log_visit(session, entry, cadence or DEFAULT_CADENCE, today, now)
    report.imported = len(entries)
    report.new_reps = reps.created
    return report


def _times(span: str, start: time | None, end: time | None) -> tuple[time | None, time | None]:
    """The visit time as one `09:30-10:15` column (the paper form) or as start and end."""
    if span:
        match = _SPAN.fullmatch(span)
        try:
            return (parse_time(match[1]), parse_time(match[2])) if match else (None, None)
        except InputError:
            return None, None
    return start, end
