"""Reps as spreadsheets name them: by code or by full name, created on request."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.db import writes
from salesproc.db.models import Rep
from salesproc.rules.names import name_key, slug


class RepIndex:
    """Every rep's id by code and by name, loaded once for a whole import."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_code = {code: i for i, code in session.execute(select(Rep.id, Rep.code))}
        self.by_name = {name_key(n): i for i, n in session.execute(select(Rep.id, Rep.name))}
        self.created: list[str] = []

    def code_of(self, rep_id: int) -> str:
        return next(code for code, i in self.by_code.items() if i == rep_id)

    def find(self, text: str) -> int | None:
        return self.by_code.get(text) or self.by_name.get(name_key(text))

    def create(self, name: str, now: datetime) -> int:
        """A new rep named `name`, its code a short ASCII slug of it (Moses Frase → moses-frase)."""
        rep = writes.add_rep(self.session, slug(name, set(self.by_code)), name, None, None, now)
        self.by_code[rep.code], self.by_name[name_key(rep.name)] = rep.id, rep.id
        self.created.append(rep.code)
        return rep.id
