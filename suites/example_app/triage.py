"""Downstream code of the support-triage feature: where does a ticket go?"""

from __future__ import annotations

import json
from typing import Any

TEAMS = {
    "billing": "finance-desk",
    "technical": "engineering-oncall",
    "shipping": "logistics",
    "account": "identity-team",
    "other": "frontline",
}


def route(content: str) -> dict[str, Any]:
    """Pick the team and whether to page someone, as the real app does with the SDK's answer."""
    ticket = json.loads(content)
    team = TEAMS[ticket["queue"]]
    page = ticket["priority"] in ("high", "urgent")
    return {"team": team, "page": page}
