"""A listing at a terminal written without Rich, byte for byte as Rich would write it.

Why: importing Rich's console and laying out its table cost a terminal 60–75 ms over the
same listing piped (issue 14), for the same few shapes every time: a bold title, a
`SIMPLE_HEAD` table of one-line cells (or aligned lines), rows in one of a handful of
colours, a footer. This module writes those shapes itself, and only when it is sure of
what Rich would do: the console settings Rich would read from the environment are ones
it knows (colour or none, `NO_COLOR`, a width from `COLUMNS` or the terminal, a UTF
encoding), every style is one it knows, and no text is one Rich would change (markup,
emoji codes, emoji joiners, characters that are not printable) or wrap. Anything else
returns None and goes through Rich as before, which stays the oracle the tests compare
against. Cell widths are Rich's own `cell_len`, the rule the piped output measures by.
"""

import builtins
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: SGR parameters of the row styles the commands use, with colour and with `NO_COLOR`
#: (which keeps bold and drops colours); Rich writes attributes before the colour
_STYLES: dict[str, tuple[str, str]] = {
    "bold": ("1", "1"),
    "red": ("31", ""),
    "green": ("32", ""),
    "yellow": ("33", ""),
    "bold red": ("1;31", "1"),
    "bold green": ("1;32", "1"),
    "bold yellow": ("1;33", "1"),
}
#: Rich replaces `:name:` with an emoji in a table cell; two colons with no space between
#: might be one, so such a cell is left to Rich
_EMOJI_CODE = re.compile(r":\S*:")
_RESET = "\x1b[0m"


@dataclass(frozen=True)
class Screen:
    """The console Rich would make for this standard output, as far as a listing needs it."""

    width: int
    #: SGR codes by style name ("" for none); None when Rich would write no escape at all
    codes: dict[str, str] | None


def _digits(value: str | None) -> int | bool | None:
    """An environment number as Rich reads it (`str.isdigit`): None when absent or not
    digits; False when Rich would take it for digits but `int` refuses it (¹²)."""
    if value is None or not value.isdigit():
        return None
    return int(value) if value.isascii() else False


def _is_terminal(environ: Any, out: Any) -> bool:
    compatible = environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    try:
        return bool(out.isatty())
    except ValueError:
        return False


def _terminal_width() -> int | None:
    for descriptor in (0, 1, 2):  # Rich asks stdin, stdout, stderr in this order
        try:
            return os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
    return None


def screen(out: Any) -> Screen | None:
    """Rich's `Console(file=out)` settings, or None when they are not ones this module knows
    (Windows, Jupyter, IDLE, an encoding that is not UTF, a width Rich would read oddly)."""
    if sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        return None
    stdin = sys.stdin
    if hasattr(stdin, "__module__") and str(stdin.__module__).startswith("idlelib"):
        return None
    if getattr(out, "rich_proxied_file", None) is not None:
        return None
    if not (getattr(out, "encoding", "utf-8") or "utf-8").lower().startswith("utf"):
        return None
    environ = os.environ
    columns = _digits(environ.get("COLUMNS"))
    lines = _digits(environ.get("LINES"))
    if columns is False or lines is False:
        return None
    terminal = _is_terminal(environ, out)
    dumb = terminal and environ.get("TERM", "").lower() in ("dumb", "unknown")
    if columns is not None and lines is not None:
        width = columns
    elif dumb:
        width = 80
    elif columns is not None:
        width = columns
    else:
        width = _terminal_width() or 80
    if width < 1:
        return None
    if not terminal or dumb:
        return Screen(int(width), None)
    plain = environ.get("NO_COLOR", "") != ""
    return Screen(int(width), {name: pair[plain] for name, pair in _STYLES.items()})


def _code(look: Screen, style: str | None) -> str | None:
    """The SGR parameters of a style ("" for none), None for a style this module does not know."""
    if not style:
        return ""
    if style not in _STYLES:
        return None
    return "" if look.codes is None else look.codes[style]


def _painted(text: str, code: str) -> str:
    return f"\x1b[{code}m{text}{_RESET}" if code and text else text


def _fits_one_line(text: str, width: int) -> bool:
    """A title or footer Rich prints as it is: no wrapping, nothing it would strip."""
    from rich.cells import cell_len

    return text.isprintable() and (len(text) if text.isascii() else cell_len(text)) <= width


