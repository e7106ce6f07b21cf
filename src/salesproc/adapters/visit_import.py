"""`import visits`' reading pass: daily report rows from Excel or CSV, checked and summed up.

A million rows must import in seconds, so visits are not logged one by one
(`db.visit_bulk` writes them in bulk). This pass reads the file once
(`visit_sheet` finds each sheet's layout, `visit_rows` checks each row), and
keeps, per customer and per rep and day, only what the writing needs (the
first visit, the first win, the last win or loss, the last weather and
region); the good rows go to a temporary file, which the writing reads back
instead of checking the file again. With any bad row, checking the rest is
all that is left, and the caller writes nothing. Memory grows with customers,
reps and their days, and by ~18 bytes a row: the visits seen, to find the same
visit twice, packed for the days the file has left behind (`_SeenDays`).

A visit is known by its rep, customer, day and start time (`db.visit_keys`;
no start time is a time too: two untimed visits of one customer on one day
by one rep are the same visit). The same visit on two rows of the file, in
any sheets, is a bad row (`row 9: same visit as row 4`); a visit already on
file is left out and counted (`Survey.already`): re-importing a form adds
nothing.
"""

import pickle
from array import array
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from salesproc.adapters.tabular import open_sheets
from salesproc.adapters.visit_rows import Checker
from salesproc.adapters.visit_sheet import Layout, sheets
from salesproc.db.visit_bulk import STORED, HeaderTally
from salesproc.db.visit_keys import OnFile
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.vocab import Category, Outcome

#: good rows pickled to the temporary file at a time
CHUNK = 5_000
#: days whose visits seen are kept as dicts: the file's current day and the few before it
OPEN_DAYS = 4
#: the rep and customer bits of a visit's identity (`visit_keys.identity`)
_LOW = (1 << 64) - 1


@dataclass
class Survey:
    """What the reading pass found: how many good rows, stored in a temporary file for the
    writing, and each report header to write. Sums per customer are on `checker.people`."""

    count: int
    stored: IO[bytes]
    headers: dict[tuple[int, date], HeaderTally]
    #: good rows left out: their visit is already on file
    already: int = 0

    def rows(self) -> Iterator[list[object]]:
        """The stored rows (`db.visit_bulk.ROW`'s first STORED fields), a chunk at a time, each
        chunk one flat list of their values (`_store` says why)."""
        self.stored.seek(0)
        while True:
            try:
                yield pickle.load(self.stored)
            except EOFError:
                return


