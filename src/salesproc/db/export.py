"""What `export` writes out, read a few thousand rows at a time: a year of visits is never
held whole. Each function returns a `Stored`: chunks of columns, each filling one heading of
`adapters.export` for that kind, or several (`spans`), in its order (also the order `import`
reads them back in), and how to read each column's stored values as SQLAlchemy's types
would give them (dates, times, text, whole numbers, None).

Why stored values and readers, and not rows of a joined query: a million visits were a
million Row objects, a million dates and times parsed from SQLite's text, and a join that
SQLite ran by seeking every customer and then sorting the wide joined rows. Here the visits
are sorted alone, their rep, customer and day report are read from dicts, and the writer
reads each distinct stored value once (a million visits hold a few hundred dates).

No SQLAlchemy here: the statements are `db.export_queries`', run on an SQLite file through
`db.prepared` (compiled once and kept; importing SQLAlchemy was a sixth of a year's export
of a million visits), elsewhere through SQLAlchemy (`export_queries.stream`).
"""

from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any

from salesproc.db.prepared import Query, SqliteReader, rows

#: rows fetched from the database at a time
BATCH = 5000

Read = Callable[[Any], Any] | None

_QUERIES = "salesproc.db.export_queries:"


@dataclass(frozen=True)
class Stored:
    #: per column, what turns a stored value into its value (None: it is its value)
    read: list[Read]
    #: chunks of rows, each as columns of stored values
    chunks: Iterator[list[Sequence[Any]]]
    #: per column, how many headings it fills (its read then gives a tuple of their values);
    #: None: one each
    spans: list[int] | None = None


def _query(builder: str, rep_id: int | None, start: date | None, end: date | None) -> Query:
    """The export's statement `builder`, for `rep_id`'s rows (all where None) from `start` to
    `end` (open where None)."""
    given = {"rep_id": rep_id, "start": start, "end": end}
    shape = tuple(value is not None for value in given.values())
    values = {name: value for name, value in given.items() if value is not None}
    return Query(_QUERIES + builder, shape, values)


def _stream(db: Any, query: Query) -> tuple[list[Read], Iterator[list[Sequence[Any]]]]:
    """Per column how to read its stored values, and the rows a chunk at a time, in columns
    (`db`: a `SqliteReader` or a Core connection)."""
    if isinstance(db, SqliteReader):
        cursor, reads = db.stream(query)
        return [_decoded(read) for read in reads], _columns(_undecoded(db, cursor))
    from salesproc.db.export_queries import stream

    return stream(db, query.statement(), query.values)


def _undecoded(db: SqliteReader, cursor: Any) -> Callable[[int], list[Any]]:
    """`cursor.fetchmany`, with text as the UTF-8 bytes SQLite holds (what the file gets):
    decoding every cell of a year of visits was a twentieth of the export, where the writer
    decodes each distinct value once (`_decoded`). Only these fetches: the connection's
    other reads get text."""

    def fetch(size: int) -> list[Any]:
        db.connection.text_factory = bytes
        try:
            return cursor.fetchmany(size)  # type: ignore[no-any-return]
        finally:
            db.connection.text_factory = str

    return fetch


def _decoded(read: Read) -> Read:
    """`read` of a value fetched `_undecoded`: text comes as its bytes (no column of an
    export holds a blob)."""
    if read is None:
        return _text
    return lambda stored: read(_text(stored))


def _text(stored: Any) -> Any:
    return stored.decode() if type(stored) is bytes else stored


def _columns(fetch: Callable[[int], list[Any]]) -> Iterator[list[Sequence[Any]]]:
    while found := fetch(BATCH):
        yield list(zip(*found, strict=True))


def _value(read: Read) -> Callable[[Any], Any]:
    return (lambda stored: stored) if read is None else read


def _stored(db: Any, query: Query) -> Stored:
    read, chunks = _stream(db, query)
    return Stored(read, chunks)