def _sure_cell(text: str) -> bool:
    """A cell Rich's table shows as it is: a printable text with no markup, emoji code or
    emoji variation selector (which changes a width by what precedes it)."""
    return (
        text.isprintable()
        and "[" not in text
        and "\ufe0f" not in text
        and (text.count(":") < 2 or _EMOJI_CODE.search(text) is None)
    )


def _table(
    look: Screen,
    headers: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    justify: Sequence[str],
    codes: Sequence[str],
) -> list[str] | None:
    """Rich's `Table(box=SIMPLE_HEAD, header_style="bold", pad_edge=False)` of no_wrap
    columns, as lines; None unless it fits the width as it is.

    A column is as wide as its widest cell; cells are one cell of padding apart from the
    one-space divider; the edges are a space each; a right-justified cell loses its
    trailing spaces first. Each styled cell and each padding is its own styled segment,
    the divider and edges are never styled (Rich's way, kept to the byte).
    """
    from rich.cells import cell_len

    table = [headers, *rows] if headers is not None else list(rows)
    justified_columns = []
    widths = []
    for column, side in zip(zip(*table, strict=True), justify, strict=True):
        sizes = {}
        for text in set(column):
            if not _sure_cell(text):
                return None
            sizes[text] = len(text) if text.isascii() else cell_len(text)
        wide = max(sizes.values())
        if wide == 0:
            return None  # Rich lays out an empty column its own way (and drops an accent in it)
        widths.append(wide)
        if side == "right":
            shown = {}
            for text, n in sizes.items():
                kept = text.rstrip(" ")
                shown[text] = " " * (wide - n + len(text) - len(kept)) + kept
        elif side == "left":
            shown = {text: text + " " * (wide - n) for text, n in sizes.items()}
        else:
            return None
        justified_columns.append([shown[text] for text in column])
    count = len(widths)
    inner = sum(widths) + 3 * (count - 1)
    if count == 0 or inner + 2 > look.width:
        return None
    out = [" " * (inner + 2)]
    cells_of_rows = list(zip(*justified_columns, strict=True))
    if headers is not None:
        out.append(_row(cells_of_rows[0], _code(look, "bold") or ""))
        out.append(" " + "─" * inner + " ")
        cells_of_rows = cells_of_rows[1:]
    out.extend(map(_row, cells_of_rows, codes))
    out.append(out[0])
    return out


def _row(cells: Sequence[str], code: str) -> str:
    """A table's line: a styled row's cells and paddings each painted, as Rich paints them."""
    if not code:
        return f" {'   '.join(cells)} "
    pad = f"\x1b[{code}m {_RESET}"
    return f" {f'{pad} {pad}'.join(_painted(cell, code) for cell in cells)} "


def listing(
    look: Screen,
    *,
    title: str | None,
    footer: str | None,
    headers: Sequence[str] | None,
    rows: Sequence[Sequence[str]],
    justify: Sequence[str],
    styles: Sequence[str | None],
    lines: Sequence[str] | None,
) -> str | None:
    """What `print_table` prints at a terminal, or None to let Rich print it.

    `lines` are the aligned lines (the header's first when there is one) when the listing
    is too long or too wide for a table; else `rows` make a table, `headers` None for
    one without. `styles` are the rows' styles (never the header's).
    """
    code_of: dict[str | None, str] = {}
    for style in dict.fromkeys(styles):
        code = _code(look, style)
        if code is None:
            return None
        code_of[style] = code
    bold = _code(look, "bold") or ""
    parts: list[str] = []
    if title:
        if not _fits_one_line(title, look.width):
            return None
        parts.append(_painted(title, bold) + "\n")
    if lines is not None:
        line_codes = [code_of[style] for style in styles]
        if headers is not None:
            line_codes.insert(0, bold)
        if len(line_codes) != len(lines):
            return None  # Rich's own path fails here as it always has
        painted = map(_painted, lines, line_codes)
        parts.append("".join(f"{line}\n" for line in painted))
    elif rows:
        table = _table(look, headers, rows, justify, [code_of[style] for style in styles])
        if table is None:
            return None
        parts.append("".join(f"{line}\n" for line in table))
    if footer:
        if not _fits_one_line(footer, look.width):
            return None
        parts.append(footer + "\n")
    return "".join(parts)
