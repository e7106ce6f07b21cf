"""Checking a visit row: every rule `log-visit` applies, on one row, each problem told as
`row N, column C: reason`.

A million rows hold a few hundred distinct dates, times and words, so each
distinct text is parsed once (`Memo`): a row whose every value was seen good
before (nearly all rows) is checked with a few dict lookups; anything new or
wrong goes through the thorough check, which tells each problem.
"""

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from operator import itemgetter
from typing import Generic, TypeVar

from salesproc.adapters.visit_sheet import Layout
from salesproc.db import limits
from salesproc.db.lookup import RepIndex
from salesproc.db.visit_bulk import CustomerTally, visit_key
from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.rules.dates import (
    VISIT_DATE_AHEAD,
    check_not_future,
    counts_days,
    parse_date,
    parse_time,
    parse_time_span,
)
from salesproc.rules.money import parse_amount
from salesproc.rules.names import clean_name, name_key
from salesproc.rules.vocab import Category, Grade, parse_category, parse_outcome, parse_purposes

T = TypeVar("T")

#: Distinct texts remembered per parser: enough for any real file's dates and words.
MEMO_LIMIT = 100_000
#: The reason a required cell is empty, per field.
NOTHING = {
    "date": N_("no date"), "rep": N_("no rep"), "customer": N_("no customer"),
    "purposes": N_("no purpose"),
}  # fmt: skip
#: A checked row: a tuple of `db.visit_bulk.ROW`'s fields, in that order.
Row = tuple

#: the row's texts kept as they are, and the column each is stored in (weather and region
#: in the day's report header, the phone on the customer)
TEXT_LIMITS = {
    "weather": "daily_reports.weather", "region": "daily_reports.region",
    "phone": "customers.phone",
}  # fmt: skip

_SEPARATORS = re.compile(r"[/、，;；]")


class Memo(Generic[T]):
    """A parser that parses each distinct text once: a million rows hold a few hundred dates.

    Gives (value, None) or (None, the reason it is bad), never raises. `good`
    is what the fast path of a row's check looks values up in.
    """

    def __init__(self, parse: Callable[[str], T], limit: int | None = MEMO_LIMIT) -> None:
        self.parse = parse
        #: at most this many texts remembered (None: all, as for names of reps and customers,
        #: whose number bounds the memory anyway)
        self.limit = limit
        self.good: dict[str, T] = {}
        self.bad: dict[str, str] = {}

    def __call__(self, text: str) -> tuple[T | None, str | None]:
        if text in self.good:
            return self.good[text], None
        if text in self.bad:
            return None, self.bad[text]
        try:
            value = self.parse(text)
        except InputError as exc:
            if self.limit is None or len(self.bad) < self.limit:
                self.bad[text] = str(exc)
            return None, str(exc)
        if self.limit is None or len(self.good) < self.limit:
            self.good[text] = value
        return value, None


def parse_span(text: str) -> tuple[time | None, time | None]:
    """The form's visit time: start and end as `09:30-10:15` (or –, ~, 至 between), or one;
    read by `rules.dates.parse_time_span`, as every time is."""
    return parse_time_span(text)


def parse_purpose_list(text: str) -> str:
    """`订货/收款`, `订货、收款` or `order,collection` → "order,collection" (the form's order)."""
    return ",".join(parse_purposes([_SEPARATORS.sub(",", text)]))


def parse_revisit(text: str, today: date) -> date | timedelta:
    """A next-visit cell: a date, or `+N` days counted from the visit as `log-visit --next`
    counts them; that is kept as the days to add to each row's own date, so that one
    parse serves every row with the same text."""
    day = parse_date(text, today, relative_to=today)
    return day - today if counts_days(text) else day


