"""A representative sample of an import: every template covered, in proportion to traffic.

Thousands of logged calls make a slow suite that mostly repeats the most common call. A
sample (`--sample N`) groups a suite's cases by template (`sampling_keys`), leaves out
near duplicates, and takes N cases stratified by template: each template its share of
the calls, and every template at least one case while N has room for them all, so a
rare template (a tool only some users reach) is in the suite. The order is a keyed hash
of each request and the seed (`--seed`), so the same inputs and seed give the same
sample. Within a template it prefers requests less than `SIMILAR` percent alike to those
already taken (rapidfuzz, on a bounded prefix, a bounded number of times).

It runs in the spool's SQLite file: the cases are ordered there, and memory holds the
templates (a few numbers each) and the sample, never the prompts.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from migrate_check.importing.sampling_keys import normalised, template_label, user_text
from migrate_check.importing.spool import Spool

#: Within a template, a request this similar (rapidfuzz ratio, 0-100) to one already
#: taken is taken only when nothing less alike is left.
SIMILAR = 90
#: Of each request, how much normalised user text is compared.
COMPARED_CHARS = 500
#: Per template, how many requests beyond its share are compared before the rest are
#: taken as they come: a bound on the comparisons, whatever the traffic.
COMPARED_PER_CASE = 8


@dataclass(frozen=True)
class Sampling:
    """`--sample N` and `--seed S`."""

    size: int
    seed: int = 0


@dataclass
class Template:
    key: bytes
    number: int
    calls: int
    cases: int
    distinct: int  # cases that are no near duplicate of another
    first: int  # the spool's number of its first prompt


@dataclass
class Coverage:
    """What a sample took of a suite's cases: printed, and said in the suite."""

    calls: int
    templates: int
    requests: int
    near: int
    picked: int
    covered: int
    size: int
    seed: int

    def line(self) -> str:
        """`31,204 calls in 14 templates; the suite holds 220 cases covering 14 of 14`."""
        text = (
            f"{_counted(self.calls, 'call')} in {_counted(self.templates, 'template')}; "
            f"the suite holds {_counted(self.picked, 'case')} covering "
            f"{self.covered:,} of {self.templates:,}"
        )
        notes = [f"--sample {self.size}, --seed {self.seed}"]
        if self.near:
            notes.append(f"{_counted(self.near, 'near duplicate')} left out")
        if self.covered < self.templates:
            notes.append("more templates than --sample: one case of each of the most called")
        return f"{text} ({'; '.join(notes)})"

    def sentence(self) -> str:
        """What the suite's description says of the sample it holds."""
        return (
            f"A sample (--sample {self.size}, --seed {self.seed}) of "
            f"{_counted(self.calls, 'call')} in {_counted(self.templates, 'template')}, "
            f"covering {self.covered:,}; each case names its template."
        )


def take_sample(spool: Spool, group: int, sampling: Sampling) -> Coverage:
    """Choose the cases of suite `group` to write, of those not found invalid (`writing`
    checks the cases taken, and takes the sample again when one is); the spool then
    gives only those, each noting its template."""
    if not spool.templates:
        raise ValueError("the spool kept no templates: set spool.templates before adding")
    db = spool.db
    db.create_function("draw", 2, _draw, deterministic=True)
    db.execute("DROP TABLE IF EXISTS temp.pool")
    db.execute(
        "CREATE TEMP TABLE pool AS SELECT c.first AS first, p.tpl AS tpl, p.near AS near, "
        "draw(?, c.key) AS r, (SELECT COUNT(*) FROM prompts q "
        "WHERE q.grp = c.grp AND q.key = c.key) AS calls "
        "FROM cases c JOIN prompts p ON p.seq = c.first WHERE c.grp = ? AND NOT EXISTS "
        "(SELECT 1 FROM invalid i WHERE i.grp = c.grp AND i.first = c.first)",
        (sampling.seed, group),
    )
    db.execute("CREATE INDEX temp.pool_in_draw_order ON pool (tpl, r)")
    rows = db.execute(
        "SELECT tpl, SUM(calls), COUNT(*), COUNT(DISTINCT near), MIN(first) FROM pool "
        "GROUP BY tpl ORDER BY MIN(first)"
    )
    templates = [
        Template(k, n, calls, cases, d, f) for n, (k, calls, cases, d, f) in enumerate(rows)
    ]
    quotas = shares([t.calls for t in templates], [t.distinct for t in templates], sampling.size)
    total = sum(t.calls for t in templates)
    picked = covered = 0
    for template, quota in zip(templates, quotas, strict=True):
        if not quota:
            continue
        note = _note(spool, template, len(templates), total)
        chosen = _pick(spool, template.key, quota)
        db.executemany(
            "INSERT INTO picked (grp, first, note) VALUES (?, ?, ?)",
            [(group, first, note) for first in chosen],
        )
        picked += len(chosen)
        covered += 1
    db.execute("DROP TABLE temp.pool")
    spool.sampled.add(group)
    return Coverage(
        calls=total,
        templates=len(templates),
        requests=sum(t.cases for t in templates),
        near=sum(t.cases - t.distinct for t in templates),
        picked=picked,
        covered=covered,
        size=sampling.size,
        seed=sampling.seed,
    )


