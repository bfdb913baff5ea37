"""An import's prompts held on disk, so its memory stays flat however long the inputs.

Every prompt is written to SQLite in a temporary folder as it is read, with what was
skipped. Once all is read, each prompt gets its suite (by the model it was recorded
with, see `by_model`), and so does each skipped input (`place_skipped`); the cases of a
suite come back one at a time: identical requests merged, in order of first appearance.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrate_check.core.canonical import canonical_json
from migrate_check.core.case import Api
from migrate_check.importing.by_model import group_of
from migrate_check.importing.redaction_bodies import Parts, Privacy
from migrate_check.importing.sampling_keys import near_key, template_key, user_text
from migrate_check.importing.sources import Prompt, Skipped
from migrate_check.importing.suite_text import cassette_interactions, structural_checks

#: Where a case came from, listed up to this many (a request logged a million times).
MAX_ORIGINS = 20
#: Skipped inputs and warnings an import lists, the rest counted (each is a line printed).
MAX_LISTED = 1000

_SCHEMA = """
CREATE TABLE prompts (
    seq INTEGER PRIMARY KEY, key BLOB NOT NULL, model TEXT, answered INTEGER NOT NULL,
    origin TEXT NOT NULL, data TEXT NOT NULL, answer TEXT, grp INTEGER, source TEXT,
    tpl BLOB, near BLOB, pii INTEGER NOT NULL DEFAULT 0);
CREATE TABLE skipped (
    seq INTEGER PRIMARY KEY, grp INTEGER, origin TEXT, reason TEXT, model TEXT, source TEXT);
