"""The `[channels.NAME]` tables of the config file: where `broadcast` may deliver.

Each table is one channel; `parse_channels` checks them with the same strictness
as the rest of the config (a typo in a key is an error naming the channel and the
key, never a silently ignored setting). These are settings only: `config` reads
them without loading any delivery code, and `salesproc.adapters.channels` takes
the checked models and sends.
"""

import re
import urllib.parse
from email.utils import parseaddr
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from salesproc.errors import InputError
from salesproc.i18n import _

__all__ = [
    "DEFAULT_PORTS",
    "Channel",
    "DingTalkChannel",
    "FeishuChannel",
    "FileChannel",
    "SmtpChannel",
    "WeComChannel",
    "Webhook",
    "parse_channels",
]

#: SMTP ports by `security`, when the table gives none.
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}

_EMAIL = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CHANNEL_NAME = re.compile(r"^[\w-]+$")


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


class Webhook(_Table):
    """A chat robot: the webhook URL it posts to and, for some, a signing secret."""

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


class DingTalkChannel(Webhook):
    """A DingTalk (钉钉) custom group robot: its webhook URL with `access_token`."""

    type: Literal["dingtalk"]
    #: "markdown" sends the caller's subject as the title the notification shows
    msgtype: Literal["text", "markdown"] = "text"


class WeComChannel(Webhook):
    """A WeCom (企业微信) group robot: its webhook URL with `key`. It has no signing secret."""

    type: Literal["wecom"]

    @field_validator("secret")
    @classmethod
    def _no_secret(cls, secret: str | None) -> str | None:
        if secret is not None:
            raise _invalid(_("a WeCom robot has no signing secret; its URL's key is the secret"))
        return secret


class FeishuChannel(Webhook):
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
