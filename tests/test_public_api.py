"""The public API: small, written down, and free to import."""

from __future__ import annotations

import inspect
import subprocess
import sys

import migrate_check

#: Public names whose docstring must show how to call them: the classes a team builds.
CALLED_BY_TEAMS = ("Check", "SideBySideCheck", "Observation", "Difference", "CheckRegistry")


def test_every_public_name_resolves_to_what_its_module_defines() -> None:
    for name in migrate_check.__all__:
        value = getattr(migrate_check, name)
        if name != "__version__":
            assert getattr(value, "__name__", name) == name


def test_public_classes_document_their_arguments_and_show_an_example() -> None:
    for name in CALLED_BY_TEAMS:
        doc = inspect.getdoc(getattr(migrate_check, name)) or ""
        assert "Args:" in doc, name
        assert "Example:" in doc, name


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        migrate_check.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_importing_the_package_imports_no_stage() -> None:
    """The entry point imports `migrate_check` in every pytest run: it must cost nothing."""
    code = (
        "import sys, migrate_check\n"
        "print(sorted(m for m in sys.modules if m.startswith('migrate_check.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
