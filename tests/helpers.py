"""Assertions every CLI test file uses: what success and a clean rejection look like."""

from typing import Any


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
