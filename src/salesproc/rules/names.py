"""Names as people type them: "华联超市（文三店）" and "华联超市(文三店)" are one customer.

Reps type names on phones and PCs with Chinese input methods, which give
full-width letters, digits and brackets (ＫＫ, （）) as readily as half-width
ones, and spreadsheets add stray spaces. A name's identity (`name_key`)
ignores all of that, so one shop cannot become two customers by accident.
"""

import unicodedata
from collections import Counter
from collections.abc import Iterable


def clean_name(name: str) -> str:
    """Trim and fold runs of whitespace to one space; the form the user sees."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """The identity of a name: Unicode NFKC (full-width ＫＫ（１） is KK(1)), case-folded, with
    no white space at all. Unique per customer; how every command and import finds one."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return "".join(folded.split())


def legacy_name_key(name: str) -> str:
    """The key before schema 0006 (cleaned, case-folded): a customer whose name clashed with an
    earlier one's under `name_key` keeps it until merged (see migration 0006)."""
    return clean_name(name).casefold()


def code_key(code: str) -> str:
    """A rep code's identity: codes are unique ignoring case (`ZhangWei` is `zhangwei`)."""
    return unicodedata.normalize("NFKC", code.strip()).casefold()


def shown_names(reps: Iterable[tuple[str, str]]) -> dict[str, str]:
    """How each rep (code, name) is shown among `reps`, the active ones: its name, or
    `张伟(zhangwei)` when another of them has the same name, so the team can tell them apart."""
    reps = list(reps)
    counts = Counter(name_key(name) for _code, name in reps)
    return {code: f"{name}({code})" if counts[name_key(name)] > 1 else name for code, name in reps}


def slug(name: str, taken: set[str]) -> str:
    """A short lowercase ASCII code for a name, unique among `taken` ("Moses Frase" → moses-frase).

    A name with no ASCII letters or digits (张伟) becomes `rep`, `rep-2`, …
    """
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in name.casefold())
    base = "-".join(words.split())[:24].strip("-") or "rep"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code
