"""Names as people type them: "  Wanjia  Supermarket" and "wanjia supermarket" are one customer."""


def clean_name(name: str) -> str:
    """Trim and fold runs of whitespace to one space; the form the user sees."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """The identity of a name: cleaned, then case-folded. Unique per customer."""
    return clean_name(name).casefold()


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
