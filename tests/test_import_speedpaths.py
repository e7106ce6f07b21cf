"""The fast paths of the bulk imports keep every value exactly as the slow ones would.

A million-row import takes shortcuts: on PostgreSQL the rows go to COPY as
text built here rather than by psycopg's per-value dumpers, so text that COPY
would read differently (a backslash, a tab, a line end, the text `\\N` that
COPY reads as NULL) must come back as typed. These run on the database the
suite runs on (SQLite, or PostgreSQL with SALESPROC_TEST_DB).
"""

import csv
import json
from pathlib import Path

from helpers import ok
from salesproc.db.pg_copy import copy_text

#: refs COPY's text format would misread if taken as they are
AWKWARD = ["\\N", "a\\Nb", "back\\slash", "tab\there", "line\nend", "cr\r\nlf", "\\t", "plain"]


def test_copy_text_escapes_only_what_copy_would_misread() -> None:
    plain = copy_text([(1, "order", None), (2, "收款", "谈妥")], 3)
    assert plain == "1\torder\t\\N\n2\t收款\t谈妥\n"
    odd = copy_text([(1, "a\\N", None), (2, "x\ty\nz\r", "")], 3)
    assert odd == "1\ta\\\\N\t\\N\n2\tx\\ty\\nz\\r\t\n"


def test_awkward_refs_and_notes_come_back_as_typed(team, tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    with sales.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["rep", "date", "amount", "ref"])
        for n, ref in enumerate(AWKWARD):
            out.writerow(["zhang", "2026-11-02", f"{100 + n}.50", ref])
    ok(team("import", "sales", str(sales)))
    listed = json.loads(ok(team("sale", "list", "--format", "json")).stdout)
    assert sorted(s["ref"] for s in listed) == sorted(AWKWARD)

    visits = tmp_path / "visits.csv"
    with visits.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["date", "rep", "customer", "start", "purposes", "notes", "result"])
        for n, text in enumerate(AWKWARD):
            out.writerow(
                ["2026-11-03", "zhang", "万家超市", f"{9 + n:02d}:00", "order", text, text]
            )
    ok(team("import", "visits", str(visits)))
    shown = json.loads(ok(team("visit", "list", "--format", "json")).stdout)
    notes = [v.get("note", v.get("notes")) for v in shown]
    results = [v["result"] for v in shown]
    assert sorted(notes) == sorted(AWKWARD)
    assert sorted(results) == sorted(AWKWARD)


def test_a_visit_repeated_days_later_in_the_file_is_still_found(team, tmp_path: Path) -> None:
    """The visits of days the file has left behind are packed away: a file that comes back
    to them, in or out of order, still has each repeat told with the row it repeats."""
    lines = ["date,rep,customer,start,purposes"]
    for day in range(1, 11):  # ten days, in order: the first ones are packed by the tenth
        lines.append(f"2026-11-{day:02d},li,兴隆商行,09:00,order")
        lines.append(f"2026-11-{day:02d},zhang,万家超市,,order")
    lines.append("2026-11-01,li,兴隆商行,09:00,collection")  # row 22 repeats row 2
    lines.append("2026-11-02,zhang,万家超市,,service")  # row 23 repeats row 5
    lines.append("2026-11-01,li,兴隆商行,10:00,order")  # another visit: no problem
    lines.append("2026-11-01,li,兴隆商行,10:00,order")  # row 25 repeats row 24
    lines.append("2026-11-03,li,兴隆商行,09:00,order")  # row 26 repeats row 6
    path = tmp_path / "days.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = team("import", "visits", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "row 22: same visit as row 2",
        "row 23: same visit as row 5",
        "row 25: same visit as row 24",
        "row 26: same visit as row 6",
        "Error: 4 bad rows in days.csv; nothing was imported",
    ]
    # without the repeats, every row goes in
    path.write_text("\n".join(lines[:21] + lines[23:24]) + "\n", encoding="utf-8")
    assert "Imported 21 visits" in ok(team("import", "visits", str(path))).stdout


def test_the_packed_keys_tell_each_repeat_with_its_first_row() -> None:
    from salesproc.adapters.key_rows import KeyRows

    keys = KeyRows()
    texts = [f"OPP{n:06d}" for n in range(10_000)] + ["", "键\udc80", "OPP000001 "]
    for row, text in enumerate(texts, start=2):
        assert keys.add(text, row) == 0
    assert len(keys) == len(texts)
    for row, text in enumerate(texts, start=2):
        assert keys.add(text, 99_999) == row  # the first row, however many grew the table
    assert keys.add("OPP000001", 5) == 3 and keys.add("opp000001", 5) == 0
