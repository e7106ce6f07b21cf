"""Options whose value is a word: typed in English or Chinese, read by `rules.vocab`.

Typer's enum options refuse anything but the English value; these read the text
with the vocabulary's one parser, so `--issue 窜货` is `--issue cross-region`,
while `--help` still lists the choices and a wrong word is Click's usage error.
"""

from collections.abc import Callable, Iterable
from enum import Enum
from functools import partial
from typing import Any, TypeVar

import typer

from salesproc.errors import InputError
from salesproc.rules import vocab

E = TypeVar("E", bound=Enum)


def word_option(parse: Callable[[str], Any], values: Iterable[str]) -> dict[str, Any]:
    """`typer.Option(…)` keywords: parse with `parse`, list `values` as the choices."""

    def parser(text: Any) -> Any:
        if isinstance(text, Enum):  # a default, already a member
            return text
        try:
            return parse(str(text))
        except InputError as exc:
            raise typer.BadParameter(str(exc)) from None

    words = list(values)

    def complete(incomplete: str) -> list[str]:
        """The shell's completion (`--install-completion`): the English words."""
        return [w for w in words if w.startswith(incomplete)]

    name = getattr(getattr(parse, "func", parse), "__name__", "word")
    parser.__name__ = name.removeprefix("parse_")
    return {"parser": parser, "metavar": "<" + "|".join(words) + ">", "autocompletion": complete}


def enum_option(enum: type[E], parse: Callable[[str], E]) -> dict[str, Any]:
    return word_option(parse, (str(member.value) for member in enum))


def format_option(enum: type[E]) -> dict[str, Any]:
    """A command's formats (table, json, csv, xlsx: its own choice of them); 表格 is table."""
    return enum_option(enum, partial(vocab.parse_format, formats=enum))


def language_option(enum: type[E]) -> dict[str, Any]:
    return enum_option(enum, partial(vocab.parse_language, languages=enum))
