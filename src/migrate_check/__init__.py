"""migrate-check: what changes downstream when an LLM feature switches models."""

from __future__ import annotations

__version__ = "0.1.0"
