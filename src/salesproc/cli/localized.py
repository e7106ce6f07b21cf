"""`--help` and Click's usage errors in the user's language.

The help texts are written in English in the commands (docstrings, `help=`) and
translated when the help is shown, so `--lang` and the locale decide and nothing
is translated that is not shown (`--help` stays fast). `scripts/i18n.py` extracts
them from the built command tree, exactly as they are looked up here. Each
command's help ends with one example (`EXAMPLES`), translated the same way.

A usage error can be raised before the root callback sets the language (a
command that does not exist, `salesproc --help`), so the language is first taken
from the command line, the config file and the locale, as the callback takes it.
"""

import inspect
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from salesproc.i18n import N_, _, language

#: Click's and Typer's own words in a help page, here so that the catalog has them.
HELP_WORDS = {
    "Usage: ": N_("Usage: "),
    "Options": N_("Options"),
    "Arguments": N_("Arguments"),
    "Commands": N_("Commands"),
    "[OPTIONS]": N_("[OPTIONS]"),
    "COMMAND [ARGS]...": N_("COMMAND [ARGS]..."),
    "required": N_("required"),
    "Show this message and exit.": N_("Show this message and exit."),
    "Install completion for the current shell.": N_("Install completion for the current shell."),
    "Show completion for the current shell, to copy it or customize the installation.": N_(
        "Show completion for the current shell, to copy it or customize the installation."
    ),
}

#: One example per command, by its path under `salesproc`: the last line of its help.
EXAMPLES = {
    "": "salesproc --lang zh due --rep zhangwei",
    "init": "salesproc init",
    "demo": "salesproc --db demo.db demo --seed 3",
    "backup": "salesproc backup ~/backups/sales-2026-12-01.db",
    "config": "salesproc config show",
    "config show": "salesproc config show --format json",
    "log-visit": "salesproc log-visit --rep zhangwei --customer 万家超市 --purpose 订货,收款 "
    "--start 09:30 --end 10:15 --amount 3200 --next +7",
    "due": "salesproc due --rep zhangwei --ahead 3",
    "four-visit": "salesproc four-visit --rep zhangwei --check",
    "rank": "salesproc rank --cumulative --period 月 --metric 销售",
    "progress": "salesproc progress --rep zhangwei",
    "call-plan": "salesproc call-plan --date today",
    "audit": "salesproc audit --from 2026-11-01 --check",
    "audit dismiss": "salesproc audit dismiss 3f9a01c2 --note 电话核实过客户，拜访属实",
    "audit confirm": "salesproc audit confirm 3f9a01c2 --note 客户说当天没人来过",
    "audit stats": "salesproc audit stats --from 2026-09-01 --format json",
    "export": "salesproc export visits --output visits.xlsx --from 2026-11-01",
    "history": "salesproc history --kind 销售 --from 2026-11-01",
    "rep": "salesproc rep list",
    "rep add": "salesproc rep add zhangwei --name 张伟 --region 杭州 --phone 13800000001",
    "rep list": "salesproc rep list --format csv",
    "rep deactivate": "salesproc rep deactivate zhangwei",
    "rep activate": "salesproc rep activate zhangwei",
    "team": "salesproc team list",
    "team add-user": "salesproc team add-user zhangwei --role rep --rep zhangwei",
    "team list": "salesproc team list --format json",
    "team remove": "salesproc team remove zhangwei",
    "team password": "salesproc team password zhangwei",
    "customer": "salesproc customer list --grade A",
    "customer add": "salesproc customer add 万家超市 --grade A --rep zhangwei --contact 王经理",
    "customer list": "salesproc customer list --rep zhangwei --category 开发",
    "customer show": "salesproc customer show 万家超市",
    "customer edit": "salesproc customer edit 万家超市 --grade B --phone 13900000002",
    "customer merge": "salesproc customer merge 万家超市 万家超市（城东） --dry-run",
    "customer delete": "salesproc customer delete 万家超市（重复）",
    "customer reassign": "salesproc customer reassign --from zhangwei --to lina",
    "visit": "salesproc visit list --rep zhangwei --from 2026-11-01",
    "visit list": "salesproc visit list --rep zhangwei --from 2026-11-01",
    "visit edit": "salesproc visit edit 12 --start 09:30 --end 10:15",
    "visit delete": "salesproc visit delete 12",
    "sale": "salesproc sale list --rep zhangwei",
    "sale add": "salesproc sale add --rep zhangwei --customer 万家超市 --amount 3,200",
    "sale list": "salesproc sale list --rep zhangwei --from 2026-11-01",
    "sale edit": "salesproc sale edit 7 --amount 4200",
    "sale delete": "salesproc sale delete 7",
    "collection": "salesproc collection list --rep zhangwei",
    "collection add": "salesproc collection add --rep zhangwei --customer 万家超市 --amount 5000",
    "collection list": "salesproc collection list --from 2026-11-01",
    "collection edit": "salesproc collection edit 3 --amount 4800",
    "collection delete": "salesproc collection delete 3",
    "report": "salesproc report daily --rep zhangwei",
    "report daily": "salesproc report daily --date yesterday --format xlsx --output 日报.xlsx",
    "report template": "salesproc report template --output 日报表.xlsx --lang zh",
    "report header": "salesproc report header --rep zhangwei --weather 晴 --region 杭州",
    "target": "salesproc target show --weeks",
    "target set": "salesproc target set --team --amount 12000000 --split workdays",
    "target show": "salesproc target show --rep zhangwei --weeks",
    "broadcast": "salesproc broadcast --edition 早报 --dry-run",
    "broadcast log": "salesproc broadcast log --limit 10",
    "call": "salesproc call log --rep zhangwei --verdict 正常",
    "call log": "salesproc call log --rep zhangwei --at 10:12 --verdict 可疑 --note 说在客户处 "
    "--customer 万家超市 --confirmed 否",
    "call list": "salesproc call list --from 2026-11-01",
    "field": "salesproc field list --status 未解决",
    "field log": "salesproc field log --region 杭州 --rep zhangwei --issue 窜货 --note 外地货",
    "field list": "salesproc field list --status 未解决",
    "field resolve": "salesproc field resolve 4 --note 已收回窜货",
    "field summary": "salesproc field summary --year 2026",
    "import": "salesproc import visits 日报.xlsx --dry-run",
    "import sales": "salesproc import sales 销售.csv --map rep=业务员 --map amount=金额 --key 单号",
    "import collections": "salesproc import collections 回款.xlsx --map amount=回款金额",
    "import customers": "salesproc import customers customers.csv --create-reps",
    "import visits": "salesproc import visits 日报.xlsx --create-customers --dry-run",
}


