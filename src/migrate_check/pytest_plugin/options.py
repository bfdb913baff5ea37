"""Registering the option table with pytest, and resolving it into one `RunSettings`.

`option_table.py` declares each option once; this module adds them to the
`migrate-check` group and the ini file, reads each through `getoption` and `getini`
once, and checks the values that depend on one another. Paths follow pytest's
convention: a path typed on the command line is relative to where pytest was started,
an ini path to the rootdir.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import pytest

from migrate_check.cassettes.recording import RECORD_MODES
from migrate_check.core.pricing import load_prices
from migrate_check.pytest_plugin.option_table import (
    ACCEPT,
    ACCEPT_REASON,
    AZURE_MODELS,
    BATCH,
    INI_VARIANTS,
    MODEL_PAIR,
    NO_REPORT,
    OPTIONS,
    PRICE_OVERRIDES,
    PRICES,
    RECORD_MODE,
    VARIANT,
    Option,
)
from migrate_check.pytest_plugin.settings import ModelPairError, RunSettings, parse_model_pair
from migrate_check.sending.azure import AzureSettingsError, azure_target, parse_models

__all__ = ["add_options", "add_record_mode", "resolve", "settings_from"]

GROUP = "migrate-check"
GROUP_TITLE = "migrate-check: compare two models on prompt suites"


def add_options(parser: pytest.Parser, *, record_mode_elsewhere: bool = False) -> None:
    """The `migrate-check` option group and its ini options, from the option table.

    `record_mode_elsewhere`: pytest-recording is expected to add `--record-mode`, so this
    leaves it to `add_record_mode` later, and the group's title says where `pytest --help`
    lists it.
    """
    title = GROUP_TITLE
    if record_mode_elsewhere:
        title += " (also --record-mode, listed under recording)"
    group = parser.getgroup(GROUP, title)
    for option in OPTIONS:
        if option is RECORD_MODE:
            if not record_mode_elsewhere:
                add_record_mode(parser)
        elif option.flag is not None:
            _add_flag(group, option.flag, option)
        if option.ini is not None:
            parser.addini(
                option.ini,
                option.ini_help,
                type=option.ini_type,
                default=_ini_default(option),
            )
        if option.old_ini is not None:
            parser.addini(
                option.old_ini.name,
                f"Deprecated name of {option.ini}, removed in migrate-check "
                f"{option.old_ini.removed_in}",
                default="",
            )


def _ini_default(option: Option) -> Any:
    """What `getini` returns for a key the ini file leaves out.

    A text default that no environment variable can override is the ini's own default, so
    a team's conftest reading `config.getini("migrate_check_cassette_dir")` sees the folder
    the run uses; any other key reads as unset (a new list each time, so no run can change
    another's) and `resolve` falls back to the environment, then the default.
    """
    if option.ini_type == "string" and option.env is None and isinstance(option.default, str):
        return option.default
    return {"string": "", "bool": False, "linelist": []}[option.ini_type]


def _add_flag(group: pytest.OptionGroup, flag: str, option: Option) -> None:
    # Flags left off are None (False for switches), so the ini key and default decide.
    arguments: dict[str, Any] = {"help": option.flag_help}
    if option.action == "store_true":
        arguments.update(action="store_true", default=False)
    else:
        arguments.update(action=option.action, default=None)
        if option.metavar is not None:
            arguments["metavar"] = option.metavar
        if option.choices:
            arguments["choices"] = option.choices
        elif option.parse is not None:
            arguments["type"] = option.parse
    group.addoption(flag, **arguments)


def add_record_mode(parser: pytest.Parser) -> bool:
    """Add `--record-mode` to the group unless another plugin has it; True if added.

    pytest-recording registers the same option, with the same words and meanings, and
    fails if it comes second; so this runs after every plugin and initial conftest has
    added its options, and leaves theirs to serve both.
    """
    try:
        _add_flag(parser.getgroup(GROUP), str(RECORD_MODE.flag), RECORD_MODE)
    except ValueError:
        return False
    return True


def _given(config: pytest.Config, option: Option) -> tuple[str, Any] | None:
    """Where the option's value comes from and the value there, or None: not set.

    A flag's value is parsed already; an ini or environment value is the text there,
    except for the ini types pytest parses itself (bool, linelist).
    """
    if option.flag is not None:
        value = config.getoption(option.dest)
        if value is not None and value != "" and value is not False:
            return option.flag, value
    for ini in (option.ini, option.old_ini.name if option.old_ini else None):
        if ini is not None and (value := config.getini(ini)):
            return ini, value
    if option.env is not None and (text := os.environ.get(option.env, "")):
        return option.env, text
    return None


def resolve(config: pytest.Config, option: Option) -> Any:
    """The option's value: the first source that sets it, else its default.

    A value the ini file or environment sets wrongly is a `UsageError` naming where.
    """
    found = _given(config, option)
    if found is None:
        value = option.default
        return config.rootpath / value if option.is_path and value else value
    source, value = found
    if source == option.flag:
        return config.invocation_params.dir / str(value) if option.is_path else value
    if option.is_path:
        return config.rootpath / str(value)
    if option.ini_type != "string" and source != option.env:
        return value
    try:
        return option.parse_text(str(value))
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"{source}: {exc}") from None


def _warn_of_deprecated_ini(config: pytest.Config) -> None:
    """Say when a deprecated ini key goes, as pytest-xdist does for its own names: only
    where the run reads it (not when the flag or the current key sets the value)."""
    if hasattr(config, "workerinput"):
        return  # xdist workers read the same ini file: the controller says it once
    for option in OPTIONS:
        old = option.old_ini
        given = _given(config, option)
        if old is not None and given is not None and given[0] == old.name:
            warning = pytest.PytestDeprecationWarning(
                f"the ini key {old.name!r} is deprecated and will be removed in "
                f"migrate-check {old.removed_in}; use {option.ini!r}"
            )
            config.issue_config_time_warning(warning, stacklevel=2)


def _record_mode(config: pytest.Config) -> str:
    # Resolved through getoption only, so addopts and PYTEST_ADDOPTS count like the command
    # line. Ours defaults to None (not given: the ini decides). pytest-recording's own
    # `--record-mode`, when it owns the flag, defaults to "none", which then cannot be told
    # from a given "none": the ini decides there too.
    given = config.getoption(RECORD_MODE.dest, None)
    recording_owns_flag = config.pluginmanager.hasplugin("recording")
    if given is None or (given == "none" and recording_owns_flag):
        mode = config.getini(str(RECORD_MODE.ini)) or RECORD_MODE.default
    else:
        mode = str(given)
    mode = "all" if mode == "rewrite" else mode  # pytest-recording's word for it
    if mode not in RECORD_MODES:
        raise pytest.UsageError(
            f"{RECORD_MODE.ini}: {mode!r} is not one of {', '.join(RECORD_MODES)}"
        )
    return str(mode)


def _batch(config: pytest.Config, record_mode: str) -> bool:
    """Whether to record through batches: `--batch` needs a record mode that records; the
    ini's `migrate_check_batch` applies only when one does (CI replays stay offline)."""
    if config.getoption(BATCH.dest):
        if record_mode == "none":
            raise pytest.UsageError(
                "--batch records through the Batch API: add --record-mode once (or "
                "new_episodes, all)"
            )
        return True
    return bool(config.getini(str(BATCH.ini))) and record_mode != "none"


def settings_from(config: pytest.Config) -> RunSettings | None:
    """The run's settings, or None without a model pair; mistakes are `UsageError`s."""
    _warn_of_deprecated_ini(config)
    pair_given = _given(config, MODEL_PAIR)
    if pair_given is None:
        return None
    source, pair_text = pair_given
    try:
        pair = parse_model_pair(str(pair_text))
    except ModelPairError as exc:
        raise pytest.UsageError(f"{source}: {exc}") from None
    accept = bool(resolve(config, ACCEPT))
    reason: str | None = config.getoption(ACCEPT_REASON.dest)
    if reason is not None and not accept:
        raise pytest.UsageError(
            "--accept-reason goes with --accept: add --accept to approve with this reason"
        )
    if reason is not None and not reason.strip():
        raise pytest.UsageError(
            "--accept-reason is empty: say why the results are fine, e.g. --accept-reason "
            '"refunds now go to billing", or leave it out to approve changes only'
        )
    try:
        prices_file = resolve(config, PRICES)
        prices = load_prices(prices_file, resolve(config, PRICE_OVERRIDES))
    except ValueError as exc:
        raise pytest.UsageError(f"migrate-check prices: {exc}") from None
    record_mode = _record_mode(config)
    try:
        azure_models = parse_models(resolve(config, AZURE_MODELS))
        # Credentials are checked before anything is sent (sending/preflight.py): a run
        # whose every answer is recorded replays without them.
        azure = azure_target(records=False)
    except AzureSettingsError as exc:
        raise pytest.UsageError(f"migrate-check Azure: {exc}") from None
    # In the table's order, so the first mistake is the one reported: `--batch` without a
    # record mode that records comes before a bad batch poll or wait.
    as_is: dict[str, Any] = {}
    for option in OPTIONS:
        if option is BATCH:
            as_is["batch"] = _batch(config, record_mode)
        elif option.setting is not None:
            as_is[option.setting] = resolve(config, option)
    if as_is.get("monthly_cases") and as_is.get("monthly_tokens") is not None:
        raise pytest.UsageError(
            "--monthly-volume and --monthly-tokens (or their ini keys) both give the monthly "
            "volume: keep one, cases a month per suite or tokens a month"
        )
    return RunSettings(
        pair=pair,
        rootdir=config.rootpath,
        record_mode=record_mode,
        accept_reason=reason.strip() if reason else None,
        accept_regressions=bool(reason),  # a written reason is what makes it deliberate
        prices=prices.with_aliases(azure_models),
        prices_file=prices_file,
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        write_reports=not resolve(config, NO_REPORT),
        azure=azure,
        azure_models=tuple(azure_models.items()),
        variants=_selected_variants(config),
        ini_variants=_ini_variants(config),
        **as_is,
    )


def _selected_variants(config: pytest.Config) -> tuple[str, ...] | None:
    """`--variant a,b --variant c`: those names only; None (not given): every variant."""
    given: list[str] | None = config.getoption(VARIANT.dest)
    if not given:
        return None
    names = tuple(dict.fromkeys(n.strip() for value in given for n in value.split(",")))
    if not all(names):
        raise pytest.UsageError(f"--variant: an empty name in {given!r}")
    return names


def _ini_variants(config: pytest.Config) -> tuple[tuple[str, str], ...]:
    """`migrate_check_variants` lines, `name = model`; a mistake names the line."""
    found: dict[str, str] = {}
    for line in resolve(config, INI_VARIANTS):
        name, sep, model = (part.strip() for part in str(line).partition("="))
        if not sep or not name or not model or not name.replace("-", "").replace("_", "").isalnum():
            raise pytest.UsageError(
                f"{INI_VARIANTS.ini}: {line!r} is not 'name = model', e.g. nano = gpt-4.1-nano"
            )
        found[name] = model
    return tuple(found.items())
