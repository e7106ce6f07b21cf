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


# The words of the options (--issue, --verdict, --edition, --metric, --period, …): each
# vocabulary read by one function, in English or in the Chinese a sales office says.


class Issue(StrEnum):
    """What a day in the market found (`field log --issue`)."""

    CROSS_REGION = "cross-region"
    PRICE = "price"
    DISPLAY = "display"
    STOCK = "stock"
    OTHER = "other"


class IssueStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class RecordKind(StrEnum):
    """The kinds of record the history names (`db.history.KINDS`)."""

    VISIT = "visit"
    SALE = "sale"
    COLLECTION = "collection"
    CUSTOMER = "customer"
    REP = "rep"
    TARGET = "target"
    FLAG = "flag"


class Dataset(StrEnum):
    """What `export` writes."""

    VISITS = "visits"
    SALES = "sales"
    CUSTOMERS = "customers"


#: the Chinese words of each vocabulary, by English value: the first is the one listed
ISSUE_ZH = {"cross-region": ("窜货",), "price": ("乱价",), "display": ("陈列",),
            "stock": ("库存", "缺货"), "other": ("其他", "其它")}  # fmt: skip
STATUS_ZH = {"open": ("未解决", "待解决"), "resolved": ("已解决",)}
VERDICT_ZH = {"ok": ("正常",), "doubtful": ("可疑",)}
EDITION_ZH = {"morning": ("早报",), "evening": ("晚报",)}
METRIC_ZH = {"sales": ("销售", "销售额"), "visits": ("拜访",), "collections": ("回款",)}
PERIOD_ZH = {"week": ("周",), "month": ("月",), "quarter": ("季", "季度"), "year": ("年",),
             "all": ("全部",)}  # fmt: skip
BY_ZH = {"rep": ("业务员",), "region": ("区域",)}
RECORD_ZH = {"visit": ("拜访",), "sale": ("销售",), "collection": ("回款",),
             "customer": ("客户",), "rep": ("业务员",), "target": ("目标",),
             "flag": ("疑点",)}  # fmt: skip
DATASET_ZH = {"visits": ("拜访",), "sales": ("销售",), "customers": ("客户",)}
FORMAT_ZH = {"table": ("表格",), "json": (), "csv": (), "xlsx": ("excel",)}
LANGUAGE_ZH = {"en": ("英文", "english"), "zh": ("中文", "chinese")}


def choose(text: str, enum: type[E], zh: dict[str, tuple[str, ...]], message: str) -> E:
    """`text` as a member of `enum`: its English value (any case) or one of its Chinese words.

    `message` (marked with N_) names the word and lists the choices, in Chinese the
    Chinese words (which are accepted too).
    """
    word = text.strip()
    for member in enum:
        if word.casefold() == member.value.casefold() or word.casefold() in zh.get(
            member.value, ()
        ):
            return member
    if language() == "zh":
        choices = "、".join((zh.get(m.value) or (m.value,))[0] for m in enum)
    else:
        choices = ", ".join(member.value for member in enum)
    raise InputError(_(message).format(text=text, choices=choices))


def parse_issue(text: str) -> Issue:
    return choose(text, Issue, ISSUE_ZH, N_("unknown issue {text!r}; use one of: {choices}"))


def parse_issue_status(text: str) -> IssueStatus:
    message = N_("unknown status {text!r}; use one of: {choices}")
    return choose(text, IssueStatus, STATUS_ZH, message)


def parse_record_kind(text: str) -> RecordKind:
    message = N_("unknown kind of record {text!r}; use one of: {choices}")
    return choose(text, RecordKind, RECORD_ZH, message)


def parse_dataset(text: str) -> Dataset:
    message = N_("cannot export {text!r}; use one of: {choices}")
    return choose(text, Dataset, DATASET_ZH, message)


def parse_verdict(text: str) -> "Verdict":
    message = N_("unknown verdict {text!r}; use one of: {choices}")
    return choose(text, Verdict, VERDICT_ZH, message)


def parse_edition(text: str) -> "Edition":
    message = N_("unknown edition {text!r}; use one of: {choices}")
    return choose(text, Edition, EDITION_ZH, message)


def parse_metric(text: str):  # type: ignore[no-untyped-def]  # -> rules.ranking.Metric
    from salesproc.rules.ranking import Metric

    message = N_("unknown metric {text!r}; use one of: {choices}")
    return choose(text, Metric, METRIC_ZH, message)


def parse_by(text: str):  # type: ignore[no-untyped-def]  # -> rules.ranking.By
    from salesproc.rules.ranking import By

    return choose(text, By, BY_ZH, N_("cannot rank by {text!r}; use one of: {choices}"))


def parse_period(text: str):  # type: ignore[no-untyped-def]  # -> rules.dates.Period
    """month, quarter, year, all (and week where the leaderboard has it); 月, 季, 年, 全部, 周."""
    from salesproc.rules.dates import Period

    message = N_("unknown period {text!r}; use one of: {choices}")
    return choose(text, Period, PERIOD_ZH, message)


def parse_format(text: str, formats: type[E]) -> E:
    """An output or file format among `formats` (a command's own choice of them)."""
    return choose(text, formats, FORMAT_ZH, N_("unknown format {text!r}; use one of: {choices}"))


def parse_language(text: str, languages: type[E]) -> E:
    return choose(
        text, languages, LANGUAGE_ZH, N_("unknown language {text!r}; use one of: {choices}")
    )


class Verdict(StrEnum):
    """What the supervisor judged a check-in call: a doubtful one is a red flag."""

    OK = "ok"
    DOUBTFUL = "doubtful"


class Edition(StrEnum):
    """The morning edition reports the day before; the evening one, the day itself."""

    MORNING = "morning"
    EVENING = "evening"