# --- the language, before the root callback has chosen it -----------------------------


def early_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """What the root callback will choose: `--lang`, else the config's `lang`, else the
    locale, else English; anything unreadable here is left for the callback to report."""
    from salesproc.i18n import from_locale

    flag = _lang_flag(argv)
    if flag:
        return flag
    return _config_language(environ) or from_locale(environ) or "en"


def _lang_flag(argv: Sequence[str]) -> str | None:
    from salesproc.cli.output import Language
    from salesproc.rules.vocab import parse_language

    value: str | None = None
    args = iter(argv)
    for arg in args:
        if arg == "--lang":
            value = next(args, None)
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        elif arg == "--db":
            next(args, None)
        elif not arg.startswith("-"):
            break  # the command: its own --lang (report template) is not the output's
    if value is None:
        return None
    try:
        return parse_language(value, Language).value
    except Exception:  # the callback refuses it, in words
        return None


def _config_language(environ: Mapping[str, str]) -> str | None:
    from salesproc.places import config_path

    try:
        text = config_path(environ).read_text(encoding="utf-8")
        if "lang" not in text:  # no key `lang`: no TOML parser to load
            return None
        import tomllib

        found = tomllib.loads(text).get("lang")
    except (OSError, ValueError):
        return None
    return found if found in ("en", "zh") else None


def use_early_language(argv: Sequence[str]) -> None:
    from salesproc import i18n

    i18n.use(early_language(argv, os.environ))


# --- Click's usage errors ----------------------------------------------------------------

_NO_COMMAND = re.compile(r"No such command '(?P<name>.*)'\.(?: Did you mean (?P<like>.*)\?)?")
_EXTRA = re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)")
_NEEDS_VALUE = re.compile(r"Option '(?P<name>.*)' requires (?:an argument|\d+ arguments)\.")
_NO_VALUE = re.compile(r"Option '(?P<name>.*)' does not take a value\.")
_NOT_INT = re.compile(r"'(?P<value>.*)' is not a valid integer( range)?\.")
_NOT_NUMBER = re.compile(r"'(?P<value>.*)' is not a valid float( range)?\.")
_RANGE = re.compile(r"(?P<value>\S+) is not in the range (?P<range>.*)\.")


