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

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
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
        return reads, _columns(cursor.fetchmany)
    from salesproc.db.export_queries import stream

    return stream(db, query.statement(), query.values)


def _columns(fetch: Callable[[int], list[Any]]) -> Iterator[list[Sequence[Any]]]:
    while found := fetch(BATCH):
        yield list(zip(*found, strict=True))


def _stored(db: Any, query: Query) -> Stored:
    read, chunks = _stream(db, query)
    return Stored(read, chunks)


def visits(db: Any, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Date, rep code, customer and phone, start, end, purposes, result, outcome, category,
    next visit, notes, the day's report header (weather and region), and the rep's name: the
    daily report's order. The name lets an import into another database recreate the rep."""
    (day, _, _, clock, *_), chunks = _stream(db, _query("visits", rep_id, start, end))
    # the visits first: a rep or customer added meanwhile is then in the dicts read next
    first = next(chunks, None)
    reps = {id_: rest for id_, *rest in rows(db, Query(_QUERIES + "reps"))}
    customers = {id_: tuple(rest) for id_, *rest in rows(db, Query(_QUERIES + "customers"))}
    weather: dict[tuple[int, Any], str | None] = {}
    #: the day's region where its report names one; else the rep's own, as `report daily`
    region: dict[tuple[int, Any], str] = {}
    for chunk in _stream(db, _query("reports", rep_id, start, end))[1]:
        keys = list(zip(chunk[0], chunk[1], strict=True))  # by rep and stored day, as visits'
        weather.update(zip(keys, chunk[2], strict=True))
        named = ((key, said) for key, said in zip(keys, chunk[3], strict=True) if said is not None)
        region.update(named)
    rep_region = {id_: row[2] for id_, row in reps.items()}

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
            # the day's report by rep and day: a day is one report of the rep's, not a value
            reports = list(zip(rep_ids, days, strict=True))
            yield [days, rep_ids, customer_ids, *rest, reports, rep_ids]
            chunk = next(chunks, None)

    def report(key: tuple[int, Any]) -> tuple[str | None, str]:
        return weather.get(key), region.get(key, rep_region[key[0]])

    # a customer's name and phone, and a report's weather and region, are each one column: a
    # look-up per visit and column was most of the export's own work
    read: list[Read] = [
        day, lambda rep: reps[rep][0], customers.__getitem__, clock, clock, None, None, None,
        None, day, None, report, lambda rep: reps[rep][1],
    ]  # fmt: skip
    spans = [1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1]
    return Stored(read, rows_of(first), spans)


def sales(db: Any, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Date, rep code, customer (None for a sale without one), amount in cents, ref."""
    return _stored(db, _query("sales", rep_id, start, end))


def customers(db: Any, rep_id: int | None, start: date | None, end: date | None) -> Stored:
    """Name, grade, category, rep code, contact, phone, region, added on, won on, lost on,
    rep name; `start` and `end` bound the day each was added."""
    return _stored(db, _query("customer_list", rep_id, start, end))
