"""Where `broadcast` delivers a message: chat robots, e-mail, a file or stdout.

The channels themselves are settings: the `[channels.NAME]` tables of the config
file, checked by `salesproc.channel_settings.parse_channels` into the models
re-exported here. This package delivers to them:

* `robots` — DingTalk, WeCom and Feishu/Lark group robots over HTTP (httpx,
  imported only when a robot is sent to, so the CLI starts fast), with each
  robot's wire format and signing;
* `smtp` — e-mail through smtplib;
* `file` — a file the message is appended to, or stdout;
* `retry` — the timeout and the attempts, and `DeliveryError`;
* `redact` — what may be shown of a channel and of a failure.

`send` delivers one plain-text message to one channel and raises `DeliveryError`
when it cannot; the caller loops over the channels, so one broken channel never
keeps the message from the others. Deliveries are real, each with a timeout and
a few attempts for the failures that a moment later may not recur (timeouts,
refused connections, HTTP 5xx and 429, SMTP 4xx). A robot that answers "wrong
token" or "bad sign" is not asked again: it would only say the same thing.

A webhook URL is itself a password (its `access_token`, `key` or hook id lets
anyone post to the group), so no reason, description or exception chained
from here carries the URL's token, the signing secret, a computed sign or an
SMTP password: `describe` shows the host only, and every failure reason passes
through a scrubber that masks each of those values.
"""

from typing import TextIO

from salesproc.adapters.channels import file, robots, smtp
from salesproc.adapters.channels.file import SEPARATOR
from salesproc.adapters.channels.redact import Secrets, host, redact_url
from salesproc.adapters.channels.retry import ATTEMPTS, BACKOFF, TIMEOUT, DeliveryError
from salesproc.channel_settings import (
    Channel,
    DingTalkChannel,
    FeishuChannel,
    FileChannel,
    SmtpChannel,
    WeComChannel,
    parse_channels,
)
from salesproc.i18n import _, ngettext

__all__ = [
    "SEPARATOR",
    "Channel",
    "DeliveryError",
    "DingTalkChannel",
    "FeishuChannel",
    "FileChannel",
    "SmtpChannel",
    "WeComChannel",
    "describe",
    "parse_channels",
    "redact_url",
    "send",
]

#: DingTalk's sign, under the name the tests have always checked it by.
_dingtalk_sign = robots.dingtalk_sign


def describe(channel: Channel) -> str:
    """One line saying where a channel delivers, with nothing secret in it."""
    if isinstance(channel, DingTalkChannel):
        return _("dingtalk robot at {host}").format(host=host(channel.url))
    if isinstance(channel, WeComChannel):
        return _("wecom robot at {host}").format(host=host(channel.url))
    if isinstance(channel, FeishuChannel):
        return _("feishu bot at {host}").format(host=host(channel.url))
    if isinstance(channel, SmtpChannel):
        count = len(channel.to)
        return ngettext(
            "smtp {host}:{port} → {count} recipient",
            "smtp {host}:{port} → {count} recipients",
            count,
        ).format(host=channel.host, port=channel.effective_port, count=count)
    if channel.path == "-":
        return _("stdout")
    return _("file {path}").format(path=channel.path)


def send(
    channel: Channel,
    name: str,
    subject: str,
    text: str,
    *,
    timeout: float = TIMEOUT,
    retries: int = ATTEMPTS,
    backoff: float = BACKOFF,
    stdout: TextIO | None = None,
) -> None:
    """Deliver `text` to `channel` (called `name` in the config), or raise DeliveryError.

    `retries` is the number of attempts in all (the first included); between two
    attempts it waits `backoff`, then twice that, and so on. `subject` is the
    e-mail's subject and a DingTalk markdown message's title; the robots' text
    messages and the file carry `text` alone. `stdout` is where a "-" file
    channel writes (sys.stdout when not given).
    """
    if not text.strip():
        raise DeliveryError(name, _("the message is empty: nothing to send"))
    secrets = Secrets(channel)
    if isinstance(channel, FileChannel):
        file.append(channel, name, text, stdout)
        return
    attempts = max(1, retries)
    if isinstance(channel, SmtpChannel):
        smtp.deliver(channel, name, subject, text, secrets, timeout, attempts, backoff)
        return
    robots.post(channel, name, subject, text, secrets, timeout, attempts, backoff)
