"""Every test runs the real CLI on its own temporary database and a pinned clock.

No test can touch a real user's data: the data and config dirs point into the
test's temporary folder, and `SALESPROC_NOW` pins "today" to 2026-11-30.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesproc import i18n
from salesproc.cli import app

TODAY = "2026-11-30"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("SALESPROC_DB", str(tmp_path / "sales.db"))
    monkeypatch.setenv("SALESPROC_NOW", f"{TODAY}T18:30")
    monkeypatch.delenv("SALESPROC_CONFIG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")  # English unless a test asks for Chinese
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    i18n.use("en")
    return tmp_path


@pytest.fixture
def cli() -> Callable[..., Run]:
    """`cli("due", "--format", "json")` runs salesproc in-process, stdout and stderr apart."""
    runner = CliRunner()

    def run(*args: str) -> Run:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def db(cli: Callable[..., Run]) -> Callable[..., Run]:
    """An initialised empty database; returns the same runner."""
    assert cli("init").exit_code == 0
    return cli


@pytest.fixture
def team(db: Callable[..., Run]) -> Callable[..., Run]:
    """Two reps and three customers of each grade in a fresh database."""
    for code, name, region in [("zhang", "张伟", "杭州"), ("li", "李娜", "宁波")]:
        assert db("rep", "add", code, "--name", name, "--region", region).exit_code == 0
    customers = [
        ("万家超市", "A", "zhang", "13800000001"),
        ("华联便利店", "B", "zhang", "13800000002"),
        ("兴隆商行", "C", "li", "13800000003"),
    ]
    for name, grade, rep, phone in customers:
        result = db("customer", "add", name, "--grade", grade, "--rep", rep, "--phone", phone)
        assert result.exit_code == 0, result.stderr
    return db