CREATE TABLE warnings (seq INTEGER PRIMARY KEY, grp INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE invalid (grp INTEGER NOT NULL, first INTEGER NOT NULL, PRIMARY KEY (grp, first));
CREATE TABLE entries (
    grp INTEGER NOT NULL, first INTEGER NOT NULL, part INTEGER NOT NULL, id TEXT NOT NULL,
    text TEXT NOT NULL, PRIMARY KEY (grp, first));
CREATE INDEX entries_by_part ON entries (grp, part, first);
CREATE TABLE picked (
    grp INTEGER NOT NULL, first INTEGER NOT NULL, note TEXT NOT NULL, PRIMARY KEY (grp, first));
"""


@dataclass
class SpooledCase:
    """One distinct request of a suite, with every answer recorded for it, per model."""

    first: int  # the spool's number of its first prompt: the case's place in the suite
    api: Api
    request: dict[str, Any]
    checks: list[dict[str, Any]]
    description: str
    models: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    #: Per model, its recorded answers as the vcrpy interactions its cassette holds (a
    #: loop's answer: the list of its steps' interactions).
    answers: dict[str, list[Any]] = field(default_factory=dict)
    #: A loop case's `loop:` and the start of its id.
    loop: dict[str, Any] | None = None
    label: str = ""
    #: The kinds of personal data its prompts and answers hold (`redaction.kinds_of`).
    personal: int = 0

    @property
    def samples(self) -> int:
        """As many samples as every recorded model can replay."""
        return min((len(a) for a in self.answers.values()), default=1)

    @property
    def recorded(self) -> list[str]:
        return sorted(self.answers)


@dataclass(frozen=True)
class Group:
    """One suite to write: the prompts recorded with `model` (None: unrecorded)."""

    number: int
    model: str | None


class Spool:
    """The prompts of one import, in a SQLite file that is deleted when the spool closes."""

    def __init__(self, folder: Path) -> None:
        self.db = sqlite3.connect(folder / "spool.sqlite", isolation_level=None)
        self.db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;"
            + _SCHEMA
        )
        self.db.execute("BEGIN")
        self.groups: list[Group] = []
        #: Personal data found in each prompt, and replaced when asked (`--redact`).
        self.privacy: Privacy | None = None
        #: Whether each prompt's template is kept, for a sample (`sampling`).
        self.templates = False
        #: The suites a sample was taken of: only its cases (`picked`) are written.
        self.sampled: set[int] = set()

    @classmethod
    @contextlib.contextmanager
    def temporary(cls) -> Iterator[Spool]:
        """A spool in a temporary folder (`TMPDIR` chooses where), removed at the end; a
        full disk there is an `OSError` that says so, not SQLite's own error."""
        with tempfile.TemporaryDirectory(prefix="migrate-check-import-") as folder:
            try:
                spool = cls(Path(folder))
                try:
                    yield spool
                finally:
                    spool.db.close()
            except sqlite3.Error as exc:
                raise OSError(
                    f"the import's working copy in {folder} failed: {exc} "
                    "(TMPDIR names another folder for it)"
                ) from exc

    # -- reading ------------------------------------------------------------------------
    def add(self, prompt: Prompt) -> None:
        loop = prompt.loop
        checks = [
            *prompt.checks,
            *structural_checks(prompt.api, prompt.request, loop=loop is not None),
        ]
        answered = prompt.answer is not None and bool(prompt.model)  # as `merge_prompts`
        interactions: Any = None
        if answered and loop is not None:
            interactions = cassette_interactions(list(loop.steps))
        elif answered and prompt.answer is not None:
            interactions = cassette_interactions([prompt.answer])[0]
        spec = loop.spec if loop is not None else None
        parts = Parts(prompt.request, checks, prompt.description, spec, interactions)
        if self.privacy is not None:
            redacted = self.privacy.apply(parts)
            if isinstance(redacted, str):
                self.skip(Skipped(prompt.origin, redacted, prompt.model, prompt.source))
                return
            parts = redacted
        keyed: list[Any] = [prompt.api, parts.request, parts.checks]
        if loop is not None:  # a request case's key stays as it was
            keyed.append(parts.spec)
        key = canonical_json(keyed)
        data: list[Any] = [prompt.api, parts.request, parts.checks, parts.description]
        if loop is not None:
            data += [parts.spec, loop.label]
        tpl = near = None
        if self.templates:
            tpl = template_key(prompt.api, parts.request)
            near = near_key(tpl, user_text(prompt.api, parts.request))
        self.db.execute(
            "INSERT INTO prompts (key, model, answered, origin, data, answer, source, tpl, "
            "near, pii) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest(),
                prompt.model,
                answered,
                prompt.origin,
                json.dumps(data),  # ASCII: a lone surrogate in a request survives the trip
                None if interactions is None else json.dumps(parts.interactions),
                prompt.source or None,
                tpl,
                near,
                parts.found,
            ),
        )

    def skip(self, skipped: Skipped, group: int | None = None) -> None:
        """Keep a skipped input: in `group`'s list, or (None) in the suite `place_skipped`
        finds for it once every prompt has its suite."""
        self.db.execute(
            "INSERT INTO skipped (grp, origin, reason, model, source) VALUES (?, ?, ?, ?, ?)",
            (group, skipped.origin, skipped.reason, skipped.model, skipped.source),
        )

    def warn(self, text: str, group: int) -> None:
        self.db.execute("INSERT INTO warnings (grp, text) VALUES (?, ?)", (group, text))

    # -- grouping -----------------------------------------------------------------------
    def group_by_model(self, only: str | None) -> list[Group]:
        """Give each prompt its suite, as `by_model.split_by_model` does; the answers of
        models `only` leaves out are skipped, saying so. Then each skipped input is placed
        (`place_skipped`)."""
        rows = self.db.execute(
            "SELECT model FROM prompts WHERE answered GROUP BY model ORDER BY MIN(seq)"
        )
        models = [only] if only is not None else [model for (model,) in rows]
        pairs = self.db.execute("SELECT DISTINCT model, answered FROM prompts").fetchall()
        keys: dict[tuple[str | None, int], str | None] = {}
        for model, answered in pairs:
            key, reason = group_of(model, bool(answered), models, only)
            if reason is None:
                keys[(model, answered)] = key
                continue
            self.db.execute(
                "INSERT INTO skipped (grp, origin, reason, model, source) "
                "SELECT NULL, origin, ?, model, source FROM prompts "
                "WHERE model IS ? AND answered = ? ORDER BY seq",
                (reason, model, answered),
            )
        present = set(keys.values())
        order = [m for m in models if m in present] + ([None] if None in present else [])
        if not order and only is None:
            order = [None]  # nothing usable: the one suite says why
        self.groups = [Group(n, model) for n, model in enumerate(order)]
        for (model, answered), key in keys.items():
            self.db.execute(
                "UPDATE prompts SET grp = ? WHERE model IS ? AND answered = ?",
                (order.index(key), model, answered),
            )
        self._index()
        self.place_skipped(order)
        return self.groups

    def one_group(self) -> Group:
        """Every prompt in one suite, whatever it was recorded with."""
        self.db.execute("UPDATE prompts SET grp = 0")
        self._index()
        self.groups = [Group(0, None)]
        self.place_skipped([None])
        return self.groups[0]

    def place_skipped(self, order: list[str | None]) -> None:
        """Each skipped input goes under the suite it belongs to: its model's, else the
        suite its file's other requests went to; with one suite, that one. The rest (a
        file no suite read anything from) stay in no suite's list: `skipped(None)`."""
        for number, model in enumerate(order):
            if model is not None:
                self.db.execute(
                    "UPDATE skipped SET grp = ? WHERE grp IS NULL AND model = ?", (number, model)
                )
        unplaced = self.db.execute(
            "SELECT 1 FROM skipped WHERE grp IS NULL AND source IS NOT NULL LIMIT 1"
        ).fetchone()
        if unplaced and len(order) > 1:
            self.db.execute("CREATE INDEX IF NOT EXISTS prompts_by_source ON prompts (source, seq)")
            self.db.execute(
                "UPDATE skipped SET grp = (SELECT p.grp FROM prompts p WHERE "
                "p.source = skipped.source AND p.grp IS NOT NULL ORDER BY p.seq LIMIT 1) "
                "WHERE grp IS NULL AND source IS NOT NULL"
            )
        if len(order) == 1:
            self.db.execute("UPDATE skipped SET grp = 0 WHERE grp IS NULL")

    def _index(self) -> None:
        self.db.executescript(
            "CREATE INDEX prompts_by_case ON prompts (grp, key, seq);"
            "CREATE TABLE cases (grp INTEGER NOT NULL, key BLOB NOT NULL, first INTEGER NOT NULL);"
            "INSERT INTO cases SELECT grp, key, MIN(seq) FROM prompts WHERE grp IS NOT NULL "
            "GROUP BY grp, key;"
            "CREATE INDEX cases_in_order ON cases (grp, first);"
        )

    # -- writing ------------------------------------------------------------------------
    def cases(self, group: int, *, valid_only: bool = True) -> Iterator[SpooledCase]:
        """The suite's cases in order of first appearance, each with all its prompts;
        those found invalid (`invalid`) left out unless `valid_only` is false; of a
        sampled suite, only the sample's."""
        valid = "AND NOT EXISTS (SELECT 1 FROM invalid i WHERE i.grp = c.grp AND i.first = c.first)"
        if not valid_only:
            valid = ""
        if group in self.sampled:  # only the sample's, each with its note
            valid += " AND s.first IS NOT NULL"
        rows = self.db.execute(
            "SELECT c.first, p.model, p.answered, p.origin, "
            "CASE WHEN p.seq = c.first THEN p.data END, p.answer, p.pii, s.note "
            "FROM cases c JOIN prompts p ON p.grp = c.grp AND p.key = c.key "
            "LEFT JOIN picked s ON s.grp = c.grp AND s.first = c.first "
            f"WHERE c.grp = ? {valid} ORDER BY c.first, p.seq",  # noqa: S608 - our own text
            (group,),
        )
        for first, prompts in itertools.groupby(rows, key=lambda row: int(row[0])):
            yield _merged(first, prompts)

    def invalid(self, case: SpooledCase, group: int, reason: str) -> None:
        """Leave `case` out of the suite, saying why."""
        self.db.execute("INSERT INTO invalid (grp, first) VALUES (?, ?)", (group, case.first))
        row = self.db.execute("SELECT source FROM prompts WHERE seq = ?", (case.first,))
        (source,) = row.fetchone() or (None,)
        self.skip(Skipped(case.origins[0], reason, source=source), group)

    def entry(self, group: int, case: SpooledCase, part: int, case_id: str, text: str) -> None:
        """Keep a case's entry, as the suite file will hold it, for the part it goes to."""
        self.db.execute(
            "INSERT INTO entries (grp, first, part, id, text) VALUES (?, ?, ?, ?, ?)",
            (group, case.first, part, case_id, text),
        )

    def entry_ids(self, group: int) -> Iterator[tuple[int, str]]:
        """(part, case id) of every case written."""
        rows = self.db.execute("SELECT part, id FROM entries WHERE grp = ?", (group,))
        return ((int(part), str(case_id)) for part, case_id in rows)

    def entries(self, group: int, part: int) -> Iterator[str]:
        """A part's entries, in order."""
        rows = self.db.execute(
            "SELECT text FROM entries WHERE grp = ? AND part = ? ORDER BY first", (group, part)
        )
        return (text for (text,) in rows)

    def recorded_entries(
        self, group: int
    ) -> Iterator[tuple[int, str, dict[str, list[dict[str, Any]]]]]:
        """(part, case id, its recorded answers per model) of each written case that has any."""
        rows = self.db.execute(
            "SELECT e.first, e.part, e.id, p.model, p.answer FROM entries e "  # in this order:
            "CROSS JOIN cases c ON c.grp = e.grp AND c.first = e.first "  # no sort of it all
            "CROSS JOIN prompts p ON p.grp = c.grp AND p.key = c.key "
            "WHERE e.grp = ? AND p.answered ORDER BY e.first, p.seq",
            (group,),
        )
        for _, answers in itertools.groupby(rows, key=lambda row: int(row[0])):
            recorded: dict[str, list[dict[str, Any]]] = {}
            where = (0, "")
            for _, part, case_id, model, answer in answers:
                where = (part, case_id)
                interactions = json.loads(answer)  # a loop's: each of its steps
                if isinstance(interactions, list):
                    recorded.setdefault(model, []).extend(interactions)
                else:
                    recorded.setdefault(model, []).append(interactions)
            yield *where, recorded

    def sources(self, group: int) -> Iterator[str]:
        """The files (as origins name them) the suite's written cases came from, each once:
        what its description counts, not every file the import read."""
        rows = self.db.execute(
            "SELECT DISTINCT p.source FROM entries e "
            "CROSS JOIN cases c ON c.grp = e.grp AND c.first = e.first "
            "CROSS JOIN prompts p ON p.grp = c.grp AND p.key = c.key "
            "WHERE e.grp = ? AND p.source IS NOT NULL",
            (group,),
        )
        return (source for (source,) in rows)

    def skipped(self, group: int | None) -> tuple[list[Skipped], int]:
        """What a suite left out (None: inputs in no suite), the first `MAX_LISTED`, and
        how many in all."""
        listed = [
            Skipped(origin, reason, model, source)
            for origin, reason, model, source in self.db.execute(
                "SELECT origin, reason, model, source FROM skipped WHERE grp IS ? "
                "ORDER BY seq LIMIT ?",
                (group, MAX_LISTED),
            )
        ]
        return listed, self._count("skipped", group)

    def warnings(self, group: int) -> tuple[list[str], int]:
        listed = [
            text
            for (text,) in self.db.execute(
                "SELECT text FROM warnings WHERE grp = ? ORDER BY seq LIMIT ?",
                (group, MAX_LISTED),
            )
        ]
        return listed, self._count("warnings", group)

    def _count(self, table: str, group: int | None) -> int:
        row = self.db.execute(f"SELECT COUNT(*) FROM {table} WHERE grp IS ?", (group,)).fetchone()  # noqa: S608 - a table name of ours
        return int(row[0])


def _merged(first: int, rows: Iterator[tuple[Any, ...]]) -> SpooledCase:
    case: SpooledCase | None = None
    more = 0
    for _, model, answered, origin, data, answer, personal, note in rows:
        if case is None:
            api, request, checks, description, *loop = json.loads(data)
            if note:  # the template a sample took it from
                description = "\n".join(filter(None, [note, description]))
            case = SpooledCase(first, api, request, checks, description)
            if loop:
                case.loop, case.label = loop
        case.personal |= personal
        if len(case.origins) < MAX_ORIGINS:
            case.origins.append(origin)
        else:
            more += 1
        if model and model not in case.models:
            case.models.append(model)
        if answered:
            case.answers.setdefault(model, []).append(json.loads(answer))
    assert case is not None  # groupby never yields an empty group
    if more:
        case.origins.append(f"... and {more} more")
    return case
