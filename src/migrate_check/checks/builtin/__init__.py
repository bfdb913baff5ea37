"""The checks migrate-check ships: a module per check (`contains` and `regex` share
`text_match`), and beside `facts` the two that find and canonicalise facts in a text.

They are written as a team's own check would be, against the base classes, outcome
rules and option parsing in `migrate_check.checks`, and reach a run the same way: the
registry (`checks/registry.py`) names each by the key suites use and imports its module
only when a suite first asks for it, so this package imports none of them here.
`answer` is the exception that no suite names: `judging` runs it on every case.

In: each check's options from a suite, then both models' `Completion`s of a case. Out: a
`CheckResult` per check, with its outcome, reason and evidence.
"""
