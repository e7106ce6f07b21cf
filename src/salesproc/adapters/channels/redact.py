"""What may be shown of a channel: a URL without its token, a reason without any secret.

A webhook URL is itself a password (its `access_token`, `key` or hook id lets
anyone post to the group), so no reason, description or exception chained from
the delivery code carries the URL's token, the signing secret, a computed sign
or an SMTP password: `redact_url` keeps the scheme, host and path only, and every
failure reason passes through `Secrets.scrub`, which masks each of those values.
"""

import re
import urllib.parse

from salesproc.channel_settings import Channel, SmtpChannel, Webhook


def redact_url(url: str) -> str:
    """The URL with no query, no user info and no hook token: safe to show or log.

    Scheme, host and path stay, except that a path segment after `/hook/` (the
    Feishu/Lark token lives there) is masked.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    path = re.sub(r"(/hook/)[^/]+", r"\1***", parts.path)
    return urllib.parse.urlunsplit((parts.scheme, host, path, "", ""))


def host(url: str) -> str:
    """The host (and port) of a URL, as `redact_url` shows it."""
    return urllib.parse.urlsplit(redact_url(url)).netloc


class Secrets:
    """Every value that must not be shown, and the scrubber that masks them in a reason."""

    def __init__(self, channel: Channel) -> None:
        self.values: set[str] = set()
        if isinstance(channel, Webhook):
            parts = urllib.parse.urlsplit(channel.url)
            self.values.update(value for _key, value in urllib.parse.parse_qsl(parts.query))
            self.values.update(segment for segment in parts.path.split("/") if len(segment) >= 16)
            if parts.password:
                self.values.add(parts.password)
            if channel.secret:
                self.values.add(channel.secret)
        if isinstance(channel, SmtpChannel) and channel.password:
            self.values.add(channel.password)

    def add(self, value: str) -> None:
        self.values.add(value)
        self.values.add(urllib.parse.quote_plus(value))
        self.values.add(urllib.parse.quote(value, safe=""))

    def scrub(self, text: str) -> str:
        # longest first, so a value containing another is masked whole
        for value in sorted(self.values, key=len, reverse=True):
            if len(value) >= 4:
                text = text.replace(value, "***")
        return text
