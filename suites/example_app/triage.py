"""Downstream code of the support-triage feature: where does a ticket go?"""

from __future__ import annotations

from typing import Any

TEAMS = {
    "billing": "finance-desk",
    "technical": "engineering-oncall",
    "shipping": "logistics",
    "account": "identity-team",
    "other": "frontline",
}


def route(ticket: Any) -> dict[str, Any]:
    """Pick the team and whether to page someone, as the real app would."""
    team = TEAMS[ticket["queue"]]
    page = ticket["priority"] in ("high", "urgent")
    return {"team": team, "page": page}
