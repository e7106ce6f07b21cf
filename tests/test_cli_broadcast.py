"""`broadcast` end to end: the message, real HTTP delivery, the outbox, no double send."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import ok, rejected

SECRET = "SECtest-secret"
TOKEN = "tok-123456"


class Robot(BaseHTTPRequestHandler):
    """A DingTalk-like robot: records each POST; /down answers 500, anything else errcode 0."""

    received: ClassVar[list[tuple[str, dict]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.path, body))
        down = self.path.startswith("/down")
        self.send_response(500 if down else 200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def robot():
    Robot.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def sold(team):
    ok(team("sale", "add", "--rep", "zhang", "--amount", "1200", "--date", "2026-11-30"))
    ok(team("sale", "add", "--rep", "li", "--amount", "800", "--date", "2026-11-29"))
    ok(team("target", "set", "--team", "--amount", "120000", "--split", "even"))
    ok(team("target", "set", "--rep", "zhang", "--amount", "24000", "--split", "even"))
    return team


def configure(tmp_path, monkeypatch, robot_url, *, down=False):
    spool = tmp_path / "sms.txt"
    path = "/down/send" if down else "/robot/send"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[channels.team]\ntype = "dingtalk"\nurl = "{robot_url}{path}?access_token={TOKEN}"\n'
        f'secret = "{SECRET}"\n'
        f'[channels.sms]\ntype = "file"\npath = "{spool}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    return spool


def test_dry_run_prints_the_message_in_order_and_sends_nothing(sold, tmp_path, monkeypatch, robot):
    spool = configure(tmp_path, monkeypatch, robot)
    text = ok(sold("broadcast", "--dry-run", "--edition", "evening")).stdout
    lines = text.splitlines()
    assert lines[0] == "Leaderboard, evening edition, 2026-11-30"
    sections = ["Daily ranking, 2026-11-30:", "Month to date, 2026-11-01 to 2026-11-30:",
                "Team total: 2,000.00", "Well done, 张伟: first of the day!"]  # fmt: skip
    assert [lines.index(s) for s in sections] == sorted(lines.index(s) for s in sections)
    assert "1. 张伟 1,200.00 (60% of target)" in lines  # month target 2,000.00
    assert "Needs a push: 李娜. Close the gap today!" in lines
    assert all(len(line) <= 80 for line in lines)
    assert not set(text) & set("─│┌┐└┘├┤┬┴┼═║")
    assert Robot.received == [] and not spool.exists()
    assert json.loads(ok(sold("broadcast", "log", "--format", "json")).stdout) == []


def test_morning_edition_ranks_yesterday(sold):
    # 2026-11-30 is a Monday: the morning ranks Friday, and Sunday's sale is in last
    # week's board under it (issue 11, section 3)
    lines = ok(sold("broadcast", "--dry-run", "--edition", "morning")).stdout.splitlines()
    assert "Daily ranking, 2026-11-27:" in lines
    week = lines[lines.index("Week, 2026-11-23 to 2026-11-29:") + 1]
    assert week == "1. 李娜 800.00"


def test_the_message_in_chinese(sold):
    text = ok(sold("--lang", "zh", "broadcast", "--dry-run", "--edition", "evening")).stdout
    assert "龙虎排行榜" in text and "团队合计" in text and "表扬" in text


def test_sends_to_every_channel_with_the_signature_and_records_it(
    sold, tmp_path, monkeypatch, robot
):
    spool = configure(tmp_path, monkeypatch, robot)
    out = ok(sold("broadcast", "--edition", "evening")).stdout
    assert "Sent to team" in out and "Sent to sms" in out and TOKEN not in out
    [(path, body)] = Robot.received
    query = parse_qs(urlsplit(path).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"][0] == expected and query["access_token"] == [TOKEN]
    assert body["msgtype"] == "text"
    assert body["text"]["content"].startswith("Leaderboard, evening edition, 2026-11-30")
    assert spool.read_text(encoding="utf-8") == body["text"]["content"]
    log = json.loads(ok(sold("broadcast", "log", "--format", "json")).stdout)
    assert sorted((r["channel"], r["status"], r["edition"]) for r in log) == [
        ("sms", "sent", "evening"), ("team", "sent", "evening")
    ]  # fmt: skip


def test_a_rerun_sends_nothing_unless_forced(sold, tmp_path, monkeypatch, robot):
    configure(tmp_path, monkeypatch, robot)
    ok(sold("broadcast", "--edition", "evening"))
    again = ok(sold("broadcast", "--edition", "evening")).stdout
    assert again.count("already sent") == 2 and len(Robot.received) == 1
    ok(sold("broadcast", "--edition", "morning"))  # another edition is another message
    assert len(Robot.received) == 2
    ok(sold("broadcast", "--edition", "evening", "--force", "--channel", "team"))
    assert len(Robot.received) == 3


def test_a_failed_channel_does_not_stop_the_others_and_is_retried_alone(
    sold, tmp_path, monkeypatch, robot
):
    spool = configure(tmp_path, monkeypatch, robot, down=True)
    run = sold("broadcast", "--edition", "evening")
    assert run.exit_code == 1
    assert "channel 'team'" in run.stderr and "500" in run.stderr
    assert TOKEN not in run.stderr + run.stdout and SECRET not in run.stderr
    assert spool.exists()  # the file channel got it anyway
    log = json.loads(ok(sold("broadcast", "log", "--format", "json")).stdout)
    assert {(r["channel"], r["status"]) for r in log} == {("team", "failed"), ("sms", "sent")}
    configure(tmp_path, monkeypatch, robot)  # the robot is back
    out = ok(sold("broadcast", "--edition", "evening")).stdout
    assert "Sent to team" in out and "sms: evening edition of 2026-11-30 already sent" in out
    assert spool.read_text(encoding="utf-8").count("Leaderboard") == 1


def test_broadcast_rejections(sold, tmp_path, monkeypatch, robot):
    rejected(sold("broadcast"), "no channel configured")
    configure(tmp_path, monkeypatch, robot)
    rejected(sold("broadcast", "--channel", "wechat"), "no channel 'wechat'")
    rejected(sold("broadcast", "--edition", "noon"), "--edition")
    config = Path(tmp_path / "config.toml")
    config.write_text('[channels.team]\ntype = "pager"\n', encoding="utf-8")
    rejected(sold("broadcast", "--dry-run"), "unknown channel type 'pager'")
