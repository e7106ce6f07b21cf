"""Keep the Chinese catalog in step with the code: extract, merge, compile.

    python scripts/i18n.py            # update salesproc.po from the code, compile salesproc.mo
    python scripts/i18n.py --check    # exit 1 if a message lacks a translation or the .mo is stale
    python scripts/i18n.py --merge zh.json   # take translations from {"msgid": "译文", …}

New messages land in the .po with an empty translation; fill them in and run
it again. Babel does the work (a test dependency, not a runtime one): the
package itself reads the compiled .mo with the standard library's gettext.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "salesproc"
PO = PACKAGE / "locale" / "zh" / "LC_MESSAGES" / "salesproc.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    """Every message the code marks, with where it is used."""
    template = Catalog(project="salesproc", fuzzy=False)
    found = extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    )
    for filename, line, message, comments, context in found:
        template.add(message, locations=[(f"salesproc/{filename}", line)],
                     auto_comments=comments, context=context)  # fmt: skip
    for where, text in help_texts():
        template.add(text, locations=[(where, None)])
    return template


def help_texts() -> list[tuple[str, str]]:
    """What `--help` shows, translated when shown (`cli/localized.py`): every command's and
    option's help, taken from the built command tree exactly as it is looked up."""
    from typer.main import get_command

    from salesproc.cli import app
    from salesproc.cli.localized import help_messages

    return [
        ("salesproc/--help/" + where.replace(" ", "/"), text)
        for where, text in help_messages(get_command(app))
    ]


def load() -> Catalog:
    if not PO.exists():
        return Catalog(
            locale="zh_Hans_CN", project="salesproc", fuzzy=False, language_team="salesproc"
        )
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh_Hans_CN")


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def missing(catalog: Catalog) -> list[str]:
    return [
        str(m.id)
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]


def merge(catalog: Catalog, translations: dict[str, str | dict[str, str]]) -> None:
    """Fill in the catalog's messages from a translator's JSON; msgids the code no longer has
    are skipped with a note."""
    for msgid, value in translations.items():
        message = catalog.get(msgid)
        if message is None:
            print(f"skipped, no longer in the code: {msgid!r}", file=sys.stderr)
            continue
        text = value["zh"] if isinstance(value, dict) else value
        message.string = (text,) if message.pluralizable else text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument(
        "--merge", type=Path, action="append", default=[], metavar="JSON",
        help='translations: {"msgid": "译文"}, or {"msgid": {"zh": "译文"}} for plurals',
    )  # fmt: skip
    args = parser.parse_args()
    catalog = load()
    created = catalog.creation_date
    catalog.update(extracted(), no_fuzzy_matching=True)
    catalog.creation_date = created  # a date in the header would make every run a change
    for path in args.merge:
        merge(catalog, json.loads(path.read_text(encoding="utf-8")))
    untranslated = missing(catalog)
    if args.check:
        stale = not MO.exists() or MO.read_bytes() != compiled(catalog)
        for message in untranslated:
            print(f"untranslated: {message!r}", file=sys.stderr)
        if stale:
            print(f"{MO.relative_to(ROOT)} is stale: run python scripts/i18n.py", file=sys.stderr)
        return 1 if untranslated or stale or catalog.obsolete else 0
    catalog.obsolete.clear()
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False)
    MO.write_bytes(compiled(catalog))
    print(f"{len(catalog)} messages, {len(untranslated)} untranslated: {PO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