def visits(db: Any, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Date, rep code, customer and phone, start, end, purposes, result, outcome, category,
    next visit, notes, the day's report header (weather and region), and the rep's name: the
    daily report's order. The name lets an import into another database recreate the rep."""
    reads, chunks = _stream(db, _query("visits", rep_id, start, end))
    day, _, _, clock, _, purposes, result, outcome, category, _, note = reads
    # the visits first: a rep or customer added meanwhile is then in the dicts read next
    first = next(chunks, None)
    reps = {id_: rest for id_, *rest in rows(db, Query(_QUERIES + "reps"))}
    customers = {id_: tuple(rest) for id_, *rest in rows(db, Query(_QUERIES + "customers"))}
    weather: dict[tuple[int, Any], str | None] = {}
    #: the day's region where its report names one; else the rep's own, as `report daily`
    region: dict[tuple[int, Any], str] = {}
    (_, _, said, named), reported = _stream(db, _query("reports", rep_id, start, end))
    said, named = _value(said), _value(named)
    for chunk in reported:
        keys = list(zip(chunk[0], chunk[1], strict=True))  # by rep and stored day, as visits'
        weather.update(zip(keys, map(said, chunk[2]), strict=True))
        given = zip(keys, chunk[3], strict=True)
        region.update((key, named(stored)) for key, stored in given if stored is not None)
    rep_region = {id_: row[2] for id_, row in reps.items()}
    numbering = _Numbering(weather.keys())

    def rows_of(chunk: list[Sequence[Any]] | None) -> Iterator[list[Sequence[Any]]]:
        while chunk is not None:
            days, rep_ids, customer_ids, *rest = chunk
            if not (reps.keys() >= set(rep_ids) and customers.keys() >= set(customer_ids)):
                # a rep or customer this login cannot see: the join left the visit out
                kept = [
                    i for i, (rep, who) in enumerate(zip(rep_ids, customer_ids, strict=True))
                    if rep in reps and who in customers
                ]  # fmt: skip
                days, rep_ids, customer_ids, *rest = ([col[i] for i in kept] for col in chunk)
            yield [days, rep_ids, customer_ids, *rest, numbering.column(days, rep_ids)]
            chunk = next(chunks, None)

    def tail(number: int) -> tuple[str | None, str, str]:
        """The day report's weather and region, and the rep's name."""
        key = numbering.key(number)
        return weather.get(key), region.get(key, rep_region[key[0]]), reps[key[0]][1]

    # a customer's name and phone, and the report and rep name that end a line, are each one
    # column: a look-up per visit and column was most of the export's own work
    read: list[Read] = [
        day, lambda rep: reps[rep][0], customers.__getitem__, clock, clock, purposes, result,
        outcome, category, day, note, tail,
    ]  # fmt: skip
    spans = [1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 3]
    return Stored(read, rows_of(first), spans)


class _Numbering:
    """Per visit, a number for the end of its line (its day report's weather and region, its
    rep's name), which the writer works out once per number: a rep's day with a report has
    a number of its own; the rep's days without one share one (their lines end alike).

    Why numbers: building and hashing a (rep, day) tuple per visit, and a cell per rep and
    day, were a tenth of a year's export; here a day's reps are looked up as whole numbers, a
    day at a time."""

    def __init__(self, reported: Container[tuple[int, Any]]) -> None:
        self.reported = reported
        self.serials = count()
        #: this chunk's numbers of a rep's reported day, to (rep, stored day)
        self.days: dict[int, tuple[int, Any]] = {}
        #: the numbers of a rep's unreported days, to (rep, None)
        self.reps: dict[int, tuple[int, Any]] = {}
        self.unreported: dict[int, int] = {}

    def key(self, number: int) -> tuple[int, Any]:
        """(rep, stored day) of the report the number stands for; (rep, None) for none."""
        return self.days.get(number) or self.reps[number]

    def column(self, days: Sequence[Any], rep_ids: Sequence[int]) -> list[int]:
        """The chunk's numbers. The visits come in day order (`report_order`), so each day
        is one run of the chunk."""
        self.days.clear()  # numbers are never given twice: the writer's old ones stay right
        numbers: list[int] = []
        at = 0
        each = list(dict.fromkeys(days))
        for day, following in zip(each, [*each[1:], None], strict=True):
            end = len(days) if following is None else days.index(following, at)
            numbers.extend(map(_DayNumbers(self, day).__getitem__, rep_ids[at:end]))
            at = end
        return numbers

    def number(self, rep: int, day: Any) -> int:
        if (rep, day) in self.reported:
            number = next(self.serials)
            self.days[number] = (rep, day)
            return number
        number = self.unreported.get(rep)
        if number is None:
            number = self.unreported[rep] = next(self.serials)
            self.reps[number] = (rep, None)
        return number


class _DayNumbers(dict[int, int]):
    """One day's reps to their numbers (`_Numbering`), each asked for once."""

    def __init__(self, numbering: _Numbering, day: Any) -> None:
        super().__init__()
        self.numbering = numbering
        self.day = day

    def __missing__(self, rep: int) -> int:
        number = self[rep] = self.numbering.number(rep, self.day)
        return number


def sales(db: Any, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Date, rep code, customer (None for a sale without one), amount in cents, ref."""
    return _stored(db, _query("sales", rep_id, start, end))


def customers(db: Any, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Name, grade, category, rep code, contact, phone, region, added on, won on, lost on,
    rep name; `start` and `end` bound the day each was added."""
    return _stored(db, _query("customer_list", rep_id, start, end))
