"""At a terminal, listings are written without Rich exactly as Rich writes them.

Rich stays the oracle: each listing is printed twice under the same console settings,
once as a command prints it and once with `cli.terminal` told to leave everything to Rich,
and the bytes must be the same. Random tables (Chinese, full-width and ASCII cells, both
justifications, rows in every style, widths at the limits, 0 to 301 rows) under several
environments; then the daily commands themselves on the demo team, under a pty.
"""

import io
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from helpers import drain
from salesproc.cli import output, terminal
from salesproc.cli.output import RICH_TABLE_ROWS, Column, ScreenSafe, print_table

#: the console settings Rich reads, as people set them
SETTINGS = (
    "COLUMNS",
    "LINES",
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
)


class _Terminal(io.StringIO):
    """Standard output as a terminal: Rich and the writer both take it for one."""

    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


@contextmanager
def _environment(values: dict[str, str | None]) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in SETTINGS:
            value = values.get(name)
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        yield


def _printed(rich_only: bool, screen_safe: bool, *args: Any, **kwargs: Any) -> str:
    """What `print_table` writes to a terminal; with `rich_only`, through Rich as before."""
    out = _Terminal()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdout", ScreenSafe(out) if screen_safe else out)
        if rich_only:
            patch.setattr(terminal, "screen", lambda target: None)
        print_table(*args, **kwargs)
    return out.getvalue()


def _both(*args: Any, **kwargs: Any) -> tuple[str, str]:
    return _printed(False, True, *args, **kwargs), _printed(True, True, *args, **kwargs)


#: letters a listing holds: ASCII, Chinese, full-width, a dash and a sign, accents; and a few
#: Rich treats apart (markup, emoji codes, emoji, joiners, a combining mark, wide space)
COMMON = "abcxyz ABC 0129.,-#()张伟李娜万家超市青岛便利店ＡＢ１２–±é"
RARE = "[]:/😀\u200d\ufe0f\u0301\u3000\t"
cells = st.text(alphabet=COMMON, max_size=12) | st.text(alphabet=COMMON + RARE, max_size=6)
STYLES = [None, None, "red", "green", "yellow", "bold green", "bold", "", "blue", "bold red"]
environments = st.fixed_dictionaries(
    {
        "TERM": st.sampled_from([None, "xterm-256color", "xterm", "dumb", "screen-16color"]),
        "COLORTERM": st.sampled_from([None, "truecolor", ""]),
        "NO_COLOR": st.sampled_from([None, "", "1"]),
        "FORCE_COLOR": st.sampled_from([None, None, "", "1"]),
        "TTY_COMPATIBLE": st.sampled_from([None, None, None, "0", "1"]),
        "LINES": st.sampled_from([None, "50"]),
    }
)


@st.composite
def listings(draw: Any) -> dict[str, Any]:
    count = draw(st.integers(1, 5))
    columns = [
        Column(
            f"c{i}",
            # a command's first heading is never empty (nor is Rich's aligned lines' header)
            draw(st.text(alphabet=COMMON, min_size=i == 0, max_size=8) | cells.filter(bool)),
            draw(st.sampled_from(["left", "right"])),
        )
        for i in range(count)
    ]
    pool = [[draw(cells) for _ in range(draw(st.integers(1, 4)))] for _ in columns]
    rows = draw(st.sampled_from([0, 1, 2, 3, 7, RICH_TABLE_ROWS, RICH_TABLE_ROWS + 1]))
    pick = random.Random(draw(st.integers(0, 2**16)))
    styles = draw(st.lists(st.sampled_from(STYLES), min_size=1, max_size=3))
    records = [
        {f"c{i}": pick.choice(texts) for i, texts in enumerate(pool)} | {"s": pick.choice(styles)}
        for _ in range(rows)
    ]
    header = draw(st.booleans())
    # the widths where the layout changes: the aligned lines' own, and Rich's table's
    shown = [[c.header] if header else [] for c in columns]
    for i, texts in enumerate(pool):
        shown[i].extend(texts)
    widest = [max(cell_len(t) for t in texts) if texts else 0 for texts in shown]
    limits = [sum(widest) + 2 * count, sum(widest) + 3 * count - 1]
    width = draw(
        st.sampled_from(limits).map(lambda w: w + draw(st.integers(-2, 2)))
        | st.integers(1, 160)
        | st.none()
    )
    title = draw(st.none() | st.just("") | st.text(alphabet=COMMON + "[]:", max_size=50))
    footer = draw(st.none() | st.text(alphabet=COMMON, max_size=30))
    return {
        "records": records,
        "columns": columns,
        "title": title,
        "footer": footer,
        "row_style": draw(st.sampled_from([None, lambda r: r["s"]])),
        "header": header,
        "COLUMNS": None if width is None else str(max(width, 1)),
    }


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(listing=listings(), environment=environments)
def test_a_listing_at_a_terminal_is_what_rich_prints(listing, environment):
    columns_setting = listing.pop("COLUMNS")
    with _environment({**environment, "COLUMNS": columns_setting}):
        written, rich = _both(**listing)
    assert written == rich


def _due_like(rows: int) -> dict[str, Any]:
    names = ["万家超市", "青岛福满批发部(2号店)", "Overdue Shop", "ＡＢ便利店"]
    return {
        "records": [
            {"customer": names[i % 4], "grade": "ABC"[i % 3], "days": i % 5, "visits": i * 7}
            for i in range(rows)
        ],
        "columns": [
            Column("customer", "Customer"),
            Column("grade", "Grade"),
            Column("days", "When", "right"),
            Column("visits", "Visits", "right"),
        ],
        "title": "Due on 2026-12-02 — 待回访",
        "footer": f"{rows} customers due, 3 overdue",
        "row_style": lambda r: "red" if r["days"] else ("bold green" if r["visits"] else None),
    }