def drop_sample(spool: Spool, group: int) -> None:
    """Forget a suite's sample, to take it again."""
    spool.db.execute("DELETE FROM picked WHERE grp = ?", (group,))
    spool.sampled.discard(group)


def invalid_count(spool: Spool, group: int) -> int:
    """How many of a suite's cases were found invalid so far."""
    row = spool.db.execute("SELECT COUNT(*) FROM invalid WHERE grp = ?", (group,)).fetchone()
    return int(row[0])


def shares(calls: list[int], room: list[int], size: int) -> list[int]:
    """How many cases each template gets: one each (while `size` has room for all), the
    rest in proportion to its calls (Sainte-Laguë, ties to the earlier template), none
    beyond its `room`. With more templates than `size`, one each for the most called."""
    count = len(calls)
    if size < count:
        most = set(sorted(range(count), key=lambda n: (-calls[n], n))[:size])
        return [1 if n in most else 0 for n in range(count)]
    quotas = [1 if r else 0 for r in room]
    left = size - sum(quotas)
    heap = [(-calls[n] / (quotas[n] + 0.5), n) for n in range(count) if quotas[n] < room[n]]
    heapq.heapify(heap)
    while left > 0 and heap:
        _, n = heapq.heappop(heap)
        quotas[n] += 1
        left -= 1
        if quotas[n] < room[n]:
            heapq.heappush(heap, (-calls[n] / (quotas[n] + 0.5), n))
    return quotas


def _pick(spool: Spool, template: bytes, quota: int) -> list[int]:
    """`quota` cases of a template in draw order: no two near duplicates, and those less
    alike to the ones taken first; the spool's numbers of their first prompts."""
    taken: list[int] = []
    texts: list[str] = []
    seen: set[bytes] = set()
    alike: list[int] = []  # passed over for being alike; taken if nothing else is left
    budget = quota * COMPARED_PER_CASE
    rows = spool.db.execute("SELECT first, near FROM pool WHERE tpl = ? ORDER BY r", (template,))
    for first, near in rows:
        if near in seen:
            continue
        seen.add(near)
        if budget > 0:
            budget -= 1
            text = _compared_text(spool, first)
            if texts and process.extractOne(text, texts, scorer=fuzz.ratio, score_cutoff=SIMILAR):
                if len(alike) < quota:
                    alike.append(first)
                continue
            texts.append(text)
        taken.append(first)
        if len(taken) == quota:
            return taken
    return taken + alike[: quota - len(taken)]


def _compared_text(spool: Spool, first: int) -> str:
    (data,) = spool.db.execute("SELECT data FROM prompts WHERE seq = ?", (first,)).fetchone()
    api, request, *_ = json.loads(data)
    return normalised(user_text(api, request)[: COMPARED_CHARS * 2])[:COMPARED_CHARS]


def _note(spool: Spool, template: Template, count: int, total: int) -> str:
    """What each case sampled from a template says of it: its group, in the suite."""
    (data,) = spool.db.execute(
        "SELECT data FROM prompts WHERE seq = ?", (template.first,)
    ).fetchone()
    api, request, *_ = json.loads(data)
    return (
        f"Sample group: template {template.number + 1} of {count} "
        f"({template.calls:,} of the {total:,} calls): {template_label(api, request)}."
    )


def _draw(seed: int, key: bytes) -> int:
    """A request's place in the sample's order: the same for the same seed, anywhere."""
    digest = hashlib.blake2b(key, digest_size=8, key=str(seed).encode()).digest()
    return int.from_bytes(digest, "big") >> 1  # SQLite's integers are signed 64-bit


def _counted(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")
