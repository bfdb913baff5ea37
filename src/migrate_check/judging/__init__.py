"""Judging one case: every check on both models' answers, then the team's approvals.

In: a case, its completions per model, its checks and the approvals file. Out: a
`CaseResult` whose outcome the report and the pytest item read.
"""
