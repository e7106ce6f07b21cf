"""The words of the daily sales report (销售日报表), in English and Chinese.

Code and output use the English values; input accepts either language,
because reps type what is on the paper form.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from salesproc.errors import InputError
from salesproc.i18n import N_, _, language

E = TypeVar("E", bound=StrEnum)


class Purpose(StrEnum):
    ORDER = "order"
    COLLECTION = "collection"
    DEVELOPMENT = "development"
    SERVICE = "service"
    EXPLANATION = "explanation"


class Category(StrEnum):
    PROSPECT = "prospect"
    NEW = "new"
    EXISTING = "existing"


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class Outcome(StrEnum):
    WON = "won"
    LOST = "lost"


PURPOSE_ZH = {
    Purpose.ORDER: "订货",
    Purpose.COLLECTION: "收款",
    Purpose.DEVELOPMENT: "开发",
    Purpose.SERVICE: "服务",
    Purpose.EXPLANATION: "说明",
}
CATEGORY_ZH = {Category.PROSPECT: "开发", Category.NEW: "新增", Category.EXISTING: "原有"}
GRADE_ZH = {Grade.A: "A类", Grade.B: "B类", Grade.C: "C类"}
OUTCOME_ZH = {Outcome.WON: "成交", Outcome.LOST: "流失"}


def _aliases(enum: type[E], zh: dict[E, str], extra: dict[str, E]) -> dict[str, E]:
    table: dict[str, E] = {member.value.casefold(): member for member in enum}
    table.update({word: member for member, word in zh.items()})
    table.update(extra)
    return table


_PURPOSES = _aliases(Purpose, PURPOSE_ZH, {})
_CATEGORIES = _aliases(Category, CATEGORY_ZH, {})
_GRADES = _aliases(Grade, GRADE_ZH, {"a": Grade.A, "b": Grade.B, "c": Grade.C})
_OUTCOMES = _aliases(Outcome, OUTCOME_ZH, {"赢单": Outcome.WON, "丢单": Outcome.LOST})


def _parse(text: str, table: dict[str, E], message: str, enum: type[E], zh: dict[E, str]) -> E:
    """`message` (marked with N_) names the word and lists the choices: in Chinese, the
    Chinese words, which are accepted too."""
    word = text.strip()
    found = table.get(word.casefold()) or table.get(word)
    if found is None:
        if language() == "zh":
            choices = "、".join(zh[member] for member in enum)
        else:
            choices = ", ".join(member.value for member in enum)
        raise InputError(_(message).format(text=text, choices=choices))
    return found


def parse_category(text: str) -> Category:
    message = N_("unknown category {text!r}; use one of: {choices}")
    return _parse(text, _CATEGORIES, message, Category, CATEGORY_ZH)


def parse_grade(text: str) -> Grade:
    message = N_("unknown grade {text!r}; use one of: {choices}")
    return _parse(text, _GRADES, message, Grade, GRADE_ZH)


def parse_outcome(text: str) -> Outcome:
    message = N_("unknown outcome {text!r}; use one of: {choices}")
    return _parse(text, _OUTCOMES, message, Outcome, OUTCOME_ZH)


def parse_purposes(values: Iterable[str]) -> tuple[Purpose, ...]:
    """Comma-separated or repeated words, either language, into the form's order.

    The order is the form's (order, collection, development, …), not the
    typing order, so the same visit always reads the same.
    """
    words = [w for value in values for w in value.replace("，", ",").split(",") if w.strip()]
    if not words:
        raise InputError(_("no purpose given; use --purpose order|collection|development|…"))
    message = N_("unknown purpose {text!r}; use one of: {choices}")
    found = {_parse(w, _PURPOSES, message, Purpose, PURPOSE_ZH) for w in words}
    return tuple(p for p in Purpose if p in found)
