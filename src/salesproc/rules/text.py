"""Text as people type it: one trimming, one refusal of control characters, one formula guard.

Every entry point (a CLI option, a cell of an import) reads text through
`refuse_controls` and `tidy`, so what one accepts all accept and what is
stored comes back exactly; a screen shows stored text through
`escape_controls`. `guard`/`unguard` keep a spreadsheet from running a cell
as a formula, and are each other's inverse for every text: a cell starting
with one of `= + - @ '` (or a tab or CR, or with spaces around it) gets one
leading `'`, and reading strips exactly one leading `'`.
"""

import re

from salesproc.errors import InputError
from salesproc.i18n import _

#: what a spreadsheet may take for a formula; the apostrophe itself, so that the guard reverses
FORMULA_START = ("=", "+", "-", "@", "'", "\t", "\r")
#: a plain number (`-2`, `-4200.00`) is read as that number, never run: a listing keeps it
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
#: refused in typed text: C0 but tab and line ends (LF, and CR as in CRLF), DEL, C1 (ESC is C0)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: escaped on a screen: those, and a CR, which would send the cursor back over the line
_ON_SCREEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def tidy(text: str) -> str:
    """The text as stored: without the spaces, tabs and line ends around it."""
    return text.strip()


def tidy_cells(cells: list[str]) -> list[str]:
    """`tidy` of each cell of a row, in C: a million-row import trims fourteen million cells."""
    return list(map(str.strip, cells))


def control_char(text: str) -> str | None:
    """The first control character of the text, as `U+001B`; None when there is none."""
    if text.isprintable():  # none of them is: twice as quick as the search, once a row
        return None
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def refuse_controls(text: str, field: str) -> str:
    """The text, unless it holds a control character (an ESC would colour a reader's terminal)."""
    code = control_char(text)
    if code is not None:
        raise InputError(
            _("{field} contains the control character {code}; type it without").format(
                field=field, code=code
            )
        )
    return text


def _escape(pattern: re.Pattern[str], text: str) -> str:
    if not pattern.search(text):
        return text
    return pattern.sub(lambda m: repr(m.group())[1:-1], text)


def escape_controls(text: str) -> str:
    """Stored text for a screen: every control character but tab and newline as `\\x1b`."""
    return _escape(_ON_SCREEN, text)


def escape_refused(text: str) -> str:
    """Stored text for a file that `import` reads back: what it would refuse escaped (text
    stored before it was refused); a CR is kept, as the file keeps it."""
    return _escape(_CONTROL, text)


def guard(text: str) -> str:
    """A CSV cell a spreadsheet shows as text and never runs (CSV injection); see `unguard`.

    Text with spaces around it (stored before entries were trimmed) is guarded too,
    so that `read_cell`'s trimming leaves it as it was.
    """
    if text.startswith(FORMULA_START) or text != text.strip():
        return "'" + text
    return text


def guard_listing(text: str) -> str:
    """`guard` for a listing's cell, which keeps a plain number (an amount) as it is."""
    return text if _NUMBER.fullmatch(text) else guard(text)


def unguard(text: str) -> str:
    """The text `guard` was given: exactly one leading `'` removed."""
    return text[1:] if text[:1] == "'" else text


def read_cell(raw: str) -> str:
    """An imported cell's text: trimmed like a typed option, or, when guarded, exactly what
    `guard` was given (spaces inside the guard kept)."""
    cell = tidy(raw)
    return unguard(raw.lstrip()) if cell[:1] == "'" else cell


_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*:)([^@]*)@")


def mask_password(url: str) -> str:
    """A database URL fit to show: `postgresql://u:***@host/db`."""
    return _PASSWORD.sub(r"\1***@", url)
