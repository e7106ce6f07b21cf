"""Output that cannot hurt the reader: no formula runs from a CSV, no ESC reaches a terminal,
no password is shown, and every out-of-range value is a clear refusal (exit 2)."""

import csv
import io
import sys
from pathlib import Path

import pytest

from conftest import stored
from helpers import ok, rejected

FORMULAS = ['=HYPERLINK("x")', "+1", "@SUM(A1)", "-2+1", "=cmd|' /C calc'!A0"]
RUNNABLE = ("=", "+", "@", "-")


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _runs(cell: str) -> bool:
    """A cell a spreadsheet would take for a formula (a plain number is just that number)."""
    return cell.startswith(RUNNABLE) and not _number(cell)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def sneaky(team):
    """Reps, customers and typed text that a spreadsheet would run unguarded."""
    ok(team("rep", "add", "evil", "--name", "+1", "--region", "@SUM(A1)"))
    for name in ('=HYPERLINK("x")', "@SUM(A1)", "-2+1", "-2"):
        ok(team("customer", "add", "--grade", "A", "--rep", "evil", "--contact", "+1", "--", name))
    ok(team("log-visit", "--rep", "evil", "--customer", '=HYPERLINK("x")', "--purpose", "订货",
            "--date", "-1", "--start", "09:00", "--end", "10:00", "--result", "@SUM(A1)",
            "--note", "=cmd|' /C calc'!A0", "--weather", "+1"))  # fmt: skip
    ok(team("log-visit", "--rep", "evil", "--customer", "-2+1", "--purpose", "订货",
            "--start", "11:00", "--end", "12:00", "--result", "-2+1"))  # fmt: skip
    ok(team("sale", "add", "--rep", "evil", "--amount", "300", "--customer", "@SUM(A1)",
            "--ref", "=1+1"))  # fmt: skip
    ok(team("collection", "add", "--rep", "evil", "--amount", "100", "--customer", "@SUM(A1)",
            "--ref", "+1"))  # fmt: skip
    ok(team("call", "log", "--rep", "evil", "--verdict", "doubtful", "--note", "=1+1"))
    ok(team("field", "log", "--region", "@SUM(A1)", "--rep", "evil", "--note", "-2+1"))
    ok(team("customer", "edit", "--contact", '=HYPERLINK("y")', "--", "-2+1"))
    return team


LISTINGS = [
    ("customer", "list"),
    ("visit", "list"),
    ("rep", "list"),
    ("due", "--ahead", "30"),
    ("rank",),
    ("rank", "--cumulative"),
    ("report", "daily", "--date", "-1"),
    ("sale", "list"),
    ("collection", "list"),
    ("call", "list"),
    ("field", "list"),
    ("history",),
    ("audit",),
    ("four-visit",),
]


@pytest.mark.parametrize("listing", LISTINGS, ids=" ".join)
def test_every_listing_csv_guards_formulas(sneaky, listing):
    rows = _rows(ok(sneaky(*listing, "--format", "csv")).stdout)
    cells = [cell for row in rows[1:] for cell in row]
    assert [c for c in cells if _runs(c)] == []
    shown = [c for c in cells if any(f.replace('"', "") in c.replace('"', "") for f in FORMULAS)]
    assert shown, f"none of the sneaky text is in {' '.join(listing)}: {rows}"
    assert all(c[:1] == "'" or not c.startswith(RUNNABLE) for c in shown)


def test_a_listing_keeps_amounts_and_plain_numbers_as_numbers(sneaky):
    """A plain number cannot run: `-2` is the number -2 to a spreadsheet, and a guard on it
    would turn every return's amount into text for the scripts that read `sale list`."""
    ok(sneaky("sale", "add", "--return", "--rep", "evil", "--amount", "50"))
    rows = _rows(ok(sneaky("sale", "list", "--format", "csv")).stdout)
    assert "-50.00" in [cell for row in rows for cell in row]
    names = [row[0] for row in _rows(ok(sneaky("customer", "list", "-f", "csv")).stdout)]
    assert "-2" in names and "'-2+1" in names


def test_an_esc_in_an_option_is_refused_naming_it(team):
    said = rejected(team("customer", "add", "X", "--grade", "A", "--contact", "\x1b[31mRED"),
                    "--contact", "U+001B")  # fmt: skip
    assert "\x1b" not in said
    rejected(team("customer", "add", "\x1b[31mRED", "--grade", "A"), "U+001B")
    rejected(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货",
                  "--note=a\x9bb"), "--note", "U+009B")  # fmt: skip
    rejected(team("rep", "add", "x", "--name", "a\x7f"), "--name", "U+007F")
    rejected(team("sale", "add", "--rep", "zhang", "--amount", "3", "--ref", "a\x00b"), "--ref")
    names = [c["name"] for c in ok(team("customer", "list", "--format", "json")).json()]
    assert len(names) == 3
    assert ok(team("visit", "list", "--format", "json")).json() == []


