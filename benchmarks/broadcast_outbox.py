"""What writing the outbox before each send costs (issue 13, section 4): CPU time, medians.

Two numbers:

* the outbox's bookkeeping per channel, in-process: the state read, the `sending` row
  committed and the outcome committed (two transactions, `db.outbox`), against the one
  insert after the send that the outbox did before;
* a whole `salesproc broadcast` to three file channels as a fresh process (CPU time of
  the child), against `--dry-run` (composition alone).

    python benchmarks/broadcast_outbox.py [--db URL] [--runs 7] [--channels 50]

Without `--db` it uses a new SQLite file under /tmp; a PostgreSQL URL must name an
initialised, throwaway database (the outbox rows it writes stay).
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

NOW = datetime(2026, 11, 30, 20, 30)
DAY = date(2026, 11, 30)


def bookkeeping(url: str, channels: int, runs: int) -> tuple[float, float]:
    """Median CPU ms per channel: (the new two-step outbox, the old single insert)."""
    from salesproc.db import outbox
    from salesproc.db.models import Broadcast
    from salesproc.service.context import Context

    new, old = [], []
    with Context.open(url, now=NOW) as ctx:
        for run in range(runs):
            edition = f"b{run}"
            start = time.process_time()
            for n in range(channels):
                with ctx.session() as s:
                    outbox.standing(s, DAY, edition, f"c{n}")
                    attempt = outbox.start(s, DAY, edition, f"c{n}", "0" * 64, ctx.now)
                with ctx.session() as s:
                    outbox.finish(s, attempt, None)
            new.append((time.process_time() - start) / channels * 1000)
            start = time.process_time()
            for n in range(channels):
                with ctx.session() as s:
                    s.add(
                        Broadcast(day=DAY, edition=f"o{run}", channel=f"c{n}", digest="0" * 64,
                                  status="sent", at=ctx.now)
                    )  # fmt: skip
            old.append((time.process_time() - start) / channels * 1000)
    return statistics.median(new), statistics.median(old)


def command(url: str, folder: Path, runs: int, *extra: str) -> float:
    """Median CPU ms of `salesproc broadcast` as a fresh process (user + system, the child)."""
    env = dict(os.environ, SALESPROC_NOW=NOW.isoformat(timespec="minutes"), LANG="C.UTF-8")
    env["SALESPROC_CONFIG"] = str(folder / "config.toml")
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [sys.executable, "-m", "salesproc", "--db", url, "broadcast", "--edition",
             "evening", "--force", *extra],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        times.append(cpu * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL or path [default: a new SQLite file]")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--channels", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="salesproc-outbox-"))
    url = args.db
    if url is None:
        url = str(folder / "bench.db")
        subprocess.run([sys.executable, "-m", "salesproc", "--db", url, "init"], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    config = "".join(
        f'[channels.f{n}]\ntype = "file"\npath = "{folder / f"f{n}.txt"}"\n' for n in range(3)
    )
    (folder / "config.toml").write_text(config, encoding="utf-8")
    try:
        new, old = bookkeeping(url, args.channels, args.runs)
        sent = command(url, folder, args.runs)
        dry = command(url, folder, args.runs, "--dry-run")
    finally:
        shutil.rmtree(folder)
    print(f"outbox per channel: sending+outcome {new:.2f} ms CPU, single insert {old:.2f} ms")
    print(f"broadcast to 3 file channels: {sent:.0f} ms CPU; --dry-run {dry:.0f} ms")
    print(f"(medians of {args.runs}; {args.channels} channels a run in-process)")


if __name__ == "__main__":
    main()
