"""Where `broadcast` delivers a message: chat robots, e-mail, a file or stdout.

Each `[channels.NAME]` table of the config file is one channel; `parse_channels`
checks them with the same strictness as the rest of the config (a typo in a key
is an error naming the channel and the key, never a silently ignored setting).

`send` delivers one plain-text message to one channel and raises `DeliveryError`
when it cannot; the caller loops over the channels, so one broken channel never
keeps the message from the others. Deliveries are real: HTTP through httpx
(imported only here, inside `send`, so the CLI starts fast) and SMTP through
smtplib, each with a timeout and a few attempts for the failures that a moment
later may not recur (timeouts, refused connections, HTTP 5xx and 429, SMTP 4xx).
A robot that answers "wrong token" or "bad sign" is not asked again: it would
only say the same thing.

A webhook URL is itself a password (its `access_token`, `key` or hook id lets
anyone post to the group), so no reason, description or exception chained
from here carries the URL's token, the signing secret, a computed sign or an
SMTP password: `describe` shows the host only, and every failure reason passes
through a scrubber that masks each of those values.

Wire formats (as the robots' documentation gives them):

* DingTalk group robot: POST JSON `{"msgtype": "text", "text": {"content": …}}`
  (or `{"msgtype": "markdown", "markdown": {"title": subject, "text": …}}`); with a
  secret, `&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp}\\n{secret}")))>` is added to the URL. Success: `{"errcode": 0}`.
* WeCom group robot: POST JSON `{"msgtype": "text", "text": {"content": …}}`
  (at most 2048 bytes of UTF-8). Success: `{"errcode": 0}`.
* Feishu/Lark custom bot: POST JSON `{"msg_type": "text", "content": {"text": …}}`;
  with a secret, `"timestamp": "<s>"` and `"sign": base64(HMAC-SHA256(key=
  f"{timestamp}\\n{secret}", msg=b""))` join the body. Success: `{"code": 0}` or,
  from older deployments, `{"StatusCode": 0}`.

The signing timestamps are the real clock (`time.time()`), never `SALESPROC_NOW`:
the robots refuse a sign whose time is more than an hour from theirs.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import smtplib
import ssl
import sys
import time
import urllib.parse
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from salesproc import __version__
from salesproc.errors import InputError, RuntimeFailure
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

#: The line written between two messages appended to the same file channel, so a
#: reader (an SMS gateway's spool, a person) can tell where one message ends.
SEPARATOR = "=" * 40
#: WeCom refuses a text message longer than this many bytes of UTF-8.
WECOM_TEXT_LIMIT = 2048
#: SMTP ports by `security`, when the table gives none.
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
#: The longest piece of a server's reply quoted in a failure reason.
QUOTE_LIMIT = 200

_EMAIL = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CHANNEL_NAME = re.compile(r"^[\w-]+$")


# --- the config tables ---------------------------------------------------------------


def _invalid(reason: str, key: str | None = None) -> PydanticCustomError:
    """A validation error whose words are ours (translated) and may name another key.

    A model validator's error has no location of its own; `key` in the context
    lets `parse_channels` still say which key the user has to change.
    """
    context: dict[str, Any] = {"reason": reason}
    if key is not None:
        context["key"] = key
    return PydanticCustomError("channel", "{reason}", context)


class _Table(BaseModel):
    """Strict like the rest of the config: TOML types as they are, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Webhook(_Table):
    url: str = Field(min_length=1)
    #: the robot's signing secret (加签), when its security setting asks for one
    secret: str | None = Field(default=None, min_length=1)

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise _invalid(_("must be an http:// or https:// address"))
        return url


class DingTalkChannel(_Webhook):
    """A DingTalk (钉钉) custom group robot: its webhook URL with `access_token`."""

    type: Literal["dingtalk"]
    #: "markdown" sends the caller's subject as the title the notification shows
    msgtype: Literal["text", "markdown"] = "text"


class WeComChannel(_Webhook):
    """A WeCom (企业微信) group robot: its webhook URL with `key`. It has no signing secret."""

    type: Literal["wecom"]

    @field_validator("secret")
    @classmethod
    def _no_secret(cls, secret: str | None) -> str | None:
        if secret is not None:
            raise _invalid(_("a WeCom robot has no signing secret; its URL's key is the secret"))
        return secret


