"""Untrusted bytes made safe: bounded YAML and bodies, secrets and log lines scrubbed.

In: text and bytes from suites, cassettes and answers written by others. Out: parsed
values within bounds, bodies inflated within a limit, and text with no secret value left.
"""
