"""JSON for scripts: dates as YYYY-MM-DD, times as HH:MM, money as exact numbers (never float)."""

import json
import re
from datetime import date, time
from decimal import Decimal
from typing import Any

_NUMBER = re.compile(r'"\\u0000(-?[0-9.]+)\\u0000"')
#: what `json.dumps` leaves raw with ensure_ascii off: DEL and C1 (0x9B is a terminal's CSI)
_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def to_json(data: Any, indent: int | None = 2) -> str:
    """JSON with dates as YYYY-MM-DD and Decimals as exact JSON numbers."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"\0{value}\0"  # a marker, unquoted below: exact digits, no float
        if isinstance(value, date | time):
            return value.strftime("%H:%M") if isinstance(value, time) else value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    text = _NUMBER.sub(r"\1", json.dumps(plain(data), ensure_ascii=False, indent=indent))
    return _RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
