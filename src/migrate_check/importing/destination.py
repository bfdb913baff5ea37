"""What pytest will make of a suite the import writes: its rootdir, its cassette folder and
the model pair its ini file names, so an import writes cassettes where replay reads them,
names origins from the rootdir, and prints a `next:` command that runs as printed.

pytest finds its rootdir and ini file from the paths it is given (and the configuration
files above them); the cassette folder is `<rootdir>/<migrate_check_cassette_dir>`. The
rules differ between pytest versions (pytest.toml, [tool.pytest], ...), so rather than copy
them, this asks pytest itself: a run that stops right after reading its configuration.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from migrate_check.core.case import ModelPair
from migrate_check.core.defaults import DEFAULT_CASSETTE_DIR

#: The pair the README leads with: what `next:` names when the project names none.
HEADLINE_PAIR = ModelPair("gpt-4o-mini", "gpt-4.1-mini")
_PAIR_INIS = ("migrate_check_model_pair", "model_pair")  # the second: its deprecated name


@dataclass(frozen=True)
class Project:
    """Where a suite's project is, as `pytest <suite folder>` run from here sees it."""

    rootdir: Path
    cassette_dir: Path
    #: The pair the ini file (or its addopts) names; None when it names none, or not one.
    pair: ModelPair | None = None


class _ReadConfiguration:
    """A plugin that reads the configuration, then ends the run before it configures or
    collects anything."""

    def __init__(self) -> None:
        self.project: Project | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_cmdline_main(self, config: pytest.Config) -> Any:
        configured = config.getini("migrate_check_cassette_dir") or DEFAULT_CASSETTE_DIR
        self.project = Project(
            config.rootpath, config.rootpath / str(configured), _configured_pair(config)
        )
        return 0


def _configured_pair(config: pytest.Config) -> ModelPair | None:
    """`--model-pair` in the ini's addopts, else `migrate_check_model_pair`; None when
    neither is set or the plugin is not loaded (the value is then checked by the run)."""
    from migrate_check.pytest_plugin.settings import ModelPairError, parse_model_pair

    texts: list[Any] = []
    try:
        texts.append(config.getoption("model_pair", None))
        texts += [config.getini(name) for name in _PAIR_INIS]
    except ValueError:  # the plugin is not loaded: its options are unknown
        pass
    for text in texts:
        if isinstance(text, str) and text.strip():
            try:
                return parse_model_pair(text)
            except ModelPairError:
                return None
    return None


@contextlib.contextmanager
def suite_folder(suite_path: Path) -> Iterator[None]:
    """The suite's folder, made for the import (pytest finds the rootdir from where the
    suite will be); the folders it made are removed again, when empty, if it fails."""
    made: list[Path] = []
    folder = suite_path.parent.absolute()
    while not folder.exists() and folder != folder.parent:
        made.append(folder)
        folder = folder.parent
    suite_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        for empty in made:  # the deepest first
            try:
                empty.rmdir()
            except OSError:
                break
        raise


def read_project(suite_path: Path) -> Project:
    """The project `pytest <suite_path>` run from here would use (within `suite_folder`).

    Falls back to the working directory and its `cassettes` when pytest cannot read its
    configuration here.
    """
    folder = suite_path.parent if suite_path.parent != Path("") else Path(".")
    reader = _ReadConfiguration()
    pytest.main([str(folder), "-p", "no:cacheprovider", "-q"], plugins=[reader])
    if reader.project is None:
        here = Path.cwd()
        return Project(here, here / DEFAULT_CASSETTE_DIR)
    return reader.project


def pytest_cassette_dir(suite_path: Path) -> Path:
    """The cassette folder `pytest <suite_path>` run from here would use."""
    with suite_folder(suite_path):
        return read_project(suite_path).cassette_dir


#: Who follows the headline candidate when the recordings are of it already.
_NEXT_CANDIDATE = "gpt-5-mini"


def suggested_pair(baseline: str | None, configured: ModelPair | None) -> ModelPair:
    """The pair a `next:` command runs: the recordings' model (else the configured or
    headline baseline) against the configured candidate, else the headline's; never a model
    against itself, which `--model-pair` refuses."""
    from migrate_check.cassettes.paths import file_key

    first = configured or HEADLINE_PAIR
    model = baseline or first.baseline
    options = [first.candidate, HEADLINE_PAIR.candidate, _NEXT_CANDIDATE]
    candidate = next(c for c in options if file_key(c) != file_key(model))
    return ModelPair(model, candidate)