def usage_message(exc: Any) -> str:
    """A Click usage error in the output language, from its kind and parameters.

    In English, Click's own words; the Chinese is built from what the error
    carries (the parameter, the option typed, the choices) where it carries it.
    """
    english = " ".join(exc.format_message().split())
    if language() == "en":
        return english
    errors = _click.exceptions
    if isinstance(exc, errors.MissingParameter):
        name = _hint(exc)
        if (exc.param_type or getattr(exc.param, "param_type_name", "")) == "argument":
            return _("missing argument {name}").format(name=name)
        return _("missing option {name}").format(name=name)
    if isinstance(exc, errors.NoSuchOption):
        message = _("no such option: {name}").format(name=exc.option_name)
        if exc.possibilities:
            like = ", ".join(sorted(exc.possibilities))
            message += _(" (did you mean {options}?)").format(options=like)
        return message
    if isinstance(exc, errors.BadParameter):
        return _("invalid value for {name}: {message}").format(
            name=_hint(exc), message=_reason(exc.message)
        )
    text = " ".join(str(exc.message).split())
    if found := _NO_COMMAND.fullmatch(text):
        message = _("no such command {name!r}").format(name=found["name"])
        if found["like"]:
            message += _(" (did you mean {options}?)").format(options=found["like"])
        return message
    if found := _EXTRA.fullmatch(text):
        return _("unexpected extra arguments: {args}").format(args=found["args"])
    if found := _NEEDS_VALUE.fullmatch(text):
        return _("option {name} needs a value").format(name=found["name"])
    if found := _NO_VALUE.fullmatch(text):
        return _("option {name} takes no value").format(name=found["name"])
    if text == "Missing command.":
        return _("missing command")
    return english


def _hint(exc: Any) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
    elif exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    else:
        return ""
    return hint if isinstance(hint, str) else " / ".join(repr(h) for h in hint)


def _reason(message: str) -> str:
    """The value's fault as Click's types word it, translated; ours already are."""
    if found := _NOT_INT.fullmatch(message):
        return _("{value!r} is not a whole number").format(value=found["value"])
    if found := _NOT_NUMBER.fullmatch(message):
        return _("{value!r} is not a number").format(value=found["value"])
    if found := _RANGE.fullmatch(message):
        return _("{value} is out of the range {range}").format(
            value=found["value"], range=found["range"]
        )
    return message


# --- --help --------------------------------------------------------------------------------


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


#: punctuation that never starts a line, and punctuation that never ends one
_CLOSING = set("，。、；：！？）》」』”’］,.;:!?)]")
_OPENING = set("（《「『“‘［([")


def _tokens(paragraph: str) -> Iterator[str]:
    """Words for wrapping: a run of spaces, a run of Latin text, or one wide character.

    By hand, as `re.findall(r"\\s+|[^\\s\\u2e80-\\uffef]+|[\\u2e80-\\uffef]")` would split it:
    compiling that pattern costs every `--help` more than the rest of its wrapping.
    """
    end = len(paragraph)
    i = 0
    while i < end:
        char = paragraph[i]
        j = i + 1
        if char.isspace():
            while j < end and paragraph[j].isspace():
                j += 1
        elif not "\u2e80" <= char <= "\uffef":
            while j < end and not (paragraph[j].isspace() or "\u2e80" <= paragraph[j] <= "\uffef"):
                j += 1
        yield paragraph[i:j]
        i = j


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """`text` in lines of at most `width` terminal cells (a Chinese character is two),
    breaking between words or between Chinese characters, never before a closing mark."""
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        joined = re.sub(r"\s*\n\s*", " ", paragraph.strip())
        line = ""
        for token in _tokens(joined):
            if token.isspace():
                if line:
                    line += " "
                continue
            if line and _width(indent + line + token) > width and token[0] not in _CLOSING:
                carried = ""
                while line and line[-1] in _OPENING:
                    line, carried = line[:-1], line[-1] + carried
                lines.append(indent + line.rstrip())
                line = carried
            line += token
        lines.append(indent + line.rstrip())
        lines.append("")
    return lines[:-1]


class Formatter(_click.HelpFormatter):
    """Click's help layout, wrapped by terminal cells so Chinese lines fit the screen."""

    def write_heading(self, heading: str) -> None:
        colon = "：" if language() == "zh" else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write("\n".join(wrap(text, self.width, indent)) + "\n")

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max((_width(first) for first, _second in rows), default=0), col_max)
        first_col += col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if _width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - _width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - 2 - self.current_indent, 10))
            pad = " " * (first_col + self.current_indent)
            self.write(lines[0] + "\n" + "".join(f"{pad}{line}\n" for line in lines[1:]))


class Context(typer.Context):
    formatter_class = Formatter


def _help_text(command: _click.Command, ctx: _click.Context) -> str:
    text = inspect.cleandoc(command.help or "").partition("\f")[0]
    return _(text) if text else ""


