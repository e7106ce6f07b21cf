"""Effective settings: command-line flag, then environment, then config file, then default.

The config file is TOML at `SALESPROC_CONFIG`, else `config.toml` in the user
config dir. A wrong value or an unknown key is an error that names the file
and the key: a typo such as `[cadance]` must never be silently ignored.
"""

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesproc import places
from salesproc.errors import InputError
from salesproc.i18n import N_, _
from salesproc.rules.cadence import DEFAULT_CADENCE
from salesproc.rules.calendar import parse_weekdays
from salesproc.rules.vocab import Grade

#: Visits a rep should make each working day (定量工作); `visit_quota` in the config.
DEFAULT_VISIT_QUOTA = 6
#: Days a rep's login may still edit or delete its own visits, sales and collections in team
#: mode (PostgreSQL); `edit_days` in the config, written into the database by `team` commands.
DEFAULT_EDIT_DAYS = 3

#: Where a setting came from (`Setting.source`, as `config show` prints it): these words,
#: a flag such as `--db`, or FROM_FILE with its path. `source_label` translates one.
FROM_DEFAULT = N_("default")
FROM_LOCALE = N_("locale")
FROM_ENV_DB = N_("env SALESPROC_DB")
FROM_LOGIN = N_("login name")
FROM_FILE = N_("config {path}")


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str


def source_label(source: str) -> str:
    """A `Setting.source` in the user's language, for display (JSON keeps it as it is)."""
    prefix = FROM_FILE.partition("{")[0]
    if source.startswith(prefix):
        return _(FROM_FILE).format(path=source[len(prefix) :])
    if source in (FROM_DEFAULT, FROM_LOCALE, FROM_ENV_DB, FROM_LOGIN):
        return _(source)
    return source


@dataclass(frozen=True)
class Settings:
    config_path: Path
    config_exists: bool
    db: Setting
    rep: Setting
    cadence: dict[Grade, int]
    visit_quota: int
    #: days between visits to a prospect whatever its grade ([cadence] prospect); None: its grade's
    prospect_cadence: int | None = None
    #: who makes the changes the history records: config `user`, else the login name
    user: str = "?"
    lang: Setting = Setting("en", FROM_DEFAULT)
    #: the team's working weekdays (0 = Monday), before China's holidays and make-up days
    workdays: frozenset[int] = frozenset(range(5))
    #: the audit's thresholds from the [audit] table (keys of rules.audit.Thresholds)
    audit: dict[str, Any] = field(default_factory=dict)
    #: where `broadcast` sends, by name: [channels.NAME] tables (salesproc.channel_settings models)
    channels: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Setting] = field(default_factory=dict)
    #: team mode: days a rep may still change its own records (`edit_days`)
    edit_days: int = DEFAULT_EDIT_DAYS


