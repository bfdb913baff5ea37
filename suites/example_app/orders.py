"""Downstream code of the order-extraction feature: build the row the CRM stores."""

from __future__ import annotations

import json
import time
from typing import Any


def crm_row(content: str) -> dict[str, Any]:
    """The app calls json.loads on the message content; a fenced or renamed answer breaks it."""
    data = json.loads(content)
    return {
        "order": data["order_id"],
        "customer": data["customer_name"],
        "product": data["product"],
    }


def reserve_stock(content: str) -> dict[str, Any]:
    """Reserves stock in the warehouse system; its test double answers slowly for bulk orders."""
    data = json.loads(content)
    quantity = int(data.get("quantity") or 1)
    if quantity >= 20:
        time.sleep(2.0)  # the warehouse API is slow for bulk orders: the check times out
    return {"sku": data.get("product"), "reserved": quantity}
