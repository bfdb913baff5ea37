"""The shared corpus is optional on a clean clone and required under CI (conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CORPUS_ENV, require_corpus


def test_present_corpus_is_returned(tmp_path: Path) -> None:
    (tmp_path / "MANIFEST.tsv").write_text("file\n")
    assert require_corpus({CORPUS_ENV: str(tmp_path), "CI": "true"}) == tmp_path
    assert require_corpus({}, default=tmp_path) == tmp_path


def test_absent_corpus_skips_with_one_line_on_a_developer_machine(tmp_path: Path) -> None:
    missing = tmp_path / "shared" / "corpus"
    for environ in ({}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}):
        with pytest.raises(pytest.skip.Exception) as skipped:
            require_corpus(environ, default=missing)
        reason = str(skipped.value)
        assert "\n" not in reason
        assert str(missing) in reason and CORPUS_ENV in reason


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_absent_corpus_fails_under_ci(tmp_path: Path, ci: str) -> None:
    missing = tmp_path / "shared" / "corpus"
    with pytest.raises(pytest.fail.Exception, match="missing under CI") as failed:
        require_corpus({"CI": ci}, default=missing)
    assert str(missing) in str(failed.value)


def test_a_named_corpus_that_is_absent_fails_without_ci(tmp_path: Path) -> None:
    named = tmp_path / "typo"
    with pytest.raises(pytest.fail.Exception, match="names .* which has no MANIFEST.tsv"):
        require_corpus({CORPUS_ENV: str(named)}, default=Path(__file__).parent)


def test_clean_clone_session_skips_corpus_tests_and_fails_them_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real session of the corpus tests in a tree that has no shared/ beside it."""
    tests = Path(__file__).resolve().parents[1]
    pytester.makeconftest((tests / "conftest.py").read_text())
    pytester.makepyfile(test_corpus=(tests / "importing" / "test_corpus.py").read_text())
    monkeypatch.setenv("PYTHONPATH", str(tests.parent))  # devtools/, as pyproject's pythonpath
    monkeypatch.delenv(CORPUS_ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)

    result = pytester.runpytest_subprocess("-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(skipped=8)
    result.stdout.fnmatch_lines([f"SKIPPED * no shared cassette corpus at *{CORPUS_ENV}*"])

    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=8)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
