"""How long a text may be, read from the tables themselves, and checked before the database.

SQLite stores a `VARCHAR(40)` of any length; PostgreSQL refuses the 41st
character (and any NUL) with a driver error. So every text is measured here,
against the length its column declares in `models`, and refused the same way
on both: exit 2 naming the field (`row N, column C: …` in an import), nothing
written. The one table is `LENGTH`; a test fails when it and the columns of
`db.tables` differ (a column made longer by a migration).

Every record written through a session passes `check_record` (the before-flush
hook of `typed_text`); an import, which writes rows past the ORM, asks `too_long`
of each cell it keeps, to tell the row and column.
"""

from functools import cache
from typing import Any

from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.rules.text import control_char, tidy

#: each table's columns that hold what people type (not codes, keys, JSON or generated text):
#: stored trimmed (`typed_text` for a session, `checked_row` past it)
TYPED: dict[str, tuple[str, ...]] = {
    "reps": ("name", "region", "phone"),
    "customers": ("name", "contact", "phone", "region"),
    "visits": ("result", "note"),
    "sales": ("ref",),
    "collections": ("ref",),
    "daily_reports": ("region", "weather"),
    "calls": ("note",),
    "field_days": ("region", "note", "resolution"),
}

#: "table.column" → the most characters it holds, for every column of bounded text: the
#: `String(n)` of `db.tables`, written again here so that a write checks its texts without
#: importing SQLAlchemy (`db.prepared`); tests/test_validation_limits.py holds the two equal
LENGTH: dict[str, int] = {
    "reps.code": 40, "reps.name": 100, "reps.region": 100, "reps.phone": 40,
    "customers.name": 200, "customers.name_key": 200, "customers.grade": 1,
    "customers.category": 10, "customers.contact": 100, "customers.phone": 40,
    "customers.region": 100,
    "visits.purposes": 80, "visits.outcome": 10, "visits.category": 10,
    "sales.ref": 100, "sales.source_key": 200,
    "collections.ref": 100, "collections.source_key": 200,
    "history.user": 100, "history.kind": 20, "history.action": 20,
    "daily_reports.region": 100, "daily_reports.weather": 100,
    "targets.metric": 12, "targets.split": 120,
    "broadcasts.edition": 10, "broadcasts.channel": 100, "broadcasts.digest": 64,
    "broadcasts.status": 10,
    "calls.window": 12, "calls.verdict": 10,
    "audit_reviews.flag_id": 16, "audit_reviews.rule": 30, "audit_reviews.verdict": 10,
    "field_days.region": 100, "field_days.issue": 20,
    "team_users.login": 63, "team_users.role": 12,
}  # fmt: skip

#: what a person calls a column it types, in a message; others are named `table.column`
FIELD: dict[str, str] = {
    "reps.code": N_("the rep code"),
    "reps.name": N_("the rep's name"),
    "reps.region": N_("the rep's region"),
    "reps.phone": N_("the rep's phone"),
    "customers.name": N_("the customer name"),
    "customers.name_key": N_("the customer name"),
    "customers.contact": N_("the customer's contact"),
    "customers.phone": N_("the customer's phone"),
    "customers.region": N_("the customer's region"),
    "sales.ref": N_("the sale's reference"),
    "sales.source_key": N_("the sale's key"),
    "collections.ref": N_("the collection's reference"),
    "collections.source_key": N_("the collection's key"),
    "daily_reports.region": N_("the report's region"),
    "daily_reports.weather": N_("the report's weather"),
    "field_days.region": N_("the field day's region"),
    "history.user": N_("config `user`"),
    "targets.split": N_("the target's --split"),
    "broadcasts.channel": N_("the channel's name"),
}


def too_long(text: str | None, column: str) -> str | None:
    """Why the text cannot be stored in the column ("table.column"), or None when it fits."""
    limit = LENGTH[column]
    if text is None or len(text) <= limit:
        return None
    return _("{length} characters, more than the {limit} that fit; shorten it").format(
        length=len(text), limit=limit
    )


def field_name(column: str) -> str:
    """The column as a message names it."""
    return _(FIELD[column]) if column in FIELD else column


def check(text: str | None, column: str, field: str | None = None) -> None:
    """Refuse a text too long for its column, naming `field` (else the column's name)."""
    reason = too_long(text, column)
    if reason is not None:
        raise InputError(
            _("{field} is too long: {reason}").format(
                field=field or field_name(column), reason=reason
            )
        )


@cache
def _texts(model: type, typed: tuple[str, ...]) -> tuple[tuple[str, str, int | None, bool], ...]:
    """A model's text attributes to check: (attribute, "table.column", the most characters
    or None, whether control characters are refused in it)."""
    from sqlalchemy import inspect  # a session's flush: SQLAlchemy is loaded

    mapper = inspect(model)
    table = mapper.local_table.name
    found = []
    for prop in mapper.column_attrs:
        column = f"{table}.{prop.columns[0].name}"
        controls = column in FIELD or prop.key in typed
        if column in LENGTH or controls:
            found.append((prop.key, column, LENGTH.get(column), controls))
    return tuple(found)


def check_record(record: Any, typed: tuple[str, ...] = ()) -> None:
    """Refuse a record a text of which is too long for its column, or holds a NUL or other
    control character (which PostgreSQL refuses or a terminal would obey), naming the field;
    `typed` names the attributes of unbounded text people type (a note), checked for those.

    Only what the record changes is checked: a text stored before the limits were
    enforced stays readable and editable in its other fields.
    """
    from sqlalchemy import inspect

    state = inspect(record)
    # a loaded record keeps the old value of each attribute changed since (and only those)
    changed = None if state.key is None else state.committed_state
    values = state.dict
    for key, column, limit, controls in _texts(type(record), typed):
        if changed is not None and key not in changed:
            continue
        _check_text(values.get(key), column, limit, controls)


def _check_text(value: object, column: str, limit: int | None, controls: bool) -> None:
    if not isinstance(value, str):
        return
    if limit is not None and len(value) > limit:
        check(value, column)
    if controls and (code := control_char(value)):
        raise InputError(
            _("{field} contains the control character {code}; type it without").format(
                field=field_name(column), code=code
            )
        )


@cache
def _columns(table: str) -> tuple[tuple[str, str, int | None, bool], ...]:
    """`_texts` of a table's columns, for rows written past the ORM: its bounded ones in
    `LENGTH`'s order, then its typed ones of unbounded text (a note)."""
    typed = TYPED.get(table, ())
    names = [column.split(".")[1] for column in (*LENGTH, *FIELD) if column.startswith(f"{table}.")]
    names += [name for name in typed if name not in names]
    found = []
    for name in dict.fromkeys(names):
        column = f"{table}.{name}"
        found.append((name, column, LENGTH.get(column), column in FIELD or name in typed))
    return tuple(found)


def checked_row(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """`values` (a new row, or the changed columns of one) as a session would store them
    (`typed_text`): the typed texts trimmed, then every text refused by `check_record`'s rules."""
    for name in TYPED.get(table, ()):
        value = values.get(name)
        if isinstance(value, str):
            values[name] = tidy(value)
    for name, column, limit, controls in _columns(table):
        _check_text(values.get(name), column, limit, controls)
    return values
