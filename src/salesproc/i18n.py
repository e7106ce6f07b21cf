"""One translation layer for every word a user reads: stdlib gettext over shipped catalogs.

English is written in the code; `locale/zh/LC_MESSAGES/salesproc.po` holds
the Simplified Chinese, compiled to `salesproc.mo` beside it (`python
scripts/i18n.py` extracts, merges and compiles; a test keeps them in step).

Messages are translated when they are shown, not when a module is imported,
so `--lang` (read after the imports) decides: mark module-level words with
`N_` and pass them through `_` where they are rendered.
"""

import gettext
from collections.abc import Mapping
from pathlib import Path

LANGUAGES = ("en", "zh")
DOMAIN = "salesproc"
LOCALE_DIR = Path(__file__).parent / "locale"

_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def use(language: str) -> None:
    """Show every later message in `language` ("en" or "zh")."""
    global _catalog, _language
    _language = language
    _catalog = (
        gettext.NullTranslations()
        if language == "en"
        else gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    )


def language() -> str:
    return _language


def _(message: str) -> str:
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a word for the catalog where it is defined; `_` translates it where it is shown."""
    return message


def from_locale(environ: Mapping[str, str]) -> str | None:
    """The language of the user's locale, as POSIX looks it up (`LANG=zh_CN.UTF-8` → zh)."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        for part in value.split(":"):  # LANGUAGE may list several: zh_CN:en
            code = part.split("_")[0].split(".")[0].casefold()
            if code in LANGUAGES:
                return code
        if value and variable != "LANGUAGE":
            return None  # the first one set decides, as in setlocale
    return None
