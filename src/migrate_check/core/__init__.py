"""What every stage shares: the case, the completion, the results, defaults, prices, files.

In: nothing of ours. Out: the typed data model (`Case`, `Completion`, `CaseResult`,
`Outcome`), the shipped price table, canonical JSON, atomic writes and shown paths.
"""