def survey(
    path: Path,
    checker: Checker,
    stored: IO[bytes],
    on_file: OnFile,
    progress: Callable[[int | None], None] | None = None,
    ignore: Collection[str] = (),
) -> Survey:
    """Check every row (problems go to `checker.problems`); leave out the visits `on_file`
    holds; sum up per customer and per rep and day what to write; store the good rows in
    `stored`.

    One loop, no layers of generators: this runs once a row. `progress` is
    fed the bytes of a CSV file read so far.
    """
    customers, problems = checker.people.customers, checker.problems
    found = Survey(0, stored, {})
    headers = found.headers
    chunk: list[object] = []  # the good rows' values, flat (`_store`)
    whole = CHUNK * STORED
    seq = 0
    #: by day, each visit's identity (`visit_keys.identity`, inlined) → its first row:
    #: sheet << 32 | row. A day's few visits at a time stay in the processor's cache.
    seen_on: dict[date, dict[int, int]] = {}
    seen_day = _SeenDays(seen_on).open
    #: each weather and region text once: a header per rep and day holds one of a few words
    words: dict[str, str] = {}
    layouts: list[Layout] = []
    on_file_by_day, load_day, nothing_on_file = on_file.days, on_file.load, on_file.empty
    with open_sheets(path) as book:
        for layout, rows in sheets(book, ignore):
            checker.sheet(layout)
            check = checker.reader(layout)
            sheet = len(layouts) << 32
            layouts.append(layout)
            for number, cells in rows:
                seq += 1
                if progress is not None and not seq % CHUNK:
                    progress(book.position())
                row = check(cells, number, seq)
                if row is None:
                    continue
                (
                    key, rep, customer, day, _start, _end, _purposes, _result, outcome, category,
                    _next, _note, amount, _collected, weather, region, phone,
                ) = row  # fmt: skip
                visit = ((key >> 32) << 64) | (rep << 32) | (customer & 0xFFFFFFFF)
                seen = seen_on.get(day)
                if seen is None:
                    seen = seen_day(day)
                first = seen.get(visit)
                if first is not None:
                    problems.same(layout, number, layouts[first >> 32], first & 0xFFFFFFFF)
                    continue
                seen[visit] = sheet | number if sheet else number
                if problems.lines:
                    continue  # once a row is bad, checking the rest is all that is left
                if not nothing_on_file:
                    on_day = on_file_by_day.get(day)
                    if on_day is None:
                        on_day = load_day(day)
                    if visit in on_day:
                        found.already += 1
                        continue
                chunk += row[:STORED]
                if len(chunk) >= whole:
                    found.count += _store(chunk, stored)
                c = customers[customer]
                if key < c.first_key:
                    c.first_key, c.first_rep, c.first_day = key, rep, day
                    if c.id < 0:  # a new customer is added as its first visit tells
                        c.phone, c.region = phone, region
                        c.category = Category(category or Category.PROSPECT)
                if outcome is not None or amount is not None:
                    # a sale on the visit wins or reopens its customer, as `log-visit --amount`
                    if (outcome == Outcome.WON or amount is not None) and key < c.win_key:
                        c.win_key, c.win_day = key, day
                    if key > c.last_key:
                        last = Outcome.WON if outcome is None else Outcome(outcome)
                        c.last_key, c.last_outcome, c.last_day = key, last, day
                if weather or region:
                    h = headers.get((rep, day))
                    if h is None:
                        h = headers[(rep, day)] = HeaderTally()
                    if region and key > h.region_key:
                        h.region_key, h.region = key, words.setdefault(region, region)
                    if weather and key > h.weather_key:
                        h.weather_key, h.weather = key, words.setdefault(weather, weather)
    if not layouts:  # as `import sales` and `import customers` refuse one
        raise InputError(_("{file} is empty: it needs a heading row").format(file=path.name))
    found.count += _store(chunk, stored)
    return found


class _SeenDays:
    """The visits seen so far, by day: the last few days' as dicts, the others packed.

    Why: a dict entry and its int cost ~120 bytes a visit, 119 MiB for a
    million rows. A file in day order (every export, every form) never comes
    back to a day it has left, so a day left behind is packed into arrays,
    18 bytes a visit. A file out of day order that comes back to a packed day
    gets the day's dict back, and from then on nothing is packed: as quick as
    ever, holding what it always held.
    """

    def __init__(self, seen_on: dict[date, dict[int, int]]) -> None:
        self.seen_on = seen_on
        #: a day left behind → the rep and customer bits, the start minutes and the first rows
        self.packed: dict[date, tuple[array[int], array[int], array[int]]] = {}
        self.in_order = True

    def open(self, day: date) -> dict[int, int]:
        """The day's dict, for the first row of the day or of a return to it."""
        seen_on = self.seen_on
        if day in self.packed:
            self.in_order = False
            low, minutes, firsts = self.packed.pop(day)
            base = day.toordinal() * 1441
            seen = seen_on[day] = {
                ((base + m) << 64) | bits: first
                for bits, m, first in zip(low, minutes, firsts, strict=True)
            }
            return seen
        seen = seen_on[day] = {}
        if self.in_order and len(seen_on) > OPEN_DAYS:
            left = next(iter(seen_on))
            self._pack(left, seen_on.pop(left))
        return seen

    def _pack(self, day: date, seen: dict[int, int]) -> None:
        base = day.toordinal() * 1441
        self.packed[day] = (
            array("Q", [visit & _LOW for visit in seen]),
            array("H", [(visit >> 64) - base for visit in seen]),
            array("q", seen.values()),
        )


def _store(chunk: list[object], file: IO[bytes]) -> int:
    """Pickle the rows (STORED values each, one after the other in `chunk`) and empty it;
    how many rows. Why flat: pickle notes every tuple in its memo, so a million rows as
    tuples cost twice the time to write and read back as their values in one list."""
    count = len(chunk) // STORED
    if chunk:
        pickle.dump(chunk, file, pickle.HIGHEST_PROTOCOL)
        chunk.clear()
    return count
