"""JSON for scripts: dates as YYYY-MM-DD, times as HH:MM, money as exact numbers (never float).

Why the indented text is put together here: `json.dumps` with an indent runs Python's own
encoder, value by value (0.3 s for an audit's 16,000 flags); without one it runs the C
encoder. Each container whose values are all plain (no list or dict inside) is encoded by the
C encoder in one call, its item separator carrying the newline and the indent, and only the
containers that hold containers are walked here: the same bytes as `json.dumps(indent=…)`.
"""

import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

_NUMBER = re.compile(r'"\\u0000(-?[0-9.]+)\\u0000"')
#: what `json.dumps` leaves raw with ensure_ascii off: DEL and C1 (0x9B is a terminal's CSI)
_RAW_CONTROL = re.compile("[\x7f-\x9f]")
#: the types of a value that is never a container (what most records hold): checked by type
#: in one go, not each value by `isinstance`
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), Decimal, date, datetime, time})


def _plain(value: Any) -> Any:
    """A value JSON has no type for, as it is written: a Decimal as a marker (unquoted once
    encoded: exact digits, no float), a date as YYYY-MM-DD, a time as HH:MM."""
    if isinstance(value, Decimal):
        return f"\0{value}\0"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def to_json(data: Any, indent: int | None = 2) -> str:
    """JSON with dates as YYYY-MM-DD and Decimals as exact JSON numbers."""
    if indent is None:
        text = json.dumps(data, ensure_ascii=False, default=_plain)
    else:
        text = _Indented(indent).text(data, 0)
    text = _NUMBER.sub(r"\1", text)
    return _RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Indented:
    """`json.dumps(data, ensure_ascii=False, indent=indent, default=_plain)`, byte for byte,
    with the C encoder doing every container of plain values."""

    def __init__(self, indent: int) -> None:
        self.indent = " " * indent
        self.flat: dict[int, json.JSONEncoder] = {}  # by depth: its separator holds the indent
        self.scalar = json.JSONEncoder(ensure_ascii=False, default=_plain).encode

    def text(self, value: Any, level: int) -> str:
        if isinstance(value, dict):
            if not value:
                return "{}"
            values: Any = value.values()
        elif isinstance(value, list | tuple):
            if not value:
                return "[]"
            values = value
        else:
            return self.scalar(value)
        inner = "\n" + self.indent * (level + 1)
        close = "\n" + self.indent * level + ("}" if isinstance(value, dict) else "]")
        if set(map(type, values)) <= _PLAIN_TYPES or not any(
            isinstance(v, dict | list | tuple) for v in values
        ):
            encoder = self.flat.get(level)
            if encoder is None:
                encoder = self.flat[level] = json.JSONEncoder(
                    ensure_ascii=False, default=_plain, separators=("," + inner, ": ")
                )
            flat = encoder.encode(value)
            return flat[0] + inner + flat[1:-1] + close
        if isinstance(value, dict):
            parts = [f"{self._key(k)}: {self.text(v, level + 1)}" for k, v in value.items()]
            return "{" + inner + ("," + inner).join(parts) + close
        parts = [self.text(v, level + 1) for v in value]
        return "[" + inner + ("," + inner).join(parts) + close

    def _key(self, key: Any) -> str:
        """A key as `json.dumps` writes it: always a string (a number or null as its text)."""
        if isinstance(key, str):
            return self.scalar(key)
        encoded = json.dumps({key: 0})  # the C encoder's own rule for a key that is not text
        return encoded[1 : encoded.rindex(":")]