def test_tab_and_line_ends_stay_allowed_in_typed_text_and_a_cr_is_escaped_on_screen(team):
    ok(team("log-visit", "--rep", "li", "--customer", "兴隆商行", "--purpose", "订货",
            "--note", "line 1\r\nline 2\rover"))  # fmt: skip
    (visit,) = ok(team("visit", "list", "--format", "json")).json()
    assert visit["note"] == "line 1\r\nline 2\rover"
    table = ok(team("visit", "list")).stdout
    assert "\r" not in table and "line 1\\r line 2\\rover" in table
    ok(team("visit", "delete", str(visit["id"])))
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货",
            "--note", "two\tparts\nsecond line"))  # fmt: skip
    (visit,) = ok(team("visit", "list", "--format", "json")).json()
    assert visit["note"] == "two\tparts\nsecond line"


def test_an_esc_in_an_import_cell_is_refused_naming_row_and_column(team, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("name,grade\n好又多,B\n\x1b[31mRED,A\n", encoding="utf-8")
    rejected(team("import", "customers", str(path)), "row 3", "column name", "U+001B")
    assert len(ok(team("customer", "list", "--format", "json")).json()) == 3
    visits = tmp_path / "v.csv"
    visits.write_text(
        "date,rep,customer,purposes,notes\n2026-11-29,zhang,万家超市,订货,bad\x07bell\n",
        encoding="utf-8",
    )
    rejected(team("import", "visits", str(visits)), "row 2", "U+0007")
    assert ok(team("visit", "list", "--format", "json")).json() == []


def _store_raw(isolated: Path, sql: str, *values: object) -> None:
    """Text that came in before control characters were refused, written past the CLI."""
    parts = sql.split("?")  # sqlite3's placeholders, as named ones for either database
    named = "".join(f"{part}:p{i}" for i, part in enumerate(parts[:-1])) + parts[-1]
    stored(named, **{f"p{i}": value for i, value in enumerate(values)})


def test_a_stored_esc_is_printed_escaped_never_raw(team, isolated):
    _store_raw(isolated, "UPDATE customers SET name = ?, contact = ? WHERE name = '万家超市'",
               "\x1b[31mRED", "王\x9b经理")  # fmt: skip
    for fmt in ("table", "csv"):
        out = ok(team("customer", "list", "--format", fmt)).stdout
        assert "\x1b" not in out and "\x9b" not in out
        assert "\\x1b[31mRED" in out and "王\\x9b经理" in out
    doc = ok(team("customer", "list", "--format", "json"))
    assert "\x1b" not in doc.stdout and "\x9b" not in doc.stdout
    assert doc.json()[0]["name"] == "\x1b[31mRED" and doc.json()[0]["contact"] == "王\x9b经理"
    due = ok(team("due", "--format", "table")).stdout
    assert "\x1b" not in due and "\\x1b[31mRED" in due


TEXTS = ["'=1+1", "'quoted", "=SUM(A1)", "a\tb  c", "-5 boxes", "@home", "+86 138"]
#: Excel's XML turns every CR into a line feed: CR survives CSV only
CSV_TEXTS = [*TEXTS, "a\r\nb\rc"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_every_text_back_exactly(team, tmp_path, fmt):
    texts = CSV_TEXTS if fmt == "csv" else TEXTS
    for n, text in enumerate(texts):
        ok(team("customer", "add", f"店{n}", "--grade", "B", "--contact", text))
        ok(team("log-visit", "--rep", "zhang", "--customer", f"店{n}", "--purpose", "订货",
                "--start", f"0{n}:00", "--result", text, "--note", text))  # fmt: skip
    ok(team("export", "customers", "-o", str(tmp_path / f"c.{fmt}")))
    ok(team("export", "visits", "-o", str(tmp_path / f"v.{fmt}")))
    other = ("--db", str(tmp_path / "other.db"))
    ok(team(*other, "init"))
    ok(team(*other, "import", "customers", str(tmp_path / f"c.{fmt}"), "--create-reps"))
    ok(team(*other, "import", "visits", str(tmp_path / f"v.{fmt}")))
    contacts = {
        c["name"]: c["contact"] for c in team(*other, "customer", "list", "-f", "json").json()
    }
    assert [contacts[f"店{n}"] for n in range(len(texts))] == texts
    visits = sorted(
        ok(team(*other, "visit", "list", "-f", "json")).json(), key=lambda v: v["start"]
    )
    assert [v["result"] for v in visits] == texts
    assert [v["note"] for v in visits] == texts


def test_text_with_spaces_around_it_is_stored_trimmed_as_imports_read_it(team):
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货",
            "--result", "  下单 补货\t", "--note", "\t 备注 "))  # fmt: skip
    (visit,) = ok(team("visit", "list", "--format", "json")).json()
    assert (visit["result"], visit["note"]) == ("下单 补货", "备注")
    ok(team("customer", "edit", "华联便利店", "--contact", "  王经理  "))
    contacts = {c["name"]: c["contact"] for c in team("customer", "list", "-f", "json").json()}
    assert contacts["华联便利店"] == "王经理"