class Problems:
    """Every problem of every row, one line each, and how many rows they are on."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.rows: set[tuple[str, int]] = set()

    def add(self, layout: Layout, number: int, column: str, reason: str) -> None:
        line = _("row {number}, column {column}: {reason}")
        self.lines.append(layout.prefix + line.format(number=number, column=column, reason=reason))
        self.rows.add((layout.prefix, number))

    def same(self, layout: Layout, number: int, first: Layout, first_number: int) -> None:
        """A row repeating an earlier row's visit (`db.visit_keys`): `row 9: same visit as
        row 4`, naming the earlier row's sheet where it is another sheet."""
        where = "" if first is layout else first.prefix
        line = _("row {number}: same visit as {first}row {first_number}")
        self.lines.append(
            layout.prefix + line.format(number=number, first=where, first_number=first_number)
        )
        self.rows.add((layout.prefix, number))


class People:
    """Reps and customers by what a sheet calls them. Reps as every import finds them
    (`RepIndex`); a customer to create is numbered -1, -2, … until `create_customers`
    writes it, after every row is checked."""

    def __init__(
        self,
        reps: RepIndex,
        customers: dict[int, CustomerTally],
        by_key: dict[str, int],
        create_customers: bool,
    ) -> None:
        self.reps, self.customers, self.by_key = reps, customers, by_key
        self.create_customers = create_customers
        #: the last number given to a customer to create: -1, -2, …
        self.new_customers = 0
        self.rep = Memo(reps.resolve, limit=None)
        self.customer = Memo(self._customer, limit=None)

    def _customer(self, text: str) -> int:
        name = clean_name(text)
        found = self.by_key.get(name_key(name))
        if found is not None:
            return found
        if reason := limits.too_long(name, "customers.name"):
            raise InputError(reason)
        if not self.create_customers:
            raise InputError(
                _("unknown customer {name!r}; add it or pass --create-customers").format(name=name)
            )
        new = self.new_customers = self.new_customers - 1
        self.customers[new] = CustomerTally(new, Grade.C, Category.PROSPECT, None, None, name=name)
        self.by_key[name_key(name)] = new
        return new


class Checker:
    """Every rule `log-visit` applies to a visit, on one row, with each problem told."""

    def __init__(self, people: People, today: date) -> None:
        self.people = people
        self.today = today
        self.problems = Problems()
        self.day = Memo(lambda text: parse_date(text, today))
        self.revisit = Memo(lambda text: parse_revisit(text, today))
        self.time = Memo(parse_time)
        self.span = Memo(parse_span)
        self.purposes = Memo(parse_purpose_list)
        self.outcome = Memo(lambda text: parse_outcome(text).value)
        self.category = Memo(lambda text: parse_category(text).value)
        #: the order amount (订货金额) and the money collected (回款金额), as `log-visit` reads them
        self.money = Memo(parse_amount)

    def sheet(self, layout: Layout) -> None:
        """Check a form's header block once: a bad value there is told once, not on each row."""
        for name, memo in (("date", self.day), ("rep", self.people.rep)):
            value = layout.header.get(name)
            if value is None or (layout.has(name) and not value.text):
                continue  # the rows' own column gives it
            found, reason = memo(value.text) if value.text else (None, _(NOTHING[name]))
            if isinstance(found, date):
                reason = self.future(found)
            if reason:
                self.problems.add(layout, value.row, value.label, reason)

    def future(self, day: date) -> str | None:
        """Why a visit on `day` cannot be recorded yet, if it cannot."""
        try:
            check_not_future(day, self.today, VISIT_DATE_AHEAD)
        except InputError as exc:
            return str(exc)
        return None

    def reader(self, layout: Layout) -> Callable[[list[str], int, int], Row | None]:
        """The check of one row of this sheet.

        Hot: a fast path with every column's place in a local, for a row whose
        every value was seen good before (nearly all rows); anything else, new
        or wrong, goes to the thorough `row`, which tells each problem.
        """
        at, header = layout.at, layout.header
        i_date, i_rep, i_customer, i_phone = at["date"], at["rep"], at["customer"], at["phone"]
        i_time, i_start, i_end, i_purposes = at["time"], at["start"], at["end"], at["purposes"]
        i_result, i_outcome, i_category = at["result"], at["outcome"], at["category"]
        i_next, i_notes, i_weather, i_region = (
            at["next_visit"], at["notes"], at["weather"], at["region"]
        )  # fmt: skip
        i_amount, i_collected, amounts = at["amount"], at["collected"], self.money.good
        h_date, h_rep, h_weather, h_region = (
            header[name].text if name in header else ""
            for name in ("date", "rep", "weather", "region")
        )
        days, revisits, times, spans = (
            self.day.good, self.revisit.good, self.time.good, self.span.good
        )  # fmt: skip
        purposes_of, outcomes, categories = (
            self.purposes.good, self.outcome.good, self.category.good
        )  # fmt: skip
        reps, customers = self.people.rep.good, self.people.customer.good
        today, slow, days_later = self.today, self.row, timedelta
        # a longer weather, region or phone goes to the thorough check, which refuses it
        w_max, r_max, p_max = (limits.LENGTH[c] for c in TEXT_LIMITS.values())
        header_fits = len(h_weather) <= w_max and len(h_region) <= r_max

        # every cell the check reads, in one call (in C) rather than a subscript each
        read = itemgetter(
            i_date, i_rep, i_customer, i_purposes, i_weather, i_region, i_phone, i_time,
            i_start, i_end, i_outcome, i_category, i_next, i_amount, i_collected, i_result,
            i_notes,
        )  # fmt: skip

        def check(cells: list[str], number: int, seq: int) -> Row | None:
            (
                c_date, c_rep, c_customer, c_purposes, c_weather, c_region, c_phone, c_time,
                c_start, c_end, c_outcome, c_category, c_next, c_amount, c_collected, c_result,
                c_notes,
            ) = read(cells)  # fmt: skip
            day = days.get(c_date or h_date)
            rep = reps.get(c_rep or h_rep)
            customer = customers.get(c_customer)
            purposes = purposes_of.get(c_purposes)
            # (a day after today goes to the thorough check, which tells why)
            if day is None or rep is None or customer is None or purposes is None or day > today:
                return slow(layout, cells, number, seq)
            if (
                not header_fits
                or len(c_weather) > w_max
                or len(c_region) > r_max
                or len(c_phone) > p_max
            ):
                return slow(layout, cells, number, seq)
            if c_time:
                if (span := spans.get(c_time)) is None:
                    return slow(layout, cells, number, seq)
                start, end = span
            else:
                start = times.get(c_start) if c_start else None
                end = times.get(c_end) if c_end else None
                if (start is None and c_start) or (end is None and c_end):
                    return slow(layout, cells, number, seq)
            outcome = outcomes.get(c_outcome) if c_outcome else None
            category = categories.get(c_category) if c_category else None
            if (
                (outcome is None and c_outcome)
                or (category is None and c_category)
                or (start is not None and end is not None and end < start)
            ):
                return slow(layout, cells, number, seq)
            next_visit = None
            if c_next:
                if (next_visit := revisits.get(c_next)) is None:
                    return slow(layout, cells, number, seq)
                if type(next_visit) is days_later:
                    next_visit = day + next_visit
                if next_visit < day:  # type: ignore[operator]
                    return slow(layout, cells, number, seq)
            amount = collected = None
            if c_amount and (amount := amounts.get(c_amount)) is None:
                return slow(layout, cells, number, seq)
            if c_collected and (collected := amounts.get(c_collected)) is None:
                return slow(layout, cells, number, seq)
            minute = 0 if start is None else 1 + start.hour * 60 + start.minute
            return (
                ((day.toordinal() * 1441 + minute) << 32) | seq,  # visit_key, inline
                rep,
                customer,
                day,
                start,
                end,
                purposes,
                c_result or None,
                outcome,
                category,
                next_visit,
                c_notes or None,
                amount,
                collected,
                c_weather or h_weather or None,
                c_region or h_region or None,
                c_phone or None,
            )

        return check

    def row(self, layout: Layout, cells: list[str], number: int, seq: int) -> Row | None:
        """The row as a visit, or None with each of its problems told."""
        at, header = layout.at, layout.header
        told = len(self.problems.lines)

        def fail(name: str, reason: str) -> None:
            self.problems.add(layout, number, layout.column(name), reason)

        def text(name: str) -> str:
            """The row's cell, else its sheet's header value (date, rep, weather, region)."""
            value = cells[at[name]]
            if not value and name in header:
                return header[name].text
            return value

        day: date | None = None
        header_bad = False  # a bad header value: told once for the sheet, not on each row
        if value := text("date"):
            day, reason = self.day(value)
            if day is not None:
                reason = self.future(day)
            if reason and cells[at["date"]]:
                fail("date", reason)
            header_bad |= bool(reason)
        elif "date" in header and not layout.has("date"):
            header_bad = True  # an empty date in the header block
        else:
            fail("date", _(NOTHING["date"]))

        start = end = None
        if value := cells[at["time"]]:
            span, reason = self.span(value)
            if reason:
                fail("time", reason)
            elif span:
                start, end = span
        else:
            if value := cells[at["start"]]:
                start, reason = self.time(value)
                if reason:
                    fail("start", reason)
            if value := cells[at["end"]]:
                end, reason = self.time(value)
                if reason:
                    fail("end", reason)
        if start and end and end < start:
            fail("end" if layout.has("end") else "time", _("the visit ends before it starts"))

        purposes, reason = (
            self.purposes(value)
            if (value := cells[at["purposes"]])
            else (None, _(NOTHING["purposes"]))
        )
        if reason:
            fail("purposes", reason)
        outcome = category = next_visit = None
        if value := cells[at["outcome"]]:
            outcome, reason = self.outcome(value)
            if reason:
                fail("outcome", reason)
        if value := cells[at["category"]]:
            category, reason = self.category(value)
            if reason:
                fail("category", reason)
        if value := cells[at["next_visit"]]:
            revisit, reason = self.revisit(value)
            if reason:
                fail("next_visit", reason)
            elif day is not None and revisit is not None:
                next_visit = day + revisit if isinstance(revisit, timedelta) else revisit
                if next_visit < day:
                    fail(
                        "next_visit",
                        _("next visit {next} is before the visit date {day}").format(
                            next=next_visit, day=day
                        ),
                    )

        money: dict[str, int | None] = {"amount": None, "collected": None}
        for name in money:
            if value := cells[at[name]]:
                money[name], reason = self.money(value)
                if reason:
                    fail(name, reason)

        rep = customer = None
        if value := text("rep"):
            rep, reason = self.people.rep(value)
            if reason and cells[at["rep"]]:
                fail("rep", reason)
            header_bad |= bool(reason)
        elif "rep" in header and not layout.has("rep"):
            header_bad = True  # an empty reporter in the header block
        else:
            fail("rep", _(NOTHING["rep"]))
        if value := cells[at["customer"]]:
            customer, reason = self.people.customer(value)
            if reason:
                fail("customer", reason)
        else:
            fail("customer", _(NOTHING["customer"]))

        for name, column in TEXT_LIMITS.items():
            if reason := limits.too_long(text(name), column):
                fail(name, reason)

        if len(self.problems.lines) > told or header_bad:
            return None
        assert day is not None and rep is not None and customer is not None and purposes
        return (
            visit_key(day, start, seq),
            rep,
            customer,
            day,
            start,
            end,
            purposes,
            cells[at["result"]] or None,
            outcome,
            category,
            next_visit,
            cells[at["notes"]] or None,
            money["amount"],
            money["collected"],
            text("weather") or None,
            text("region") or None,
            cells[at["phone"]] or None,
        )
