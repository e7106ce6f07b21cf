"""Amounts as exact integer cents: a leaderboard that drifts by a cent loses trust.

`parse_amount` is the one reader of amounts: every option and every import calls
it, so whatever one place accepts, all accept.
"""

import re
import unicodedata
from decimal import Decimal

from salesproc.errors import InputError
from salesproc.i18n import _

#: `3200`, `3,200.50` (separators only between groups of three), `¥3200`, `3200元`, `3.2万`,
#: `3.2万元`; read after NFKC, so `￥` is `¥` and `１２００` is `1200`
_AMOUNT = re.compile(
    r"¥?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<part>[0-9]+))?"
    r"\s*(?P<wan>万)?\s*元?"
)
MAX_CENTS = 10**14  # amounts are below 10^12 of the currency
#: the digits a number may have before it is surely too big (and before int() refuses it)
_MAX_DIGITS = 30


def parse_amount(text: str, allow_negative: bool = False) -> int:
    """An amount as people write it, 0 < N < 10^12 with at most two decimals once `万` has
    multiplied it by 10,000, into cents.

    With `allow_negative` (a clerk's export, whose credit notes are returns) a
    leading minus gives a negative amount; zero is still no amount.
    """
    word = unicodedata.normalize("NFKC", text).strip()
    sign = 1
    if allow_negative and word.startswith("-"):
        sign, word = -1, word[1:].lstrip()
    match = _AMOUNT.fullmatch(word)
    if match is None or len(match["whole"]) > _MAX_DIGITS:
        raise InputError(
            _(
                "bad amount {text!r}; use a number like 3200, 3200.50, 3,200.00, ¥3200, "
                "3200元 or 3.2万, with at most two decimals"
            ).format(text=text)
        )
    places, part = 2, match["part"] or ""
    if match["wan"]:  # `1.23456万` is 12,345.60: its zeros at the end say nothing more
        places, part = 6, part.rstrip("0")
    if len(part) > places:
        raise InputError(
            _("bad amount {text!r}; an amount has at most two decimals (cents)").format(text=text)
        )
    cents = int(match["whole"].replace(",", "") + part.ljust(places, "0"))
    if not 0 < cents < MAX_CENTS:
        if allow_negative:
            message = _("bad amount {text!r}; it must be other than 0 and within ±10^12")
        else:
            message = _("bad amount {text!r}; it must be above 0 and below 10^12")
        raise InputError(message.format(text=text))
    return sign * cents


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def amount_text(cents: int) -> str:
    """`-420000` cents → `-4200.00`: an amount as JSON gives it to scripts, exact, as a string."""
    return f"{cents_to_decimal(cents):.2f}"


def format_amount(cents: int) -> str:
    """`1234567` cents → `12,345.67`, as a leaderboard shows money."""
    return f"{cents_to_decimal(cents):,.2f}"
