"""The README's install commands work while the distribution is not published: no code
block installs `pytest-migrate-check` by bare name from an index, the Install section
gives a clone, a Git URL and a wheel, the CI recipe installs from the Git URL, and
pyproject names no address the project does not have (issue 28).
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import InvalidRequirement, Requirement

from helpers.readme import README, code_blocks, section

DIST = "pytest-migrate-check"
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def _expand(command: str, env: dict[str, str]) -> str:
    """`$NAME` and `${NAME}` from the workflow's `env:`, as the runner's shell sees them."""
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), command)


def pip_targets(script: str, env: dict[str, str] | None = None) -> list[str]:
    """What each `pip install` in a shell script installs (its options left out)."""
    targets: list[str] = []
    joined = re.sub(r"\\\n", " ", script)  # a line ending in a backslash goes on, as in bash
    for line in joined.splitlines():
        words = shlex.split(_expand(line, env or {}), comments=True)
        for command in _commands(words):
            if "install" not in command or not command[0].endswith("pip"):
                continue
            rest = command[command.index("install") + 1 :]
            skip_next = False
            for word in rest:
                if skip_next:
                    skip_next = False
                elif word in ("-r", "-c", "--requirement", "--constraint", "--target"):
                    skip_next = True
                elif not word.startswith("-"):
                    targets.append(word)
    return targets


def _commands(words: list[str]) -> list[list[str]]:
    """A line's words split at `&&`, `||` and `;`, `python -m pip` read as `pip`."""
    commands: list[list[str]] = [[]]
    for word in words:
        if word in ("&&", "||", ";"):
            commands.append([])
        else:
            commands[-1].append(word)
    found = []
    for command in commands:
        if command[:3] in (["python", "-m", "pip"], ["python3", "-m", "pip"]):
            command = ["pip", *command[3:]]
        if command:
            found.append(command)
    return found


def kind(target: str) -> str:
    """How a pip target installs this project: "bare" (by name from an index: fails until
    it is published), "git", "wheel" or "path"; "other" for another distribution."""
    if target.endswith(".whl"):
        return "wheel"
    if target.startswith((".", "/")):
        return "path"
    try:
        requirement = Requirement(target)
    except InvalidRequirement:
        return "other"
    if requirement.name != DIST:
        return "other"
    if requirement.url is None:
        return "bare"
    return "git" if requirement.url.startswith("git+") else "url"


def test_the_kinds_of_install_target_are_told_apart() -> None:
    # The classifier the tests below rely on, on each shape they must tell apart.
    script = (
        'pip install -q -e . && python -m pip install "pytest-migrate-check @ git+https://h/o/r.git"\n'
        "pip install pytest-migrate-check==0.1.0 build  # a comment\n"
        "python3 -m venv .venv && .venv/bin/pip install dist/x-0.1.0-py3-none-any.whl\n"
        'pip install "$PKG"\n'
    )
    targets = pip_targets(script, {"PKG": "pytest-migrate-check"})
    assert [kind(t) for t in targets] == ["path", "git", "bare", "other", "wheel", "bare"]


def _all_readme_install_targets() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [t for block in code_blocks(text, "bash") for t in pip_targets(block)]


def test_no_readme_command_installs_the_unpublished_name_from_an_index() -> None:
    bare = [t for t in _all_readme_install_targets() if kind(t) == "bare"]
    assert not bare, f"README tells users to `pip install {bare[0]}`, which is not published"


def test_install_gives_a_clone_a_git_url_and_a_wheel_and_keeps_the_published_name() -> None:
    install = section("Install")
    kinds = {kind(t) for block in code_blocks(install, "bash") for t in pip_targets(block)}
    assert {"path", "git", "wheel"} <= kinds, kinds
    assert "python -m build" in install  # how the wheel it installs comes to exist
    prose = re.sub(r"```.*?```", "", install, flags=re.DOTALL)
    assert "not on PyPI yet" in prose
    assert f"`pip install {DIST}`" in prose  # for when it is published


def _install_git_url() -> str:
    for block in code_blocks(section("Install"), "bash"):
        for target in pip_targets(block):
            if kind(target) == "git":
                return str(Requirement(target).url)
    raise AssertionError("the Install section gives no Git URL")


def _repository(url: str) -> str:
    """`git+https://host/owner/repo.git@ref` as `host/owner/repo`."""
    match = re.match(r"git\+\w+://([^@]+?)(?:\.git)?(?:@[^/]*)?$", url)
    assert match is not None, url
    return match.group(1)


def _ci_workflow() -> dict[Any, Any]:
    blocks = [b for b in code_blocks(section("CI recipes"), "yaml") if ".github/workflows/" in b]
    assert len(blocks) == 1, "the CI recipes section should hold one GitHub Actions workflow"
    workflow = yaml.safe_load(blocks[0])
    assert isinstance(workflow, dict)
    return workflow


def test_ci_recipe_installs_from_the_git_url_pinned_to_a_commit() -> None:
    workflow = _ci_workflow()
    installs = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
            installs += pip_targets(step.get("run", ""), env)
    ours = [t for t in installs if kind(t) != "other"]
    assert ours, f"the CI recipe does not install {DIST}: {installs}"
    assert all(kind(t) in ("git", "wheel", "path") for t in ours), ours
    for target in ours:
        if kind(target) == "git":
            url = str(Requirement(target).url)
            assert re.search(r"\.git@\S+$", url), f"{url}: pin a commit, as the recipe says"
            assert _repository(url) == _repository(_install_git_url())


def test_pyproject_names_no_address_the_project_does_not_have() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    repository = _repository(_install_git_url())
    if "HOST/OWNER/REPO" in repository:
        # The README has no real address to give yet: neither may the metadata.
        assert "urls" not in project, f"[project.urls] holds placeholders: {project['urls']}"
    else:
        # Once it has one, the metadata points at the repository the README installs from.
        for name, url in project.get("urls", {}).items():
            assert repository.split("/", 1)[1] in url, f"{name} = {url} is not {repository}"


def test_the_versions_the_readme_names_are_the_project_version() -> None:
    # The wheel `python -m build` writes, and the pin for when it is published.
    version = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    text = README.read_text(encoding="utf-8")
    named = re.findall(r"pytest_migrate_check-([\w.]+?)-py3-none-any\.whl", text)
    named += re.findall(r"pytest-migrate-check==([\w.]+)", text)
    assert len(named) >= 2, named
    assert set(named) == {version}, f"README names {sorted(set(named))}, pyproject {version}"


def test_a_command_continued_with_a_backslash_is_read_whole() -> None:
    assert pip_targets("pip install -q \\\n    some-package\nmigrate-check import \\\n  x") == [
        "some-package"
    ]
