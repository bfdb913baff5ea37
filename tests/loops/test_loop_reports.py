"""Loop cases' paths in the reports: a line per case in report.md and the terminal, and the
two paths side by side in report.html, a row per step, the step where they part marked.

The lines and rows are built from real `trajectory` results (built paths judged by the
check); one run through the plugin against the local server shows them in the written
reports, and a headless Chromium opens the page as a reviewer would: model text (a tool's
result, a call's arguments) shows as text, never as markup.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from devtools.local_openai import LocalServer
from devtools.synthetic_runs import HOSTILE
from loop_project import CANDIDATE, CHAT_TOOLS, checks, project, report, run

from helpers.browser import chromium, open_report, unavailable
from migrate_check.checks.builtin.trajectory import TrajectoryCheck
from migrate_check.core.case import Case, ModelPair
from migrate_check.core.completion import Completion
from migrate_check.core.loop import FixedResult, Loop, LoopTool, Step, ToolUse, Trajectory
from migrate_check.core.pricing import PriceTable
from migrate_check.core.results import CaseResult, RunResult
from migrate_check.judging.engine import judge_case
from migrate_check.report import summary_lines
from migrate_check.report import trajectories as paths
from migrate_check.report.run_report import RunReport
from migrate_check.report.writers import html, markdown

SEARCH = {"origin": "OSL", "destination": "LHR", "date": "2026-12-24"}
LOOP = Loop(tools=(LoopTool("search_flights", results=(FixedResult("[]"),)),), max_steps=4)
SHOWN_SEARCH = 'search_flights({"date":"2026-12-24","destination":"LHR","origin":"OSL"})'


def call(name: str, arguments: Any = None, result: str = "{}", **more: Any) -> ToolUse:
    return ToolUse(name, SEARCH if arguments is None else arguments, f"id_{name}", result, **more)


def path(*steps: tuple[ToolUse, ...], limit: int = 4, stopped: str = "answered") -> Trajectory:
    made = [Step(calls=calls) for calls in steps]
    if stopped == "answered":
        made.append(Step(text="Done."))
    return Trajectory(tuple(made), limit, stopped)  # type: ignore[arg-type]


def judged(
    before: Trajectory | None, after: Trajectory | None, case_id: str = "trip", **case: Any
) -> CaseResult:
    """A loop case judged on the two paths (None: that side's call failed)."""

    def side(model: str, trajectory: Trajectory | None) -> Completion:
        if trajectory is None:
            return Completion(model=model, error="HTTP 500: the server failed")
        return Completion(model=model, text="Done.", trajectory=trajectory)

    made = Case("trip", case_id, {"messages": [{"role": "user", "content": "Fly?"}]}, (), **case)
    return judge_case(made, [side("a", before)], [side("b", after)], [TrajectoryCheck()])


def line(before: Trajectory | None, after: Trajectory | None) -> str:
    text = paths.case_line(judged(before, after, loop=LOOP))
    assert text is not None
    return text


def rows(before: Trajectory | None, after: Trajectory | None) -> dict[str, Any]:
    shown = paths.viewer_paths(judged(before, after, loop=LOOP))
    assert shown is not None
    return shown


def test_the_same_path_in_one_line_and_a_row_per_step() -> None:
    same = path((call("search_flights"),), (call("get_weather", {"city": "London"}),))
    assert line(same, same) == "same path: 3 steps, tools search_flights, get_weather"
    shown = rows(same, same)
    assert shown["p"] is None and shown["h"] == 0
    first = [SHOWN_SEARCH, "→ {}", "result"]
    assert shown["s"][0] == [[first], [first]]
    assert shown["s"][2] == [[], []]  # the answer: a step with no tool call, on both sides


def test_an_extra_step_repeats_a_call_and_parts_the_paths_there() -> None:
    before = path((call("search_flights", result='{"flights": ["SK815"]}'),))
    after = path((call("search_flights"),), (call("search_flights"),))
    assert line(before, after) == (
        "candidate: 3 steps (+1), search_flights called twice; baseline: 2 steps; "
        "paths part at step 2"
    )
    shown = rows(before, after)
    assert shown["p"] == 2
    assert shown["s"][0][0] == [[SHOWN_SEARCH, '→ {"flights": ["SK815"]}', "result"]]
    assert shown["s"][1] == [[], [[SHOWN_SEARCH, "→ {}", "result"]]]
    assert shown["s"][2] == [None, []]  # the baseline's path had ended


def test_the_step_limit_is_said_and_its_calls_were_not_run() -> None:
    before = path((call("search_flights"),))
    endless = (call("search_flights"),), (call("search_flights"),)
    after = path(*endless, (call("search_flights", answered=False, result=""),), limit=3)
    after = Trajectory(after.steps[:3], 3, "step_limit")
    assert line(before, after) == (
        "candidate: 3 steps (+1), stopped at the step limit (3), search_flights called "
        "3 times; baseline: 2 steps; paths part at step 2"
    )
    last = rows(before, after)["s"][2]
    assert last == [None, [[SHOWN_SEARCH, "not run: the step limit came first", "unrun"]]]
    both = line(after, after)
    assert both == "same path: 3 steps, stopped at the step limit (3), tools search_flights"


def test_tools_added_and_dropped_and_a_tools_error() -> None:
    before = path((call("get_weather", {"city": "Oslo"}),))
    failed = call("search_flights", error="ValueError: no such airport", result="")
    after = path((failed,))
    assert line(before, after) == (
        "candidate: 2 steps, also calls search_flights, no longer calls get_weather, "
        "search_flights failed at step 1; baseline: 2 steps; paths part at step 1"
    )
    cell = rows(before, after)["s"][0][1]
    assert cell == [[SHOWN_SEARCH, "error: ValueError: no such airport", "error"]]


def test_a_side_whose_call_failed_has_no_path_to_compare() -> None:
    same = path((call("search_flights"),))
    assert line(same, None) == (
        "paths not compared: candidate call to b failed: HTTP 500: the server failed"
    )
    assert rows(same, None) == {"l": line(same, None), "p": None, "s": [], "h": 0}
    assert paths.case_line(judged(same, same)) is None  # no loop: no line, no rows
    assert paths.viewer_paths(judged(same, same)) is None


def test_the_worst_sample_is_named() -> None:
    one, two = path((call("search_flights"),)), path((call("get_weather", {"city": "Oslo"}),))
    made = Case("trip", "s", {"messages": []}, (), samples=2, loop=LOOP)
    sides = [Completion(model="a", text="x", trajectory=t) for t in (one, one)]
    other = [Completion(model="b", text="x", trajectory=t) for t in (one, two)]
    result = judge_case(made, sides, other, [TrajectoryCheck()])
    text = paths.case_line(result)
    assert text is not None and text.startswith("sample 2 of 2: candidate: 2 steps, also calls")


def test_every_part_is_bounded() -> None:
    """Thirty parallel calls of long names with long arguments and results: each cut."""
    wide = tuple(
        call("t" * 200 + str(n), {"q": "x" * 5000}, result="r" * 5000, error=None)
        for n in range(30)
    )
    after = path(*(wide for _ in range(3)))
    shown = rows(path((call("search_flights"),)), after)
    text = json.dumps(shown)
    assert len(text) < 60_000
    cells = [cell for row in shown["s"] for cell in row if cell]
    assert max(len(cell) for cell in cells) == paths.CALLS_PER_STEP + 1  # "and 22 more calls"
    assert cells[1][-1] == ["and 22 more calls", "", "more"]
    items = [item for cell in cells for item in cell if item[2] != "more"]
    assert len(items) <= paths.CALLS_PER_SIDE + paths.CALLS_PER_STEP
    assert max(len(item[0]) for item in items) <= paths.NAME_CHARS + paths.ARGUMENT_CHARS + 2
    assert max(len(item[1]) for item in items) <= paths.RESULT_CHARS + 2
    assert len(shown["l"]) <= paths.LINE_CHARS


def loop_run(*results: CaseResult) -> RunReport:
    run_result = RunResult(ModelPair("a", "b"), list(results))
    return RunReport.build(run_result, PriceTable.default(), "2026-12-01T00:00:00Z")


def test_report_md_and_the_terminal_give_each_loop_case_its_line() -> None:
    before = path((call("search_flights"),))
    extra = judged(before, path((call("search_flights"),), (call("search_flights"),)), loop=LOOP)
    same = judged(before, before, "same", loop=LOOP)
    plain = judged(before, path(), "plain")  # no loop: no line anywhere
    report_ = loop_run(extra, same, plain)
    expected = paths.case_line(extra)
    assert expected is not None
    text = markdown.render(report_)
    assert f"- **path**: {markdown.cell(expected)}\n" in text
    assert text.count("**path**") == 1  # the unchanged case is not listed; the plain has none
    terminal = list(summary_lines(report_))
    at = terminal.index("loop cases: 2, 1 unchanged; their paths:")
    assert terminal[at + 1] == f"  trip::trip (changed): {expected}"
    assert not any("loop cases" in shown for shown in summary_lines(loop_run(plain)))


def test_a_run_without_loop_cases_writes_what_it_did() -> None:
    """No `r` in report.html's data, no path line: the pages of other runs are unchanged."""
    before = path((call("search_flights"),))
    plain = loop_run(judged(before, before, "plain"))
    assert '"r":' not in html.render(plain)
    assert "**path**" not in markdown.render(plain)


# Through the plugin: a loop case whose candidate searches twice, its fixed result holding
# markup, recorded against the local server.
SUITE = (
    "suite: trip\n"
    + CHAT_TOOLS
    + f"""
loop:
  max_steps: 4
  tools:
    get_weather: travel_tools:get_weather
    search_flights:
      - result: {{flights: [SK815], note: {json.dumps(HOSTILE)}}}
cases:
  - id: extra-search
    messages:
      - role: user
        content: "Flights from OSL to LHR on 2026-12-24? [loop:again=search_flights]"
"""
)
KEY = "trip::extra-search"


def shown_paths(page_path: Path, key: str) -> dict[str, Any]:
    """The open case's paths as Chromium shows them (`SHOWN`), with no console error or
    request leaving the page. The browser starts only now: playwright's event loop must
    not be running while the plugin runs its loops in this process."""
    problems: list[str] = []
    try:
        with chromium() as browser:
            page, _ = open_report(browser, page_path, problems, f"case={key}")
            shown: dict[str, Any] = page.evaluate(SHOWN)
    except RuntimeError as exc:
        unavailable(str(exc))
    assert problems == []
    return shown


# The open case's paths as the page shows them: the line, each row's cells, the marked row.
SHOWN = """() => {
  const box = document.querySelector('.case.open .paths');
  const rows = [...box.querySelectorAll('.path-steps tbody tr')];
  return {
    line: box.querySelector('.path-line').textContent,
    rows: rows.map(r => [...r.children].map(c => c.textContent)),
    parted: rows.map((r, i) => r.classList.contains('parted') ? i + 1 : 0).filter(Boolean),
    markup: box.querySelectorAll('script, img').length,
    pwned: window.__pwned === undefined ? null : window.__pwned,
  };
}"""


def test_a_loop_run_shows_its_paths_in_every_report(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    project(pytester, SUITE)
    done = run(pytester, "--record-mode", "once")
    done.assert_outcomes(passed=1)
    trajectory = checks(report(pytester)["extra-search"])["trajectory"]
    evidence = trajectory["evidence"]
    assert evidence["parted_at"] == 2
    expected = (
        "candidate: 3 steps (+1), search_flights called twice; baseline: 2 steps; "
        "paths part at step 2"
    )
    folder = pytester.path / "report"
    markdown_text = (folder / "report.md").read_text()
    assert f"- **path**: {markdown.cell(expected)}\n" in markdown_text
    assert f"  {KEY} (changed): {expected}" in done.outlines

    page_text = (folder / "report.html").read_text()
    assert "<script>window.__pwned" not in page_text  # the result is in the data, escaped
    shown = shown_paths(folder / "report.html", KEY)
    assert shown["line"] == f"path: {expected}"
    assert shown["parted"] == [2]
    assert [row[0] for row in shown["rows"]] == ["1", "2paths part here", "3"]
    search = [row[1:] for row in shown["rows"]]
    assert all(cell.startswith("search_flights(") for cell in search[0])
    assert HOSTILE in search[0][0] and HOSTILE in search[1][1]  # as text
    assert search[1][0] == "answered, no tool call"
    assert search[2] == ["no step: this path had ended", "answered, no tool call"]
    assert shown["markup"] == 0 and shown["pwned"] is None
    assert CANDIDATE in page_text


def test_markup_in_a_calls_arguments_shows_as_text(tmp_path: Path) -> None:
    before = path((call("search_flights", {"q": HOSTILE}, result=HOSTILE),))
    after = path((call("search_flights", {"q": HOSTILE + "!"}, result=HOSTILE),))
    report_ = loop_run(judged(before, after, "hostile", loop=LOOP))
    page_path = tmp_path / "report.html"
    page_path.write_text(html.render(report_), "utf-8")
    assert not re.search(r"<script>window|<img src=x", page_path.read_text())
    shown = shown_paths(page_path, "trip::hostile")
    assert shown["markup"] == 0 and shown["pwned"] is None
    assert shown["parted"] == [1]
    arguments = json.dumps({"q": HOSTILE}, separators=(",", ":"))
    assert shown["rows"][0][1] == f"search_flights({arguments})→ {HOSTILE}"
    assert shown["rows"][0][2] == f'search_flights({arguments[:-2]}!"}})→ {HOSTILE}'