class FeishuChannel(_Webhook):
    """A Feishu/Lark (飞书) custom bot: its hook URL, whose last part is the token."""

    type: Literal["feishu"]


class SmtpChannel(_Table):
    """E-mail through an SMTP server; the password preferably from the environment."""

    type: Literal["smtp"]
    host: str = Field(min_length=1)
    #: 465 for ssl, 587 for starttls, 25 for none when not given
    port: int | None = Field(default=None, gt=0, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    username: str | None = Field(default=None, min_length=1)
    password: str | None = Field(default=None, min_length=1)
    #: the name of an environment variable holding the password, read at send time
    password_env: str | None = Field(default=None, min_length=1)
    sender: str = Field(min_length=1)
    to: list[str] = Field(min_length=1)

    @field_validator("password_env")
    @classmethod
    def _env_name(cls, name: str | None) -> str | None:
        if name is not None and not _ENV_NAME.match(name):
            raise _invalid(_("not an environment variable name"))
        return name

    @field_validator("sender")
    @classmethod
    def _one_address(cls, value: str) -> str:
        if not _EMAIL.match(parseaddr(value)[1]):
            raise _invalid(_("not an e-mail address"))
        return value

    @field_validator("to")
    @classmethod
    def _addresses(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _EMAIL.match(parseaddr(value)[1]):
                raise _invalid(_("{value!r} is not an e-mail address").format(value=value))
        return values

    @model_validator(mode="after")
    def _login(self) -> "SmtpChannel":
        """A login needs exactly one password source; a password without a login is a slip."""
        given = [key for key in ("password", "password_env") if getattr(self, key) is not None]
        if self.username is None:
            if given:
                raise _invalid(
                    _("{key} is set but username is not").format(key=given[0]), "username"
                )
            return self
        if len(given) == 2:
            raise _invalid(_("give password or password_env, not both"), "password")
        if not given:
            raise _invalid(_("username is set: give password or password_env"), "password")
        if self.security == "none":
            raise _invalid(
                _("a login without TLS sends the password in clear: use ssl or starttls"),
                "security",
            )
        return self

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORTS[self.security]

    @property
    def envelope_sender(self) -> str:
        return parseaddr(self.sender)[1]

    @property
    def envelope_recipients(self) -> list[str]:
        return [parseaddr(value)[1] for value in self.to]


class FileChannel(_Table):
    """A plain file the message is appended to (an SMS gateway's spool, say), or "-": stdout."""

    type: Literal["file"]
    path: str = Field(min_length=1)


Channel = Annotated[
    DingTalkChannel | WeComChannel | FeishuChannel | SmtpChannel | FileChannel,
    Field(discriminator="type"),
]
_MODELS: dict[str, type[BaseModel]] = {
    "dingtalk": DingTalkChannel,
    "wecom": WeComChannel,
    "feishu": FeishuChannel,
    "smtp": SmtpChannel,
    "file": FileChannel,
}


def parse_channels(raw: dict[str, Any], where: str) -> dict[str, Channel]:
    """The `[channels.*]` tables of the config, checked; the first problem is one InputError.

    `where` starts the line (`config /x/config.toml`), then the channel, the key
    and what is wrong with it, so the user knows exactly what to edit. The
    `type` is checked first, by hand, so a missing or mistyped type is said in
    those words rather than as pydantic's union error.
    """
    channels: dict[str, Channel] = {}
    for name, table in raw.items():
        if not _CHANNEL_NAME.match(name):
            raise InputError(
                _(
                    "{where}: channel {name!r}: a name may hold only letters, digits, - and _"
                ).format(where=where, name=name)
            )
        if not isinstance(table, dict):
            raise InputError(
                _("{where}: channel {name!r}: must be a table such as [channels.{name}]").format(
                    where=where, name=name
                )
            )
        kind = table.get("type")
        model = _MODELS.get(kind) if isinstance(kind, str) else None
        if model is None:
            reason = (
                _("missing; one of {kinds}")
                if kind is None
                else _("unknown channel type {kind!r}; one of {kinds}")
            ).format(kind=kind, kinds=", ".join(_MODELS))
            raise _bad_key(where, name, "type", reason)
        try:
            channels[name] = model.model_validate(table)  # type: ignore[assignment]
        except ValidationError as exc:
            error = exc.errors()[0]
            context = error.get("ctx") or {}
            key = context.get("key") or ".".join(str(part) for part in error["loc"])
            if error["type"] == "extra_forbidden":
                reason = _("unknown key")
            elif error["type"] == "channel":
                reason = context["reason"]
            else:  # pydantic's own reasons stay in English: they come from the library
                reason = error["msg"].lower()
            raise _bad_key(where, name, key, reason) from None
    return channels


def _bad_key(where: str, name: str, key: str, reason: str) -> InputError:
    return InputError(
        _("{where}: channel {name!r}: key {key!r}: {reason}").format(
            where=where, name=name, key=key, reason=reason
        )
    )


# --- what the user sees of a channel ---------------------------------------------------


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


def _host(url: str) -> str:
    return urllib.parse.urlsplit(redact_url(url)).netloc


def describe(channel: Channel) -> str:
    """One line saying where a channel delivers, with nothing secret in it."""
    if isinstance(channel, DingTalkChannel):
        return _("dingtalk robot at {host}").format(host=_host(channel.url))
    if isinstance(channel, WeComChannel):
        return _("wecom robot at {host}").format(host=_host(channel.url))
    if isinstance(channel, FeishuChannel):
        return _("feishu bot at {host}").format(host=_host(channel.url))
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


# --- delivery --------------------------------------------------------------------------


class DeliveryError(RuntimeFailure):
    """A channel could not take the message; `reason` is safe to show (no secrets in it)."""

    def __init__(self, name: str, reason: str, attempts: int = 1) -> None:
        super().__init__(_("channel {name!r}: {reason}").format(name=name, reason=reason))
        self.name = name
        self.reason = reason
        self.attempts = attempts


class _Failed(Exception):
    """One attempt failed; `retry` says whether another attempt might fare better."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


class _Secrets:
    """Every value that must not be shown, and the scrubber that masks them in a reason."""

    def __init__(self, channel: Channel) -> None:
        self.values: set[str] = set()
        if isinstance(channel, _Webhook):
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


def send(
    channel: Channel,
    name: str,
    subject: str,
    text: str,
    *,
    timeout: float = 10,
    retries: int = 3,
    backoff: float = 0.5,
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
    secrets = _Secrets(channel)
    if isinstance(channel, FileChannel):
        _append(channel, name, text, stdout)
        return
    if isinstance(channel, SmtpChannel):
        password = _password(channel, name)
        if password:
            secrets.add(password)
        message = _email(channel, subject, text)
        _attempts(
            lambda: _smtp_once(channel, message, password, timeout),
            name,
            max(1, retries),
            backoff,
            secrets,
        )
        return
    if isinstance(channel, WeComChannel) and len(text.encode("utf-8")) > WECOM_TEXT_LIMIT:
        raise DeliveryError(
            name,
            _("the message is {size} bytes; a WeCom robot takes at most {limit}").format(
                size=len(text.encode("utf-8")), limit=WECOM_TEXT_LIMIT
            ),
        )
    import httpx

    headers = {
        "User-Agent": f"salesproc/{__version__}",
        "Content-Type": "application/json; charset=utf-8",
    }
    with httpx.Client(timeout=timeout, follow_redirects=False, headers=headers) as client:

        def once() -> None:
            url, body = _request(channel, subject, text, secrets)
            content = json.dumps(body, ensure_ascii=False).encode("utf-8")
            try:
                response = client.post(url, content=content)
            except httpx.TimeoutException:
                raise _Failed(
                    _("no answer from {url} within {timeout} s").format(
                        url=redact_url(channel.url), timeout=timeout
                    ),
                    retry=True,
                ) from None
            except httpx.HTTPError as exc:
                raise _Failed(
                    _("cannot reach {url}: {error}").format(
                        url=redact_url(channel.url), error=str(exc) or type(exc).__name__
                    ),
                    retry=isinstance(exc, httpx.TransportError),
                ) from None
            _check_reply(channel, response.status_code, response.content)

        _attempts(once, name, max(1, retries), backoff, secrets)


def _attempts(
    once: Callable[[], None], name: str, attempts: int, backoff: float, secrets: _Secrets
) -> None:
    """Run `once` until it succeeds, fails for good, or the attempts are used up."""
    for number in range(1, attempts + 1):
        try:
            once()
            return
        except _Failed as failure:
            if not failure.retry or number == attempts:
                reason = secrets.scrub(failure.reason)
                if number > 1:
                    reason = _("{reason} (after {count} attempts)").format(
                        reason=reason, count=number
                    )
                raise DeliveryError(name, reason, number) from None
        time.sleep(backoff * 2 ** (number - 1))


# --- the chat robots -------------------------------------------------------------------


def _dingtalk_sign(secret: str, timestamp: int) -> str:
    """DingTalk's sign, before URL-encoding: base64(HMAC-SHA256(secret, "ts\\nsecret"))."""
    string_to_sign = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu's sign: "ts\\nsecret" is the HMAC-SHA256 *key*, over an empty message."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _request(
    channel: DingTalkChannel | WeComChannel | FeishuChannel,
    subject: str,
    text: str,
    secrets: _Secrets,
) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body of one attempt; signs are made afresh for each attempt."""
    if isinstance(channel, WeComChannel):
        return channel.url, {"msgtype": "text", "text": {"content": text}}
    if isinstance(channel, FeishuChannel):
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
        if channel.secret:
            timestamp = int(time.time())
            sign = _feishu_sign(channel.secret, timestamp)
            secrets.add(sign)
            body = {"timestamp": str(timestamp), "sign": sign, **body}
        return channel.url, body
    if channel.msgtype == "markdown":
        title = " ".join(subject.split()) or text.strip().splitlines()[0]
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    else:
        body = {"msgtype": "text", "text": {"content": text}}
    url = channel.url
    if channel.secret:
        timestamp = round(time.time() * 1000)
        sign = _dingtalk_sign(channel.secret, timestamp)
        secrets.add(sign)
        joiner = "&" if urllib.parse.urlsplit(url).query else ("" if url.endswith("?") else "?")
        url = f"{url}{joiner}timestamp={timestamp}&sign={urllib.parse.quote_plus(sign)}"
    return url, body


def _check_reply(channel: Channel, status: int, content: bytes) -> None:
    """Success only when the robot says so: HTTP 2xx *and* an error code of 0 in the body."""
    if status == 429 or status >= 500:
        raise _Failed(_("the server answered HTTP {status}").format(status=status), retry=True)
    try:
        reply = json.loads(content)
    except ValueError:
        reply = None
    code: Any = None
    message = ""
    if isinstance(reply, dict):
        if isinstance(channel, FeishuChannel):
            code = reply.get("code", reply.get("StatusCode"))
            message = str(reply.get("msg", reply.get("StatusMessage", "")))
        else:
            code = reply.get("errcode")
            message = str(reply.get("errmsg", ""))
    message = message[:QUOTE_LIMIT]
    if not 200 <= status < 300:
        reason = _("the server answered HTTP {status}").format(status=status)
        if code is not None:
            reason = _("{reason}: error {code}: {message}").format(
                reason=reason, code=code, message=message
            )
        raise _Failed(reason, retry=False)
    if code is None:
        quoted = content[:QUOTE_LIMIT].decode("utf-8", errors="replace")
        raise _Failed(
            _("unexpected answer from the robot: {reply}").format(reply=quoted), retry=False
        )
    if code != 0:
        raise _Failed(
            _("the robot refused the message: error {code}: {message}").format(
                code=code, message=message
            ),
            retry=False,
        )


# --- e-mail ----------------------------------------------------------------------------


def _password(channel: SmtpChannel, name: str) -> str | None:
    """The SMTP password, from the environment when the config names a variable."""
    if channel.username is None:
        return None
    if channel.password_env is None:
        return channel.password
    value = os.environ.get(channel.password_env)
    if not value:
        raise DeliveryError(
            name,
            _("the environment variable {variable} (the SMTP password) is not set").format(
                variable=channel.password_env
            ),
        )
    return value


def _email(channel: SmtpChannel, subject: str, text: str) -> EmailMessage:
    """A UTF-8 text message; base64 so that no relay needs 8BITMIME for the Chinese."""
    message = EmailMessage()
    message["Subject"] = " ".join(subject.split())  # a line break would end the header
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=channel.envelope_sender.rpartition("@")[2])
    message.set_content(text, charset="utf-8", cte="base64")
    return message


def _smtp_reply(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    words = error.decode("utf-8", errors="replace") if isinstance(error, bytes) else str(error)
    return f"{exc.smtp_code} {words}"[:QUOTE_LIMIT]


def _smtp_once(
    channel: SmtpChannel, message: EmailMessage, password: str | None, timeout: float
) -> None:
    """One SMTP session: connect, secure, log in, send; every failure classed for retrying."""
    where = f"{channel.host}:{channel.effective_port}"
    context = ssl.create_default_context()
    client: smtplib.SMTP | None = None
    try:
        if channel.security == "ssl":
            client = smtplib.SMTP_SSL(
                channel.host, channel.effective_port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(channel.host, channel.effective_port, timeout=timeout)
        if channel.security == "starttls":
            client.starttls(context=context)
        if channel.username is not None and password is not None:
            client.login(channel.username, password)
        refused = client.send_message(
            message, from_addr=channel.envelope_sender, to_addrs=channel.envelope_recipients
        )
    except UnicodeEncodeError:
        # smtplib sends the login as ASCII only; say so rather than crash (never quote it)
        raise _Failed(
            _("{server}: the username and password must be ASCII for an SMTP login").format(
                server=where
            ),
            retry=False,
        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise _Failed(
            _("{server} refused the login of {user}: {reply}").format(
                server=where, user=channel.username, reply=_smtp_reply(exc)
            ),
            retry=False,
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise _Failed(
            _("{server} refused every recipient: {recipients}").format(
                server=where, recipients=", ".join(exc.recipients)
            ),
            retry=False,
        ) from None
    except smtplib.SMTPSenderRefused as exc:
        raise _Failed(
            _("{server} refused the sender {sender}: {reply}").format(
                server=where, sender=channel.envelope_sender, reply=_smtp_reply(exc)
            ),
            retry=False,
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise _Failed(
            _("{server}: {error}").format(server=where, error=exc),
            retry=False,
        ) from None
    except smtplib.SMTPServerDisconnected as exc:
        raise _Failed(
            _("{server} closed the connection: {error}").format(server=where, error=exc),
            retry=True,
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise _Failed(
            _("{server} answered {reply}").format(server=where, reply=_smtp_reply(exc)),
            retry=400 <= exc.smtp_code < 500,
        ) from None
    except smtplib.SMTPException as exc:
        raise _Failed(_("{server}: {error}").format(server=where, error=exc), retry=False) from None
    except ssl.SSLCertVerificationError as exc:
        raise _Failed(
            _("{server}: its TLS certificate is not trusted: {error}").format(
                server=where, error=exc.verify_message or exc
            ),
            retry=False,
        ) from None
    except ssl.SSLError as exc:
        raise _Failed(
            _("{server}: TLS failed: {error}").format(server=where, error=exc.reason or exc),
            retry=False,
        ) from None
    except TimeoutError:
        raise _Failed(
            _("no answer from {server} within {timeout} s").format(server=where, timeout=timeout),
            retry=True,
        ) from None
    except OSError as exc:
        raise _Failed(
            _("cannot reach {server}: {error}").format(server=where, error=exc.strerror or exc),
            retry=True,
        ) from None
    finally:
        if client is not None:
            _quit(client)
    if refused:
        # the others have the mail: sending again would give them a second copy
        raise _Failed(
            _("{server} refused some recipients: {recipients}").format(
                server=where, recipients=", ".join(refused)
            ),
            retry=False,
        )


def _quit(client: smtplib.SMTP) -> None:
    """Say goodbye; a server that hangs up first has still taken the message."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


# --- a file or stdout ------------------------------------------------------------------


def _append(channel: FileChannel, name: str, text: str, stdout: TextIO | None) -> None:
    """Append the message, with SEPARATOR before it unless the file is empty."""
    body = text if text.endswith("\n") else text + "\n"
    if channel.path == "-":
        out = stdout if stdout is not None else sys.stdout
        out.write(body)
        out.flush()
        return
    path = Path(channel.path).expanduser()
    try:
        with path.open("a", encoding="utf-8") as handle:
            # one write, so two senders appending at once do not interleave lines
            handle.write((SEPARATOR + "\n" if handle.tell() > 0 else "") + body)
    except OSError as exc:
        raise DeliveryError(
            name,
            _("cannot append to {path}: {reason}").format(path=path, reason=exc.strerror or exc),
        ) from None