@pytest.mark.parametrize("rows", [1, RICH_TABLE_ROWS, RICH_TABLE_ROWS + 1])
@pytest.mark.parametrize(
    "environment",
    [
        {"COLUMNS": "120", "TERM": "xterm-256color"},
        {"COLUMNS": "120", "TERM": "xterm-256color", "NO_COLOR": "1"},
        {"COLUMNS": "120", "TERM": "xterm", "COLORTERM": "truecolor"},
        {"COLUMNS": "120", "TERM": "dumb", "LINES": "40"},
        {"COLUMNS": "40", "FORCE_COLOR": "1"},
        {"TERM": "dumb"},
    ],
    ids=lambda e: " ".join(f"{k}={v}" for k, v in e.items()),
)
def test_the_daily_shapes_are_written_without_rich(monkeypatch, rows, environment):
    """The shapes `due` and `rank` print never reach Rich's console, and are its bytes."""
    listing = _due_like(rows)
    with _environment(environment):
        rich = _printed(True, True, **listing)

        def no_rich() -> None:
            raise AssertionError("went through Rich")

        monkeypatch.setattr(output, "console", no_rich)
        assert _printed(False, True, **listing) == rich
        assert _printed(False, False, **listing) == rich


@pytest.mark.parametrize(
    "unsure",
    [
        {"title": "x" * 130},  # Rich wraps it
        {"row_style": lambda r: "blue"},  # a style the writer does not know
        {"records": [{"customer": "[bold]x", "grade": "A", "days": 0, "visits": 1}]},
        {"records": [{"customer": "shop :smile:", "grade": "A", "days": 0, "visits": 1}]},
    ],
    ids=["long title", "unknown style", "markup", "emoji code"],
)
def test_what_the_writer_is_not_sure_of_goes_through_rich(unsure):
    listing = _due_like(2) | unsure
    with _environment({"COLUMNS": "120", "TERM": "xterm-256color"}):
        written, rich = _both(**listing)
    assert written == rich
    assert "\x1b[" in written


@pytest.mark.parametrize(
    "environment",
    [{"COLUMNS": "²"}, {"COLUMNS": "0"}, {"PYTHONIOENCODING": "ascii"}],
    ids=["odd digits", "no width", "ascii"],
)
def test_console_settings_it_does_not_know_are_left_to_rich(environment):
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        out = _Terminal()
        if "PYTHONIOENCODING" in environment:
            out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
        assert terminal.screen(out) is None


# --- the commands, at a real (pseudo-)terminal ---------------------------------------------

RICH_RENDERING = ("rich.console", "rich.table", "rich.text")
RICH_ONLY = "import salesproc.cli.terminal as t; t.screen = lambda target: None\n"


def _at_a_terminal(
    args: list[str], environment: dict[str, str], rich_only: bool
) -> tuple[bytes, str]:
    """Run salesproc with a pty as stdout (120 columns unless COLUMNS says); its bytes, and on
    stderr's last line which of Rich's rendering modules it loaded."""
    import fcntl
    import pty
    import struct
    import termios

    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(environment)
    code = (
        (RICH_ONLY if rich_only else "")
        + "import runpy, sys\n"
        + f"sys.argv = ['salesproc', *{args!r}]\n"
        + "try:\n    runpy.run_module('salesproc', run_name='__main__')\n"
        + f"finally:\n    print('LOADED', *[m for m in {RICH_RENDERING!r} if m in sys.modules],"
        + " file=sys.stderr)\n"
    )
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    chunks: list[bytes] = []
    reader = threading.Thread(target=drain, args=(main, chunks))  # a full pty blocks the child
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            stdin=secondary,
            stdout=secondary,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    finally:
        os.close(secondary)
        reader.join(timeout=30)
        os.close(main)
    assert done.returncode in (0, 1), done.stderr  # `four-visit`, `audit` may exit 1
    return b"".join(chunks), done.stderr.decode().splitlines()[-1]


@pytest.mark.parametrize(
    "command",
    [
        ["due"],
        ["due", "--ahead", "7"],
        ["rank", "--cumulative"],
        ["four-visit"],
        ["audit", "--from", "-60", "--all"],
        ["customer", "list"],
    ],
    ids=" ".join,
)
@pytest.mark.parametrize(
    "environment",
    [
        {"TERM": "xterm-256color", "COLUMNS": "120"},
        {"TERM": "xterm-256color", "NO_COLOR": "1"},
        {"TERM": "dumb", "COLUMNS": "60", "LINES": "20"},
        {"TERM": "xterm", "COLUMNS": "70", "LANG": "zh_CN.UTF-8"},
    ],
    ids=["colour", "NO_COLOR, the pty's width", "dumb", "Chinese, 70 columns"],
)
def test_the_daily_commands_at_a_terminal_print_what_rich_printed(demo_db, command, environment):
    args = ["--db", str(demo_db.path), *command]
    written, _loaded = _at_a_terminal(args, environment, rich_only=False)
    assert written == _at_a_terminal(args, environment, rich_only=True)[0]
    assert written.count(b"\n") > 3


@pytest.mark.parametrize("command", [["due"], ["rank", "--cumulative"]], ids=" ".join)
def test_at_a_terminal_due_and_rank_load_no_rich_console(demo_db, command):
    """The point of the writer: Rich's console and table stay unloaded at a terminal too."""
    args = ["--db", str(demo_db.path), *command]
    environment = {"TERM": "xterm-256color", "COLUMNS": "120"}
    written, loaded = _at_a_terminal(args, environment, rich_only=False)
    assert b"\x1b[1m" in written
    assert loaded == "LOADED"
    assert _at_a_terminal(args, environment, rich_only=True)[1] != "LOADED"
