"""The chat robots: DingTalk, WeCom and Feishu/Lark group robots, over HTTP.

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

httpx is imported inside `post` only, so importing this module (and the CLI)
stays fast.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from typing import Any

from salesproc import __version__
from salesproc.adapters.channels.redact import Secrets, redact_url
from salesproc.adapters.channels.retry import QUOTE_LIMIT, DeliveryError, Failed, with_retries
from salesproc.channel_settings import DingTalkChannel, FeishuChannel, WeComChannel
from salesproc.i18n import _

#: WeCom refuses a text message longer than this many bytes of UTF-8.
WECOM_TEXT_LIMIT = 2048

Robot = DingTalkChannel | WeComChannel | FeishuChannel


def post(
    channel: Robot,
    name: str,
    subject: str,
    text: str,
    secrets: Secrets,
    timeout: float,
    attempts: int,
    backoff: float,
) -> None:
    """Post `text` to the robot, signed afresh for each attempt, or raise DeliveryError."""
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
            url, body = request(channel, subject, text, secrets)
            content = json.dumps(body, ensure_ascii=False).encode("utf-8")
            try:
                response = client.post(url, content=content)
            except httpx.TimeoutException:
                raise Failed(
                    _("no answer from {url} within {timeout} s").format(
                        url=redact_url(channel.url), timeout=timeout
                    ),
                    retry=True,
                ) from None
            except httpx.HTTPError as exc:
                raise Failed(
                    _("cannot reach {url}: {error}").format(
                        url=redact_url(channel.url), error=str(exc) or type(exc).__name__
                    ),
                    retry=isinstance(exc, httpx.TransportError),
                ) from None
            check_reply(channel, response.status_code, response.content)

        with_retries(once, name, attempts, backoff, secrets)


def dingtalk_sign(secret: str, timestamp: int) -> str:
    """DingTalk's sign, before URL-encoding: base64(HMAC-SHA256(secret, "ts\\nsecret"))."""
    string_to_sign = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu's sign: "ts\\nsecret" is the HMAC-SHA256 *key*, over an empty message."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def request(
    channel: Robot, subject: str, text: str, secrets: Secrets
) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body of one attempt; signs are made afresh for each attempt."""
    if isinstance(channel, WeComChannel):
        return channel.url, {"msgtype": "text", "text": {"content": text}}
    if isinstance(channel, FeishuChannel):
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
        if channel.secret:
            timestamp = int(time.time())
            sign = feishu_sign(channel.secret, timestamp)
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
        sign = dingtalk_sign(channel.secret, timestamp)
        secrets.add(sign)
        joiner = "&" if urllib.parse.urlsplit(url).query else ("" if url.endswith("?") else "?")
        url = f"{url}{joiner}timestamp={timestamp}&sign={urllib.parse.quote_plus(sign)}"
    return url, body


def check_reply(channel: Robot, status: int, content: bytes) -> None:
    """Success only when the robot says so: HTTP 2xx *and* an error code of 0 in the body."""
    if status == 429 or status >= 500:
        raise Failed(_("the server answered HTTP {status}").format(status=status), retry=True)
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
        raise Failed(reason, retry=False)
    if code is None:
        quoted = content[:QUOTE_LIMIT].decode("utf-8", errors="replace")
        raise Failed(
            _("unexpected answer from the robot: {reply}").format(reply=quoted), retry=False
        )
    if code != 0:
        raise Failed(
            _("the robot refused the message: error {code}: {message}").format(
                code=code, message=message
            ),
            retry=False,
        )
