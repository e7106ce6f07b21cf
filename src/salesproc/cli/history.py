"""`history`: who changed which record when, and what changed.

JSON and CSV give each change whole (`before`/`after`, the record's values);
the table shows only the fields that changed, in readable form (money as
money, a rep by its name), so `amount: 42,000.00 → 4,200.00` reads at a glance.
"""

import json
import re
from typing import Annotated, Any

import typer

from salesproc.cli.choices import enum_option
from salesproc.cli.output import Column, Format, FormatOption, emit
from salesproc.cli.runtime import FromOpt, ToOpt, runtime
from salesproc.i18n import N_, _, ngettext
from salesproc.rules import vocab
from salesproc.rules.vocab import RecordKind

Kind = RecordKind


#: the kinds and actions as a table shows them, here so that the catalog has them
WORDS = {
    "visit": N_("visit"), "sale": N_("sale"), "collection": N_("collection"),
    "customer": N_("customer"), "rep": N_("rep"), "target": N_("target"),
    "edit": N_("edit"), "delete": N_("delete"), "activate": N_("activate"),
    "deactivate": N_("deactivate"), "merge": N_("merge"), "reassign": N_("reassign"),
    "set": N_("set"), "flag": N_("flag"), "dismiss": N_("dismiss"), "confirm": N_("confirm"),
}  # fmt: skip

#: what names a deleted record in the table, when it has it
SUMMARY = (
    "code", "name", "visit_date", "sale_date", "collection_date", "start_time", "end_time",
    "rep_id", "customer_id", "amount_cents", "metric", "year", "month",
)  # fmt: skip

_TIME = re.compile(r"\d\d:\d\d:\d\d(\.\d+)?")
_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?")


def _word(value: str) -> str:
    return _(WORDS[value]) if value in WORDS else value


def _label(field: str) -> str:
    """`amount_cents` → `amount`, `rep_id` → `rep`: the field as a reader names it."""
    return re.sub(r"_(cents|id)$", "", field)


def _value(field: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    from salesproc.rules.money import format_amount

    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int) and (field.endswith("_cents") or field == "months"):
        return format_amount(value)
    if isinstance(value, int) and field in names:
        return names[field].get(value, f"#{value}")
    if isinstance(value, str) and _TIME.fullmatch(value):
        return value[:5]
    if isinstance(value, str) and _MOMENT.fullmatch(value):
        return value[:16].replace("T", " ")
    if isinstance(value, list):
        return ", ".join(_value(field, v, names) for v in value)
    return str(value)


def _changes(entry: Any) -> str:
    """The changed fields, `field: before → after`; a deleted record, what it was."""
    names = {key: dict(found) for key, found in (entry.names or {}).items()}
    if entry.before is not None and entry.after is None:
        what = ", ".join(
            f"{_label(key)} {_value(key, entry.before[key], names)}"
            for key in SUMMARY
            if entry.before.get(key) is not None
        )
        return _("deleted: {what}").format(what=what) if what else _("deleted")
    parts = []
    for change in entry.changed:
        before, after = change.before, change.after
        if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
            parts += [
                f"{_label(change.field)} {i}: {_value(change.field, b, names)} → "
                f"{_value(change.field, a, names)}"
                for i, (b, a) in enumerate(zip(before, after, strict=True), start=1)
                if a != b
            ]
            continue
        parts.append(
            f"{_label(change.field)}: {_value(change.field, before, names)} → "
            f"{_value(change.field, after, names)}"
        )
    return "; ".join(parts)


def _compact(values: dict[str, Any] | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


def history(
    ctx: typer.Context,
    start: FromOpt = None,
    end: ToOpt = None,
    kind: Annotated[
        Kind | None,
        typer.Option(
            "--kind",
            help="Only changes of this kind of record.",
            **enum_option(Kind, vocab.parse_record_kind),
        ),
    ] = None,
    record_id: Annotated[
        int | None, typer.Option("--id", help="Only changes of the record with this id.")
    ] = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """Every edit, delete and merge, oldest first: when, who, what, before and after."""
    from salesproc.service import history as changes

    rt = runtime(ctx)
    entries = changes.history(rt.context, *rt.span(start, end), kind.value if kind else None,
                              record_id)  # fmt: skip
    data = [
        {
            "at": e.at, "user": e.user, "kind": e.kind, "id": e.id, "action": e.action,
            "before": e.before, "after": e.after,
        }
        for e in entries
    ]  # fmt: skip
    if fmt is Format.CSV:
        records = [
            {**row, "before": _compact(row["before"]), "after": _compact(row["after"])}
            for row in data
        ]
    else:
        records = [
            {**row, "at": f"{e.at:%Y-%m-%d %H:%M}", "changes": _changes(e)}
            for row, e in zip(data, entries, strict=True)
        ]
    emit(
        records,
        [
            Column("at", N_("At")),
            Column("user", N_("User")),
            Column("kind", N_("Kind"), show=_word),
            Column("id", "#", "right"),
            Column("action", N_("Action"), show=_word),
            Column("changes", N_("Changes")),
        ],
        fmt,
        keys=["at", "user", "kind", "id", "action", "before", "after"],
        data=data,
        footer=ngettext("{n} change", "{n} changes", len(entries)).format(n=len(entries)),
    )


def register(app: typer.Typer) -> None:
    app.command("history")(history)
