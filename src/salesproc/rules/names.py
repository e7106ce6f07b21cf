"""Names as people type them: "  Wanjia  Supermarket" and "wanjia supermarket" are one customer."""


def clean_name(name: str) -> str:
    """Trim and fold runs of whitespace to one space; the form the user sees."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """The identity of a name: cleaned, then case-folded. Unique per customer."""
    return clean_name(name).casefold()
