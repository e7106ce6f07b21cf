"""`import customers`: a customer list from Excel or CSV, with the headings of `export customers`.

All rows or none: every problem of every row is listed, and nothing is
written while any is left. A name already on file is a bad row, not an
update: a list typed elsewhere must not overwrite what the team keeps here.
"""

from collections.abc import Collection
from datetime import date
from pathlib import Path

from salesproc.adapters.export import CUSTOMER_HEADINGS
from salesproc.adapters.tabular import open_table, rejected_rows, unknown_columns
from salesproc.db import limits
from salesproc.db.customer_bulk import NewCustomer
from salesproc.db.lookup import RepIndex
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.dates import check_not_future, parse_date
from salesproc.rules.names import clean_name, name_key
from salesproc.rules.vocab import Category, Grade, parse_category, parse_grade

REQUIRED = ("name", "grade")
#: the columns holding a day; none may be after today
DAYS = ("added_on", "won_on", "lost_on")


def read_customers(
    path: Path,
    today: date,
    reps: RepIndex,
    on_file: Collection[str],
    ignore: Collection[str] = (),
) -> list[NewCustomer]:
    """Every row as a customer to add, or an InputError listing each problem of each row.

    `on_file` holds the name keys of the customers already there. Reps are
    found (and, if `reps` may, created) as every import finds them.
    """
    seen: dict[str, int] = {}
    problems: list[str] = []
    bad_rows = 0
    found: list[NewCustomer] = []
    with open_table(path) as table:
        at = {h: table.column(h, required=h in REQUIRED) for h in CUSTOMER_HEADINGS}
        known = set(CUSTOMER_HEADINGS)
        unknown_columns(path.name, table.headings, lambda h: h.strip().casefold() in known, ignore)

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

            for heading in ("name", "contact", "phone", "region"):
                text = name if heading == "name" else cell(heading)
                if reason := limits.too_long(text, f"customers.{heading}"):
                    fail(heading, reason)

            grade: Grade | None = None
            category = Category.PROSPECT  # the default, as with `customer add`
            if text := cell("grade"):
                try:
                    grade = parse_grade(text)
                except InputError as exc:
                    fail("grade", str(exc))
            else:
                fail("grade", _("no grade; use A, B or C"))
            if text := cell("category"):
                try:
                    category = parse_category(text)
                except InputError as exc:
                    fail("category", str(exc))

            days: dict[str, date | None] = dict.fromkeys(DAYS)
            for heading in DAYS:
                if text := cell(heading):
                    try:
                        days[heading] = check_not_future(parse_date(text, today), today)
                    except InputError as exc:
                        fail(heading, str(exc))

            rep_id = None
            if rep_text := cell("rep"):
                if rep_name := cell("rep_name"):
                    # `name (code)`: found by its code, created with its name (`RepIndex`)
                    rep_text = f"{rep_name} ({rep_text})"
                try:
                    rep_id = reps.resolve(rep_text)
                except InputError as exc:
                    fail("rep", str(exc))

            if bad:
                problems.extend(bad)
                bad_rows += 1
                continue
            assert grade is not None
            found.append(
                NewCustomer(
                    name=name,
                    grade=grade,
                    category=category,
                    rep_id=rep_id,
                    added_on=days["added_on"] or today,
                    contact=cell("contact") or None,
                    phone=cell("phone") or None,
                    region=cell("region") or None,
                    won_on=days["won_on"],
                    lost_on=days["lost_on"],
                )
            )
    if problems:
        raise rejected_rows(problems, path, bad_rows)
    return found
