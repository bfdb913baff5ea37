"""Where pytest will read a suite's cassettes, so an import writes them there.

pytest finds its rootdir and ini file from the paths it is given (and the configuration
files above them); the cassette folder is `<rootdir>/<migrate_check_cassette_dir>`. The
rules differ between pytest versions (pytest.toml, [tool.pytest], ...), so rather than copy
them, this asks pytest itself: a run that stops right after reading its configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migrate_check.core.defaults import DEFAULT_CASSETTE_DIR


class _ReadConfiguration:
    """A plugin that reads the configured cassette folder, then ends the run before it
    configures or collects anything."""

    def __init__(self) -> None:
        self.cassette_dir: Path | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_cmdline_main(self, config: pytest.Config) -> Any:
        configured = config.getini("migrate_check_cassette_dir") or DEFAULT_CASSETTE_DIR
        self.cassette_dir = config.rootpath / str(configured)
        return 0


def pytest_cassette_dir(suite_path: Path) -> Path:
    """The cassette folder `pytest <suite_path>` run from here would use.

    Falls back to `./cassettes` when pytest cannot read its configuration here.
    """
    folder = suite_path.parent if suite_path.parent != Path("") else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    reader = _ReadConfiguration()
    pytest.main([str(folder), "-p", "no:cacheprovider", "-q"], plugins=[reader])
    return reader.cassette_dir or Path(DEFAULT_CASSETTE_DIR).resolve()
