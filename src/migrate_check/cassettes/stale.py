"""Stale recordings: cassettes of cases no suite has any more, and exchanges inside a
replayed cassette that no current request matches (an edited prompt recorded again with
`new_episodes` beside its old answer). Counted in every run's summary, like syrupy's
unused snapshots; `--prune-recordings` removes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from migrate_check.cassettes.files import AtomicPersister, CassetteLoadError
from migrate_check.cassettes.paths import cassette_variant, file_key, safe_name


@dataclass
class StaleRecordings:
    """What the run found stale: whole cassettes, and exchange positions per cassette."""

    cassettes: list[Path] = field(default_factory=list)
    exchanges: dict[Path, list[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.cassettes or self.exchanges)

    @property
    def exchange_count(self) -> int:
        return sum(len(positions) for positions in self.exchanges.values())

    def summary(self, pruned: bool) -> str:
        parts = []
        if self.cassettes:
            parts.append(f"{len(self.cassettes)} cassettes of cases no suite has")
        if self.exchanges:
            parts.append(
                f"{self.exchange_count} exchanges in {len(self.exchanges)} cassettes that no "
                "current request matches"
            )
        what = "; ".join(parts)
        if pruned:
            return f"stale recordings removed: {what}"
        return f"stale recordings: {what} (--prune-recordings removes them)"


def stale_cassettes(
    cassette_dir: Path,
    suites: Mapping[str, Iterable[str]],
    variants: Mapping[str, Iterable[str]] | None = None,
) -> list[Path]:
    """Cassette files under the folders of `suites` (suite name -> its case ids) whose case
    the suite no longer has, and a current case's `variant.<name>.*` cassettes of variants
    no longer defined (`variants`: suite name -> its variant names). Folders of suites this
    run did not collect are not looked at."""
    found = []
    for suite, case_ids in suites.items():
        folder = cassette_dir / safe_name(suite)
        if not folder.is_dir():
            continue
        current = {file_key(case_id) for case_id in case_ids}
        named = {file_key(name) for name in (variants or {}).get(suite, ())}
        for case_folder in sorted(p for p in folder.iterdir() if p.is_dir()):
            if file_key(case_folder.name) not in current:
                found += sorted(case_folder.glob("*.yaml"))
                continue
            for path in sorted(case_folder.glob("*.yaml")):
                variant = cassette_variant(path.name)
                if variant is not None and file_key(variant) not in named:
                    found.append(path)
    return found


def prune(stale: StaleRecordings) -> list[str]:
    """Delete stale cassettes and drop stale exchanges (each file rewritten atomically).

    Returns one line per file that could not be changed.
    """
    problems = []
    for path in stale.cassettes:
        try:
            path.unlink(missing_ok=True)
            if path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()
        except OSError as exc:
            problems.append(f"could not remove {path}: {exc.strerror or exc}")
    for path, positions in stale.exchanges.items():
        try:
            _drop_exchanges(path, set(positions))
        except (OSError, CassetteLoadError) as exc:
            problems.append(f"could not rewrite {path}: {exc}")
    return problems


def _drop_exchanges(path: Path, positions: set[int]) -> None:
    """Rewrite a cassette without the exchanges at `positions`, as vcrpy writes it."""
    from vcr.serializers import yamlserializer

    requests, responses, *metadata = AtomicPersister.load_cassette(path, yamlserializer)
    kept = [
        pair
        for index, pair in enumerate(zip(requests, responses, strict=False))
        if index not in positions
    ]
    if not kept:
        path.unlink()
        return
    AtomicPersister.save_cassette(
        path,
        # migrate-check's own metadata (stream timings) stays; the dropped answers' go.
        {
            "requests": [r for r, _ in kept],
            "responses": [r for _, r in kept],
            "metadata": metadata[0] if metadata else {},
        },
        yamlserializer,
    )