def _example(ctx: _click.Context) -> str | None:
    path = " ".join(ctx.command_path.split()[1:])
    return EXAMPLES.get(path)


def _option_record(param: _click.Parameter, ctx: _click.Context) -> tuple[str, str] | None:
    """The option's line: its help translated, and Typer's `[default: …; required]` too."""
    import copy

    shown = copy.copy(param)
    shown.help = None  # type: ignore[attr-defined]
    record = shown.get_help_record(ctx)
    if record is None:
        return None
    name, extra = record
    help_text = _(param.help) if getattr(param, "help", None) else ""  # type: ignore[attr-defined]
    if extra.startswith("[") and extra.endswith("]"):
        parts = []
        for part in extra[1:-1].split("; "):
            if part == "required":
                parts.append(_("required"))
            elif part.startswith("default: "):
                default = part.removeprefix("default: ")
                parts.append(_("default: {default}").format(default=default))
            else:
                parts.append(part)
        extra = "[" + "; ".join(parts) + "]"
    return name, f"{help_text}  {extra}".strip() if extra else help_text


class Localized:
    """What a command and a group share: their help page in the output language."""

    context_class = Context

    def format_usage(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        pieces = [_(HELP_WORDS.get(p, p)) for p in self.collect_usage_pieces(ctx)]  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def format_help_text(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        text = _help_text(self, ctx)  # type: ignore[arg-type]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)
        example = _example(ctx)
        if example:  # on one line, to copy as it is
            formatter.write_paragraph()
            label = _("Example:")
            with formatter.indentation():
                space = "" if label.endswith("：") else " "
                formatter.write(f"{'':>{formatter.current_indent}}{label}{space}{example}\n")

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = _option_record(param, ctx)
            if record is not None:
                kind = param.param_type_name
                (arguments if kind == "argument" else options).append(record)
        if arguments:
            with formatter.section(_("Arguments")):
                formatter.write_dl(arguments)
        if options:
            with formatter.section(_("Options")):
                formatter.write_dl(options)
        if isinstance(self, TyperGroup):  # not `hasattr(commands)`: the root would build them all
            self.format_commands(ctx, formatter)  # type: ignore[attr-defined]

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self.help, limit)  # type: ignore[attr-defined]


def short_help(help_text: str | None, limit: int = 45) -> str:
    """The first sentence of the translated help, cut to `limit` cells."""
    text = _(inspect.cleandoc(help_text or "").partition("\f")[0]) if help_text else ""
    first = re.split(r"(?<=[。！？])|(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    first = " ".join(first.split())
    if _width(first) <= limit:
        return first
    cut = ""
    used = 0
    for char in first:
        used += _width(char)
        if used > limit - 3:
            break
        cut += char
    if first[len(cut)].isascii() and " " in cut:  # an English word is not cut in two
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "..."


class Command(Localized, TyperCommand):
    pass


class Group(Localized, TyperGroup):
    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        commands = [(n, self.get_command(ctx, n)) for n in self.list_commands(ctx)]
        shown = [(n, c.help) for n, c in commands if c is not None and not c.hidden]
        if not shown:
            return
        with formatter.section(_("Commands")):
            formatter.write_dl(command_rows(shown, formatter))


def command_rows(
    shown: Sequence[tuple[str, str | None]], formatter: _click.HelpFormatter
) -> list[tuple[str, str]]:
    """A group's list of commands: each name and the first sentence of its help."""
    limit = formatter.width - 6 - max(len(n) for n, _h in shown)
    return [(name, short_help(text, limit)) for name, text in shown]


def localize(app: typer.Typer) -> None:
    """Every command and group of `app` gets the help page above (set where not chosen)."""
    from typer.models import DefaultPlaceholder

    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = Command
    for group in app.registered_groups:
        if isinstance(group.cls, DefaultPlaceholder) or group.cls is None:
            sub = group.typer_instance
            own = sub.info.cls if sub is not None else None
            if isinstance(own, DefaultPlaceholder) or own is None:
                group.cls = Group
        if group.typer_instance is not None:
            localize(group.typer_instance)


def help_messages(command: _click.Command, path: str = "") -> Iterator[tuple[str, str]]:
    """(where, text) of every help text `--help` translates, for the catalog."""
    where = f"salesproc {path}".strip()
    if command.help:
        yield where, inspect.cleandoc(command.help).partition("\f")[0]
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            yield f"{where} {param.name}", text
    for name, sub in getattr(command, "commands", {}).items():
        yield from help_messages(sub, f"{path} {name}".strip())
