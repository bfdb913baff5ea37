"""Sending a case to a model: live, in forked processes, through batches, or replayed.

In: cases and the run's sending settings. Out: each case's `Completion`s per model,
recorded into its cassettes, or an error that says what failed and what to run next.
`runner` picks the way; each way has its module: `live` (where live requests go out),
`sharded` (live, over forked processes), `batch` (the Batch API), `offline` and
`forked_replay` (replay). The judge's and embeddings' calls (`grading`) go out through
here too.
"""
