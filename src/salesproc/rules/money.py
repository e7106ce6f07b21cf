"""Amounts as exact integer cents: a leaderboard that drifts by a cent loses trust."""

import re
from decimal import Decimal

from salesproc.errors import InputError
from salesproc.i18n import _

_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
MAX_CENTS = 10**14  # amounts are below 10^12 of the currency


def parse_amount(text: str, allow_negative: bool = False) -> int:
    """A plain decimal with at most two places, 0 < N < 10^12, into cents.

    With `allow_negative` (a clerk's export, whose credit notes are returns) a
    leading minus gives a negative amount; zero is still no amount.
    """
    word = text.strip()
    sign = 1
    if allow_negative and word.startswith("-"):
        sign, word = -1, word[1:]
    if not _AMOUNT.fullmatch(word):
        raise InputError(
            _("bad amount {text!r}; use a plain number like 1200 or 1200.50").format(text=text)
        )
    cents = int(Decimal(word) * 100)
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
