"""The paper form's words (销售日报表), in the two languages the workbook is written in.

One table serves the writer (`report template`, `report daily --format xlsx`)
and the reader (`import visits`), so a form written in either language reads
back. The Chinese words are the form's own, as supervisors print them.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

from salesproc.i18n import _, ngettext
from salesproc.rules.vocab import CATEGORY_ZH, OUTCOME_ZH, PURPOSE_ZH

LANGUAGES = ("en", "zh")

TITLE = {"en": "Daily sales report", "zh": "销售日报表"}

#: The header block, above the visit rows: label, then the value in the next cell.
HEADER = {
    "region": {"en": "Region", "zh": "区域"},
    "rep": {"en": "Reporter", "zh": "日报人"},
    "date": {"en": "Date", "zh": "填写日期"},
    "weather": {"en": "Weather", "zh": "天气"},
}

#: The visit rows' column headings, left to right.
COLUMNS = {
    "seq": {"en": "No.", "zh": "序号"},
    "customer": {"en": "Customer", "zh": "访问客户"},
    "phone": {"en": "Phone", "zh": "电话"},
    "time": {"en": "Visit time", "zh": "访问时间"},
    "purposes": {"en": "Purposes", "zh": "访问目的"},
    "result": {"en": "Result", "zh": "商谈结果"},
    "outcome": {"en": "Outcome", "zh": "结果"},
    "category": {"en": "Category", "zh": "客户类别"},
    "next_visit": {"en": "Next visit", "zh": "预定再访时间"},
    "notes": {"en": "Notes", "zh": "其他记录"},
    #: the order taken on the visit: a sale, as `log-visit --amount`
    "amount": {"en": "Amount", "zh": "订货金额"},
    #: money collected on the visit: a collection, as `log-visit --collected`
    "collected": {"en": "Collected", "zh": "回款金额"},
}

#: The first cell of the footer row, which ends the visit rows of a filled form.
TOTAL = {"en": "Total", "zh": "合计"}


def word(value: Any, lang: str) -> str:
    """A word of the form (order, prospect, won; or several) as the form in `lang` writes it.

    Reps read and type the form's Chinese words; an unknown word is kept as it came.
    """
    if isinstance(value, list | tuple):
        return "/".join(word(v, lang) for v in value)
    if value is None:
        return ""
    if lang == "zh":
        for table in (PURPOSE_ZH, CATEGORY_ZH, OUTCOME_ZH):
            if value in table:
                return table[value]
    return str(value)


def span(start: time | None, end: time | None) -> str:
    """The visit time as the form's column reads it: `09:30–10:15`, or just the start."""
    if start is None and end is None:
        return ""
    first = "" if start is None else f"{start:%H:%M}"
    return first if end is None else f"{first}–{end:%H:%M}"


def summary(visits: Sequence[Mapping[str, Any]], quota: int, lang: str) -> str:
    """The footer: visits against the quota (定量工作), then the purpose and category mixes.

    The supervisor sees at a glance whether the rep did the required number of
    visits and whether its customer structure is healthy.
    """
    if not visits:
        return _("no report")
    short = quota - len(visits)
    parts = [
        ngettext("{n} visit of a quota of {quota}", "{n} visits of a quota of {quota}", len(visits))
        .format(n=len(visits), quota=quota)
        + (_(" ({n} short)").format(n=short) if short > 0 else "")
    ]  # fmt: skip
    purposes = Counter(p for v in visits for p in v["purposes"])
    categories = Counter(v["category"] for v in visits if v.get("category"))
    for mix in (purposes, categories):
        if mix:
            parts.append(_(", ").join(f"{word(w, lang)} {n}" for w, n in mix.most_common()))
    return " · ".join(parts)
