"""Assertions every CLI test file uses: what success and a clean rejection look like, and
what a command loads on its way."""

import os
import subprocess
import sys
from typing import Any

#: what a daily read must not load: the ORM, the models and Alembic (a third of its start-up)
WRITE_SIDE = ("sqlalchemy.orm", "salesproc.db.models", "alembic")


def ok(run: Any) -> Any:
    assert run.exit_code == 0, f"exit {run.exit_code}\nstdout: {run.stdout}\nstderr: {run.stderr}"
    return run


def rejected(run: Any, *words: str, code: int = 2) -> str:
    """The command failed with `code` and one clear line on stderr naming `words`."""
    assert run.exit_code == code, (
        f"exit {run.exit_code}\nstdout: {run.stdout}\nstderr: {run.stderr}"
    )
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def run_loading(command: tuple[str, ...], modules: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Run `salesproc *command` in a fresh interpreter (it must succeed): the lines it printed,
    and which of `modules` it loaded on the way."""
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['salesproc', *{command!r}]\n"
        "try:\n    runpy.run_module('salesproc', run_name='__main__')\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
        f"print('LOADED', *[m for m in {modules!r} if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    *printed, last = done.stdout.splitlines()
    assert last.startswith("LOADED")
    return printed, last.split()[1:]


def drain(fd: int, chunks: list[bytes]) -> None:
    """Read a pseudo-terminal's side until it is closed: what a command wrote to it."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal is closed once everything is read
            return
        if not chunk:
            return
        chunks.append(chunk)
