"""Vendors' cost claims, dated and sourced, kept beside the price table they are checked on.

`vendor_claims.json` holds each claim as the vendor made it: the model it praises, the
model it compares with, the saving it states and where it was said. The report puts a
claim beside the cost measured on the team's traffic, naming its source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from migrate_check.core.pricing import lookup_names


@dataclass(frozen=True)
class VendorClaim:
    """`candidate` is `claim` ("83% cheaper", a `saving` of 0.83) against `against`."""

    candidate: str
    against: str
    claim: str
    saving: float
    said: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "against": self.against,
            "claim": self.claim,
            "saving": self.saving,
            "said": self.said,
            "source": self.source,
        }


def shipped_claims() -> tuple[VendorClaim, ...]:
    """The claims shipped in the package."""
    text = resources.files("migrate_check.core").joinpath("vendor_claims.json").read_text("utf-8")
    return claims_from(json.loads(text), "vendor_claims.json")


def claims_from(data: Any, origin: str) -> tuple[VendorClaim, ...]:
    """Claims from a document shaped like `vendor_claims.json`; ValueError names the entry."""
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise ValueError(f"vendor claims {origin!r} need a 'claims' list")
    found = []
    for n, entry in enumerate(data["claims"], 1):
        try:
            saving = float(entry["saving"])
            if not 0 < saving < 1:
                raise ValueError(f"saving {saving!r} is not a share between 0 and 1")
            found.append(
                VendorClaim(
                    candidate=str(entry["candidate"]),
                    against=str(entry["against"]),
                    claim=str(entry["claim"]),
                    saving=saving,
                    said=str(entry["said"]),
                    source=str(entry["source"]),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"vendor claim {n} in {origin!r}: {exc}") from None
    return tuple(found)


def claim_for(candidate: str, baseline: str, claims: tuple[VendorClaim, ...]) -> VendorClaim | None:
    """The claim about `candidate`: one made against `baseline` first, else any made
    about it (the report then names the model it was made against)."""
    names = set(lookup_names(candidate))
    about = [c for c in claims if c.candidate in names]
    base_names = set(lookup_names(baseline))
    exact = [c for c in about if c.against in base_names]
    found = exact or about
    return found[0] if found else None
