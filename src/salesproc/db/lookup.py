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
from salesproc.rules.names import clean_name, code_key, name_key, slug

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
        self.by_code_key: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        for rep in sorted(self.reps.values(), key=lambda r: r.id):
            self._index(rep)
        #: the codes of the reps created, in the order they were
        self.created: list[str] = []

    def _index(self, rep: KnownRep) -> None:
        self.by_code[rep.code] = rep.id
        self.by_code_key.setdefault(code_key(rep.code), []).append(rep.id)
        self.by_name.setdefault(name_key(rep.name), []).append(rep.id)

    def _one(self, text: str) -> int | None:
        """As `writes.find_rep`: the code exactly, else ignoring case, else the name; a name
        several reps share is refused with `writes.find_rep`'s words."""
        found = self.by_code.get(text)
        if found is not None:
            return found
        ids = self.by_code_key.get(code_key(text)) or self.by_name.get(name_key(text)) or []
        if len(ids) > 1:
            raise InputError(writes.same_name_reps(text, [self.reps[i].code for i in ids]))
        return ids[0] if ids else None

    def find(self, text: str) -> int | None:
        """The rep `text` names: a code, a name, else `name (code)` by its code or its name."""
        found = self._one(text)
        if found is None and (match := _NAME_AND_CODE.fullmatch(text)):
            found = self._one(match[2]) or self._one(match[1])
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
        taken = set(self.by_code_key)
        if not code or code_key(code) in taken or any(ch.isspace() for ch in code):
            code = slug(name, taken)
        rep = writes.add_rep(self.session, code, clean_name(name) or code, None, None, self.now)
        self.reps[rep.id] = KnownRep(rep.id, rep.code, rep.name, None, True)
        self._index(self.reps[rep.id])
        self.created.append(rep.code)
        return rep.id
