"""Reps as a spreadsheet names them, for every import: one resolver, so one set of answers.

A clerk's export names a rep by code or by full name, the paper form's header
by `name (code)`. Each import used to look reps up its own way, and they
disagreed (one booked sales to a rep `sale add` refuses). Here is the only
place a cell's text becomes a rep: every import accepts the same texts,
refuses the same reps with the same words as `writes.find_active_rep`, and
creates a missing one the same way when asked to.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from salesproc.db import writes
from salesproc.db.models import Rep
from salesproc.errors import InputError
from salesproc.i18n import _
from salesproc.rules.names import clean_name, name_key, slug

#: `王五 (wang)` or `王五（wang）`: a name with its code, as the form's header block writes it
_NAME_AND_CODE = re.compile(r"(.*?)\s*[(（]\s*([^()（）]+?)\s*[)）]")


@dataclass(slots=True)
class KnownRep:
    id: int
    code: str
    name: str
    region: str | None
    active: bool


class RepIndex:
    """Every rep by code and by name, loaded once for a whole import (a million rows name a
    few hundred reps); reps it creates are written at once, inside the caller's transaction.

    `create`: add a rep a cell names that does not exist (`--create-reps`).
    `active_only`: refuse a deactivated rep, which can record nothing new: visits and
    sales; a customer list may still name one, as `customer add --rep` may.
    """

    def __init__(
        self, session: Session, now: datetime, *, create: bool = False, active_only: bool = True
    ) -> None:
        self.session, self.now = session, now
        self.create, self.active_only = create, active_only
        query = select(Rep.id, Rep.code, Rep.name, Rep.region, Rep.active)
        self.reps = {i: KnownRep(i, *rest) for i, *rest in session.execute(query)}
        self.by_code = {rep.code: rep.id for rep in self.reps.values()}
        self.by_name = {name_key(rep.name): rep.id for rep in self.reps.values()}
        #: the codes of the reps created, in the order they were
        self.created: list[str] = []

    def find(self, text: str) -> int | None:
        """The rep `text` names: a code, a name, else `name (code)` by its code or its name."""
        found = self.by_code.get(text) or self.by_name.get(name_key(text))
        if found is None and (match := _NAME_AND_CODE.fullmatch(text)):
            found = self.by_code.get(match[2]) or self.by_name.get(name_key(match[1]))
        return found

    def resolve(self, text: str) -> int:
        """The id of the rep `text` names, created if missing and asked to; else an
        InputError whose message is the reason, for a `row N, column C: reason` line."""
        found = self.find(text)
        if found is None:
            if not self.create:
                raise InputError(
                    _("unknown rep {rep!r}; add it or pass --create-reps").format(rep=text)
                )
            return self._add(text)
        rep = self.reps[found]
        if self.active_only and not rep.active:
            raise InputError(writes.deactivated(rep.code))
        return found

    def _add(self, text: str) -> int:
        """A new rep: the code a `name (code)` cell gives, if free, else a short ASCII slug of
        the name (Moses Frase → moses-frase, 张伟 → rep)."""
        match = _NAME_AND_CODE.fullmatch(text)
        name, code = (match[1], match[2]) if match else (text, None)
        taken = set(self.by_code)
        if not code or code in taken or any(ch.isspace() for ch in code):
            code = slug(name, taken)
        rep = writes.add_rep(self.session, code, clean_name(name) or code, None, None, self.now)
        self.reps[rep.id] = KnownRep(rep.id, rep.code, rep.name, None, True)
        self.by_code[rep.code] = self.by_name[name_key(rep.name)] = rep.id
        self.created.append(rep.code)
        return rep.id
