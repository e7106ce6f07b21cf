"""`adapters.jsondoc.to_json` writes its indented text itself, the C encoder doing each container
of plain values: the bytes must stay those of `json.dumps(indent=…)`, whatever the data."""

import json
from datetime import date, datetime, time
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salesproc.adapters.jsondoc import to_json


def _reference(data, indent):
    """What `to_json` wrote before: every value made plain, then `json.dumps` with the indent."""

    def plain(value):
        if isinstance(value, Decimal):
            return f"\0{value}\0"
        if isinstance(value, date | time):
            return value.strftime("%H:%M") if isinstance(value, time) else value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    import re

    text = re.sub(
        r'"\\u0000(-?[0-9.]+)\\u0000"', r"\1",
        json.dumps(plain(data), ensure_ascii=False, indent=indent),
    )  # fmt: skip
    return re.sub("[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(),
    st.decimals(allow_nan=False, places=2), st.dates(), st.times(), st.datetimes(),
)  # fmt: skip
_KEYS = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats())
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(_KEYS, inner, max_size=4),
    ),
    max_leaves=30,
)


@given(_DATA, st.sampled_from([2, 0, 4, None]))
def test_the_text_is_what_json_dumps_writes(data, indent):
    assert to_json(data, indent) == _reference(data, indent)


def test_a_listing_of_records_as_the_commands_print_it():
    records = [
        {"id": "a1b2c3d4", "date": date(2026, 11, 3), "at": time(9, 30),
         "amount": Decimal("-12.50"), "note": "下单\n\x9b[2J",
         "logged": datetime(2026, 11, 3, 9, 31), "tags": [], "more": {}},
        {"id": "e5f6", "nested": {"visits": [1, 2], "by": {"rep": "zhang"}}, "none": None},
    ]  # fmt: skip
    assert to_json(records) == _reference(records, 2)
    assert to_json([]) == "[]" and to_json({}) == "{}"
