"""`import sales`: the head-office clerk's (销售内勤) sales export, in any column layout.

One pass over the file inside one transaction: each row is checked and, if
good, inserted; every problem of every row is collected; if there is any,
the transaction is rolled back, so nothing is written. The file is never held
in memory, only the keys already seen in it (for `--key`).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from salesproc.adapters.lookup import RepIndex
from salesproc.adapters.tabular import Table, open_table, rejected_rows
from salesproc.db import writes
from salesproc.db.models import Customer, Sale
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.money import parse_amount
from salesproc.rules.names import clean_name, name_key
from salesproc.rules.vocab import Category, Grade

FIELDS = ("rep", "customer", "date", "amount", "ref")
REQUIRED = ("rep", "date", "amount")
BATCH = 5_000


def parse_pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    """`--map amount=close_value` → ("amount", "close_value")."""
    pairs = []
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise InputError(
                _("bad {option} {value!r}; write it as NAME=VALUE").format(
                    option=option, value=value
                )
            )
        pairs.append((left.strip(), right.strip()))
    return pairs


@dataclass(frozen=True)
class Options:
    mapping: dict[str, str] = field(default_factory=dict)
    where: list[tuple[str, str]] = field(default_factory=list)
    key: str | None = None
    create_reps: bool = False
    create_customers: bool = False


@dataclass
class Report:
    imported: int = 0
    filtered: int = 0
    already: int = 0
    new_reps: list[str] = field(default_factory=list)
    new_customers: list[str] = field(default_factory=list)


def _columns(table: Table, options: Options) -> dict[str, int | None]:
    """Which column holds each field: `--map`, else the column named like the field."""
    unknown = sorted(set(options.mapping) - set(FIELDS))
    if unknown:
        raise InputError(
            _("--map names no field {field!r}; fields are {fields}").format(
                field=unknown[0], fields=", ".join(FIELDS)
            )
        )
    columns = {
        name: table.column(
            options.mapping.get(name, name), name in REQUIRED or name in options.mapping
        )
        for name in FIELDS
    }
    for column, _value in options.where:
        table.column(column)
    if options.key:
        table.column(options.key)
    return columns


def _parse_day(text: str) -> date:
    """`2017-03-01`, also with a time after it as spreadsheets often add."""
    return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)


def import_sales(
    session: Session,
    path: Path,
    options: Options,
    today: date,
    now: datetime,
    progress: Callable[[int | None], None] | None = None,
) -> Report:
    """Import every row (or none): raises InputError listing each bad row; the caller commits."""
    report = Report()
    connection = session.connection()
    reps = RepIndex(session)
    customers = {k: i for i, k in session.execute(select(Customer.id, Customer.name_key))}
    first_sale: dict[int, date] = {}
    seen_keys: dict[str, int] = {}
    problems: list[str] = []
    bad_rows = 0
    batch: list[dict[str, object]] = []
    #: customers to create, by name key: inserted together, just before the sales naming them
    new_customers: dict[str, dict[str, object]] = {}
    created_ids: set[int] = set()

    def flush() -> None:
        if new_customers:
            table = Customer.__table__
            query = insert(table).returning(
                table.c.id, table.c.name_key, sort_by_parameter_order=True
            )
            created = dict(connection.execute(query, list(new_customers.values())).all())
            customers.update({key: i for i, key in created.items()})
            created_ids.update(created)
            report.new_customers.extend(str(c["name"]) for c in new_customers.values())
            new_customers.clear()
        for row in batch:
            pending = row.pop("new_customer", None)
            if pending is not None:
                row["customer_id"] = customers[str(pending)]
        if options.key and batch:
            keys = [row["source_key"] for row in batch]
            done = set(session.scalars(select(Sale.source_key).where(Sale.source_key.in_(keys))))
            fresh = [row for row in batch if row["source_key"] not in done]
            report.already += len(batch) - len(fresh)
        else:
            fresh = list(batch)
        if fresh:
            connection.execute(insert(Sale.__table__), fresh)  # Core executemany: no ORM per row
            for row in fresh:
                customer_id = row["customer_id"]
                if customer_id is not None:
                    day = row["sale_date"]
                    first_sale[customer_id] = min(first_sale.get(customer_id, day), day)  # type: ignore[arg-type, type-var]
        report.imported += len(fresh)
        batch.clear()

    with open_table(path) as table:
        columns = _columns(table, options)
        where = [(table.column(c), value) for c, value in options.where]
        key_at = table.column(options.key) if options.key else None
        heading = {name: table.headings[at] for name, at in columns.items() if at is not None}

        def cell(row: list[str], at: int | None) -> str:
            return row[at] if at is not None and at < len(row) else ""

        for number, row in table.rows:
            if any(cell(row, at) != value for at, value in where):
                report.filtered += 1
                continue
            bad: list[str] = []

            def fail(name: str, reason: str, number: int = number, bad: list[str] = bad) -> None:
                column = heading.get(name) or (options.key or name)
                line = _("row {number}, column {column}: {reason}")
                bad.append(line.format(number=number, column=column, reason=reason))

            rep_text = cell(row, columns["rep"])
            rep_id = reps.find(rep_text)
            if not rep_text:
                fail("rep", _("no rep"))
            elif rep_id is None and not options.create_reps:
                fail(
                    "rep",
                    _("unknown rep {rep!r}; add it or pass --create-reps").format(rep=rep_text),
                )
            elif rep_id is None:
                rep_id = reps.create(rep_text, now)

            try:
                day: date | None = _parse_day(cell(row, columns["date"]))
                if day and day > today:
                    fail("date", _("{day} is after today ({today})").format(day=day, today=today))
                    day = None
            except ValueError:
                text = cell(row, columns["date"])
                fail("date", _("bad date {text!r}; use YYYY-MM-DD").format(text=text))
                day = None

            try:
                cents: int | None = parse_amount(cell(row, columns["amount"]))
            except InputError as exc:
                fail("amount", str(exc))
                cents = None

            customer_text = cell(row, columns["customer"])
            customer_key = name_key(customer_text)
            customer_id = customers.get(customer_key) if customer_text else None
            new_customer = None
            if customer_text and customer_id is None:
                if not options.create_customers:
                    message = _("unknown customer {customer!r}; add it or pass --create-customers")
                    fail("customer", message.format(customer=customer_text))
                elif rep_id is not None and day is not None:
                    new_customer = customer_key
                    if customer_key not in new_customers:
                        new_customers[customer_key] = writes.new_customer_row(
                            clean_name(customer_text), Grade.C, Category.EXISTING, rep_id, day, now
                        )

            key = None
            if key_at is not None:
                key = cell(row, key_at)
                if not key:
                    fail("key", _("empty key"))
                elif key in seen_keys:
                    fail(
                        "key",
                        _("key {key!r} repeats row {row}").format(key=key, row=seen_keys[key]),
                    )
                else:
                    seen_keys[key] = number

            if bad:
                problems.extend(bad)
                bad_rows += 1
                continue
            if problems:
                continue  # nothing will be written: checking the rest is all that is left
            batch.append(
                {
                    "rep_id": rep_id,
                    "customer_id": customer_id,
                    "sale_date": day,
                    "amount_cents": cents,
                    "ref": cell(row, columns["ref"]) or None,
                    "source_key": key,
                    "created_at": now,
                    "new_customer": new_customer,
                }
            )
            if len(batch) >= BATCH:
                flush()
                if progress:
                    progress(table.position())
        if problems:
            raise rejected_rows(problems, path, bad_rows)
        flush()
    writes.record_sales_effects(session, first_sale, created_ids)
    report.new_reps = reps.created
    return report
