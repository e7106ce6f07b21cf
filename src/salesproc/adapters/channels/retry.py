"""Timeouts and attempts: how long one delivery may take, and when to try again.

Every delivery has a timeout and a few attempts for the failures that a moment
later may not recur (timeouts, refused connections, HTTP 5xx and 429, SMTP 4xx).
A robot that answers "wrong token" or "bad sign" is not asked again: it would
only say the same thing. Each attempt raises `Failed` saying which it is;
`with_retries` turns the last one into the `DeliveryError` the caller sees.
"""

import time
from collections.abc import Callable

from salesproc.adapters.channels.redact import Secrets
from salesproc.errors import RuntimeFailure
from salesproc.i18n import _

#: Seconds one connection (HTTP or SMTP) may wait for an answer.
TIMEOUT = 10
#: Attempts in all, the first included.
ATTEMPTS = 3
#: Seconds before the second attempt; each later wait is twice the one before.
BACKOFF = 0.5
#: The longest piece of a server's reply quoted in a failure reason.
QUOTE_LIMIT = 200


class DeliveryError(RuntimeFailure):
    """A channel could not take the message; `reason` is safe to show (no secrets in it)."""

    def __init__(self, name: str, reason: str, attempts: int = 1) -> None:
        super().__init__(_("channel {name!r}: {reason}").format(name=name, reason=reason))
        self.name = name
        self.reason = reason
        self.attempts = attempts


class Failed(Exception):
    """One attempt failed; `retry` says whether another attempt might fare better."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


def with_retries(
    once: Callable[[], None], name: str, attempts: int, backoff: float, secrets: Secrets
) -> None:
    """Run `once` until it succeeds, fails for good, or the attempts are used up."""
    for number in range(1, attempts + 1):
        try:
            once()
            return
        except Failed as failure:
            if not failure.retry or number == attempts:
                reason = secrets.scrub(failure.reason)
                if number > 1:
                    reason = _("{reason} (after {count} attempts)").format(
                        reason=reason, count=number
                    )
                raise DeliveryError(name, reason, number) from None
        time.sleep(backoff * 2 ** (number - 1))
