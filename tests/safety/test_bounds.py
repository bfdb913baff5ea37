"""The bounds on untrusted input, measured directly on the plain modules."""

from __future__ import annotations

import gzip
import time

import pytest

from migrate_check.checks import bounded_regex
from migrate_check.checks.base import CheckRunError
from migrate_check.checks.builtin.similarity import SimilarityCheck
from migrate_check.core.completion import Completion
from migrate_check.safety import bodies, safe_yaml
from migrate_check.safety.secrets import from_environment


def test_similarity_of_long_texts_is_fast_and_names_its_method() -> None:
    check = SimilarityCheck(80, "partial_ratio", frozenset())
    base = Completion(model="a", text="lorem ipsum dolor " * 12_000)  # 216,000 characters
    cand = Completion(model="b", text="lorem ipsum dolar " * 12_000)
    started = time.perf_counter()
    difference = check.compare(check.observe(base), check.observe(cand))
    assert time.perf_counter() - started < 1.0
    assert difference.evidence is not None
    assert difference.evidence["method"] == "trigram_dice"
    assert "trigram_dice, not partial_ratio" in difference.summary


def test_a_backtracking_pattern_ends_at_its_time_limit() -> None:
    compiled = bounded_regex.compile_pattern("(x+x+)+y")
    started = time.perf_counter()
    with pytest.raises(CheckRunError, match="gave up after 0.2 s"):
        bounded_regex.search(compiled, "x" * 5000, "regex", timeout_s=0.2)
    assert time.perf_counter() - started < 2.0


def test_a_gzip_bomb_is_refused_before_it_inflates() -> None:
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    with pytest.raises(bodies.BodyTooLarge, match="inflates beyond 1 MiB"):
        bodies.gunzip(bomb, limit=1024 * 1024)
    assert bodies.gunzip(gzip.compress(b"ok")) == b"ok"


def test_an_alias_bomb_is_refused_and_ordinary_aliases_load() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(7)
    )
    with pytest.raises(safe_yaml.YamlBombError, match="more than 1,000,000 nodes"):
        safe_yaml.load(bomb)
    assert safe_yaml.load("d: &d {x: 1}\ne: {<<: *d, y: 2}\n") == {
        "d": {"x": 1},
        "e": {"x": 1, "y": 2},
    }


def test_base_url_credentials_are_scrubbed_in_every_form() -> None:
    scrubber = from_environment({"OPENAI_BASE_URL": "https://bob:s3cr%2Ft-pass@gw.example/v1"})
    for leaked in ("s3cr/t-pass", "s3cr%2Ft-pass", "Ym9iOnMzY3IvdC1wYXNz", "bob:s3cr/t-pass"):
        assert leaked not in scrubber.text(f"echo {leaked} end"), leaked
    assert scrubber.uri("https://bob:s3cr%2Ft-pass@gw.example/v1/x") == "https://gw.example/v1/x"
    assert scrubber.text("the password field passed") == "the password field passed"
