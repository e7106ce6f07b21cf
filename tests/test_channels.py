"""Channels deliver for real: a local HTTP robot and a local SMTP server see what arrives.

The robots' wire formats are checked byte for byte on the receiving side,
signatures recomputed there from the secret and the timestamp that arrived,
and every failure reason is searched for the token, the secret and the sign.
"""

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import io
import ipaddress
import json
import socket
import ssl
import subprocess
import sys
import threading
import time
import tomllib
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from salesproc.adapters import channels
from salesproc.adapters.channels import (
    SEPARATOR,
    DeliveryError,
    DingTalkChannel,
    FeishuChannel,
    FileChannel,
    SmtpChannel,
    WeComChannel,
    describe,
    parse_channels,
    send,
)
from salesproc.errors import InputError, RuntimeFailure

TOKEN = "tok3n0123456789abcdef"
SECRET = "SECs3cr3tfedcba9876543210"
PASSWORD = "pa55w0rd-Kx9q"
WHERE = "config /x/config.toml"
TEXT = "今日拜访：万家超市、华联便利店，共 6 家。\n明日重点：兴隆商行。"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours proxy variables; the local robot must be reached directly."""
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.lower(), raising=False)


# --- a local robot ---------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    delay: float = 0.0


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))

    @property
    def raw_query(self) -> str:
        return urllib.parse.urlsplit(self.path).query

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Robot:
    base: str = ""
    requests: list[Received] = field(default_factory=list)
    #: answers in turn; when they run out, `default`
    replies: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=Reply)

    def url(self, path: str = "/robot/send", query: str = f"access_token={TOKEN}") -> str:
        return f"{self.base}{path}?{query}" if query else f"{self.base}{path}"


@pytest.fixture
def robot() -> Iterator[Robot]:
    """A real HTTP server on 127.0.0.1 that records each request and answers as told."""
    state = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append(Received(self.path, dict(self.headers), body))
            reply = state.replies.pop(0) if state.replies else state.default
            time.sleep(reply.delay)
            data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body)
            data = data.encode() if isinstance(data, str) else data
            data = data.replace(b"{path}", self.path.encode())  # lets a reply echo the URL
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting: that is what a timeout test wants

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def dingtalk(url: str, **extra: Any) -> DingTalkChannel:
    return DingTalkChannel.model_validate({"type": "dingtalk", "url": url, **extra})


def assert_no_secret(error: DeliveryError, *more: str) -> None:
    for value in (TOKEN, SECRET, *more):
        assert value not in str(error)
        assert value not in error.reason
        assert urllib.parse.quote_plus(value) not in str(error)


# --- DingTalk --------------------------------------------------------------------------


def test_dingtalk_sign_matches_the_documented_example():
    # the example of the docs.rs `dingding` crate, computed there independently
    sign = channels._dingtalk_sign("secret", 1700000000000)
    assert urllib.parse.quote_plus(sign) == "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"


def test_dingtalk_signed_request_carries_a_real_clock_timestamp_and_its_sign(robot, monkeypatch):
    monkeypatch.setenv("SALESPROC_NOW", "2019-03-01T09:00")  # must not be used for signing
    send(dingtalk(robot.url(), secret=SECRET), "team", "日报", TEXT)

    (request,) = robot.requests
    assert request.json() == {"msgtype": "text", "text": {"content": TEXT}}
    assert request.headers["Content-Type"].startswith("application/json")
    query = request.query
    assert query["access_token"] == TOKEN
    timestamp = query["timestamp"]
    assert abs(int(timestamp) / 1000 - time.time()) < 5  # milliseconds, now, not 2019
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256)
    expected = base64.b64encode(digest.digest()).decode()
    assert query["sign"] == expected
    # URL-encoded exactly once on the wire: `+`, `/` and `=` as %2B, %2F, %3D
    assert f"&timestamp={timestamp}&sign={urllib.parse.quote_plus(expected)}" in request.raw_query
    assert request.raw_query.startswith(f"access_token={TOKEN}&")


def test_dingtalk_without_secret_sends_no_sign(robot):
    send(dingtalk(robot.url()), "team", "日报", TEXT)
    (request,) = robot.requests
    assert request.query == {"access_token": TOKEN}
    assert request.json() == {"msgtype": "text", "text": {"content": TEXT}}


def test_dingtalk_markdown_uses_the_subject_as_title(robot):
    send(dingtalk(robot.url(), msgtype="markdown"), "team", "销售日报 11-30", TEXT)
    (request,) = robot.requests
    assert request.json() == {
        "msgtype": "markdown",
        "markdown": {"title": "销售日报 11-30", "text": TEXT},
    }


# --- WeCom and Feishu ------------------------------------------------------------------


def test_wecom_text_body(robot):
    channel = WeComChannel.model_validate(
        {"type": "wecom", "url": robot.url("/cgi-bin/webhook/send", f"key={TOKEN}")}
    )
    send(channel, "wx", "日报", TEXT)
    (request,) = robot.requests
    assert request.path == f"/cgi-bin/webhook/send?key={TOKEN}"
    assert request.json() == {"msgtype": "text", "text": {"content": TEXT}}


def test_wecom_refuses_a_message_over_its_limit_before_sending(robot):
    channel = WeComChannel.model_validate({"type": "wecom", "url": robot.url()})
    with pytest.raises(DeliveryError, match="2048"):
        send(channel, "wx", "日报", "拜" * 700)  # 2100 bytes of UTF-8
    assert robot.requests == []


def test_feishu_signed_body(robot, monkeypatch):
    monkeypatch.setenv("SALESPROC_NOW", "2019-03-01T09:00")
    robot.default = Reply(body={"StatusCode": 0, "StatusMessage": "success", "code": 0})
    url = robot.url(f"/open-apis/bot/v2/hook/{TOKEN}", "")
    channel = FeishuChannel.model_validate({"type": "feishu", "url": url, "secret": SECRET})
    send(channel, "lark", "日报", TEXT)

    (request,) = robot.requests
    body = request.json()
    timestamp = body.pop("timestamp")
    sign = body.pop("sign")
    assert body == {"msg_type": "text", "content": {"text": TEXT}}
    assert isinstance(timestamp, str) and abs(int(timestamp) - time.time()) < 5  # seconds
    key = f"{timestamp}\n{SECRET}".encode()
    assert sign == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def test_feishu_unsigned_body_and_the_old_status_code_reply(robot):
    robot.default = Reply(body={"Extra": None, "StatusCode": 0, "StatusMessage": "success"})
    url = robot.url(f"/open-apis/bot/v2/hook/{TOKEN}", "")
    send(FeishuChannel.model_validate({"type": "feishu", "url": url}), "lark", "日报", TEXT)
    (request,) = robot.requests
    assert request.json() == {"msg_type": "text", "content": {"text": TEXT}}


def test_feishu_sign_refusal_is_a_failure_without_the_hook_token(robot):
    robot.default = Reply(body={"code": 19021, "data": {}, "msg": "sign match fail"})
    url = robot.url(f"/open-apis/bot/v2/hook/{TOKEN}", "")
    channel = FeishuChannel.model_validate({"type": "feishu", "url": url, "secret": SECRET})
    with pytest.raises(DeliveryError) as caught:
        send(channel, "lark", "日报", TEXT, backoff=0)
    assert "19021" in caught.value.reason
    assert len(robot.requests) == 1
    assert_no_secret(caught.value, robot.requests[0].json()["sign"])


# --- retries and failures --------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_5xx_or_429_then_200_succeeds_on_the_next_attempt(robot, status):
    robot.replies = [Reply(status, {"errcode": -1, "errmsg": "busy"})]
    send(dingtalk(robot.url(), secret=SECRET), "team", "日报", TEXT, backoff=0)
    assert len(robot.requests) == 2
    first, second = (request.query["timestamp"] for request in robot.requests)
    assert int(second) >= int(first)  # each attempt is signed afresh


def test_attempts_are_bounded_and_spaced_by_the_backoff(robot):
    robot.default = Reply(502, b"bad gateway")
    start = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        send(dingtalk(robot.url()), "team", "日报", TEXT, retries=3, backoff=0.05)
    assert time.monotonic() - start >= 0.15  # 0.05, then 0.1
    assert len(robot.requests) == 3
    assert caught.value.attempts == 3
    assert "502" in caught.value.reason and "3 attempts" in caught.value.reason


def test_a_400_fails_at_once_and_names_neither_token_nor_secret(robot):
    robot.default = Reply(400, {"errcode": 400, "errmsg": "bad request {path}"})
    with pytest.raises(DeliveryError) as caught:
        send(dingtalk(robot.url(), secret=SECRET), "team", "日报", TEXT, backoff=0)
    assert len(robot.requests) == 1
    assert "400" in caught.value.reason
    assert_no_secret(caught.value, robot.requests[0].query["sign"])


def test_an_errcode_with_http_200_fails_without_retry_and_is_scrubbed(robot):
    # the robot echoes the whole request URL (token, timestamp, sign) in its message
    robot.default = Reply(200, {"errcode": 310000, "errmsg": "sign not match: {path}"})
    with pytest.raises(DeliveryError) as caught:
        send(dingtalk(robot.url(), secret=SECRET), "team", "日报", TEXT, backoff=0)
    assert len(robot.requests) == 1
    error = caught.value
    assert isinstance(error, RuntimeFailure) and error.exit_code == 1
    assert error.name == "team"
    assert "310000" in error.reason and "sign not match" in error.reason
    assert str(error).startswith("channel 'team': ")
    assert_no_secret(error, robot.requests[0].query["sign"])
    assert error.__cause__ is None and error.__suppress_context__


def test_a_reply_that_is_not_the_robots_fails(robot):
    robot.default = Reply(200, b"<html>login</html>")
    with pytest.raises(DeliveryError, match="unexpected answer"):
        send(dingtalk(robot.url()), "team", "日报", TEXT, backoff=0)
    assert len(robot.requests) == 1


def test_a_timeout_fails_after_the_bounded_attempts(robot):
    robot.default = Reply(delay=1.0)
    start = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        send(dingtalk(robot.url(), secret=SECRET), "team", "日报", TEXT, timeout=0.2, backoff=0)
    assert time.monotonic() - start < 2
    assert len(robot.requests) == 3
    assert "0.2 s" in caught.value.reason and "3 attempts" in caught.value.reason
    assert_no_secret(caught.value)


def test_a_refused_connection_is_retried_then_reported_without_the_token():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    url = f"http://127.0.0.1:{port}/robot/send?access_token={TOKEN}"
    with pytest.raises(DeliveryError) as caught:
        send(dingtalk(url, secret=SECRET), "team", "日报", TEXT, backoff=0)
    assert caught.value.attempts == 3
    assert f"http://127.0.0.1:{port}/robot/send" in caught.value.reason
    assert_no_secret(caught.value)


def test_an_empty_message_is_not_sent(robot):
    with pytest.raises(DeliveryError, match="empty"):
        send(dingtalk(robot.url()), "team", "日报", " \n")
    assert robot.requests == []


# --- SMTP ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps every envelope, and every login it was offered."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.logins: list[tuple[str, str]] = []
        self.sessions: set[int] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
        from aiosmtpd.smtp import AuthResult

        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        self.sessions.add(id(session))
        return AuthResult(success=(login, password) == ("boss", PASSWORD), handled=False)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert, key), made with `cryptography`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)  # the real clock: SALESPROC_NOW must not shape a cert
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """Starts aiosmtpd Controllers on 127.0.0.1 as asked; stops them after the test."""
    from aiosmtpd.controller import Controller

    started: list[Any] = []

    def start(**options: Any) -> tuple[Recorder, int]:
        recorder = Recorder()
        if options.pop("auth", False):
            options["authenticator"] = recorder.authenticate
        port = free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return recorder, port

    yield start
    for controller in started:
        controller.stop()


def smtp(port: int, **extra: Any) -> SmtpChannel:
    table = {
        "type": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "sender": "销售部 <boss@example.com>",
        "to": ["a@example.com", "李娜 <b@example.com>"],
        **extra,
    }
    return SmtpChannel.model_validate(table)


def received(recorder: Recorder) -> tuple[Any, email.message.EmailMessage]:
    (envelope,) = recorder.envelopes
    return envelope, email.message_from_bytes(envelope.content, policy=email.policy.default)


def test_smtp_plain_delivers_sender_recipients_subject_and_chinese_body(smtp_server):
    recorder, port = smtp_server()
    send(smtp(port, security="none"), "mail", "销售日报 2026-11-30", TEXT)
    envelope, message = received(recorder)
    assert envelope.mail_from == "boss@example.com"
    assert envelope.rcpt_tos == ["a@example.com", "b@example.com"]
    assert message["Subject"] == "销售日报 2026-11-30"
    assert message["From"].addresses[0].display_name == "销售部"
    assert message["To"] == "a@example.com, 李娜 <b@example.com>"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().rstrip("\n") == TEXT
    assert message["Date"] and message["Message-ID"].endswith("@example.com>")


def test_smtp_starttls_with_login_from_the_environment(
    smtp_server, certificate, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the self-signed cert
    monkeypatch.setenv("SALESPROC_SMTP_PASSWORD", PASSWORD)
    recorder, port = smtp_server(
        tls_context=server_context(certificate), require_starttls=True, auth=True
    )
    channel = smtp(
        port, security="starttls", username="boss", password_env="SALESPROC_SMTP_PASSWORD"
    )
    send(channel, "mail", "日报", TEXT)
    assert recorder.logins == [("boss", PASSWORD)]
    envelope, message = received(recorder)
    assert envelope.rcpt_tos == ["a@example.com", "b@example.com"]
    assert message.get_content().rstrip("\n") == TEXT


def test_smtp_ssl_with_a_password_in_the_config(smtp_server, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    # aiosmtpd offers AUTH on a TLS connection only after STARTTLS unless told otherwise
    recorder, port = smtp_server(
        ssl_context=server_context(certificate), auth=True, auth_require_tls=False
    )
    send(smtp(port, security="ssl", username="boss", password=PASSWORD), "mail", "日报", TEXT)
    assert recorder.logins == [("boss", PASSWORD)]
    _envelope, message = received(recorder)
    assert message["Subject"] == "日报"


def test_smtp_wrong_password_fails_once_without_showing_it(smtp_server, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    recorder, port = smtp_server(
        ssl_context=server_context(certificate), auth=True, auth_require_tls=False
    )
    wrong = PASSWORD + "-wrong"
    with pytest.raises(DeliveryError) as caught:
        send(smtp(port, username="boss", password=wrong), "mail", "日报", TEXT, backoff=0)
    # smtplib tries each mechanism offered (PLAIN, LOGIN) in one session; no second session
    assert len(recorder.sessions) == 1 and caught.value.attempts == 1
    assert "535" in caught.value.reason and "boss" in caught.value.reason
    assert wrong not in str(caught.value) and PASSWORD not in str(caught.value)
    assert recorder.envelopes == []


def test_smtp_untrusted_certificate_is_refused(smtp_server, certificate, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    recorder, port = smtp_server(ssl_context=server_context(certificate))
    with pytest.raises(DeliveryError, match="not trusted") as caught:
        send(smtp(port, security="ssl"), "mail", "日报", TEXT, backoff=0)
    assert caught.value.attempts == 1
    assert recorder.envelopes == []


def test_smtp_missing_password_variable_is_named_not_read(monkeypatch):
    monkeypatch.delenv("SALESPROC_SMTP_PASSWORD", raising=False)
    channel = smtp(free_port(), username="boss", password_env="SALESPROC_SMTP_PASSWORD")
    with pytest.raises(DeliveryError, match="SALESPROC_SMTP_PASSWORD"):
        send(channel, "mail", "日报", TEXT)


def test_smtp_nobody_listening_is_retried_then_reported():
    with pytest.raises(DeliveryError, match=r"cannot reach 127\.0\.0\.1") as caught:
        send(smtp(free_port(), security="none"), "mail", "日报", TEXT, backoff=0)
    assert caught.value.attempts == 3


# --- file and stdout -------------------------------------------------------------------


def test_file_channel_appends_messages_with_a_separator(tmp_path):
    path = tmp_path / "outgoing.txt"
    channel = FileChannel.model_validate({"type": "file", "path": str(path)})
    send(channel, "sms", "日报", "第一条")
    send(channel, "sms", "日报", "第二条\n")
    assert path.read_text(encoding="utf-8") == f"第一条\n{SEPARATOR}\n第二条\n"


def test_file_channel_in_a_missing_folder_fails(tmp_path):
    channel = FileChannel.model_validate({"type": "file", "path": str(tmp_path / "no" / "x.txt")})
    with pytest.raises(DeliveryError, match="cannot append"):
        send(channel, "sms", "日报", TEXT)


def test_dash_writes_to_the_given_stdout():
    out = io.StringIO()
    send(FileChannel.model_validate({"type": "file", "path": "-"}), "out", "日报", TEXT, stdout=out)
    assert out.getvalue() == TEXT + "\n"


# --- the config tables -----------------------------------------------------------------

ISSUE_EXAMPLE = """
[channels.team]
type = "dingtalk"
url = "https://oapi.dingtalk.com/robot/send?access_token=tok3n0123456789abcdef"
secret = "SECs3cr3tfedcba9876543210"
[channels.mail]
type = "smtp"
host = "smtp.example.com"
port = 465
security = "ssl"
username = "boss"
password_env = "SALESPROC_SMTP_PASSWORD"
sender = "boss@example.com"
to = ["a@example.com", "b@example.com"]
[channels.sms]
type = "file"
path = "/var/spool/sms/outgoing.txt"
"""


def test_the_issue_example_parses_and_describes_safely():
    parsed = parse_channels(tomllib.loads(ISSUE_EXAMPLE)["channels"], WHERE)
    assert [describe(channel) for channel in parsed.values()] == [
        "dingtalk robot at oapi.dingtalk.com",
        "smtp smtp.example.com:465 → 2 recipients",
        "file /var/spool/sms/outgoing.txt",
    ]
    assert isinstance(parsed["team"], DingTalkChannel) and parsed["team"].secret == SECRET


def test_describe_the_others():
    wecom = WeComChannel.model_validate(
        {"type": "wecom", "url": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={TOKEN}"}
    )
    feishu = FeishuChannel.model_validate(
        {"type": "feishu", "url": f"https://open.feishu.cn/open-apis/bot/v2/hook/{TOKEN}"}
    )
    assert describe(wecom) == "wecom robot at qyapi.weixin.qq.com"
    assert describe(feishu) == "feishu bot at open.feishu.cn"
    assert describe(FileChannel.model_validate({"type": "file", "path": "-"})) == "stdout"
    one = smtp(587, security="starttls", to=["a@example.com"])
    assert describe(one) == "smtp 127.0.0.1:587 → 1 recipient"
    assert channels.redact_url(feishu.url) == "https://open.feishu.cn/open-apis/bot/v2/hook/***"


SMTP = {"type": "smtp", "host": "h", "sender": "a@example.com", "to": ["b@example.com"]}


@pytest.mark.parametrize(
    ("table", "key", "words"),
    [
        ({"type": "dingtalk", "url": "ftp://x/y"}, "url", "http"),
        ({"type": "dingtalk", "url": "https://x/y", "secert": "s"}, "secert", "unknown key"),
        ({"type": "dingtalk", "url": "https://x/y", "msgtype": "card"}, "msgtype", "markdown"),
        ({"url": "https://x/y"}, "type", "missing"),
        ({"type": "dingding", "url": "https://x/y"}, "type", "dingding"),
        ({"type": "wecom", "url": "https://x/y", "secret": "s"}, "secret", "no signing"),
        ({"type": "feishu"}, "url", "required"),
        ({**SMTP, "port": "465"}, "port", "integer"),
        ({**SMTP, "port": 70000}, "port", "65535"),
        ({**SMTP, "security": "tls"}, "security", "starttls"),
        ({**SMTP, "to": []}, "to", "at least 1"),
        ({**SMTP, "to": ["b@example.com", "nobody"]}, "to", "'nobody'"),
        ({**SMTP, "sender": "boss"}, "sender", "e-mail"),
        ({**SMTP, "username": "u"}, "password", "password_env"),
        ({**SMTP, "username": "u", "password": "p", "password_env": "P"}, "password", "both"),
        ({**SMTP, "password": "p"}, "username", "password"),
        ({**SMTP, "username": "u", "password_env": "MY-VAR"}, "password_env", "variable"),
        ({**SMTP, "username": "u", "password": "p", "security": "none"}, "security", "TLS"),
        ({"type": "file", "path": ""}, "path", "at least 1"),
    ],
)
def test_a_bad_table_is_one_line_naming_channel_and_key(table, key, words):
    with pytest.raises(InputError) as caught:
        parse_channels({"team": table}, WHERE)
    message = str(caught.value)
    assert message.startswith(f"{WHERE}: channel 'team': key '{key}': "), message
    assert words in message and "\n" not in message


def test_smtp_without_username_needs_no_password():
    parsed = parse_channels({"relay": {**SMTP, "security": "none"}}, WHERE)
    assert isinstance(parsed["relay"], SmtpChannel) and parsed["relay"].effective_port == 25


def test_a_channel_that_is_not_a_table_or_badly_named():
    with pytest.raises(InputError, match=r"channel 'team': must be a table"):
        parse_channels({"team": "https://x/y"}, WHERE)
    with pytest.raises(InputError, match=r"channel 'a b'"):
        parse_channels({"a b": {"type": "file", "path": "-"}}, WHERE)


def test_importing_channels_does_not_import_httpx():
    code = "import sys, salesproc.adapters.channels; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
