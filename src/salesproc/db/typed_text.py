"""Text a person typed is stored trimmed, whichever command wrote it.

The imports trim every cell (`adapters.tabular`); this does the same for every
record written through a session (`log-visit --note " x "`, `customer add`,
`sale edit --ref` …), with the one rule of `rules.text.tidy`, so that what a
command stores an export writes and an import reads back exactly.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from salesproc.db.limits import TYPED as TYPED_COLUMNS
from salesproc.db.limits import check_record
from salesproc.db.models import Call, Collection, Customer, DailyReport, FieldDay, Rep, Sale, Visit
from salesproc.rules.text import tidy

#: the columns that hold what people type (`limits.TYPED`), by model
TYPED: dict[type, tuple[str, ...]] = {
    model: TYPED_COLUMNS[model.__table__.name]  # type: ignore[attr-defined]
    for model in (Rep, Customer, Visit, Sale, Collection, DailyReport, Call, FieldDay)
}


@event.listens_for(Session, "before_flush")
def _trim_typed_text(session: Session, _context: Any, _instances: Any) -> None:
    for record in (*session.new, *session.dirty):
        for name in TYPED.get(type(record), ()):
            value = getattr(record, name)
            if isinstance(value, str) and value != tidy(value):
                setattr(record, name, tidy(value))
        # then measured as stored: refused here alike on SQLite and PostgreSQL (`db.limits`)
        check_record(record, TYPED.get(type(record), ()))
