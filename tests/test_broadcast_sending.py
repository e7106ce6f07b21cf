"""`broadcast` never sends an edition twice by accident: each attempt is in the outbox as
`sending` before it leaves, so a run killed mid-send is not silently repeated (issue 13, 4)."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from conftest import stored
from helpers import ok

UNKNOWN = (
    "team: an earlier send of the evening edition of 2026-11-30 did not finish (started "
    "18:30); its outcome is unknown — check whether the team got it, then run with --force "
    "to send it again"
)


class Robot(BaseHTTPRequestHandler):
    """A group robot that records each POST; while `hold` is set it keeps the request open,
    as a slow robot does, until the test lets go; /down answers 500."""

    received: ClassVar[list[str]] = []
    hold: ClassVar[threading.Event | None] = None

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append(body["text"]["content"])
        if self.hold is not None:
            self.hold.wait(20)
        self.send_response(500 if self.path.startswith("/down") else 200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

    def log_message(self, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client killed mid-request is what the test does: nothing to report."""


@pytest.fixture
def robot():
    Robot.received, Robot.hold = [], None
    server = Server(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    if Robot.hold is not None:
        Robot.hold.set()
    server.shutdown()


def configure(tmp_path, monkeypatch, robot_url, *, down=False):
    """Two channels, the robot first: `team` (DingTalk-like) and `sms` (a file)."""
    spool = tmp_path / "sms.txt"
    config = tmp_path / "config.toml"
    path = "/down/send" if down else "/robot/send"
    config.write_text(
        f'[channels.team]\ntype = "dingtalk"\nurl = "{robot_url}{path}?access_token=tok"\n'
        f'[channels.sms]\ntype = "file"\npath = "{spool}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    return spool


@pytest.fixture
def sold(team):
    ok(team("sale", "add", "--rep", "zhang", "--amount", "1200", "--date", "2026-11-30"))
    return team


def outbox(cli) -> list[tuple[str, str]]:
    """(channel, status) of every attempt, oldest first."""
    rows = ok(cli("broadcast", "log", "--format", "json")).json()
    return [(r["channel"], r["status"]) for r in reversed(rows)]


def interrupt_after_delivery(monkeypatch, channel: str, stop: type[BaseException]) -> None:
    """The run dies (`stop`) right after `channel` received the message, before it answers
    back: as when the process is killed while the robot holds the request."""
    from salesproc.service import broadcast as service

    real = service.send

    def send(config, name, *args, **kwargs):
        real(config, name, *args, **kwargs)
        if name == channel:
            raise stop()

    monkeypatch.setattr(service, "send", send)


def test_a_send_is_recorded_as_sending_before_it_leaves_then_as_sent(
    sold, tmp_path, monkeypatch, robot
):
    configure(tmp_path, monkeypatch, robot)
    from salesproc.service import broadcast as service

    real, seen = service.send, []

    def send(config, name, *args, **kwargs):
        # another connection, as the next run would open: the row is already committed
        seen.append(stored("select channel, status from broadcasts order by id"))
        real(config, name, *args, **kwargs)

    monkeypatch.setattr(service, "send", send)
    ok(sold("broadcast", "--edition", "evening"))
    assert seen == [[("team", "sending")], [("team", "sent"), ("sms", "sending")]]
    assert outbox(sold) == [("team", "sent"), ("sms", "sent")]


def test_a_run_killed_while_the_robot_holds_the_request_is_not_resent(
    sold, tmp_path, monkeypatch, robot
):
    spool = configure(tmp_path, monkeypatch, robot)
    Robot.hold = threading.Event()
    run = subprocess.Popen(
        [sys.executable, "-m", "salesproc", "broadcast", "--edition", "evening"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not Robot.received and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(Robot.received) == 1  # the team's group has the message
        run.send_signal(signal.SIGKILL)
        run.wait(10)
    finally:
        if run.poll() is None:
            run.kill()
        Robot.hold.set()
    Robot.hold = None
    assert outbox(sold) == [("team", "sending")]
    again = sold("broadcast", "--edition", "evening")
    assert again.exit_code == 1
    assert UNKNOWN in again.stderr and "Traceback" not in again.stderr
    assert "1 channel not sent: an earlier send's outcome is unknown" in again.stderr
    assert len(Robot.received) == 1  # not sent twice
    assert "Sent to sms" in again.stdout and spool.exists()  # the other channel is not held up
    assert outbox(sold) == [("team", "sending"), ("sms", "sent")]


def test_force_sends_after_an_unfinished_send(sold, tmp_path, monkeypatch, robot):
    configure(tmp_path, monkeypatch, robot)
    with monkeypatch.context() as patch:
        interrupt_after_delivery(patch, "team", KeyboardInterrupt)
        assert sold("broadcast", "--edition", "evening").exit_code != 0
    assert outbox(sold) == [("team", "sending")]
    held = sold("broadcast", "--edition", "evening", "--channel", "team")
    assert held.exit_code == 1 and UNKNOWN in held.stderr
    assert len(Robot.received) == 1
    out = ok(sold("broadcast", "--edition", "evening", "--force")).stdout
    assert "Sent to team" in out and len(Robot.received) == 2
    # sent now: an ordinary rerun says so and sends nothing
    assert "already sent" in ok(sold("broadcast", "--edition", "evening")).stdout
    # the unfinished attempt will never be known: the forced one replaced it
    assert outbox(sold) == [("team", "unknown"), ("team", "sent"), ("sms", "sent")]
    log = ok(sold("broadcast", "log")).stdout.splitlines()
    assert [line for line in log if "unknown" in line and "team" in line]


def test_a_forced_resend_that_fails_is_retried_by_the_next_run(sold, tmp_path, monkeypatch, robot):
    configure(tmp_path, monkeypatch, robot)
    with monkeypatch.context() as patch:
        interrupt_after_delivery(patch, "team", SystemExit)
        sold("broadcast", "--edition", "evening", "--channel", "team")
    configure(tmp_path, monkeypatch, robot, down=True)
    forced = sold("broadcast", "--edition", "evening", "--channel", "team", "--force")
    assert forced.exit_code == 1 and "channel 'team'" in forced.stderr
    configure(tmp_path, monkeypatch, robot)  # the robot is back: the failure is retried
    retry = ok(sold("broadcast", "--edition", "evening", "--channel", "team"))
    assert "Sent to team" in retry.stdout
    assert outbox(sold) == [("team", "unknown"), ("team", "failed"), ("team", "sent")]


def test_two_runs_started_at_once_send_only_once(sold, tmp_path, monkeypatch, robot):
    """The second run read the outbox before the first committed its `sending` row (forced
    here by a reading that sees nothing): the database keeps one `sending` row per edition
    and channel, so the second does not send."""
    configure(tmp_path, monkeypatch, robot)
    with monkeypatch.context() as patch:
        interrupt_after_delivery(patch, "team", SystemExit)
        sold("broadcast", "--edition", "evening", "--channel", "team")
    from salesproc.db import outbox as rows

    monkeypatch.setattr(rows, "standing", lambda *args: None)
    second = sold("broadcast", "--edition", "evening", "--channel", "team")
    assert second.exit_code == 1 and "outcome is unknown" in second.stderr
    assert "Traceback" not in second.stderr
    assert len(Robot.received) == 1
    assert outbox(sold) == [("team", "sending")]


def test_a_failed_send_is_failed_and_retried_as_before(sold, tmp_path, monkeypatch, robot):
    configure(tmp_path, monkeypatch, robot, down=True)
    run = sold("broadcast", "--edition", "evening")
    assert run.exit_code == 1 and "outcome is unknown" not in run.stderr
    assert outbox(sold) == [("team", "failed"), ("sms", "sent")]
    configure(tmp_path, monkeypatch, robot)
    out = ok(sold("broadcast", "--edition", "evening")).stdout
    assert "Sent to team" in out and "sms: evening edition of 2026-11-30 already sent" in out
    assert outbox(sold) == [("team", "failed"), ("sms", "sent"), ("team", "sent")]


def test_the_log_shows_a_send_in_progress(sold, tmp_path, monkeypatch, robot):
    configure(tmp_path, monkeypatch, robot)
    with monkeypatch.context() as patch:
        interrupt_after_delivery(patch, "team", SystemExit)
        sold("broadcast", "--edition", "evening")
    table = ok(sold("broadcast", "log")).stdout
    [line] = [line for line in table.splitlines() if "team" in line]
    assert "sending" in line and "2026-11-30" in line and "evening" in line
    assert "1 attempt" in table


def test_a_dry_run_writes_nothing_and_ignores_an_unfinished_send(
    sold, tmp_path, monkeypatch, robot
):
    configure(tmp_path, monkeypatch, robot)
    ok(sold("broadcast", "--dry-run", "--edition", "evening"))
    assert outbox(sold) == []
    with monkeypatch.context() as patch:
        interrupt_after_delivery(patch, "team", SystemExit)
        sold("broadcast", "--edition", "evening")
    text = ok(sold("broadcast", "--dry-run", "--edition", "evening")).stdout
    assert text.startswith("Leaderboard, evening edition, 2026-11-30")
    assert outbox(sold) == [("team", "sending")] and len(Robot.received) == 1


def test_an_edition_whose_send_did_not_finish_is_not_counted_as_seen(team, tmp_path, monkeypatch):
    """Corrections are announced for what a `sent` edition showed, and only that."""
    spool = tmp_path / "sms.txt"
    config = tmp_path / "config.toml"
    config.write_text(f'[channels.sms]\ntype = "file"\npath = "{spool}"\n', encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-27T18:00")
    ok(team("sale", "add", "--rep", "zhang", "--amount", "42000"))
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-27T20:30")
    with monkeypatch.context() as patch:
        interrupt_after_delivery(patch, "sms", SystemExit)
        team("broadcast", "--edition", "evening")
    assert outbox(team) == [("sms", "sending")]
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-28T09:00")
    ok(team("sale", "edit", "1", "--amount", "4200"))
    morning = ok(team("broadcast", "--dry-run", "--edition", "morning")).stdout
    assert "Corrections" not in morning
    # once an edition is known to have gone out, the next change is announced
    ok(team("broadcast", "--edition", "morning", "--force"))
    monkeypatch.setenv("SALESPROC_NOW", "2026-11-28T10:00")
    ok(team("sale", "edit", "1", "--amount", "4300"))
    later = ok(team("broadcast", "--dry-run", "--edition", "evening")).stdout
    assert "Corrections: 11-27 张伟 sales 4,200.00 → 4,300.00" in later


# --- the same on PostgreSQL ---------------------------------------------------------------


@pytest.fixture
def pg_db(cli):
    server = os.environ.get("SALESPROC_TEST_PG")
    if not server:
        pytest.skip("the outbox on a team database needs PostgreSQL: set SALESPROC_TEST_PG")
    import psycopg

    name = f"outbox_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'create database "{name}"')
    url = server.rsplit("/", 1)[0] + "/" + name
    try:
        ok(cli("--db", url, "init"))
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


def test_on_postgresql_an_unfinished_send_is_kept_and_forced(
    cli, pg_db, tmp_path, monkeypatch, robot
):
    configure(tmp_path, monkeypatch, robot)
    ok(cli("--db", pg_db, "rep", "add", "zhang", "--name", "张伟"))
    ok(cli("--db", pg_db, "sale", "add", "--rep", "zhang", "--amount", "1200"))
    with monkeypatch.context() as patch:
        interrupt_after_delivery(patch, "team", SystemExit)
        cli("--db", pg_db, "broadcast", "--edition", "evening")
    again = cli("--db", pg_db, "broadcast", "--edition", "evening")
    assert again.exit_code == 1 and UNKNOWN in again.stderr and len(Robot.received) == 1
    ok(cli("--db", pg_db, "broadcast", "--edition", "evening", "--force", "--channel", "team"))
    assert len(Robot.received) == 2
    log = ok(cli("--db", pg_db, "broadcast", "log", "--format", "json")).json()
    assert [(r["channel"], r["status"]) for r in reversed(log)] == [
        ("team", "unknown"), ("sms", "sent"), ("team", "sent")
    ]  # fmt: skip