def test_text_stored_with_spaces_before_trimming_still_round_trips(team, isolated, tmp_path):
    _store_raw(isolated, "UPDATE customers SET contact = ? WHERE name = '万家超市'", "  王经理 ")
    ok(team("export", "customers", "-o", str(tmp_path / "c.csv")))
    other = ("--db", str(tmp_path / "other.db"))
    ok(team(*other, "init"))
    ok(team(*other, "import", "customers", str(tmp_path / "c.csv"), "--create-reps"))
    contacts = {
        c["name"]: c["contact"] for c in team(*other, "customer", "list", "-f", "json").json()
    }
    assert contacts["万家超市"] == "  王经理 "


def test_config_show_masks_the_database_password(cli):
    url = "postgresql://sales:s3cret@db.example.com/sales"
    table = ok(cli("--db", url, "config", "show")).stdout
    assert "s3cret" not in table and "postgresql://sales:***@db.example.com/sales" in table
    doc = ok(cli("--db", url, "config", "show", "--format", "json")).json()
    (db,) = [s for s in doc["settings"] if s["key"] == "db"]
    assert db["value"] == "postgresql://sales:***@db.example.com/sales"


@pytest.mark.parametrize("year", ["0", "99999", "-1"])
def test_a_target_year_out_of_range_is_refused(team, year):
    rejected(team("target", "set", "--team", "--year", year, "--amount", "1000"), "--year")
    rejected(team("target", "show"), "no target")


def test_due_past_the_end_of_the_calendar_is_refused(team):
    rejected(team("due", "--date", "9999-12-31", "--ahead", "7"), "9999-12-31", "--ahead")


def test_a_date_so_far_off_the_calendar_ends_is_exit_2(team):
    rejected(team("progress", "--date", "9999-12-31"), "out of range")


@pytest.mark.parametrize("url", ["foo://bar", "://"])
def test_a_db_that_is_no_database_url_is_refused(cli, url):
    for command in (("customer", "list"), ("init",), ("demo", "--force")):
        rejected(cli("--db", url, *command), url, "not a database")


def test_a_missing_database_driver_names_the_package(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if `salesproc[postgres]` were not in
    said = rejected(
        cli("--db", "postgresql://u:pw@localhost/db", "customer", "list"), "pip install"
    )
    assert "salesproc[postgres]" in said and "pw" not in said


@pytest.mark.parametrize("audit", ["min_minutes = 90\nmax_minutes = 60", "min_minutes = 300"])
def test_audit_min_minutes_above_max_minutes_is_refused(team, isolated, monkeypatch, audit):
    config = isolated / "salesproc.toml"
    config.write_text(f"[audit]\n{audit}\n", encoding="utf-8")
    monkeypatch.setenv("SALESPROC_CONFIG", str(config))
    rejected(team("audit"), "min_minutes", "max_minutes")


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_an_empty_visits_file_is_refused_like_sales_and_customers(team, tmp_path, content):
    path = tmp_path / "v.csv"
    path.write_text(content, encoding="utf-8")
    rejected(team("import", "visits", str(path)), "v.csv", "is empty")
    assert ok(team("visit", "list", "--format", "json")).json() == []


def test_debug_keeps_the_exit_code(team):
    said = team("--debug", "customer", "add", "X", "--grade", "Z")
    assert said.exit_code == 2
    said = team("--debug", "log-visit", "--rep", "nobody", "--customer", "万家超市",
                "--purpose", "订货")  # fmt: skip
    assert said.exit_code == 2 and "Traceback" in said.stderr
    assert team("--debug", "due", "--date", "9999-12-31", "--ahead", "7").exit_code == 2


def test_a_stored_control_character_is_exported_escaped_never_breaking_the_file(
    team, isolated, tmp_path
):
    _store_raw(isolated, "UPDATE customers SET contact = ? WHERE name = '万家超市'", "王\x1b经理")
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货"))
    _store_raw(isolated, "UPDATE visits SET note = ?", "n\x07")
    for what, fmt in (("customers", "csv"), ("customers", "xlsx"), ("visits", "xlsx")):
        ok(team("export", what, "-o", str(tmp_path / f"{what}.{fmt}")))
    assert "王\\x1b经理" in (tmp_path / "customers.csv").read_text(encoding="utf-8-sig")
    ok(team("report", "daily", "--format", "xlsx", "--output", str(tmp_path / "r.xlsx")))


def test_a_stored_esc_never_reaches_the_terminal_from_any_plain_text_output(team, isolated):
    ok(team("log-visit", "--rep", "zhang", "--customer", "万家超市", "--purpose", "订货",
            "--start", "09:00", "--amount", "500"))  # fmt: skip
    _store_raw(isolated, "UPDATE reps SET name = ? WHERE code = 'zhang'", "张\x1b]0;owned\x07伟")
    _store_raw(isolated, "UPDATE visits SET result = ?", "r\x1b[2J")
    for command in (("broadcast", "--dry-run"), ("call-plan",), ("customer", "show", "万家超市"),
                    ("report", "daily"), ("rank",)):  # fmt: skip
        out = ok(team(*command)).stdout
        assert "\x1b" not in out and "\x07" not in out, command
        assert "\\x1b" in out, command