def _validate(path: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """Check the file against the schema; the first problem becomes one clear line."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, ValidationError

    class Cadence(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        A: int | None = Field(default=None, gt=0, le=3650)
        B: int | None = Field(default=None, gt=0, le=3650)
        C: int | None = Field(default=None, gt=0, le=3650)
        prospect: int | None = Field(default=None, gt=0, le=3650)

    class Audit(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        min_minutes: int | None = Field(default=None, ge=0, le=1440)
        max_minutes: int | None = Field(default=None, gt=0, le=1440)
        late_days: int | None = Field(default=None, ge=0, le=365)
        pressing_days: int | None = Field(default=None, ge=1, le=28)
        pressing_share: float | None = Field(default=None, ge=0, lt=1)
        min_visits: int | None = Field(default=None, ge=1, le=100)
        late_red_days: int | None = Field(default=None, ge=0, le=365)
        missed_share: float | None = Field(default=None, ge=0, lt=1)
        missed_min: int | None = Field(default=None, ge=1, le=1000)
        gap_percentile: float | None = Field(default=None, gt=0, le=50)
        short_percentile: float | None = Field(default=None, gt=0, le=50)
        drop_days: int | None = Field(default=None, ge=1, le=365)
        sale_days: int | None = Field(default=None, ge=0, le=60)
        no_sale_chance: float | None = Field(default=None, gt=0, lt=1)
        copied_min: int | None = Field(default=None, ge=1, le=100)
        copied_percentile: float | None = Field(default=None, gt=0, le=100)
        pressing_multiple: float | None = Field(default=None, gt=1, le=1000)

    class File(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        db: str | None = Field(default=None, min_length=1)
        rep: str | None = Field(default=None, min_length=1)
        user: str | None = Field(default=None, min_length=1, max_length=100)
        cadence: Cadence = Cadence()
        visit_quota: int | None = Field(default=None, gt=0, le=100)
        edit_days: int | None = Field(default=None, ge=0, le=366)
        lang: Literal["en", "zh"] | None = None
        workdays: str | None = Field(default=None, min_length=1)
        audit: Audit = Audit()
        #: checked table by table by `channel_settings.parse_channels`, for clearer errors
        channels: dict[str, dict[str, Any]] | None = None

    try:
        return File.model_validate(raw).model_dump(exclude_none=True)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        # pydantic's own reasons stay in English: they come from the library
        reason = _("unknown key") if error["type"] == "extra_forbidden" else error["msg"].lower()
        raise InputError(
            _("config {path}: key {key!r}: {reason}").format(path=path, key=key, reason=reason)
        ) from None


def load(db_flag: str | None = None, lang_flag: str | None = None) -> Settings:
    env_path = os.environ.get("SALESPROC_CONFIG")
    path = places.config_path()
    where = FROM_FILE.format(path=path)
    raw: dict[str, Any] = {}
    exists = path.is_file()
    if env_path and not exists:
        raise InputError(
            _("config {path}: no such file (set by SALESPROC_CONFIG)").format(path=path)
        )
    if exists:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(
                _("config {path}: not valid TOML: {error}").format(path=path, error=exc)
            ) from None
        except OSError as exc:
            raise InputError(
                _("config {path}: cannot read it: {reason}").format(path=path, reason=exc.strerror)
            ) from None
    data = _validate(path, raw) if raw else {}

    if db_flag:
        db = Setting(db_flag, "--db")
    elif os.environ.get("SALESPROC_DB"):
        db = Setting(os.environ["SALESPROC_DB"], FROM_ENV_DB)
    elif "db" in data:
        db = Setting(data["db"], where)
    else:
        db = Setting(str(places.default_db_path()), FROM_DEFAULT)

    rep = Setting(data["rep"], where) if "rep" in data else Setting(None, FROM_DEFAULT)
    user = Setting(data["user"], where) if "user" in data else Setting(_login(), FROM_LOGIN)
    file_cadence = {Grade(k): v for k, v in data.get("cadence", {}).items() if k != "prospect"}
    prospect = data.get("cadence", {}).get("prospect")
    cadence = {**DEFAULT_CADENCE, **file_cadence}
    quota = (
        Setting(data["visit_quota"], where)
        if "visit_quota" in data
        else Setting(DEFAULT_VISIT_QUOTA, FROM_DEFAULT)
    )
    values = {"db": db, "rep": rep, "user": user, "visit_quota": quota}
    values["lang"] = _language(lang_flag, data, where)
    values["workdays"] = (
        Setting(data["workdays"], where) if "workdays" in data else Setting("mon-fri", FROM_DEFAULT)
    )
    try:
        workdays = parse_weekdays(str(values["workdays"].value))
    except InputError as exc:
        raise InputError(
            _("config {path}: key {key!r}: {reason}").format(path=path, key="workdays", reason=exc)
        ) from None
    for grade in Grade:
        source = where if grade in file_cadence else FROM_DEFAULT
        values[f"cadence.{grade}"] = Setting(cadence[grade], source)
    if prospect is not None:  # unset, a prospect follows its grade: nothing to show
        values["cadence.prospect"] = Setting(prospect, where)
    return Settings(
        config_path=path,
        config_exists=exists,
        db=db,
        rep=rep,
        user=str(user.value),
        cadence=cadence,
        prospect_cadence=prospect,
        visit_quota=int(quota.value),
        lang=values["lang"],
        workdays=workdays,
        channels=_channels(data, where),
        audit=data.get("audit", {}),
        values=values,
        edit_days=int(data.get("edit_days", DEFAULT_EDIT_DAYS)),
    )


def _login() -> str:
    """The OS login name, for the history; "?" where there is none (a container's bare uid)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "?"


def _language(flag: str | None, data: dict[str, Any], where: str) -> Setting:
    """--lang, else the config file's `lang`, else the locale (LANG=zh_CN.UTF-8 → zh), else en."""
    from salesproc.i18n import from_locale

    if flag:
        return Setting(flag, "--lang")
    if "lang" in data:
        return Setting(data["lang"], where)
    found = from_locale(os.environ)
    return Setting(found, FROM_LOCALE) if found else Setting("en", FROM_DEFAULT)


def _channels(data: dict[str, Any], where: str) -> dict[str, Any]:
    """The [channels.NAME] tables, checked now so a typo fails every command, not the 7:30 cron."""
    if not data.get("channels"):
        return {}
    from salesproc.channel_settings import parse_channels

    return parse_channels(data["channels"], where)
