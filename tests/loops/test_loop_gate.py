"""A team's tool runs alone: no model call is in flight meanwhile (vcrpy is not
thread-safe, see `loop_tools.ToolGate`), while model calls run side by side."""

from __future__ import annotations

import asyncio

from migrate_check.apps.loop_tools import ToolGate


def test_a_tool_waits_for_the_calls_in_flight_and_later_calls_wait_for_it() -> None:
    events: list[str] = []

    async def call(name: str, delay: float, seconds: float) -> None:
        await asyncio.sleep(delay)
        async with gate.model_call():
            events.append(f"{name} starts")
            await asyncio.sleep(seconds)
            events.append(f"{name} ends")

    async def tool() -> None:
        await asyncio.sleep(0.01)
        async with gate.tool():
            events.append("tool starts")
            await asyncio.sleep(0.05)
            events.append("tool ends")

    async def main() -> None:
        await asyncio.gather(call("a", 0, 0.05), call("b", 0, 0.05), tool(), call("c", 0.02, 0))

    gate = ToolGate()
    asyncio.run(main())
    assert events[:2] == ["a starts", "b starts"]  # side by side
    assert events.index("tool starts") > max(events.index("a ends"), events.index("b ends"))
    assert events.index("c starts") > events.index("tool ends")  # came after the tool asked
